"""A demo student registry (the ministry's import sheet), written from the population's households: each student
a child of 6 to 18 of a household, with the parents the household gives (the head and their spouse).

Damage: the personal ID missing for many (a pupil born before 2016 may hold none yet), a digit wrong on some;
birth dates with day and month exchanged; names without diacritics or in capitals; a parent's birth year one
off; a parent left out. A pupil who moved school is listed twice (the same student code, another class). The
commune is written as its name. truth.csv: per record and role (student, father, mother), the person, and the
record it repeats.
"""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from .marriages import MarriageDamage, Spouse, _name, _read_population, write_registry_and_truth

STUDENT_HEADER = ("record_id", "student_code", "class", "full_name", "birth_date", "gender", "ethnicity", "commune",
                  "father_name", "father_birth_year", "mother_name", "mother_birth_year", "id_number")
TRUTH_HEADER = ("record_id", "role", "person_id", "duplicate_of")
SCHOOL_START = date(2025, 9, 5)


def _families(population: Path, households: Path) -> list[tuple[Spouse, Spouse | None, Spouse | None]]:
    """(child of school age, father, mother) for every such child of a household with a parent."""
    men, women = _read_population(population)
    by_id = {s.cccd: s for s in men + women}
    out = []
    for line in open(households, encoding="utf-8"):
        members = [by_id[c] for c in line.strip().split(",") if c in by_id]
        if len(members) < 2:
            continue
        head = members[0]
        parents = [head]
        second = members[1]
        if second.gender != head.gender and abs(second.birth.year - head.birth.year) <= 12:
            parents.append(second)
        father = next((p for p in parents if p.gender == "nam"), None)
        mother = next((p for p in parents if p.gender == "nữ"), None)
        for child in members[len(parents):]:
            age = SCHOOL_START.year - child.birth.year
            if 6 <= age <= 18 and child.birth.year >= head.birth.year + 17:
                out.append((child, father, mother))
    return out


def write_students(population: Path | str, households: Path | str, out: Path | str, truth: Path | str, *,
                   students: int = 8000, seed: int = 20250930) -> int:
    rng = random.Random(f"{seed}:students")
    families = _families(Path(population), Path(households))
    chosen = rng.sample(families, k=min(students, len(families)))
    damage = MarriageDamage()
    rows, truth_rows = [], []

    def write(child: Spouse, father: Spouse | None, mother: Spouse | None, code: str, duplicate_of: str) -> str:
        rid = f"HS-{len(rows) + 1:06d}"
        grade = max(1, min(12, SCHOOL_START.year - child.birth.year - 5))
        x = rng.random()
        if x < 0.03 and child.birth.day <= 12 and child.birth.day != child.birth.month:
            birth = f"{child.birth.month:02d}/{child.birth.day:02d}/{child.birth.year}"
        else:
            birth = child.birth.strftime("%d/%m/%Y")
        has_id = child.birth.year >= 2016 or rng.random() < 0.45
        id_number = child.cccd if has_id and rng.random() < 0.9 else ""
        if id_number and rng.random() < 0.04:
            i = rng.randrange(12)
            id_number = id_number[:i] + str((int(id_number[i]) + rng.randint(1, 9)) % 10) + id_number[i + 1:]
        commune = child.address.split(",")[1].strip() if "," in child.address else ""
        if father is not None and rng.random() < 0.04:
            father = None  # left out of the sheet
        parent = {}
        for role, p in (("father", father), ("mother", mother)):
            if p is None:
                parent[role] = ("", "")
                continue
            year = p.birth.year + (rng.choice((-1, 1)) if rng.random() < 0.05 else 0)
            parent[role] = (_name(rng, p.name, damage), str(year))
        rows.append((rid, code, f"{grade}{rng.choice('ABCDE')}", _name(rng, child.name, damage), birth,
                     "Nam" if child.gender == "nam" else "Nữ", "Kinh" if rng.random() < 0.93 else "Khmer", commune,
                     *parent["father"], *parent["mother"], id_number))
        truth_rows.append((rid, "student", child.cccd, duplicate_of))
        for role, p in (("father", father), ("mother", mother)):
            if p is not None:
                truth_rows.append((rid, role, p.cccd, duplicate_of))
        return rid

    for n, (child, father, mother) in enumerate(chosen):
        code = f"{8900000000 + n:010d}"
        rid = write(child, father, mother, code, "")
        if rng.random() < 0.04:  # moved school: listed again by the new school
            write(child, father, mother, code, rid)
    # a school's sheet lists its pupils in order: the first listing comes first
    write_registry_and_truth(out, STUDENT_HEADER, rows, truth, TRUTH_HEADER, truth_rows)
    return len(rows)

"""The student registry: a child matched with the help of their parents, the same student listed twice.

The ministry's sheet (Circular 42/2021/TT-BGDĐT) gives a student's name, birth date, gender, commune, personal ID
(issued at birth registration since 2016, often missing for older pupils), and both parents' names and birth
years. A child's own record is thin, and children share names; their parents are easier to find (adults hold an
ID, a birth year is given). So, after the identity engine:

- a student and their parents are linked together when one household explains them: exactly one of the
  student's possible matches (the given name written the same or without diacritics, the birth not different)
  lives at one address with a possible match of a parent (the father's family name the child's too), and no
  other of that parent's does: flag `matched_by_household` on each person so linked, the reason saying so;
- the same student twice (moved school mid-year, two sheets): the same student code — the one identifier for life
  — or the same person linked; the first listed is kept;
- flag `parents_not_found` (parents named, none found).
"""
from __future__ import annotations

from collections import defaultdict

from . import households

LINKED = ("verified", "matched")


def assist(records, persons, decisions, population) -> set[tuple[str, str]]:
    """The student and their parents, linked together where one household explains them."""
    return households.assist(records, persons, decisions, population, anchor="student",
                             partners=("father", "mother"), same_family=("father",), years_apart=(-60, -15),
                             why=("khớp nhờ cha/mẹ cùng hộ", "khớp nhờ con cùng hộ"))


def review(records: list[dict], persons: dict[str, list], links: dict):
    first_of: dict[str, str] = {}
    out = {}
    for r in records:
        rid = r["record_id"]
        student = links[(rid, "student")]
        keys = []
        code = (r.get("student_code") or "").strip().upper()
        if code:
            keys.append(f"code:{code}")
        if student.status in LINKED and student.person_id:
            keys.append(f"person:{student.person_id}")
        duplicate_of = next((first_of[k] for k in keys if k in first_of), "")
        for k in keys:
            first_of.setdefault(k, duplicate_of or rid)
        flags: dict[str, list[str]] = defaultdict(list)
        parents = [p.role for p in persons[rid] if p.role in ("father", "mother")]
        if parents and all(links[(rid, role)].status == "not_found" for role in parents):
            flags["student"].append("parents_not_found")
        out[rid] = (duplicate_of, {p.role: flags.get(p.role, []) for p in persons[rid]})
    return out

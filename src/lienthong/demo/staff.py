"""A demo staff register and the national learning platform's completion list ("Bình dân học vụ số").

The register: the personnel sheets of the province's departments and of each commune's People's Committee, as
the Department of Home Affairs gathers them: name, birth date, gender, CCCD, unit, commune, position. Officials
are adults of the population (23 to 60), a commune's living in it. Damage: the CCCD missing or a digit wrong on
some, names without diacritics or in capitals, an official listed by two units (seconded).

The completion list: the platform's export (Excel), one row per course completed: ID number (often typed as a
number, its leading zero lost), name, unit as the learner typed it, course, completion date, certificate number.
Each unit has its own pace (a share of its staff done, some units far behind), a few learners are not staff (a
retired official, a relative), some completed a course other than the basic framework. truth.csv: per register
record, the person; completions-truth.csv: per completion row, the register record of the official or "".
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from lienthong.geo.units import commune as commune_unit

from .marriages import MarriageDamage, Spouse, _name, _read_population, write_registry_and_truth

STAFF_HEADER = ("record_id", "full_name", "birth_date", "gender", "id_number", "unit", "commune", "position")
TRUTH_HEADER = ("record_id", "role", "person_id", "duplicate_of")
COMPLETION_HEADER = ("STT", "Số định danh cá nhân", "Họ và tên", "Đơn vị công tác", "Khóa học", "Ngày hoàn thành",
                     "Số chứng nhận")
BASIC_COURSE = "Kỹ năng số cơ bản cho cán bộ, công chức (Khung 757)"
OTHER_COURSES = ("An toàn thông tin cơ bản", "Sử dụng dịch vụ công trực tuyến", "Trí tuệ nhân tạo nhập môn")
DEPARTMENTS = ("Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo",
               "Sở Y tế", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Công Thương", "Sở Văn hóa, Thể thao và Du lịch",
               "Văn phòng UBND tỉnh", "Trung tâm Phục vụ hành chính công tỉnh")
POSITIONS = ("Chuyên viên", "Chuyên viên", "Chuyên viên", "Công chức", "Phó trưởng phòng", "Trưởng phòng", "Văn thư",
             "Kế toán", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Công chức Tư pháp - Hộ tịch", "Công chức Địa chính")
LIST_DATE = date(2026, 11, 25)


def commune_unit_name(code: str) -> str:
    unit = commune_unit(code)
    return f"UBND {unit.name}" if unit else f"UBND xã {code}"


def _units(people: list[Spouse], rng: random.Random, communes: int) -> list[tuple[str, str, list[Spouse]]]:
    """(unit, commune code, its staff) for the departments and the communes with most people."""
    by_commune: dict[str, list[Spouse]] = {}
    for p in people:
        by_commune.setdefault(p.commune, []).append(p)
    chosen = sorted(by_commune, key=lambda c: (-len(by_commune[c]), c))[:communes]
    units = []
    taken: set[str] = set()
    for code in chosen:
        pool = [p for p in by_commune[code] if p.cccd not in taken]
        staff = rng.sample(pool, k=min(len(pool), rng.randint(18, 32)))
        taken.update(s.cccd for s in staff)
        units.append((commune_unit_name(code), code, staff))
    rest = [p for p in people if p.cccd not in taken]
    for name in DEPARTMENTS:
        staff = rng.sample(rest, k=rng.randint(25, 45))
        taken.update(s.cccd for s in staff)
        rest = [p for p in rest if p.cccd not in taken]
        units.append((name, "", staff))
    return units


def write_staff(population: Path | str, out: Path | str, truth: Path | str, completions: Path | str,
                completions_truth: Path | str, *, communes: int = 10, seed: int = 20250930) -> tuple[int, int]:
    """Writes the register (CSV) and the completion list (xlsx); returns (register rows, completion rows)."""
    rng = random.Random(f"{seed}:staff")
    men, women = _read_population(Path(population))
    people = [p for p in men + women if 23 <= LIST_DATE.year - p.birth.year <= 60]
    people.sort(key=lambda p: p.cccd)
    damage = MarriageDamage()
    rows, truth_rows, listed = [], [], []
    units = _units(people, rng, communes)

    def add(person: Spouse, unit: str, code: str, duplicate_of: str) -> str:
        rid = f"CB-{len(rows) + 1:06d}"
        id_number = person.cccd
        x = rng.random()
        if x < 0.04:
            id_number = ""
        elif x < 0.07:
            i = rng.randrange(3, 12)
            id_number = id_number[:i] + str((int(id_number[i]) + rng.randint(1, 9)) % 10) + id_number[i + 1:]
        rows.append((rid, _name(rng, person.name, damage), person.birth.strftime("%d/%m/%Y"),
                     "Nam" if person.gender == "nam" else "Nữ", id_number, unit, code, rng.choice(POSITIONS)))
        truth_rows.append((rid, "official", person.cccd, duplicate_of))
        return rid

    for unit, code, staff in units:
        for person in staff:
            rid = add(person, unit, code, "")
            listed.append((rid, person, unit))
    for rid, person, unit in rng.sample(listed, k=len(listed) // 40):  # seconded: listed by a second unit too
        other = rng.choice([u for u in units if u[0] != unit])
        add(person, other[0], other[1], rid)
    write_registry_and_truth(out, STAFF_HEADER, rows, truth, TRUTH_HEADER, truth_rows)

    # The platform's export: each unit at its own pace.
    pace = {unit: rng.choice((0.45, 0.62, 0.74, 0.83, 0.9, 0.96, 1.0)) for unit, _c, _s in units}
    done = []
    for rid, person, unit in listed:
        if rng.random() < pace[unit]:
            done.append((rid, person, unit, BASIC_COURSE))
        if rng.random() < 0.15:
            done.append((rid, person, unit, rng.choice(OTHER_COURSES)))
    outsiders = rng.sample([p for p in people if p.cccd not in {x[1].cccd for x in listed}], k=max(3, len(done) // 50))
    for person in outsiders:
        done.append(("", person, rng.choice(units)[0], BASIC_COURSE))
    rng.shuffle(done)
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách hoàn thành"
    sheet.append(COMPLETION_HEADER)
    answer = [("row", "record_id", "person_id")]
    for n, (rid, person, unit, course) in enumerate(done, 1):
        number: str | int = person.cccd
        if rng.random() < 0.3:
            number = int(person.cccd)  # typed into Excel as a number: the leading zero lost
        elif rng.random() < 0.03:
            number = ""
        typed_unit = unit if rng.random() < 0.7 else unit.replace("UBND ", "Ủy ban nhân dân ").lower()
        on = date(2025, 4, 1) + timedelta(days=rng.randrange((LIST_DATE - date(2025, 4, 1)).days))
        sheet.append((n, number, _name(rng, person.name, damage), typed_unit, course, on.strftime("%d/%m/%Y"),
                      f"BDHVS-{on.year}-{rng.randrange(10**6):06d}"))
        answer.append((str(n + 1), rid, person.cccd))
    book.save(completions)
    with open(completions_truth, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(answer)
    return len(rows), len(done)

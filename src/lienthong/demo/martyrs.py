"""A demo martyr registry: three sources built independently (the defence ministry's `quoc_phong`, the labour-
invalids-social affairs ministry's `ldtbxh`, a 2015 database `csdl_2015`), one file after the other, listing the
same martyrs with the damage each source has.

A martyr is made up (they are not in the population); their next of kin is a real person of the population: a
child (the martyr's family name theirs), a wife, a brother or sister, or a nephew who keeps the worship. The
martyr's hometown is where the kin lives, written mostly the old way (the commune, district and province before
July 2025), sometimes the 2025 way, abbreviated, without diacritics, or not at all. About 60 % of the martyrs are
in two or three sources. Per record: the name without diacritics, in capitals or with a letter wrong; the birth
year missing or one off; the death date a placeholder (01/mm, 01/01), a year, missing, or — in a later source —
another date; the kin left out, named differently (another kin), or their ID as that source holds it (the 2015
database the CMND, the defence lists often none). A few martyrs are brothers sharing one kin, and a few share a
name and a hometown with another martyr (two men, not one).

truth.csv: per record and role (martyr, kin), the person (the martyr: always empty; the kin: empty when not in
the population), the record of the same martyr listed first, and whether the records of that martyr disagree on
the death date or the kin (`duplicate_conflict`).
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from .marriages import MarriageDamage, Spouse, _birth, _name, _read_population, _residence, _strip, write_registry_and_truth
from .names import full_name
from .places import OLD_PROVINCE_NAMES, Place, geography

MARTYR_HEADER = ("record_id", "source", "martyr_name", "birth_year", "death_date", "hometown", "unit",
                 "grave_location", "kin_name", "kin_relation", "kin_birth_date", "kin_id_number", "kin_residence")
TRUTH_HEADER = ("record_id", "role", "person_id", "duplicate_of", "duplicate_conflict")
SOURCES = (("quoc_phong", "QP"), ("ldtbxh", "LD"), ("csdl_2015", "CS"))
WARS = ((1946, 1954), (1959, 1975), (1977, 1989))  # the years martyrs of the province fell in
_UNITS = ("Tiểu đoàn 207", "Tiểu đoàn 309", "Tiểu đoàn 512", "Trung đoàn 1, Sư đoàn 330", "Đại đội 2, Tiểu đoàn 307",
          "Bộ đội địa phương huyện", "Du kích xã", "Sư đoàn 339", "Trung đoàn 20", "Công an vũ trang tỉnh")


def _relation(rng: random.Random, kind: str, kin: Spouse, martyr_born: int) -> str:
    """The relation as a source writes it, true to the kin's gender (the identity engine reads it)."""
    man = kin.gender == "nam"
    if kind == "child":
        return rng.choice(("Con", "con", "Con trai" if man else "Con gái"))
    if kind == "wife":
        return rng.choice(("Vợ", "vợ", "Vợ liệt sĩ"))
    if kind == "sibling":
        if kin.birth.year < martyr_born:
            return "Anh" if man else "Chị"
        return rng.choice(("Em", "em", "Em trai" if man else "Em gái"))
    return rng.choice(("Cháu (thờ cúng)", "Người thờ cúng", "Cháu"))


def _war_day(rng: random.Random, earliest: int, latest: int) -> date | None:
    years = [y for lo, hi in WARS for y in range(lo, hi + 1) if earliest <= y <= latest]
    if not years:
        return None
    return date(rng.choice(years), 1, 1) + timedelta(days=rng.randrange(365))


class _Martyr:
    def __init__(self, name: str, born: int, died: date, place: Place, unit: str, grave: str):
        self.name, self.born, self.died, self.place, self.unit, self.grave = name, born, died, place, unit, grave
        self.kin: Spouse | None = None
        self.relation = ""
        self.other_kin: Spouse | None = None  # named by a later source instead (a conflict)
        self.other_death: date | None = None  # given by a later source instead (a conflict)


def _hometown(rng: random.Random, p: Place) -> str:
    province = OLD_PROVINCE_NAMES[p.old_province]
    x = rng.random()
    if x < 0.08:
        return ""
    if x < 0.43:
        return f"{p.old_commune_type} {p.old_commune_name}, {p.old_district_type} {p.old_district_name}, tỉnh {province}"
    if x < 0.53:
        short = {"xã": "X.", "phường": "P.", "thị trấn": "TT."}.get(p.old_commune_type, "")
        district = {"huyện": "H.", "thị xã": "TX.", "thành phố": "TP."}.get(p.old_district_type, "")
        return f"{short} {p.old_commune_name}, {district} {p.old_district_name}, {province}"
    if x < 0.63:
        return _strip(f"{p.old_commune_type} {p.old_commune_name}, {p.old_district_type} {p.old_district_name}")
    if x < 0.73:
        return f"{p.old_commune_name}, {p.old_district_name}"
    if x < 0.78:
        return f"ấp {rng.choice(p.hamlets).removeprefix('Ấp ')}, {p.old_commune_type} {p.old_commune_name}, " \
               f"{p.old_district_type} {p.old_district_name}"
    return f"{p.new_commune_type} {p.new_commune_name}, tỉnh An Giang"


def _martyr_name(rng: random.Random, name: str, damage: MarriageDamage) -> str:
    if rng.random() < 0.03 and len(name.split()) >= 4:  # the middle name left out
        words = name.split()
        return " ".join([words[0], *words[2:]])
    return _name(rng, name, damage)


def _birth_year(rng: random.Random, born: int) -> str:
    x = rng.random()
    if x < 0.20:
        return ""
    if x < 0.24:
        return str(born + rng.choice((-1, 1)))
    if x < 0.29:
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{born}"
    return str(born)


def _death(rng: random.Random, died: date) -> str:
    x = rng.random()
    if x < 0.10:
        return ""
    if x < 0.20:
        return str(died.year)
    if x < 0.30:
        return f"01/01/{died.year}"
    if x < 0.40:
        return f"01/{died.month:02d}/{died.year}"
    return died.strftime("%d/%m/%Y")


def _kin_id(rng: random.Random, source: str, s: Spouse) -> str:
    if not s.in_population and rng.random() < 0.5:
        return ""
    x = rng.random()
    if source == "csdl_2015":  # before the CCCD: the CMND, or nothing
        return s.cmnd if s.cmnd and x < 0.6 else ""
    if source == "quoc_phong":
        return s.cccd if x < 0.4 else s.cmnd if x < 0.55 else ""
    if x < 0.03:  # ldtbxh pays the benefits: an up-to-date ID, a digit wrong on a few
        i = rng.randrange(12)
        return s.cccd[:i] + str((int(s.cccd[i]) + rng.randint(1, 9)) % 10) + s.cccd[i + 1:]
    return s.cccd if x < 0.9 else ""


def write_martyrs(population: Path | str, out: Path | str, truth: Path | str, *, martyrs: int = 4000,
                  seed: int = 20250930) -> int:
    """Write `martyrs` martyrs (more rows: most are in several sources) to `out` and the truth to `truth`;
    returns the rows written."""
    rng = random.Random(f"{seed}:martyrs")
    damage = MarriageDamage()
    men, women = _read_population(Path(population))
    people = men + women
    places_of: dict[str, list[Place]] = {}
    for p in geography().places:
        places_of.setdefault(p.new_commune_code, []).append(p)
    all_places = geography().places
    used: set[str] = set()

    def pick(pool: list[Spouse], born_from: int, born_to: int) -> Spouse | None:
        for _ in range(200):
            s = rng.choice(pool)
            if s.cccd not in used and born_from <= s.birth.year <= born_to:
                used.add(s.cccd)
                return s
        return None

    def make(kind: str) -> _Martyr | None:
        """A martyr and their kin of this kind."""
        if kind == "child":
            kin = pick(people, 1948, 1982)
            if kin is None:
                return None
            born = kin.birth.year - rng.randint(19, 32)
            died = _war_day(rng, max(kin.birth.year - 1, born + 17), min(kin.birth.year + 12, born + 45))
            family = kin.name.split()[0]
        elif kind == "wife":
            kin = pick(women, 1935, 1965)
            if kin is None:
                return None
            born = kin.birth.year - rng.randint(-2, 8)
            died = _war_day(rng, max(born + 18, kin.birth.year + 17), kin.birth.year + 40)
            family = None
        elif kind == "sibling":
            kin = pick(people, 1935, 1968)
            if kin is None:
                return None
            born = kin.birth.year + rng.choice((-1, 1)) * rng.randint(1, 9)
            died = _war_day(rng, born + 16, born + 35)
            family = kin.name.split()[0]
        else:  # a nephew who keeps the worship
            kin = pick(men, 1950, 1985)
            if kin is None:
                return None
            born = kin.birth.year - rng.randint(25, 45)
            died = _war_day(rng, born + 16, born + 40)
            family = kin.name.split()[0]
        if died is None or died >= date(1990, 1, 1):
            used.discard(kin.cccd)
            return None
        fam, rest = full_name(rng.random, "nam", family)
        home = places_of.get(kin.commune) if rng.random() < 0.85 else None
        place = rng.choice(home or all_places)
        grave = rng.choice((f"Nghĩa trang liệt sĩ {place.old_district_type} {place.old_district_name}",
                            "Nghĩa trang liệt sĩ tỉnh", "Chưa xác định được mộ", ""))
        m = _Martyr(f"{fam} {rest}", born, died, place, rng.choice(_UNITS), grave)
        if rng.random() < 0.04:
            # The kin not in the population (died, moved away): a name drawn afresh (the family's, for a child, a
            # sibling or a nephew), their age and commune, an ID nobody has. Not a copy of a real person's name:
            # someone unregistered with a namesake of one commune and birth year is rare, and the engine could
            # not tell them apart either.
            used.discard(kin.cccd)
            fam, rest = full_name(rng.random, kin.gender, None if kind == "wife" else kin.name.split()[0])
            kin = Spouse("".join(str(rng.randrange(10)) for _ in range(12)), "", f"{fam} {rest}",
                         kin.birth + timedelta(days=rng.randint(-400, 400)), kin.commune, kin.address,
                         in_population=False, gender=kin.gender)
        m.kin, m.relation = kin, kind
        return m

    kinds = ("child", "wife", "sibling", "nephew")
    chosen: list[_Martyr] = []
    attempts = 0
    while len(chosen) < martyrs and attempts < martyrs * 20:
        attempts += 1
        m = make(rng.choices(kinds, weights=(40, 20, 25, 15))[0])
        if m is None:
            continue
        chosen.append(m)
        if len(chosen) < martyrs and m.relation == "sibling" and rng.random() < 0.08:
            # his brother fell too: another martyr, the same kin
            fam = m.name.split()[0]
            brother = _Martyr(f"{fam} {full_name(rng.random, 'nam', fam)[1]}", m.born + rng.choice((-3, -2, 2, 4)),
                              _war_day(rng, m.born + 18, m.born + 30) or m.died, m.place, rng.choice(_UNITS), m.grave)
            brother.kin, brother.relation = m.kin, m.relation
            chosen.append(brother)
        elif len(chosen) < martyrs and rng.random() < 0.02:
            # another man of the same name and hometown, another kin
            other = make(rng.choice(kinds))
            if other is not None:
                other.name, other.place = m.name, m.place
                other.born = m.born + rng.choice((-1, 1)) * rng.randint(3, 12)
                chosen.append(other)

    # In which sources: 40 % in one, 35 % in two, 25 % in three.
    listed: dict[str, list[int]] = {name: [] for name, _ in SOURCES}
    for i, m in enumerate(chosen):
        count = rng.choices((1, 2, 3), weights=(40, 35, 25))[0]
        sources = rng.sample([name for name, _ in SOURCES], count)
        for s in sources:
            listed[s].append(i)
        if count > 1 and rng.random() < 0.05:
            m.other_death = _war_day(rng, m.died.year - 3, m.died.year + 3)
            if m.other_death is not None and abs(m.other_death.year - m.died.year) < 1:
                m.other_death = None
        if count > 1 and rng.random() < 0.05:
            m.other_kin = pick(people, 1950, 1985)  # a later source names another kin

    rows, truth_rows = [], []
    first_of: dict[int, str] = {}
    conflict = {i for i, m in enumerate(chosen) if m.other_death or m.other_kin}
    for source, prefix in SOURCES:
        order = listed[source][:]
        rng.shuffle(order)  # each source in its own order
        for n, i in enumerate(order, start=1):
            m = chosen[i]
            rid = f"{prefix}-{n:06d}"
            later = i in first_of
            died = m.other_death if later and m.other_death else m.died
            kin = m.other_kin if later and m.other_kin else m.kin
            has_kin = kin is not None and rng.random() >= 0.08
            kin_cols = ("", "", "", "", "")
            if has_kin:
                relation = "nephew" if kin is m.other_kin else m.relation
                kin_cols = (_name(rng, kin.name, damage), _relation(rng, relation, kin, m.born),
                            _birth(rng, kin.birth, damage), _kin_id(rng, source, kin), _residence(rng, kin, damage))
            rows.append((rid, source, _martyr_name(rng, m.name, damage), _birth_year(rng, m.born), _death(rng, died),
                         _hometown(rng, m.place), m.unit if rng.random() < 0.8 else "",
                         m.grave if rng.random() < 0.85 else "", *kin_cols))
            duplicate_of = first_of.setdefault(i, rid)
            duplicate_of = "" if duplicate_of == rid else duplicate_of
            flag = int(i in conflict)
            truth_rows.append((rid, "martyr", "", duplicate_of, flag))
            if has_kin:
                truth_rows.append((rid, "kin", kin.cccd if kin.in_population else "", duplicate_of, flag))
    write_registry_and_truth(out, MARTYR_HEADER, rows, truth, TRUTH_HEADER, truth_rows)
    return len(rows)

"""A demo land registry: old certificates whose holder field names one or several people in the set phrasings
(registries/holders.py), written from a population file with the damage old certificates carry.

Each parcel's holders are a man of the population and often his wife (a woman of his commune, of about his age),
sometimes a woman alone or three heirs. The field: "Hộ ông X", "Ông X và vợ là bà Y", "Bà Y (chủ hộ)", "Ông X,
bà Y", "Ông X; Bà Y; Ông Z", with "sinh năm …" and "CMND số …" beside each name as the certificate's rules ask
(`LandDamage`: fewer on certificates before 2009); names without diacritics or in capitals on some. A parcel is
sometimes registered twice (an old certificate and its re-issue: the same holders, another certificate number
and date) or passed to someone else without the old certificate being closed (a new holder: the same parcel key,
holders that differ). The address is the first holder's residence as written when the certificate was issued:
the old units (before July 2025: commune, district, old province), as REGISTRIES.md has them ("with CMND
numbers and old addresses"). truth.csv: per record and role, the person (empty: not in the population) and the
record it repeats.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from .marriages import MarriageDamage, Spouse, _name, _read_population, write_registry_and_truth
from .places import geography
from .registry import _old_address

LAND_HEADER = ("record_id", "certificate_no", "issued_on", "commune", "sheet_no", "parcel_no", "area_m2", "holders",
               "address")
TRUTH_HEADER = ("record_id", "role", "person_id", "duplicate_of", "holders_differ")


@dataclass(frozen=True)
class LandDamage:
    """What a certificate writes beside each holder's name, and how it is damaged.

    The certificate's rules (Circular 17/2009/TT-BTNMT, then 23/2014/TT-BTNMT) ask, for each holder — the head of a
    household, husband and wife both when the land is theirs together — the full name, the year of birth, the
    identity paper and its number ("if any") and the permanent address. Certificates issued before 2009 were
    written under older forms and by hand: the year and the number are missing more often there. The rates are
    the demo's assumptions, not measured."""

    birth_year: float = 0.92  # a holder's year of birth, certificates from 2009
    id_number: float = 0.80  # a holder's CMND/CCCD number, certificates from 2009, when they had one
    old_birth_year: float = 0.60  # the same, certificates before 2009
    old_id_number: float = 0.45
    wrong_digit: float = 0.03  # a number with one digit wrong
    year_off: float = 0.02  # a year of birth one off
    no_address: float = 0.05
    old_address_abbreviated: float = 0.4  # "X. Bình An, H. Châu Thành" rather than "xã Bình An, huyện Châu Thành"
    old_address_with_province: float = 0.7
    not_in_population: float = 0.05  # a holder since dead or moved away: not in the population database


def _with_facts(rng: random.Random, title: str, s: Spouse, issued: date, damage: LandDamage,
                name: str | None = None) -> str:
    """`title` and the holder's name (`name` as written, when the phrasing put it already), then the year of birth
    and the identity number where the certificate gives them."""
    text = f"{title} {name or _name(rng, s.name, MarriageDamage())}"
    recent = issued.year >= 2009
    if rng.random() < (damage.birth_year if recent else damage.old_birth_year):
        year = s.birth.year + (rng.choice((-1, 1)) if rng.random() < damage.year_off else 0)
        text += f", sinh năm {year}"
    number = s.cmnd if issued.year < 2016 else s.cccd
    if number and rng.random() < (damage.id_number if recent else damage.old_id_number):
        if rng.random() < damage.wrong_digit:
            i = rng.randrange(len(number))
            number = number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1:]
        text += f", {'CMND' if issued.year < 2016 else 'CCCD'} số {number}"
    return text


def _gone(rng: random.Random, model: Spouse, pool: list[Spouse]) -> Spouse:
    """A holder not in the population (dead since, or moved away): of the model's commune, gender and age, with a
    name of the province drawn as names are (the model's family name, the middle and given names of another
    person of that gender), so that their namesakes in the population are as many as chance makes them."""
    other = rng.choice(pool).name.split()
    name = " ".join([model.name.split()[0], *other[1:]]) if len(other) > 1 else model.name
    return Spouse("", "", name, model.birth, model.commune, model.address, in_population=False, gender=model.gender)


def _title(s: Spouse) -> str:
    return "ông" if s.gender == "nam" else "bà"


def _field(rng: random.Random, holders: list[tuple[str, Spouse]], issued: date, damage: LandDamage) -> str:
    """The holder field for these (role, person) pairs, in one of the certificates' phrasings."""
    if len(holders) == 1:
        (_role, s), = holders
        t = _title(s)
        form = rng.randrange(3)
        if form == 0:
            return _with_facts(rng, f"Hộ {t}", s, issued, damage)
        if form == 1:
            return _with_facts(rng, t.capitalize(), s, issued, damage)
        return _with_facts(rng, t.capitalize(), s, issued, damage,
                           name=f"{_name(rng, s.name, MarriageDamage())} (chủ hộ)")
    if len(holders) == 2 and holders[1][0] == "spouse":
        (_r1, a), (_r2, b) = holders
        partner = "vợ" if b.gender == "nữ" else "chồng"
        return (f"{_with_facts(rng, _title(a).capitalize(), a, issued, damage)} và {partner} là "
                f"{_with_facts(rng, _title(b), b, issued, damage)}")
    return "; ".join(_with_facts(rng, _title(s).capitalize(), s, issued, damage) for _role, s in holders)


def _old_places() -> dict[tuple[str, str], list]:
    """(2025 commune code, hamlet) → the old communes (places.Place) that hamlet was in before July 2025."""
    out: dict[tuple[str, str], list] = {}
    for place in geography().places:
        for hamlet in place.hamlets:
            out.setdefault((place.new_commune_code, hamlet), []).append(place)
    return out


def _address_then(rng: random.Random, s: Spouse, old_places: dict, damage: LandDamage) -> str:
    """The holder's residence as a certificate issued before July 2025 wrote it: hamlet, old commune, district and
    (on most) province; the 2025 address when the old commune is not known."""
    if rng.random() < damage.no_address:
        return ""
    hamlet = s.address.split(",", 1)[0].strip()
    places = old_places.get((s.commune, hamlet))
    if not places:
        return s.address
    person = SimpleNamespace(place=rng.choice(places), hamlet=hamlet)
    return _old_address(rng, person, rng.random() < damage.old_address_abbreviated,
                        rng.random() < damage.old_address_with_province)


def _spouses(households: Path | None, people: dict[str, Spouse]) -> dict[str, Spouse]:
    """A household head's spouse (the household's second member, of the other gender and about their age)."""
    out: dict[str, Spouse] = {}
    if households is None or not Path(households).is_file():
        return out
    for line in open(households, encoding="utf-8"):
        ids = line.strip().split(",")
        if len(ids) >= 2 and ids[0] in people and ids[1] in people:
            a, b = people[ids[0]], people[ids[1]]
            if a.gender != b.gender and abs(a.birth.year - b.birth.year) <= 12:
                out[a.cccd] = b
    return out


def write_land(population: Path | str, out: Path | str, truth: Path | str, *, parcels: int = 6000,
               seed: int = 20250930, households: Path | str | None = None, damage: LandDamage = LandDamage()) -> int:
    """`households`: the population's households (demo's households.csv): a couple on a certificate is then a
    couple of the population; without it a spouse is a woman of the holder's commune of about his age."""
    rng = random.Random(f"{seed}:land")
    old_places = _old_places()
    men, women = _read_population(Path(population))
    spouse_of = _spouses(Path(households) if households else None, {s.cccd: s for s in men + women})
    men = [m for m in men if m.birth.year <= 1990]  # holders are adults when the certificate is issued
    women = [w for w in women if w.birth.year <= 1990]
    women_by_commune: dict[str, list[Spouse]] = {}
    for w in women:
        women_by_commune.setdefault(w.commune, []).append(w)
    today = date(2025, 9, 1)
    rows, truth_rows = [], []
    sheets: dict[str, int] = {}
    used: set[tuple[str, int, int]] = set()

    def holders_of(head: Spouse) -> list[tuple[str, Spouse]]:
        return [(role, _gone(rng, s, men if s.gender == "nam" else women) if rng.random() < damage.not_in_population
                 else s) for role, s in some_holders(head)]

    def some_holders(head: Spouse) -> list[tuple[str, Spouse]]:
        x = rng.random()
        if x < 0.15:  # a woman alone
            return [("holder", rng.choice(women_by_commune.get(head.commune, women)))]
        if x < 0.80:
            if head.cccd in spouse_of:
                return [("holder", head), ("spouse", spouse_of[head.cccd])]
            if spouse_of:  # the population's households are known: a man without a wife in them holds alone
                return [("holder", head)]
            nearby = women_by_commune.get(head.commune, women)
            wives = [w for w in rng.sample(nearby, k=min(30, len(nearby))) if abs(w.birth.year - head.birth.year) <= 8]
            return [("holder", head), ("spouse", wives[0])] if wives else [("holder", head)]
        if x < 0.93:
            return [("holder", head)]
        others = [m for m in rng.sample(men, k=3) if m.cccd != head.cccd][:1]
        return [("holder", head), ("holder_2", others[0]), ("holder_3", rng.choice(women))]

    def write(commune: str, sheet: int, parcel: int, area: int, holders, issued: date, duplicate_of: str,
              differ: bool) -> str:
        rid = f"TD-{len(rows) + 1:06d}"
        address = _address_then(rng, holders[0][1], old_places, damage)
        commune_text = commune if rng.random() < 0.5 else f"xã {commune}"
        rows.append((rid, f"{rng.choice('ABCDEFGHK')}{rng.choice('ABCDEFGHK')} {rng.randint(100000, 999999)}",
                     issued.strftime("%d/%m/%Y"), commune_text, f"{sheet:0{rng.choice((1, 2, 3))}d}",
                     str(parcel), str(area), _field(rng, holders, issued, damage), address))
        for role, s in holders:
            truth_rows.append((rid, role, s.cccd if s.in_population else "", duplicate_of, int(differ)))
        return rid

    for _ in range(parcels):
        holders = holders_of(rng.choice(men))
        place = holders[0][1].address.split(",")[1].strip() if "," in holders[0][1].address else holders[0][1].commune
        commune = place.removeprefix("xã ").removeprefix("phường ").removeprefix("đặc khu ")
        sheet = sheets.setdefault(commune, rng.randint(1, 60))
        sheets[commune] = sheet + (1 if rng.random() < 0.02 else 0)
        parcel, area = rng.randint(1, 2000), rng.randint(60, 20000)
        while (commune, sheet, parcel) in used:  # a parcel's key is its identity: two parcels never share one
            parcel += 1
        used.add((commune, sheet, parcel))
        first = max(date(1995, 1, 1), date(max(s.birth.year for _r, s in holders) + 20, 1, 1))
        issued = first + timedelta(days=rng.randint(0, (today - first).days - 400))
        rid = write(commune, sheet, parcel, area, holders, issued, "", False)
        x = rng.random()
        if x < 0.05:  # re-issued: the same holders
            write(commune, sheet, parcel, area, holders, issued + timedelta(days=rng.randint(200, 3000)), rid, False)
        elif x < 0.07:  # passed on without the old certificate closed
            new = holders_of(rng.choice(men))
            truth_rows[:] = [(*t[:4], 1) if t[0] == rid else t for t in truth_rows]
            write(commune, sheet, parcel, area, new, issued + timedelta(days=rng.randint(200, 3000)), rid, True)
    rng.shuffle(rows)
    write_registry_and_truth(out, LAND_HEADER, rows, truth, TRUTH_HEADER, truth_rows)
    return len(rows)

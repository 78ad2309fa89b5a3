"""A demo marriage registry, written from a population file with the damage the province's books carry.

Couples are drawn from the population (a man and a woman of the same commune, old enough on the registration
day), and a few spouses from outside it (moved away, or recorded beyond repair). What the books do to them:

- books before 2016 give the 9-digit CMND or no ID at all; later ones the CCCD, sometimes with a wrong digit;
- placeholder birth and registration dates (01/mm/yyyy, 01/01/yyyy: legal, Circular 04/2020 art. 32), a date
  missing, day and month exchanged;
- names without diacritics, in capitals, with one letter wrong; residences written the old way or left out;
- the same marriage entered twice (the digitised book and a later re-registration: another book, entry and
  date, damaged independently);
- a few spouses under age on the registration day, and a few men in two marriages.

truth.csv says, per record and role, who the person really is (empty: not in the population), which record the
record repeats, and whether the record is truly under age or a second marriage of that spouse.
"""
from __future__ import annotations

import csv
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

MARRIAGE_HEADER = ("record_id", "registered_on", "book_no", "entry_no", "place",
                   "husband_name", "husband_birth_date", "husband_id_number", "husband_residence",
                   "wife_name", "wife_birth_date", "wife_id_number", "wife_residence")
TRUTH_HEADER = ("record_id", "role", "person_id", "duplicate_of", "underage", "two_marriages")


@dataclass(frozen=True)
class MarriageDamage:
    not_in_population: float = 0.03  # a spouse
    duplicate: float = 0.06  # a marriage entered twice
    underage: float = 0.01  # a marriage with a spouse under age
    second_marriage: float = 0.01  # a man who married twice
    placeholder_birth: float = 0.12
    missing_birth: float = 0.03
    swapped_birth: float = 0.02
    placeholder_registration: float = 0.05
    no_id_old_book: float = 0.30
    wrong_digit: float = 0.04
    no_diacritics: float = 0.08
    capitals: float = 0.05
    letter_typo: float = 0.03
    old_residence: float = 0.30
    no_residence: float = 0.10


@dataclass
class Spouse:
    cccd: str
    cmnd: str
    name: str
    birth: date
    commune: str
    address: str
    in_population: bool = True
    gender: str = ""  # "nam" / "nữ"


def _read_population(path: Path) -> tuple[list[Spouse], list[Spouse]]:
    men, women = [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            s = Spouse(row["cccd"], row["old_id_number"], row["full_name"], date.fromisoformat(row["birth_date"]),
                       row["commune_code"], row["address"], gender=row["gender"])
            (men if row["gender"] == "nam" else women).append(s)
    return men, women


def _strip(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in text if unicodedata.category(c) != "Mn"))


def _name(rng: random.Random, name: str, d: MarriageDamage) -> str:
    x = rng.random()
    if x < d.no_diacritics:
        return _strip(name)
    if x < d.no_diacritics + d.capitals:
        return name.upper()
    if x < d.no_diacritics + d.capitals + d.letter_typo:
        words = name.split()
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 2:
            j = rng.randrange(1, len(w))
            words[i] = w[:j] + rng.choice("aeiounhtcg") + w[j + 1:]
        return " ".join(words)
    return name


def _birth(rng: random.Random, born: date, d: MarriageDamage) -> str:
    x = rng.random()
    if x < d.missing_birth:
        return ""
    if x < d.missing_birth + d.placeholder_birth:
        return f"01/01/{born.year}" if rng.random() < 0.5 else f"01/{born.month:02d}/{born.year}"
    if x < d.missing_birth + d.placeholder_birth + d.swapped_birth and born.day <= 12 and born.day != born.month:
        return f"{born.month:02d}/{born.day:02d}/{born.year}"
    return born.strftime("%d/%m/%Y")


def _id(rng: random.Random, s: Spouse, registered: date, d: MarriageDamage) -> str:
    if not s.in_population and rng.random() < 0.5:
        return ""
    if registered.year < 2016:
        return "" if rng.random() < d.no_id_old_book or not s.cmnd else s.cmnd
    if rng.random() < 0.05:
        return ""
    if rng.random() < d.wrong_digit:
        i = rng.randrange(12)
        return s.cccd[:i] + str((int(s.cccd[i]) + rng.randint(1, 9)) % 10) + s.cccd[i + 1:]
    return s.cccd


def _residence(rng: random.Random, s: Spouse, d: MarriageDamage) -> str:
    x = rng.random()
    if x < d.no_residence:
        return ""
    if x < d.no_residence + d.old_residence:
        return s.address.split(",", 1)[-1].strip().replace(", tỉnh An Giang", "")  # the commune only
    return s.address


def _outsider(rng: random.Random, pool: list[Spouse]) -> Spouse:
    """A spouse not in the population: a name and a birth like those of the province, an ID nobody has."""
    model = rng.choice(pool)
    digits = "".join(str(rng.randrange(10)) for _ in range(12))
    return Spouse(digits, "", model.name, model.birth + timedelta(days=rng.randint(-900, 900)), model.commune,
                  model.address, in_population=False, gender=model.gender)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def write_marriages(population: Path | str, out: Path | str, truth: Path | str, *, marriages: int = 8000,
                    seed: int = 20250930, damage: MarriageDamage = MarriageDamage()) -> int:
    """Write `marriages` events (more rows: some are entered twice) to `out` and the truth to `truth`; returns
    the rows written."""
    rng = random.Random(f"{seed}:marriages")
    men, women = _read_population(Path(population))
    women_by_commune: dict[str, list[Spouse]] = {}
    for w in women:
        women_by_commune.setdefault(w.commune, []).append(w)
    today = date(2025, 9, 1)
    events = []  # (registered, husband, wife, underage, second)
    married: set[str] = set()
    twice: list[Spouse] = []
    attempts = 0
    while len(events) < marriages and attempts < marriages * 50:
        attempts += 1
        underage = rng.random() < damage.underage
        second = bool(twice) and rng.random() < damage.second_marriage
        husband = twice.pop() if second else rng.choice(men)
        if husband.cccd in married and not second:
            continue
        wives = women_by_commune.get(husband.commune) or women
        wife = rng.choice(wives)
        if wife.cccd in married or abs(wife.birth.year - husband.birth.year) > 15:
            continue
        if underage:  # the wife 16 or 17 on the day
            registered = wife.birth.replace(day=min(wife.birth.day, 28)) + timedelta(days=rng.randint(16 * 365 + 5,
                                                                                                    18 * 365 - 10))
        else:
            first = max(husband.birth.replace(year=husband.birth.year + 20, day=min(husband.birth.day, 28)),
                        wife.birth.replace(year=wife.birth.year + 18, day=min(wife.birth.day, 28)), date(1985, 1, 1))
            first += timedelta(days=2)
            if first >= today:
                continue
            registered = first + timedelta(days=rng.randint(0, min(4000, (today - first).days)))
        if registered >= today or _age(husband.birth, registered) < 16:
            continue
        if rng.random() < damage.not_in_population:
            if rng.random() < 0.5:
                husband = _outsider(rng, men)
            else:
                wife = _outsider(rng, women)
        married.update({husband.cccd, wife.cccd})
        if not second and husband.in_population and rng.random() < damage.second_marriage * 2:
            twice.append(husband)
        events.append((registered, husband, wife, underage, second))

    second_of = {}  # a husband's cccd → the events he is in
    for i, (_r, h, _w, _u, _s) in enumerate(events):
        second_of.setdefault(h.cccd, []).append(i)
    rows, truth_rows = [], []
    book_entries: dict[tuple[str, int], int] = {}

    def write(i: int, registered: date, duplicate_of: str) -> str:
        _day, husband, wife, _underage, _second = events[i]
        place = husband.commune
        book = f"{registered.year}-{place}"
        entry = book_entries[(book, 0)] = book_entries.get((book, 0), 0) + 1
        rid = f"HN-{len(rows) + 1:06d}"
        shown = registered
        registered_text = (f"01/01/{shown.year}" if rng.random() < damage.placeholder_registration
                           else shown.strftime("%d/%m/%Y"))
        rows.append((rid, registered_text, book, str(entry), place,
                     _name(rng, husband.name, damage), _birth(rng, husband.birth, damage),
                     _id(rng, husband, shown, damage), _residence(rng, husband, damage),
                     _name(rng, wife.name, damage), _birth(rng, wife.birth, damage),
                     _id(rng, wife, shown, damage), _residence(rng, wife, damage)))
        two = len(second_of.get(husband.cccd, ())) > 1 and husband.in_population
        # Under age on the day this record gives (a re-registration's day is later), by the true birth dates.
        under = _age(husband.birth, shown) < 20 or _age(wife.birth, shown) < 18
        for role, s in (("husband", husband), ("wife", wife)):
            truth_rows.append((rid, role, s.cccd if s.in_population else "", duplicate_of, int(under),
                               int(two and role == "husband")))
        return rid

    for i, (registered, *_rest) in enumerate(events):
        rid = write(i, registered, "")
        if rng.random() < damage.duplicate:
            # re-registered later: another book and entry, damaged again
            write(i, min(registered + timedelta(days=rng.randint(200, 6000)), today - timedelta(days=1)), rid)
    rng.shuffle(rows)  # a department's file is in no useful order
    write_registry_and_truth(out, MARRIAGE_HEADER, rows, truth, TRUTH_HEADER, truth_rows)
    return len(rows)


def write_registry_and_truth(out, header, rows, truth, truth_header, truth_rows) -> None:
    """A demo registry's CSV and its truth's (the demo registries of marriages, land, students)."""
    for path, head, body in ((out, header, rows), (truth, truth_header, truth_rows)):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(head)
            writer.writerows(body)

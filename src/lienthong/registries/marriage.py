"""The marriage registry's review: the same marriage entered twice, and the rules that send a record to review.

Law: a man marries from 20 full years, a woman from 18 (Law on Marriage and Family 2014, art. 8(1a)). Books
re-registered or recognising a de-facto marriage carry placeholder dates — the 1st of the month when the day is
unknown, 01/01 when the month is too (Circular 04/2020, art. 32): legal, never an error. So a spouse is flagged
under age only when they were under age however the placeholders are read (the birth date as the earliest it
can be, the registration as the latest).

Rule codes (the `flags` column): `underage`, `two_marriages` (the same person in two different marriages:
bigamy, or a divorce the registry does not hold — for review), `spouse_not_found` (on the other spouse's row),
`same_person` (both spouses linked to one person), `bad_registration_date`.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date

from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold, normalize_name

MIN_AGE = {"husband": 20, "wife": 18}
LINKED = ("verified", "matched")


def _earliest_and_latest(value: str | None) -> tuple[date | None, date | None]:
    """The earliest and the latest day a recorded date can stand for (a placeholder stands for a month or a
    year; a year alone for the year)."""
    parsed = parse_date(value or None)
    if parsed.date is not None:
        d = parsed.date
        if d.day == 1 and d.month == 1:
            return d, date(d.year, 12, 31)
        if d.day == 1:
            return d, date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        return d, d
    if parsed.year is not None:
        return date(parsed.year, 1, 1), date(parsed.year, 12, 31)
    return None, None


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def certainly_under(birth: str | None, registered: str | None, years: int) -> bool:
    born_first, _ = _earliest_and_latest(birth)
    _, registered_last = _earliest_and_latest(registered)
    return born_first is not None and registered_last is not None and _age(born_first, registered_last) < years


def name_key(name: str | None, birth: str | None) -> str | None:
    """A spouse as written: the folded name and the birth year (a placeholder keeps its year)."""
    folded = fold(normalize_name(name or ""))
    year = parse_date(birth or None).year
    return f"{folded}|{year}" if folded and year else None


class _Groups:
    """Union-find over record indices: the records of one marriage."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _same_spouse(a: tuple, b: tuple) -> bool:
    """Two records' spouse of one role is the same person: both linked to one person, or, when either is not
    linked, written the same (name and birth year). Two different linked persons are never the same."""
    (pa, na), (pb, nb) = a, b
    if pa and pb:
        return pa == pb
    return na is not None and na == nb


def review(records: list[dict], links: dict) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Per record_id: the record it repeats ("" when none) and the flags of each role."""
    roles = ("husband", "wife")
    spouses = []  # per record, per role: (person linked or None, name key)
    for r in records:
        row = {}
        for role in roles:
            link = links[(r["record_id"], role)]
            row[role] = (link.person_id if link.status in LINKED and link.person_id else None,
                         name_key(r.get(f"{role}_name"), r.get(f"{role}_birth_date")))
        spouses.append(row)

    # Blocking on the husband (by person and by name), then the wife must agree too.
    by_husband: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(spouses):
        person, key = row["husband"]
        for k in (f"p:{person}" if person else None, f"n:{key}" if key else None):
            if k:
                by_husband[k].append(i)
    groups = _Groups(len(records))
    for block in by_husband.values():
        for x in range(len(block)):
            for y in range(x + 1, len(block)):
                i, j = block[x], block[y]
                if all(_same_spouse(spouses[i][role], spouses[j][role]) for role in roles):
                    groups.join(i, j)

    # The record kept for a marriage: the earliest registered (unreadable dates last), then the file's order.
    def first_key(i: int):
        registered = _earliest_and_latest(records[i].get("registered_on"))[0]
        return (registered is None, registered or date.max, i)

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        members[groups.find(i)].append(i)
    kept = {root: min(ix, key=first_key) for root, ix in members.items()}

    # The same person in two marriages that are not one: every record of both, on that role's row.
    marriages_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, row in enumerate(spouses):
        for role in roles:
            if row[role][0]:
                marriages_of[(role, row[role][0])].add(groups.find(i))

    out = {}
    for i, r in enumerate(records):
        root = groups.find(i)
        duplicate_of = records[kept[root]]["record_id"] if kept[root] != i else ""
        registered = r.get("registered_on")
        bad_date = _earliest_and_latest(registered)[0] is None
        flags: dict[str, list[str]] = {}
        for role in roles:
            other = "wife" if role == "husband" else "husband"
            f = []
            if certainly_under(r.get(f"{role}_birth_date"), registered, MIN_AGE[role]):
                f.append("underage")
            person = spouses[i][role][0]
            if person and len(marriages_of[(role, person)]) > 1:
                f.append("two_marriages")
            if links[(r["record_id"], other)].status == "not_found":
                f.append("spouse_not_found")
            if person and person == spouses[i][other][0]:
                f.append("same_person")
            if bad_date:
                f.append("bad_registration_date")
            flags[role] = f
        out[r["record_id"]] = (duplicate_of, flags)
    return out

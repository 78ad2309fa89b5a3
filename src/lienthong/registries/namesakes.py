"""A registry's persons whom the population itself names: the only person of a name (and year of birth), where the
record places them.

Old land certificates name most holders with a name and a year of birth, often no identity number (registries/
land.py). The identity engine weighs a name by how common its given name is, not by how many people of the whole
population bear that full name in that year; so a holder written "Nguyễn Trung, sinh năm 1978" in Tân Châu stays
in review although exactly one Nguyễn Trung born in 1978 lives in the population, in Tân Châu. Counting the
namesakes is a plain fact of the population file, and it grows with the population as it should: in a larger
commune fewer names are unique, and fewer are linked. Written here because no library counts a record's namesakes;
the population is filtered by folded name in DuckDB, so only the namesakes are read into Python.

The rules, for a person whose record gives no identity number, in the communes the record's address may mean
(old units resolved to the 2025 communes):
- a year of birth written: the one person there of that folded full name and year (and of the gender the
  record's title gives), or the one of them living in the hamlet the address names — linked;
- no year: the one person there of that folded full name, living in the hamlet the address names — linked;
- the address is the first person's of the record (a certificate's holder): another (a spouse, an heir) only
  where the one found lives at the home of a person of the record already linked.
Each person so linked is flagged `matched_by_unique_name` for an officer to check. Measured on bench/clean.py
(land: 6,000 certificates against 300,000 people).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb

from lienthong.geo.address import hamlet_of, resolve
from lienthong.identity.text import fold
from lienthong.linkage.engine import duckdb_source

LINKED = ("verified", "matched")


@dataclass(frozen=True, slots=True)
class Resident:
    cccd: str
    name: str  # folded
    year: int | None
    gender: str
    commune: str
    address: str


@dataclass
class Residents:
    """The population's persons of these names (folded) or these ids, read in one scan."""

    by_id: dict[str, Resident]
    by_name: dict[str, list[Resident]]


def folded_name(name: str | None) -> str:
    return " ".join(fold(name or "").split())


def residents(population: str, names: set[str], ids: set[str] = frozenset()) -> Residents:
    """One DuckDB scan of POP.csv: the persons whose folded full name is one of `names`, and those of `ids`.
    DuckDB's strip_accents leaves đ, so it is mapped first; Python's fold then confirms each name."""
    by_id: dict[str, Resident] = {}
    by_name: dict[str, list[Resident]] = defaultdict(list)
    if not names and not ids:
        return Residents(by_id, by_name)
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE wanted_names (name VARCHAR)")
        con.execute("CREATE TEMP TABLE wanted_ids (cccd VARCHAR)")
        for table, values in (("wanted_names", names), ("wanted_ids", ids)):
            if values:
                con.executemany(f"INSERT INTO {table} VALUES (?)", [(v,) for v in values])
        rows = con.execute(rf"""
            SELECT cccd, full_name, birth_date, gender, commune_code, address
            FROM {duckdb_source(population)}
            WHERE cccd IN (SELECT cccd FROM wanted_ids)
               OR regexp_replace(trim(strip_accents(replace(replace(lower(full_name), 'đ', 'd'), 'Đ', 'd'))),
                                 '\s+', ' ', 'g') IN (SELECT name FROM wanted_names)""").fetchall()
    finally:
        con.close()
    for cccd, full_name, birth, gender, commune, address in rows:
        person = Resident(cccd, folded_name(full_name), int(birth[:4]) if birth and birth[:4].isdigit() else None,
                          (gender or "").strip().lower(), commune or "", address or "")
        by_id[cccd] = person
        if person.name in names:
            by_name[person.name].append(person)
    return Residents(by_id, by_name)


def _year(text: str) -> int | None:
    digits = (text or "").strip()[-4:]
    return int(digits) if digits.isdigit() else None


def link_unique(records: list[dict], persons: dict[str, list], decisions: dict, population: str, *,
                why: tuple[str, str]) -> set[tuple[str, str]]:
    """Link the persons the rules above name (status matched, `why` — the words for a name and year, for a name
    and hamlet — in the reason). Returns the (record id, role) of every person so linked."""
    todo = []
    for r in records:
        rid = r["record_id"]
        for p in persons[rid]:
            d = decisions[(rid, p.role)]
            if d.status not in LINKED and p.name.strip() and not p.id_number.strip():
                todo.append((rid, p, d))
    if not todo:
        return set()
    linked_ids = {decisions[(rid, q.role)].person_id for rid, _p, _d in todo for q in persons[rid]
                  if decisions[(rid, q.role)].status in LINKED}
    found = residents(population, {folded_name(p.name) for _rid, p, _d in todo}, linked_ids)
    places: dict[str, tuple[set[str], str]] = {}
    linked = set()
    for rid, p, d in todo:
        if p.address not in places:
            places[p.address] = (set(resolve(p.address).candidates), hamlet_of(p.address))
        communes, hamlet = places[p.address]
        if not communes:
            continue
        taken = {decisions[(rid, q.role)].person_id for q in persons[rid]
                 if decisions[(rid, q.role)].status in LINKED}
        year = _year(p.birth_date)
        same = [x for x in found.by_name.get(folded_name(p.name), [])
                if (year is None or x.year == year) and (not p.gender or not x.gender or x.gender == p.gender)]
        here = [x for x in same if x.commune in communes]
        at_home = [x for x in here if hamlet and hamlet_of(x.address) == hamlet]
        chosen, words = None, ""
        if len(here) == 1 and year is not None:
            chosen, words = here[0], why[0]
        elif len(at_home) == 1 and (year is not None or len(here) == 1):
            chosen, words = at_home[0], why[1]
        if chosen is None or chosen.cccd in taken:
            continue
        if p.role != persons[rid][0].role and chosen.address not in {
                found.by_id[i].address for i in taken if i in found.by_id and found.by_id[i].address}:
            continue  # the address is the first holder's: a co-holder only at the home of a co-holder linked
        taken.add(chosen.cccd)
        candidate = next((c for c in d.candidates if c.person_id == chosen.cccd), None)
        d.person_id, d.status = chosen.cccd, "matched"
        d.score = candidate.match_probability if candidate is not None else d.score
        d.reason = f"{d.reason}; {words}".lstrip("; ")
        linked.add((rid, p.role))
    return linked

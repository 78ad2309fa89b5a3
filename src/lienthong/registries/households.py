"""Persons of one record that one household explains, linked together (registries' profiles of families).

A record often names people who live together — a student and their parents, a land holder and their spouse —
each too thinly described to be linked alone (a child's name and birth date; an adult's name and birth year).
Together they are not: a child and a parent of those names at one address is one family. This pairs the
identity engine's candidates of a record's persons by the population's address (and family name where the
relation gives one) and links the pair when it is the only one. Written here: Splink links records one by one,
and no library joins a record's persons by household.
"""
from __future__ import annotations

from collections import defaultdict

import duckdb

from lienthong.identity.names import family_key, split_name
from lienthong.linkage.engine import duckdb_source

LINKED = ("verified", "matched")
GIVEN_AGREES = ("exact", "folded")
BIRTH_AGREES = ("exact", "swapped", "year_only")


def households(population: str, ids: set[str]) -> dict[str, tuple[str, str, int | None]]:
    """The address, family key and birth year of these persons in the population file (one DuckDB scan)."""
    if not ids:
        return {}
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE wanted (cccd VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?)", [(i,) for i in ids])
        rows = con.execute(f"""SELECT p.cccd, p.address, p.full_name, p.birth_date
                               FROM {duckdb_source(population)} AS p SEMI JOIN wanted USING (cccd)""").fetchall()
    finally:
        con.close()
    return {cccd: (address or "", family_key(split_name(name or "").family),
                   int(birth[:4]) if birth and birth[:4].isdigit() else None)
            for cccd, address, name, birth in rows}


def _options(d, birth_agrees: bool = False) -> list[tuple[str, object]]:
    """A person's possible matches: the person linked automatically, else the candidates whose given name is
    written the same (without diacritics only when none is written the same) and whose family and middle names,
    birth and gender do not differ (`birth_agrees`: and whose birth agrees — the date, or the year where only the
    year is written — or is not written; assist pairs them only beside a partner whose birth agrees)."""
    if d is None:
        return []
    if d.status in LINKED and d.person_id:
        return [(d.person_id, None)]
    fits = [(c.person_id, c) for c in d.candidates
            if c.levels.get("given") in GIVEN_AGREES
            and all(c.levels.get(part) != "different" for part in ("family", "middle", "birth", "gender"))
            and (not birth_agrees or c.levels.get("birth") in BIRTH_AGREES + ("null",))]
    if any(c.levels.get("given") == "exact" for _pid, c in fits):  # "Canh" written: not "Cảnh" when a Canh fits
        fits = [(pid, c) for pid, c in fits if c.levels.get("given") == "exact"]
    return fits


def _born_agrees(candidate) -> bool:
    """The record's birth agrees with this candidate's (a person linked already: their record's did)."""
    return candidate is None or candidate.levels.get("birth") in BIRTH_AGREES


def _link(d, person_id: str, candidate, why: str) -> None:
    d.person_id, d.status = person_id, "matched"
    d.score = candidate.match_probability if candidate is not None else d.score
    d.reason = f"{d.reason}; {why}".lstrip("; ")


def assist(records: list[dict], persons: dict[str, list], decisions: dict, population: str, *, anchor: str,
           partners: tuple[str, ...], same_family: tuple[str, ...] = (), years_apart: tuple[int, int],
           why: tuple[str, str], birth_agrees: bool = False) -> set[tuple[str, str]]:
    """Link the persons of a record that one household explains: for a record not wholly linked, the `anchor`'s
    possible matches and each partner's are paired when they live at one address (and, for the roles in
    `same_family`, bear the anchor's family name; and a partner is born `years_apart` (low, high) years after the
    anchor: a spouse about their age, a parent 15 or more years before their child). When exactly one match of
    the anchor pairs with a partner, and
    it pairs with exactly one match of each partner who pairs, those are linked ("matched"), the reason saying
    why (`why`: the anchor's words, the partners'). `birth_agrees`: a pair only where the birth of one of the two
    at least agrees, and neither differs (a person whose record gives no birth is linked with a partner whose
    record's birth agrees, never by names alone). Returns the (record id, role) of every person so
    linked."""
    options: dict[tuple[str, str], list] = {}
    wanted: set[str] = set()
    for r in records:
        rid = r["record_id"]
        roles = [p.role for p in persons[rid]]
        if all(decisions[(rid, role)].status in LINKED for role in roles) or anchor not in roles:
            continue
        for role in roles:
            options[(rid, role)] = _options(decisions[(rid, role)], birth_agrees)
            wanted.update(pid for pid, _c in options[(rid, role)])
    known = households(population, wanted)
    helped = set()
    for r in records:
        rid = r["record_id"]
        if (rid, anchor) not in options:
            continue
        pairs: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))  # student → parent role → persons
        for sid, _c in options[(rid, anchor)]:
            if sid not in known:
                continue
            home, family, born = known[sid]
            low, high = years_apart
            for role in partners:
                for pid, _pc in options.get((rid, role), []):
                    if pid not in known:
                        continue
                    p_home, p_family, p_born = known[pid]
                    if (p_home == home and (role not in same_family or p_family == family)
                            and born is not None and p_born is not None and low <= p_born - born <= high
                            and (not birth_agrees or _born_agrees(_c) or _born_agrees(_pc))):
                        pairs[sid][role].add(pid)
        if len(pairs) != 1:
            continue
        (sid, by_role), = pairs.items()
        if any(len(found) > 1 for found in by_role.values()):
            continue
        first = decisions[(rid, anchor)]
        if first.status not in LINKED:
            _link(first, sid, dict(options[(rid, anchor)]).get(sid), why[0])
            helped.add((rid, anchor))
        for role, found in by_role.items():
            d = decisions[(rid, role)]
            if d.status not in LINKED:
                pid = next(iter(found))
                _link(d, pid, dict(options[(rid, role)]).get(pid), why[1])
                helped.add((rid, role))
    return helped


def flag_linked(reviewed: dict, helped: set[tuple[str, str]], flag: str = "matched_by_household") -> dict:
    """The review's flags with `flag` on every row a step linked (an officer may check)."""
    for rid, role in helped:
        reviewed[rid][1].setdefault(role, []).append(flag)
    return reviewed


def co_residents(records: list[dict], persons: dict[str, list], decisions: dict, population: str, *,
                 why: tuple[str, str]) -> set[tuple[str, str]]:
    """Find, never link, the persons of a record the engine left unlinked, by two plain facts it does not weigh:
    the one resident at a linked co-person's address whose full name is theirs (a co-holder of a land certificate
    is mostly the holder's spouse or child), else the one person of the whole population who bears exactly their
    full name (an heir who lives in another commune). Names compared without diacritics, a birth year the record
    gives must agree, exactly one person must fit; the person becomes the proposal for an officer to confirm (status
    review, `why` — (the address's words, the name's) — in the reason). Returns the (record id, role) proposed."""
    from lienthong.identity.text import fold

    def folded(name: str) -> str:
        return " ".join(fold(name or "").split())

    todo = []
    anchors: set[str] = set()
    for r in records:
        rid = r["record_id"]
        linked = [decisions[(rid, p.role)].person_id for p in persons[rid]
                  if decisions[(rid, p.role)].status in LINKED and decisions[(rid, p.role)].person_id]
        for p in persons[rid]:
            d = decisions[(rid, p.role)]
            if d.status not in LINKED and p.name.strip():
                todo.append((rid, p, d, linked))
                anchors.update(linked)
    if not todo:
        return set()
    names = {folded(p.name) for _rid, p, _d, _l in todo}
    con = duckdb.connect()
    try:  # one scan of the population: the anchors' addresses, then who lives there and who bears the names
        rows = con.execute(f"SELECT cccd, full_name, birth_date, address FROM {duckdb_source(population)}").fetchall()
    finally:
        con.close()
    homes = {cccd: address for cccd, _n, _b, address in rows if cccd in anchors and address}
    wanted_homes = set(homes.values())
    current = {d.person_id for _rid, _p, d, _l in todo if d.person_id}
    current_names = {}
    by_home: dict[str, list] = defaultdict(list)
    by_name: dict[str, list] = defaultdict(list)
    for cccd, name, birth, address in rows:
        f = folded(name)
        if cccd in current:
            current_names[cccd] = f
        if f in names:
            by_name[f].append((cccd, birth or ""))
            if address in wanted_homes:
                by_home[address].append((cccd, f, birth or ""))
    proposed = set()
    for rid, p, d, linked in todo:
        taken = set(linked)
        name = folded(p.name)
        if d.person_id and current_names.get(d.person_id) == name:
            continue  # the engine's proposal already bears the name: its other evidence decides between namesakes
        year = p.birth_date.strip()[-4:] if p.birth_date.strip()[-4:].isdigit() else ""
        fits = {cccd for anchor in linked for cccd, r_name, born in by_home.get(homes.get(anchor, ""), [])
                if r_name == name and cccd not in taken and (not year or born[:4] == year)}
        words = why[0]
        if len(fits) != 1:
            fits = {cccd for cccd, born in by_name.get(name, []) if cccd not in taken and (not year or born[:4] == year)}
            words = why[1]
            if len(by_name.get(name, [])) != 1:  # unique in the population, whatever the year
                fits = set()
        if len(fits) != 1:
            continue
        (cccd,) = fits
        if d.person_id != cccd:
            d.person_id = cccd
            d.status = "review"
            d.reason = f"{d.reason}; {words}" if d.reason else words
        proposed.add((rid, p.role))
    return proposed

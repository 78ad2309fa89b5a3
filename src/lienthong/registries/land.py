"""The land registry's review: one parcel registered twice, and the rules that send a certificate to review.

A parcel is known by its commune, map sheet and parcel number (the cadastral key of a certificate); leading
zeros and the commune's spelling aside. Two certificates of one parcel: the earliest issued is kept, the other
repeats it (an old certificate and its re-issue). Rule codes (the `flags` column): `holders_differ` (the
parcel's certificates share no holder — neither a person linked nor a name as written: a transfer not recorded,
or a wrong holder — for review, on every row of them), `no_holder` (the holder field names nobody),
`matched_by_household` (a holder or spouse linked with the other at one address, the year of birth of one at
least agreeing: profiles.py), `matched_by_unique_name` (the only person of that name — and year — in the commune:
namesakes.py), `same_person_twice` (two
holders of one certificate linked to one person).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold

LINKED = ("verified", "matched")


def parcel_key(record: dict) -> tuple[str, str, str] | None:
    sheet = (record.get("sheet_no") or "").strip().lstrip("0")
    parcel = (record.get("parcel_no") or "").strip().lstrip("0")
    commune = fold(record.get("commune") or "")
    for kind in ("xa ", "phuong ", "dac khu "):
        commune = commune.removeprefix(kind)
    commune = commune.strip()
    return (commune, sheet, parcel) if commune and sheet and parcel else None


def review(records: list[dict], persons: dict[str, list], links: dict) -> dict[str, tuple[str, dict[str, list[str]]]]:
    def holders(rid: str) -> set[str]:
        """Who a certificate names: the persons linked, and every holder's name as written (folded), so that two
        certificates of one parcel are compared also where the engine left a holder for review."""
        out = set()
        for p in persons[rid]:
            link = links[(rid, p.role)]
            if link.status in LINKED and link.person_id:
                out.add(f"p:{link.person_id}")
            if fold(p.name):
                out.add(f"n:{fold(p.name)}")
        return out

    def first_key(i: int):
        issued = parse_date(records[i].get("issued_on") or None).date
        return (issued is None, issued or date.max, i)

    by_parcel: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        key = parcel_key(r)
        if key:
            by_parcel[key].append(i)
    duplicate_of: dict[int, str] = {}
    differ: set[int] = set()
    for group in by_parcel.values():
        if len(group) < 2:
            continue
        kept = min(group, key=first_key)
        for i in group:
            if i != kept:
                duplicate_of[i] = records[kept]["record_id"]
        named = [holders(records[i]["record_id"]) for i in group]
        if any(not (a & b) for a in named for b in named if a and b and a is not b):
            differ.update(group)

    out = {}
    for i, r in enumerate(records):
        rid = r["record_id"]
        flags: dict[str, list[str]] = {}
        people = persons[rid]
        seen: dict[str, int] = defaultdict(int)
        for p in people:
            link = links[(rid, p.role)]
            if link.status in LINKED and link.person_id:
                seen[link.person_id] += 1
        for p in people:
            f = []
            if i in differ:
                f.append("holders_differ")
            link = links[(rid, p.role)]
            if link.status in LINKED and seen.get(link.person_id, 0) > 1:
                f.append("same_person_twice")
            flags[p.role] = f
        if not people:
            flags[""] = ["no_holder"] + (["holders_differ"] if i in differ else [])
        out[rid] = (duplicate_of.get(i, ""), flags)
    return out

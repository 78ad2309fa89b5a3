"""The staff register (digital literacy, "Bình dân học vụ số"): every official of an agency or commune, tied to
the population database by their CCCD, so that the national learning platform's completion lists — which name
people by their ID — can be counted against each unit's staff.

Units send the personnel sheets they keep (name, birth date, gender, CCCD, unit, position). The same official may
be listed by two units (seconded, moved mid-year, a commune and its party committee): the same ID, or the same
person linked, is one official; the first listed is kept and the repeat flagged `listed_by_two_units` when the
units differ. The identity engine's decision is the CCCD row's; nothing else is flagged.
"""
from __future__ import annotations

from collections import defaultdict

from lienthong.identity.cccd import parse_id_number
from lienthong.identity.text import fold

LINKED = ("verified", "matched")


def review(records: list[dict], persons: dict[str, list], links: dict):
    first_of: dict[str, tuple[str, str]] = {}  # key → (record_id, unit) of the first listing
    out = {}
    for r in records:
        rid = r["record_id"]
        link = links[(rid, "official")]
        keys = []
        parsed = parse_id_number(r.get("id_number") or "")
        if parsed.valid:
            keys.append(f"id:{parsed.digits}")
        if link.status in LINKED and link.person_id:
            keys.append(f"person:{link.person_id}")
        first = next((first_of[k] for k in keys if k in first_of), None)
        for k in keys:
            first_of.setdefault(k, first or (rid, fold(r.get("unit"))))
        flags: dict[str, list[str]] = defaultdict(list)
        if first and first[1] != fold(r.get("unit")):
            flags["official"].append("listed_by_two_units")
        out[rid] = (first[0] if first else "", {"official": flags.get("official", [])})
    return out

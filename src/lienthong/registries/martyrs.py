"""The martyr registry's review: one martyr listed by several sources, the hometown resolved to the old and the
new administrative units, and the rules that send a record to review.

Three sources were built independently (the defence ministry's, the labour-invalids-social affairs ministry's, a
2015 database): the same martyr appears in several, spelt differently, with fields missing. A martyr is not in
the population database, so the martyr is never linked (the row says not_found, person_id empty, and the reason
gives the hometown); their next of kin, who receive the benefits, are linked by the identity engine.

Two records are the same martyr on evidence added up per pair (points below): the name (folded; a middle name
dropped, a regional family-name variant or one letter wrong count less), the birth year, the death date (a
placeholder 01/mm or 01/01 stands for its month or year, as in the marriage books), the hometown resolved to its
2025 commune (an old commune split between several new ones: any of them), and the kin (the same person linked,
or the same name). Names must agree; a year of birth two or more apart, or two different hometowns, all but rule
a pair out. Pairs are compared within blocks (the folded name; family and given name; the kin linked; the
hometown with the birth or the death year), joined strongest first. One source rarely lists one martyr twice, so
a pair of one source needs stronger evidence, and two groups are not joined when that would put two records of
one source together without such evidence. The record kept is the one listed first; the others' duplicate_of
names it.

Rule codes (the `flags` column), on the martyr's row: `hometown_old_unit` (resolved through a pre-2025 commune),
`hometown_ambiguous` (an old commune split between several new ones, or a name found in several places),
`hometown_unresolved` (empty or not recognised), `no_kin`, `kin_not_found` (the kin named but not found in the
population), `duplicate_conflict` (the records of one martyr disagree on the death date or name different kin:
on every record of them). The kin's row carries the engine's decision.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lienthong.geo import address
from lienthong.geo.units import commune_name
from lienthong.identity.dates import parse_date
from lienthong.identity.names import family_key, names_compatible, split_name
from lienthong.identity.text import fold, normalize_name

from .marriage import _earliest_and_latest

LINKED = ("verified", "matched")
NOT_IN_POPULATION = "liệt sĩ không có trong CSDL quốc gia về dân cư: không đối chiếu"

# Points of a pair (see the module's text). A pair is one martyr from THRESHOLD, from SAME_SOURCE within one source.
NAME_POINTS = {"exact": 6.0, "exact_folded": 6.0, "middle_dropped": 4.0, "family_variant": 4.0, "typo": 3.0}
THRESHOLD = 8.0
SAME_SOURCE = 12.0
REJECT = -100.0


def _distance_at_most_one(a: str, b: str) -> bool:
    """One letter replaced, added or removed."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


@lru_cache(maxsize=65536)
def _name_level(a: str, b: str) -> str:
    level = names_compatible(a, b)
    if level in NAME_POINTS:
        return level
    fa, fb = fold(normalize_name(a)), fold(normalize_name(b))
    if fa and fb and len(fa.split()) == len(fb.split()) and _distance_at_most_one(fa, fb):
        return "typo"
    return "different"


@lru_cache(maxsize=16384)
def _hometown(text: str) -> address.Resolution:
    return address.resolve(text or None)


_RELATIONS = {  # folded relation as written → its kind (a wife written "vợ liệt sĩ" or "vo")
    "vo": "spouse", "chong": "spouse", "con": "child", "con trai": "child", "con gai": "child", "cha": "parent",
    "bo": "parent", "me": "parent", "anh": "sibling", "chi": "sibling", "em": "sibling", "anh trai": "sibling",
    "em trai": "sibling", "em gai": "sibling", "chi gai": "sibling", "chau": "other", "nguoi tho cung": "other",
}


def relation_kind(text: str | None) -> str:
    folded = fold(text).replace("liet si", "").strip(" ,.-()")
    return _RELATIONS.get(folded, "other" if folded else "")


def relation_gender(text: str | None) -> str:
    """The kin's gender when the relation fixes it (a wife is a woman), for the identity engine."""
    folded = fold(text).replace("liet si", "").strip(" ,.-()")
    if folded in ("vo", "me", "chi", "chi gai", "em gai", "con gai"):
        return "nữ"
    if folded in ("chong", "cha", "bo", "anh", "anh trai", "em trai", "con trai"):
        return "nam"
    return ""


@dataclass
class _Martyr:
    index: int
    source: str
    name: str
    folded: str
    birth_year: int | None
    death: tuple  # (earliest, latest) day the death date can stand for; (None, None) unknown
    places: frozenset[str]  # 2025 communes the hometown may be
    kin_person: str | None
    kin_name: str


def _read(i: int, r: dict, links: dict) -> _Martyr:
    name = normalize_name(r.get("martyr_name"))
    birth = parse_date(r.get("birth_year") or None).year
    kin = links.get((r["record_id"], "kin"))
    kin_person = kin.person_id if kin is not None and kin.status in LINKED and kin.person_id else None
    return _Martyr(i, (r.get("source") or "").strip().casefold(), name, fold(name), birth,
                   _earliest_and_latest(r.get("death_date")), frozenset(_hometown(r.get("hometown") or "").candidates),
                   kin_person, fold(normalize_name(r.get("kin_name"))))


def score(a: _Martyr, b: _Martyr) -> float:
    """The evidence that two records are one martyr (REJECT: never)."""
    level = _name_level(a.name, b.name)
    if level not in NAME_POINTS:
        return REJECT
    points = NAME_POINTS[level]
    if a.birth_year and b.birth_year:
        gap = abs(a.birth_year - b.birth_year)
        points += 2.0 if gap == 0 else -1.0 if gap == 1 else -6.0
    (a0, a1), (b0, b1) = a.death, b.death
    if a0 and b0:
        if a0 == a1 and b0 == b1:
            points += 3.0 if a0 == b0 else -1.0 if a0.year == b0.year else -3.0
        else:  # a placeholder or a year: the days it can stand for overlap or not
            points += 1.5 if a0 <= b1 and b0 <= a1 else -3.0
    if a.places and b.places:
        points += 2.0 if a.places & b.places else -5.0
    if a.kin_person and b.kin_person and a.kin_person == b.kin_person:
        points += 4.0
    elif a.kin_name and b.kin_name:
        points += 3.0 if a.kin_name == b.kin_name else 1.5 if _distance_at_most_one(a.kin_name, b.kin_name) else -2.0
    if level == "typo" and points < THRESHOLD + 1.5:  # a letter apart are often two men: more evidence needed
        return min(points, THRESHOLD - 0.5)
    return points


def _keys(m: _Martyr) -> list[str]:
    keys = []
    if m.folded:
        keys.append(f"n:{m.folded}")
        p = split_name(m.name)
        keys.append(f"fg:{family_key(p.family)}|{fold(p.given)}")
    if m.kin_person:
        keys.append(f"k:{m.kin_person}")
    for place in m.places:
        if m.birth_year:
            keys.append(f"pb:{place}|{m.birth_year}")
        if m.death[0]:
            keys.append(f"pd:{place}|{m.death[0].year}")
    return keys


class _Groups:
    def __init__(self, martyrs: list[_Martyr]):
        self.parent = list(range(len(martyrs)))
        self.members = {i: [i] for i in range(len(martyrs))}
        self.martyrs = martyrs

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int, scores: dict) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        for x in self.members[ra]:  # two records of one source together only on a pair strong for one source
            for y in self.members[rb]:
                if self.martyrs[x].source == self.martyrs[y].source and scores.get((min(x, y), max(x, y)),
                                                                                    REJECT) < SAME_SOURCE:
                    return
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.members[keep] += self.members.pop(gone)


def duplicates(martyrs: list[_Martyr]) -> _Groups:
    blocks: dict[str, list[int]] = defaultdict(list)
    for m in martyrs:
        for k in _keys(m):
            blocks[k].append(m.index)
    scores: dict[tuple[int, int], float] = {}
    for block in blocks.values():
        if len(block) > 200:  # a key shared by hundreds says nothing (a very common name with no more)
            continue
        for x in range(len(block)):
            for y in range(x + 1, len(block)):
                i, j = block[x], block[y]
                if (i, j) not in scores:
                    scores[(i, j)] = score(martyrs[i], martyrs[j])
    groups = _Groups(martyrs)
    for (i, j), s in sorted(scores.items(), key=lambda kv: -kv[1]):
        need = SAME_SOURCE if martyrs[i].source == martyrs[j].source else THRESHOLD
        if s >= need:
            groups.join(i, j, scores)
    return groups


def _conflict(members: list[_Martyr]) -> bool:
    """The records of one martyr disagree: death dates that cannot be one day, or two different kin."""
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = members[x], members[y]
            (a0, a1), (b0, b1) = a.death, b.death
            if a0 and b0 and not (a0 <= b1 and b0 <= a1):
                return True
            if a.kin_person and b.kin_person:
                if a.kin_person != b.kin_person:
                    return True
            elif a.kin_name and b.kin_name and not _distance_at_most_one(a.kin_name, b.kin_name):
                return True
    return False


def hometown_note(text: str) -> tuple[str, list[str]]:
    """The hometown as the reason says it, and its flags."""
    if not (text or "").strip():
        return "quê quán: không ghi", ["hometown_unresolved"]
    r = _hometown(text)
    if r.status == "resolved":
        if r.matched_as == "legacy":
            return f"quê quán: {r.reason} (mã {r.commune_code})", ["hometown_old_unit"]
        return f"quê quán: {commune_name(r.commune_code) or r.reason} (mã {r.commune_code})", []
    if r.status == "ambiguous":
        return f"quê quán chưa rõ: {r.reason}; có thể là mã {', '.join(r.candidates)}", ["hometown_ambiguous"]
    return f"quê quán không xác định được: {r.reason}", ["hometown_unresolved"]


def review(records: list[dict], persons: dict[str, list], links: dict) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Per record_id: the record it repeats ("" when none) and the flags of each role. Sets the martyr's reason
    (the hometown resolved) on their row's decision."""
    martyrs = [_read(i, r, links) for i, r in enumerate(records)]
    groups = duplicates(martyrs)
    conflicted = {root for root, members in groups.members.items()
                  if len(members) > 1 and _conflict([martyrs[i] for i in members])}
    out = {}
    for i, r in enumerate(records):
        rid = r["record_id"]
        root = groups.find(i)
        kept = min(groups.members[root])
        note, flags = hometown_note(r.get("hometown") or "")
        martyr = links.get((rid, "martyr"))
        if martyr is not None:
            martyr.reason = f"{NOT_IN_POPULATION}; {note}"
        kin = links.get((rid, "kin"))
        if kin is None:
            flags.append("no_kin")
        elif kin.status == "not_found":
            flags.append("kin_not_found")
        if root in conflicted:
            flags.append("duplicate_conflict")
        roles = {p.role: [] for p in persons[rid]}
        roles["martyr"] = flags
        out[rid] = (records[kept]["record_id"] if kept != i else "", roles)
    return out

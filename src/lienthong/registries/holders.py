"""The holder field of an old land-use certificate, split into persons.

Old certificates name every holder in one field, in a few set phrasings, with what was known of each beside the
name (REGISTRIES.md: "Hộ ông Nguyễn Văn A", "Ông Nguyễn Văn A và vợ là bà Trần Thị B", "Bà Lê Thị C (chủ hộ)",
with CMND numbers). This reads:

- the household forms: "Hộ ông X", "Hộ bà X", "Hộ gia đình ông X" — the head X;
- the couple forms: "Ông X và vợ là bà Y", "Bà Y và chồng là ông X", "Ông X và bà Y", "Ông X, bà Y";
- several holders: "Ông X; Bà Y; Ông Z" (";" or " - " between them);
- beside a name: "(chủ hộ)", "sinh năm 1960" / "SN 1960" / "năm sinh 1960", "CMND số 371234567" / "CMND:
  371234567" / "CCCD 091…" (the number is kept as written for the identity engine to read).

The first person is the role `holder`, a spouse named as such `spouse`, the others `holder_2`, `holder_3`… A
field none of this reads is one person, the whole field as the name, with no gender. Written by hand: no
library reads Vietnamese certificate phrasing; the patterns are the certificates' own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lienthong.identity.text import fold, nfc

_TITLE = {"ong": "nam", "ba": "nữ", "anh": "nam", "chi": "nữ"}
_HOUSEHOLD = re.compile(r"^\s*ho\s+(?:gia\s+dinh\s+)?(?=ong\b|ba\b)", re.I)
_BIRTH = re.compile(r"[,(]?\s*(?:sinh\s+nam|nam\s+sinh|sn|ns)\s*:?\s*(\d{4})\s*\)?", re.I)
_ID = re.compile(r"[,(]?\s*(?:so\s+)?(cmnd|cccd|cmtnd|cc)\s*(?:so)?\s*:?\s*([0-9][0-9 .]{7,16}[0-9])\s*\)?", re.I)
_HEAD = re.compile(r"\(\s*chu\s+ho\s*\)", re.I)
_SPOUSE = re.compile(r"\s+(?:va|cung)\s+(vo|chong)\s+(?:la\s+)?(?=ong\b|ba\b)", re.I)
_AND = re.compile(r"\s+(?:va|cung)\s+(?=ong\b|ba\b)|\s*[,;]\s*(?=ong\b|ba\b)|\s+-\s+(?=ong\b|ba\b)", re.I)


@dataclass(frozen=True)
class Holder:
    role: str
    name: str
    gender: str | None
    birth_year: str = ""
    id_number: str = ""


def _spans(folded: str, pattern: re.Pattern) -> list[tuple[int, int, re.Match]]:
    return [(m.start(), m.end(), m) for m in pattern.finditer(folded)]


def _person(original: str, folded: str) -> tuple[str, str | None, str, str]:
    """(name, gender, birth year, ID) of one person's part of the field; `folded` is `original` folded, so the
    two have the same length and a match in one cuts the other at the same places."""
    birth = id_number = ""
    cut = []
    for start, end, m in _spans(folded, _BIRTH):
        birth = birth or m.group(1)
        cut.append((start, end))
    for start, end, m in _spans(folded, _ID):
        id_number = id_number or re.sub(r"[ .]", "", original[m.start(2):m.end(2)])
        cut.append((start, end))
    for start, end, _m in _spans(folded, _HEAD):
        cut.append((start, end))
    kept = "".join(ch for i, ch in enumerate(original) if not any(a <= i < b for a, b in cut))
    kept_folded = "".join(ch for i, ch in enumerate(folded) if not any(a <= i < b for a, b in cut))
    gender = None
    title = re.match(r"\s*(ong|ba|anh|chi)\s+", kept_folded, re.I)
    if title:
        gender = _TITLE[title.group(1).lower()]
        kept = kept[title.end():]
    name = re.sub(r"\s+", " ", kept).strip(" ,;:-()")
    return name, gender, birth, id_number


def split_holders(field: str | None) -> list[Holder]:
    original = re.sub(r"\s+", " ", nfc(field or "")).strip()
    if not original:
        return []
    folded = fold(original)
    if len(folded) != len(original):  # folding changed the length (a rare character): read it whole
        return [Holder("holder", original, None)]
    household = _HOUSEHOLD.match(folded)
    start = household.end() if household else 0
    original, folded = original[start:], folded[start:]
    # Where the field divides: before each person after the first, remembering a spouse named as such.
    cuts: list[tuple[int, int, str]] = []  # (end of the previous person, start of the next, its role hint)
    for m in _SPOUSE.finditer(folded):
        cuts.append((m.start(), m.end(), "spouse"))
    for m in _AND.finditer(folded):
        if not any(a <= m.start() < b for a, b, _ in cuts):
            cuts.append((m.start(), m.end(), ""))
    cuts.sort()
    pieces, at = [], 0
    hints = [""]
    for a, b, hint in cuts:
        pieces.append((original[at:a], folded[at:a]))
        hints.append(hint)
        at = b
    pieces.append((original[at:], folded[at:]))
    holders: list[Holder] = []
    n = 1
    for (text, text_folded), hint in zip(pieces, hints):
        name, gender, birth, id_number = _person(text, text_folded)
        if not name:
            continue
        if not holders:
            role = "holder"
        elif hint == "spouse" and not any(h.role == "spouse" for h in holders):
            role = "spouse"
        else:
            n += 1
            role = f"holder_{n}"
        holders.append(Holder(role, name, gender, birth, id_number))
    return holders or [Holder("holder", nfc(field or "").strip(), None)]

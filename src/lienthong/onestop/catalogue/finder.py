"""Find procedures the way citizens ask for them (lienthong.textsearch): without diacritics, misspelt, in their own
words, or by code. One function for the officers' catalogue, the citizens' portal, the counter and the hall's board."""
from __future__ import annotations

import re
from collections.abc import Sequence

from lienthong.textsearch.rows import rank as rank_rows

_CODE = re.compile(r"\d+\.\d{3,}[\d.a-z]*")  # 1.000894, 1.000894.000.00.00.h56


def rank(rows: Sequence, q: str, *, name=lambda r: r.name, field=lambda r: r.field,
         keywords=lambda r: getattr(r, "code", "")) -> list:
    """`rows` that answer `q`, best first; all of them, as given, when `q` is blank."""
    typed = q.strip().lower()
    if _CODE.fullmatch(typed):  # a procedure code, or its start ("1.0008"): looked up, not ranked
        return [r for r in rows if keywords(r).lower().startswith(typed)]
    return rank_rows(rows, q, name=name, field=field, keywords=keywords)

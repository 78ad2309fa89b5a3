"""Find procedures the way citizens ask for them (lienthong.textsearch): without diacritics, misspelt, in their own
words. One function for the officers' catalogue, the citizens' portal and the hall's board."""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from lienthong.textsearch import Doc, Index

# A row is listed when it scores at least this share of the best row: "khai sinh" lists every birth procedure,
# not every procedure that holds "đăng ký".
RELATIVE_CUT = 0.35
_CODE = re.compile(r"\d+\.\d{3,}[\d.a-z]*")  # 1.000894, 1.000894.000.00.00.h56


@functools.lru_cache(maxsize=16)
def _index(docs: tuple[Doc, ...]) -> Index:
    # Keyed by the rows' text: an edited or imported catalogue builds a new index, an unchanged one is reused.
    return Index(list(docs))


def rank(rows: Sequence, q: str, *, name=lambda r: r.name, field=lambda r: r.field,
         keywords=lambda r: getattr(r, "code", "")) -> list:
    """`rows` that answer `q`, best first; all of them, as given, when `q` is blank."""
    if not q.strip():
        return list(rows)
    typed = q.strip().lower()
    if _CODE.fullmatch(typed):  # a procedure code, or its start ("1.0008"): looked up, not ranked
        return [r for r in rows if keywords(r).lower().startswith(typed)]
    by_key = {f"{i:06d}": r for i, r in enumerate(rows)}  # equal scores keep the order given (the engine sorts ties by key)
    index = _index(tuple(Doc(k, name(r), field(r), keywords(r)) for k, r in by_key.items()))
    hits = index.search(q)
    if not hits:
        return []
    cut = hits[0].score * RELATIVE_CUT
    return [by_key[h.key] for h in hits if h.score >= cut]

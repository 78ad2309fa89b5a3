"""Rank any list of rows (procedures, units, services) by a query, with an index cached on the rows' text."""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from .engine import Doc, Index

# A row is listed when it scores at least this share of the best row: "khai sinh" lists every birth procedure,
# not every procedure that holds "đăng ký".
RELATIVE_CUT = 0.35


@functools.lru_cache(maxsize=16)
def _index(docs: tuple[Doc, ...]) -> Index:
    # Keyed by the rows' text: an edited or imported list builds a new index, an unchanged one is reused.
    return Index(list(docs))


def rank(rows: Sequence, q: str, *, name: Callable, field: Callable = lambda r: "", keywords: Callable = lambda r: "") -> list:
    """`rows` that answer `q`, best first (equal scores in the order given); all of them, as given, when `q` is blank."""
    if not q.strip():
        return list(rows)
    by_key = {f"{i:06d}": r for i, r in enumerate(rows)}  # the engine sorts ties by key: the order given
    hits = _index(tuple(Doc(k, name(r), field(r), keywords(r)) for k, r in by_key.items())).search(q)
    if not hits:
        return []
    cut = hits[0].score * RELATIVE_CUT
    return [by_key[h.key] for h in hits if h.score >= cut]

"""A misspelt name in the search box ("nguyen van hunng", "tran thi thuu"): when a search finds nothing, its words
that the index does not hold are corrected against the words it does (owners' and vessels' names), with the speller
of lienthong.textsearch, and the search is run again. Only a search that found nothing is corrected, so a word
typed on purpose is never replaced; codes and IDs are never corrected."""
from __future__ import annotations

import threading
import time

from django.db.models import Count

from lienthong.textsearch.analyse import Speller

from .models import SearchToken, TokenKind
from .query import parse_query

REFRESH_SECONDS = 600  # the names' words change with imports, rarely within minutes
_lock = threading.Lock()
_cache: dict[str, object] = {"at": 0.0, "speller": None}


def _speller() -> Speller:
    with _lock:
        if _cache["speller"] is None or time.monotonic() - _cache["at"] > REFRESH_SECONDS:
            counts = dict(SearchToken.objects.filter(kind__in=(TokenKind.NAME, TokenKind.VESSEL_NAME))
                          .values_list("token").annotate(n=Count("id")).order_by())
            _cache["speller"], _cache["at"] = Speller(set(counts), counts), time.monotonic()
        return _cache["speller"]


def forget() -> None:
    """Drop the cached words (tests; an import that changed many names)."""
    with _lock:
        _cache["speller"] = None


def corrected(q: str) -> str | None:
    """The query with its unknown name words corrected, or None when there is nothing to correct."""
    terms = parse_query(q)
    if not terms or any(t.token.isdigit() or any(c.isdigit() for c in t.token) for t in terms):
        return None
    speller = _speller()
    words = [w for t in terms for w in speller.correct(t.token)]
    fixed = " ".join(words)
    return fixed if fixed != " ".join(t.token for t in terms) else None

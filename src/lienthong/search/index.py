"""Search index over vessels: registration number, owner name with or without diacritics, CCCD/CMND, licence.

One search box, one query string. The index is a token table (`SearchToken`: vessel, folded token, kind,
name word with diacritics) searched by *prefix* through a B-tree, plus a per-vessel sort key (`SearchDoc`).
The work is split by responsibility; this module is the entry point callers import from:

- `tokens`: what is indexed for a vessel (tokens, Vietnamese sort key);
- `indexing`: writing the index and keeping it fresh (`reindex_vessels`, `reindex_owners`, `index_later`,
  `rebuild_index`), with `signals` re-indexing after every model save or delete;
- `query`: reading the search box into terms;
- `ranking`: the ranking SQL on SQLite and PostgreSQL;
- here: the searches themselves, scoped to what the user may see.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection

from lienthong.accounts.scopes import can_see_personal_data
from lienthong.fleet.models import Vessel

from .indexing import BATCH, index_later, rebuild_index, reindex_owners, reindex_vessels
from .query import MAX_TERMS, MIN_ID_PREFIX, Term, parse_query
from .ranking import POOL, SELECTIVITY_CAP, clear_count_caches, ranked_ids
from .tokens import TOKEN_MAX, sort_key, vessel_tokens

__all__ = [
    "BATCH",
    "MAX_TERMS",
    "MIN_ID_PREFIX",
    "POOL",
    "SELECTIVITY_CAP",
    "TOKEN_MAX",
    "Term",
    "clear_count_caches",
    "index_later",
    "parse_query",
    "rebuild_index",
    "reindex_owners",
    "reindex_vessels",
    "search_vessel_values",
    "search_vessels",
    "sort_key",
    "vessel_tokens",
]


def _ranked(q: str, user, limit: int) -> list[int]:
    """Ranked ids for `q` as `user` may see them ([] for nothing to search or nobody to search for)."""
    terms = parse_query(q or "")
    limit = max(0, min(int(limit), 200))
    if not terms or limit == 0 or user is None or not user.is_authenticated:
        return []
    if Vessel.objects.visible_to(user).query.is_empty():
        return []
    return ranked_ids(terms, user, can_see_personal_data(user), limit)


def search_vessels(q: str, user, limit: int = 20) -> list[Vessel]:
    """Vessels matching the search-box string `q` that `user` may see, best first (owner loaded).
    CCCD/CMND numbers are searchable only by users allowed to see personal data."""
    ranked = _ranked(q, user, limit)
    if not ranked:
        return []
    # Loaded through the scoping filter once more: the SQL above already applied it; this keeps the
    # result safe even if that SQL is ever changed carelessly.
    found = Vessel.objects.filter(pk__in=ranked).visible_to(user).select_related("owner").in_bulk()
    return [found[pk] for pk in ranked if pk in found]


def search_vessel_values(q: str, user, fields: Sequence[str], limit: int = 20) -> list[dict]:
    """As `search_vessels`, but each vessel as a dict of `fields` (Vessel fields; owner fields as
    "owner__full_name"): for callers that show a few columns of many results (the API list), where
    building two model instances per row costs more than the query."""
    ranked = _ranked(q, user, limit)
    if not ranked:
        return []
    visible = Vessel.objects.visible_to(user)
    if visible.query.where:  # an area's officer: through the scoping filter once more, as search_vessels
        rows = visible.filter(pk__in=ranked).values("pk", *fields)
    else:  # the whole fleet is visible: the same query, compiled once per shape
        rows = _values_query(tuple(fields), len(ranked)).run(ranked)
    found = {row.pop("pk"): row for row in rows}
    return [found[pk] for pk in ranked if pk in found]


class _CompiledValues:
    """`Vessel.objects.filter(pk__in=<n ids>).values("pk", *fields)` compiled once, run with any n ids.

    The API's list runs this for every search, and Django compiling it (joins, converters) cost 1.6 ms of a
    6.5 ms search (bench/lookup.py); Django keeps no compiled query to reuse, so it is kept here. Only for a
    query with no row filter but the ids: a scoping filter's SQL depends on the user and is compiled each time."""

    def __init__(self, fields: tuple[str, ...], n: int):
        sentinels = [-(i + 1) for i in range(n)]  # ids no row has, to find where the ids go in the parameters
        qs = Vessel.objects.filter(pk__in=sentinels).values("pk", *fields)
        compiler = qs.query.get_compiler(using=qs.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = [i for i, p in enumerate(self.params) if isinstance(p, int) and p < 0]
        if sorted(self.params[i] for i in self.slots) != sorted(sentinels):
            raise RuntimeError("the ids' places in the compiled query are not recognised")
        query = qs.query
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.converters = list(compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]]).items())

    def run(self, ids: list[int]) -> list[dict]:
        params = list(self.params)
        for slot, value in zip(self.slots, ids, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        out = []
        for row in rows:
            row = list(row)
            for pos, (convs, expression) in self.converters:
                value = row[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[pos] = value
            out.append(dict(zip(self.names, row, strict=True)))
        return out


@functools.lru_cache(maxsize=512)
def _values_query(fields: tuple[str, ...], n: int) -> _CompiledValues:
    return _CompiledValues(fields, n)

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

from collections.abc import Sequence

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
    rows = Vessel.objects.filter(pk__in=ranked).visible_to(user).values("pk", *fields)
    found = {row.pop("pk"): row for row in rows}
    return [found[pk] for pk in ranked if pk in found]

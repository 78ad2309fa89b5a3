"""Keeping the index equal to the registry: re-index vessels now (bulk paths, inside their transaction) or
once the transaction commits (single saves, through `signals`).

Contract for write paths:
- a model save or delete of Owner, Vessel or FishingLicence needs nothing: `signals` queues the vessels and
  re-indexes them in one batch when the transaction commits (NetBox keeps its search cache the same way);
- a bulk path that bypasses signals (`bulk_create`, `bulk_update`, `QuerySet.update`) calls
  `reindex_vessels(ids)` or `reindex_owners(ids)` itself, inside the same transaction, so the index never
  disagrees with the registry (the importer and the sync engine do).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Prefetch

from lienthong.fleet.models import FishingLicence, Vessel

from .models import SearchDoc, SearchToken
from .ranking import clear_count_caches
from .tokens import INDEX_FIELDS, owner_sort_name, sort_key, vessel_tokens

BATCH = 2000


def reindex_vessels(vessel_ids: Iterable[int]) -> None:
    """Replace the index rows of these vessels (deleted vessels simply lose theirs). Bulk: a few queries
    per 2,000 vessels. Call inside the transaction that changed the vessels."""
    ids = sorted(set(vessel_ids))
    if not ids:
        return
    # Now (this transaction's own searches) and at commit (counts other threads took meanwhile).
    clear_count_caches()
    transaction.on_commit(clear_count_caches)
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            SearchToken.objects.filter(vessel_id__in=chunk).delete()
            SearchDoc.objects.filter(vessel_id__in=chunk).delete()
            _index_chunk(Vessel.objects.filter(pk__in=chunk))


def reindex_owners(owner_ids: Iterable[int], except_vessels: Iterable[int] = ()) -> None:
    """Re-index every vessel of these owners (an owner's names and IDs are in each of its vessels' rows),
    but those in `except_vessels` (already re-indexed by the caller)."""
    owner_ids = sorted(set(owner_ids))
    vessel_ids: set[int] = set()
    for start in range(0, len(owner_ids), BATCH):
        vessel_ids.update(Vessel.objects.filter(owner_id__in=owner_ids[start : start + BATCH]).values_list("pk", flat=True))
    reindex_vessels(vessel_ids.difference(except_vessels))


def _index_chunk(vessels) -> int:
    vessels = vessels.select_related("owner").only(*INDEX_FIELDS).prefetch_related(
        Prefetch("licences", queryset=FishingLicence.objects.only("id", "vessel_id", "number"))
    )
    tokens, docs = [], []
    for vessel in vessels:
        name = owner_sort_name(vessel)
        key = sort_key(name, vessel.reg_key)
        for token, kind, word in vessel_tokens(vessel, (lic.number for lic in vessel.licences.all())):
            tokens.append(SearchToken(vessel_id=vessel.pk, token=token, kind=kind, word=word, sort_key=key[:40]))
        docs.append(SearchDoc(vessel_id=vessel.pk, sort_key=key, words=len(name.split())))
    SearchToken.objects.bulk_create(tokens, batch_size=1000)
    SearchDoc.objects.bulk_create(docs, batch_size=1000)
    return len(docs)


def rebuild_index() -> int:
    """Rebuild the whole index from the fleet tables; returns the number of vessels indexed."""
    clear_count_caches()
    transaction.on_commit(clear_count_caches)
    with transaction.atomic():
        SearchToken.objects.all().delete()
        SearchDoc.objects.all().delete()
        ids = list(Vessel.objects.order_by("pk").values_list("pk", flat=True))
        count = 0
        for start in range(0, len(ids), BATCH):
            count += _index_chunk(Vessel.objects.filter(pk__in=ids[start : start + BATCH]))
    return count


# --- later: one batch per transaction ------------------------------------------------------------------
class _Pending(threading.local):
    """Vessels and owners saved in this thread's current transaction, waiting for its commit. (A
    connection belongs to one thread, so per-thread is per-connection.)"""

    def __init__(self):
        self.vessels: set[int] = set()
        self.owners: set[int] = set()
        self.queued = False  # `_flush` registered with on_commit and not run yet


_pending = _Pending()


def _flush() -> None:
    vessels, owners = _pending.vessels, _pending.owners
    _pending.vessels, _pending.owners, _pending.queued = set(), set(), False
    if owners:
        vessels |= set(Vessel.objects.filter(owner_id__in=sorted(owners)).values_list("pk", flat=True))
    reindex_vessels(vessels)


def _flush_queued() -> bool:
    """Is `_flush` still waiting for the current transaction's commit? A rollback drops the callback
    (Django has no rollback hook) while the pending ids stay: they are queued again with the next change
    (re-indexing a vessel whose change was rolled back only rewrites what it already had)."""
    return _pending.queued and any(func is _flush for _sids, func, *_rest in connection.run_on_commit)


def index_later(*, vessel_ids: Iterable[int] = (), owner_ids: Iterable[int] = ()) -> None:
    """Re-index these vessels and the vessels of these owners when the current transaction commits (at
    once outside a transaction): a 10,000-row write path re-indexes once, not once per row."""
    _pending.vessels.update(pk for pk in vessel_ids if pk is not None)
    _pending.owners.update(pk for pk in owner_ids if pk is not None)
    if (_pending.vessels or _pending.owners) and not _flush_queued():
        _pending.queued = True
        transaction.on_commit(_flush)

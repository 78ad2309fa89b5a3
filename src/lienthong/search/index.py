"""Search index over vessels (registration number, owner name with/without diacritics, CCCD/CMND, licence).

Contract used by the importer: `reindex_vessels(ids)` after vessels change, inside the same transaction.
"""
from __future__ import annotations

from collections.abc import Iterable


def reindex_vessels(vessel_ids: Iterable[int]) -> None:
    raise NotImplementedError("search index: being written (see issue 2)")

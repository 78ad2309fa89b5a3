"""What the fleet announces to the layers above it. The registry import writes in bulk (bulk_create/update,
no post_save), so it says what it wrote; the search index (search/signals.py) listens and re-indexes inside
the same transaction. The fleet thereby needs nothing from the search app (the layers contract)."""
from __future__ import annotations

from django.dispatch import Signal

# Sent inside the writing transaction, with vessel_ids (the vessels created or changed) and owner_ids (owners
# whose indexed fields changed: their other vessels follow).
registry_written = Signal()

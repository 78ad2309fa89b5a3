"""Hall API (mounted on /api/v1/ under /hall/): tickets from boards of other makers, and counters driven by a
counter system, as the hall's own pages do it."""
from ninja import Router

router = Router(tags=["hall"])

"""The hall's ratings in Decision 766's satisfaction group: counted with the dossier ratings, per centre, for the
period, by the time of rating (Asia/Ho_Chi_Minh). Registered in onestop.indicators.compute by HallConfig.ready."""
from __future__ import annotations

from django.db.models import Count, Q

from .models import HallRating


def rating_counts(agency_ids: list[int], period, rules: dict) -> dict[int, dict[str, int]]:
    satisfied = rules.get("hall_satisfied_level", HallRating.Level.SATISFIED)
    rows = (HallRating.objects.filter(ticket__agency_id__in=agency_ids, at__gte=period.start, at__lt=period.end)
            .order_by().values("ticket__agency_id")
            .annotate(ratings=Count("pk"), ratings_satisfied=Count("pk", filter=Q(level__lte=satisfied))))
    return {r.pop("ticket__agency_id"): r for r in rows}

"""Wait estimates shown on the board and the phone page. This first estimate is the naive one — the mean service
time of the service today (or a default) × the people ahead ÷ the counters open for it; it is the baseline a
learned estimate must beat (bench/hall.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, DurationField, ExpressionWrapper, F
from django.utils import timezone

from .models import Service, Ticket, TicketPeriod
from .services import local_day, open_counters_by_service

DEFAULT_SERVICE_MINUTES = 8.0  # before a service has any history


@dataclass(frozen=True)
class Estimate:
    minutes: float  # expected wait from now
    error_minutes: float  # the mean absolute error of the method on past days (0: not known yet)
    method: str  # "naive" or the learned model's name


def mean_service_minutes(service: Service, at: datetime) -> float:
    rows = TicketPeriod.objects.filter(service=service, state=Ticket.State.SERVING, ended_at__isnull=False,
                                       started_at__date__gte=local_day(at) - timedelta(days=28))
    mean = rows.aggregate(m=Avg(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())))["m"]
    return mean.total_seconds() / 60 if mean else DEFAULT_SERVICE_MINUTES


def naive_minutes(service: Service, ahead: int, at: datetime | None = None) -> float:
    at = at or timezone.now()
    counters = max(1, open_counters_by_service(service.agency).get(service.pk, 0))
    return mean_service_minutes(service, at) * ahead / counters


def estimate(service: Service, ahead: int, at: datetime | None = None) -> Estimate:
    return Estimate(naive_minutes(service, ahead, at), 0.0, "naive")

"""The steering committee's page and monthly report: one place for what the other apps already know — digital
literacy by unit, the volunteers' work, the budget's share, the one-stop centres' Decision 766 indicators and the
registries' cleaning campaigns (the fleet's included) — as totals, never a person's data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from lienthong.campaigns import dashboard
from lienthong.campaigns.models import Campaign
from lienthong.onestop.indicators import compute as indicators

from . import budget, volunteers
from .literacy import Literacy, literacy


@dataclass
class Overview:
    day: date  # the figures as of this day (a month's report: its last day)
    period: indicators.Period
    literacy: Literacy
    weeks: list  # volunteers.Week, the province's last eight, newest first
    month_visits: volunteers.Week
    budget: budget.Year | None
    centres: indicators.Scorecard
    registries: list  # dashboard.Registry: each registry's campaign, the fleet first


def month_period(value: str | None, today: date) -> indicators.Period:
    """A month ("2026-11"): any month up to this one; this month when missing or unreadable."""
    period = indicators.Period.parse(value, today)
    if period.kind != "month" or period.first_day > today:
        return indicators.Period.containing("month", today)
    return period


def overview(period: indicators.Period, communes: set[str] | None = None) -> Overview:
    today = timezone.localdate()
    day = min(today, period.last_day)
    starts, table = volunteers.weekly(day, 8, communes)
    years = budget.years()
    year = budget.year(period.year) if period.year in years else (budget.year(years[0]) if years else None)
    registries = dashboard.build(Campaign.objects.all(), fleet=True, today=day)
    if communes is not None:
        registries = [_only(r, communes) for r in registries]
    return Overview(day, period, literacy(day, communes), volunteers.province_weeks(starts, table),
                    volunteers.month(period.first_day, period.last_day, communes),
                    None if communes is not None else year,  # the departments' budget is the province's
                    indicators.totals(period, timezone.now() if day == today else period.end, communes).scope,
                    registries)


def _only(registry: dashboard.Registry, communes: set[str]) -> dashboard.Registry:
    rows = [r for r in registry.communes if r.code in communes]
    total = dashboard.Row(registry.code, registry.name, sum(r.clean for r in rows), sum(r.review for r in rows),
                          sum(r.commune for r in rows), sum(r.overdue for r in rows))
    return dashboard.Registry(registry.code, registry.name, registry.deadline, total, rows)

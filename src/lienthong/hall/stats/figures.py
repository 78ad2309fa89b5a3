"""The hall's statistics for a centre and a range of days, derived from the tickets' periods (TicketPeriod), never
typed: a *wait* is a stay in a queue, from joining it (taking the ticket, or being sent there) to the call; a
*service* is a serving period at a counter; a *no-show* a citizen called who did not come. Figures by service,
counter, officer, hour of day and day of week (Asia/Ho_Chi_Minh), with the mean, the median and the 90th
percentile (nearest rank: the smallest value that at least 90 % of the values do not exceed)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from lienthong.identity.collation import vi_sorted
from lienthong.workdays import VN_TZ

from ..models import HallRating, Ticket, TicketPeriod

S = Ticket.State
WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[max(0, math.ceil(0.9 * len(values)) - 1)]


@dataclass(frozen=True)
class Spread:
    """Minutes: how many, mean, median, 90th percentile (None when there is none)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        if not values:
            return cls(0, None, None, None)
        return cls(len(values), sum(values) / len(values), median(values), p90(values))


@dataclass
class Row:
    key: object
    label: str
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    no_shows: int = 0
    taken: int = 0  # tickets taken (by service, hour and day of week)

    @property
    def wait(self) -> Spread:
        return Spread.of(self.waits)

    @property
    def service(self) -> Spread:
        return Spread.of(self.services)

    @property
    def called(self) -> int:
        return len(self.waits)

    @property
    def no_show_percent(self) -> float | None:
        return 100 * self.no_shows / self.called if self.called else None


@dataclass
class Figures:
    first: date
    last: date
    days: int  # days with tickets
    tickets: int
    served: int
    no_shows: int
    total: Row
    by_service: list[Row]
    by_counter: list[Row]
    by_officer: list[Row]
    by_hour: list[Row]
    by_weekday: list[Row]
    ratings: int
    satisfied: int  # levels 1–2

    @property
    def satisfied_percent(self) -> float | None:
        return 100 * self.satisfied / self.ratings if self.ratings else None

    @property
    def busiest(self) -> list[tuple[int, float]]:
        """(hour, tickets taken per day with tickets) for the chart of the busiest hours."""
        return [(r.key, r.taken / self.days) for r in self.by_hour if r.taken]


def _local(t: datetime) -> datetime:
    return t.astimezone(VN_TZ)


def _officer_name(user) -> str:
    """Vietnamese order: family and middle names (last_name) before the given name (first_name)."""
    return " ".join(x for x in (user.last_name, user.first_name) if x) or user.username


def compute(agency, first: date, last: date) -> Figures:
    tickets = Ticket.objects.filter(agency=agency, day__gte=first, day__lte=last)
    periods = (TicketPeriod.objects.filter(ticket__in=tickets).order_by("ticket_id", "started_at", "id")
               .select_related("service", "counter", "officer").only(
                   "ticket_id", "state", "started_at", "ended_at", "service__letter", "service__name", "service__order",
                   "counter__number", "officer__username", "officer__first_name", "officer__last_name"))
    total = Row(None, str(_("All")))
    rows: dict[str, dict] = {k: {} for k in ("service", "counter", "officer", "hour", "weekday")}

    def row(kind: str, key, label) -> Row:
        if key not in rows[kind]:
            rows[kind][key] = Row(key, str(label))
        return rows[kind][key]

    def targets(service, when: datetime, counter=None, officer=None) -> list[Row]:
        out = [total, row("service", (service.order, service.letter), f"{service.letter} · {service.name}"),
               row("hour", when.hour, f"{when.hour:02d}:00–{when.hour + 1:02d}:00"),
               row("weekday", when.weekday(), WEEKDAYS[when.weekday()])]
        if counter is not None:
            out.append(row("counter", counter.number, pgettext("hall statistics", "Counter %(number)s") % {"number": counter.number}))
        if officer is not None:
            out.append(row("officer", officer.username, _officer_name(officer)))
        return out

    ticket_id, joined, joined_service = None, None, None
    served = no_shows = 0
    for p in periods.iterator(chunk_size=5000):
        if p.ticket_id != ticket_id:
            ticket_id, joined, joined_service = p.ticket_id, None, None
        start = _local(p.started_at)
        if p.state == S.WAITING:
            if joined is None:
                joined, joined_service = start, p.service
        elif p.state == S.CALLED and joined is not None:
            # The wait counts where the citizen waited (service, hour joined) and where they were called to.
            for r in targets(joined_service, joined, p.counter, p.officer):
                r.waits.append((start - joined).total_seconds() / 60)
            joined = None
        elif p.state == S.SERVING and p.ended_at is not None:
            for r in targets(p.service, start, p.counter, p.officer):
                r.services.append((p.ended_at - p.started_at).total_seconds() / 60)
        elif p.state == S.DONE:
            served += 1
        elif p.state == S.NO_SHOW:
            no_shows += 1
            for r in targets(p.service, start, p.counter, p.officer):
                r.no_shows += 1
    taken = list(tickets.select_related("service").only("taken_at", "day", "service__letter", "service__name",
                                                        "service__order"))
    for t in taken:
        for r in targets(t.service, _local(t.taken_at)):
            r.taken += 1
    ratings = HallRating.objects.filter(ticket__in=tickets)
    return Figures(
        first, last, days=len({t.day for t in taken}), tickets=len(taken), served=served, no_shows=no_shows,
        total=total, by_service=[rows["service"][k] for k in sorted(rows["service"])],
        by_counter=[rows["counter"][k] for k in sorted(rows["counter"])],
        by_officer=vi_sorted(rows["officer"].values(), key=lambda r: r.label),
        by_hour=[rows["hour"][k] for k in sorted(rows["hour"])],
        by_weekday=[rows["weekday"][k] for k in sorted(rows["weekday"])],
        ratings=ratings.count(), satisfied=ratings.filter(level__lte=HallRating.Level.SATISFIED).count())


def this_week(today: date) -> tuple[date, date]:
    return today - timedelta(days=today.weekday()), today

"""Youth volunteers' visits: logged from a phone (perhaps hours after, when the connection is back), checked, stored
once per visit, audited; totals per commune and week for the board."""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.geo.units import AN_GIANG, communes_of_province
from lienthong.identity.collation import vi_sorted
from lienthong.identity.text import nfc

from .models import HelpVisit

MAX_PEOPLE, MAX_MINUTES = 50, 600
OLDEST = timedelta(days=60)  # a phone that stayed offline for long still sends; older is a mistyped date


class VisitError(ValueError):
    """A visit that cannot be stored: {field: message} for the form."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def communes() -> list:
    return vi_sorted(communes_of_province(AN_GIANG), key=lambda c: c.name)


def log_visit(user, *, client_id: str, commune_code: str, household: str, people, topics: list[str], minutes,
              visited_at: datetime, request=None) -> tuple[HelpVisit, bool]:
    """(the visit, True when stored now; False when this phone had sent it already)."""
    errors: dict[str, str] = {}
    try:
        key = uuid.UUID(str(client_id))
    except ValueError:
        key = None
        errors["client_id"] = str(_("The phone's name for this visit is unreadable."))
    if commune_code not in {c.code for c in communes()}:
        errors["commune_code"] = str(_("Choose a commune of the province."))
    household = nfc(household)[:255]
    if not household:
        errors["household"] = str(_("Name the household (house number, hamlet or household head)."))
    people = _whole(people)
    if people is None or not 1 <= people <= MAX_PEOPLE:
        errors["people"] = str(_("People helped: a whole number from 1 to %(n)s.") % {"n": MAX_PEOPLE})
    minutes = _whole(minutes)
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = str(_("Minutes: a whole number from 1 to %(n)s.") % {"n": MAX_MINUTES})
    chosen = [t for t in dict.fromkeys(topics) if t in HelpVisit.Topic.values]
    if not chosen or len(chosen) != len(set(topics)):
        errors["topics"] = str(_("Tick what you helped with."))
    now = timezone.now()
    if visited_at is None or visited_at > now + timedelta(minutes=10) or visited_at < now - OLDEST:
        errors["visited_at"] = str(_("The visit's time must be within the last 60 days."))
    if errors:
        raise VisitError(errors)
    earlier = HelpVisit.objects.filter(client_id=key).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            visit = HelpVisit.objects.create(client_id=key, volunteer=user, commune_code=commune_code,
                                             household=household, people=people, topics=chosen, minutes=minutes,
                                             visited_at=visited_at)
            record(request or user, AuditAction.CREATE, object_type="help_visit", object_id=visit.pk,
                   summary=msg(gettext_noop("Logged a volunteer's visit: %(n)s people helped"), n=people))
    except IntegrityError:  # the same visit, sent twice at once (a retry racing the first send)
        return HelpVisit.objects.get(client_id=key), False
    return visit, True


def _whole(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass
class Week:
    start: date
    visits: int = 0
    people: int = 0
    minutes: int = 0
    topics: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def number(self) -> int:
        return self.start.isocalendar().week


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(today: date, weeks: int = 8, commune_codes=None) -> tuple[list[date], dict[str, dict[date, Week]]]:
    """(the weeks, newest first; {commune: {week start: totals}}) for the last `weeks` weeks (Monday to Sunday, in
    Việt Nam's time)."""
    starts = [week_start(today) - timedelta(weeks=i) for i in range(weeks)]
    since = timezone.make_aware(datetime.combine(starts[-1], datetime.min.time()))
    qs = HelpVisit.objects.filter(visited_at__gte=since)
    if commune_codes is not None:
        qs = qs.filter(commune_code__in=commune_codes)
    table: dict[str, dict[date, Week]] = defaultdict(dict)
    for v in qs.only("commune_code", "people", "minutes", "topics", "visited_at"):
        start = week_start(timezone.localtime(v.visited_at).date())
        week = table[v.commune_code].setdefault(start, Week(start))
        week.visits += 1
        week.people += v.people
        week.minutes += v.minutes
        for t in v.topics:
            week.topics[t] += 1
    return starts, dict(table)


def province_weeks(starts: list[date], table: dict[str, dict[date, Week]]) -> list[Week]:
    """The communes' weeks added up, one per start, newest first."""
    totals = [Week(s) for s in starts]
    for weeks in table.values():
        for total in totals:
            w = weeks.get(total.start)
            if w:
                total.visits += w.visits
                total.people += w.people
                total.minutes += w.minutes
                for t, n in w.topics.items():
                    total.topics[t] += n
    return totals


def month(first: date, last: date, commune_codes=None) -> Week:
    """A month's visits added up (a Week starting on its first day)."""
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    until = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    qs = HelpVisit.objects.filter(visited_at__gte=since, visited_at__lt=until)
    if commune_codes is not None:
        qs = qs.filter(commune_code__in=commune_codes)
    out = Week(first)
    for v in qs.only("people", "minutes", "topics"):
        out.visits += 1
        out.people += v.people
        out.minutes += v.minutes
        for t in v.topics:
            out.topics[t] += 1
    return out


"""The officers' dossier list: which dossiers a filter selects and in which order, for the page, its Excel export
and its counts alike (one definition, so the total on the page is the number of rows the workbook holds).

Scope comes first (Dossier.objects.visible_to): a commune officer's list and export only ever hold the dossiers
of their communes' centres. Early / on time / late are computed (onestop.timeliness), never stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from lienthong.identity.text import fold
from lienthong.workdays import VN_TZ

from .. import timeliness
from ..models import Dossier, DossierStep
from ..provider import current_calendar

DUE_SOON = "due_soon"  # the timeliness filter: running, not late, due within SOON_WORKING_DAYS working days
SOON_WORKING_DAYS = 2
TIMELINESS = (timeliness.EARLY, timeliness.ON_TIME, timeliness.LATE, DUE_SOON)
RECEPTION_ACTIONS = ("receive", "accept")
DATE_FIELDS = {"received": "received_at", "due": "due_at", "finished": "finished_at"}


@dataclass(frozen=True)
class DeskFilter:
    """What the officer asked for; empty values mean "any". Values are validated by the form."""

    state: str = ""  # "1".."10"
    procedure: str = ""  # procedure pk
    channel: str = ""  # "1".."3"
    mine: bool = False  # assigned to me
    timeliness: str = ""  # one of TIMELINESS
    date_field: str = "received"  # which date the range applies to (DATE_FIELDS)
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""  # dossier code, ID number or name (without diacritics is fine)

    def as_query(self) -> dict[str, str]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "date_field" and not (self.date_from or self.date_to):
                continue
            if value:
                out[f.name] = value.strftime("%d/%m/%Y") if isinstance(value, date) else ("1" if value is True else str(value))
        return out


def soon_until(now: datetime) -> datetime:
    """The end of the "due soon" window: the office's close on the SOON_WORKING_DAYS-th working day after today."""
    return current_calendar().add_working_days(now, SOON_WORKING_DAYS).at


def _search(qs: QuerySet, text: str) -> QuerySet:
    text = text.strip()
    if not text:
        return qs
    compact = re.sub(r"\s+", "", text)
    if re.fullmatch(r"\d{9,12}", compact):  # an ID number (CCCD, or the old 9-digit one)
        return qs.filter(Q(applicant_cccd=compact) | Q(applicant_old_id=compact) | Q(code__icontains=compact))
    folded = fold(text)
    by_name = Q()
    for word in folded.split():
        by_name &= Q(applicant_folded__contains=word)
    return qs.filter(Q(code__icontains=compact) | Q(portal_code__icontains=compact) | by_name)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), VN_TZ)


def apply_filter(qs: QuerySet, flt: DeskFilter, user, now: datetime) -> QuerySet:
    if flt.state:
        qs = qs.filter(state=int(flt.state))
    if flt.procedure:
        qs = qs.filter(procedure_id=int(flt.procedure))
    if flt.channel:
        qs = qs.filter(channel=int(flt.channel))
    if flt.mine:
        qs = qs.filter(assigned_to=user)
    if flt.timeliness == DUE_SOON:
        qs = qs.filter(timeliness.due_by_q(now, soon_until(now)))
    elif flt.timeliness:
        qs = timeliness.filter_by(qs, flt.timeliness, now)
    column = DATE_FIELDS.get(flt.date_field, "received_at")
    if flt.date_from:
        qs = qs.filter(**{f"{column}__gte": _day_start(flt.date_from)})
    if flt.date_to:
        qs = qs.filter(**{f"{column}__lt": _day_start(flt.date_to + timedelta(days=1))})
    return _search(qs, flt.q)


def dossier_list(user, flt: DeskFilter, now: datetime) -> QuerySet:
    """The dossiers `user` may see that `flt` selects, soonest due first (those without a due date last, newest
    first), the code breaking ties so that pages never overlap."""
    qs = apply_filter(Dossier.objects.visible_to(user), flt, user, now)
    return qs.select_related("procedure", "agency", "assigned_to").order_by(
        F("due_at").asc(nulls_last=True), "-created_at", "code")


def register_rows(user, agency, day_from: date, day_to: date) -> QuerySet:
    """Form 06, the register: the dossiers `agency` received from `day_from` to `day_to` inclusive (Việt Nam days),
    in order of receipt. The day of receipt is the first reception step's (at the counter, or an online dossier's
    acceptance): a supplement restarts the dossier's clock (received_at) but does not move it in the register."""
    start, end = _day_start(day_from), _day_start(day_to + timedelta(days=1))
    first = DossierStep.objects.filter(dossier=OuterRef("pk"), action__in=RECEPTION_ACTIONS).order_by("at").values("at")[:1]
    qs = Dossier.objects.visible_to(user).filter(agency=agency).annotate(registered_at=Subquery(first))
    return (qs.filter(registered_at__gte=start, registered_at__lt=end)
            .select_related("procedure", "agency").prefetch_related("steps").order_by("registered_at", "code"))

"""Early / on time / late, computed from the due date and the finish (never stored).

A finished dossier is early when finished before its due day, on time when by its due time, late after it.
One still owed is late once its due time has passed (while it waits on the citizen — supplement or payment —
the clock is the citizen's, and resubmission sets a new due date). Decision 766's late rate =
(late in progress + late finished) / all to handle.
"""
from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lienthong.workdays import VN_TZ

from .models import Dossier, State

EARLY, ON_TIME, LATE = "early", "on_time", "late"
LABELS = {EARLY: _("early"), ON_TIME: _("on time"), LATE: _("late")}
FINISHED = (State.DONE, State.RETURNED)
RUNNING = (State.RECEIVED, State.PROCESSING)


def of(dossier: Dossier, now: datetime) -> str | None:
    """EARLY, ON_TIME, LATE, or None when the dossier has no due date or is no longer counted."""
    due = dossier.due_at
    if due is None:
        return None
    if dossier.state in FINISHED and dossier.finished_at is not None:
        if dossier.finished_at > due:
            return LATE
        return EARLY if dossier.finished_at.astimezone(VN_TZ).date() < due.astimezone(VN_TZ).date() else ON_TIME
    if dossier.state in RUNNING:
        return LATE if now > due else ON_TIME
    return None


def late_q(now: datetime) -> Q:
    """The late rule of `of` as a filter: `Dossier.objects.filter(late_q(now))`."""
    return Q(state__in=FINISHED, finished_at__gt=F("due_at")) | Q(state__in=RUNNING, due_at__lt=now)


# --- the other verdicts as filters (the desk's list; `of` stays the one rule, tests hold them equal) ----------
def _days(qs):
    """`qs` with the due day and the finish day in Việt Nam time (early = finished before the due day)."""
    from django.db.models.functions import TruncDate

    return qs.annotate(_due_day=TruncDate("due_at", tzinfo=VN_TZ), _finished_day=TruncDate("finished_at", tzinfo=VN_TZ))


def filter_by(qs, verdict: str, now: datetime):
    """Dossiers of `qs` that `of(dossier, now)` calls `verdict` (EARLY, ON_TIME or LATE)."""
    if verdict == LATE:
        return qs.filter(late_q(now))
    finished = Q(state__in=FINISHED, finished_at__isnull=False, due_at__isnull=False)
    if verdict == EARLY:
        return _days(qs).filter(finished, _finished_day__lt=F("_due_day"))
    if verdict == ON_TIME:
        return _days(qs).filter((finished & Q(finished_at__lte=F("due_at"), _finished_day__gte=F("_due_day")))
                                | Q(state__in=RUNNING, due_at__gte=now))
    raise ValueError(verdict)


def due_by_q(now: datetime, until: datetime) -> Q:
    """Still running, not late yet, and due by `until` (e.g. the close of the 2nd working day from now)."""
    return Q(state__in=RUNNING, due_at__gte=now, due_at__lte=until)

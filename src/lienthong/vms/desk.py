"""The duty desk's steps on an alert, each one audited: acknowledge, note a phone call, record the captain's
position report (every 6 hours while the device is broken: Decree 37/2024), escalate, close (with what was done).
A closed alert takes no more steps; the refusals are codes (vms.labels.REFUSALS) translated at the edge."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_watch_vessels

from .models import Alert, AlertState, AlertStep, StepKind


class DeskError(ValueError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


SUMMARIES = {
    StepKind.ACKNOWLEDGE: gettext_noop("Alert %(id)s on %(reg)s acknowledged"),
    StepKind.CALL: gettext_noop("Phone call noted on alert %(id)s (%(reg)s)"),
    StepKind.POSITION_REPORT: gettext_noop("Captain's position report on alert %(id)s (%(reg)s)"),
    StepKind.ESCALATE: gettext_noop("Alert %(id)s on %(reg)s escalated"),
    StepKind.NOTE: gettext_noop("Note on alert %(id)s (%(reg)s)"),
    StepKind.CLOSE: gettext_noop("Alert %(id)s on %(reg)s closed"),
}


def _step(request_or_user, alert: Alert, kind: str, *, refuse=None, note: str = "",
          reported_at: datetime | None = None, latitude: float | None = None, longitude: float | None = None,
          state=None) -> AlertStep:
    """One step on the alert as stored now (locked): `refuse(alert)` names a refusal or None; `state(alert)` the new
    state, or None to keep it."""
    user = getattr(request_or_user, "user", request_or_user)
    if not can_watch_vessels(user):
        raise DeskError("forbidden")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("vessel").get(pk=alert.pk)
        if alert.state == AlertState.CLOSED:
            raise DeskError("closed")
        code = refuse(alert) if refuse else None
        if code:
            raise DeskError(code)
        new_state = state(alert) if state else None
        if new_state is not None and new_state != alert.state:
            alert.state = new_state
            alert.save(update_fields=["state"])
        step = AlertStep.objects.create(alert=alert, kind=kind, at=timezone.now(), by=user, note=note.strip(),
                                        reported_at=reported_at, latitude=latitude, longitude=longitude)
        record(request_or_user, AuditAction.UPDATE, object_type="vms_alert", object_id=alert.pk,
               summary=msg(SUMMARIES[kind], id=alert.pk, reg=alert.vessel.registration_number),
               detail={"step": kind, "note": note.strip()[:500],
                       **({"reported_at": reported_at.isoformat(), "latitude": latitude, "longitude": longitude}
                          if reported_at else {})})
    return step


def _seen(alert: Alert):
    """A first step of the officer's acknowledges the alert."""
    return AlertState.ACKNOWLEDGED if alert.state == AlertState.NEW else None


def _needs_note(note: str):
    return lambda alert: None if note.strip() else "note_required"


def acknowledge(request_or_user, alert: Alert, note: str = "") -> AlertStep:
    return _step(request_or_user, alert, StepKind.ACKNOWLEDGE, note=note,
                 refuse=lambda a: None if a.state == AlertState.NEW else "not_new",
                 state=lambda a: AlertState.ACKNOWLEDGED)


def call(request_or_user, alert: Alert, note: str) -> AlertStep:
    return _step(request_or_user, alert, StepKind.CALL, note=note, refuse=_needs_note(note), state=_seen)


def position_report(request_or_user, alert: Alert, reported_at: datetime, latitude: float, longitude: float,
                    note: str = "") -> AlertStep:
    """The captain's report by radio or phone while the device is broken (a gap alert only)."""
    def refuse(a):
        if a.is_zone:
            return "report_on_gap_only"
        if reported_at > timezone.now():
            return "report_in_future"
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return "bad_coordinates"
        return None

    return _step(request_or_user, alert, StepKind.POSITION_REPORT, note=note, reported_at=reported_at,
                 latitude=latitude, longitude=longitude, refuse=refuse, state=_seen)


def escalate(request_or_user, alert: Alert, note: str = "") -> AlertStep:
    return _step(request_or_user, alert, StepKind.ESCALATE, note=note,
                 refuse=lambda a: "already_escalated" if a.state == AlertState.ESCALATED else None,
                 state=lambda a: AlertState.ESCALATED)


def add_note(request_or_user, alert: Alert, note: str) -> AlertStep:
    return _step(request_or_user, alert, StepKind.NOTE, note=note, refuse=_needs_note(note))


def close(request_or_user, alert: Alert, note: str) -> AlertStep:
    """Closing says what was done (the vessel came home, the device was repaired, the captain was fined…)."""
    return _step(request_or_user, alert, StepKind.CLOSE, note=note, refuse=_needs_note(note),
                 state=lambda a: AlertState.CLOSED)


def last_report(alert: Alert) -> AlertStep | None:
    return alert.steps.filter(kind=StepKind.POSITION_REPORT).order_by("-reported_at").first()

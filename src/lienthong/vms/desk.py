"""The duty desk's steps on an alert, each one audited: acknowledge, note a phone call, record the captain's
position report (every 6 hours while the device is broken: Decree 37/2024), escalate, close (with what was done).
A closed alert takes no more steps; the refusals are codes (vms.labels.REFUSALS) translated at the edge."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_watch_vessels

from .models import Alert, AlertState, AlertStep, StepKind


class DeskError(ValueError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


SUMMARIES = {
    StepKind.ACKNOWLEDGE: "Alert %(id)s on %(reg)s acknowledged",
    StepKind.CALL: "Phone call noted on alert %(id)s (%(reg)s)",
    StepKind.POSITION_REPORT: "Captain's position report on alert %(id)s (%(reg)s)",
    StepKind.ESCALATE: "Alert %(id)s on %(reg)s escalated",
    StepKind.NOTE: "Note on alert %(id)s (%(reg)s)",
    StepKind.CLOSE: "Alert %(id)s on %(reg)s closed",
}


def _step(request_or_user, alert: Alert, kind: str, *, note: str = "", reported_at: datetime | None = None,
          latitude: float | None = None, longitude: float | None = None, state: str | None = None) -> AlertStep:
    user = getattr(request_or_user, "user", request_or_user)
    if not can_watch_vessels(user):
        raise DeskError("forbidden")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("vessel").get(pk=alert.pk)
        if alert.state == AlertState.CLOSED:
            raise DeskError("closed")
        if state is not None:
            alert.state = state
            alert.save(update_fields=["state"])
        step = AlertStep.objects.create(alert=alert, kind=kind, at=timezone.now(), by=user, note=note.strip(),
                                        reported_at=reported_at, latitude=latitude, longitude=longitude)
        record(request_or_user, AuditAction.UPDATE, object_type="vms_alert", object_id=alert.pk,
               summary=msg(SUMMARIES[kind], id=alert.pk, reg=alert.vessel.registration_number),
               detail={"step": kind, "note": note.strip()[:500],
                       **({"reported_at": reported_at.isoformat(), "latitude": latitude, "longitude": longitude}
                          if reported_at else {})})
    return step


def acknowledge(request_or_user, alert: Alert, note: str = "") -> AlertStep:
    if alert.state != AlertState.NEW:
        raise DeskError("not_new")
    return _step(request_or_user, alert, StepKind.ACKNOWLEDGE, note=note, state=AlertState.ACKNOWLEDGED)


def call(request_or_user, alert: Alert, note: str) -> AlertStep:
    if not note.strip():
        raise DeskError("note_required")
    return _step(request_or_user, alert, StepKind.CALL, note=note,
                 state=AlertState.ACKNOWLEDGED if alert.state == AlertState.NEW else None)


def position_report(request_or_user, alert: Alert, reported_at: datetime, latitude: float, longitude: float,
                    note: str = "") -> AlertStep:
    """The captain's report by radio or phone while the device is broken (a gap alert only)."""
    if alert.is_zone:
        raise DeskError("report_on_gap_only")
    if reported_at > timezone.now():
        raise DeskError("report_in_future")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DeskError("bad_coordinates")
    return _step(request_or_user, alert, StepKind.POSITION_REPORT, note=note, reported_at=reported_at,
                 latitude=latitude, longitude=longitude,
                 state=AlertState.ACKNOWLEDGED if alert.state == AlertState.NEW else None)


def escalate(request_or_user, alert: Alert, note: str = "") -> AlertStep:
    if alert.state == AlertState.ESCALATED:
        raise DeskError("already_escalated")
    return _step(request_or_user, alert, StepKind.ESCALATE, note=note, state=AlertState.ESCALATED)


def add_note(request_or_user, alert: Alert, note: str) -> AlertStep:
    if not note.strip():
        raise DeskError("note_required")
    return _step(request_or_user, alert, StepKind.NOTE, note=note)


def close(request_or_user, alert: Alert, note: str) -> AlertStep:
    """Closing says what was done (the vessel came home, the device was repaired, the captain was fined…)."""
    if not note.strip():
        raise DeskError("note_required")
    return _step(request_or_user, alert, StepKind.CLOSE, note=note, state=AlertState.CLOSED)


def last_report(alert: Alert) -> AlertStep | None:
    return alert.steps.filter(kind=StepKind.POSITION_REPORT).order_by("-reported_at").first()

"""Vessel monitoring API (mounted on /api/v1/ under /vms/): the providers' feed in, the desk's alerts out.

POST /positions takes a batch as CSV (Content-Type text/csv: the header registration_number, time, latitude,
longitude, speed_knots, course_deg) or JSON (a list of such objects, or {"positions": [...]}), with the provider's
API token. All or nothing (vms.ingest): a refused batch answers 400 naming each problem by row and column, and
stores nothing; sending a batch again is harmless (positions already stored are skipped)."""
from __future__ import annotations

from ninja import Router, Schema, Status
from ninja.errors import HttpError

from lienthong.accounts.scopes import can_send_positions, can_watch_vessels
from lienthong.api_errors import INVALID, ErrorOut

from . import ingest, labels
from .models import OPEN_STATES, Alert

router = Router(tags=["vms"])

POSITION_SCHEMA = {"type": "object", "required": ["registration_number", "time", "latitude", "longitude"],
                   "properties": {"registration_number": {"type": "string"},
                                  "time": {"type": "string", "description": "ISO 8601 with its offset"},
                                  "latitude": {"type": "number"}, "longitude": {"type": "number"},
                                  "speed_knots": {"type": "number"}, "course_deg": {"type": "number"}}}
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "array", "items": POSITION_SCHEMA}},
    "text/csv": {"schema": {"type": "string"}}}}}


class BatchOut(Schema):
    batch: int
    rows: int
    stored: int
    duplicates: int
    unknown_vessels: int
    alerts_opened: int
    alerts_ended: int


class AlertOut(Schema):
    id: int
    registration_number: str
    kind: str
    start: str
    end: str | None
    state: str
    latitude: float | None
    longitude: float | None
    zone_code: str



@router.post("/positions", response={200: BatchOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, **INVALID},
             openapi_extra=BODY)
def positions(request):
    """A provider's batch of positions (see the module's note); the alerts it raises are on the desk on return."""
    if not can_send_positions(request.user):
        raise HttpError(403, "Forbidden")
    kind = (request.content_type or "").split(";")[0].strip().lower()
    name = f"API {request.user.get_username()}"
    try:
        if kind in ("text/csv", "application/csv"):
            rows = ingest.rows_from_csv(request.body, name)
        else:
            rows = ingest.rows_from_json(request.body, name)
    except ingest.BatchRefused as exc:
        errors = {}
        for p in exc.problems:
            key = ".".join(str(x) for x in (p.row or "", p.column) if x != "") or "body"
            errors.setdefault(key, labels.problem_text(p))
        return Status(400, {"detail": "invalid", "errors": errors})
    outcome = ingest.store(rows, source="api", name=name, provider=request.user)
    b = outcome.batch
    return Status(200, {"batch": b.pk, "rows": b.rows, "stored": b.stored, "duplicates": b.duplicates,
                 "unknown_vessels": b.unknown_vessels, "alerts_opened": outcome.alerts_opened,
                 "alerts_ended": outcome.alerts_ended})


@router.get("/alerts", response={200: list[AlertOut], 401: ErrorOut, 403: ErrorOut, **INVALID})
def alerts(request, open_only: bool = True):
    """The desk's alerts (open ones by default), newest first, at most 500."""
    if not can_watch_vessels(request.user):
        raise HttpError(403, "Forbidden")
    qs = Alert.objects.filter(withdrawn=False).select_related("vessel").order_by("-started_at", "-pk")
    if open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    return [{"id": a.pk, "registration_number": a.vessel.registration_number, "kind": a.kind,
             "start": a.started_at.isoformat(), "end": a.ended_at.isoformat() if a.ended_at else None,
             "state": a.state, "latitude": a.latitude, "longitude": a.longitude, "zone_code": a.zone_code}
            for a in qs[:500]]

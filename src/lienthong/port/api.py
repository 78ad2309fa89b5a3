"""Port API (mounted on /api/v1/ under /port/): ports, departure pre-declarations and their check results.

A captain's app (or a fishers' association's system) posts the declaration with an API token; callers
without a port role must give the owner's CCCD as in the registry, exactly as on the phone page.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from lienthong.accounts.scopes import can_use_port
from lienthong.api_errors import INVALID, NOT_FOUND, TEXT_PATTERN, UNAUTHORIZED, ErrorOut
from lienthong.fleet.classes import GEARS, ZONES

from . import services
from .models import Port, Trip

router = Router(tags=["port"])

Zone = Literal[tuple(ZONES)]
Gear = Literal[tuple(GEARS)]


def _text(max_length: int, default=..., **kw):
    """A text field of the request: bounded, and without NUL (PostgreSQL cannot hold one)."""
    return Field(default, max_length=max_length, pattern=TEXT_PATTERN, **kw)


class PortOut(Schema):
    code: str
    name: str
    commune_code: str
    operator: str


class PersonIn(Schema):
    full_name: str = _text(200)
    cccd: str = _text(16)
    birth_date: date | None = None


class DeclarationIn(Schema):
    registration_number: str = _text(32)
    owner_cccd: str | None = _text(16, None)
    port: str = _text(32, description="port code, see GET /port/ports")
    captain: PersonIn
    crew: list[PersonIn] = Field(default_factory=list, max_length=services.MAX_CREW)
    zone: Zone = Field(..., description="intended fishing zone")
    gear: Gear = Field(..., description="fishing gear")
    departure_at: datetime
    expected_return_at: datetime
    contact_phone: str = _text(32, "")


class CheckOut(Schema):
    code: str
    name: str
    severity: str
    status: str = Field(..., description="passed / failed / not_applicable")
    message: str
    details: list[str]


class DeclarationOut(Schema):
    reference: str
    status: str
    vessel: str
    port: str
    departure_at: datetime
    expected_return_at: datetime
    receipt_url: str
    verification_url: str
    clearance_pdf_url: str | None = None
    checks: list[CheckOut] | None = None


def _out(request, trip: Trip, with_checks: bool) -> dict:
    out = {
        "reference": trip.reference, "status": trip.status, "vessel": trip.vessel.registration_number,
        # Exported in the site's time zone (+07:00), as every date the port shows or prints.
        "port": trip.port.code, "departure_at": timezone.localtime(trip.departure_at),
        "expected_return_at": timezone.localtime(trip.expected_return_at),
        # Public addresses (LIENTHONG_PUBLIC_URL), the same the clearance's QR code carries, not the caller's host.
        "receipt_url": services.public_url("port-receipt", trip.public_token),
        "verification_url": services.verify_url(trip),
        "clearance_pdf_url": services.public_url("port-receipt-pdf", trip.public_token)
        if trip.clearance_pdf else None,
    }
    if with_checks:
        out["checks"] = services.run_departure_checks(services.load_trip(trip))
    return out


@router.get("/ports", response={200: list[PortOut], **UNAUTHORIZED}, summary="Fishing ports that accept declarations")
def list_ports(request):
    return list(Port.objects.filter(active=True))


# 400: the declaration is well-formed but refused (no such vessel, port, a CCCD that does not match …);
# 403: a browser session's request without its CSRF token.
@router.post("/declarations", response={201: DeclarationOut, 400: ErrorOut, **UNAUTHORIZED, 403: ErrorOut, **INVALID},
             summary="Pre-declare a departure")
def create_declaration(request, body: DeclarationIn):
    port = Port.objects.filter(code=body.port, active=True).first()
    if port is None:
        return Status(400, {"detail": "invalid", "errors": {"port": _("No such port")}})
    try:
        trip = services.declare(
            registration_number=body.registration_number, port=port,
            captain=services.CrewInput(body.captain.full_name, body.captain.cccd, body.captain.birth_date),
            crew=[services.CrewInput(c.full_name, c.cccd, c.birth_date) for c in body.crew],
            zone=body.zone, gear=body.gear, departure_at=body.departure_at,
            expected_return_at=body.expected_return_at, owner_cccd=body.owner_cccd,
            contact_phone=body.contact_phone, user=request.user, via="api", request=request)
    except services.PortError as exc:
        return Status(400, {"detail": "invalid", "errors": exc.errors})
    return Status(201, _out(request, trip, with_checks=can_use_port(request.user)))


@router.get("/declarations/{reference}", response={200: DeclarationOut, **UNAUTHORIZED, **NOT_FOUND, **INVALID},
            summary="A declaration and its checks")
def get_declaration(request, reference: str = Path(..., max_length=64, pattern=TEXT_PATTERN)):
    """Port officers see the trips of their ports with the check results; the caller who declared sees
    the status of their own declaration."""
    trip = Trip.objects.visible_to(request.user).filter(reference=reference).first()
    if trip is not None:
        return _out(request, trip, with_checks=True)
    trip = Trip.objects.filter(reference=reference, declared_by=request.user).first()
    if trip is None:
        raise HttpError(404, "Not found")
    return _out(request, trip, with_checks=False)

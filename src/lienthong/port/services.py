"""The write paths of port control (declare, decide, arrive, resolve) and who may do what where.

Views and the API are thin: they call these functions, which validate, write in one transaction and
append the audit event.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction, Role
from lienthong.accounts.scopes import can_use_port
from lienthong.fleet.classes import GEARS, ZONES
from lienthong.fleet.models import Vessel
from lienthong.identity.cccd import parse_id_number

from . import checks, ownerproof
from .models import CatchLine, CrewMember, Port, Species, Trip, TripFlag, TripStatus

MAX_CREW = 60
MIN_OVERRIDE_REASON = 20  # characters: a sentence, not "ok"
OTHER_REASON = "other"


class PortError(ValueError):
    """A refused action; `errors` maps field names to messages (Vietnamese, shown as they are)."""

    def __init__(self, errors: dict[str, str] | str, *, offer_code: bool = False):
        self.errors = errors if isinstance(errors, dict) else {"general": errors}
        self.offer_code = offer_code  # the public page offers to send the owner a one-time code
        super().__init__("; ".join(self.errors.values()))


# --- access --------------------------------------------------------------------------------------
def can_decide(user, port: Port) -> bool:
    """Clearing, refusing and recording arrivals: port officers at their port, and administrators."""
    if not can_use_port(user):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.PORT and port.assignments.filter(user=user).exists()


def can_edit_rules(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


# --- population source ---------------------------------------------------------------------------
def population_source():
    """The source the crew checks ask. The local extract by default: it answers in milliseconds and
    works when the national service is unreachable from the port. One per process (population.provider)."""
    from lienthong.population.provider import port_source

    return port_source()


# --- declaration ---------------------------------------------------------------------------------
@dataclass
class CrewInput:
    full_name: str
    cccd: str
    birth_date: date | None = None


def registration_key(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()


def _id_digits(value: str) -> str:
    check = parse_id_number(value)
    return check.digits or ""


def owner_proof_ok(vessel: Vessel, owner_cccd: str) -> bool:
    """The declarant knows the owner's CCCD as the registry holds it (no counting: port.ownerproof counts)."""
    return ownerproof.owner_cccd_matches(vessel, owner_cccd)


def declare(*, registration_number: str, port: Port, captain: CrewInput, crew: list[CrewInput], zone: str,
            gear: str, departure_at: datetime, expected_return_at: datetime, owner_cccd: str | None = None,
            contact_phone: str = "", user=None, via: str = "web", request=None, owner_code: str = "") -> Trip:
    """Record a pre-declaration. Anyone without a port role must prove the owner's CCCD (owner_cccd), with the
    one-time code sent to the owner's phone (owner_code) when strangers' guesses closed the CCCD alone
    (port.ownerproof)."""
    errors: dict[str, str] = {}
    vessel = Vessel.objects.select_related("owner").filter(reg_key=registration_key(registration_number)).first()
    officer = can_use_port(user)
    proof = ownerproof.Proof(vessel is not None, "" if vessel else ownerproof.not_found())
    if not officer:
        proof = ownerproof.prove(vessel, owner_cccd or "", owner_code or "", request)
    if not proof.ok:
        errors["registration_number"] = proof.error
    if not port.active:
        errors["port"] = _("The port is no longer in service")
    if zone not in ZONES:
        errors["zone"] = _("Invalid fishing zone")
    if gear not in GEARS:
        errors["gear"] = _("Invalid fishing gear")
    if not (captain.full_name or "").strip() or not (captain.cccd or "").strip():
        errors["captain"] = _("The captain's full name and ID number are required")
    if len(crew) > MAX_CREW:
        errors["crew"] = _("At most %(n)s crew members") % {"n": MAX_CREW}
    if any(not (c.full_name or "").strip() or not (c.cccd or "").strip() for c in crew):
        errors["crew"] = _("Each crew member needs a full name and ID number")
    if departure_at and expected_return_at and expected_return_at <= departure_at:
        errors["expected_return_at"] = _("The return date must be after the departure date")
    if departure_at and departure_at < timezone.now() - timedelta(days=1):
        errors["departure_at"] = _("The departure date has passed")
    if vessel is not None and not errors and Trip.objects.filter(vessel=vessel, status=TripStatus.DECLARED).exists():
        errors["registration_number"] = _("The vessel already has a declaration awaiting checks")
    if errors:
        raise PortError(errors, offer_code=proof.offer_code)
    with transaction.atomic():
        if proof.code is not None and not ownerproof.use_code(proof.code):
            raise PortError({"registration_number": _("The one-time code is wrong or has expired")}, offer_code=True)
        trip = Trip.objects.create(
            vessel=vessel, port=port, declared_by=user if user and user.is_authenticated else None, declared_via=via,
            captain_name=captain.full_name.strip(), captain_cccd=(_id_digits(captain.cccd) or captain.cccd.strip()),
            captain_birth_date=captain.birth_date, zone=zone, gear=gear, departure_at=departure_at,
            expected_return_at=expected_return_at, contact_phone=contact_phone.strip(),
        )
        CrewMember.objects.bulk_create([
            CrewMember(trip=trip, full_name=c.full_name.strip(), cccd=(_id_digits(c.cccd) or c.cccd.strip()),
                       birth_date=c.birth_date) for c in crew])
        record(request or user, AuditAction.CREATE, object_type="trip", object_id=trip.reference,
               summary=msg(gettext_noop("Departure pre-declared for %(reg)s at %(port)s (%(via)s)"),
                           reg=vessel.registration_number, port=port.name, via=via),
               detail={"crew": len(crew), "zone": zone, "gear": gear,
                       **({"owner_code": proof.code.pk} if proof.code is not None else {})})
    return trip


# --- checks --------------------------------------------------------------------------------------
def load_trip(pk_or_trip) -> Trip:
    from lienthong.fleet.models import FishingLicence, SafetyCertificate

    pk = pk_or_trip.pk if isinstance(pk_or_trip, Trip) else pk_or_trip
    return (Trip.objects.select_related("vessel__owner", "port", "decided_by", "arrival_port")
            .prefetch_related(Prefetch("vessel__licences", queryset=FishingLicence.objects.all()),
                              Prefetch("vessel__safety_certificates", queryset=SafetyCertificate.objects.all()),
                              "crew", "catches__species", "flags")
            .get(pk=pk))


def departure_context(trip: Trip, population=None) -> checks.DepartureContext:
    people = [checks.Person("captain", trip.captain_name, trip.captain_cccd, trip.captain_birth_date, row=0)]
    people += [checks.Person("crew", c.full_name, c.cccd, c.birth_date, row=i)
               for i, c in enumerate(trip.crew.all(), start=1)]
    local = timezone.localtime
    return checks.DepartureContext(
        vessel=trip.vessel, departure_date=local(trip.departure_at).date(),
        return_date=local(trip.expected_return_at).date(), zone=trip.zone, gear=trip.gear, people=people,
        population=population if population is not None else population_source(), trip_id=trip.pk)


def run_departure_checks(trip: Trip, population=None) -> list[dict]:
    """Fresh results while the trip waits; the frozen ones once it has been decided."""
    if trip.status != TripStatus.DECLARED:
        return trip.checks
    return checks.evaluate_departure(departure_context(trip, population))


# --- decision ------------------------------------------------------------------------------------
def public_url(name: str, *args) -> str:
    """An address the public reaches (QR code, receipt links), under settings.PUBLIC_URL (LIENTHONG_PUBLIC_URL):
    never the host an officer happened to browse to."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.urls import reverse

    base = (getattr(settings, "PUBLIC_URL", "") or "").rstrip("/")
    if not base:
        raise ImproperlyConfigured("Set LIENTHONG_PUBLIC_URL: the public address the clearance's QR code points to.")
    return base + reverse(name, args=args)


def verify_url(trip: Trip) -> str:
    """The clearance's verification address (its QR code)."""
    return public_url("port-verify", trip.public_token)


def decide(trip: Trip, user, *, action: str, refusal_code: str = "", note: str = "", override_reason: str = "",
           request=None, population=None) -> Trip:
    """Clear or refuse a declared trip. Clearing with a blocking failure needs a written override reason,
    which is audited with the failed rules. Clearing signs the clearance document."""
    trip = load_trip(trip)
    if not can_decide(user, trip.port):
        record(request or user, AuditAction.DENIED, object_type="trip", object_id=trip.reference,
               summary=msg(gettext_noop("Port decision outside the officer's port")))
        raise PortError(_("You are not assigned to this port"))
    if trip.status != TripStatus.DECLARED:
        raise PortError(_("This declaration has already been dealt with"))
    results = checks.evaluate_departure(departure_context(trip, population))
    blocking = checks.blocking_failures(results)
    note, override_reason = (note or "").strip(), (override_reason or "").strip()
    now = timezone.now()
    if action == "clear":
        if blocking and len(override_reason) < MIN_OVERRIDE_REASON:
            raise PortError({"override_reason": _(
                "%(n)s blocking checks failed: write the reason for clearing the vessel anyway "
                "(at least %(min)s characters)") % {"n": len(blocking), "min": MIN_OVERRIDE_REASON}})
        with transaction.atomic():
            trip.status, trip.checks, trip.decided_at, trip.decided_by = TripStatus.CLEARED, results, now, user
            trip.decision_note = note
            trip.overridden = bool(blocking)
            trip.override_reason = override_reason if blocking else ""
            trip.save()
            if blocking:
                record(request or user, AuditAction.UPDATE, object_type="trip", object_id=trip.reference,
                       summary=msg(gettext_noop("OVERRIDE: cleared %(reg)s despite %(n)d failed blocking check(s)"),
                                   reg=trip.vessel.registration_number, n=len(blocking)),
                       detail={"override": True, "reason": override_reason,
                               "failed": [r["code"] for r in blocking]})
            else:
                record(request or user, AuditAction.UPDATE, object_type="trip", object_id=trip.reference,
                       summary=msg(gettext_noop("Cleared %(reg)s for departure"), reg=trip.vessel.registration_number),
                       detail={"override": False})
            from .documents import signed_clearance

            pdf = signed_clearance(trip, verify_url(trip))
            trip.clearance_pdf, trip.clearance_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
            trip.save(update_fields=["clearance_pdf", "clearance_sha256"])
        return trip
    if action == "refuse":
        valid_codes = {r["code"] for r in results if r["status"] == checks.FAILED} | {OTHER_REASON}
        if refusal_code not in valid_codes:
            raise PortError({"refusal_code": _("Choose a failed check, or another reason")})
        if refusal_code == OTHER_REASON and not note:
            raise PortError({"note": _("Write the reason for refusal")})
        with transaction.atomic():
            trip.status, trip.checks, trip.decided_at, trip.decided_by = TripStatus.REFUSED, results, now, user
            trip.refusal_code, trip.decision_note = refusal_code, note
            trip.save()
            record(request or user, AuditAction.UPDATE, object_type="trip", object_id=trip.reference,
                   summary=msg(gettext_noop("Refused %(reg)s: %(code)s"), reg=trip.vessel.registration_number,
                               code=refusal_code),
                   detail={"refusal_code": refusal_code, "note": note})
        return trip
    raise PortError(_("Invalid action"))


# --- arrival -------------------------------------------------------------------------------------
MAX_CATCH_WEIGHT = Decimal("1000000")  # kg in one species line: far above any vessel's hold
# An arrival is recorded when the vessel is in; a few minutes' slack for the officer's and the server's clocks.
ARRIVAL_CLOCK_SLACK = timedelta(minutes=10)


def arrival_time_error(trip: Trip, returned_at: datetime) -> str | None:
    """Why this arrival time cannot be right (before the departure, or still to come), or None."""
    if returned_at <= trip.departure_at:
        return _("The arrival time must be after the departure time")
    if returned_at > timezone.now() + ARRIVAL_CLOCK_SLACK:
        return _("The arrival time cannot be in the future (now: %(now)s)") % {
            "now": f"{timezone.localtime():%H:%M %d/%m/%Y}"}
    return None


def default_arrival_port(trip: Trip, user=None) -> Port:
    """Where the vessel most likely comes back: its port of departure, or else the officer's own port."""
    if trip.port.active:
        return trip.port
    own = Port.objects.visible_to(user).filter(active=True).first() if user is not None else None
    return own or trip.port


def record_arrival(trip: Trip, user, *, returned_at: datetime, port: Port | None = None, zone_fished: str = "",
                   catches: list[tuple[Species, Decimal]] = (), request=None) -> Trip:
    """Close a cleared trip: the catch by species, the arrival checks, a flag for each failed one."""
    trip = load_trip(trip)
    port = port or default_arrival_port(trip, user)
    if not (can_decide(user, trip.port) or can_decide(user, port)):
        raise PortError(_("You are not assigned to this port"))
    if trip.status != TripStatus.CLEARED:
        raise PortError(_("Arrival can only be recorded for a trip cleared to depart"))
    if problem := arrival_time_error(trip, returned_at):
        raise PortError({"returned_at": problem})
    if any(w <= 0 or w > MAX_CATCH_WEIGHT for _s, w in catches):
        raise PortError({"catch": _("Invalid weight")})
    if zone_fished and zone_fished not in ZONES:
        raise PortError({"zone_fished": _("Invalid fishing zone")})
    ctx = checks.ArrivalContext(trip, returned_at, zone_fished, list(catches))
    results = checks.evaluate_arrival(ctx)
    with transaction.atomic():
        CatchLine.objects.bulk_create([CatchLine(trip=trip, species=s, weight_kg=w) for s, w in catches])
        trip.status, trip.returned_at, trip.arrival_port = TripStatus.RETURNED, returned_at, port
        trip.zone_fished, trip.arrival_checks, trip.arrival_by = zone_fished, results, user
        trip.save()
        flags = [TripFlag(trip=trip, rule_code=r["code"], message=f"{r['name']}: {r['message']}"[:500])
                 for r in results if r["status"] == checks.FAILED]
        TripFlag.objects.bulk_create(flags)
        record(request or user, AuditAction.UPDATE, object_type="trip", object_id=trip.reference,
               summary=msg(gettext_noop("Arrival of %(reg)s at %(port)s: %(n)d flag(s)"),
                           reg=trip.vessel.registration_number, port=port.name, n=len(flags)),
               detail={"catch_kg": str(sum((w for _, w in catches), Decimal(0))), "flags": [f.rule_code for f in flags]})
    return load_trip(trip)  # fresh catches and flags (the prefetched ones were empty)


def resolve_flag(flag: TripFlag, user, resolution: str, request=None) -> TripFlag:
    if not can_decide(user, flag.trip.port):
        raise PortError(_("You are not assigned to this port"))
    resolution = (resolution or "").strip()
    if not resolution:
        raise PortError({"resolution": _("Write the result of the verification")})
    flag.resolved_at, flag.resolved_by, flag.resolution = timezone.now(), user, resolution
    flag.save()
    record(request or user, AuditAction.UPDATE, object_type="trip", object_id=flag.trip.reference,
           summary=msg(gettext_noop("Flag %(code)s closed"), code=flag.rule_code), detail={"resolution": resolution})
    return flag

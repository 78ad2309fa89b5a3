"""Hall API (mounted on /api/v1/ under /hall/): tickets from boards of other makers, and counters driven by a
counter system, as the hall's own pages do it.

- A board (kiosk) has no login: it sends its device key in the `X-Device-Key` header (the key of a Device of
  kind "kiosk", made in the admin). POST tickets, POST appointments/check-in.
- A counter system acts for an officer with the officer's API token (`Authorization: Bearer …`), or the
  officer's browser session: counter/open, counter/close, counter/call-next, counter/queue, and the steps of a
  called ticket (tickets/{id}/recall, start, finish, no-show, transfer, rating). The engine (hall.services)
  checks and audits them as it does for the counter page; a ticket of a centre the officer does not work at
  answers 404, so its existence is not confirmed.
- Booking a visit online has no login (a citizen's phone app or the province's portal calls it for the citizen):
  booking/services, booking/services/{id}/slots, booking/services/{id}/appointments, booking/cancel (with the
  booking's token). Anonymous calls are limited per address as the public pages are (429, `rate_limited`).

A refusal of the hall (hall.errors) answers 400 (a wrong value) or 409 (not now: the counter, the queue or the
ticket is not in a state for it) — 403 when the officer may not work at the centre — in the API's one error
shape with the refusal's stable code as `detail`, its message in the reader's language as `message`, and the
field at fault in `errors` when there is one.
"""
from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from lienthong.accounts import ratelimit
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.api_errors import INVALID, NOT_FOUND, TEXT_PATTERN, UNAUTHORIZED, ErrorOut

from . import booking
from . import services as hall
from .errors import HallError
from .estimates import estimate
from .models import Appointment, Counter, Device, PriorityGroup, Service, Ticket
from .notices import booking_url

router = Router(tags=["hall"])

# Which refusals are a wrong value (400) and which say "not now" (409); not_allowed is 403, bad_device 401.
BAD_VALUE = {"bad_service", "bad_priority", "no_services", "bad_transfer", "no_appointment", "bad_level", "bad_phone",
             "no_booking"}
STATUS = {"not_allowed": 403, "bad_device": 401}


class HallErrorOut(ErrorOut):
    message: str = Field("", description="the refusal in the reader's language (Vietnamese by default)")


REFUSED = {400: HallErrorOut, 403: HallErrorOut, 409: HallErrorOut}


def refused(exc: HallError):
    body = {"detail": exc.code, "message": exc.message}
    if exc.field:
        body["errors"] = {exc.field: exc.message}
    return Status(STATUS.get(exc.code, 400 if exc.code in BAD_VALUE else 409), body)


class DeviceKey(APIKeyHeader):
    """A board of the centre: the active kiosk whose key is in X-Device-Key (seen now)."""

    param_name = "X-Device-Key"

    def authenticate(self, request, key):
        try:
            return hall.device_by_key(key or "", Device.Kind.KIOSK)
        except HallError:
            return None


def _text(max_length: int, default=..., **kw):
    return Field(default, max_length=max_length, pattern=TEXT_PATTERN, **kw)


# --- tickets from boards -------------------------------------------------------------------------------------
class TicketIn(Schema):
    service: str = _text(2, description="the service's letter on the board (A, B…)")
    priority: str | None = _text(30, None, description="a priority group's code (elderly, disabled…), or none")


class CheckInIn(Schema):
    code: str = _text(20, description="the appointment's code, as booked online (spaces and case do not matter)")


class EstimateOut(Schema):
    minutes: float = Field(..., description="expected wait from now, in minutes")
    error_minutes: float = Field(..., description="the method's mean absolute error on past days (0: not known yet)")
    method: str


class TicketTakenOut(Schema):
    id: int
    code: str = Field(..., description='what the ticket shows and the hall hears: "A023"')
    service: str
    service_name: str
    priority: str | None
    appointment: bool
    taken_at: datetime
    token: str = Field(..., description="the phone page's secret: the ticket's QR leads to phone_url")
    position: int | None = Field(..., description="1 when next in the service's queue")
    waiting_ahead: int
    estimate: EstimateOut
    phone_url: str
    status_url: str = Field(..., description="the phone page's JSON (state, position, estimate, counter)")


def _phone_path(name: str, token: str, fallback: str) -> str:
    try:
        return reverse(f"hall:{name}", args=[token])
    except NoReverseMatch:  # the phone page is not mounted in this build
        return fallback


def _taken(ticket: Ticket) -> dict:
    at = timezone.now()
    pos = hall.position(ticket, at)
    ahead = max(0, (pos or 1) - 1)
    guess = estimate(ticket.service, ahead, at)
    base = (settings.PUBLIC_URL or "").rstrip("/")
    return {
        "id": ticket.pk, "code": ticket.code, "service": ticket.service.letter, "service_name": ticket.service.name,
        "priority": ticket.priority.code if ticket.priority_id else None, "appointment": ticket.appointment_id is not None,
        "taken_at": timezone.localtime(ticket.taken_at), "token": ticket.token, "position": pos, "waiting_ahead": ahead,
        "estimate": {"minutes": round(guess.minutes, 1), "error_minutes": round(guess.error_minutes, 1),
                     "method": guess.method},
        "phone_url": base + _phone_path("phone", ticket.token, f"/sanh/ve/{ticket.token}/"),
        "status_url": base + _phone_path("phone_status", ticket.token, f"/sanh/ve/{ticket.token}/trang-thai.json"),
    }


@router.post("/tickets", auth=DeviceKey(), response={201: TicketTakenOut, **UNAUTHORIZED, **REFUSED, **INVALID},
             summary="Take a ticket at a board")
def take_ticket(request, body: TicketIn):
    """A board of another maker takes a ticket for a citizen: the service's letter and, for the groups the law
    serves first, the priority group's code. Answers the ticket's code, its place in line, an estimate of the
    wait and the phone page (the ticket's QR). The ticket holds no personal data."""
    device: Device = request.auth
    service = Service.objects.filter(agency_id=device.agency_id, letter=body.service.strip().upper(), active=True).first()
    priority = None
    try:
        if service is None:
            raise HallError("bad_service", "service")
        if body.priority:
            priority = PriorityGroup.objects.filter(code=body.priority.strip(), active=True).first()
            if priority is None:
                raise HallError("bad_priority", "priority")
        ticket = hall.take_ticket(device.agency, service, priority=priority, device=device)
    except HallError as exc:
        return refused(exc)
    return Status(201, _taken(ticket))


@router.post("/appointments/check-in", auth=DeviceKey(),
             response={201: TicketTakenOut, **UNAUTHORIZED, **REFUSED, **INVALID}, summary="Check in an appointment")
def check_in(request, body: CheckInIn):
    """An appointment booked online, checked in at a board with its code (today's only): a ticket of its service
    that is called before first come, first served once the appointment is due."""
    device: Device = request.auth
    try:
        ticket = hall.check_in(device.agency, body.code, device=device)
    except HallError as exc:
        return refused(exc)
    return Status(201, _taken(ticket))


# --- online booking (public: a citizen's phone app or the province's portal, no login) -------------------------
class BookableServiceOut(Schema):
    id: int
    letter: str
    name: str
    agency: str = Field(..., description="the centre's code")
    agency_name: str
    slot_minutes: int
    capacity: int = Field(..., description="citizens who may book the same slot")


class DayOut(Schema):
    day: date
    free: int = Field(..., description="places left that day (0: full)")


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    free: int


class SlotsOut(Schema):
    service: int
    day: date
    days: list[DayOut] = Field(..., description="every day that may be booked, with its places left")
    slots: list[SlotOut] = Field(..., description="the day's times still open for booking (full ones with free 0)")


class BookIn(Schema):
    starts_at: datetime = Field(..., description="one of the slots' starts_at, as given")
    phone: str = _text(20, description="the citizen's phone number: the code is texted to it")


class AppointmentOut(Schema):
    code: str = Field(..., description="typed at the board on the day")
    token: str = Field(..., description="the confirmation page's secret (page_url): keep it to cancel")
    service: int
    service_name: str
    agency_name: str
    starts_at: datetime
    state: str = Field(..., description="booked, late (today, its time over, not checked in yet), checked_in, "
                                        "cancelled or passed (its day over, nobody came)")
    page_url: str


class CancelIn(Schema):
    token: str = _text(32, description="the booking's token, as the booking answered")


TOO_MANY = {429: HallErrorOut}


def _limited(request):
    """Anonymous calls are limited per address as the public pages are (officers' sessions and tokens are not)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    until = ratelimit.public_retry_at(request)
    if until is None:
        return None
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    return Status(429, {"detail": "rate_limited",
                        "message": _("Too many requests from this address: try again in %(minutes)s minutes.")
                        % {"minutes": max(1, round(seconds / 60))}})


def _bookable(pk: int) -> Service:
    service = booking.bookable_services().filter(pk=pk).first()
    if service is None:
        raise HttpError(404, "not_found")
    return service


def _appointment_out(a: Appointment) -> dict:
    state = booking.state_of(a, timezone.now(), checked_in=Ticket.objects.filter(appointment=a).exists())
    return {"code": a.code, "token": a.token, "service": a.service_id, "service_name": a.service.name,
            "agency_name": a.agency.name, "starts_at": timezone.localtime(a.starts_at), "state": state,
            "page_url": booking_url(a)}


@router.get("/booking/services", auth=None, response={200: list[BookableServiceOut], **TOO_MANY},
            summary="Services that take bookings online")
def booking_services(request):
    limited = _limited(request)
    if limited is not None:
        return limited
    return [{"id": s.pk, "letter": s.letter, "name": s.name, "agency": s.agency.code, "agency_name": s.agency.name,
             "slot_minutes": s.slot_minutes, "capacity": s.booking_capacity} for s in booking.bookable_services()]


@router.get("/booking/services/{id}/slots", auth=None, response={200: SlotsOut, **NOT_FOUND, **TOO_MANY, **INVALID},
            summary="A service's days and times open for booking")
def booking_slots(request, id: int = Path(..., ge=1),
                  day: date | None = Query(None, description="default: the first day with a place left")):  # noqa: B008
    limited = _limited(request)
    if limited is not None:
        return limited
    service = _bookable(id)
    now = timezone.now()
    offered = booking.offer(service, now)
    day = day or offered.first_day(timezone.localdate(now))
    slots = offered.slots.get(day, [])
    return {"service": service.pk, "day": day, "days": [{"day": d, "free": f} for d, f in offered.days],
            "slots": [{"starts_at": timezone.localtime(s.starts_at), "ends_at": timezone.localtime(s.ends_at),
                       "free": s.free} for s in slots]}


@router.post("/booking/services/{id}/appointments", auth=None,
             response={201: AppointmentOut, **NOT_FOUND, **REFUSED, **TOO_MANY, **INVALID},
             summary="Book a visit")
def book(request, body: BookIn, id: int = Path(..., ge=1)):
    """Books the slot starting at `starts_at` for the phone number; the code is texted to it. Refused with 409
    slot_full / slot_closed when the time is no longer open, already_booked / too_many_bookings for a number that
    holds enough visits, 400 bad_phone."""
    limited = _limited(request)
    if limited is not None:
        return limited
    service = _bookable(id)
    try:
        appointment = hall.book_appointment(request, service, body.starts_at, body.phone)
    except HallError as exc:
        return refused(exc)
    return Status(201, _appointment_out(appointment))


@router.post("/booking/cancel", auth=None, response={200: AppointmentOut, **NOT_FOUND, **REFUSED, **TOO_MANY,
                                                        **INVALID}, summary="Cancel a booked visit")
def cancel(request, body: CancelIn):
    limited = _limited(request)
    if limited is not None:
        return limited
    appointment = Appointment.objects.select_related("agency", "service").filter(token=body.token).first()
    if appointment is None:
        raise HttpError(404, "not_found")
    try:
        hall.cancel_appointment(request, appointment)
    except HallError as exc:
        return refused(exc)
    return _appointment_out(appointment)


# --- counters ------------------------------------------------------------------------------------------------
class OpenIn(Schema):
    counter: int = Field(..., ge=1, le=999, description="the counter's number")
    services: list[str] = Field(..., min_length=1, max_length=30, description="letters of the services handled")
    agency: str | None = _text(40, None, description="the centre's code; needed when the officer works at several")


class SessionOut(Schema):
    counter: int
    agency: str
    services: list[str]
    opened_at: datetime


class ClosedOut(Schema):
    counter: int
    closed_at: datetime


class TicketOut(Schema):
    id: int
    code: str
    service: str
    state: str
    priority: str | None
    appointment: bool
    counter: int | None
    calls: int
    taken_at: datetime
    waited_minutes: float | None = Field(..., description="from taking to the first call (derived from the periods)")
    served_minutes: float | None


class QueueItemOut(Schema):
    id: int
    code: str
    service: str
    priority: str | None
    appointment: bool
    sent_here: bool = Field(..., description="transferred to this very counter: called before the others")
    taken_at: datetime


class QueueOut(Schema):
    counter: int
    services: list[str]
    current: list[TicketOut] = Field(..., description="called or being served at this counter")
    waiting: list[QueueItemOut] = Field(..., description="the tickets this counter may call, in the order it calls them")


class TransferIn(Schema):
    service: str | None = _text(2, None, description="the letter of the service to send the citizen to")
    counter: int | None = Field(None, ge=1, le=999, description="or the counter's number (called there first)")


class RatingIn(Schema):
    level: int = Field(..., description="1 very satisfied, 2 satisfied, 3 acceptable, 4 dissatisfied")
    reason: str = _text(500, "")


class RatingOut(Schema):
    ticket: str
    level: int
    at: datetime


def _officer(request):
    user = request.user
    if not can_handle_dossiers(user):
        raise HttpError(403, "Forbidden")
    return user


def _minutes(delta) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 60, 2)


def _ticket_out(ticket: Ticket) -> dict:
    times = hall.times_of(ticket)
    return {
        "id": ticket.pk, "code": ticket.code, "service": ticket.service.letter, "state": ticket.state,
        "priority": ticket.priority.code if ticket.priority_id else None, "appointment": ticket.appointment_id is not None,
        "counter": ticket.counter.number if ticket.counter_id else None, "calls": ticket.calls,
        "taken_at": timezone.localtime(ticket.taken_at), "waited_minutes": _minutes(times.waited),
        "served_minutes": _minutes(times.served),
    }


def _ticket(user, pk: int) -> Ticket:
    """The ticket if it is of a centre the officer works at; 404 otherwise (as if it did not exist)."""
    ticket = (Ticket.objects.select_related("service", "counter", "priority")
              .filter(pk=pk, agency__in=hall.agencies_for(user)).first())
    if ticket is None:
        raise HttpError(404, "Not found")
    return ticket


@router.post("/counter/open", response={200: SessionOut, **UNAUTHORIZED, **REFUSED, **INVALID},
             summary="Open a counter")
def open_counter(request, body: OpenIn):
    """The officer opens the counter with the services they handle there (the same counter again: its services
    change)."""
    user = _officer(request)
    agencies = list(hall.agencies_for(user))
    if body.agency:
        agencies = [a for a in agencies if a.code == body.agency]
    try:
        if len(agencies) != 1:
            raise HallError("not_allowed", "agency")
        agency = agencies[0]
        counter = Counter.objects.filter(agency=agency, number=body.counter, active=True).first()
        if counter is None:
            return Status(400, {"detail": "invalid", "errors": {"counter": _("This centre has no such counter.")}})
        letters = {letter.strip().upper() for letter in body.services}
        chosen = list(Service.objects.filter(agency=agency, letter__in=letters, active=True))
        if len(chosen) != len(letters):
            raise HallError("bad_service", "services")
        session = hall.open_counter(request, counter, chosen)
    except HallError as exc:
        return refused(exc)
    return {"counter": counter.number, "agency": agency.code, "services": sorted(s.letter for s in chosen),
            "opened_at": timezone.localtime(session.opened_at)}


@router.post("/counter/close", response={200: ClosedOut, **UNAUTHORIZED, **REFUSED}, summary="Close the counter")
def close_counter(request):
    user = _officer(request)
    session = hall.current_session(user)
    try:
        if session is None:
            raise HallError("not_open")
        hall.close_counter(request, session)
    except HallError as exc:
        return refused(exc)
    return {"counter": session.counter.number, "closed_at": timezone.localtime(timezone.now())}


@router.post("/counter/call-next", response={200: TicketOut, **UNAUTHORIZED, **REFUSED},
             summary="Call the next citizen")
def call_next(request):
    """Sent here first, then the priority groups, then appointments due, then first come, first served; shown
    and spoken on the hall's displays."""
    _officer(request)
    try:
        ticket = hall.call_next(request)
    except HallError as exc:
        return refused(exc)
    return _ticket_out(ticket)


@router.get("/counter/queue", response={200: QueueOut, **UNAUTHORIZED, **REFUSED, **INVALID},
            summary="The counter's queue")
def counter_queue(request, limit: int = Query(50, ge=1, le=200, description="waiting tickets listed at most")):
    user = _officer(request)
    session = hall.current_session(user)
    if session is None:
        return refused(HallError("not_open"))
    now = timezone.now()
    waiting = hall.queue_of(session, now).select_related("service", "priority")[:limit]
    current = (Ticket.objects.select_related("service", "counter", "priority").prefetch_related("periods")
               .filter(counter=session.counter, state__in=(Ticket.State.CALLED, Ticket.State.SERVING))
               .filter(Q(day=hall.local_day(now))).order_by("id"))
    return {
        "counter": session.counter.number, "services": sorted(s.letter for s in session.services.all()),
        "current": [_ticket_out(t) for t in current],
        "waiting": [{"id": t.pk, "code": t.code, "service": t.service.letter,
                     "priority": t.priority.code if t.priority_id else None,
                     "appointment": t.appointment_id is not None, "sent_here": t.for_counter_id == session.counter_id,
                     "taken_at": timezone.localtime(t.taken_at)} for t in waiting],
    }


def _step(request, pk: int, action):
    ticket = _ticket(_officer(request), pk)
    try:
        ticket = action(ticket)
    except HallError as exc:
        return refused(exc)
    return _ticket_out(Ticket.objects.select_related("service", "counter", "priority").get(pk=ticket.pk))


STEP = {200: TicketOut, **UNAUTHORIZED, **NOT_FOUND, **REFUSED, **INVALID}


@router.post("/tickets/{id}/recall", response=STEP, summary="Call the ticket again")
def recall(request, id: int = Path(...)):  # noqa: A002 - the path's name
    return _step(request, id, lambda t: hall.recall(request, t))


@router.post("/tickets/{id}/start", response=STEP, summary="The citizen has come: the service starts")
def start(request, id: int = Path(...)):  # noqa: A002
    return _step(request, id, lambda t: hall.start(request, t))


@router.post("/tickets/{id}/finish", response=STEP, summary="The service is done")
def finish(request, id: int = Path(...)):  # noqa: A002
    return _step(request, id, lambda t: hall.finish(request, t))


@router.post("/tickets/{id}/no-show", response=STEP, summary="Called and did not come")
def no_show(request, id: int = Path(...)):  # noqa: A002
    return _step(request, id, lambda t: hall.no_show(request, t))


@router.post("/tickets/{id}/transfer", response=STEP, summary="Send the citizen elsewhere")
def transfer(request, body: TransferIn, id: int = Path(...)):  # noqa: A002
    """To another service's queue (they keep their place in time) or to a counter (called there first)."""
    def act(ticket: Ticket) -> Ticket:
        service = counter = None
        if body.service:
            service = Service.objects.filter(agency_id=ticket.agency_id, letter=body.service.strip().upper(),
                                             active=True).first()
            if service is None:
                raise HallError("bad_transfer", "service")
        if body.counter is not None:
            counter = Counter.objects.filter(agency_id=ticket.agency_id, number=body.counter, active=True).first()
            if counter is None:
                raise HallError("bad_transfer", "counter")
        return hall.transfer(request, ticket, service=service, counter=counter)

    return _step(request, id, act)


@router.post("/tickets/{id}/rating", response={201: RatingOut, **UNAUTHORIZED, **NOT_FOUND, **REFUSED, **INVALID},
             summary="The citizen's rating of the service")
def rating(request, body: RatingIn, id: int = Path(...)):  # noqa: A002
    """Given on the counter system's screen once the service is finished: four levels and an optional reason."""
    ticket = _ticket(_officer(request), id)
    try:
        row = hall.rate(ticket, body.level, body.reason)
    except HallError as exc:
        return refused(exc)
    return Status(201, {"ticket": ticket.code, "level": row.level, "at": timezone.localtime(row.at)})

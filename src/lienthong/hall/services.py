"""The hall's write paths: tickets taken, counters opened, citizens called, served, sent elsewhere, rated. Every
change of a ticket's state closes its open period and opens the next (TicketPeriod); officers' actions are
audited. Calls are safe under concurrency: a ticket is taken from the queue by a conditional update, so two
counters pressing "call next" at once never get the same citizen."""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import AuditAction, in_site_language, msg, record
from lienthong.accounts.redaction import mask_phone
from lienthong.accounts.scopes import can_handle_dossiers, receiving_agencies
from lienthong.onestop.models import Agency, Dossier
from lienthong.workdays import VN_TZ

from . import notices
from .errors import HallError
from .models import (
    Appointment,
    Counter,
    CounterSession,
    DailyTicketSequence,
    Device,
    HallEvent,
    HallRating,
    PriorityGroup,
    Service,
    Ticket,
    TicketPeriod,
)

S = Ticket.State


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def local_day(at: datetime) -> date:
    return at.astimezone(VN_TZ).date()


def _user(by):
    return getattr(by, "user", by)


def appointment_grace() -> timedelta:
    """How early a checked-in appointment counts as due (LIENTHONG_HALL_APPOINTMENT_EARLY_MINUTES, default 10)."""
    return timedelta(minutes=getattr(settings, "HALL_APPOINTMENT_EARLY_MINUTES", 10))


# --- who may do what -----------------------------------------------------------------------------------------
def agencies_for(user) -> QuerySet:
    """The centres whose counters `user` may work at: those where they receive dossiers (accounts.scopes)."""
    return receiving_agencies(Agency.objects.all(), user)


def _check_officer(user, agency: Agency) -> None:
    if not (can_handle_dossiers(user) and agencies_for(user).filter(pk=agency.pk).exists()):
        raise HallError("not_allowed")


def device_by_key(key: str, kind: str | None = None) -> Device:
    """The active device whose page carries this key (a kiosk or display has no login), seen now (written at most
    once a minute: a board taking tickets does not add a write of its own to each one)."""
    device = Device.objects.select_related("agency").filter(key=key or "", active=True).first()
    if device is None or (kind and device.kind != kind):
        raise HallError("bad_device")
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > timedelta(seconds=60):
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device


# --- periods -------------------------------------------------------------------------------------------------
def _move(ticket: Ticket, state: str, at: datetime, *, counter: Counter | None = None, officer=None) -> None:
    """Close the ticket's open period and open the next; a final state is a period of no length."""
    TicketPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    final = state not in Ticket.OPEN_STATES
    TicketPeriod.objects.create(ticket=ticket, state=state, service=ticket.service, counter=counter,
                                officer=officer, started_at=at, ended_at=at if final else None)


def _event(ticket: Ticket, kind: str, at: datetime, counter: Counter | None = None, text: str = "") -> HallEvent:
    return HallEvent.objects.create(agency_id=ticket.agency_id, at=at, kind=kind, ticket=ticket, counter=counter,
                                    text=text)


def call_text(ticket: Ticket, counter: Counter) -> str:
    """What the hall hears, always in Vietnamese: "Mời số A023 đến quầy số 5"."""
    return f"Mời số {ticket.code} đến quầy số {counter.number}"


def _audit(by, action: str, object_type: str, object_id, summary, detail: dict | None = None) -> None:
    record(by, action, object_type=object_type, object_id=object_id, summary=summary, detail=detail or {})


# --- tickets -------------------------------------------------------------------------------------------------
def _next_number(service: Service, day: date) -> int:
    rows = DailyTicketSequence.objects.filter(service=service, day=day)
    if not rows.update(last=F("last") + 1):
        try:
            with transaction.atomic():  # a savepoint: another board may create the day's row first
                DailyTicketSequence.objects.create(service=service, day=day, last=1)
        except IntegrityError:
            rows.update(last=F("last") + 1)
    return rows.values_list("last", flat=True).get()


def take_ticket(agency: Agency, service: Service, *, priority: PriorityGroup | None = None,
                device: Device | None = None, appointment: Appointment | None = None,
                at: datetime | None = None) -> Ticket:
    """A new ticket in `service`'s queue: the day's next number of its letter (A001, A002… from 001 each day)."""
    at = _now(at)
    if service.agency_id != agency.pk or not service.active:
        raise HallError("bad_service", "service")
    if priority is not None and not priority.active:
        raise HallError("bad_priority", "priority")
    day = local_day(at)
    with transaction.atomic():
        number = _next_number(service, day)
        ticket = Ticket.objects.create(
            agency=agency, service=service, day=day, number=number, code=f"{service.letter}{number:03d}",
            priority=priority, appointment=appointment, taken_at=at, queued_at=at, device=device,
            print_state=Ticket.Print.PENDING if device is not None and device.printer_host else Ticket.Print.BROWSER)
        _move(ticket, S.WAITING, at)
        _event(ticket, HallEvent.Kind.QUEUE, at)
    return ticket


def check_in(agency: Agency, code: str, *, device: Device | None = None, at: datetime | None = None) -> Ticket:
    """An appointment booked online, checked in at the board with its code: a ticket of its service that goes to
    the front of the queue once the appointment is due."""
    at = _now(at)
    code = re.sub(r"\s", "", code or "").upper()
    appointment = (Appointment.objects.select_related("service")
                   .filter(agency=agency, code=code, cancelled_at__isnull=True).first())
    if appointment is None or local_day(appointment.starts_at) != local_day(at):
        raise HallError("no_appointment", "code")
    with transaction.atomic():
        if Ticket.objects.filter(appointment=appointment).exists():
            raise HallError("appointment_used", "code")
        try:
            with transaction.atomic():
                return take_ticket(agency, appointment.service, device=device, appointment=appointment, at=at)
        except IntegrityError:  # the same code checked in at two boards at once
            raise HallError("appointment_used", "code") from None


def _phone_digits(phone: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits and not re.fullmatch(r"\+?\d{9,15}", digits):
        raise HallError("bad_phone", "phone")
    return digits


# --- online booking (hall.booking reads the slots) ---------------------------------------------------------
def _new_code() -> str:
    from .booking import CODE_ALPHABET, CODE_LENGTH, CODE_PREFIX

    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def book_appointment(request_or_user, service: Service, starts_at: datetime, phone: str, *,
                     at: datetime | None = None) -> Appointment:
    """A citizen books `service` at the slot starting `starts_at` with their phone number; the code is texted to
    them once the booking has committed. Safe under concurrency: the service's row is locked (PostgreSQL; SQLite
    writes one transaction at a time) while its slot's bookings are counted, so a slot never takes more than
    its capacity."""
    from . import booking

    at = _now(at)
    phone = _phone_digits(phone)
    if not phone:
        raise HallError("bad_phone", "phone")
    if service.booking_capacity <= 0 or not service.active:
        raise HallError("no_booking", "service")
    day = local_day(starts_at)
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("agency").get(pk=service.pk)
        slot = booking.slot_of(service, starts_at, at)
        if slot is None:
            raise HallError("slot_closed", "starts_at")
        if slot.free <= 0:
            raise HallError("slot_full", "starts_at")
        mine = Appointment.objects.filter(phone=phone, cancelled_at__isnull=True, starts_at__gte=at,
                                          ticket__isnull=True)
        if any(local_day(t) == day for t in mine.filter(service=service).values_list("starts_at", flat=True)):
            raise HallError("already_booked", "phone")
        if mine.count() >= settings.HALL_BOOKING_PER_PHONE:
            raise HallError("too_many_bookings", "phone", limit=settings.HALL_BOOKING_PER_PHONE)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    appointment = Appointment.objects.create(agency=service.agency, service=service,
                                                             code=_new_code(), starts_at=slot.starts_at,
                                                             phone=phone, booked_at=at)
                break
            except IntegrityError:  # a code already given (one in 24⁶): draw again
                continue
        else:
            raise IntegrityError("hall: no free appointment code after 5 draws")
        _audit(request_or_user, AuditAction.CREATE, "hall_appointment", appointment.pk,
               msg(gettext_noop("Visit %(code)s booked online for %(service)s at %(time)s"), code=appointment.code,
                   service=service.letter, time=timezone.localtime(appointment.starts_at).strftime("%H:%M %d/%m/%Y")),
               {"service": service.letter, "starts_at": appointment.starts_at.isoformat(),
                "phone": mask_phone(phone)})
        notices.after_booking(appointment.pk)
    return appointment


ERASE_EVERY = 600.0  # seconds between the worker's erasures of past bookings' phone numbers
_last_erase = [float("-inf")]


def erase_past_booking_phones(*, at: datetime | None = None, force: bool = False) -> int:
    """A booking's phone number is kept for its text and its day only: once the day has passed (checked in, not
    come or cancelled alike) it is erased. Run by the job worker at most every ERASE_EVERY seconds."""
    if not force and time.monotonic() - _last_erase[0] < ERASE_EVERY:
        return 0
    _last_erase[0] = time.monotonic()
    today = datetime.combine(local_day(_now(at)), datetime.min.time(), VN_TZ)
    return Appointment.objects.filter(starts_at__lt=today).exclude(phone="").update(phone="")


def cancel_appointment(request_or_user, appointment: Appointment, *, at: datetime | None = None) -> Appointment:
    """The citizen cancels a visit not yet checked in and not yet past; the slot is free again at once."""
    at = _now(at)
    with transaction.atomic():
        if (appointment.starts_at < at or Ticket.objects.filter(appointment=appointment).exists()
                or not Appointment.objects.filter(pk=appointment.pk, cancelled_at__isnull=True)
                .update(cancelled_at=at, phone="")):
            raise HallError("booking_over")
        appointment.cancelled_at, appointment.phone = at, ""  # the text has gone out; nothing more is sent
        _audit(request_or_user, AuditAction.UPDATE, "hall_appointment", appointment.pk,
               msg(gettext_noop("Visit %(code)s cancelled"), code=appointment.code), {"cancelled": True})
    return appointment


def set_phone(ticket: Ticket, phone: str) -> Ticket:
    """The citizen's number for the "you are nearly next" notice (given on the phone page; blank: none)."""
    ticket.phone = _phone_digits(phone)
    ticket.save(update_fields=["phone"])
    return ticket


# --- counters ------------------------------------------------------------------------------------------------
def open_counter(by, counter: Counter, services, *, at: datetime | None = None) -> CounterSession:
    at, user = _now(at), _user(by)
    _check_officer(user, counter.agency)
    services = [s for s in services if s.agency_id == counter.agency_id and s.active]
    if not services:
        raise HallError("no_services", "services")
    mine = CounterSession.objects.filter(officer=user, closed_at__isnull=True).select_related("counter").first()
    if mine is not None and mine.counter_id != counter.pk:
        raise HallError("already_open", "counter", number=mine.counter.number)
    with transaction.atomic():
        if mine is not None:  # the same counter again: the services change
            session = mine
        else:
            try:
                with transaction.atomic():
                    session = CounterSession.objects.create(counter=counter, officer=user, opened_at=at)
            except IntegrityError:
                raise HallError("counter_busy", "counter") from None
        session.services.set(services)
        _audit(by, AuditAction.UPDATE, "hall_counter", counter.pk,
               msg(gettext_noop("Opened counter %(number)s for %(services)s"), number=counter.number,
                   services=", ".join(s.letter for s in services)),
               {"services": [s.letter for s in services]})
    return session


def close_counter(by, session: CounterSession, *, at: datetime | None = None) -> None:
    at = _now(at)
    if session.officer_id != _user(by).pk and not getattr(_user(by), "is_superuser", False):
        raise HallError("not_allowed")
    with transaction.atomic():
        CounterSession.objects.filter(pk=session.pk, closed_at__isnull=True).update(closed_at=at)
        _audit(by, AuditAction.UPDATE, "hall_counter", session.counter_id,
               msg(gettext_noop("Closed counter %(number)s"), number=session.counter.number))


def current_session(user) -> CounterSession | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (CounterSession.objects.select_related("counter", "counter__agency")
            .filter(officer=user, closed_at__isnull=True).first())


def _require_session(by) -> CounterSession:
    session = current_session(_user(by))
    if session is None:
        raise HallError("not_open")
    return session


def call_order(qs: QuerySet, at: datetime, counter: Counter | None = None) -> QuerySet:
    """Who is called first: a citizen sent to this very counter, then the priority groups, then appointments that
    are due, then first come, first served (the time first queued; a transfer keeps it)."""
    due = at + appointment_grace()
    whens = [When(for_counter=counter, then=Value(0))] if counter is not None else []
    rank = Case(*whens, When(priority__isnull=False, then=Value(1)),
                When(appointment__starts_at__lte=due, then=Value(2)), default=Value(3), output_field=IntegerField())
    return qs.annotate(call_rank=rank).order_by("call_rank", "queued_at", "id")


def queue_of(session: CounterSession, at: datetime) -> QuerySet:
    """The waiting tickets this counter may call, in the order it calls them."""
    # A citizen sent to this very counter is called here whatever the services it opened with.
    qs = Ticket.objects.filter(agency_id=session.counter.agency_id, day=local_day(at), state=S.WAITING).filter(
        Q(for_counter=session.counter) | Q(for_counter__isnull=True, service__in=session.services.all()))
    return call_order(qs, at, session.counter)


def call_next(by, *, at: datetime | None = None) -> Ticket:
    """Call the next citizen to the officer's counter (see call_order), shown and spoken on the displays."""
    at, session = _now(at), _require_session(by)
    for candidate in queue_of(session, at).values_list("pk", flat=True)[:20]:
        with transaction.atomic():
            won = Ticket.objects.filter(pk=candidate, state=S.WAITING).update(
                state=S.CALLED, counter=session.counter, officer=_user(by), calls=1, for_counter=None)
            if not won:  # another counter called this one a moment ago: the next
                continue
            ticket = Ticket.objects.select_related("service", "counter").get(pk=candidate)
            _move(ticket, S.CALLED, at, counter=session.counter, officer=_user(by))
            _event(ticket, HallEvent.Kind.CALL, at, session.counter, call_text(ticket, session.counter))
            notices.after_queue_change(ticket.service_id, at)  # the third in line is told, once this commits
            _audit(by, AuditAction.UPDATE, "hall_ticket", ticket.pk,
                   msg(gettext_noop("Called %(ticket)s to counter %(number)s"), ticket=ticket.code,
                       number=session.counter.number))
        return ticket
    raise HallError("queue_empty")


def _mine(by, ticket: Ticket, states) -> CounterSession:
    session = _require_session(by)
    if ticket.state not in states:
        raise HallError("bad_state", state=in_site_language(ticket.get_state_display))
    if ticket.counter_id != session.counter_id:
        raise HallError("not_yours")
    return session


def _transition(ticket: Ticket, from_states, to_state: str, session: CounterSession, **changes) -> bool:
    """The conditional update that makes a step safe when two screens press at once."""
    return bool(Ticket.objects.filter(pk=ticket.pk, state__in=from_states, counter=session.counter)
                .update(state=to_state, **changes))


def recall(by, ticket: Ticket, *, at: datetime | None = None) -> Ticket:
    """Call the same citizen again (the display shows and says it once more)."""
    at = _now(at)
    session = _mine(by, ticket, (S.CALLED,))
    with transaction.atomic():
        if not _transition(ticket, (S.CALLED,), S.CALLED, session, calls=F("calls") + 1):
            raise HallError("bad_state", state=in_site_language(ticket.get_state_display))
        _event(ticket, HallEvent.Kind.RECALL, at, session.counter, call_text(ticket, session.counter))
        _audit(by, AuditAction.UPDATE, "hall_ticket", ticket.pk,
               msg(gettext_noop("Called %(ticket)s again to counter %(number)s"), ticket=ticket.code,
                   number=session.counter.number))
    ticket.refresh_from_db()
    return ticket


def start(by, ticket: Ticket, *, at: datetime | None = None) -> Ticket:
    """The citizen has come to the counter: the service starts."""
    at = _now(at)
    session = _mine(by, ticket, (S.CALLED,))
    with transaction.atomic():
        if not _transition(ticket, (S.CALLED,), S.SERVING, session):
            raise HallError("bad_state", state=in_site_language(ticket.get_state_display))
        ticket.refresh_from_db()
        _move(ticket, S.SERVING, at, counter=session.counter, officer=_user(by))
    return ticket


def _end(by, ticket: Ticket, from_states, state: str, at: datetime, text: str) -> Ticket:
    session = _mine(by, ticket, from_states)
    with transaction.atomic():
        if not _transition(ticket, from_states, state, session, phone=""):
            raise HallError("bad_state", state=in_site_language(ticket.get_state_display))
        ticket.refresh_from_db()
        _move(ticket, state, at, counter=session.counter, officer=_user(by))
        _audit(by, AuditAction.UPDATE, "hall_ticket", ticket.pk,
               msg(text, ticket=ticket.code, number=session.counter.number))
    return ticket


def finish(by, ticket: Ticket, *, at: datetime | None = None) -> Ticket:
    """The service is done (the citizen may rate it at the counter's screen)."""
    return _end(by, ticket, (S.CALLED, S.SERVING), S.DONE, _now(at),
                gettext_noop("Served %(ticket)s at counter %(number)s"))


def no_show(by, ticket: Ticket, *, at: datetime | None = None) -> Ticket:
    """Called and did not come."""
    return _end(by, ticket, (S.CALLED,), S.NO_SHOW, _now(at),
                gettext_noop("%(ticket)s did not come to counter %(number)s"))


def transfer(by, ticket: Ticket, *, service: Service | None = None, counter: Counter | None = None,
             at: datetime | None = None) -> Ticket:
    """Send the citizen to another service's queue, or to a counter (called there before the others). They keep
    their place in time and their number; they wait again, and the wait counts from now."""
    at = _now(at)
    session = _mine(by, ticket, (S.CALLED, S.SERVING))
    service = service or ticket.service
    if service.agency_id != ticket.agency_id or not service.active or (
            counter is not None and (counter.agency_id != ticket.agency_id or counter.pk == session.counter_id)) or (
            counter is None and service.pk == ticket.service_id):
        raise HallError("bad_transfer", "service")
    with transaction.atomic():
        if not _transition(ticket, (S.CALLED, S.SERVING), S.WAITING, session, service=service,
                           for_counter=counter, counter=None, officer=None, calls=0):
            raise HallError("bad_state", state=in_site_language(ticket.get_state_display))
        ticket.refresh_from_db()
        _move(ticket, S.WAITING, at)
        _event(ticket, HallEvent.Kind.QUEUE, at)
        notices.after_queue_change(service.pk, at)  # the citizen sent here may be near its front
        _audit(by, AuditAction.UPDATE, "hall_ticket", ticket.pk,
               msg(gettext_noop("Sent %(ticket)s from counter %(number)s to %(to)s"), ticket=ticket.code,
                   number=session.counter.number,
                   to=f"quầy {counter.number}" if counter is not None else f"{service.letter} · {service.name}"),
               {"service": service.letter, "counter": counter.number if counter else None})
    return ticket


def attach_dossier(ticket: Ticket, dossier: Dossier) -> None:
    """The dossier received for this ticket (the intake opened from a called ticket)."""
    if dossier.agency_id == ticket.agency_id:
        ticket.dossiers.add(dossier)


def rate(ticket: Ticket, level: int, reason: str = "", *, at: datetime | None = None) -> HallRating:
    """The citizen's rating at the counter once served (one per ticket)."""
    at = _now(at)
    if ticket.state != S.DONE:
        raise HallError("not_finished")
    if level not in HallRating.Level.values:
        raise HallError("bad_level", "level")
    try:
        with transaction.atomic():
            return HallRating.objects.create(ticket=ticket, level=level, reason=(reason or "").strip()[:500], at=at)
    except IntegrityError:
        raise HallError("already_rated") from None


# --- reading the queue ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Times:
    waited: timedelta | None  # from taking the ticket to the first call (all waiting periods before it)
    served: timedelta | None  # the serving periods


def times_of(ticket: Ticket, now: datetime | None = None) -> Times:
    """Derived from the periods, never typed: waiting until called, and the time at the counter."""
    now = _now(now)
    waited = served = timedelta(0)
    called = serving = False
    for p in ticket.periods.all():
        end = p.ended_at or now
        if p.state == S.WAITING and not called:
            waited += end - p.started_at
        elif p.state == S.CALLED:
            called = True
        elif p.state == S.SERVING:
            serving = True
            served += end - p.started_at
    return Times(waited if called else None, served if serving else None)


def position(ticket: Ticket, at: datetime | None = None) -> int | None:
    """1 when the ticket is next in its service's queue; None once it is no longer waiting."""
    if ticket.state != S.WAITING:
        return None
    at = _now(at)
    ordered = list(call_order(Ticket.objects.filter(agency_id=ticket.agency_id, day=ticket.day, state=S.WAITING,
                                                    service_id=ticket.service_id, for_counter__isnull=True),
                              at).values_list("pk", flat=True))
    return ordered.index(ticket.pk) + 1 if ticket.pk in ordered else 1


def waiting_by_service(agency: Agency, at: datetime | None = None) -> dict[int, int]:
    """How many wait in each of the centre's services today."""
    from django.db.models import Count

    at = _now(at)
    rows = (Ticket.objects.filter(agency=agency, day=local_day(at), state=S.WAITING)
            .values("service_id").annotate(n=Count("pk")))
    return {r["service_id"]: r["n"] for r in rows}


def open_counters_by_service(agency: Agency) -> dict[int, int]:
    """How many open counters handle each service now."""
    from django.db.models import Count

    rows = (CounterSession.objects.filter(counter__agency=agency, closed_at__isnull=True)
            .values("services").annotate(n=Count("pk")))
    return {r["services"]: r["n"] for r in rows if r["services"] is not None}

"""Online booking of a visit to the hall: the days and times a citizen may book, and how many places each has left.

A service that takes bookings (Service.booking_capacity > 0) offers, on each of the next HALL_BOOKING_DAYS working
days of the province's calendar (onestop.provider: holidays, the government's swaps and the centre's days off),
slots of Service.slot_minutes from the start of each office session, as long as the slot ends within the session.
A slot closes HALL_BOOKING_LEAD_MINUTES before it starts (the centre sees its morning's bookings in advance) and
when Service.booking_capacity citizens have booked it. The citizen books with a phone number, gets a short code by
text, and checks in with it at the board on the day (services.check_in), going to the front of the queue from a
few minutes before the slot (services.appointment_grace). The write paths are services.book_appointment and
services.cancel_appointment; this module only reads.
"""
from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from lienthong.onestop.provider import current_calendar
from lienthong.workdays import VN_TZ

from .models import Appointment, Service

# The code typed at the board: letters and digits a citizen cannot misread or mistype on a touch keyboard
# (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), "LH" first so an officer knows it for a booking at a glance.
CODE_PREFIX = "LH"
CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(VN_TZ)


def bookable_services() -> QuerySet:
    """The services citizens may book online, with their centre, in the centres' and the board's order."""
    return (Service.objects.filter(active=True, booking_capacity__gt=0).select_related("agency")
            .order_by("agency__name", "order", "letter"))


def lead() -> timedelta:
    return timedelta(minutes=settings.HALL_BOOKING_LEAD_MINUTES)


def _is_offered(service: Service) -> bool:
    return service.booking_capacity > 0 and service.active


def booking_days(at: datetime | None = None, calendar=None) -> list[date]:
    """The working days a visit may be booked on: today and the next ones, HALL_BOOKING_DAYS in all."""
    at = at or timezone.now()
    calendar = calendar or current_calendar()
    day, days = at.astimezone(VN_TZ).date(), []
    while len(days) < settings.HALL_BOOKING_DAYS:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def slot_starts(service: Service, day: date, sessions) -> list[tuple[datetime, datetime]]:
    """(start, end) of each slot of `service` on `day` in the office's `sessions` (whether or not the day is
    worked)."""
    step = timedelta(minutes=max(5, service.slot_minutes))
    slots = []
    for start, end in sessions:
        t, close = datetime.combine(day, start, VN_TZ), datetime.combine(day, end, VN_TZ)
        while t + step <= close:
            slots.append((t, t + step))
            t += step
    return slots


def _open_slots(service: Service, days: list[date], at: datetime, sessions) -> dict[date, list[Slot]]:
    """The slots of `days` still open for booking at `at` (not yet within the lead time), with places left or
    not: one query for the bookings of them all."""
    times = {day: [(s, e) for s, e in slot_starts(service, day, sessions) if s - lead() >= at] for day in days}
    starts = [s for day_times in times.values() for s, _e in day_times]
    booked = _booked(service, min(starts), max(starts)) if starts else Tally()
    return {day: [Slot(s, e, service.booking_capacity, booked.get(s, 0)) for s, e in day_times]
            for day, day_times in times.items()}


def _booked(service: Service, first: datetime, last: datetime) -> Tally:
    return Tally(Appointment.objects.filter(service=service, cancelled_at__isnull=True,
                                            starts_at__gte=first, starts_at__lte=last)
                 .values_list("starts_at", flat=True))


def slots(service: Service, day: date, at: datetime | None = None) -> list[Slot]:
    """The slots of `day` still open for booking at `at`, with places left or not ([] when the day is not offered)."""
    at = at or timezone.now()
    calendar = current_calendar()
    if not _is_offered(service) or day not in booking_days(at, calendar):
        return []
    return _open_slots(service, [day], at, calendar.office_hours.sessions)[day]


@dataclass(frozen=True)
class Offer:
    """What a service offers at one moment: the days that may be booked, each with its places left, and their
    slots (today only while a time of it is still open)."""

    days: list[tuple[date, int]]
    slots: dict[date, list[Slot]]

    def first_day(self, today: date) -> date:
        """The day a picker opens on: the first with a place left, else the first offered, else today."""
        return next((d for d, free in self.days if free), self.days[0][0] if self.days else today)


def offer(service: Service, at: datetime | None = None) -> Offer:
    """The day picker's and the API's view of a service: the calendar read once, the bookings in one query."""
    at = at or timezone.now()
    if not _is_offered(service):
        return Offer([], {})
    calendar = current_calendar()
    by_day = {day: day_slots for day, day_slots in
              _open_slots(service, booking_days(at, calendar), at, calendar.office_hours.sessions).items()
              if day_slots}
    return Offer([(day, sum(s.free for s in day_slots)) for day, day_slots in by_day.items()], by_day)


def first_free_days(service: Service, at: datetime | None = None) -> list[tuple[date, int]]:
    """Each bookable day with the number of places left on it (0: full)."""
    return offer(service, at).days


def slot_of(service: Service, starts_at: datetime, at: datetime | None = None) -> Slot | None:
    """The open slot starting at `starts_at`, or None when no slot starts then or it is closed for booking."""
    local = starts_at.astimezone(VN_TZ)
    return next((s for s in slots(service, local.date(), at) if s.starts_at == starts_at), None)


def state_of(appointment: Appointment, now: datetime, *, checked_in: bool) -> str:
    """Where a booked visit stands: cancelled; checked_in (a ticket was taken with its code); passed (its day is
    over and nobody came); late (today, its slot over and not checked in yet: the board still takes the code
    until the day ends); booked."""
    if appointment.cancelled_at is not None:
        return "cancelled"
    if checked_in:
        return "checked_in"
    day, today = appointment.starts_at.astimezone(VN_TZ).date(), now.astimezone(VN_TZ).date()
    if day < today:
        return "passed"
    if appointment.starts_at + timedelta(minutes=appointment.service.slot_minutes) < now:
        return "late"
    return "booked"

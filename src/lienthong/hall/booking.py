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


def booking_days(at: datetime | None = None) -> list[date]:
    """The working days a visit may be booked on: today and the next ones, HALL_BOOKING_DAYS in all."""
    at = at or timezone.now()
    calendar = current_calendar()
    day, days = at.astimezone(VN_TZ).date(), []
    while len(days) < settings.HALL_BOOKING_DAYS:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def slot_starts(service: Service, day: date) -> list[tuple[datetime, datetime]]:
    """(start, end) of each slot of `service` on `day` in the office's sessions (whether or not the day is worked)."""
    step = timedelta(minutes=max(5, service.slot_minutes))
    slots = []
    for start, end in current_calendar().office_hours.sessions:
        t, close = datetime.combine(day, start, VN_TZ), datetime.combine(day, end, VN_TZ)
        while t + step <= close:
            slots.append((t, t + step))
            t += step
    return slots


def _booked(service: Service, first: datetime, last: datetime) -> Tally:
    return Tally(Appointment.objects.filter(service=service, cancelled_at__isnull=True,
                                            starts_at__gte=first, starts_at__lte=last)
                 .values_list("starts_at", flat=True))


def slots(service: Service, day: date, at: datetime | None = None) -> list[Slot]:
    """The slots of `day` still open for booking at `at` (not yet within the lead time), with places left or not."""
    at = at or timezone.now()
    if service.booking_capacity <= 0 or not service.active or day not in booking_days(at):
        return []
    times = [(s, e) for s, e in slot_starts(service, day) if s - lead() >= at]
    if not times:
        return []
    booked = _booked(service, times[0][0], times[-1][0])
    return [Slot(s, e, service.booking_capacity, booked.get(s, 0)) for s, e in times]


def first_free_days(service: Service, at: datetime | None = None) -> list[tuple[date, int]]:
    """Each bookable day with the number of places left on it (0: full), for the day picker; today only while a
    time of it is still open for booking."""
    at = at or timezone.now()
    days = []
    for day in booking_days(at):
        open_slots = slots(service, day, at)
        if open_slots:
            days.append((day, sum(s.free for s in open_slots)))
    return days


def slot_of(service: Service, starts_at: datetime, at: datetime | None = None) -> Slot | None:
    """The open slot starting at `starts_at`, or None when no slot starts then or it is closed for booking."""
    local = starts_at.astimezone(VN_TZ)
    return next((s for s in slots(service, local.date(), at) if s.starts_at == starts_at), None)

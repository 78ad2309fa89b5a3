"""Booking a visit online: the days and times offered (working days of the province's calendar, office sessions,
the lead time), the capacity of a slot, the limits per phone number, the text with the code, cancelling, the
check-in at the board on the day, and the phone number erased once the day has passed."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection  # noqa: F401 - read by the skipif condition

from lienthong.accounts.models import AuditEvent
from lienthong.hall import booking
from lienthong.hall import services as hall
from lienthong.hall.errors import HallError
from lienthong.hall.models import Appointment, Ticket
from lienthong.notify.models import Message
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

# The suite's clock: Tuesday 1 December 2026, 00:36 in Việt Nam.
TUE, WED = date(2026, 12, 1), date(2026, 12, 2)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), VN_TZ)


def bookable(service, capacity: int):
    service.booking_capacity = capacity
    service.save()
    return service


@pytest.fixture
def a(services):
    """Civil status (A), two citizens per slot."""
    return bookable(services[0], capacity=2)


def test_days_are_the_next_working_days_of_the_calendar(a, settings):
    from lienthong.onestop.models import DayOff, DaySwap

    settings.HALL_BOOKING_DAYS = 6
    assert booking.booking_days() == [TUE, WED, date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 7),
                                      date(2026, 12, 8)]
    DayOff.objects.create(date=date(2026, 12, 3), kind=DayOff.Kind.DISASTER, note="Bão")
    DaySwap.objects.create(date=date(2026, 12, 5), kind=DaySwap.Kind.WORKING, note="Làm bù")
    assert booking.booking_days() == [TUE, WED, date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 7),
                                      date(2026, 12, 8)]
    assert booking.slots(a, date(2026, 12, 3)) == []  # the storm's day off: nothing to book
    assert booking.slots(a, date(2026, 12, 6)) == []  # a Sunday


def test_slots_fill_the_office_sessions(a):
    slots = booking.slots(a, WED)
    starts = [s.local_start.strftime("%H:%M") for s in slots]
    # 07:00–11:30 and 13:30–17:00 in half hours; a slot ends within its session
    assert starts[0] == "07:00" and starts[-1] == "16:30" and "11:00" in starts and "11:30" not in starts
    assert "13:30" in starts and "12:00" not in starts
    assert len(slots) == 9 + 7 and all(s.free == 2 and s.capacity == 2 for s in slots)


def test_a_slot_closes_an_hour_before_it_starts(a):
    now = at(WED, 9, 10)
    starts = [s.local_start.strftime("%H:%M") for s in booking.slots(a, WED, now)]
    assert starts[0] == "10:30"  # 10:00 starts in 50 minutes
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, a, at(WED, 10), "0912345678", at=now)
    assert e.value.code == "slot_closed"


def test_a_service_without_capacity_is_not_booked(services):
    b = services[1]
    assert booking.slots(b, WED) == [] and b not in booking.bookable_services()
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, b, at(WED, 8), "0912345678")
    assert e.value.code == "no_booking"


def test_booking_gives_a_code_texts_it_and_fills_the_slot(a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = hall.book_appointment(None, a, at(WED, 8), "0912 345 678")
    assert first.code.startswith("LH") and len(first.code) == 8
    assert set(first.code[2:]) <= set(booking.CODE_ALPHABET)
    assert first.phone == "0912345678" and first.starts_at == at(WED, 8)
    text = Message.objects.get(ref=f"hall:booking:{first.code}")
    assert text.recipients == ["0912345678"] and first.code in text.body and "08:00" in text.body
    assert "02/12/2026" in text.body and f"/sanh/dat-lich/lich/{first.token}/" in text.body
    hall.book_appointment(None, a, at(WED, 8), "0987654321")
    slot = booking.slot_of(a, at(WED, 8))
    assert slot.booked == 2 and slot.free == 0
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, a, at(WED, 8), "0911111111")
    assert e.value.code == "slot_full" and e.value.field == "starts_at"
    assert Appointment.objects.count() == 2
    assert dict(booking.first_free_days(a))[WED] == 16 * 2 - 2


def test_the_booking_is_audited_without_the_phone_number(a):
    appointment = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    event = AuditEvent.objects.get(object_type="hall_appointment", object_id=str(appointment.pk))
    assert appointment.code in event.summary and event.detail["phone"] == "091****678"
    assert "0912345678" not in str(event.detail) + event.summary


@pytest.mark.parametrize("start", [at(WED, 8, 10), at(WED, 12), at(WED, 17), at(date(2026, 12, 5), 8),
                                   at(date(2026, 12, 31), 8)])
def test_only_the_offered_times_are_booked(a, start):
    """Not a slot's start, the lunch break, after closing, a Saturday, beyond the days offered."""
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, a, start, "0912345678")
    assert e.value.code == "slot_closed"


@pytest.mark.parametrize("phone", ["", "12345", "0912abc678", "+84 912 345 678 999 999"])
def test_a_phone_number_is_needed(a, phone):
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, a, at(WED, 8), phone)
    assert e.value.code == "bad_phone"


def test_one_visit_per_service_and_day_and_a_few_in_all_per_phone(a, services, settings):
    settings.HALL_BOOKING_PER_PHONE = 2
    hall.book_appointment(None, a, at(WED, 8), "0912345678")
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, a, at(WED, 14), "0912345678")
    assert e.value.code == "already_booked"
    hall.book_appointment(None, a, at(date(2026, 12, 3), 8), "0912345678")
    with pytest.raises(HallError) as e:
        hall.book_appointment(None, a, at(date(2026, 12, 4), 8), "0912345678")
    assert e.value.code == "too_many_bookings" and "2" in e.value.message


def test_cancelling_frees_the_slot_and_erases_the_number(a):
    appointment = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    hall.book_appointment(None, a, at(WED, 8), "0987654321")
    hall.cancel_appointment(None, appointment)
    appointment.refresh_from_db()
    assert appointment.cancelled_at is not None and appointment.phone == ""
    assert booking.slot_of(a, at(WED, 8)).free == 1
    with pytest.raises(HallError) as e:
        hall.cancel_appointment(None, appointment)
    assert e.value.code == "booking_over"
    assert AuditEvent.objects.filter(object_type="hall_appointment", action="update").count() == 1


def test_booked_visit_checks_in_on_its_day_and_goes_first(a, centre, counters, centre_officer, clock):
    booked = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    clock.move_to(at(WED, 7, 40))
    walk_in = hall.take_ticket(centre, a)
    ticket = hall.check_in(centre, booked.code.lower()[:4] + " " + booked.code.lower()[4:])
    assert ticket.appointment_id == booked.pk
    with pytest.raises(HallError) as e:  # a visit is cancelled only before it is checked in
        hall.cancel_appointment(None, booked)
    assert e.value.code == "booking_over"
    hall.open_counter(centre_officer, counters[0], [a])
    clock.move_to(at(WED, 7, 52))  # due from ten minutes before 08:00
    assert hall.call_next(centre_officer).pk == ticket.pk
    assert Ticket.objects.get(pk=walk_in.pk).state == Ticket.State.WAITING


def test_a_booking_cannot_check_in_another_day(a, centre, clock):
    booked = hall.book_appointment(None, a, at(date(2026, 12, 3), 8), "0912345678")
    clock.move_to(at(WED, 9))
    with pytest.raises(HallError) as e:
        hall.check_in(centre, booked.code)
    assert e.value.code == "no_appointment"


def test_past_days_phone_numbers_are_erased(a, clock):
    kept = hall.book_appointment(None, a, at(date(2026, 12, 3), 8), "0987654321")
    gone = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    clock.move_to(at(WED, 18))
    assert hall.erase_past_booking_phones(force=True) == 0  # the day has not passed yet
    clock.move_to(at(date(2026, 12, 3), 0, 5))
    assert hall.erase_past_booking_phones(force=True) == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.phone == "" and kept.phone == "0987654321"


def test_the_worker_step_erases_at_most_every_ten_minutes(a, clock, monkeypatch):
    from django.apps import apps

    hall.book_appointment(None, a, at(WED, 8), "0912345678")
    clock.move_to(at(date(2026, 12, 3), 7))
    monkeypatch.setattr(hall, "_last_erase", [float("-inf")])
    step = apps.get_app_config("hall").run_background_jobs
    assert step() == 1
    hall.book_appointment(None, a, at(date(2026, 12, 3), 9), "0911111111")
    clock.move_to(at(date(2026, 12, 4), 7))
    assert step() == 0  # paced: the next erasure waits for ERASE_EVERY seconds of the worker's own clock
    assert Appointment.objects.exclude(phone="").count() == 1


def test_codes_do_not_repeat(a, monkeypatch):
    codes = iter(["LHAAAAAA", "LHAAAAAA", "LHCCCCCC"])
    monkeypatch.setattr(hall, "_new_code", lambda: next(codes))
    first = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    second = hall.book_appointment(None, a, at(WED, 8), "0987654321")
    assert (first.code, second.code) == ("LHAAAAAA", "LHCCCCCC")


def test_the_lead_and_the_days_come_from_the_settings(a, settings):
    settings.HALL_BOOKING_LEAD_MINUTES = 24 * 60
    settings.HALL_BOOKING_DAYS = 2
    days = [d for d, _free in booking.first_free_days(a)]
    assert days == [WED]  # today is within the lead; Wednesday 07:00 is 30 hours away
    assert booking.slots(a, WED)[0].local_start.strftime("%H:%M") == "07:00"
    assert booking.slots(a, date(2026, 12, 3)) == []
    assert timedelta(minutes=settings.HALL_BOOKING_LEAD_MINUTES) == booking.lead()


@pytest.mark.skipif("connection.vendor != 'postgresql'")  # the SQLite test database is one in-memory connection
@pytest.mark.django_db(transaction=True)
def test_twelve_phones_at_once_never_overfill_a_slot(a, empties_the_audit_log_after):
    import threading

    from django.db import connections

    booked, refused, errors = [], [], []
    barrier = threading.Barrier(12)

    def citizen(n: int):
        try:
            barrier.wait()
            booked.append(hall.book_appointment(None, a, at(WED, 8), f"09123456{n:02d}").code)
        except HallError as exc:
            refused.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(booked) == 2 and refused == ["slot_full"] * 10
    assert Appointment.objects.filter(starts_at=at(WED, 8), cancelled_at__isnull=True).count() == 2


def test_one_state_for_the_page_the_list_and_the_api(a):
    """booking.state_of serves the confirmation page, the officers' list and the API alike."""
    booked = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    assert booking.state_of(booked, at(WED, 8, 20), checked_in=False) == "booked"  # within its half hour
    assert booking.state_of(booked, at(WED, 8, 31), checked_in=False) == "late"  # the board still takes it today
    assert booking.state_of(booked, at(date(2026, 12, 3), 7), checked_in=False) == "passed"
    assert booking.state_of(booked, at(WED, 8, 31), checked_in=True) == "checked_in"
    hall.cancel_appointment(None, booked)
    assert booking.state_of(booked, at(WED, 8, 31), checked_in=False) == "cancelled"

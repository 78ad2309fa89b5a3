"""The queue engine: numbering, call order, periods, transfers, concurrency of calls."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lienthong.hall import services as hall
from lienthong.hall.errors import HallError
from lienthong.hall.models import Appointment, HallEvent, HallRating, Ticket, TicketPeriod
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 2, 7, 30, tzinfo=VN_TZ)


def test_numbers_run_per_letter_and_restart_each_day(centre, services):
    a, b = services
    t1 = hall.take_ticket(centre, a, at=MORNING)
    t2 = hall.take_ticket(centre, a, at=MORNING + timedelta(minutes=1))
    t3 = hall.take_ticket(centre, b, at=MORNING + timedelta(minutes=2))
    assert [t1.code, t2.code, t3.code] == ["A001", "A002", "B001"]
    tomorrow = hall.take_ticket(centre, a, at=MORNING + timedelta(days=1))
    assert tomorrow.code == "A001" and tomorrow.day == (MORNING + timedelta(days=1)).date()


def test_the_day_is_vietnams_day(centre, services):
    a, _ = services
    # 23:30 UTC on 1 December is 06:30 on 2 December in Việt Nam.
    t = hall.take_ticket(centre, a, at=datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert t.day.isoformat() == "2026-12-02"


def test_a_ticket_of_another_centre_is_refused(centre, other_centre, services):
    with pytest.raises(HallError) as err:
        hall.take_ticket(other_centre, services[0], at=MORNING)
    assert err.value.code == "bad_service"


def test_call_order_priority_then_due_appointments_then_first_come(centre, services, counters, centre_officer,
                                                                    elderly):
    a, _ = services
    first = hall.take_ticket(centre, a, at=MORNING)
    appt = Appointment.objects.create(agency=centre, service=a, code="HEN123", starts_at=MORNING + timedelta(hours=1),
                                      booked_at=MORNING - timedelta(days=1))
    booked = hall.check_in(centre, "hen 123", at=MORNING + timedelta(minutes=1))  # early: not due yet
    second = hall.take_ticket(centre, a, at=MORNING + timedelta(minutes=2))
    old = hall.take_ticket(centre, a, priority=elderly, at=MORNING + timedelta(minutes=3))
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    order = [hall.call_next(centre_officer, at=MORNING + timedelta(minutes=5 + i * 10)).code for i in range(1)]
    assert order == [old.code]  # the elderly citizen first, though last in
    ticket = Ticket.objects.get(pk=old.pk)
    hall.finish(centre_officer, ticket, at=MORNING + timedelta(minutes=6))
    assert hall.call_next(centre_officer, at=MORNING + timedelta(minutes=7)).code == first.code
    hall.finish(centre_officer, Ticket.objects.get(pk=first.pk), at=MORNING + timedelta(minutes=8))
    # 08:25: the 08:30 appointment is due (10 minutes early at most) and goes before the ticket taken earlier.
    assert hall.call_next(centre_officer, at=appt.starts_at - timedelta(minutes=5)).code == booked.code
    hall.finish(centre_officer, Ticket.objects.get(pk=booked.pk), at=appt.starts_at)
    assert hall.call_next(centre_officer, at=appt.starts_at).code == second.code


def test_an_appointment_checks_in_once(centre, services):
    a, _ = services
    Appointment.objects.create(agency=centre, service=a, code="HEN777", starts_at=MORNING + timedelta(hours=2),
                               booked_at=MORNING)
    hall.check_in(centre, "HEN777", at=MORNING)
    with pytest.raises(HallError) as err:
        hall.check_in(centre, "HEN777", at=MORNING)
    assert err.value.code == "appointment_used"
    with pytest.raises(HallError) as err:
        hall.check_in(centre, "NOPE", at=MORNING)
    assert err.value.code == "no_appointment"


def test_periods_give_the_wait_and_the_service_time(centre, services, counters, centre_officer):
    a, _ = services
    t = hall.take_ticket(centre, a, at=MORNING)
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING + timedelta(minutes=12))
    hall.start(centre_officer, t, at=MORNING + timedelta(minutes=13))
    hall.finish(centre_officer, t, at=MORNING + timedelta(minutes=20))
    states = list(TicketPeriod.objects.filter(ticket=t).order_by("started_at", "id").values_list("state", flat=True))
    assert states == ["waiting", "called", "serving", "done"]
    assert not TicketPeriod.objects.filter(ticket=t, ended_at__isnull=True).exists()
    times = hall.times_of(Ticket.objects.get(pk=t.pk))
    assert times.waited == timedelta(minutes=12) and times.served == timedelta(minutes=7)


def test_two_counters_never_call_the_same_ticket(centre, services, counters, centre_officer, second_officer):
    a, _ = services
    t1 = hall.take_ticket(centre, a, at=MORNING)
    t2 = hall.take_ticket(centre, a, at=MORNING + timedelta(seconds=5))
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    hall.open_counter(second_officer, counters[1], [a], at=MORNING)
    got = {hall.call_next(centre_officer, at=MORNING + timedelta(minutes=1)).pk,
           hall.call_next(second_officer, at=MORNING + timedelta(minutes=1)).pk}
    assert got == {t1.pk, t2.pk}
    with pytest.raises(HallError) as err:
        hall.call_next(centre_officer, at=MORNING + timedelta(minutes=2))
    assert err.value.code == "queue_empty"


def test_a_counter_is_one_officers_and_an_officer_has_one_counter(centre, services, counters, centre_officer,
                                                                   second_officer):
    a, b = services
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    with pytest.raises(HallError) as err:
        hall.open_counter(second_officer, counters[0], [a], at=MORNING)
    assert err.value.code == "counter_busy"
    with pytest.raises(HallError) as err:
        hall.open_counter(centre_officer, counters[1], [a], at=MORNING)
    assert err.value.code == "already_open"
    session = hall.open_counter(centre_officer, counters[0], [a, b], at=MORNING)  # same counter: services change
    assert set(session.services.values_list("letter", flat=True)) == {"A", "B"}


def test_an_officer_of_another_commune_cannot_open_a_counter(centre, services, counters, make_user):
    stranger = make_user("tn_phuquoc", "centre", communes=("31078",))
    with pytest.raises(HallError) as err:
        hall.open_counter(stranger, counters[0], [services[0]], at=MORNING)
    assert err.value.code == "not_allowed"


def test_a_counter_serves_only_its_services(centre, services, counters, centre_officer):
    a, b = services
    hall.take_ticket(centre, b, at=MORNING)
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    with pytest.raises(HallError):
        hall.call_next(centre_officer, at=MORNING)


def test_transfer_to_a_counter_goes_first_there_and_keeps_the_number(centre, services, counters, centre_officer,
                                                                     second_officer):
    a, b = services
    t = hall.take_ticket(centre, a, at=MORNING)
    waiting_b = hall.take_ticket(centre, b, at=MORNING - timedelta(minutes=30))
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    hall.open_counter(second_officer, counters[1], [b], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING + timedelta(minutes=1))
    hall.transfer(centre_officer, t, service=b, counter=counters[1], at=MORNING + timedelta(minutes=2))
    t.refresh_from_db()
    assert (t.state, t.code, t.service_id) == ("waiting", "A001", b.pk)
    assert hall.call_next(second_officer, at=MORNING + timedelta(minutes=3)).pk == t.pk
    hall.finish(second_officer, Ticket.objects.get(pk=t.pk), at=MORNING + timedelta(minutes=4))
    assert hall.call_next(second_officer, at=MORNING + timedelta(minutes=5)).pk == waiting_b.pk


def test_recall_no_show_and_the_display_feed(centre, services, counters, centre_officer):
    a, _ = services
    hall.take_ticket(centre, a, at=MORNING)
    hall.open_counter(centre_officer, counters[2], [a], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING + timedelta(minutes=1))
    hall.recall(centre_officer, t, at=MORNING + timedelta(minutes=2))
    hall.no_show(centre_officer, Ticket.objects.get(pk=t.pk), at=MORNING + timedelta(minutes=4))
    t.refresh_from_db()
    assert (t.state, t.calls) == ("no_show", 2)
    calls = list(HallEvent.objects.filter(ticket=t).exclude(kind="queue").values_list("kind", "text"))
    assert calls == [("call", "Mời số A001 đến quầy số 3"), ("recall", "Mời số A001 đến quầy số 3")]


def test_only_the_calling_counter_may_act_on_a_ticket(centre, services, counters, centre_officer, second_officer):
    a, _ = services
    hall.take_ticket(centre, a, at=MORNING)
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    hall.open_counter(second_officer, counters[1], [a], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING)
    with pytest.raises(HallError) as err:
        hall.finish(second_officer, t, at=MORNING)
    assert err.value.code == "not_yours"
    assert Ticket.objects.get(pk=t.pk).state == "called"


def test_rating_once_after_the_service(centre, services, counters, centre_officer):
    a, _ = services
    hall.take_ticket(centre, a, at=MORNING)
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING)
    with pytest.raises(HallError):
        hall.rate(t, 1)
    hall.finish(centre_officer, t, at=MORNING + timedelta(minutes=5))
    t.refresh_from_db()
    with pytest.raises(HallError) as err:
        hall.rate(t, 5)
    assert err.value.code == "bad_level"
    r = hall.rate(t, HallRating.Level.SATISFIED, "  nhanh  ")
    assert (r.level, r.reason) == (2, "nhanh")
    with pytest.raises(HallError) as err:
        hall.rate(t, 1)
    assert err.value.code == "already_rated"


def test_position_and_waiting_counts(centre, services, elderly):
    a, b = services
    t1 = hall.take_ticket(centre, a, at=MORNING)
    t2 = hall.take_ticket(centre, a, at=MORNING + timedelta(minutes=1))
    hall.take_ticket(centre, b, at=MORNING + timedelta(minutes=1))
    assert (hall.position(t1, MORNING), hall.position(t2, MORNING)) == (1, 2)
    hall.take_ticket(centre, a, priority=elderly, at=MORNING + timedelta(minutes=2))
    assert hall.position(t1, MORNING) == 2
    assert hall.waiting_by_service(centre, MORNING) == {a.pk: 3, b.pk: 1}


def test_the_phone_number_is_checked_and_erased_when_the_ticket_ends(centre, services, counters, centre_officer):
    a, _ = services
    t = hall.take_ticket(centre, a, at=MORNING)
    with pytest.raises(HallError):
        hall.set_phone(t, "12ab")
    hall.set_phone(t, "0912 345 678")
    assert Ticket.objects.get(pk=t.pk).phone == "0912345678"
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING)
    hall.finish(centre_officer, t, at=MORNING)
    assert Ticket.objects.get(pk=t.pk).phone == ""


def test_priority_groups_are_data():
    from lienthong.hall.models import PriorityGroup

    assert set(PriorityGroup.objects.values_list("code", flat=True)) >= {"elderly", "disability", "pregnant", "merit"}


def test_a_citizen_sent_to_a_counter_is_called_there_whatever_its_services(centre, services, counters,
                                                                          centre_officer, second_officer):
    a, b = services
    hall.take_ticket(centre, a, at=MORNING)
    hall.open_counter(centre_officer, counters[0], [a], at=MORNING)
    hall.open_counter(second_officer, counters[1], [b], at=MORNING)
    t = hall.call_next(centre_officer, at=MORNING + timedelta(minutes=1))
    hall.transfer(centre_officer, t, counter=counters[1], at=MORNING + timedelta(minutes=2))  # still service A
    assert hall.call_next(second_officer, at=MORNING + timedelta(minutes=3)).pk == t.pk

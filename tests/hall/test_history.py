"""The hall's history generator: deterministic for a seed, written through the engine or in bulk with the same
rows, and realistic (office hours, working days, peaks, short certification and long civil status, no-shows,
priority tickets and appointments, ratings)."""
from __future__ import annotations

from collections import Counter as Tally
from datetime import date, time
from statistics import median

import pytest

from lienthong.hall import history
from lienthong.hall.models import Appointment, CounterSession, DailyTicketSequence, HallEvent, HallRating, Ticket, TicketPeriod
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

BEFORE = date(2026, 12, 1)


@pytest.fixture
def hall(centre):
    """The demo hall's services A–E, counters 1–8 and board, at the test centre (the demo's agency code)."""
    from lienthong.hall.demo import setup_hall

    setup_hall(history_days=0)
    return centre


def _letters_counters(agency):
    from lienthong.hall.models import Counter, Service

    return (list(Service.objects.filter(agency=agency).values_list("letter", flat=True)),
            list(Counter.objects.filter(agency=agency).values_list("number", flat=True)))


def _days(n):
    return history.working_days(n, BEFORE)


def test_the_plan_is_the_same_for_a_seed_and_differs_for_another(hall):
    letters, counters = _letters_counters(hall)
    days = _days(3)
    one = history.simulate(days, letters, counters, seed=7)
    again = history.simulate(days, letters, counters, seed=7)
    other = history.simulate(days, letters, counters, seed=8)
    assert one.actions == again.actions and one.appointments == again.appointments
    assert one.actions != other.actions


def _snapshot(agency):
    """The hall's rows, without ids and tokens, in a form two runs can be compared by."""
    tickets = [(t.day, t.code, t.service.letter, t.state, t.priority_id, t.appointment.code if t.appointment else "",
                t.taken_at, t.queued_at, t.counter.number if t.counter else None,
                t.officer.username if t.officer else "", t.calls, t.print_state, t.device_id, t.phone)
               for t in Ticket.objects.filter(agency=agency).select_related("service", "counter", "officer",
                                                                            "appointment").order_by("pk")]
    periods = [(p.ticket.code, p.ticket.day, p.state, p.service.letter, p.counter.number if p.counter else None,
                p.officer.username if p.officer else "", p.started_at, p.ended_at)
               for p in TicketPeriod.objects.filter(ticket__agency=agency)
               .select_related("ticket", "service", "counter", "officer").order_by("ticket_id", "started_at", "id")]
    events = [(e.at, e.kind, e.ticket.code, e.counter.number if e.counter else None, e.text)
              for e in HallEvent.objects.filter(agency=agency).select_related("ticket", "counter").order_by("id")]
    sessions = sorted((s.counter.number, s.officer.username, s.opened_at, s.closed_at,
                       "".join(sorted(x.letter for x in s.services.all())))
                      for s in CounterSession.objects.filter(counter__agency=agency).select_related("counter", "officer"))
    ratings = sorted((r.ticket.day, r.ticket.code, r.level, r.reason, r.at)
                     for r in HallRating.objects.filter(ticket__agency=agency).select_related("ticket"))
    sequences = sorted(DailyTicketSequence.objects.filter(service__agency=agency)
                       .values_list("service__letter", "day", "last"))
    appointments = sorted(Appointment.objects.filter(agency=agency)
                          .values_list("code", "service__letter", "starts_at", "booked_at"))
    return {"tickets": tickets, "periods": periods, "events": events, "sessions": sessions, "ratings": ratings,
            "sequences": sequences, "appointments": appointments}


def _erase(agency):
    HallRating.objects.filter(ticket__agency=agency).delete()
    HallEvent.objects.filter(agency=agency).delete()
    Ticket.objects.filter(agency=agency).delete()
    CounterSession.objects.filter(counter__agency=agency).delete()
    DailyTicketSequence.objects.filter(service__agency=agency).delete()
    Appointment.objects.filter(agency=agency).delete()


def test_the_bulk_writer_writes_exactly_what_the_engine_writes(hall):
    """Two days (a small volume, to keep the engine's run short) through the engine, then in bulk: the same
    tickets, periods, events, sessions, ratings, sequences and appointments. The engine writer also checks that
    every call_next called the citizen the plan expected, so the simulation's call order is the engine's."""
    done = history.generate(hall, 2, before=BEFORE, volume=0.3, seed=11, writer=history.EngineWriter())
    assert done.tickets > 80
    by_engine = _snapshot(hall)
    assert by_engine["periods"] and by_engine["ratings"] and by_engine["appointments"]
    _erase(hall)
    history.generate(hall, 2, before=BEFORE, volume=0.3, seed=11, writer=history.BulkWriter())
    in_bulk = _snapshot(hall)
    for key in by_engine:
        assert in_bulk[key] == by_engine[key], key


def test_a_second_run_adds_nothing(hall):
    first = history.generate(hall, 2, before=BEFORE, volume=0.5)
    assert first.days == 2 and first.tickets > 0
    again = history.generate(hall, 2, before=BEFORE, volume=0.5)
    assert (again.days, again.tickets) == (0, 0)
    assert Ticket.objects.filter(agency=hall).count() == first.tickets


def _minutes(a, b):
    return (b - a).total_seconds() / 60


def test_twenty_days_look_like_a_hall(hall):
    done = history.generate(hall, 20, before=BEFORE)
    assert done.days == 20 and 3000 < done.tickets < 5000
    days = sorted(set(Ticket.objects.filter(agency=hall).values_list("day", flat=True)))
    assert days == _days(20)
    assert all(d.weekday() < 5 for d in days)  # December 2026: no swap, no holiday but weekends
    tickets = list(Ticket.objects.filter(agency=hall).select_related("service"))
    # Every ticket ended: served or absent; none waits overnight.
    states = Tally(t.state for t in tickets)
    assert set(states) == {Ticket.State.DONE, Ticket.State.NO_SHOW}
    assert 0.015 < states[Ticket.State.NO_SHOW] / len(tickets) < 0.05
    # Tickets are taken inside office hours, most in the peaks.
    hours = Tally(t.taken_at.astimezone(VN_TZ).hour for t in tickets)
    assert not set(hours) - {7, 8, 9, 10, 11, 13, 14, 15, 16}
    for t in tickets:
        local = t.taken_at.astimezone(VN_TZ).time()
        assert time(7) <= local < time(11, 30) or time(13, 30) <= local < time(17)
    assert hours[8] + hours[9] > 2.5 * (hours[7] + hours[11])
    assert hours[14] > hours[16] and hours[14] > hours[13]
    # Certification is short, civil status long (periods of service, derived).
    serving = TicketPeriod.objects.filter(ticket__agency=hall, state=Ticket.State.SERVING)
    by_service = {}
    for p in serving.select_related("service"):
        by_service.setdefault(p.service.letter, []).append(_minutes(p.started_at, p.ended_at))
    assert median(by_service["B"]) < 4.5 < 9 < median(by_service["A"])
    assert median(by_service["D"]) > median(by_service["C"])
    # Priority tickets and appointments exist; priority ones wait less.
    assert 0.02 < sum(1 for t in tickets if t.priority_id) / len(tickets) < 0.09
    assert Appointment.objects.filter(agency=hall).count() == sum(1 for t in tickets if t.appointment_id) > 10
    # About half rate, mostly satisfied; every rating is of a served ticket.
    ratings = list(HallRating.objects.filter(ticket__agency=hall).select_related("ticket"))
    served = states[Ticket.State.DONE]
    assert 0.45 < len(ratings) / served < 0.65
    assert all(r.ticket.state == Ticket.State.DONE for r in ratings)
    levels = Tally(r.level for r in ratings)
    assert levels[1] > levels[2] > levels[3] > levels[4] > 0
    # Counters open and close every session; the flexible counter only in the peaks; no session is left open.
    sessions = list(CounterSession.objects.filter(counter__agency=hall).select_related("counter"))
    assert all(s.closed_at is not None and s.closed_at > s.opened_at for s in sessions)
    flex = [s for s in sessions if s.counter.number == history.FLEX_COUNTER]
    assert flex and all(time(8) <= s.opened_at.astimezone(VN_TZ).time() < time(8, 10)
                        or time(14) <= s.opened_at.astimezone(VN_TZ).time() < time(14, 10) for s in flex)
    # Waits are real: some citizens wait long in the morning peak, most not.
    waits = []
    for t in tickets:
        call = min((p.started_at for p in t.periods.all() if p.state == Ticket.State.CALLED), default=None)
        waits.append(_minutes(t.taken_at, call))
    waits.sort()
    assert waits[len(waits) // 2] < 5 and waits[int(len(waits) * 0.95)] > 10 and waits[-1] > 40


def test_demo_setup_hall_gets_twenty_working_days(centre, clock):
    from lienthong.hall.demo import setup_hall

    clock.move_to("2026-12-02T09:00:00+07:00")
    hall = setup_hall()
    assert hall.history_days == 20 and hall.history_tickets > 3000
    days = sorted(set(Ticket.objects.filter(agency=centre).values_list("day", flat=True)))
    assert len(days) == 20 and days[-1] == date(2026, 12, 1)  # today is left for the demo's own tickets
    # Four weeks and a day back: 24 November, Vietnamese Culture Day, is a day off (the holidays package).
    assert days[0] == date(2026, 11, 3) and date(2026, 11, 24) not in days

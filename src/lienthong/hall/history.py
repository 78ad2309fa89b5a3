"""A realistic history of a centre's hall: N working days of citizens taking tickets, counters opening and closing,
officers calling, serving, marking no-shows, citizens rating — for the demo, the statistics page and the learned
wait estimate (which must be learned from *something* the day the demo starts).

The day is simulated first, as a plan of actions (`simulate`: deterministic for a seed), then written by one of
two writers that produce the same rows:

- `EngineWriter` drives the real engine (services.take_ticket / check_in / open_counter / call_next / recall /
  start / finish / no_show / rate / close_counter, each with its `at=`) and checks that every call_next calls the
  citizen the plan expected (the simulation applies the engine's call order: priority groups, due appointments,
  first come);
- `BulkWriter` writes the same tickets, periods, sessions, events, sequences and ratings with bulk_create, as the
  engine writes them (tests/hall/test_history.py compares both writers' rows), for `lienthong demo-setup`: the
  engine costs ~30 queries and two audit events per ticket, which is too slow for 20 days of ~150 tickets in a
  demo that must be quick. The bulk writer writes no audit events: the history is demo data, not officers' acts.

What is simulated (all in Asia/Ho_Chi_Minh, on the working days of the centre's calendar, within
settings.OFFICE_HOURS): arrivals by hour of day (morning peak 8–10 h, afternoon 14–15 h; Mondays busier, Fridays
quieter), per service shares and lognormal service times (certification short, civil status and household
business long; officers at their own pace; a little faster in the peaks), counters opening a few minutes late,
staying until their queue is empty at the end of a session, a flexible counter opened for the peaks, a counter
now and then closed for a morning; ~3 % no-shows (called, called again, not come), ~5 % priority tickets,
appointments booked online checked in at the board, and about half of the citizens rating the service.
"""
from __future__ import annotations

import heapq
import math
import random
import secrets
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction

from lienthong.workdays import VN_TZ

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

# letter: (share of the day's tickets, median minutes at the counter, lognormal sigma)
SERVICE_PROFILES = {
    "A": (0.30, 11.0, 0.45),  # civil status (birth, marriage, death): forms checked with the citizen
    "B": (0.35, 3.2, 0.40),  # certification of copies and signatures: short
    "C": (0.16, 8.0, 0.45),  # residence
    "D": (0.08, 14.0, 0.50),  # household business: the longest
    "E": (0.11, 6.0, 0.55),  # help with online submission (the youth volunteers' desk)
}
DEFAULT_PROFILE = (0.10, 8.0, 0.5)
# Relative arrival rate by the hour the ticket is taken (local time).
HOURLY_ARRIVALS = {7: 0.8, 8: 1.7, 9: 1.6, 10: 1.0, 11: 0.5, 12: 0.2, 13: 0.6, 14: 1.4, 15: 1.1, 16: 0.5}
WEEKDAY_VOLUME = {0: 1.2, 1: 1.0, 2: 1.0, 3: 0.95, 4: 0.9, 5: 0.6, 6: 0.5}  # a make-up Saturday is quiet
# Officers hurry a little when the hall is full.
HOURLY_PACE = {8: 0.92, 9: 0.92, 14: 0.95, 16: 1.08}
# counter number: services (letters) it handles; the last one is the flexible counter opened for the peaks.
COUNTER_PLAN = {1: "A", 2: "A", 3: "B", 4: "BC", 5: "C", 6: "D", 7: "E", 8: "AB"}
FLEX_COUNTER = 8
FLEX_HOURS = ((time(8, 0), time(10, 45)), (time(14, 0), time(15, 45)))
PRIORITY_SHARE = 0.05
PRIORITY_MIX = (("elderly", 0.6), ("disability", 0.15), ("pregnant", 0.15), ("merit", 0.10))
APPOINTMENT_SHARE = {"A": 0.06, "D": 0.12}  # of the service's tickets: booked online, checked in at the board
NO_SHOW_SHARE = 0.03
RATING_SHARE = 0.55
RATING_LEVELS = ((1, 0.50), (2, 0.33), (3, 0.12), (4, 0.05))
UNHAPPY_REASONS = ("Chờ lâu", "Hướng dẫn chưa rõ ràng", "Phải bổ sung giấy tờ nhiều lần")
KIOSK_CLOSES_BEFORE = 10  # minutes before the end of a session the board stops giving tickets
RECALL_AFTER = 90  # seconds: an officer calls a citizen who has not come once more…
NO_SHOW_AFTER = 180  # …and marks them absent after this long
# The officers of the history (role "centre" in the centre's commune; no password: they never log in). The demo's
# receiving officer works at counter 1.
OFFICERS = (
    ("tn_rachgia", ""),
    ("sanh_rachgia_2", "Trần Thị Mai"),
    ("sanh_rachgia_3", "Lê Văn Hùng"),
    ("sanh_rachgia_4", "Phạm Thị Thu"),
    ("sanh_rachgia_5", "Huỳnh Văn Lộc"),
    ("sanh_rachgia_6", "Võ Thị Ngọc"),
    ("sanh_rachgia_7", "Đặng Minh Tâm"),
    ("sanh_rachgia_8", "Nguyễn Thanh Phong"),
)


# --- the plan ------------------------------------------------------------------------------------------------
@dataclass
class PlannedTicket:
    ref: int
    day: date
    service: str  # letter
    taken: int  # seconds after local midnight
    priority: str = ""  # priority group code
    appointment: int | None = None  # index into Plan.appointments
    state: str = S.WAITING
    number: int = 0
    counter: int | None = None
    officer: str = ""
    calls: int = 0
    called: int | None = None


@dataclass(frozen=True)
class PlannedAppointment:
    code: str
    day: date
    service: str
    starts: int  # seconds after local midnight
    booked_at: datetime


@dataclass(frozen=True)
class Action:
    """One step of the day, in the order it happens: kind is take, open, close, call, recall, start, finish,
    no_show or rate; `at` in seconds after the local midnight of `day`."""

    day: date
    at: int
    kind: str
    ticket: int | None = None  # PlannedTicket.ref
    counter: int | None = None
    officer: str = ""
    services: str = ""  # letters, for open
    level: int = 0
    reason: str = ""

    @property
    def when(self) -> datetime:
        return datetime.combine(self.day, time(0), VN_TZ) + timedelta(seconds=self.at)


@dataclass
class Plan:
    days: list[date]
    tickets: list[PlannedTicket] = field(default_factory=list)
    appointments: list[PlannedAppointment] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _pick(rng: random.Random, weighted) -> str:
    x, total = rng.random() * sum(w for _, w in weighted), 0.0
    for value, w in weighted:
        total += w
        if x < total:
            return value
    return weighted[-1][0]


@dataclass
class _Counter:
    number: int
    letters: str
    officer: str
    pace: float
    open: bool = False
    busy: bool = False
    close_at: int | None = None
    hard_close: bool = False
    ready_pending: bool = False


class _Day:
    """The discrete-event simulation of one working day; appends its actions to the plan."""

    def __init__(self, plan: Plan, day: date, rng: random.Random, letters: list[str], sessions, *, volume: float,
                 grace: int, officers: dict[int, tuple[str, float]]):
        self.plan, self.day, self.rng, self.letters, self.grace = plan, day, rng, letters, grace
        self.sessions = [(_seconds(a), _seconds(b)) for a, b in sessions]
        self.queue: list[PlannedTicket] = []
        self.events: list = []
        self.seq = 0
        self.numbers: dict[str, int] = defaultdict(int)
        self.counters = {n: _Counter(n, "".join(x for x in plan_letters if x in letters), *officers[n])
                         for n, plan_letters in COUNTER_PLAN.items()
                         if n in officers and any(x in letters for x in plan_letters)}
        served = {x for c in self.counters.values() for x in c.letters}
        self.letters = [x for x in letters if x in served]  # a service no counter takes gets no ticket
        self.volume = volume

    # scheduling
    def at(self, t: int, kind: str, *data) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, self.seq, kind, data))

    def act(self, t: int, kind: str, **kw) -> None:
        self.plan.actions.append(Action(self.day, t, kind, **kw))

    def run(self) -> None:
        self._arrivals()
        self._staffing()
        while self.events:
            t, _seq, kind, data = heapq.heappop(self.events)
            getattr(self, f"_on_{kind}")(t, *data)

    # the day's citizens
    def _rate(self, t: int) -> float:
        return HOURLY_ARRIVALS.get(t // 3600, 0.3)

    def _arrivals(self) -> None:
        rng = self.rng
        shares = [(x, SERVICE_PROFILES.get(x, DEFAULT_PROFILE)[0]) for x in self.letters]
        per_day = 195 * self.volume * WEEKDAY_VOLUME[self.day.weekday()] * math.exp(rng.gauss(0, 0.12))
        weight = sum(self._rate(t) for a, b in self.sessions for t in range(a, b - KIOSK_CLOSES_BEFORE * 60, 60))
        peak = max(HOURLY_ARRIVALS.values())
        top = per_day / max(weight, 1) * peak  # arrivals per minute at the peak rate
        for start, end in self.sessions:
            t = float(start)
            last = end - KIOSK_CLOSES_BEFORE * 60
            while True:
                t += rng.expovariate(top) * 60
                if t >= last:
                    break
                if rng.random() > self._rate(int(t)) / peak:
                    continue  # thinning: the hour's rate
                letter = _pick(rng, shares)
                ticket = PlannedTicket(len(self.plan.tickets), self.day, letter, int(t))
                if rng.random() < PRIORITY_SHARE:
                    ticket.priority = _pick(rng, PRIORITY_MIX)
                elif rng.random() < APPOINTMENT_SHARE.get(letter, 0):
                    # booked online for a half-hour slot; the citizen checks in up to half an hour before it
                    slot = -(-int(t) // 1800) * 1800
                    if slot > last:
                        slot = int(t) // 1800 * 1800
                    code = f"LS{self.day:%y%m%d}{len(self.plan.appointments) % 1000:03d}"
                    booked = (datetime.combine(self.day, time(0), VN_TZ) + timedelta(seconds=slot)
                              - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600)))
                    ticket.appointment = len(self.plan.appointments)
                    self.plan.appointments.append(PlannedAppointment(code, self.day, letter, slot, booked))
                self.plan.tickets.append(ticket)
                self.at(ticket.taken, "arrive", ticket)

    def _staffing(self) -> None:
        rng = self.rng
        absent = rng.choice([2, 4]) if rng.random() < 0.15 else None  # at a training, this morning
        for n, c in self.counters.items():
            for i, (start, end) in enumerate(self.sessions):
                if n == FLEX_COUNTER:
                    if i >= len(FLEX_HOURS):
                        continue
                    a, b = (_seconds(x) for x in FLEX_HOURS[i])
                    self.at(a + rng.randint(0, 300), "open", c, b, True)
                elif not (n == absent and i == 0):
                    self.at(start + rng.randint(0, 8 * 60), "open", c, end, False)

    # events
    def _on_arrive(self, t: int, ticket: PlannedTicket) -> None:
        self.numbers[ticket.service] += 1
        ticket.number = self.numbers[ticket.service]
        self.queue.append(ticket)
        self.act(t, "take", ticket=ticket.ref)
        for c in self.counters.values():
            if c.open and not c.busy and ticket.service in c.letters:
                self._ready_soon(c, t)

    def _ready_soon(self, c: _Counter, t: int) -> None:
        if not c.ready_pending:
            c.ready_pending = True
            self.at(t + self.rng.randint(5, 25), "ready", c)

    def _on_open(self, t: int, c: _Counter, close_at: int, hard: bool) -> None:
        c.open, c.busy, c.close_at, c.hard_close = True, False, close_at, hard
        self.act(t, "open", counter=c.number, officer=c.officer, services=c.letters)
        self.at(close_at, "closing", c)
        self._ready_soon(c, t)

    def _on_closing(self, t: int, c: _Counter) -> None:
        if c.open and not c.busy:
            self._on_ready(t, c, closing=True)

    def _next_for(self, c: _Counter, t: int) -> PlannedTicket | None:
        """The engine's call order (services.call_order): priority, then due appointments, then first come."""
        due = t + self.grace

        def rank(x: PlannedTicket):
            if x.priority:
                r = 1
            elif x.appointment is not None and self.plan.appointments[x.appointment].starts <= due:
                r = 2
            else:
                r = 3
            return (r, x.taken, x.ref)

        mine = [x for x in self.queue if x.service in c.letters]
        return min(mine, key=rank) if mine else None

    def _on_ready(self, t: int, c: _Counter, closing: bool = False) -> None:
        c.ready_pending = False
        if not c.open or c.busy:
            return
        past = c.close_at is not None and t >= c.close_at
        ticket = None if (past and c.hard_close) else self._next_for(c, t)
        if ticket is None:
            if past:
                c.open = False
                self.act(t, "close", counter=c.number, officer=c.officer)
            return
        self.queue.remove(ticket)
        c.busy = True
        ticket.state, ticket.counter, ticket.officer, ticket.calls, ticket.called = S.CALLED, c.number, c.officer, 1, t
        self.act(t, "call", ticket=ticket.ref, counter=c.number, officer=c.officer)
        rng = self.rng
        if rng.random() < NO_SHOW_SHARE:
            self.at(t + RECALL_AFTER, "recall", c, ticket)
            self.at(t + NO_SHOW_AFTER, "no_show", c, ticket)
            return
        walk = rng.randint(15, 75) if rng.random() < 0.93 else rng.randint(RECALL_AFTER + 10, NO_SHOW_AFTER - 10)
        if walk > RECALL_AFTER:
            self.at(t + RECALL_AFTER, "recall", c, ticket)
        _share, median, sigma = SERVICE_PROFILES.get(ticket.service, DEFAULT_PROFILE)
        pace = c.pace * HOURLY_PACE.get((t + walk) // 3600, 1.0)
        minutes = min(90.0, max(0.7, median * pace * math.exp(rng.gauss(0, sigma))))
        self.at(t + walk, "start", c, ticket)
        self.at(t + walk + int(minutes * 60), "finish", c, ticket)

    def _on_recall(self, t: int, c: _Counter, ticket: PlannedTicket) -> None:
        if ticket.state == S.CALLED:
            ticket.calls += 1
            self.act(t, "recall", ticket=ticket.ref, counter=c.number, officer=c.officer)

    def _on_start(self, t: int, c: _Counter, ticket: PlannedTicket) -> None:
        ticket.state = S.SERVING
        self.act(t, "start", ticket=ticket.ref, counter=c.number, officer=c.officer)

    def _free(self, t: int, c: _Counter) -> None:
        c.busy = False
        self._ready_soon(c, t)

    def _on_no_show(self, t: int, c: _Counter, ticket: PlannedTicket) -> None:
        ticket.state = S.NO_SHOW
        self.act(t, "no_show", ticket=ticket.ref, counter=c.number, officer=c.officer)
        self._free(t, c)

    def _on_finish(self, t: int, c: _Counter, ticket: PlannedTicket) -> None:
        ticket.state = S.DONE
        self.act(t, "finish", ticket=ticket.ref, counter=c.number, officer=c.officer)
        rng = self.rng
        if rng.random() < RATING_SHARE:
            waited = (ticket.called - ticket.taken) / 60
            levels = RATING_LEVELS if waited < 30 else ((1, 0.30), (2, 0.35), (3, 0.22), (4, 0.13))
            level = int(_pick(rng, levels))
            reason = rng.choice(UNHAPPY_REASONS) if level == 4 or (level == 3 and rng.random() < 0.3) else ""
            self.act(t + rng.randint(5, 40), "rate", ticket=ticket.ref, level=level, reason=reason)
        self._free(t, c)


def working_days(days: int, before: date, calendar=None) -> list[date]:
    """The last `days` working days of the centre's calendar before `before` (not included), oldest first."""
    if calendar is None:
        from lienthong.onestop.provider import current_calendar

        calendar = current_calendar()
    out, day = [], before
    while len(out) < days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            out.append(day)
    return out[::-1]


def simulate(days: list[date], letters: list[str], counters: list[int], *, seed: int = 2026, volume: float = 1.0,
             office_hours=None, grace_minutes: int | None = None) -> Plan:
    """The plan of `days` (working days) at a hall with these service letters and counter numbers: deterministic
    for a seed. `volume` scales the ~195 tickets of an ordinary day."""
    from django.conf import settings

    from lienthong.onestop.provider import office_hours as hours_of

    hours = office_hours or hours_of()
    grace = (grace_minutes if grace_minutes is not None else getattr(settings, "HALL_APPOINTMENT_EARLY_MINUTES", 10)) * 60
    rng = random.Random(seed)
    paces = {n: (OFFICERS[(n - 1) % len(OFFICERS)][0], round(rng.uniform(0.85, 1.2), 3)) for n in counters}
    plan = Plan(list(days))
    for day in days:
        _Day(plan, day, random.Random(f"{seed}:{day.isoformat()}"), letters, hours.sessions, volume=volume,
             grace=grace, officers=paces).run()
    return plan


# --- writing the plan ----------------------------------------------------------------------------------------
def history_officers(agency) -> dict[str, object]:
    """The history's officers, created when missing (role centre, the centre's commune, no usable password)."""
    from lienthong.accounts.models import AreaScope, User

    out = {}
    for username, name in OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            last, _, first = name.rpartition(" ")
            user = User(username=username, role="centre", first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        if agency.commune_code:
            AreaScope.objects.get_or_create(user=user, commune_code=agency.commune_code)
        out[username] = user
    return out


class _Context:
    def __init__(self, agency):
        self.agency = agency
        self.services = {s.letter: s for s in Service.objects.filter(agency=agency)}
        self.counters = {c.number: c for c in Counter.objects.filter(agency=agency)}
        self.priorities = {p.code: p for p in PriorityGroup.objects.all()}
        self.kiosk = Device.objects.filter(agency=agency, kind=Device.Kind.KIOSK, active=True).order_by("pk").first()
        self.officers = history_officers(agency)


class EngineWriter:
    """Every action through the engine (services), as the counters and the board would do it."""

    def write(self, agency, plan: Plan) -> None:
        from . import services as hall

        ctx = _Context(agency)
        tickets: dict[int, Ticket] = {}
        appointments = {}
        for i, a in enumerate(plan.appointments):
            appointments[i] = Appointment.objects.create(
                agency=agency, service=ctx.services[a.service], code=a.code, booked_at=a.booked_at,
                starts_at=datetime.combine(a.day, time(0), VN_TZ) + timedelta(seconds=a.starts))
        for action in plan.actions:
            at, officer = action.when, ctx.officers.get(action.officer)
            planned = plan.tickets[action.ticket] if action.ticket is not None else None
            if action.kind == "take":
                if planned.appointment is not None:
                    tickets[planned.ref] = hall.check_in(agency, appointments[planned.appointment].code,
                                                         device=ctx.kiosk, at=at)
                else:
                    tickets[planned.ref] = hall.take_ticket(agency, ctx.services[planned.service],
                                                            priority=ctx.priorities.get(planned.priority),
                                                            device=ctx.kiosk, at=at)
            elif action.kind == "open":
                hall.open_counter(officer, ctx.counters[action.counter], [ctx.services[x] for x in action.services],
                                  at=at)
            elif action.kind == "close":
                hall.close_counter(officer, hall.current_session(officer), at=at)
            elif action.kind == "call":
                called = hall.call_next(officer, at=at)
                if called.pk != tickets[planned.ref].pk:
                    raise RuntimeError(f"the engine called {called.code}, the plan {tickets[planned.ref].code}")
                tickets[planned.ref] = called
            elif action.kind == "recall":
                tickets[planned.ref] = hall.recall(officer, tickets[planned.ref], at=at)
            elif action.kind in ("start", "finish", "no_show"):
                tickets[planned.ref] = getattr(hall, action.kind)(officer, tickets[planned.ref], at=at)
            elif action.kind == "rate":
                hall.rate(tickets[planned.ref], action.level, action.reason, at=at)


class BulkWriter:
    """The same rows as EngineWriter, written with bulk_create (no audit events)."""

    def write(self, agency, plan: Plan) -> None:
        from .services import call_text

        ctx = _Context(agency)
        appointments = [Appointment(agency=agency, service=ctx.services[a.service], code=a.code,
                                    booked_at=a.booked_at,
                                    starts_at=datetime.combine(a.day, time(0), VN_TZ) + timedelta(seconds=a.starts))
                        for a in plan.appointments]
        Appointment.objects.bulk_create(appointments)
        tickets: dict[int, Ticket] = {}
        periods: list[TicketPeriod] = []
        open_period: dict[int, TicketPeriod] = {}
        events: list[HallEvent] = []
        ratings: list[HallRating] = []
        sessions: list[tuple[CounterSession, str]] = []
        open_session: dict[int, CounterSession] = {}
        sequences: dict[tuple[str, date], int] = defaultdict(int)
        print_state = Ticket.Print.PENDING if ctx.kiosk is not None and ctx.kiosk.printer_host else Ticket.Print.BROWSER

        def move(ticket: Ticket, ref: int, state: str, at: datetime, counter=None, officer=None):
            if ref in open_period:
                open_period.pop(ref).ended_at = at
            final = state not in Ticket.OPEN_STATES
            period = TicketPeriod(ticket=ticket, state=state, service=ticket.service, counter=counter,
                                  officer=officer, started_at=at, ended_at=at if final else None)
            periods.append(period)
            if not final:
                open_period[ref] = period

        for action in plan.actions:
            at = action.when
            officer = ctx.officers.get(action.officer)
            counter = ctx.counters.get(action.counter) if action.counter else None
            ref = action.ticket
            if action.kind == "take":
                planned = plan.tickets[ref]
                service = ctx.services[planned.service]
                sequences[(planned.service, action.day)] += 1
                number = sequences[(planned.service, action.day)]
                ticket = Ticket(agency=agency, service=service, day=action.day, number=number,
                                code=f"{service.letter}{number:03d}", token=secrets.token_urlsafe(12),
                                priority=ctx.priorities.get(planned.priority),
                                appointment=appointments[planned.appointment] if planned.appointment is not None else None,
                                taken_at=at, queued_at=at, device=ctx.kiosk, print_state=print_state)
                tickets[ref] = ticket
                move(ticket, ref, S.WAITING, at)
                events.append(HallEvent(agency=agency, at=at, kind=HallEvent.Kind.QUEUE, ticket=ticket))
            elif action.kind == "open":
                session = CounterSession(counter=counter, officer=officer, opened_at=at)
                open_session[action.counter] = session
                sessions.append((session, action.services))
            elif action.kind == "close":
                open_session.pop(action.counter).closed_at = at
            elif action.kind == "call":
                ticket = tickets[ref]
                ticket.state, ticket.counter, ticket.officer, ticket.calls, ticket.for_counter = (
                    S.CALLED, counter, officer, 1, None)
                move(ticket, ref, S.CALLED, at, counter, officer)
                events.append(HallEvent(agency=agency, at=at, kind=HallEvent.Kind.CALL, ticket=ticket, counter=counter,
                                        text=call_text(ticket, counter)))
            elif action.kind == "recall":
                ticket = tickets[ref]
                ticket.calls += 1
                events.append(HallEvent(agency=agency, at=at, kind=HallEvent.Kind.RECALL, ticket=ticket,
                                        counter=counter, text=call_text(ticket, counter)))
            elif action.kind in ("start", "finish", "no_show"):
                ticket = tickets[ref]
                state = {"start": S.SERVING, "finish": S.DONE, "no_show": S.NO_SHOW}[action.kind]
                ticket.state = state
                if state != S.SERVING:
                    ticket.phone = ""
                move(ticket, ref, state, at, counter, officer)
            elif action.kind == "rate":
                ratings.append(HallRating(ticket=tickets[ref], level=action.level, reason=action.reason, at=at))
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets.values(), batch_size=500)
            for model, objects in ((TicketPeriod, periods), (HallEvent, events), (HallRating, ratings)):
                for o in objects:
                    o.ticket_id = o.ticket.pk
                model.objects.bulk_create(objects, batch_size=1000)
            CounterSession.objects.bulk_create([s for s, _ in sessions], batch_size=500)
            through = CounterSession.services.through
            through.objects.bulk_create([through(countersession_id=s.pk, service_id=ctx.services[x].pk)
                                         for s, letters in sessions for x in letters], batch_size=1000)
            DailyTicketSequence.objects.bulk_create([DailyTicketSequence(service=ctx.services[letter], day=day, last=last)
                                                     for (letter, day), last in sequences.items()])


@dataclass(frozen=True)
class History:
    days: int
    tickets: int
    seconds: float


def generate(agency, days: int = 20, *, seed: int = 2026, before: date | None = None, volume: float = 1.0,
             writer=None) -> History:
    """Write `days` working days of history at `agency`'s hall, ending the working day before `before` (default:
    today in Việt Nam). Days that already have tickets are left as they are (a second demo-setup adds nothing)."""
    from django.utils import timezone

    started = clock.perf_counter()
    before = before or timezone.now().astimezone(VN_TZ).date()
    wanted = working_days(days, before)
    taken = set(Ticket.objects.filter(agency=agency, day__in=wanted).values_list("day", flat=True).distinct())
    todo = [d for d in wanted if d not in taken]
    services = list(Service.objects.filter(agency=agency, active=True).values_list("letter", flat=True))
    counters = list(Counter.objects.filter(agency=agency, active=True).values_list("number", flat=True))
    if not todo or not services or not counters:
        return History(0, 0, clock.perf_counter() - started)
    plan = simulate(todo, services, counters, seed=seed, volume=volume)
    (writer or BulkWriter()).write(agency, plan)
    return History(len(todo), len(plan.tickets), clock.perf_counter() - started)

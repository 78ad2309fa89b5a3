"""Wait estimates shown on the board and the phone page, learned from the hall's own history.

**The naive estimate** (the baseline): the mean service time of the service × the people ahead ÷ the counters open
for it. It is wrong in predictable ways: a counter shared by two services counts fully for both; the mean service
time of the whole day hides the hurried peaks; a citizen next in line at a busy counter still waits for someone to
finish; no-shows are called quickly; priority tickets and due appointments arriving later overtake.

**The learned estimate** measures, per service and hour of day, over the last `TRAIN_DAYS` days with tickets:

- the *gap between calls while the queue is not empty* — minutes the service had someone waiting, divided by the
  calls made in them. It is the queue's real pace: every open counter of the service is busy then (an idle one
  would call), shared counters count for the share of their time they gave, no-shows for the little they took;
- the counters that were open for the service during those minutes, so that the pace is scaled by the counters
  open *now* (a counter closed today makes the queue slower in proportion);
- the share of calls that went to citizens who overtake (priority groups, due appointments): a citizen without
  priority needs that many more calls before their turn;
- the wait of a citizen who found nobody ahead (someone still has to finish);
- then a small per-service regression (least absolute deviations, two coefficients) of the actual waits on this
  "calls ahead × pace" figure, which corrects what the pace alone misses (the residual service of the citizen at
  the counter, queues that change while one waits).

Robust statistics rather than a model library: a few thousand visits fit in memory, and the figures above are
sums, counts and a two-parameter fit (iteratively reweighted least squares, plain Python) — a dependency like
scikit-learn or statsmodels would weigh more than the whole hall app for no better fit, and every figure here can
be explained to a centre's director. `evaluate(train_days, test_days)` replays held-out days: for each citizen
who took a ticket, what the learned and the naive estimates would have said at that moment (with the counters
open then and the people ahead then) against the wait they had. The learned estimate's mean absolute error on
the last held-out days, for citizens with about as many people ahead (0, 1–2, 3–5, 6–9, 10 or more), is what
`Estimate.error_minutes` carries ("khoảng 25 phút (± 6)"): a long queue's estimate is honestly less sure.

What is learned is cached per centre and Việt Nam day (each board refresh reads it): the first estimate of the
day learns, in well under a second for a month of a busy hall.
"""
from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from lienthong.workdays import VN_TZ

from .models import CounterSession, Service, Ticket, TicketPeriod
from .services import appointment_grace, local_day, open_counters_by_service

DEFAULT_SERVICE_MINUTES = 8.0  # before a service has any history
TRAIN_DAYS = 28  # days with tickets the learned estimate learns from
CHECK_DAYS = 5  # of which the last ones are held out to measure its error
MIN_CALLS = 8  # calls of a (service, hour) before its own figures are used (else the service's over all hours)
S = Ticket.State


@dataclass(frozen=True)
class Estimate:
    minutes: float  # expected wait from now
    error_minutes: float  # the mean absolute error of the method on past days (0: not known yet)
    method: str  # "naive" or the learned model's name ("learned")


# --- the naive estimate (the baseline) -----------------------------------------------------------------------
def mean_service_minutes(service: Service, at: datetime) -> float:
    rows = TicketPeriod.objects.filter(service=service, state=S.SERVING, ended_at__isnull=False,
                                       started_at__date__gte=local_day(at) - timedelta(days=28))
    mean = rows.aggregate(m=Avg(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())))["m"]
    return mean.total_seconds() / 60 if mean else DEFAULT_SERVICE_MINUTES


def naive_minutes(service: Service, ahead: int, at: datetime | None = None) -> float:
    at = at or timezone.now()
    counters = max(1, open_counters_by_service(service.agency).get(service.pk, 0))
    return mean_service_minutes(service, at) * ahead / counters


# --- the hall's history, as the model reads it ---------------------------------------------------------------
@dataclass
class Visit:
    """One wait in a service's queue: from joining it (taking the ticket, or being sent there) to being called."""

    ticket: int
    service: int
    day: date
    start: float  # POSIX seconds
    end: float | None  # the call (None: never called)
    priority: bool
    appointment: float | None  # the appointment's time, POSIX seconds
    ahead: int = 0  # citizens who would be called before, when it joined (filled by _queues)
    counters: int = 0  # counters open for the service when it joined
    free: int = 0  # of which nobody was at (no citizen called or being served there)
    busy: tuple = ()  # the others: (minutes since their citizen was called, that citizen's service)
    hour: int = 0  # local hour it joined

    @property
    def wait(self) -> float:
        return (self.end - self.start) / 60


@dataclass
class History:
    visits: list[Visit]
    serving: list[tuple[int, int, float]]  # (service, local hour, minutes)
    sessions: dict[date, list[tuple[float, float, frozenset, int]]]  # day → (opened, closed, service ids, counter)
    # (day, counter) → [called, ended, service]: a citizen called there, then served
    occupied: dict[tuple[date, int], list[list]]

    def counters_at(self, service: int, day: date, t: float) -> tuple[int, int, tuple]:
        """(counters open for the service at t, of which free, the busy ones' (minutes busy, service))."""
        open_ = [c for a, b, services, c in self.sessions.get(day, ()) if a <= t < b and service in services]
        busy = tuple(((t - a) / 60, x) for c in open_ for a, b, x in self.occupied.get((day, c), ()) if a <= t < b)
        return len(open_), len(open_) - len(busy), busy


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _hour(t: float) -> int:
    return datetime.fromtimestamp(t, VN_TZ).hour


def load(agency_ids, days) -> History:
    """The visits, service times and counter sessions of these centres on these days (Việt Nam dates)."""
    days = sorted(set(days))
    rows = (TicketPeriod.objects.filter(ticket__agency_id__in=agency_ids, ticket__day__in=days)
            .order_by("ticket_id", "started_at", "id")
            .values_list("ticket_id", "state", "service_id", "started_at", "ended_at", "ticket__day",
                         "ticket__priority_id", "ticket__appointment__starts_at", "counter_id"))
    visits, serving = [], []
    occupied: dict[tuple[date, int], list] = defaultdict(list)
    current: Visit | None = None
    at_counter: list | None = None
    for ticket, state, service, started, ended, day, priority, appointment, counter in rows.iterator(chunk_size=5000):
        if current is not None and current.ticket != ticket:
            current = at_counter = None
        end = ended.timestamp() if ended else math.inf
        if state == S.CALLED and counter is not None:
            at_counter = [started.timestamp(), end, service]
            occupied[(day, counter)].append(at_counter)
        elif state == S.SERVING and at_counter is not None:
            at_counter[1] = end
        else:
            at_counter = None
        if state == S.WAITING:
            current = Visit(ticket, service, day, started.timestamp(), None, priority is not None, _ts(appointment))
            visits.append(current)
        elif state == S.CALLED and current is not None and current.end is None:
            current.end = started.timestamp()
        elif state == S.SERVING and ended is not None:
            serving.append((service, started.astimezone(VN_TZ).hour, (ended - started).total_seconds() / 60))
    start = datetime.combine(days[0], datetime.min.time(), VN_TZ) if days else timezone.now()
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), VN_TZ) if days else start
    sessions: dict[date, list] = defaultdict(list)
    by_session: dict[int, list] = {}
    for pk, opened, closed, service, counter in (CounterSession.objects.filter(counter__agency_id__in=agency_ids,
                                                                     opened_at__lt=end)
                                        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=start))
                                        .values_list("pk", "opened_at", "closed_at", "services", "counter_id")):
        if pk not in by_session:
            by_session[pk] = [opened.timestamp(), closed.timestamp() if closed else math.inf, set(), counter]
            sessions[local_day(opened)].append(by_session[pk])
        if service is not None:
            by_session[pk][2].add(service)
    history = History([v for v in visits if v.end is not None], serving,
                      {d: [(a, b, frozenset(s), c) for a, b, s, c in rows] for d, rows in sessions.items()},
                      dict(occupied))
    _queues(history)
    return history


def _overtakes(v: Visit, other: Visit, at: float, grace: float) -> bool:
    """Would `other`, waiting at `at`, be called before `v` (services.call_order: priority, due appointment,
    first come)?"""
    def rank(x: Visit) -> int:
        if x.priority:
            return 1
        if x.appointment is not None and x.appointment <= at + grace:
            return 2
        return 3

    return (rank(other), other.start, other.ticket) < (rank(v), v.start, v.ticket)


def _queues(history: History) -> None:
    """For each visit: the citizens ahead when it joined, the counters open for its service, its local hour."""
    grace = appointment_grace().total_seconds()
    by_queue: dict[tuple, list[Visit]] = defaultdict(list)
    for v in history.visits:
        by_queue[(v.service, v.day)].append(v)
    for (service, day), queue in by_queue.items():
        queue.sort(key=lambda v: (v.start, v.ticket))
        for i, v in enumerate(queue):
            v.ahead = sum(1 for o in queue[:i] if o.end > v.start and _overtakes(v, o, v.start, grace))
            v.counters, v.free, v.busy = history.counters_at(service, day, v.start)
            v.hour = _hour(v.start)


# --- learning --------------------------------------------------------------------------------------------------
def _trimmed_mean(values: list[float], cut: float = 0.05) -> float:
    values = sorted(values)
    k = int(len(values) * cut)
    kept = values[k:len(values) - k] or values
    return sum(kept) / len(kept)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """The small linear system a·x = b (Gauss–Jordan with partial pivoting)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return [0.0] * n
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def _lad(rows: list[tuple[float, ...]], ys: list[float], rounds: int = 30) -> tuple[float, ...]:
    """y ≈ c0 + c1·x1 + c2·x2 … minimising the absolute error (iteratively reweighted least squares)."""
    rows = [(1.0, *r) for r in rows]
    k = len(rows[0])
    weights = [1.0] * len(rows)
    coef = [0.0] * k
    for _ in range(rounds):
        a = [[sum(w * r[i] * r[j] for w, r in zip(weights, rows)) for j in range(k)] for i in range(k)]
        b = [sum(w * r[i] * y for w, r, y in zip(weights, rows, ys)) for i in range(k)]
        coef = _solve(a, b)
        weights = [1.0 / max(0.25, abs(y - sum(c * x for c, x in zip(coef, r)))) for r, y in zip(rows, ys)]
    return tuple(coef)


@dataclass
class Cell:
    busy: float = 0.0  # minutes the queue was not empty
    counter_minutes: float = 0.0  # counters open × minutes, over those minutes
    calls: int = 0
    overtakers: int = 0  # calls of priority tickets and due appointments

    def add(self, other: Cell) -> None:
        self.busy += other.busy
        self.counter_minutes += other.counter_minutes
        self.calls += other.calls
        self.overtakers += other.overtakers


@dataclass
class Model:
    """What the learned estimate knows of one centre: per (service, hour) and per service over all hours."""

    cells: dict[tuple[int, int | None], Cell]
    naive_service: dict[int, float]  # mean service minutes per service (the naive estimate's)
    quick: dict[int, float]  # median wait when a counter of the service is free for the citizen
    # per service: the minutes from calling a citizen to the end of their service, sorted, and their suffix sums
    stays: dict[int, tuple[list[float], list[float]]] = field(default_factory=dict)
    fit: dict[int, tuple[float, ...]] = field(default_factory=dict)  # per service: wait ≈ a + b·first + c·calls × gap
    error: dict[int | None, float] = field(default_factory=dict)  # MAE on held-out days, per service and overall
    error_by_ahead: dict[int, float] = field(default_factory=dict)  # MAE on held-out days by people ahead
    days: int = 0

    def cell(self, service: int, hour: int) -> Cell | None:
        cell = self.cells.get((service, hour))
        if cell is not None and cell.calls >= MIN_CALLS and cell.busy > 0:
            return cell
        cell = self.cells.get((service, None))
        return cell if cell is not None and cell.calls and cell.busy > 0 else None

    def gap(self, service: int, hour: int, counters: int, priority: bool) -> float | None:
        """Minutes between two calls of the service's queue at that hour, with `counters` open (None: no history)."""
        cell = self.cell(service, hour)
        if cell is None:
            return None
        gap = cell.busy / cell.calls
        usual = cell.counter_minutes / cell.busy
        if counters and usual:
            gap *= usual / counters
        if not priority and cell.calls > cell.overtakers:
            gap *= cell.calls / (cell.calls - cell.overtakers)
        return gap

    @staticmethod
    def calls_needed(ahead: int, free: int) -> int:
        """Calls before the citizen's own, beyond the counters free now (the first `free` of those ahead go at
        once), counting their own."""
        return max(1, ahead - free + 1)

    def remaining(self, service: int, busy_for: float) -> float:
        """Expected minutes left at a counter whose citizen of `service` was called `busy_for` minutes ago."""
        stays, suffix = self.stays.get(service, ((), ()))
        i = bisect.bisect_right(stays, busy_for)
        if i >= len(stays):
            return 1.0  # longer than anything seen: about to finish
        return suffix[i] / (len(stays) - i) - busy_for

    def x(self, service: int, hour: int, ahead: int, counters: int, free: int, busy: tuple,
          priority: bool) -> tuple[float, float] | None:
        """What the queue's state says: minutes until the first busy counter is free, and a gap per further call."""
        gap = self.gap(service, hour, counters, priority)
        if gap is None:
            return None
        first = min((self.remaining(x, e) for e, x in busy), default=gap) if free == 0 else 0.0
        return first, (self.calls_needed(ahead, free) - 1) * gap

    def minutes(self, service: int, hour: int, ahead: int, counters: int, free: int, busy: tuple = (),
                priority: bool = False) -> float | None:
        if counters and free > ahead:
            return self.quick.get(service, 0.0)
        x = self.x(service, hour, ahead, counters, free, busy, priority)
        if x is None:
            return None
        a, b, c = self.fit.get(service, (0.0, 1.0, 1.0))
        return max(0.0, a + b * x[0] + c * x[1])

    def naive(self, service: int, ahead: int, counters: int) -> float:
        return self.naive_service.get(service, DEFAULT_SERVICE_MINUTES) * ahead / max(1, counters)


def _cells(history: History) -> dict[tuple[int, int | None], Cell]:
    """Busy minutes, counter-minutes, calls and overtaking calls per (service, hour) and per service."""
    grace = appointment_grace().total_seconds()
    cells: dict[tuple[int, int | None], Cell] = defaultdict(Cell)
    by_queue: dict[tuple, list[Visit]] = defaultdict(list)
    for v in history.visits:
        by_queue[(v.service, v.day)].append(v)
        cell = cells[(v.service, _hour(v.end))]
        cell.calls += 1
        cell.overtakers += v.priority or (v.appointment is not None and v.appointment <= v.end + grace)
    for (service, day), queue in by_queue.items():
        marks = sorted([(v.start, 1) for v in queue] + [(v.end, -1) for v in queue])
        sessions = [(a, b) for a, b, services, _c in history.sessions.get(day, ()) if service in services]
        changes = sorted({t for a, b in sessions for t in (a, b) if t != math.inf})
        waiting, since = 0, None
        for t, step in marks:
            if waiting == 0 and step == 1:
                since = t
            waiting += step
            if waiting == 0 and since is not None and t > since:
                _busy(cells, service, since, t, sessions, changes)
                since = None
    for (service, hour), cell in list(cells.items()):
        if hour is not None:
            cells[(service, None)].add(cell)
    return dict(cells)


def _busy(cells, service: int, a: float, b: float, sessions, changes) -> None:
    """Add the busy interval [a, b) to its hours' cells, with the counters open over it."""
    cuts = [a] + [t for t in changes[bisect.bisect_right(changes, a):bisect.bisect_left(changes, b)]]
    hour_start = datetime.fromtimestamp(a, VN_TZ).replace(minute=0, second=0, microsecond=0)
    while (hour_start := hour_start + timedelta(hours=1)).timestamp() < b:
        cuts.append(hour_start.timestamp())
    cuts = sorted(set(cuts)) + [b]
    for x, y in zip(cuts, cuts[1:]):
        mid = (x + y) / 2
        open_now = sum(1 for o, c in sessions if o <= mid < c)
        cell = cells[(service, _hour(mid))]
        cell.busy += (y - x) / 60
        cell.counter_minutes += open_now * (y - x) / 60


def _median(values: list[float]) -> float:
    values = sorted(values)
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2 if values else 0.0


def learn(history: History) -> Model:
    cells = _cells(history)
    by_service: dict[int, list[float]] = defaultdict(list)
    for service, _h, minutes in history.serving:
        by_service[service].append(minutes)
    naive_service = {s: sum(v) / len(v) for s, v in by_service.items()}
    quick: dict[int, list[float]] = defaultdict(list)
    points: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    model = Model(cells, naive_service, {}, days=len({v.day for v in history.visits}))
    stays: dict[int, list[float]] = defaultdict(list)
    for rows in history.occupied.values():
        for called, ended, service in rows:
            if ended != math.inf:
                stays[service].append((ended - called) / 60)
    for service, values in stays.items():
        values.sort()
        suffix = list(itertools.accumulate(reversed(values)))[::-1]
        model.stays[service] = (values, suffix)
    for v in history.visits:
        if v.counters and v.free > v.ahead:
            quick[v.service].append(v.wait)
        elif (x := model.x(v.service, v.hour, v.ahead, v.counters, v.free, v.busy, v.priority)) is not None:
            xs, ys = points[v.service]
            xs.append(x)
            ys.append(v.wait)
    model.quick = {s: _median(w) for s, w in quick.items()}
    model.fit = {s: _lad(xs, ys) for s, (xs, ys) in points.items() if len(xs) >= 20}
    return model


# --- evaluation ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    tickets: int  # citizens of the held-out days whose wait was estimated
    learned_mae: float  # minutes
    naive_mae: float
    by_service: dict  # service id → (tickets, learned MAE, naive MAE)
    by_ahead: dict = field(default_factory=dict)  # AHEAD_BUCKETS' lower bound → (tickets, learned MAE, naive MAE)

    @property
    def improvement(self) -> float:
        """How much lower the learned estimate's error is than the naive one's (0.3 = 30 % lower)."""
        return 1 - self.learned_mae / self.naive_mae if self.naive_mae else 0.0


def _agencies(agency) -> list[int]:
    if agency is None:
        return list(Ticket.objects.order_by().values_list("agency_id", flat=True).distinct())
    return [getattr(agency, "pk", agency)]


AHEAD_BUCKETS = (0, 1, 3, 6, 10)  # the error is told by how many are ahead: a long queue's estimate is less sure


def ahead_bucket(ahead: int) -> int:
    return max(b for b in AHEAD_BUCKETS if b <= max(0, ahead))


def _maes(groups: dict) -> dict:
    return {k: (len(rows), sum(r[0] for r in rows) / len(rows), sum(r[1] for r in rows) / len(rows))
            for k, rows in groups.items()}


def replay(model: Model, history: History) -> Evaluation:
    errors: dict[int, list[tuple[float, float]]] = defaultdict(list)
    by_ahead: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for v in history.visits:
        learned = model.minutes(v.service, v.hour, v.ahead, v.counters, v.free, v.busy, v.priority)
        naive = model.naive(v.service, v.ahead, v.counters)
        error = (abs((learned if learned is not None else naive) - v.wait), abs(naive - v.wait))
        errors[v.service].append(error)
        by_ahead[ahead_bucket(v.ahead)].append(error)
    every = [e for rows in errors.values() for e in rows]
    if not every:
        return Evaluation(0, 0.0, 0.0, {})
    return Evaluation(len(every), sum(e[0] for e in every) / len(every), sum(e[1] for e in every) / len(every),
                      _maes(errors), _maes(by_ahead))


def evaluate(train_days, test_days, agency=None) -> Evaluation:
    """Learn from `train_days`, replay `test_days`: the mean absolute error, in minutes, of the learned and of the
    naive estimate for every citizen who joined a queue on the held-out days (all centres, each with its own
    model, when `agency` is None)."""
    results = [replay(learn(load([a], train_days)), load([a], test_days)) for a in _agencies(agency)]
    results = [r for r in results if r.tickets]
    if not results:
        return Evaluation(0, 0.0, 0.0, {})
    n = sum(r.tickets for r in results)
    return Evaluation(n, sum(r.learned_mae * r.tickets for r in results) / n,
                      sum(r.naive_mae * r.tickets for r in results) / n,
                      {k: v for r in results for k, v in r.by_service.items()},
                      results[0].by_ahead if len(results) == 1 else {})


def history_days(agency, before: date, limit: int = TRAIN_DAYS) -> list[date]:
    """The last `limit` days before `before` on which the centre gave tickets, oldest first."""
    days = (Ticket.objects.filter(agency=agency, day__lt=before).order_by("-day")
            .values_list("day", flat=True).distinct()[:limit])
    return sorted(days)


# --- the cache and the estimate ------------------------------------------------------------------------------
_lock = threading.Lock()
_models: dict[int, tuple[date, Model | None]] = {}


def forget() -> None:
    """Drop what was learned (tests; a history rewritten)."""
    with _lock:
        _models.clear()


def learned(agency, day: date) -> Model | None:
    """The centre's model for `day`: learned from the days before it, its error measured on the last of them."""
    cached = _models.get(agency.pk)
    if cached is not None and cached[0] == day:
        return cached[1]
    days = history_days(agency, day)
    model = None
    if len(days) >= 2:
        held = max(1, min(CHECK_DAYS, len(days) // 4))
        check = evaluate(days[:-held], days[-held:], agency)
        model = learn(load([agency.pk], days))
        model.error = {s: row[1] for s, row in check.by_service.items() if row[0] >= 20}
        model.error[None] = check.learned_mae
        model.error_by_ahead = {b: row[1] for b, row in check.by_ahead.items() if row[0] >= 20}
    with _lock:
        _models[agency.pk] = (day, model)
    return model


def counters_open(service: Service, at: datetime) -> tuple[int, int]:
    """(Counters open for `service` at the instant `at`, of which free: nobody called or served there), from the
    sessions' and the periods' times."""
    counters = set(CounterSession.objects.filter(services=service, opened_at__lte=at)
                   .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=at)).values_list("counter_id", flat=True))
    if not counters:
        return 0, 0
    busy = set(TicketPeriod.objects.filter(state__in=(S.CALLED, S.SERVING), counter_id__in=counters,
                                           started_at__lte=at)
               .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at)).values_list("counter_id", flat=True))
    return len(counters), len(counters - busy)


def estimate(service: Service, ahead: int, at: datetime | None = None, *, priority: bool = False) -> Estimate:
    """The wait of a citizen with `ahead` people to be called before them in `service`'s queue at `at`."""
    at = at or timezone.now()
    model = learned(service.agency, local_day(at))
    if model is not None:
        minutes = model.minutes(service.pk, at.astimezone(VN_TZ).hour, ahead, *counters_open(service, at),
                                priority=priority)
        if minutes is not None:
            # The error of estimates made with as many people ahead (the service's own while that is not known).
            # (a bucket with too few citizens measured takes the nearest shorter queue's error).
            known = [b for b in model.error_by_ahead if b <= ahead_bucket(ahead)]
            error = (model.error_by_ahead[max(known)] if known
                     else model.error.get(service.pk, model.error.get(None, 0.0)))
            return Estimate(minutes, error, "learned")
    return Estimate(naive_minutes(service, ahead, at), 0.0, "naive")

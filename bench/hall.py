"""A busy morning in the service hall of the Rạch Giá ward centre, against the real server.

    .venv/bin/python bench/hall.py                          # SQLite in var/bench-hall
    .venv/bin/python bench/hall.py --database-url postgres://postgres@127.0.0.1:5432/lt_bench_hall
    .venv/bin/python bench/hall.py --tickets 120 --hours 2 --speed 120      # a quick look

Builds its own database (migrated; the hall's rows of an earlier run are deleted): the centre (agency
000.00.06.H56, commune 30742) with the five services of the demo hall (A civil status, B certification,
C residence, D household business, E online help), --counters counters, --boards boards (kiosks) and --displays
displays, each with its device key, and one centre officer per counter (role "centre", scope commune 30742)
with an API token; --appointments appointments booked online for the morning.

Starts `lienthong serve` (gunicorn, its default processes and threads) and replays the morning, --hours hours
from 07:30 compressed --speed times (60: four hours take four minutes; every time of the simulation — arrivals,
walking to the counter, service times — is divided by it; the server's clock is the real one):

- Citizens arrive on a morning curve (a quarter of them in the first hour, a third in the second, then fewer):
  --tickets tickets in all, the appointments among them, 7 % of the others in a priority group. Each takes
  a ticket at one of the boards: the board's own form (POST /sanh/bang/<key>/ve/, CSRF cookie and token as a
  browser sends them) or the API (POST /api/v1/hall/tickets with X-Device-Key, a board of another maker):
  --board-via auto (the default) has half the boards use each when this build has the form, else all the API.
  An appointment checks in 0–15 minutes before its time. Timed: the POST.
- One officer per counter (the counter's services are fixed: 1–7 A, 8–11 B, 12 A+B, 13–16 C, 17–18 D,
  19 E+B, 20 C+D), through the API with their token: open the counter, call the next citizen (nobody: look again
  a minute later), the citizen walks over (20–90 s), start, serve (lognormal around the service's mean: A 15,
  B 6, C 15, D 18, E 10 minutes), finish, and 60 % of citizens rate; 3 % do not come (recall after two minutes,
  no-show after two more), 3 % are sent to another service. After the last arrival the officers serve who is
  left (at most --overtime minutes), then close. Timed: each API call.
- Displays: --displays hall displays hold the event stream (GET /sanh/man-hinh/<key>/su-kien/, Accept:
  text/event-stream; reconnecting with Last-Event-ID as a browser does). Call-to-display: from the moment the
  officer's call-next answer arrives to the moment the call's event arrives at each display (an event may
  arrive before the answer: counted as 0).
- Phones: --phones of the citizens (every third ticket, up to the number) open the ticket's phone page and poll
  its status (GET /sanh/ve/<token>/trang-thai.json) every --phone-seconds as the page does, until it is final.
  Timed: each status request.

A part this build does not have (the display's stream, the phone page, the board's form) is skipped with a line
saying so; its figures are not made up. The HTTP load runs in a child process without Django.

Wait estimates: the estimate each ticket taken through the API showed (its answer, to a tenth of a minute)
against the real wait (the ticket's periods: taking to first call), in simulated minutes — next to the naive
estimate recomputed for the same moment (the service's mean service time so far × people ahead ÷ counters open
for it). Under compression the server's fallback before a service has any history (8 real minutes) is meaningless,
so the comparison counts the tickets taken once their service had served someone ("warm"). The learned estimate
needs days of history, which a compressed morning is not: its comparison with the naive one on held-out days is
bench/hall_estimates.py's, run at the end when this build has it (--no-held-out-estimates: not).
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import queue
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from centre import _create_pg_database, cpu_seconds, free_port, pct, stop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AGENCY = ("000.00.06.H56", "Trung tâm Phục vụ hành chính công phường Rạch Giá", "30742")
# letter, name, share of the walk-in tickets, mean service minutes
# (busy: about 80 % of the counters' time over the morning, more than all of it in the second hour)
SERVICES = [("A", "Hộ tịch", 0.35, 15.0), ("B", "Chứng thực", 0.30, 6.0), ("C", "Cư trú", 0.20, 15.0),
            ("D", "Hộ kinh doanh", 0.10, 18.0), ("E", "Hướng dẫn, hỗ trợ nộp trực tuyến", 0.05, 10.0)]
COUNTER_SERVICES = {**{n: "A" for n in range(1, 8)}, **{n: "B" for n in range(8, 12)}, 12: "AB",
                    **{n: "C" for n in range(13, 17)}, 17: "D", 18: "D", 19: "EB", 20: "CD"}
HOURLY = [0.25, 0.33, 0.25, 0.17]  # the morning curve: shares of the arrivals by hour from 07:30
OPENS = datetime(2026, 1, 1, 7, 30)  # only the time of day is used, for the printout


# --- Django side ------------------------------------------------------------------------------------------------
def setup_django(args) -> None:
    os.environ["LIENTHONG_DATA_DIR"] = str(args.data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _create_pg_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(args) -> dict:
    """The centre's hall made again: services, counters, boards, displays, officers with their tokens."""
    from django.contrib.sessions.models import Session

    from lienthong.accounts.models import AreaScope, RateCounter, User
    from lienthong.api.models import ApiToken
    from lienthong.hall.models import Appointment, Counter, CounterSession, DailyTicketSequence, Device, HallEvent, PriorityGroup, Service, Ticket
    from lienthong.onestop.models import Agency

    HallEvent.objects.all().delete()
    Ticket.objects.all().delete()  # periods and ratings with them
    Appointment.objects.all().delete()
    CounterSession.objects.all().delete()
    DailyTicketSequence.objects.all().delete()
    RateCounter.objects.all().delete()
    Session.objects.all().delete()
    agency, _ = Agency.objects.update_or_create(code=AGENCY[0], defaults=dict(name=AGENCY[1], commune_code=AGENCY[2],
                                                                              level=Agency.Level.COMMUNE))
    for order, (letter, name, _share, _mean) in enumerate(SERVICES, start=1):
        Service.objects.update_or_create(agency=agency, letter=letter, defaults=dict(name=name, field=name, order=order,
                                                                                     active=True))
    for n in range(1, args.counters + 1):
        Counter.objects.update_or_create(agency=agency, number=n, defaults=dict(name=f"Quầy số {n}", active=True))
    Device.objects.filter(agency=agency).delete()
    boards = [Device.objects.create(agency=agency, kind=Device.Kind.KIOSK, name=f"Bảng điện tử {k + 1}",
                                    key=f"bench-bang-{k + 1}").key for k in range(args.boards)]
    displays = [Device.objects.create(agency=agency, kind=Device.Kind.DISPLAY, name=f"Màn hình {k + 1}",
                                      key=f"bench-man-hinh-{k + 1}").key for k in range(args.displays)]
    tokens = []
    for k in range(args.counters):
        user, _ = User.objects.get_or_create(username=f"bench_sanh_{k + 1:02d}", defaults={
            "role": "centre", "first_name": f"Cán bộ quầy {k + 1:02d}", "last_name": ""})
        AreaScope.objects.get_or_create(user=user, commune_code=AGENCY[2])
        ApiToken.objects.filter(user=user).delete()
        tokens.append(ApiToken.issue(user, "bench hall")[1])
    priorities = list(PriorityGroup.objects.filter(active=True).values_list("code", flat=True))
    return {"agency": agency, "boards": boards, "displays": displays, "tokens": tokens, "priorities": priorities}


def book_appointments(agency, n: int, start_at: float, hours: float, speed: float, rng: random.Random) -> list[dict]:
    """n appointments booked yesterday for this morning (after the first half hour): their real time and code."""
    from lienthong.hall.models import Appointment, Service

    services = {s.letter: s for s in Service.objects.filter(agency=agency)}
    out = []
    now = datetime.now(UTC)
    for k in range(n):
        sim = rng.uniform(0.5, hours - 0.5) * 3600  # seconds after opening
        letter = rng.choices([s[0] for s in SERVICES], [s[2] for s in SERVICES])[0]
        at = datetime.fromtimestamp(start_at + sim / speed, UTC)
        code = f"HEN{k + 1:03d}"
        Appointment.objects.create(agency=agency, service=services[letter], code=code, starts_at=at,
                                   booked_at=now - timedelta(days=1))
        out.append({"code": code, "sim": sim, "service": letter})
    return out


def probe_routes(display_key: str, board_key: str) -> dict:
    """Which parts of the hall this build serves (resolved, not requested: nothing is created)."""
    from django.urls import Resolver404, resolve

    def has(path: str) -> bool:
        try:
            resolve(path)
            return True
        except Resolver404:
            return False

    return {"display": has(f"/sanh/man-hinh/{display_key}/su-kien/"), "phone": has("/sanh/ve/x/trang-thai.json"),
            "board_form": has(f"/sanh/bang/{board_key}/ve/")}


def start_server(args) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "lienthong.cli", "serve", "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    log = open(Path(args.data_dir) / "serve.log", "w")
    server = subprocess.Popen(cmd, env={**os.environ, "LIENTHONG_TRUST_X_FORWARDED_FOR": "1"}, stdout=log, stderr=log,
                              cwd=ROOT)
    deadline = time.monotonic() + 90
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status < 500:
                conn.close()
                return server, port
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("lienthong serve did not start; see serve.log")
        time.sleep(0.3)


def estimate_errors(taken: list[dict], speed: float) -> dict:
    """The shown estimate and the naive one recomputed at the same moment, against the real wait, in simulated
    minutes (see the module's docstring)."""
    from lienthong.hall.estimates import DEFAULT_SERVICE_MINUTES
    from lienthong.hall.models import CounterSession, Ticket, TicketPeriod
    from lienthong.hall.services import times_of

    by_id = {t.pk: t for t in Ticket.objects.filter(pk__in=[r["id"] for r in taken if r.get("id")])
             .select_related("service").prefetch_related("periods")}
    serving = defaultdict(list)  # service id → [(ended, minutes)]
    for service_id, started, ended in (TicketPeriod.objects.filter(state=Ticket.State.SERVING, ended_at__isnull=False)
                                       .values_list("service_id", "started_at", "ended_at")):
        serving[service_id].append((ended, (ended - started).total_seconds() / 60 * speed))
    sessions = [(s.opened_at, s.closed_at, {x.pk for x in s.services.all()})
                for s in CounterSession.objects.prefetch_related("services")]
    rows = []
    for r in taken:
        ticket = by_id.get(r.get("id"))
        if ticket is None or r.get("shown") is None:
            continue
        waited = times_of(ticket).waited
        if waited is None:
            continue
        at, sid = ticket.taken_at, ticket.service_id
        done = [m for ended, m in serving[sid] if ended <= at]
        mean = statistics.mean(done) if done else DEFAULT_SERVICE_MINUTES
        counters = max(1, sum(1 for o, c, svc in sessions if o <= at and (c is None or c > at) and sid in svc))
        naive = mean * r["ahead"] / counters
        rows.append({"real": waited.total_seconds() / 60 * speed, "shown": r["shown"] * speed, "naive": naive,
                     "warm": bool(done), "method": r.get("method", "")})

    def mae(key, subset):
        return statistics.mean(abs(x[key] - x["real"]) for x in subset) if subset else float("nan")

    warm = [x for x in rows if x["warm"]]
    return {"n": len(rows), "warm": len(warm), "methods": dict(Counter(x["method"] for x in rows)),
            "shown_warm": mae("shown", warm), "naive_warm": mae("naive", warm), "naive_all": mae("naive", rows),
            "mean_wait": statistics.mean(x["real"] for x in rows) if rows else float("nan")}


# --- the HTTP load (child process, no Django) ---------------------------------------------------------------------
class Client:
    """One connection kept alive, with cookies; reopened after an error."""

    def __init__(self, port: int, headers: dict | None = None, timeout: float = 60):
        self.port, self.headers, self.timeout = port, headers or {}, timeout
        self.cookies: dict[str, str] = {}
        self.conn = None
        self.reused = False

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.reused = False
        h = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "bench-hall", "Accept-Language": "vi", **self.headers}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=body, headers=h)
            response = self.conn.getresponse()
            data = response.read()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the kept-alive connection while it was idle (an officer serving for minutes):
            # as a browser does, send again once on a new connection; nothing reached the application.
            self.close()
            if not self.reused:
                raise
            return self.request(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        self.reused = True
        for line in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(line)
            for k, morsel in jar.items():
                self.cookies[k] = morsel.value
        return response.status, response.headers, data

    def json(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body or {}).encode() if method == "POST" else None
        status, _, raw = self.request(method, path, data, {"Content-Type": "application/json"} if data else None)
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, {"raw": raw[:200].decode(errors="replace")}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Load:
    def __init__(self, spec: dict):
        self.spec = spec
        self.port, self.speed = spec["port"], spec["speed"]
        self.start_at = spec["start_at"]
        self.arrivals_end = self.start_at + spec["hours"] * 3600 / self.speed
        self.work_end = self.arrivals_end + spec["overtime"] * 60 / self.speed
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.samples: list[str] = []
        self.taken: list[dict] = []
        self.calls: list[tuple[str, int, float]] = []  # (ticket code, counter, when the call's answer arrived)
        self.seen: dict[int, dict] = defaultdict(dict)  # display → {(code, counter): first arrival of its call}
        self.display_stats: Counter = Counter()
        self.outcomes: Counter = Counter()
        self.phones: queue.Queue = queue.Queue()
        self.phone_count = 0
        self.boards: list[queue.Queue] = [queue.Queue() for _ in spec["boards"]]
        self.arrivals_done = threading.Event()
        self.stop_displays = threading.Event()

    # -- bookkeeping
    def note(self, name: str, ms: float) -> None:
        with self.lock:
            self.times[name].append(ms)

    def fail(self, kind: str, text: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < 12:
                self.samples.append(f"{kind}: {text}")

    def sim_sleep(self, minutes: float) -> None:
        time.sleep(max(0.0, minutes * 60 / self.speed))

    def wait_until(self, at: float) -> None:
        delay = at - time.time()
        if delay > 0:
            time.sleep(delay)

    # -- the morning's arrivals, dealt to the boards
    def plan(self) -> list[tuple[float, dict]]:
        rng = random.Random(self.spec["seed"])
        hours = self.spec["hours"]
        weights = (HOURLY * math.ceil(hours / len(HOURLY)))[:math.ceil(hours)]
        walk_ins = self.spec["tickets"] - len(self.spec["appointments"])
        plan = []
        for _ in range(walk_ins):
            hour = rng.choices(range(len(weights)), weights)[0]
            sim = min(hours * 3600 - 1, (hour + rng.random()) * 3600)
            letter = rng.choices([s[0] for s in SERVICES], [s[2] for s in SERVICES])[0]
            priority = rng.choice(self.spec["priorities"]) if self.spec["priorities"] and rng.random() < 0.07 else ""
            plan.append((sim, {"service": letter, "priority": priority}))
        for a in self.spec["appointments"]:
            plan.append((max(0.0, a["sim"] - rng.uniform(0, 15) * 60), {"appointment": a["code"], "service": a["service"]}))
        plan.sort(key=lambda x: x[0])
        return [(self.start_at + sim / self.speed, what) for sim, what in plan]

    def dealer(self) -> None:
        rng = random.Random(self.spec["seed"] + 1)
        for n, (at, what) in enumerate(self.plan()):
            self.wait_until(at)
            self.boards[rng.randrange(len(self.boards))].put({**what, "n": n})
        for q in self.boards:
            q.put(None)

    # -- a board
    def board(self, k: int) -> None:
        key = self.spec["boards"][k]
        form = self.spec["board_modes"][k] == "form"
        api = Client(self.port, {"X-Device-Key": key})
        browser = Client(self.port)
        csrf = ""
        while (job := self.boards[k].get()) is not None:
            try:
                if form:
                    if not csrf:
                        status, _, html = browser.request("GET", f"/sanh/bang/{key}/")
                        m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
                        if status != 200 or m is None:
                            self.fail("board", f"board page {status}")
                            continue
                        csrf = m.group(1).decode()
                    row = self.take_by_form(browser, key, csrf, job)
                else:
                    row = self.take_by_api(api, job)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.fail("board", f"{type(exc).__name__}: {exc}")
                continue
            if row is None:
                continue
            with self.lock:
                self.taken.append(row)
                follow = job["n"] % 3 == 0 and self.phone_count < self.spec["phones"]
                if follow:
                    self.phone_count += 1
            if follow:
                self.phones.put(row)
        api.close()
        browser.close()

    def take_by_api(self, api: Client, job: dict) -> dict | None:
        kind = "checkin" if "appointment" in job else "ticket"
        path, body = (("/api/v1/hall/appointments/check-in", {"code": job["appointment"]}) if kind == "checkin"
                      else ("/api/v1/hall/tickets", {"service": job["service"], "priority": job["priority"] or None}))
        t0 = time.perf_counter()
        status, out = api.json("POST", path, body)
        ms = (time.perf_counter() - t0) * 1000
        if status != 201:
            self.fail(kind, f"{status} {out}")
            return None
        self.note(kind, ms)
        self.note(f"{kind}_api", ms)
        return {"id": out["id"], "code": out["code"], "token": out["token"], "ahead": out["waiting_ahead"],
                "shown": out["estimate"]["minutes"], "method": out["estimate"]["method"], "via": "api"}

    def take_by_form(self, browser: Client, key: str, csrf: str, job: dict) -> dict | None:
        kind = "checkin" if "appointment" in job else "ticket"
        path = f"/sanh/bang/{key}/hen/" if kind == "checkin" else f"/sanh/bang/{key}/ve/"
        fields = {"csrfmiddlewaretoken": csrf, **({"code": job["appointment"]} if kind == "checkin"
                                                  else {"service": job["service"], "priority": job["priority"]})}
        origin = f"http://127.0.0.1:{self.port}"
        t0 = time.perf_counter()
        status, headers, data = browser.request("POST", path, urlencode(fields).encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": f"{origin}/sanh/bang/{key}/"})
        ms = (time.perf_counter() - t0) * 1000
        m = re.search(r"/ve/([^/]+)/$", headers.get("Location", ""))
        if status not in (302, 303) or m is None:
            self.fail(kind, f"form {status} {headers.get('Location', '')} {data[:120]!r}")
            return None
        self.note(kind, ms)
        self.note(f"{kind}_form", ms)
        token = m.group(1)
        # The board's ticket page shows the estimate in whole minutes: at --speed 60 a whole server minute is an
        # hour of the morning, so these tickets are left out of the estimates' comparison (the API's are not).
        return {"id": None, "code": "", "token": token, "ahead": 0, "shown": None, "method": "", "via": "form"}

    # -- an officer at a counter
    def officer(self, k: int) -> None:
        number = k + 1
        letters = COUNTER_SERVICES.get(number, "ABCDE")
        means = {s[0]: s[3] for s in SERVICES}
        rng = random.Random(self.spec["seed"] * 100 + number)
        api = Client(self.port, {"Authorization": f"Bearer {self.spec['tokens'][k]}"})

        def act(name: str, path: str, body: dict | None = None, ok=(200,)):
            t0 = time.perf_counter()
            try:
                status, out = api.json("POST", path, body)
            except (OSError, http.client.HTTPException) as exc:
                self.fail(name, f"{type(exc).__name__}: {exc}")
                return None, None
            ms = (time.perf_counter() - t0) * 1000
            if status in ok:
                self.note(name, ms)
            elif not (name == "call" and status == 409 and out.get("detail") == "queue_empty"):
                self.fail(name, f"{status} {out}")
            else:
                self.note("call_empty", ms)
            return status, out

        status, _ = act("open", "/api/v1/hall/counter/open", {"counter": number, "services": list(letters)})
        if status != 200:
            return
        self.wait_until(self.start_at)
        idle_since = None
        while time.time() < self.work_end:
            status, out = act("call", "/api/v1/hall/counter/call-next")
            answered = time.time()
            if status != 200:
                if self.arrivals_done.is_set() and status == 409:
                    idle_since = idle_since or time.time()
                    if time.time() - idle_since > 3 * 60 / self.speed:
                        break  # the morning is over and nobody is left for this counter
                time.sleep(max(1.0, 60 / self.speed))  # look again a minute later (at least a second)
                continue
            idle_since = None
            pk, code = out["id"], out["code"]
            with self.lock:
                self.calls.append((code, number, answered))
            self.sim_sleep(rng.uniform(20, 90) / 60)
            r = rng.random()
            if r < 0.03:
                self.sim_sleep(2)
                act("recall", f"/api/v1/hall/tickets/{pk}/recall")
                self.sim_sleep(2)
                act("no_show", f"/api/v1/hall/tickets/{pk}/no-show")
                with self.lock:
                    self.outcomes["no_show"] += 1
                continue
            act("start", f"/api/v1/hall/tickets/{pk}/start")
            self.sim_sleep(rng.lognormvariate(math.log(means[out["service"]]) - 0.125, 0.5))
            if r < 0.06:
                other = rng.choice([s[0] for s in SERVICES if s[0] != out["service"]])
                act("transfer", f"/api/v1/hall/tickets/{pk}/transfer", {"service": other})
                with self.lock:
                    self.outcomes["transferred"] += 1
                continue
            status, _ = act("finish", f"/api/v1/hall/tickets/{pk}/finish")
            with self.lock:
                self.outcomes["served"] += 1
            if status == 200 and rng.random() < 0.6:
                act("rating", f"/api/v1/hall/tickets/{pk}/rating",
                    {"level": rng.choices([1, 2, 3, 4], [50, 35, 10, 5])[0]}, ok=(201,))
        act("close", "/api/v1/hall/counter/close")
        api.close()

    # -- a display holding the event stream
    def display(self, k: int) -> None:
        key = self.spec["displays"][k]
        last_id, retry = None, 3.0
        while not self.stop_displays.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            headers = {"Accept": "text/event-stream", "User-Agent": "bench-hall-display"}
            if last_id is not None:
                headers["Last-Event-ID"] = last_id
            try:
                # As the page does: its first stream asks for what came after the event it was drawn at (none yet:
                # the bench's hall starts empty), a reconnect sends Last-Event-ID.
                conn.request("GET", f"/sanh/man-hinh/{key}/su-kien/" + ("" if last_id is not None else "?after=0"),
                             headers=headers)
                response = conn.getresponse()
                if response.status != 200:
                    self.fail("display", f"stream {response.status}")
                    response.read()
                    time.sleep(retry)
                    continue
                with self.lock:
                    self.display_stats["connections"] += 1
                event = {}
                while not self.stop_displays.is_set():
                    line = response.readline()
                    if not line:
                        break  # the stream's lifetime is over, or the process is at its limit: reconnect
                    line = line.decode("utf-8").rstrip("\r\n")
                    if not line:
                        if event.get("data") and event.get("event") in ("call", "recall"):
                            self.saw(k, event)
                        if "id" in event:
                            last_id = event["id"]
                        event = {}
                    elif line.startswith(":"):
                        if "busy" in line:
                            with self.lock:
                                self.display_stats["busy"] += 1
                    elif ":" in line:
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "retry" and value.isdigit():
                            retry = min(10.0, int(value) / 1000)
                        else:
                            event[field] = event.get(field, "") + value if field == "data" else value
            except (OSError, http.client.HTTPException) as exc:
                if not self.stop_displays.is_set():
                    self.fail("display", f"{type(exc).__name__}: {exc}")
            finally:
                conn.close()
            if not self.stop_displays.is_set():
                with self.lock:
                    self.display_stats["reconnects"] += 1
                self.stop_displays.wait(retry)

    def saw(self, k: int, event: dict) -> None:
        arrived = time.time()
        try:
            data = json.loads(event["data"])
        except ValueError:
            self.fail("display", f"data {event['data'][:80]}")
            return
        if event["event"] != "call":
            return
        key = (str(data.get("ticket", "")), int(str(data.get("counter") or 0).strip() or 0))
        with self.lock:
            self.seen[k].setdefault(key, arrived)

    # -- a phone following its ticket
    def phone(self) -> None:
        every = self.spec["phone_seconds"]
        browser = Client(self.port)
        while (row := self.phones.get()) is not None:
            try:
                t0 = time.perf_counter()
                status, _, _ = browser.request("GET", f"/sanh/ve/{row['token']}/")
                if status != 200:
                    self.fail("phone", f"page {status}")
                    continue
                self.note("phone_page", (time.perf_counter() - t0) * 1000)
                while time.time() < self.work_end:
                    time.sleep(every)
                    t0 = time.perf_counter()
                    status, out = browser.json("GET", f"/sanh/ve/{row['token']}/trang-thai.json")
                    if status != 200:
                        self.fail("phone", f"status {status}")
                        break
                    self.note("phone_status", (time.perf_counter() - t0) * 1000)
                    if out.get("final") or out.get("state") not in ("waiting", "called", "serving"):
                        break
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.fail("phone", f"{type(exc).__name__}: {exc}")
        browser.close()

    def run(self) -> dict:
        spec = self.spec
        officers = [threading.Thread(target=self.officer, args=(k,)) for k in range(len(spec["tokens"]))]
        boards = [threading.Thread(target=self.board, args=(k,)) for k in range(len(spec["boards"]))]
        displays = ([threading.Thread(target=self.display, args=(k,), daemon=True) for k in range(len(spec["displays"]))]
                    if spec["routes"]["display"] else [])
        phones = ([threading.Thread(target=self.phone) for _ in range(spec["phones"])] if spec["routes"]["phone"] else [])
        dealer = threading.Thread(target=self.dealer)
        for t in displays + officers + boards + phones + [dealer]:
            t.start()
        dealer.join()
        for t in boards:
            t.join()
        self.arrivals_done.set()
        for t in officers:
            t.join()
        for _ in phones:
            self.phones.put(None)
        for t in phones:
            t.join()
        # The last calls' events on their way (a display turned away at its process's stream limit comes back
        # 4–9 s later and catches up): wait until every display has every call, at most 20 s.
        deadline = time.time() + 20
        while displays and time.time() < deadline:
            with self.lock:
                wanted = {(code, counter) for code, counter, _ in self.calls}
                if all(wanted <= set(self.seen.get(k, {})) for k in range(len(displays))):
                    break
            time.sleep(0.5)
        self.stop_displays.set()
        for t in displays:
            t.join(timeout=35)
        latencies, missed, missed_by = [], 0, {}
        for k in range(len(displays)):
            seen = self.seen.get(k, {})
            for code, counter, answered in self.calls:
                arrived = seen.get((code, counter))
                if arrived is None:
                    missed += 1
                    missed_by[k + 1] = missed_by.get(k + 1, 0) + 1
                else:
                    latencies.append(max(0.0, arrived - answered) * 1000)
        return {"times": self.times, "errors": self.errors, "samples": self.samples, "taken": self.taken,
                "calls": len(self.calls), "display_ms": latencies, "display_missed": missed, "missed_by": missed_by,
                "display_stats": self.display_stats, "outcomes": self.outcomes, "phones": self.phone_count}


def run_load(spec_file: str, out_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    Path(out_file).write_text(json.dumps(Load(spec).run()))


# --- main ------------------------------------------------------------------------------------------------------
def figures(values: list[float]) -> str:
    if not values:
        return "0 lần"
    return (f"{len(values)} lần, p50 {statistics.median(values):.0f} ms, p95 {pct(values, 95):.0f} ms, "
            f"max {max(values):.0f} ms")


def verdict(values: list[float], target: float) -> str:
    return "ĐẠT" if values and pct(values, 95) < target else "CHƯA ĐẠT"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-hall")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--hours", type=float, default=4.0, help="the morning's length from 07:30")
    parser.add_argument("--speed", type=float, default=60.0, help="simulated seconds per real second")
    parser.add_argument("--overtime", type=float, default=60.0, help="minutes the counters serve after the last arrival")
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--boards", type=int, default=5)
    parser.add_argument("--displays", type=int, default=10)
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--phone-seconds", type=float, default=20.0, help="the phone page's refresh (its default)")
    parser.add_argument("--appointments", type=int, default=12)
    parser.add_argument("--board-via", choices=("auto", "form", "api"), default="auto")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: lienthong serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per server process")
    parser.add_argument("--held-out-estimates", action=argparse.BooleanOptionalAction, default=True,
                        help="also run bench/hall_estimates.py (learned vs naive on held-out days) when it exists")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--load", nargs=2, metavar=("SPEC", "OUT"), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.load:
        run_load(*args.load)
        return
    args.counters = min(args.counters, 20) if args.counters > 0 else 20
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    setup_django(args)
    from django.db import connection

    from lienthong.hall.models import HallEvent, HallRating, Ticket

    hall = build(args)
    routes = probe_routes(hall["displays"][0] if hall["displays"] else "x", hall["boards"][0])
    print(f"cơ sở dữ liệu: {connection.vendor}; chuẩn bị {time.perf_counter() - t0:.1f} s; máy {os.cpu_count()} lõi "
          f"dùng chung với các helper khác, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"mô phỏng: buổi sáng {args.hours:g} giờ từ 07:30 nén {args.speed:g} lần (≈ {args.hours * 3600 / args.speed:.0f} s "
          f"+ tối đa {args.overtime:g} phút phục vụ nốt); {args.tickets} vé ({args.appointments} lịch hẹn), "
          f"{args.counters} quầy, {args.boards} bảng điện tử, {args.displays} màn hình, {args.phones} điện thoại", flush=True)
    # auto: boards of two makers — the centre's own (its form) and another maker's (the API), one after the other.
    modes = {"api": ["api"] * args.boards, "form": ["form"] * args.boards,
             "auto": ["form" if k % 2 == 0 else "api" for k in range(args.boards)]}[args.board_via]
    if not routes["board_form"]:
        modes = ["api"] * args.boards
        if args.board_via != "api":
            print("  bảng điện tử: bản này chưa có biểu mẫu /sanh/bang/<key>/ve/ — mọi bảng lấy vé qua API")
    board_via = "+".join(sorted(set(modes)))
    print(f"  bảng điện tử lấy vé qua: {modes.count('form')} bảng bằng biểu mẫu của bảng (POST /sanh/bang/<key>/ve/), "
          f"{modes.count('api')} bảng qua API (X-Device-Key)")
    if not routes["display"]:
        print("  màn hình: bản này chưa có luồng sự kiện /sanh/man-hinh/<key>/su-kien/ — bỏ qua số đo gọi → màn hình")
    if not routes["phone"]:
        print("  điện thoại: bản này chưa có /sanh/ve/<token>/trang-thai.json — bỏ qua số đo trang điện thoại")

    server = None
    try:
        server, port = start_server(args)
        start_at = time.time() + 3.0
        appointments = book_appointments(hall["agency"], min(args.appointments, args.tickets), start_at, args.hours,
                                         args.speed, random.Random(args.seed + 7))
        spec = {"port": port, "seed": args.seed, "speed": args.speed, "hours": args.hours, "overtime": args.overtime,
                "tickets": args.tickets, "boards": hall["boards"], "displays": hall["displays"], "tokens": hall["tokens"],
                "priorities": hall["priorities"], "appointments": appointments, "phones": args.phones,
                "phone_seconds": args.phone_seconds, "routes": routes, "board_modes": modes, "start_at": start_at}
        spec_file, out_file = args.data_dir / "load-spec.json", args.data_dir / "load-result.json"
        spec_file.write_text(json.dumps(spec))
        out_file.unlink(missing_ok=True)
        load_avg = []
        cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
        child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--load", str(spec_file), str(out_file)],
                                 cwd=ROOT)
        while child.poll() is None:
            time.sleep(5)
            load_avg.append(os.getloadavg()[0])
        server_cpu, wall = cpu_seconds(server.pid) - cpu0, time.monotonic() - wall0
        if child.returncode != 0 or not out_file.exists():
            raise SystemExit(f"the load process failed ({child.returncode})")
        result = json.loads(out_file.read_text())
    finally:
        if server is not None:
            stop(server)

    times, errors = result["times"], Counter(result["errors"])
    print(f"tải xong sau {time.time() - start_at:.0f} s; load average trong lúc chạy: trung bình "
          f"{statistics.mean(load_avg or [0]):.1f}, cao nhất {max(load_avg or [0]):.1f}; CPU của `lienthong serve` "
          f"{server_cpu:.0f} s trong {wall:.0f} s ({server_cpu / max(wall, 1):.2f} lõi)")
    ticket = times.get("ticket", [])
    print(f"lấy vé ({board_via}): {figures(ticket)}, lỗi {errors['ticket']} — mục tiêu p95 < 200 ms: "
          f"{verdict(ticket, 200)}")
    if "+" in board_via:
        print(f"  biểu mẫu của bảng: {figures(times.get('ticket_form', []))}; API: {figures(times.get('ticket_api', []))}")
    print(f"  lịch hẹn (check-in): {figures(times.get('checkin', []))}, lỗi {errors['checkin']}")
    for name in ("open", "call", "call_empty", "recall", "start", "finish", "no_show", "transfer", "rating", "close"):
        if times.get(name) or errors[name]:
            print(f"  quầy · {name}: {figures(times.get(name, []))}, lỗi {errors[name]}")
    if routes["display"]:
        ms, stats = result["display_ms"], result["display_stats"]
        print(f"gọi → màn hình ({args.displays} màn hình × {result['calls']} lượt gọi): {figures(ms)}; không đến "
              f"{result['display_missed']}; kết nối {stats.get('connections', 0)}, nối lại {stats.get('reconnects', 0)}, "
              f"'bận' {stats.get('busy', 0)}, lỗi {errors['display']} — mục tiêu p95 < 1 s: {verdict(ms, 1000)}")
        if result["display_missed"]:
            print(f"  lượt gọi không đến, theo màn hình: {result['missed_by']} (một tiến trình giữ tối đa nửa số luồng "
                  f"của nó cho màn hình: màn hình bị 'bận' quay lại sau 4–9 s và chỉ nhận lại 50 sự kiện gần nhất)")
    else:
        print("gọi → màn hình: bỏ qua (luồng sự kiện của màn hình chưa có trong bản này)")
    if routes["phone"]:
        st = times.get("phone_status", [])
        print(f"điện thoại ({result['phones']} máy theo vé, hỏi mỗi {args.phone_seconds:g} s): trạng thái {figures(st)}; "
              f"mở trang {figures(times.get('phone_page', []))}; lỗi {errors['phone']}")
    else:
        print("điện thoại: bỏ qua (trang điện thoại của vé chưa có trong bản này)")
    print(f"lỗi: {dict(errors) or 0}")
    for sample in result["samples"]:
        print(f"  lỗi: {sample}")
    states = Counter(Ticket.objects.values_list("state", flat=True))
    print(f"vé: {sum(states.values())} ({', '.join(f'{s} {n}' for s, n in sorted(states.items()))}); "
          f"sự kiện {HallEvent.objects.count()}; đánh giá {HallRating.objects.count()}; theo quầy {dict(result['outcomes'])}")
    est = estimate_errors(result["taken"], args.speed)
    print(f"ước tính thời gian chờ (phút mô phỏng; {est['n']} vé đã được gọi, {est['warm']} vé lấy khi dịch vụ đã có "
          f"lượt phục vụ xong; chờ thật trung bình {est['mean_wait']:.1f} phút; cách ước tính máy chủ hiển thị "
          f"{est['methods']}):")
    print(f"  MAE của ước tính hiển thị lúc lấy vé: {est['shown_warm']:.1f} phút; MAE ước tính đơn giản (trung bình phục vụ × "
          f"người phía trước ÷ quầy mở) tính lại cùng lúc: {est['naive_warm']:.1f} phút (mọi vé, mặc định 8 phút khi chưa "
          f"có lịch sử: {est['naive_all']:.1f})")
    learned = [m for m in est["methods"] if m != "naive"]
    if learned:
        gain = 1 - est["shown_warm"] / est["naive_warm"] if est["naive_warm"] else float("nan")
        print(f"  ước tính học ({', '.join(learned)}) thấp hơn ước tính đơn giản {gain:.0%} — mục tiêu ≥ 30 %: "
              f"{'ĐẠT' if gain >= 0.3 else 'CHƯA ĐẠT'}")
    else:
        print("  (máy chủ hiển thị ước tính đơn giản: ước tính học cần vài ngày lịch sử, buổi sáng nén của bench không phải "
              "lịch sử thật)")
    held_out = Path(__file__).resolve().parent / "hall_estimates.py"
    if not args.held_out_estimates:
        return
    if not held_out.exists():
        print("ước tính học trên các ngày giữ lại: bản này chưa có bench/hall_estimates.py — bỏ qua")
        return
    print("ước tính học so với ước tính đơn giản trên các ngày giữ lại (bench/hall_estimates.py, cơ sở dữ liệu tạm "
          "riêng của nó):", flush=True)
    run = subprocess.run([sys.executable, str(held_out)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    for line in (run.stdout + (run.stderr if run.returncode else "")).splitlines():
        print(f"  {line}")


if __name__ == "__main__":
    main()

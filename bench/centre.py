"""One ward's one-stop centre for two working days, against the real server and a national portal with faults.

    .venv/bin/python bench/centre.py                        # SQLite in var/bench-centre-day
    .venv/bin/python bench/centre.py --database-url postgres://postgres@127.0.0.1:5432/lt_bench
    .venv/bin/python bench/centre.py --days 1 --per-day 100 --day-seconds 60 --no-faults   # a quick look

Builds its own database (migrated; made again on each run: the dossiers, the rate counters and the sessions of
an earlier run are deleted; the population extract is kept): the Rạch Giá ward centre (agency 000.00.06.H56,
commune 30742) with ten commune procedures of the catalogue (civil status, certification, residence, household
business; their components as the national database lists them), a population extract of --population people
of the ward, and --officers centre officers (role "centre", scope commune 30742), each with an API token.

Starts `lienthong portal-serve` (the reference national portal, --rate 20 pushes/s, a naive portal that keeps
duplicates so that a step sent twice would show) with faults: 5 % answered 503, 2 % connections dropped before
the push is applied and 1 % after (the answer lost), 2 % answered 2 s late, 2 % answers written twice on the
connection (the portal applying a push twice by itself is not injected: that duplicate would be the portal's,
not ours); and `lienthong serve` (gunicorn, its default processes and threads, with the job worker beside it
pushing the outbox) with LIENTHONG_PORTAL_URL/TOKEN set.

The two days are volume, compressed: --days × --per-day dossiers arrive at random times spread over
--day-seconds each (dossier codes and due dates use the real clock, so every dossier has today's date).
--online (60 %) of them are submitted online, the others at the counter:

- Counter: --officers threads, one per officer, each taking the next citizen waiting (a queue if all are
  busy): POST /api/v1/dossiers/intake with the officer's token, the citizen's chip-card QR text (as a scanner
  types it) and the procedure's code, then GET the receipt (form 01, A5 PDF) it points to. Timed: scan → PDF.
- Online: each citizen is a new browser from its own address (the server trusts X-Forwarded-For:
  LIENTHONG_TRUST_X_FORWARDED_FOR=1, as behind the province's proxy; the public pages' per-address limits stay
  on and are counted in the database on every request): GET the procedure's page, POST its real form
  (multipart; CSRF cookie and token as a browser sends them; a one-page PDF of 1 KB for each required paper,
  and for 30 % of the optional ones), follow the redirect to the confirmation. Timed: the POST (until the
  dossier is stored and the redirect answered), and the three requests together.
- Tracking: --trackers threads for the whole run, each a citizen after another (a new address each): open the
  tracking link (?ma=code, the receipt's QR), give the code and the ID number (POST), see the dossier, then
  look again --polls times, --poll-seconds apart (± 50 %). Timed: every tracking request.
- Back office: officers accept online dossiers (3 % refused, 5 % asked for a supplement), hand them on,
  finish them and return the result, each step some fraction of a day after the one before; a step falling
  after the last day is not taken (the dossier stays open). These run in the bench's own process through
  onestop.lifecycle (there is no API for them), against the same database, as the desk's pages would.

The HTTP load runs in a child process without Django (its threads do not wait on the back office's GIL).
At the end: the outbox is left to drain (PortalOutbox rows unsent = 0, or --drain-timeout), then every dossier
is asked of the portal (its status endpoint: state and the seqs of the steps it holds) and compared with ours:
dossiers at the portal vs ours, lost (ours missing at the portal, a step missing, a state that differs) and
duplicated (the portal's duplicate_steps) — must be 0 and 0. OCR: the online page stores the citizens' files
without queueing OCR (the digitising of counter scans is the desk's), so the worker runs none; the count of
components waiting for OCR is printed. The machine is shared: the load average is printed beside the figures.
"""
from __future__ import annotations

import argparse
import heapq
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import date
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
AGENCY = ("000.00.06.H56", "Trung tâm Phục vụ hành chính công phường Rạch Giá", "30742")
PORTAL_TOKEN = "bench-portal-token"
FAULTS = ["--fault-5xx", "0.05", "--fault-drop", "0.02", "--fault-drop-after", "0.01", "--fault-slow", "0.02",
          "--fault-slow-seconds", "2", "--fault-reply-twice", "0.02", "--seed", "1010"]
# Ten commune procedures of the shipped catalogue (src/lienthong/onestop/data on the catalogue branch):
# national code, name, field, working days, working hours, fee, online level, [(paper, originals, copies, required)].
PROCEDURES = [
    ("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", None, 8, 0, "full", [
        ("Tờ khai đăng ký khai sinh theo mẫu", 1, 0, True),
        ("Bản chính Giấy chứng sinh; không có thì văn bản của người làm chứng hoặc giấy cam đoan về việc sinh", 1, 0, True),
        ("Văn bản ủy quyền có chứng thực (trường hợp ủy quyền đăng ký khai sinh)", 1, 0, False)]),
    ("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", 5, None, 0, "full", [
        ("Tờ khai đăng ký kết hôn theo mẫu", 1, 0, True),
        ("Giấy xác nhận tình trạng hôn nhân (khi người yêu cầu không thường trú tại nơi đăng ký)", 1, 0, False)]),
    ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, None, 0, "full", [
        ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu", 1, 0, True),
        ("Giấy tờ chứng minh việc ly hôn hoặc người kia đã chết (nếu có)", 0, 1, False)]),
    ("1.004859", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", "Hộ tịch", 3, None, 0,
     "full", [("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch theo mẫu", 1, 0, True),
              ("Giấy tờ làm căn cứ thay đổi, cải chính, bổ sung", 0, 1, True)]),
    ("2.000635", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", "Hộ tịch", None, 8, 8000, "full", [
        ("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", 1, 0, True),
        ("Văn bản ủy quyền (trường hợp ủy quyền)", 1, 0, False)]),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; "
     "cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận", "Chứng thực", None, 8, 2000, "partial", [
        ("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", 1, 0, True),
        ("Bản sao cần chứng thực", 0, 1, True)]),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", None, 8, 10000, "partial", [
        ("Giấy tờ, văn bản mà mình sẽ ký", 1, 0, True),
        ("Giấy tờ tùy thân còn giá trị của người yêu cầu chứng thực", 1, 0, True)]),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, None, 0, "full", [
        ("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0, True),
        ("Bản sao biên bản họp thành viên hộ gia đình (hộ gia đình đăng ký)", 0, 1, False)]),
    ("1.004194", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", 7, None, 0, "full", [
        ("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", 1, 0, True),
        ("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", 0, 1, True)]),
    ("1.004222", "Đăng ký tạm trú", "Đăng ký, quản lý cư trú", 3, None, 0, "full", [
        ("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", 1, 0, True),
        ("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", 0, 1, True)]),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lâm"]
MEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Lộc", "Minh", "Nam", "Phúc", "Tâm", "Tư", "Khoa", "Thắng"]
WOMEN = ["Anh", "Bích", "Châu", "Diễm", "Hà", "Hạnh", "Lan", "Linh", "Mai", "Ngọc", "Phương", "Thảo", "Trang", "Yến"]


# --- the people of the ward ------------------------------------------------------------------------------------
def person(i: int) -> dict:
    """Citizen i of the extract: a CCCD of Kiên Giang (091) whose 4th digit (century and gender) and 5th–6th
    (year of birth) agree with the birth date and gender, as the card's checks demand."""
    woman = i % 2 == 1
    year = 1955 + (i * 7) % 50  # 1955-2004
    century = (0 if year < 2000 else 2) + (1 if woman else 0)
    birth = date(year, 1 + i % 12, 1 + (i // 12) % 28)
    given = (WOMEN if woman else MEN)[(i // 14) % 14]
    name = f"{FAMILY[i % 14]} {'Thị' if woman else 'Văn'} {given}"
    return {"cccd": f"091{century}{year % 100:02d}{i:06d}", "name": name, "birth": birth.isoformat(),
            "gender": "nữ" if woman else "nam", "address": f"Khu phố {1 + i % 9}, phường Rạch Giá, tỉnh An Giang"}


def card_qr(p: dict) -> str:
    """The chip card's QR code as a scanner types it (CCCD|CMND|name|DDMMYYYY|gender|address|issued, CR/LF)."""
    birth = date.fromisoformat(p["birth"])
    issued = date(max(birth.year + 14, 2021), 5, 10)
    gender = "Nữ" if p["gender"] == "nữ" else "Nam"
    return f"{p['cccd']}||{p['name']}|{birth:%d%m%Y}|{gender}|{p['address']}|{issued:%d%m%Y}\r\n"


# --- Django side: the database, the servers, the back office, the comparison -----------------------------------
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


def _create_pg_database(url: str) -> None:
    """CREATE DATABASE when the URL names a PostgreSQL database that does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def build(args) -> tuple[list, dict]:
    """The centre, its procedures, the people and the officers (made again each run but the people); returns the
    officers and the raw API tokens by username."""
    from django.contrib.sessions.models import Session

    from lienthong.accounts.models import AreaScope, RateCounter, User
    from lienthong.api.models import ApiToken
    from lienthong.onestop.models import Agency, Dossier, Procedure, ProcedureComponent
    from lienthong.population.models import Citizen
    from lienthong.population.source import name_keys

    Dossier.objects.all().delete()  # steps, components, outbox rows with them
    RateCounter.objects.all().delete()
    Session.objects.all().delete()
    if Citizen.objects.count() != args.population:
        Citizen.objects.all().delete()
        batch = []
        for i in range(args.population):
            p = person(i)
            folded, fam, giv = name_keys(p["name"])
            birth = date.fromisoformat(p["birth"])
            batch.append(Citizen(cccd=p["cccd"], full_name=p["name"], birth_date=birth, birth_year=birth.year,
                                 gender=p["gender"], commune_code=AGENCY[2], address=p["address"], name_folded=folded,
                                 family_key=fam, given_folded=giv))
            if len(batch) == 5000:
                Citizen.objects.bulk_create(batch)
                batch = []
        Citizen.objects.bulk_create(batch)
    agency, _ = Agency.objects.update_or_create(code=AGENCY[0], defaults=dict(name=AGENCY[1], commune_code=AGENCY[2],
                                                                              level=Agency.Level.COMMUNE))
    for national, name, field, days, hours, fee, online, papers in PROCEDURES:
        procedure, created = Procedure.objects.update_or_create(
            code=f"{national}.000.00.00.H56", defaults=dict(
                national_code=national, name=name, field=field, level=Procedure.Level.COMMUNE, processing_days=days,
                processing_hours=hours, fee_amount=fee, online_level=online, active=True))
        procedure.agencies.add(agency)
        if created or not procedure.components.exists():
            for k, (paper, originals, copies, required) in enumerate(papers, start=1):
                ProcedureComponent.objects.create(procedure=procedure, position=k, name=paper, originals=originals,
                                                  copies=copies, required=required)
    officers, tokens = [], {}
    for k in range(args.officers):
        user, created = User.objects.get_or_create(username=f"bench_motcua_{k:02d}", defaults={
            "role": "centre", "first_name": f"Cán bộ {k + 1:02d}", "last_name": ""})
        AreaScope.objects.get_or_create(user=user, commune_code=AGENCY[2])
        ApiToken.objects.filter(user=user).delete()
        tokens[user.username] = ApiToken.issue(user, "bench centre")[1]
        officers.append(user)
    return officers, tokens


def small_pdf(path: Path) -> None:
    """A one-page scan stand-in (about 1 KB), the file every online paper is sent as."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Giay to kem theo ho so (ban chup)")
    path.write_bytes(bytes(pdf.output()))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def figures(values: list[float]) -> str:
    if not values:
        return "0 lần"
    return (f"{len(values)} lần, p50 {statistics.median(values):.0f} ms, p95 {pct(values, 95):.0f} ms, "
            f"max {max(values):.0f} ms")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_portal(args) -> tuple[subprocess.Popen, str, Path]:
    log = Path(args.data_dir) / "portal-serve.log"
    out = open(log, "w")
    cmd = [sys.executable, "-m", "lienthong.cli", "portal-serve", "--port", "0", "--token", PORTAL_TOKEN, "--rate",
           str(args.portal_rate), "--keep-duplicates", *(FAULTS if args.faults else [])]
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not (m := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("portal-serve did not start:\n" + log.read_text())
        time.sleep(0.1)
    return proc, m.group(1), log


def start_server(args, portal_url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "LIENTHONG_PORTAL_URL": portal_url, "LIENTHONG_PORTAL_TOKEN": PORTAL_TOKEN,
           "LIENTHONG_TRUST_X_FORWARDED_FOR": "1"}
    cmd = [sys.executable, "-m", "lienthong.cli", "serve", "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    log = open(Path(args.data_dir) / "serve.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd=ROOT)
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


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and all its descendants so far (Linux /proc; 0 elsewhere)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        parent, used = {}, {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parent[int(entry.name)], used[int(entry.name)] = int(fields[1]), int(fields[11]) + int(fields[12])
    except (OSError, ValueError, AttributeError):
        return 0.0
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [p for p, pp in parent.items() if pp == pid and p not in tree]
    return sum(used.get(p, 0) for p in tree) / ticks


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class BackOffice:
    """The officers' work behind the counter, in this process through onestop.lifecycle: new dossiers are seen
    by polling the database (as the desk's list would show them); each one's next step is due some fraction
    of a day later; steps due after `stop_at` are not taken."""

    def __init__(self, officers: list, day_seconds: float, stop_at: float, seed: int, threads: int = 3):
        self.officers, self.day, self.stop_at = officers, day_seconds, stop_at
        self.rng = random.Random(seed)
        self.heap: list = []
        self.cv = threading.Condition()
        self.done = threading.Event()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.samples: list[str] = []
        self.seen = 0
        self.threads = [threading.Thread(target=self._poll, daemon=True)]
        self.threads += [threading.Thread(target=self._work, daemon=True) for _ in range(threads)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        self.done.set()
        with self.cv:
            self.cv.notify_all()
        for t in self.threads:
            t.join()

    def _plan(self, channel: int) -> list[str]:
        r = self.rng.random()
        if channel == 2:  # online: reception first
            if r < 0.03:
                return ["refuse"]
            if r < 0.08:
                return ["accept", "request_supplement"]
            return ["accept", "assign", "finish", "return_result"]
        if r < 0.05:
            return ["assign", "request_supplement"]
        return ["assign", "finish", "return_result"]

    DELAY = {"accept": (0.02, 0.15), "refuse": (0.02, 0.15), "assign": (0.02, 0.15), "request_supplement": (0.05, 0.2),
             "finish": (0.1, 0.5), "return_result": (0.05, 0.3)}

    def _schedule(self, dossier_id: int, actions: list[str]) -> None:
        if not actions:
            return
        lo, hi = self.DELAY[actions[0]]
        due = time.time() + self.rng.uniform(lo, hi) * self.day
        with self.cv:
            heapq.heappush(self.heap, (due, dossier_id, actions))
            self.cv.notify()

    def _poll(self) -> None:
        from django.db import connection

        from lienthong.onestop.models import Dossier

        try:
            while not self.done.is_set():
                for pk, channel in Dossier.objects.filter(pk__gt=self.seen).order_by("pk").values_list("pk", "channel"):
                    self.seen = pk
                    self._schedule(pk, self._plan(channel))
                self.done.wait(0.5)
        finally:
            connection.close()

    def _work(self) -> None:
        from django.db import connection

        from lienthong.onestop import lifecycle
        from lienthong.onestop.models import Dossier

        notes = {"refuse": "Hồ sơ không thuộc thẩm quyền giải quyết của phường.",
                 "request_supplement": "Đề nghị bổ sung bản chính giấy tờ làm căn cứ."}
        try:
            while True:
                with self.cv:
                    while not self.done.is_set() and (not self.heap or self.heap[0][0] > time.time()):
                        self.cv.wait(timeout=min(0.5, max(0.01, self.heap[0][0] - time.time())) if self.heap else 0.5)
                    if self.done.is_set():
                        return
                    due, pk, actions = heapq.heappop(self.heap)
                if due > self.stop_at:
                    continue  # after the last day: the dossier stays as it is
                action, officer = actions[0], self.rng.choice(self.officers)
                handler = self.rng.choice(self.officers)
                t0 = time.perf_counter()
                try:
                    lifecycle.step(Dossier.objects.get(pk=pk), officer, action, note=notes.get(action, ""),
                                   handed_to=handler if action == "assign" else None,
                                   department="Bộ phận chuyên môn" if action == "assign" else "")
                except Exception as exc:  # noqa: BLE001 - counted and shown; the bench goes on
                    self.errors[action] += 1
                    if len(self.samples) < 5:
                        self.samples.append(f"{action}: {type(exc).__name__}: {exc}")
                    continue
                self.times[action].append((time.perf_counter() - t0) * 1000)
                self._schedule(pk, actions[1:])
        finally:
            connection.close()


def wait_for_outbox(timeout: float) -> tuple[float, int]:
    """Seconds until no outbox row waits (or the timeout), and the rows still waiting."""
    from lienthong.onestop.models import PortalOutbox

    t0 = time.monotonic()
    while True:
        left = PortalOutbox.objects.filter(sent_at__isnull=True).count()
        if left == 0 or time.monotonic() - t0 > timeout:
            return time.monotonic() - t0, left
        time.sleep(1.0)


def compare_with_portal(portal_url: str) -> dict:
    """Every dossier of ours against what the portal holds (its status endpoint, 100 codes a call)."""
    from django.db.models import Count

    from lienthong.nationalportal.client import PortalClient
    from lienthong.onestop.models import Dossier

    ours = {d["portal_code"] or d["code"]: d for d in
            Dossier.objects.annotate(n=Count("steps")).values("code", "portal_code", "state", "n")}
    with PortalClient(portal_url, PORTAL_TOKEN, timeout=30) as client:
        held = client.status(list(ours))
    missing = [c for c in ours if c not in held]
    state_differs = [c for c, d in ours.items() if c in held and held[c].state != d["state"]]
    steps_missing = sum(len(set(range(1, d["n"] + 1)) - set(held[c].seqs)) for c, d in ours.items() if c in held)
    dossiers_short = sum(1 for c, d in ours.items() if c in held and not set(range(1, d["n"] + 1)) <= set(held[c].seqs))
    extra_seqs = sum(len(set(held[c].seqs) - set(range(1, d["n"] + 1))) for c, d in ours.items() if c in held)
    conn = http.client.HTTPConnection(portal_url.split("//")[1], timeout=30)
    conn.request("GET", "/control/stats", headers={"Authorization": f"Bearer {PORTAL_TOKEN}"})
    stats = json.loads(conn.getresponse().read())
    conn.close()
    return {"ours": len(ours), "steps_ours": sum(d["n"] for d in ours.values()), "portal": stats.get("dossiers", 0),
            "missing": missing, "state_differs": state_differs, "steps_missing": steps_missing,
            "dossiers_short": dossiers_short, "extra_seqs": extra_seqs, "stats": stats.get("stats", {})}


# --- the HTTP load (child process, no Django) ---------------------------------------------------------------------
class FormReader(HTMLParser):
    """A browser's view of one form on a page (by its data-testid: the site's header has forms of its own): the
    values it would send, its file inputs, and which papers are marked required (data-component blocks holding a
    "required" mark)."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid = testid
        self.fields: dict[str, str] = {}
        self.files: list[str] = []
        self.required: set[str] = set()
        self.component = None
        self.in_form = self.done = False
        self.select = self.textarea = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done:
            return
        if tag == "form" and a.get("data-testid") == self.testid:
            self.in_form = True
        if not self.in_form:
            return
        if a.get("data-component"):
            self.component = a["data-component"]
        if tag == "span" and "required" in (a.get("class") or "").split() and self.component:
            self.required.add(self.component)
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select, self.first_option = a.get("name"), None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.fields.setdefault(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.fields.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def read_form(html: str, testid: str) -> FormReader:
    reader = FormReader(testid)
    reader.feed(html)
    return reader


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    # Hand-written (a dozen lines): the load process imports nothing outside the standard library.
    boundary = "----lienthong" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                   f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One client: its own connection (kept alive), cookies and, for citizens, its own address."""

    def __init__(self, port: int, address: str = "", token: str = ""):
        self.port, self.address, self.token = port, address, token
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        h = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "bench-centre", "Accept-Language": "vi"}
        if self.address:
            h["X-Forwarded-For"] = self.address
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST" and not self.token:
            h["Origin"] = f"http://127.0.0.1:{self.port}"
            h["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        h.update(headers or {})
        self.conn.request(method, path, body=body, headers=h)
        response = self.conn.getresponse()
        data = response.read()
        for line in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(line)
            for k, morsel in jar.items():
                self.cookies[k] = morsel.value
        return response.status, response.headers, data


class Load:
    def __init__(self, spec: dict):
        self.spec = spec
        self.port = spec["port"]
        self.rng = random.Random(spec["seed"])
        self.pdf = Path(spec["pdf"]).read_bytes()
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.samples: list[str] = []
        self.known: list[tuple[str, str]] = []  # (code, CCCD) a citizen may track
        self.created: list[str] = []
        self.addresses = iter(range(1, 10**7))
        self.waits: list[float] = []
        arrivals = []
        for day in range(spec["days"]):
            online = round(spec["per_day"] * spec["online"])
            kinds = ["online"] * online + ["counter"] * (spec["per_day"] - online)
            for kind in kinds:
                arrivals.append((day * spec["day_seconds"] + self.rng.uniform(0, spec["day_seconds"]), kind,
                                 self.rng.randrange(len(spec["people"])), self.rng.randrange(len(spec["procedures"]))))
        arrivals.sort()
        self.queues = {k: [a for a in arrivals if a[1] == k] for k in ("counter", "online")}
        self.total = spec["days"] * spec["day_seconds"]

    def address(self) -> str:
        with self.lock:
            n = next(self.addresses)
        return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def note(self, kind: str, ms: float) -> None:
        with self.lock:
            self.times[kind].append(ms)

    def fail(self, kind: str, text: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < 12:
                self.samples.append(f"{kind}: {text[:300]}")

    def next_arrival(self, kind: str):
        with self.lock:
            queue = self.queues[kind]
            return queue.pop(0) if queue else None

    def wait_until(self, at: float) -> None:
        delay = self.spec["start_at"] + at - time.time()
        if delay > 0:
            time.sleep(delay)
        else:
            with self.lock:
                self.waits.append(-delay)

    # -- the counter
    def officer(self, token: str) -> None:
        while (arrival := self.next_arrival("counter")) is not None:
            at, _, who, which = arrival
            self.wait_until(at)
            p, procedure = self.spec["people"][who], self.spec["procedures"][which]
            browser = Browser(self.port, token=token)
            try:
                t0 = time.perf_counter()
                body = json.dumps({"qr": card_qr(p), "procedure": procedure["code"], "phone": "0912345678"}).encode()
                status, _, data = browser.request("POST", "/api/v1/dossiers/intake", body,
                                                  {"Content-Type": "application/json"})
                if status != 201:
                    self.fail("intake", f"{status} {data[:200]!r}")
                    continue
                answer = json.loads(data)
                path = "/" + answer["receipt_pdf_url"].split("/", 3)[3]
                status, headers, pdf = browser.request("GET", path)
                ms = (time.perf_counter() - t0) * 1000
                if status != 200 or not pdf.startswith(b"%PDF"):
                    self.fail("intake", f"receipt {status} {pdf[:100]!r}")
                    continue
                self.note("intake", ms)
                with self.lock:
                    self.known.append((answer["code"], p["cccd"]))
                    self.created.append(answer["code"])
                    self.times["check_" + answer["applicant_check"]].append(0)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                self.fail("intake", f"{type(exc).__name__}: {exc}")
            finally:
                browser.close()

    # -- online
    def citizen(self) -> None:
        while (arrival := self.next_arrival("online")) is not None:
            at, _, who, which = arrival
            self.wait_until(at)
            p, procedure = self.spec["people"][who], self.spec["procedures"][which]
            browser = Browser(self.port, address=self.address())
            page = f"/dich-vu-cong/thu-tuc/{procedure['code']}/nop/"
            try:
                t0 = time.perf_counter()
                status, _, html = browser.request("GET", page)
                if status != 200:
                    self.fail("online", f"form {status}")
                    continue
                form = read_form(html.decode(), "submit-form")
                birth = date.fromisoformat(p["birth"])
                fields = {**form.fields, "cccd": p["cccd"], "full_name": p["name"], "birth_date": f"{birth:%d/%m/%Y}",
                          "phone": f"09{self.rng.randrange(10**8):08d}", "email": "", "address": "",
                          "request_text": ""}
                files = {}
                for name in form.files:
                    component = name.rsplit("-", 1)[1]
                    with self.lock:
                        extra = self.rng.random() < 0.3
                    if component in form.required or extra:
                        files[name] = (f"giay-to-{component}.pdf", self.pdf)
                body, content_type = multipart(fields, files)
                t1 = time.perf_counter()
                status, headers, data = browser.request("POST", page, body, {"Content-Type": content_type})
                t2 = time.perf_counter()
                location = headers.get("Location", "")
                m = re.search(r"/dich-vu-cong/da-nop/([^/]+)/", location)
                if status != 302 or m is None:
                    errors = re.findall(r'class="error"[^>]*>([^<]+)<', data.decode(errors="replace"))
                    self.fail("online", f"{status} {location} {errors[:3]}")
                    continue
                status, _, page_html = browser.request("GET", m.group(0))
                t3 = time.perf_counter()
                if status != 200 or m.group(1).encode() not in page_html:
                    self.fail("online", f"confirmation {status}")
                    continue
                self.note("online_post", (t2 - t1) * 1000)
                self.note("online_flow", (t3 - t0) * 1000)
                with self.lock:
                    self.known.append((m.group(1), p["cccd"]))
                    self.created.append(m.group(1))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.fail("online", f"{type(exc).__name__}: {exc}")
            finally:
                browser.close()

    # -- tracking
    def tracker(self, k: int) -> None:
        rng = random.Random(self.spec["seed"] * 1000 + k)
        end = self.spec["start_at"] + self.total
        while time.time() < end:
            with self.lock:
                pick = rng.choice(self.known) if self.known else None
            if pick is None:
                time.sleep(0.5)
                continue
            code, cccd = pick
            browser = Browser(self.port, address=self.address())
            link = f"/dich-vu-cong/tra-cuu/?ma={code}"
            try:
                t0 = time.perf_counter()
                status, _, html = browser.request("GET", link)
                self.note("track_form", (time.perf_counter() - t0) * 1000)
                if status != 200:
                    self.fail("track", f"form {status}")
                    continue
                form = read_form(html.decode(), "track-form")
                body = urlencode({**form.fields, "action": "track", "ma": code, "cccd": cccd})
                t0 = time.perf_counter()
                status, headers, _ = browser.request("POST", "/dich-vu-cong/tra-cuu/", body.encode(),
                                                     {"Content-Type": "application/x-www-form-urlencoded"})
                self.note("track_lookup", (time.perf_counter() - t0) * 1000)
                if status != 302:
                    self.fail("track", f"lookup {status}")
                    continue
                for n in range(1 + self.spec["polls"]):
                    if n:
                        time.sleep(self.spec["poll_seconds"] * rng.uniform(0.5, 1.5))
                        if time.time() >= end:
                            break
                    t0 = time.perf_counter()
                    status, _, page = browser.request("GET", link)
                    ms = (time.perf_counter() - t0) * 1000
                    if status != 200 or code.encode() not in page or b"track-form" in page:
                        self.fail("track", f"view {status}")
                        break
                    self.note("track_view", ms)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.fail("track", f"{type(exc).__name__}: {exc}")
            finally:
                browser.close()

    def run(self) -> dict:
        threads = [threading.Thread(target=self.officer, args=(t,)) for t in self.spec["tokens"]]
        threads += [threading.Thread(target=self.citizen) for _ in range(self.spec["citizens"])]
        threads += [threading.Thread(target=self.tracker, args=(k,)) for k in range(self.spec["trackers"])]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return {"times": self.times, "errors": self.errors, "samples": self.samples, "created": self.created,
                "late_starts": len([w for w in self.waits if w > 1.0]), "max_late": max(self.waits, default=0.0)}


def run_load(spec_file: str, out_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    result = Load(spec).run()
    Path(out_file).write_text(json.dumps(result))


# --- main ------------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-centre-day")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--per-day", type=int, default=350)
    parser.add_argument("--day-seconds", type=float, default=150.0, help="a working day compressed to this")
    parser.add_argument("--online", type=float, default=0.6, help="share of the dossiers submitted online")
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--citizens", type=int, default=20, help="online submissions that may be under way at once")
    parser.add_argument("--trackers", type=int, default=50)
    parser.add_argument("--polls", type=int, default=4, help="looks at the dossier after the first")
    parser.add_argument("--poll-seconds", type=float, default=2.0)
    parser.add_argument("--population", type=int, default=5000)
    parser.add_argument("--faults", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--portal-rate", type=float, default=20.0, help="pushes per second the portal allows")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: lienthong serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per server process")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--load", nargs=2, metavar=("SPEC", "OUT"), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.load:
        run_load(*args.load)
        return
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    setup_django(args)
    from django.db import connection

    from lienthong.onestop.models import Dossier, DossierComponent, DossierStep, PortalOutbox, Procedure, State

    officers, tokens = build(args)
    pdf = args.data_dir / "giay-to.pdf"
    small_pdf(pdf)
    print(f"cơ sở dữ liệu: {connection.vendor}; chuẩn bị {time.perf_counter() - t0:.1f} s ({args.population} công dân, "
          f"{len(PROCEDURES)} thủ tục, {args.officers} cán bộ); máy {os.cpu_count()} lõi dùng chung với các helper khác, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"mô phỏng: {args.days} ngày × {args.per_day} hồ sơ ({args.online:.0%} trực tuyến), mỗi ngày nén còn "
          f"{args.day_seconds:g} s; {args.officers} cán bộ ở quầy, {args.trackers} người tra cứu cùng lúc; cổng quốc gia "
          f"{'có lỗi: ' + ' '.join(FAULTS) if args.faults else 'không lỗi'}", flush=True)

    portal, portal_url, portal_log = start_portal(args)
    server = None
    try:
        server, port = start_server(args, portal_url)
        people = [person(i) for i in range(args.population)]
        procedures = [{"code": c} for c in Procedure.objects.filter(agencies__code=AGENCY[0]).order_by("code")
                      .values_list("code", flat=True)]
        start_at = time.time() + 2.0
        total = args.days * args.day_seconds
        spec = {"port": port, "seed": args.seed, "pdf": str(pdf), "days": args.days, "per_day": args.per_day,
                "day_seconds": args.day_seconds, "online": args.online, "people": people, "procedures": procedures,
                "tokens": list(tokens.values()), "citizens": args.citizens, "trackers": args.trackers,
                "polls": args.polls, "poll_seconds": args.poll_seconds, "start_at": start_at}
        spec_file, out_file = args.data_dir / "load-spec.json", args.data_dir / "load-result.json"
        spec_file.write_text(json.dumps(spec))
        out_file.unlink(missing_ok=True)
        office = BackOffice(officers, args.day_seconds, start_at + total, args.seed)
        office.start()
        load_avg = []
        cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
        child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--load", str(spec_file), str(out_file)],
                                 cwd=ROOT)
        backlog = []
        while child.poll() is None:
            time.sleep(5)
            load_avg.append(os.getloadavg()[0])
            backlog.append(PortalOutbox.objects.filter(sent_at__isnull=True).count())
        office.join()
        server_cpu, wall = cpu_seconds(server.pid) - cpu0, time.monotonic() - wall0
        if child.returncode != 0 or not out_file.exists():
            raise SystemExit(f"the load process failed ({child.returncode})")
        result = json.loads(out_file.read_text())
        print(f"tải xong sau {time.time() - start_at:.0f} s; load average trong lúc chạy: trung bình "
              f"{statistics.mean(load_avg or [0]):.1f}, cao nhất {max(load_avg or [0]):.1f}; CPU của `lienthong serve` "
              f"(gunicorn và worker) {server_cpu:.0f} s trong {wall:.0f} s ({server_cpu / wall:.2f} lõi)", flush=True)
        drained, left = wait_for_outbox(args.drain_timeout)
        report = compare_with_portal(portal_url)
    finally:
        if server is not None:
            stop(server)
        stop(portal)

    times, errors = result["times"], Counter(result["errors"])
    intake = times.get("intake", [])
    track = times.get("track_form", []) + times.get("track_lookup", []) + times.get("track_view", [])
    checks = {k[6:]: len(v) for k, v in times.items() if k.startswith("check_")}
    print(f"tiếp nhận tại quầy (quét QR → PDF giấy tiếp nhận, 2 yêu cầu): {figures(intake)}, lỗi {errors['intake']} "
          f"— mục tiêu p95 < 300 ms: {'ĐẠT' if intake and pct(intake, 95) < 300 else 'CHƯA ĐẠT'}; "
          f"kiểm tra người nộp {checks}")
    print(f"nộp trực tuyến (POST biểu mẫu có tệp → chuyển hướng): {figures(times.get('online_post', []))}, "
          f"lỗi {errors['online']}")
    print(f"  cả lượt (mở trang, nộp, trang xác nhận): {figures(times.get('online_flow', []))}")
    print(f"tra cứu (mọi yêu cầu của người tra cứu): {figures(track)}, lỗi {errors['track']} — mục tiêu p95 < 100 ms: "
          f"{'ĐẠT' if track and pct(track, 95) < 100 else 'CHƯA ĐẠT'}")
    print(f"  mở liên kết ?ma=: {figures(times.get('track_form', []))}; mã + CCCD (POST): "
          f"{figures(times.get('track_lookup', []))}; xem hồ sơ: {figures(times.get('track_view', []))}")
    if result["late_starts"]:
        print(f"  (người đến không được phục vụ ngay quá 1 s: {result['late_starts']}, trễ nhất {result['max_late']:.1f} s)")
    for sample in result["samples"]:
        print(f"  lỗi: {sample}")
    print("xử lý phía sau (trong tiến trình bench, qua onestop.lifecycle): " + "; ".join(
        f"{a} {len(v)} (p95 {pct(v, 95):.0f} ms)" for a, v in sorted(office.times.items()))
        + f"; lỗi {sum(office.errors.values())}")
    for sample in office.samples:
        print(f"  lỗi: {sample}")
    states = Counter(Dossier.objects.values_list("state", flat=True))
    print(f"hồ sơ của ta: {sum(states.values())} ({len(result['created'])} do tải tạo), "
          + ", ".join(f"{State(s).label} {n}" for s, n in sorted(states.items()))
          + f"; {DossierStep.objects.count()} bước; tệp chờ OCR "
          f"{DossierComponent.objects.filter(ocr_state__in=['pending', 'running']).count()}")
    stats = report["stats"]
    faults = {k: v for k, v in stats.items() if k.startswith("fault_") or k in ("503", "429", "already_exists")}
    print(f"hàng đợi gửi cổng (dòng PortalOutbox chưa gửi): trong lúc chạy trung bình {statistics.mean(backlog or [0]):.0f}, "
          f"cao nhất {max(backlog or [0])}, lúc tải xong {backlog[-1] if backlog else 0}; "
          f"{'hết' if left == 0 else f'còn {left} dòng'} sau {drained:.0f} s chờ thêm; {stats.get('200', 0)} lần cổng nhận "
          f"(tạo {stats.get('creates', 0)}, cập nhật {stats.get('updates', 0)}); lỗi cổng gặp phải {faults}")
    lost = len(report["missing"]) + report["dossiers_short"]
    print(f"cổng quốc gia: {report['portal']} hồ sơ / của ta {report['ours']}; bước: cổng nhận {stats.get('steps', 0)} / "
          f"của ta {report['steps_ours']}")
    print(f"  mất: {lost} hồ sơ ({len(report['missing'])} cổng không có, {report['dossiers_short']} thiếu "
          f"{report['steps_missing']} bước), trạng thái khác {len(report['state_differs'])}; trùng: "
          f"{stats.get('duplicate_steps', 0)} bước (bước lạ {report['extra_seqs']}) — phải là 0 và 0: "
          f"{'ĐẠT' if lost == 0 and not report['state_differs'] and not stats.get('duplicate_steps') else 'CHƯA ĐẠT'}")
    if report["missing"][:5] or report["state_differs"][:5]:
        print(f"  ví dụ: {report['missing'][:5]} {report['state_differs'][:5]} (xem {portal_log} và serve.log)")


if __name__ == "__main__":
    main()

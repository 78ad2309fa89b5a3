"""Vessel lookup benchmark: 100,000 vessels, the real server, 8 concurrent API clients.

    .venv/bin/python bench/lookup.py                      # SQLite in var/bench-lookup
    .venv/bin/python bench/lookup.py --database-url postgres://postgres@127.0.0.1:5432/lienthong_bench

Creates (or reuses) the database, bulk-creates owners and vessels with realistic Vietnamese names
(lienthong.demo), builds the search index, starts `lienthong serve` in a subprocess (gunicorn, one process
per core, DEBUG off as in production; `--server waitress --debug` for the old single-process setup), issues
an API token for a fisheries officer (personal data visible, so every search also writes an audit event,
as in real use), and replays a mix of queries from closed-loop clients (no think time), one keep-alive
connection each. Prints p50/p95/p99, throughput, and the server's and client's CPU time per request (on a
shared machine latency moves with other people's load; CPU per request much less).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = ["31078", "31105", "31108", "30337", "30346", "30364", "30376", "30385", "30403", "30421"]
GEARS = ["trawl", "gillnet", "purse_seine", "hook_line", "squid_net", "trap"]


def setup_django(args) -> None:
    os.environ["LIENTHONG_DATA_DIR"] = str(args.data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()


def ensure_database(url: str | None) -> None:
    """Create the PostgreSQL database if it does not exist (SQLite files create themselves)."""
    if not url or not url.startswith("postgres"):
        return
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def populate(n: int, seed: int = 2025) -> None:
    from django.db import transaction

    from lienthong.demo.ids import IdFactory
    from lienthong.demo.names import full_name
    from lienthong.fleet.classes import length_class
    from lienthong.fleet.models import Owner, Vessel
    from lienthong.identity.text import fold

    have = Vessel.objects.count()
    if have >= n:
        print(f"reusing {have:,} vessels")
        return
    rng = random.Random(seed + have)
    ids = IdFactory(random.Random(seed))
    t0 = time.perf_counter()
    batch = 5000
    serial = 10000 + have
    for start in range(have, n, batch):
        owners, specs = [], []
        for _ in range(min(batch, n - start)):
            gender = "nam" if rng.random() < 0.9 else "nữ"
            family, rest = full_name(rng.random, gender)
            name = f"{family} {rest}"
            birth = date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
            province = "91" if rng.random() < 0.8 else "89"
            if rng.random() < 0.9:
                prov_code = "091" if province == "91" else "089"
                number, kind = ids.cccd(prov_code, gender, birth), "cccd"
            else:
                number, kind = ids.cmnd(province), "cmnd"
            commune = rng.choice(COMMUNES)
            owners.append(Owner(
                raw_name=name, full_name=name, name_folded=fold(name), raw_id_number=number, id_number=number,
                id_kind=kind, birth_date=birth, birth_year=birth.year, gender=gender, commune_code=commune,
            ))
            serial += 1
            length = Decimal(rng.randint(50, 300)) / 10
            specs.append((f"KG-{serial:05d}-TS" if serial < 100000 else f"AG-{serial - 90000:05d}-TS",
                          commune, length))
        with transaction.atomic():
            Owner.objects.bulk_create(owners, batch_size=1000)
            vessels = [
                Vessel(registration_number=reg, reg_key=reg.replace("-", ""), name=f"{reg[:2]} {reg[3:8]}",
                       owner=owner, commune_code=commune, length_m=length, length_class=length_class(length) or "",
                       gear=rng.choice(GEARS))
                for owner, (reg, commune, length) in zip(owners, specs)
            ]
            Vessel.objects.bulk_create(vessels, batch_size=1000)
        print(f"  {start + len(owners):,} vessels", end="\r", flush=True)
    print(f"created {n - have:,} vessels and owners in {time.perf_counter() - t0:.1f} s")


def build_index() -> None:
    from lienthong.fleet.models import Vessel
    from lienthong.search.index import rebuild_index, reindex_vessels
    from lienthong.search.models import SearchDoc

    if SearchDoc.objects.count() != Vessel.objects.count():
        t0 = time.perf_counter()
        n = rebuild_index()
        print(f"rebuild_index: {n:,} vessels in {time.perf_counter() - t0:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        # After a bulk load: statistics for the planner and a visibility map for index-only scans
        # (autovacuum does this in production, minutes later).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchtoken, search_searchdoc, fleet_vessel, fleet_owner")
    ids = list(Vessel.objects.order_by("pk").values_list("pk", flat=True)[:10026])
    t0 = time.perf_counter()
    reindex_vessels(ids)
    print(f"reindex_vessels: 10,026 vessels (the sync campaign's count) in {time.perf_counter() - t0:.2f} s")


def issue_token() -> str:
    from lienthong.accounts.models import User
    from lienthong.api.models import ApiToken

    user, _ = User.objects.get_or_create(username="bench-thuysan", defaults={"role": "fisheries"})
    return ApiToken.issue(user, "bench")[1]


def query_mix(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the data, in realistic proportions."""
    from lienthong.fleet.models import Vessel
    from lienthong.identity.text import fold

    rng = random.Random(seed)
    total = Vessel.objects.count()
    sample = list(
        Vessel.objects.select_related("owner").filter(pk__in=[rng.randint(1, total) for _ in range(3000)])
        .values_list("registration_number", "owner__full_name", "owner__id_number")
    )
    out = []
    for _ in range(count):
        reg, name, id_number = rng.choice(sample)
        words = name.split()
        r = rng.random()
        if r < 0.20:
            out.append(("reg full", rng.choice([reg, reg.lower(), reg.replace("-", "")])))
        elif r < 0.35:
            out.append(("reg partial", rng.choice([reg[:6].lower(), reg[3:8], reg.replace("-", "")[:5]])))
        elif r < 0.55:
            out.append(("name full", rng.choice([name, fold(name)])))
        elif r < 0.70:
            out.append(("name family+given", rng.choice([f"{words[0]} {words[-1]}", fold(f"{words[0]} {words[-1]}")])))
        elif r < 0.80:
            typed = fold(name)
            out.append(("name typing", typed[: rng.randint(4, len(typed))].strip()))
        elif r < 0.95:
            out.append(("cccd full", id_number))
        else:
            out.append(("cccd prefix", id_number[: rng.randint(6, 9)]))
    return out


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not listen on {port}")


def run_clients(port: int, token: str, queries: list[tuple[str, str]], clients: int):
    """`clients` closed-loop clients (no think time), one keep-alive connection each. The clock runs from
    sending the request to the last byte of the body; the bodies are parsed after the run, so one client's
    JSON parsing never holds the GIL while another's clock runs."""
    results: list[tuple[str, float, int, int]] = []  # kind, seconds, status, result count
    lock = threading.Lock()
    # URLs built before the clock starts (the same for every run of the same mix).
    work = [(kind, "/api/v1/vessels?" + urllib.parse.urlencode({"q": q, "limit": 20})) for kind, q in queries]
    it = iter(work)
    headers = {"Authorization": f"Bearer {token}"}  # HTTP/1.1: keep-alive by default

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        while True:
            with lock:
                item = next(it, None)
            if item is None:
                break
            kind, url = item
            t0 = time.perf_counter()
            conn.request("GET", url, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            elapsed = time.perf_counter() - t0
            local.append((kind, elapsed, resp.status, body))
        conn.close()
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return [(kind, s, status, len(json.loads(body)) if status == 200 else -1)
            for kind, s, status, body in results], elapsed


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of the server process and its workers so far, from /proc (Linux). On a shared
    machine latency moves with other people's load; the CPU spent per request does not, much."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0.0
        for p in [str(pid), *children]:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        return total
    except (OSError, ValueError, IndexError):
        return None


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-lookup")
    parser.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
    parser.add_argument("--vessels", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default="gunicorn",
                        help="waitress: the single-process server (for comparison)")
    parser.add_argument("--debug", action="store_true", help="server with DEBUG on (a development setup)")
    parser.add_argument("--server-log", type=Path, default=None, help="default: server.log in the data dir")
    parser.add_argument("--kinds", default="", help="comma-separated query kinds to keep (profiling), e.g. 'reg full'")
    args = parser.parse_args(argv)
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database_url)
    setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    populate(args.vessels)
    build_index()
    token = issue_token()
    queries = query_mix(args.requests + 200)
    if args.kinds:
        keep = set(args.kinds.split(","))
        queries = [q for q in query_mix(20 * (args.requests + 200)) if q[0] in keep][: args.requests + 200]
    connection.close()

    # A production-like server: DEBUG off (with it on, Django logs and formats every query).
    env = dict(os.environ, LIENTHONG_LOG_LEVEL="ERROR", LIENTHONG_DEBUG="1" if args.debug else "0",
               LIENTHONG_SERVER=args.server)
    if args.workers:
        env["LIENTHONG_WORKERS"] = str(args.workers)
    log_path = args.server_log or args.data_dir / "server.log"
    with open(log_path, "w") as log:  # a file, not a pipe nobody reads (a full pipe would block the server)
        server = subprocess.Popen(
            [sys.executable, "-m", "lienthong.cli", "serve", "--port", str(args.port), "--threads", str(args.threads)],
            env=env, stdout=log, stderr=log,
        )
    try:
        wait_for_port(args.port)
        run_clients(args.port, token, queries[:200], args.clients)  # warm-up: connections, caches
        server_cpu, client_cpu = server_cpu_seconds(server.pid), time.process_time()
        results, elapsed = run_clients(args.port, token, queries[200:], args.clients)
        client_cpu = time.process_time() - client_cpu
        if server_cpu is not None:
            server_cpu = server_cpu_seconds(server.pid) - server_cpu
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"server: {args.server}, {args.workers or 'default'} processes × {args.threads} threads,"
          f" DEBUG {'on' if args.debug else 'off'}")
    errors = [r for r in results if r[2] != 200]
    times = [r[1] for r in results]
    print(f"\n{len(results):,} requests, {args.clients} clients, {elapsed:.1f} s: {len(results) / elapsed:.0f} req/s"
          f"  errors: {len(errors)}")
    print(f"latency  p50 {pct(times, 50):6.1f} ms   p95 {pct(times, 95):6.1f} ms   p99 {pct(times, 99):6.1f} ms")
    print(f"CPU per request: server {server_cpu / len(results) * 1000:.2f} ms" if server_cpu is not None else
          "CPU per request: server ?", f", client {client_cpu / len(results) * 1000:.2f} ms (incl. JSON parsing)"
          f"   load average {os.getloadavg()[0]:.1f}", sep="")
    print(f"{'query kind':<20} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'hits avg':>9}")
    for kind in sorted({r[0] for r in results}):
        rows = [r for r in results if r[0] == kind]
        print(f"{kind:<20} {len(rows):>5} {pct([r[1] for r in rows], 50):>8.1f} {pct([r[1] for r in rows], 95):>8.1f}"
              f" {statistics.mean(r[3] for r in rows):>9.1f}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

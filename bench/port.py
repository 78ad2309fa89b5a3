"""Port checks benchmark: one departure with 15 crew against the local population extract, then 20
officers at once against the real server.

    .venv/bin/python bench/port.py                         # SQLite in var/bench-port
    .venv/bin/python bench/port.py --database-url postgres://postgres@127.0.0.1:5432/lienthong_bench_port

Builds (or reuses) a database with a population extract of --population citizens (the crews among
them), 20 vessels with their papers and 20 declared trips of 15 crew at 4 ports. Part 1 times the checks
of one departure in-process (load the trip, ask the population source in one batch, run every enabled
rule): p50/p95/max over --runs, target p95 < 100 ms. Part 2 starts `lienthong serve`, gives each of 20
port officers an API token, and has 20 threads fetch their declaration with its checks
(GET /api/v1/port/declarations/REF, the officer's view) for --seconds: requests/s and latency p50/p95.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICERS = 20
CREW = 15


def setup_django(args) -> None:
    os.environ["LIENTHONG_DATA_DIR"] = str(args.data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def cccd(i: int) -> str:
    # Province 091, men born 1990-1998 (century digit 0, year digits 90-98), then a serial.
    return f"0910{90 + i % 9:02d}{i:06d}"


def build(args) -> list[str]:
    """Citizens, ports, vessels, officers and declared trips; returns the trip references (one per officer)."""
    from django.utils import timezone

    from lienthong.accounts.models import User
    from lienthong.fleet.models import FishingLicence, IdentityStatus, Owner, SafetyCertificate, Vessel
    from lienthong.population.models import Citizen
    from lienthong.population.source import name_keys
    from lienthong.port import services
    from lienthong.port.demo import create_demo_ports
    from lienthong.port.models import PortAssignment, Trip, TripStatus

    if Citizen.objects.count() < args.population:
        Citizen.objects.all().delete()
        given = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Lộc", "Minh", "Nam", "Phúc", "Tâm", "Tư"]
        family = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng"]
        batch = []
        for i in range(args.population):
            name = f"{family[i % len(family)]} Văn {given[(i // 8) % len(given)]}"
            folded, fam, giv = name_keys(name)
            batch.append(Citizen(cccd=cccd(i), full_name=name, birth_date=dt.date(1990 + i % 9, 1 + i % 12, 1 + i % 28),
                                 birth_year=1990 + i % 9, gender="nam", commune_code="31078", name_folded=folded,
                                 family_key=fam, given_folded=giv))
            if len(batch) == 5000:
                Citizen.objects.bulk_create(batch)
                batch = []
        Citizen.objects.bulk_create(batch)
    ports = create_demo_ports()
    today = timezone.localdate()
    Trip.objects.filter(status=TripStatus.DECLARED, vessel__registration_number__startswith="BENCH-").delete()
    refs = []
    for k in range(OFFICERS):
        reg = f"BENCH-{k:05d}-TS"
        person = k * (CREW + 1)
        owner, _ = Owner.objects.get_or_create(
            id_number=cccd(person), defaults=dict(full_name="Chủ Tàu", verified_cccd=cccd(person),
                                                  identity_status=IdentityStatus.VERIFIED))
        vessel, created = Vessel.objects.get_or_create(registration_number=reg, defaults=dict(
            reg_key=reg.replace("-", ""), owner=owner, length_m=Decimal("17.5"), length_class="15-24",
            gear="trawl", fishing_zone="offshore", vms_device_id=f"VMS-{k}"))
        if created:
            FishingLicence.objects.create(vessel=vessel, number=f"GP-{k}", issued_on=today - dt.timedelta(days=10),
                                          expires_on=today + dt.timedelta(days=300), zone="offshore", gear="trawl")
            SafetyCertificate.objects.create(vessel=vessel, number=f"AT-{k}", expires_on=today + dt.timedelta(days=300))
        people = [Citizen.objects.get(cccd=cccd(person + j)) for j in range(CREW + 1)]
        start = timezone.now() + dt.timedelta(hours=1)
        trip = services.declare(
            registration_number=reg, port=ports[k % len(ports)], owner_cccd=owner.id_number,
            captain=services.CrewInput(people[0].full_name, people[0].cccd, people[0].birth_date),
            crew=[services.CrewInput(p.full_name, p.cccd, p.birth_date) for p in people[1:]],
            zone="offshore", gear="trawl", departure_at=start, expected_return_at=start + dt.timedelta(days=5))
        refs.append(trip.reference)
        user, _ = User.objects.get_or_create(username=f"bench_cang_{k:02d}", defaults={"role": "port"})
        PortAssignment.objects.get_or_create(user=user, port=ports[k % len(ports)])
    return refs


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_checks(refs: list[str], runs: int) -> None:
    from lienthong.port import checks, services
    from lienthong.port.models import Trip

    trip = Trip.objects.get(reference=refs[0])
    times, results = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        loaded = services.load_trip(trip.pk)
        results = checks.evaluate_departure(services.departure_context(loaded))
        times.append((time.perf_counter() - t0) * 1000)
    crew = next(r for r in results if r["code"] == "crew_population")
    print(f"checks of one departure, {CREW} crew + captain, {runs} runs: "
          f"p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms "
          f"(target p95 < 100 ms) — {crew['message']}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_server(args, refs: list[str]) -> None:
    from lienthong.accounts.models import User
    from lienthong.api.models import ApiToken

    tokens = [ApiToken.issue(User.objects.get(username=f"bench_cang_{k:02d}"), "bench")[1] for k in range(OFFICERS)]
    port = free_port()
    env = {**os.environ}
    log = open(Path(args.data_dir) / "bench-server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "serve", "--port", str(port),
                               "--threads", str(args.threads)], env=env, stdout=log, stderr=log, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("server did not start; see bench-server.log") from None
                time.sleep(0.2)
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def officer(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Bearer {tokens[k]}", "Connection": "keep-alive"}
            mine = []
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    conn.request("GET", f"/api/v1/port/declarations/{refs[k]}", headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    ok = response.status == 200 and len(json.loads(body)["checks"]) >= 8
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if ok:
                    mine.append((time.perf_counter() - t0) * 1000)
                else:
                    with lock:
                        errors[0] += 1
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=officer, args=(k,)) for k in range(OFFICERS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        if latencies:
            print(f"{OFFICERS} concurrent officers, {elapsed:.1f} s against `lienthong serve` "
                  f"({args.threads} threads): {len(latencies) / elapsed:.1f} declarations checked/s, "
                  f"latency p50 {statistics.median(latencies):.0f} ms, p95 {pct(latencies, 95):.0f} ms, "
                  f"errors {errors[0]}")
        else:
            print(f"no successful request; errors {errors[0]} (see bench-server.log)")
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench-port"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--population", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=16, help="server threads")
    args = parser.parse_args()
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    setup_django(args)
    t0 = time.perf_counter()
    refs = build(args)
    print(f"setup: {args.population} citizens, {OFFICERS} declared trips in {time.perf_counter() - t0:.1f} s")
    bench_checks(refs, args.runs)
    bench_server(args, refs)


if __name__ == "__main__":
    main()

"""Vessel monitoring (issue 13) on the demo's month of positions: `lienthong vms-check`'s wall time and its alerts'
precision and recall against the injected outages and breaches.

    .venv/bin/python bench/vms.py [--work DIR] [--vessels 2500] [--days 30] [--seed 20261101]

The month is written for --vessels vessels of 15 m and over (lienthong.demo.vms; not timed, kept in --work for the
next run), then `lienthong vms-check` runs as a user runs it (a fresh process). An alert matches a true episode of
the same vessel and kind whose interval overlaps it (an open end reaches the end of time); precision = alerts that
match / alerts, recall = true episodes matched / true episodes. Targets: 2,500 vessels (≈ 900,000 positions) in
under 30 s; precision and recall ≥ 0.99. One function per measurement: the ingest and per-batch evaluation timings
of the Django app go beside them.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from lienthong.demo.vms import synthetic_fleet, write_vms

KINDS = ("gap_over_6h", "gap_over_10d", "outside_allowed_zone", "inside_forbidden_zone")
FAR = datetime.max.replace(tzinfo=datetime.now().astimezone().tzinfo)


def demo_month(work: Path, vessels: int, days: int, seed: int) -> Path:
    data = work / f"vms-{vessels}-{days}d-{seed}"
    if not (data / "truth.csv").is_file():
        print(f"generating {vessels} vessels × {days} days in {data} (not timed)…", flush=True)
        files = write_vms(data, synthetic_fleet(vessels, seed), days=days, seed=seed)
        print(f"  {files.positions_written} positions", flush=True)
    return data


def _episodes(path: Path) -> list[tuple[str, str, datetime, datetime]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["registration_number"], r["kind"], datetime.fromisoformat(r["start"]),
                 datetime.fromisoformat(r["end"]) if r["end"] else FAR) for r in csv.DictReader(fh)]


def accuracy(alerts_csv: Path, truth_csv: Path) -> dict[str, tuple[int, int, int, int]]:
    """kind → (alerts, alerts matched, truths, truths matched); "all" sums them."""
    alerts, truths = _episodes(alerts_csv), _episodes(truth_csv)
    by_key = defaultdict(list)
    for t in truths:
        by_key[t[:2]].append(t)
    matched_truth = set()
    figures = {k: [0, 0, 0, 0] for k in (*KINDS, "all")}
    for reg, kind, start, end in alerts:
        hits = [t for t in by_key[(reg, kind)] if start <= t[3] and t[2] <= end]
        matched_truth.update(hits)
        for k in (kind, "all"):
            figures[k][0] += 1
            figures[k][1] += bool(hits)
    for t in truths:
        for k in (t[1], "all"):
            figures[k][2] += 1
            figures[k][3] += t in matched_truth
    return {k: tuple(v) for k, v in figures.items()}


def time_vms_check(data: Path, out: Path) -> float:
    cmd = [sys.executable, "-m", "lienthong.cli", "vms-check", "--vessels", str(data / "vessels.csv"), "--ports",
           str(data / "ports.csv"), "--zones", str(data / "zones.geojson"), "--positions", str(data / "positions.csv"),
           "--out", str(out)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"vms-check failed ({proc.returncode})")
    return wall


# --- the Django app (lienthong.vms): ingest and per-batch evaluation, one database per process ---------------------
PG_URL = "postgres://postgres@127.0.0.1:5432/lt_bench_vms"
INGEST_TARGET = 20_000  # positions/s
BATCH_TARGET = 1.0  # s, p95 of a 10-minute batch's evaluation
TEN_MINUTES = timedelta(minutes=10)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def split_feed(positions: Path, chunk: int, holdback: timedelta) -> tuple[list[bytes], list[tuple[datetime, bytes]], datetime, datetime]:
    """The month's file as a provider sends it (not timed): the rows before the feed reached `end - holdback` in
    CSV chunks of `chunk` rows (the month's bulk), then the rest in 10-minute batches by the feed's clock (the
    latest time sent so far: a late row goes with the batch it is sent in). Returns (chunks, [(batch end, CSV)],
    cutoff, end)."""
    with open(positions, encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    times = [datetime.fromisoformat(line.split(",", 2)[1]) for line in body]
    end = max(times)
    cutoff = end - holdback
    first_late = next(i for i, t in enumerate(times) if t >= cutoff)
    bulk = [header + "".join(body[i:min(i + chunk, first_late)]) for i in range(0, first_late, chunk)]
    groups: dict[int, list[str]] = defaultdict(list)
    clock = cutoff
    for line, t in zip(body[first_late:], times[first_late:]):
        clock = max(clock, t)
        groups[min(int((clock - cutoff) / TEN_MINUTES), int(holdback / TEN_MINUTES) - 1)].append(line)
    batches = [(cutoff + (k + 1) * TEN_MINUTES, (header + "".join(groups[k])).encode())
               for k in range(int(holdback / TEN_MINUTES))]
    return [c.encode() for c in bulk], batches, cutoff, end


def setup_database(database: str, work: Path, pg_url: str) -> str:
    """A fresh database for the run: a new SQLite file under --work, or the PostgreSQL database dropped and made
    again. Django is set up on it and migrated. Returns a label."""
    site = work / f"site-{database}"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    os.environ["LIENTHONG_DATA_DIR"] = str(site)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    if database == "postgresql":
        _pg_database(pg_url, create=True)
        os.environ["DATABASE_URL"] = pg_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{site / 'vms.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return "SQLite" if database == "sqlite" else "PostgreSQL"


def _pg_database(url: str, *, create: bool) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def load_fleet(data: Path):
    """The vessels, the port areas and the zones (not timed); returns the provider's and the officer's users."""
    from lienthong.accounts.models import User
    from lienthong.fleet.models import Vessel
    from lienthong.fleet.registration import reg_key
    from lienthong.vms import areas

    with open(data / "vessels.csv", encoding="utf-8", newline="") as fh:
        Vessel.objects.bulk_create([Vessel(registration_number=r["registration_number"],
                                           reg_key=reg_key(r["registration_number"]),
                                           length_m=Decimal(r["length_m"]).quantize(Decimal("0.01")),
                                           vms_device_id=f"VMS-{i:05d}")
                                    for i, r in enumerate(csv.DictReader(fh))], batch_size=1000)
    provider = User.objects.create_user("bench_vms_provider", password="x", role="vms_provider")
    officer = User.objects.create_user("bench_vms_fisheries", password="x", role="fisheries")
    areas.load_harbours(data / "ports.csv")
    areas.replace_zones(officer, (data / "zones.geojson").read_bytes(), "zones.geojson")
    return provider


def time_ingest(chunks: list[bytes], provider, cutoff: datetime) -> dict:
    """The month's bulk: each chunk read (rows_from_csv) and stored (store, evaluate=False), then the one
    evaluation of every vessel over the whole month; then one chunk sent again."""
    from django.db.models import Min

    from lienthong.vms import ingest
    from lienthong.vms.evaluate import evaluate_new
    from lienthong.vms.models import Alert, Position

    parse = store = 0.0
    rows_in = stored = 0
    for n, data in enumerate(chunks, start=1):
        rows, t = _timed(lambda data=data, n=n: ingest.rows_from_csv(data, f"positions.csv ({n})"))
        parse += t
        outcome, t = _timed(lambda rows=rows, n=n: ingest.store(rows, source="file", name=f"positions.csv ({n})",
                                                               provider=provider, evaluate=False))
        store += t
        rows_in += len(rows)
        stored += outcome.batch.stored
    first = Position.objects.filter(vessel__isnull=False).values("vessel_id").annotate(t=Min("time"))
    earliest = {r["vessel_id"]: r["t"] - timedelta(microseconds=1) for r in first}
    (opened, _ended), evaluation = _timed(lambda: evaluate_new(earliest, now=cutoff))
    again = chunks[len(chunks) // 2]
    rows, t_parse = _timed(lambda: ingest.rows_from_csv(again, "positions.csv (again)"))
    outcome, t_store = _timed(lambda: ingest.store(rows, source="file", name="positions.csv (again)",
                                                   provider=provider, evaluate=True, now=cutoff))
    return {"rows": rows_in, "stored": stored, "parse": parse, "store": store, "chunks": len(chunks),
            "evaluation": evaluation, "vessels": len(earliest), "alerts": Alert.objects.count(), "opened": opened,
            "resend_rows": len(rows), "resend_stored": outcome.batch.stored, "resend_skipped": outcome.batch.duplicates,
            "resend": t_parse + t_store}


def time_batches(batches: list[tuple[datetime, bytes]], provider) -> dict:
    """The 10-minute batches after the month, each read and stored with evaluate=True at its end: the whole store
    call and its evaluate_new part timed; then the clock's sweep and escalation at the last batch's end."""
    from lienthong.vms import evaluate, ingest
    from lienthong.vms.models import Alert

    real = evaluate.evaluate_new
    spent: list[float] = []

    def timed_evaluate(earliest, *, now):
        value, t = _timed(lambda: real(earliest, now=now))
        spent.append(t)
        return value

    stores, evals, sizes, vessels = [], [], [], []
    evaluate.evaluate_new = timed_evaluate  # store imports it at each call
    try:
        for end, data in batches:
            rows = ingest.rows_from_csv(data, f"batch {end:%H:%M}")
            spent.clear()
            outcome, t = _timed(lambda rows=rows, end=end: ingest.store(
                rows, source="api", name=f"batch {end:%H:%M}", provider=provider, evaluate=True, now=end))
            stores.append(t)
            evals.append(sum(spent))
            sizes.append(outcome.batch.stored)
            vessels.append(len({r.key for r in rows}))
    finally:
        evaluate.evaluate_new = real
    now = batches[-1][0]
    before = Alert.objects.count()
    swept, t_sweep = _timed(lambda: evaluate.sweep(now + timedelta(minutes=1)))
    escalated, t_escalate = _timed(lambda: evaluate.escalate_due(now + timedelta(minutes=1)))
    return {"store": stores, "evaluate": evals, "sizes": sizes, "vessels": vessels, "sweep": t_sweep,
            "swept": swept, "escalate": t_escalate, "escalated": escalated, "alerts_before": before}


def django_run(args, database: str) -> int:
    """One database's measurements (this process's Django is set up on it)."""
    work = Path(args.work).resolve()
    data = demo_month(work, args.vessels, args.days, args.seed)
    chunks, batches, cutoff, end = split_feed(data / "positions.csv", args.chunk,
                                              timedelta(hours=args.holdback_hours))
    label = setup_database(database, work, args.database_url)
    try:
        provider = load_fleet(data)
        if args.no_replace_trigger is False and database == "sqlite":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER vms_position_no_replace")
            label += " WITHOUT the no_replace trigger (diagnostic only)"
        ing = time_ingest(chunks, provider, cutoff)
        rate = ing["rows"] / (ing["parse"] + ing["store"])
        print(f"ingest, {label}: {ing['rows']:,} positions ({ing['stored']:,} stored) in {ing['chunks']} chunks of "
              f"{args.chunk:,} up to {cutoff:%Y-%m-%d %H:%M %z}: read {ing['parse']:.1f} s + stored {ing['store']:.1f} s"
              f" = {rate:,.0f} positions/s (target ≥ {INGEST_TARGET:,}/s) [{'ok' if rate >= INGEST_TARGET else 'MISSED'}]"
              f"; storing alone {ing['rows'] / ing['store']:,.0f}/s", flush=True)
        print(f"  evaluation of the month, {ing['vessels']:,} vessels: {ing['evaluation']:.1f} s, {ing['alerts']} alerts",
              flush=True)
        print(f"  a chunk sent again: {ing['resend_rows']:,} rows, {ing['resend_stored']} stored, "
              f"{ing['resend_skipped']:,} skipped, in {ing['resend']:.2f} s", flush=True)
        b = time_batches(batches, provider)
        p95 = _pct(b["evaluate"], 0.95)
        print(f"10-minute batches, {label}: {len(batches)} over the {args.holdback_hours} h after the month, "
              f"{min(b['sizes'])}–{max(b['sizes'])} new positions of {min(b['vessels'])}–{max(b['vessels'])} vessels "
              f"each: evaluation p50 {_pct(b['evaluate'], 0.5) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
              f"{max(b['evaluate']) * 1000:.0f} ms (target p95 < {BATCH_TARGET:g} s) "
              f"[{'ok' if p95 < BATCH_TARGET else 'MISSED'}]; whole store call p50 {_pct(b['store'], 0.5) * 1000:.0f} ms, "
              f"p95 {_pct(b['store'], 0.95) * 1000:.0f} ms, max {max(b['store']) * 1000:.0f} ms", flush=True)
        print(f"  sweep: {b['sweep'] * 1000:.0f} ms ({b['swept']} raised); escalate_due: {b['escalate'] * 1000:.0f} ms "
              f"({b['escalated']} escalated)", flush=True)
        return 0 if rate >= INGEST_TARGET and p95 < BATCH_TARGET else 1
    finally:
        if database == "postgresql":
            from django.db import connections

            connections.close_all()
            _pg_database(args.database_url, create=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-vms")
    parser.add_argument("--vessels", type=int, default=2500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both",
                        help="the Django app's measurements on this database (each in its own process)")
    parser.add_argument("--database-url", default=PG_URL, help="the throw-away PostgreSQL database (dropped, made "
                        "again, dropped at the end)")
    parser.add_argument("--skip-django", action="store_true", help="only vms-check and its accuracy")
    parser.add_argument("--skip-check", action="store_true", help="only the Django app's measurements")
    parser.add_argument("--chunk", type=int, default=50_000, help="rows per chunk of the month's bulk ingest")
    parser.add_argument("--holdback-hours", type=int, default=3,
                        help="the month's last hours held back from the bulk and sent as 10-minute batches")
    parser.add_argument("--drop-no-replace-trigger", dest="no_replace_trigger", action="store_false",
                        help="diagnostic only: SQLite without its no_replace trigger, to see what it costs")
    parser.add_argument("--django-child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.django_child:
        return django_run(args, args.django_child)
    work = Path(args.work)
    data = demo_month(work, args.vessels, args.days, args.seed)
    ok = True
    if not args.skip_check:
        ok = check_run(args, data, work)
    if not args.skip_django:
        passed = list(sys.argv[1:] if argv is None else argv)
        for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
            proc = subprocess.run([sys.executable, __file__, *passed, "--django-child", database])
            ok = ok and proc.returncode == 0
    return 0 if ok else 1


def check_run(args, data: Path, work: Path) -> bool:
    with open(data / "positions.csv", encoding="utf-8") as fh:
        positions = sum(1 for _ in fh) - 1
    out = work / "alerts.csv"
    wall = time_vms_check(data, out)
    print(f"vms-check: {args.vessels} vessels, {positions} positions over {args.days} days: wall {wall:.1f} s "
          f"(target < 30 s for 2,500 vessels)", flush=True)
    figures = accuracy(out, data / "truth.csv")
    ok = wall < 30 or args.vessels > 2500
    for kind, (n_alerts, good, n_truth, found) in figures.items():
        precision = good / n_alerts if n_alerts else 1.0
        recall = found / n_truth if n_truth else 1.0
        print(f"  {kind:<22} alerts {n_alerts:>5}  precision {precision:.4f}   truths {n_truth:>5}  recall {recall:.4f}"
              + ("   (targets ≥ 0.99 both)" if kind == "all" else ""), flush=True)
        if kind == "all":
            ok = ok and precision >= 0.99 and recall >= 0.99
    return ok

if __name__ == "__main__":
    sys.exit(main())

"""Speed of a full sync run: against the local extract and against `lienthong population-serve`.

    .venv/bin/python bench/sync.py [--work DIR] [--vessels 10026] [--population 200000] [--rate 50]
                                   [--seed N --unseen] [--skip-local] [--skip-http] [--faults]

Builds a demo province in its own database under --work (SQLite, or DATABASE_URL if set: then that
database is used as is), not timed. --seed/--unseen: another seed and bench/link_accuracy.py's other
damage rates (data the weights were not chosen on). Then times, including every database write
(items, owners, progress checkpoints): a run over the whole fleet with the batch engine on the
imported extract (target < 120 s for 10,026 vessels), and a run against the reference service
rate-limited to --rate lookups/s (target: within 10 % of the floor).

The floor: every token the service's rate limit charges us, divided by the rate. A verify-batch
costs one token per number in it, a search one token; so floor = (numbers verified + searches) /
rate. Retries would cost tokens too; they are printed (and expected to be 0).

After each run, its accuracy per owner against the demo's truth.csv: automatic links (verified or
matched), wrong automatic links (person other than the true one, or an owner not in the
population given someone), review, conflict, not found, no data.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path


def _prepare(work: Path, vessels: int, population: int, env: dict, seed: int | None, unseen: bool) -> Path:
    files = work / "demo"
    marker = work / f"ready-{vessels}-{population}"
    if seed is not None or unseen:
        marker = work / f"ready-{vessels}-{population}-{seed}-{'unseen' if unseen else 'default'}"
        if not marker.exists():
            print(f"chuẩn bị tỉnh mẫu (seed {seed}, {'lỗi khác' if unseen else 'lỗi mặc định'}): "
                  f"{vessels} tàu, {population} người …", flush=True)
            subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "migrate", "-v", "0"], env=env, check=True)
            script = (
                "import sys, django; sys.path.insert(0, 'bench'); django.setup()\n"
                "from lienthong.demo import Damage, generate\n"
                "from lienthong.demo_site import create_demo_users\n"
                "from lienthong.fleet.importer import import_registry\n"
                "from link_accuracy import UNSEEN_DAMAGE\n"
                f"f = generate({str(files)!r}, vessels={vessels}, population={population}, seed={seed or 20250701}, "
                f"damage={'UNSEEN_DAMAGE' if unseen else 'Damage()'})\n"
                "create_demo_users()\n"
                "from lienthong.accounts.models import User\n"
                "print(import_registry(f.registry_xlsx, file_name='registry.xlsx', user=User.objects.get(username='thuysan')).status)\n"
            )
            subprocess.run([sys.executable, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "lienthong.settings"},
                           check=True, cwd=Path(__file__).resolve().parent.parent)
            subprocess.run([sys.executable, "-m", "lienthong.cli", "population-import", str(files / "population.csv"),
                            "--quiet"], env=env, check=True)
            marker.touch()
        return files
    if not marker.exists():
        print(f"chuẩn bị tỉnh mẫu: {vessels} tàu, {population} người …", flush=True)
        subprocess.run([sys.executable, "-m", "lienthong.cli", "demo-setup", "--vessels", str(vessels),
                        "--population", str(population), "--files-dir", str(files)], env=env, check=True)
        subprocess.run([sys.executable, "-m", "lienthong.cli", "population-import", str(files / "population.csv"),
                        "--quiet"], env=env, check=True)
        marker.touch()
    return files


#: --faults: the probe's heavy faults (10 % 503, 5 % dropped connections, 5 % answered after the client's
#: timeout, which the bench sets to FAULT_TIMEOUT seconds)
FAULT_TIMEOUT = 2.0
HEAVY_FAULTS = ["--fault-5xx", "0.10", "--fault-drop", "0.05", "--fault-slow", "0.05",
                "--fault-slow-seconds", str(FAULT_TIMEOUT + 1), "--seed", "9212", "--threads", "32"]


def _serve(population: Path, rate: float, log: Path, extra: list[str] = ()) -> tuple[subprocess.Popen, str]:
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "population-serve", str(population), "--port", "0",
                             "--token", "bench", "--rate", str(rate), *extra], stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 300
    while not (m := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text())
        time.sleep(0.1)
    return proc, m.group(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-sync")
    parser.add_argument("--vessels", type=int, default=10_026)
    parser.add_argument("--population", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--unseen", action="store_true", help="bench/link_accuracy.py's other damage rates")
    parser.add_argument("--skip-local", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--faults", action="store_true",
                        help="then a run against the service with heavy faults, through the worker's loop "
                             "(retries, runs given back): does it finish, and with the fault-free run's decisions?")
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ["LIENTHONG_DATA_DIR"] = str(work)
    files = _prepare(work, args.vessels, args.population, dict(os.environ), args.seed, args.unseen)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    from django.conf import settings

    from lienthong.accounts.models import User
    from lienthong.fleet.models import Vessel
    from lienthong.sync import engine
    from lienthong.sync.models import RunStatus, SyncRun

    SyncRun.objects.filter(status__in=engine.ACTIVE).update(status=RunStatus.FAILED, error="bench: bỏ dở")
    user = User.objects.get(username="thuysan")
    print(f"{Vessel.objects.count()} tàu trong sổ", flush=True)

    decisions, vessels = {}, {}
    if not args.skip_local:
        t = time.perf_counter()
        run = engine.plan_run(user)
        run = engine.run_to_end(engine.claim_run("bench"), "bench")
        local = time.perf_counter() - t
        print(f"bản trích trong máy: {run.processed} tàu trong {local:.1f} s "
              f"({run.chunks_done} phần; {run.counts}) — mục tiêu < 120 s: {'ĐẠT' if local < 120 else 'CHƯA ĐẠT'}",
              flush=True)
        print("  độ chính xác (bản trích): " + accuracy(run, files / "truth.csv"), flush=True)
        decisions["local"], vessels["local"] = owner_decisions(run), vessel_decisions(run)

    if not args.skip_http:
        proc, url = _serve(files / "population.csv", args.rate, work / "population-serve.log")
        try:
            settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = url, "bench", args.rate
            run = engine.plan_run(user, source="http")
            claimed = engine.claim_run("bench")
            linker = engine.make_linker(claimed)
            t = time.perf_counter()
            run = engine.run_to_end(claimed, "bench", linker)
            remote = time.perf_counter() - t
            linker.close()
        finally:
            proc.terminate()
            proc.wait(20)
        floor = linker.lookups / args.rate
        over = 100.0 * (remote - floor) / floor if floor else 0.0
        stats = linker.source.stats
        print(f"dịch vụ HTTP ({args.rate:g} tra cứu/s): {run.processed} tàu, {linker.lookups} tra cứu "
              f"({stats['attempts']} yêu cầu HTTP, {stats['retries']} lần thử lại) trong {remote:.1f} s; "
              f"sàn {floor:.1f} s; vượt sàn {over:.1f} % — mục tiêu ≤ 10 %: {'ĐẠT' if over <= 10 else 'CHƯA ĐẠT'}; "
              f"{run.counts}", flush=True)
        print("  độ chính xác (dịch vụ HTTP): " + accuracy(run, files / "truth.csv"), flush=True)
        decisions["http"], vessels["http"] = owner_decisions(run), vessel_decisions(run)
        if "local" in decisions:
            print(f"  bản trích và dịch vụ HTTP khác nhau ở {differ(decisions['local'], decisions['http'])} chủ tàu "
                  f"/ {len(decisions['http'])} ({differ(vessels['local'], vessels['http'])} tàu / {len(vessels['http'])})",
                  flush=True)

    if args.faults:
        from lienthong.sync import worker

        proc, url = _serve(files / "population.csv", args.rate, work / "population-serve-faults.log", HEAVY_FAULTS)
        try:
            settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = url, "bench", args.rate
            settings.POPULATION_TIMEOUT = FAULT_TIMEOUT
            run = engine.plan_run(user, source="http")
            t = time.perf_counter()
            worker.work("bench-faults", once=True, poll=0)
            took = time.perf_counter() - t
        finally:
            proc.terminate()
            proc.wait(20)
        run.refresh_from_db()
        print(f"dịch vụ HTTP có lỗi nặng: {run.status}, {run.processed}/{run.total} tàu trong {took:.1f} s; "
              f"{run.counts}", flush=True)
        if "http" in decisions:
            print(f"  khác lần chạy không lỗi ở {differ(decisions['http'], owner_decisions(run))} chủ tàu", flush=True)
    return 0


def owner_decisions(run) -> dict:
    from lienthong.sync.models import SyncItem

    return dict(((o, (s, c)) for o, s, c in SyncItem.objects.filter(run=run).exclude(owner=None)
                 .values_list("owner_id", "status", "person_cccd")))


def vessel_decisions(run) -> dict:
    from lienthong.sync.models import SyncItem

    return dict(((v, (s, c)) for v, s, c in SyncItem.objects.filter(run=run).values_list("vessel_id", "status", "person_cccd")))


def differ(a: dict, b: dict) -> int:
    return sum(a.get(k) != b.get(k) for k in set(a) | set(b))


def accuracy(run, truth_csv: Path) -> str:
    """Per owner of the run: automatic, wrong automatic, review, conflict, not found, no data."""
    import csv
    from collections import Counter

    from lienthong.sync.models import SyncItem

    truth = {r["record_id"]: r["true_cccd"] for r in csv.DictReader(open(truth_csv, encoding="utf-8"))}
    votes: dict[int, Counter] = {}
    outcome = {}
    for owner_id, reg, status, cccd in (SyncItem.objects.filter(run=run).exclude(owner=None)
                                        .values_list("owner_id", "vessel__registration_number", "status", "person_cccd")):
        votes.setdefault(owner_id, Counter())[truth.get(reg, "")] += 1
        outcome[owner_id] = (status, cccd)
    n = Counter()
    for owner_id, (status, cccd) in outcome.items():
        true = votes[owner_id].most_common(1)[0][0]  # an owner's vessels agree unless the import merged two people
        if status in ("verified", "matched"):
            n["auto"] += 1
            n["wrong"] += cccd != true
        else:
            n[status] += 1
    per_1000 = 1000 * n["wrong"] / n["auto"] if n["auto"] else 0.0
    return (f"{len(outcome)} chủ tàu: tự động {n['auto']}, sai {n['wrong']} ({per_1000:.2f}‰; mục tiêu ≤ 1‰), "
            f"chờ duyệt {n['review']}, xung đột {n['conflict']}, không tìm thấy {n['not_found']}, "
            f"không có dữ liệu {n['no_data']}")


if __name__ == "__main__":
    sys.exit(main())

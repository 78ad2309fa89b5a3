"""Speed of a full sync run: against the local extract and against `lienthong population-serve`.

    .venv/bin/python bench/sync.py [--work DIR] [--vessels 10026] [--population 200000] [--rate 50] [--skip-http]

Builds a demo province in its own database under --work (SQLite, or DATABASE_URL if set: then that
database is used as is), not timed. Then times, including every database write (items, owners,
progress checkpoints): a run over the whole fleet with the batch engine on the imported extract
(target < 120 s for 10,026 vessels), and a run against the reference service rate-limited to
--rate lookups/s (target: within 10 % of the floor, lookups / rate).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path


def _prepare(work: Path, vessels: int, population: int, env: dict) -> Path:
    files = work / "demo"
    marker = work / f"ready-{vessels}-{population}"
    if not marker.exists():
        print(f"chuẩn bị tỉnh mẫu: {vessels} tàu, {population} người …", flush=True)
        subprocess.run([sys.executable, "-m", "lienthong.cli", "demo-setup", "--vessels", str(vessels),
                        "--population", str(population), "--files-dir", str(files)], env=env, check=True)
        subprocess.run([sys.executable, "-m", "lienthong.cli", "population-import", str(files / "population.csv"),
                        "--quiet"], env=env, check=True)
        marker.touch()
    return files


def _serve(population: Path, rate: float, log: Path) -> tuple[subprocess.Popen, str]:
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "population-serve", str(population), "--port", "0",
                             "--token", "bench", "--rate", str(rate)], stdout=out, stderr=subprocess.STDOUT,
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
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ["LIENTHONG_DATA_DIR"] = str(work)
    files = _prepare(work, args.vessels, args.population, dict(os.environ))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    from lienthong.accounts.models import User
    from lienthong.fleet.models import Vessel
    from lienthong.sync import engine
    from lienthong.sync.models import RunStatus, SyncRun

    SyncRun.objects.filter(status__in=engine.ACTIVE).update(status=RunStatus.FAILED, error="bench: bỏ dở")
    user = User.objects.get(username="thuysan")
    print(f"{Vessel.objects.count()} tàu trong sổ", flush=True)

    t = time.perf_counter()
    run = engine.plan_run(user)
    run = engine.run_to_end(engine.claim_run("bench"), "bench")
    local = time.perf_counter() - t
    print(f"bản trích trong máy: {run.processed} tàu trong {local:.1f} s "
          f"({run.chunks_done} phần; {run.counts}) — mục tiêu < 120 s: {'ĐẠT' if local < 120 else 'CHƯA ĐẠT'}", flush=True)

    if not args.skip_http:
        proc, url = _serve(files / "population.csv", args.rate, work / "population-serve.log")
        try:
            os.environ.update(LIENTHONG_POPULATION_URL=url, LIENTHONG_POPULATION_TOKEN="bench",
                              LIENTHONG_POPULATION_RATE=str(args.rate))
            run = engine.plan_run(user, source="http")
            claimed = engine.claim_run("bench")
            linker = engine.make_linker(claimed)
            t = time.perf_counter()
            run = engine.run_to_end(claimed, "bench", linker)
            remote = time.perf_counter() - t
        finally:
            proc.terminate()
            proc.wait(20)
        floor = linker.lookups / args.rate
        over = 100.0 * (remote - floor) / floor if floor else 0.0
        print(f"dịch vụ HTTP ({args.rate:g} tra cứu/s): {run.processed} tàu, {linker.lookups} tra cứu trong {remote:.1f} s; "
              f"sàn {floor:.1f} s; vượt sàn {over:.1f} % — mục tiêu ≤ 10 %: {'ĐẠT' if over <= 10 else 'CHƯA ĐẠT'}; "
              f"{run.counts}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

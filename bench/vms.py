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
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-vms")
    parser.add_argument("--vessels", type=int, default=2500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261101)
    args = parser.parse_args(argv)
    work = Path(args.work)
    data = demo_month(work, args.vessels, args.days, args.seed)
    with open(data / "positions.csv", encoding="utf-8") as fh:
        positions = sum(1 for _ in fh) - 1
    out = work / "alerts.csv"
    wall = time_vms_check(data, out)
    print(f"vms-check: {args.vessels} vessels, {positions} positions over {args.days} days: wall {wall:.1f} s "
          f"(target < 30 s for 2,500 vessels)")
    figures = accuracy(out, data / "truth.csv")
    ok = wall < 30 or args.vessels > 2500
    for kind, (n_alerts, good, n_truth, found) in figures.items():
        precision = good / n_alerts if n_alerts else 1.0
        recall = found / n_truth if n_truth else 1.0
        print(f"  {kind:<22} alerts {n_alerts:>5}  precision {precision:.4f}   truths {n_truth:>5}  recall {recall:.4f}"
              + ("   (targets ≥ 0.99 both)" if kind == "all" else ""))
        if kind == "all":
            ok = ok and precision >= 0.99 and recall >= 0.99
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

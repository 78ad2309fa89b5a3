"""Cleaning a registry in batch (`lienthong clean`) on its demo data, per profile: accuracy and wall time.

    .venv/bin/python bench/clean.py [--work DIR] [--population 300000] [--marriages 8000] [--threads 2]

The marriage profile: --marriages events written from a population of --population people (bench's demo, not
timed; kept in --work for the next run) with the books' damage (lienthong.demo.marriages), then `lienthong
clean --profile marriage` as a user runs it (a fresh process, the population's Parquet cache removed first, so
the conversion is timed too). Prints automatic-link precision and recall, right-person-found recall, duplicate
precision and recall, the flags found against the truth, and the wall time. Targets: precision >= 0.999, recall
>= 0.90, found >= 0.97; duplicates precision >= 0.98, recall >= 0.90; 8,000 marriages in under 30 s.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from clean_accuracy import evaluate

from lienthong.demo import generate
from lienthong.demo.marriages import write_marriages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-clean")
    parser.add_argument("--population", type=int, default=300_000)
    parser.add_argument("--marriages", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20250930)
    args = parser.parse_args(argv)
    work = Path(args.work)
    data = work / f"demo-{args.population}"
    if not (data / "population.csv").is_file():
        print(f"generating {args.population} people in {data} (not timed)…", flush=True)
        generate(data, vessels=200, population=args.population)
    registry, truth = data / f"marriages-{args.marriages}.csv", data / f"marriages-{args.marriages}-truth.csv"
    rows = write_marriages(data / "population.csv", registry, truth, marriages=args.marriages, seed=args.seed)
    cache, out = work / "cache", work / "marriages-out.csv"
    shutil.rmtree(cache, ignore_errors=True)
    cmd = [sys.executable, "-m", "lienthong.cli", "clean", "--profile", "marriage", "--population",
           str(data / "population.csv"), "--registry", str(registry), "--out", str(out), "--cache-dir", str(cache),
           "--threads", str(args.threads), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return 1
    fig = evaluate(out, truth)
    print(f"marriage: {args.marriages} events in {rows} rows ({fig.persons} spouses) against {args.population} people,"
          f" {args.threads} threads: wall {wall:.1f} s (target < 30 s; the population's conversion included)")
    for line in fig.lines():
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cleaning a registry in batch (`lienthong clean`) on its demo data, per profile: accuracy and wall time.

    .venv/bin/python bench/clean.py [--work DIR] [--population 300000] [--marriages 8000] [--parcels 6000]
                                    [--students 8000] [--martyrs 4000]

The marriage profile: --marriages events written from a population of --population people (bench's demo, not
timed; kept in --work for the next run) with the books' damage (lienthong.demo.marriages), then `lienthong clean
--profile marriage` as a user runs it (a fresh process, the population's Parquet cache removed first, so the
conversion is timed too). Prints automatic-link precision and recall, right-person-found recall, duplicate
precision and recall, the flags found against the truth, and the wall time. Targets: precision >= 0.999, recall >=
0.90, found >= 0.97; duplicates precision >= 0.98, recall >= 0.90; 8,000 marriages in under 30 s. The land profile
the same way: --parcels certificates whose holder field names one or several people (lienthong.demo.land), linked
person by person, duplicates by parcel key. The martyr profile: --martyrs martyrs listed by three sources
(lienthong.demo.martyrs); the martyr is never linked, their kin is; duplicates are the same martyr across sources.
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
from lienthong.demo.land import write_land
from lienthong.demo.marriages import write_marriages
from lienthong.demo.martyrs import write_martyrs
from lienthong.demo.students import write_students

UNITS = {"marriage": "events", "land": "parcels", "student": "students", "martyr": "martyrs"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-clean")
    parser.add_argument("--population", type=int, default=300_000)
    parser.add_argument("--marriages", type=int, default=8000)
    parser.add_argument("--parcels", type=int, default=6000, help="land certificates (0: the land profile is not run)")
    parser.add_argument("--students", type=int, default=8000, help="students (0: the student profile is not run)")
    parser.add_argument("--martyrs", type=int, default=4000, help="martyrs (0: the martyr profile is not run)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20250930)
    args = parser.parse_args(argv)
    work = Path(args.work)
    data = work / f"demo-{args.population}"
    if not (data / "households.csv").is_file():
        print(f"generating {args.population} people in {data} (not timed)…", flush=True)
        generate(data, vessels=200, population=args.population)
    ok = True
    population = data / "population.csv"
    writers = {
        "marriage": lambda reg, truth, n: write_marriages(population, reg, truth, marriages=n, seed=args.seed),
        "land": lambda reg, truth, n: write_land(population, reg, truth, parcels=n, seed=args.seed,
                                                 households=data / "households.csv"),
        "student": lambda reg, truth, n: write_students(population, data / "households.csv", reg, truth, students=n,
                                                        seed=args.seed),
        "martyr": lambda reg, truth, n: write_martyrs(population, reg, truth, martyrs=n, seed=args.seed),
    }
    for profile, count in (("marriage", args.marriages), ("land", args.parcels), ("student", args.students),
                           ("martyr", args.martyrs)):
        if not count:
            continue
        registry, truth = data / f"{profile}-{count}.csv", data / f"{profile}-{count}-truth.csv"
        rows = writers[profile](registry, truth, count)
        cache, out = work / "cache", work / f"{profile}-out.csv"
        shutil.rmtree(cache, ignore_errors=True)
        cmd = [sys.executable, "-m", "lienthong.cli", "clean", "--profile", profile, "--population",
               str(data / "population.csv"), "--registry", str(registry), "--out", str(out), "--cache-dir", str(cache),
               "--threads", str(args.threads), "--quiet"]
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            ok = False
            continue
        fig = evaluate(out, truth)
        print(f"{profile}: {count} {UNITS[profile]} in {rows} rows ({fig.persons} "
              f"persons) against {args.population} people, {args.threads} threads: wall {wall:.1f} s (the population's"
              f" conversion included{'; target < 30 s' if profile == 'marriage' else ''})")
        for line in fig.lines():
            print("  " + line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Speed of `lienthong link` at province scale: wall time and peak memory, first and second run.

    .venv/bin/python bench/link.py [--work DIR] [--population 4952238] [--vessels 10026] [--names diverse|demo]

Generates the demo files once (not timed), then runs the command twice in a fresh child process:
first with an empty cache (cold: the population CSV → Parquet conversion counts), then again reusing
the converted file (warm). Peak memory is the child's maximum resident set size. The population has real
name diversity by default (`--names diverse`: lienthong.demo.names.diverse_full_name; `demo` is the demo's
own, narrower name model). Targets (issue 15): cold < 30 s, warm < 15 s, < 2 GB on 2 cores. Then the accuracy
on this population, from truth.csv (as bench/link_accuracy.py scores it).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from link_accuracy import evaluate  # bench/ is the script's own folder

from lienthong.demo import generate


def _run_once(cmd: list[str]) -> tuple[float, float, int]:
    started = time.perf_counter()
    # A fresh child per run: ru_maxrss of RUSAGE_CHILDREN is the largest of the children so far,
    # so each run is measured in its own grandchild through a tiny wrapper.
    wrapper = (
        "import resource, subprocess, sys;"
        "rc = subprocess.call(sys.argv[1:]);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
        "sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = proc.stderr.strip().splitlines()
    peak_kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
    return wall, peak_kib / 1024 / 1024, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-link")
    parser.add_argument("--population", type=int, default=4_952_238)
    parser.add_argument("--vessels", type=int, default=10_026)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--names", choices=["diverse", "demo"], default="diverse")
    args = parser.parse_args(argv)
    work = Path(args.work)
    data = work / f"demo-{args.population}" if args.names == "demo" else work / f"{args.names}-{args.population}"
    if not (data / "truth.csv").is_file():
        print(f"generating {args.vessels} vessels, {args.population} people ({args.names} names) in {data} (not timed)…",
              flush=True)
        generate(data, vessels=args.vessels, population=args.population, names=args.names)
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    # The module entry point is the same main() that `lienthong link` hands over to.
    cmd = [sys.executable, "-m", "lienthong.linkage.command", "--population", str(data / "population.csv"), "--registry", str(data / "registry.csv"),
           "--out", str(work / "result.csv"), "--cache-dir", str(cache), "--threads", str(args.threads), "--quiet"]
    print(f"{args.vessels} registry records vs {args.population} people, {args.threads} threads")
    ok = True
    for label in ("first run (with conversion)", "second run (cached Parquet)"):
        wall, peak_gib, rc = _run_once(cmd)
        ok &= rc == 0
        print(f"{label:32s} wall {wall:6.1f} s   peak RSS {peak_gib:5.2f} GiB   exit {rc}", flush=True)
    if ok:
        for line in evaluate(work / "result.csv", data / "truth.csv").lines():
            print("  " + line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

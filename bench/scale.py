"""The identity engine at growing populations, on DuckDB and on Spark: wall time and peak memory per size.

    .venv/bin/python bench/scale.py [--sizes 300000,1000000,5000000] [--engines duckdb,spark] [--vessels 10026]
                                    [--threads 2] [--work var/bench-scale] [--spark-master local[2]]

For each size it generates a demo province once (not timed; the registry is the province's 10,026 vessel owners),
then runs `lienthong link` in a fresh process per engine twice: cold (the population CSV prepared, nothing cached;
Spark's JVM started) and warm (the prepared Parquet reused). Peak memory is the largest sum of the resident sets
of the command's process tree (Python, and Spark's JVM with it), sampled every 0.1 s from /proc. It also counts
the records whose status or person differs between the engines (the test on a small set asks none; here the
same, at scale). docs/scale.md carries these figures to the national case.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from lienthong.demo import generate

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc (no psutil in the project)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _rss(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_measured(cmd: list[str]) -> tuple[float, float, int, str]:
    """(wall s, peak GiB of the process tree, exit code, stderr)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss(_tree(proc.pid)))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate()
    done.set()
    sampler.join()
    return time.perf_counter() - started, peak / 2**30, proc.returncode, err


def _answers(path: Path) -> dict[str, tuple[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return {r["record_id"]: (r["status"], r["person_id"]) for r in csv.DictReader(fh)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300000,1000000,5000000")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--vessels", type=int, default=10_026)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", default="var/bench-scale")
    parser.add_argument("--spark-master", default=None)
    args = parser.parse_args(argv)
    work = Path(args.work)
    engines = args.engines.split(",")
    print(f"{os.cpu_count()} cores; {args.vessels} registry records; {args.threads} threads", flush=True)
    ok = True
    for size in (int(s) for s in args.sizes.split(",")):
        data = work / f"demo-{size}"
        if not (data / "truth.csv").is_file():
            print(f"generating {args.vessels} vessels, {size} people in {data} (not timed)…", flush=True)
            generate(data, vessels=args.vessels, population=size)
        outs = {}
        for engine in engines:
            cache = work / f"cache-{size}-{engine}"
            shutil.rmtree(cache, ignore_errors=True)
            out = work / f"result-{size}-{engine}.csv"
            cmd = [sys.executable, "-m", "lienthong.linkage.command", "--population", str(data / "population.csv"),
                   "--registry", str(data / "registry.csv"), "--out", str(out), "--cache-dir", str(cache),
                   "--threads", str(args.threads), "--engine", engine, "--quiet"]
            if engine == "spark" and args.spark_master:
                cmd += ["--spark-master", args.spark_master]
            for label in ("cold", "warm"):
                wall, peak, rc, err = run_measured(cmd)
                ok &= rc == 0
                if rc:
                    sys.stderr.write(err[-3000:])
                print(f"{size:>9,} people  {engine:<6}  {label}  wall {wall:7.1f} s   peak {peak:5.2f} GiB   exit {rc}",
                      flush=True)
            outs[engine] = out
        if len(outs) == 2 and all(p.is_file() for p in outs.values()):
            a, b = (_answers(p) for p in outs.values())
            status = sum(a[k][0] != b[k][0] for k in a)
            auto = [k for k in a if {a[k][0], b[k][0]} & {"verified", "matched"}]
            person = sum(a[k][1] != b[k][1] for k in auto)
            print(f"{size:>9,} people  engines differ: status {status} of {len(a)}, person {person} of {len(auto)} "
                  "automatic links", flush=True)
            ok &= status <= 0.001 * len(a) and person == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

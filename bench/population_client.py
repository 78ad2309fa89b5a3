"""Measure the HTTP client against a running service: `python bench/population_client.py --url …`.

Prints the achieved rate of single verifies (spread over threads) and of batches, so the rate
limit, not the client, should be the bottleneck. Uses CCCDs from the extract file; prints no
personal data.
"""
from __future__ import annotations

import argparse
import csv
import itertools
import threading
import time

from lienthong.population.client import HttpPopulationSource


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/population_client.py")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--extract", required=True, help="POP.csv the service serves (CCCDs are taken from it)")
    p.add_argument("--rate", type=float, default=50.0)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args(argv)
    with open(args.extract, encoding="utf-8", newline="") as fh:
        rows = [(r[0], r[2], r[3]) for r in itertools.islice(csv.reader(fh), 1, args.count + 1)]
    with HttpPopulationSource(args.url, args.token, rate_per_second=args.rate, timeout=10, retries=6) as c:
        c.verify(rows[0][0])  # warm the connection pool
        queue = iter(rows)
        lock = threading.Lock()
        found = 0

        def work():
            nonlocal found
            while True:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                ok = c.verify(*item).found
                with lock:
                    found += ok

        started = time.monotonic()
        pool = [threading.Thread(target=work) for _ in range(args.threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        single = time.monotonic() - started
        print(f"verify ×{len(rows)} on {args.threads} threads: {single:.2f} s, "
              f"{len(rows) / single:.1f}/s (limit {args.rate:g}/s), found {found}, "
              f"429s {c.stats['429']}, retries {c.stats['retries']}")
        started = time.monotonic()
        results = c.verify_many(rows)
        batch = time.monotonic() - started
        print(f"verify_many ×{len(rows)} (batches of 100): {batch:.2f} s, {len(rows) / batch:.1f} lookups/s, "
              f"found {sum(r.found for r in results)}")
        started = time.monotonic()
        n = 50
        hits = sum(len(c.search(name, birth_year=int(born[:4]))) for _, name, born in rows[:n])
        took = time.monotonic() - started
        print(f"search ×{n}: {took:.2f} s, {n / took:.1f}/s, {hits} results")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark geo.address.resolve on typical An Giang addresses; prints resolutions per second.

Addresses are generated from the package CSVs in the styles the registry holds (old three-tier with
abbreviations, old without diacritics, new two-tier, with house/hamlet detail), so every call parses
a different string (no caching involved).

    .venv/bin/python bench/geo_resolve.py [--seconds 3]
"""
from __future__ import annotations

import argparse
import random
import time

from lienthong.geo import units
from lienthong.geo.address import resolve
from lienthong.identity.text import fold

ABBREVIATION = {"xã": "X.", "phường": "P.", "thị trấn": "TT.", "huyện": "H.", "thị xã": "TX.",
                "thành phố": "TP."}


def addresses() -> list[str]:
    out: list[str] = []
    prov_names = {"89": ["An Giang", "AG", "tỉnh An Giang"], "91": ["Kiên Giang", "KG", "T. Kiên Giang"]}
    for old in ("89", "91"):
        for district in units.legacy_districts_of_province(old):
            for c in units.legacy_communes_of_district(district.code):
                prov = prov_names[old]
                out.append(f"Ấp 3, {c.name}, {district.name}, tỉnh {prov[0]}")
                out.append(f"{ABBREVIATION[c.division_type]}{c.short_name}, "
                           f"{ABBREVIATION[district.division_type]}{district.short_name}, {prov[1]}")
                out.append(fold(f"{c.name} {district.name} {prov[0]}"))
                out.append(f"Số 12 đường Nguyễn Trung Trực, {c.name}, {district.short_name}, {prov[2]}")
    for c in units.communes_of_province(units.AN_GIANG):
        out.append(f"Tổ 5, khóm 2, {c.name}, tỉnh An Giang")
        out.append(fold(f"{c.name} an giang"))
        out.append(c.name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    sample = addresses()
    random.Random(7).shuffle(sample)
    resolve(sample[0])  # load tables and build indexes outside the timing
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for a in sample:
            resolve(a)
            done += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    counts: dict[str, int] = {}
    for a in sample:
        s = resolve(a).status
        counts[s] = counts.get(s, 0) + 1
    print(f"{len(sample)} distinct addresses, statuses {counts}")
    # CPU time is the figure to compare: wall time also counts other processes on a shared machine.
    print(f"{done / cpu:,.0f} resolutions/second of CPU time ({cpu * 1e6 / done:.1f} µs each); "
          f"wall clock {done / elapsed:,.0f}/s")


if __name__ == "__main__":
    main()

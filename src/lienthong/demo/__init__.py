"""Realistic synthetic demo data for An Giang: the files an officer would have.

`generate()` writes a population file (the national database's view of the province), the fleet
registry as an Excel sheet with the usual damage, the same owner records as the linkage contract's
CSV, and the truth for accuracy evaluation. Deterministic for a seed; the population is streamed,
so the full province (4,952,238 people) fits in little memory. No Django.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from lienthong.demo.errors import write_registry_with_errors
from lienthong.demo.ids import IdFactory
from lienthong.demo.places import OWNER_DISTRICT_WEIGHTS, Geography, geography
from lienthong.demo.population import OwnerSpec, Person, PopulationStream
from lienthong.demo.registry import Damage, FleetShape, build_registry, write_registry_csv, write_registry_xlsx, write_truth_csv

__all__ = ["DemoFiles", "Damage", "FleetShape", "generate", "main", "write_registry_with_errors"]


@dataclass(frozen=True)
class DemoFiles:
    population: Path  # population.csv
    registry_xlsx: Path  # registry.xlsx
    registry_csv: Path  # registry.csv (linkage contract)
    truth: Path  # truth.csv
    vms: Path | None = None  # vms/: a month of positions of the vessels of 15 m and over (lienthong.demo.vms)


def _owner_specs(rng: random.Random, geo: Geography, count: int, ag_share: float) -> list[OwnerSpec]:
    kg = [(d, w) for d, w in OWNER_DISTRICT_WEIGHTS.items() if d in geo.by_old_district]
    ag = sorted({p.old_district_code for p in geo.places if p.old_province == "89"})
    specs = []
    for _ in range(count):
        if rng.random() < ag_share:
            district = rng.choice(ag)
        else:
            district = rng.choices([d for d, _ in kg], weights=[w for _, w in kg])[0]
        place = rng.choice(geo.by_old_district[district])
        specs.append(OwnerSpec(
            gender="nam" if rng.random() < 0.93 else "nữ",
            age=int(rng.triangular(18, 81, 45)),
            place=place,
            hamlet=rng.choice(place.hamlets),
        ))
    return specs


def generate(
    out_dir: Path | str,
    *,
    vessels: int = 10_026,
    population: int = 200_000,
    seed: int = 20250701,
    damage: Damage = Damage(),
    shape: FleetShape = FleetShape(),
    vms_days: int = 0,
    names: str = "demo",
) -> DemoFiles:
    """Write population.csv, registry.xlsx, registry.csv and truth.csv into out_dir (and households.csv: the
    population's households, for the demo registries of families; with vms_days, vms/: that many days of VMS
    positions of the fleet's vessels of 15 m and over, ending on the demo's today, 1 December 2026). names: "demo",
    or "diverse" for a population with real name diversity (names.diverse_full_name; bench/link.py)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(out / "population.csv", out / "registry.xlsx", out / "registry.csv", out / "truth.csv")
    geo = geography()
    # Separate streams per concern, so e.g. a change to the damage model leaves the population alone.
    ids = IdFactory(random.Random(f"{seed}:ids"))
    owner_rng = random.Random(f"{seed}:owners")
    n_owners = max(1, min(vessels, round(vessels * shape.owners_per_vessel)))
    n_outside = round(n_owners * shape.owners_not_in_population)
    n_inside = n_owners - n_outside
    if population < n_inside:
        raise ValueError(f"population {population} is smaller than the {n_inside} owners it must contain")
    specs = _owner_specs(owner_rng, geo, n_owners, shape.ag_share)
    rows_at = owner_rng.sample(range(population), n_inside)
    owner_at = dict(zip(rows_at, specs[:n_inside]))

    stream = PopulationStream(random.Random(f"{seed}:population"), ids, geo, names)
    # Owners who are not in the population file (moved away, or data beyond repair): made by the same
    # factory first, so their CCCDs cannot collide with anyone's.
    outside: list[Person] = []
    for spec in specs[n_inside:]:
        person = stream.person(spec.gender, spec.age, None, spec.place, spec.hamlet)
        person.in_population = False
        outside.append(person)
    inside = stream.write(files.population, population, owner_at, households_path=out / "households.csv")
    owners = [inside[r] for r in sorted(inside)] + outside

    rows = build_registry(random.Random(f"{seed}:registry"), owners, vessels, damage, shape)
    write_registry_xlsx(files.registry_xlsx, [r.values for r in rows])
    write_registry_csv(files.registry_csv, rows)
    write_truth_csv(files.truth, rows)
    if vms_days:
        from .vms import fleet_from_registry, write_vms

        write_vms(out / "vms", fleet_from_registry([r.values for r in rows]), days=vms_days, seed=seed)
        files = replace(files, vms=out / "vms")
    return files


def main(argv: list[str] | None = None) -> int:
    """`lienthong demo-data [--out DIR] [--vessels N] [--population N] [--seed N]`."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="lienthong demo-data", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="var/demo", help="output directory (default var/demo)")
    parser.add_argument("--vessels", type=int, default=10_026)
    parser.add_argument("--population", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--marriages", type=int, default=8000, help="marriage registry events (0: none)")
    parser.add_argument("--parcels", type=int, default=6000, help="land certificates (0: none)")
    parser.add_argument("--students", type=int, default=8000, help="students of the student registry (0: none)")
    parser.add_argument("--martyrs", type=int, default=4000, help="martyrs of the martyr registry (0: none)")
    parser.add_argument("--vms-days", type=int, default=30, help="days of VMS positions of the vessels of 15 m and over (0: none)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files = generate(args.out, vessels=args.vessels, population=args.population, seed=args.seed, vms_days=args.vms_days)
    for path in (files.population, files.registry_xlsx, files.registry_csv, files.truth):
        print(path)
    if files.vms:
        print(files.vms, "(ports.csv, zones.geojson, vessels.csv, positions.csv, truth.csv)")
    if args.marriages:
        from .marriages import write_marriages

        out = Path(args.out)
        rows = write_marriages(files.population, out / "marriages.csv", out / "marriages-truth.csv",
                               marriages=min(args.marriages, args.population // 25), seed=args.seed)
        print(out / "marriages.csv", f"({rows} rows)")
        print(out / "marriages-truth.csv")
    if args.parcels:
        from .land import write_land

        out = Path(args.out)
        rows = write_land(files.population, out / "land.csv", out / "land-truth.csv",
                          parcels=min(args.parcels, args.population // 30), seed=args.seed,
                          households=out / "households.csv")
        print(out / "land.csv", f"({rows} rows)")
        print(out / "land-truth.csv")
    if args.students:
        from .students import write_students

        out = Path(args.out)
        rows = write_students(files.population, out / "households.csv", out / "students.csv",
                              out / "students-truth.csv", students=min(args.students, args.population // 25),
                              seed=args.seed)
        print(out / "students.csv", f"({rows} rows)")
        print(out / "students-truth.csv")
    if args.martyrs:
        from .martyrs import write_martyrs

        out = Path(args.out)
        rows = write_martyrs(files.population, out / "martyrs.csv", out / "martyrs-truth.csv",
                             martyrs=min(args.martyrs, args.population // 50), seed=args.seed)
        print(out / "martyrs.csv", f"({rows} rows)")
        print(out / "martyrs-truth.csv")
    print(f"{args.vessels} vessels, {args.population} people in {time.perf_counter() - started:.1f} s")
    return 0

"""Benchmark: import a 10,026-row registry xlsx, then re-import it (idempotent), and print rows/s.

    .venv/bin/python bench/import_registry.py [--rows 10026] [--keep DIR]

Runs against a throw-away SQLite database (or DATABASE_URL if set: then it must be a scratch
database, as the benchmark creates and empties the fleet tables). The file comes from
`lienthong.demo.generate` (owners with the usual damage: TCVN3/VNI names, mangled IDs, old
addresses); with `--plain` a small writer of its own makes a clean file instead.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _plain_file(path: Path, rows: int) -> None:
    """A clean registry sheet with the usual headers (when the demo generator is not wanted)."""
    from openpyxl import Workbook

    from lienthong.fleet.columns import COLUMNS, label

    book = Workbook(write_only=True)
    ws = book.create_sheet("Danh sách tàu cá")
    ws.append(["DANH SÁCH TÀU CÁ"])
    ws.append([])
    keys = list(COLUMNS)
    ws.append(["STT", *(label(k) for k in keys)])
    for n in range(1, rows + 1):
        values = {
            "registration_number": f"KG-{90000 + n}-TS",
            "vessel_name": f"KG {90000 + n}",
            "owner_name": "Nguyễn Văn Tư" if n % 3 else "Trần Thị Hòa",
            "owner_id_number": f"091{0 if n % 3 else 1}78{n:06d}",
            "owner_birth_date": "05/04/1978",
            "owner_gender": "Nam" if n % 3 else "Nữ",
            "owner_address": "Ấp 1, xã Dương Tơ, huyện Phú Quốc, tỉnh Kiên Giang",
            "home_port": "Cảng cá An Thới",
            "length_m": f"{6 + n % 20},5",
            "engine_kw": 90 + n % 400,
            "gear": "Lưới kéo đôi",
            "fishing_zone": "Vùng lộng",
            "licence_number": f"GP-{n}/2024",
            "licence_issued": "01/02/2024",
            "licence_expiry": "01/02/2027",
        }
        ws.append([n, *(values.get(k) for k in keys)])
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_026)
    parser.add_argument("--plain", action="store_true", help="clean file from this script, not the demo generator")
    parser.add_argument("--keep", help="directory to write the generated file into (kept)")
    args = parser.parse_args(argv)

    work = Path(args.keep or tempfile.mkdtemp(prefix="lienthong-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from lienthong.fleet.importer import import_registry
    from lienthong.fleet.models import FishingLicence, Owner, SafetyCertificate, Vessel, VesselChange

    path = work / "registry.xlsx"
    started = time.perf_counter()
    try:
        if args.plain:
            raise ImportError
        from lienthong.demo import generate

        files = generate(work / "demo", vessels=args.rows, population=max(20_000, args.rows * 2))
        path = Path(files.registry_xlsx)
        source = "lienthong.demo.generate"
    except ImportError:
        _plain_file(path, args.rows)
        source = "plain writer"
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {source}, made in {time.perf_counter() - started:.1f} s)")

    for model in (VesselChange, FishingLicence, SafetyCertificate, Vessel, Owner):
        model.objects.all().delete()
    for label in ("first import", "re-import (same file)"):
        t0 = time.perf_counter()
        record = import_registry(path, file_name=path.name)
        seconds = time.perf_counter() - t0
        print(
            f"{label}: {record.rows_total} rows in {seconds:.2f} s = {record.rows_total / seconds:,.0f} rows/s "
            f"[{record.status}: created {record.rows_created}, updated {record.rows_updated}, "
            f"unchanged {record.rows_unchanged}, rejected {record.rows_rejected}, "
            f"owners created {record.owners_created}]"
        )
        if record.status == "failed":
            print(record.message)
            return 1
    print(f"database: {Vessel.objects.count()} vessels, {Owner.objects.count()} owners, "
          f"{VesselChange.objects.count()} change records")
    return 0


if __name__ == "__main__":
    sys.exit(main())

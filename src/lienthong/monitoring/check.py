"""`lienthong vms-check --vessels V.csv --ports P.csv --zones Z.geojson --positions POS.csv --out ALERTS.csv
[--now ISO] [--thresholds T.json]`

The batch form of vessel monitoring for an analyst: every position of the file through the same rules as the duty
desk (episodes.evaluate_fleet), at `--now` (default: the latest position time in the file; positions after it are
not seen). ALERTS.csv: registration_number, kind (gap_over_6h | gap_over_10d | outside_allowed_zone |
inside_forbidden_zone), start, end (empty: still going on at now), detail; times in Asia/Ho_Chi_Minh (+07:00).
Bad input exits 2 naming the file, the row (or zone) and the column, and writes nothing; ALERTS.csv is written to a
temporary file renamed at the end.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from lienthong.printing import cells

from .episodes import LOCAL, Episode, evaluate_fleet, from_micros
from .errors import InputError
from .geometry import load_zones
from .inputs import parse_time, read_ports, read_positions, read_vessels
from .thresholds import Thresholds

__all__ = ["ALERT_COLUMNS", "run", "write_alerts", "main"]

ALERT_COLUMNS = ("registration_number", "kind", "start", "end", "detail")


def _local_iso(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL).isoformat(timespec="seconds") if moment is not None else ""


def run(vessels, ports, zones, positions, *, now: datetime | None = None,
        thresholds: Thresholds = Thresholds()) -> list[Episode]:
    """Read the four files (InputError on the first problem) and evaluate the fleet at `now`."""
    lengths = read_vessels(vessels)
    port_list = read_ports(ports, thresholds)
    zone_list = load_zones(zones)
    pos = read_positions(positions)
    if now is None:
        now = from_micros(int(pos.times_us.max()))
    return evaluate_fleet(pos.vessels, pos.times_us, pos.lat, pos.lon, lengths, port_list, zone_list, thresholds, now)


def write_alerts(path: Path, episodes: list[Episode]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
            writer.writerow(ALERT_COLUMNS)
            for ep in episodes:
                writer.writerow(cells.csv_row((ep.registration_number, ep.kind, _local_iso(ep.start), _local_iso(ep.end),
                                               ep.detail)))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong vms-check",
                                     description="Kiểm tra vị trí tàu cá (VMS): mất tín hiệu trên biển, vi phạm vùng.")
    parser.add_argument("--vessels", required=True, help="V.csv (registration_number,length_m)")
    parser.add_argument("--ports", required=True, help="P.csv (port_code,name,latitude,longitude,radius_km)")
    parser.add_argument("--zones", required=True, help="Z.geojson (Polygon/MultiPolygon; kind allowed|forbidden, code, name)")
    parser.add_argument("--positions", required=True,
                        help="POS.csv (registration_number,time,latitude,longitude,speed_knots,course_deg)")
    parser.add_argument("--out", required=True, help="ALERTS.csv (" + ",".join(ALERT_COLUMNS) + ")")
    parser.add_argument("--now", help="evaluation time, ISO 8601 with offset (default: the latest position)")
    parser.add_argument("--thresholds", help="T.json: thresholds as data (monitoring.thresholds.Thresholds.to_dict)")
    args = parser.parse_args(argv)
    try:
        now = parse_time(args.now, "--now") if args.now else None
        thresholds = Thresholds()
        if args.thresholds:
            try:
                thresholds = Thresholds.from_json(Path(args.thresholds).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"{args.thresholds}: {exc}") from exc
        episodes = run(args.vessels, args.ports, args.zones, args.positions, now=now, thresholds=thresholds)
    except InputError as exc:
        print(f"lienthong vms-check: lỗi dữ liệu vào: {exc}", file=sys.stderr)
        return 2
    write_alerts(Path(args.out), episodes)
    return 0


if __name__ == "__main__":
    sys.exit(main())

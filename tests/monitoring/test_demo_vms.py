from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime

from lienthong.cli import main as cli_main
from lienthong.demo.vms import fleet_from_registry, synthetic_fleet, write_vms
from lienthong.monitoring.geometry import load_zones


def _episodes(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["registration_number"], r["kind"], datetime.fromisoformat(r["start"]),
                 datetime.fromisoformat(r["end"]) if r["end"] else None) for r in csv.DictReader(fh)]


def _overlaps(a, b):
    return a[:2] == b[:2] and (b[3] is None or a[2] <= b[3]) and (a[3] is None or b[2] <= a[3])


def test_the_engine_finds_the_injected_outages_and_breaches_and_nothing_else(tmp_path):
    files = write_vms(tmp_path / "vms", synthetic_fleet(60, seed=7), days=20, seed=7, outage_share=0.4,
                      forbidden_share=0.2, outside_share=0.2)
    load_zones(files.zones)  # the demo's zones are valid GeoJSON for the engine
    truth = _episodes(files.truth)
    assert {k for _, k, _, _ in truth} == {"gap_over_6h", "gap_over_10d", "outside_allowed_zone", "inside_forbidden_zone"}
    out = tmp_path / "alerts.csv"
    assert cli_main(["vms-check", "--vessels", str(files.vessels), "--ports", str(files.ports), "--zones", str(files.zones),
                     "--positions", str(files.positions), "--out", str(out)]) == 0
    alerts = _episodes(out)
    assert [a for a in alerts if not any(_overlaps(a, t) for t in truth)] == []
    assert [t for t in truth if not any(_overlaps(a, t) for a in alerts)] == []


def test_the_feed_has_duplicates_late_rows_and_several_offsets(tmp_path):
    files = write_vms(tmp_path, synthetic_fleet(10, seed=3), days=10, seed=3)
    with open(files.positions, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = Counter((r["registration_number"], r["time"]) for r in rows)
    assert max(keys.values()) >= 2
    instants = [datetime.fromisoformat(r["time"]) for r in rows]
    assert any(b < a for a, b in zip(instants, instants[1:]))
    assert {r["time"][-6:] if not r["time"].endswith("Z") else "Z" for r in rows} == {"+07:00", "+00:00", "Z"}
    again = write_vms(tmp_path / "again", synthetic_fleet(10, seed=3), days=10, seed=3)
    assert again.positions.read_bytes() == files.positions.read_bytes()


def test_the_registry_gives_its_vessels_of_15_m_and_over():
    fleet = fleet_from_registry([
        {"registration_number": "KG-90001-TS", "length_m": 16.2, "home_port": "Cảng cá An Thới", "vms_device_id": "MOV-1"},
        {"registration_number": "KG-90002-TS", "length_m": 11.0, "home_port": "Cảng cá Rạch Giá"},
        {"registration_number": "KG-90003-TS", "length_m": 24.0, "home_port": "Cảng cá Bình An"},
        {"registration_number": "KG-90004-TS", "length_m": -7.5, "home_port": "Cảng cá Rạch Giá"},
    ])
    assert [(v.registration_number, v.home_port, v.has_device) for v in fleet] == [
        ("KG-90001-TS", "AT", True), ("KG-90003-TS", "TC", False)]

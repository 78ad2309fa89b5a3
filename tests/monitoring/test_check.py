from __future__ import annotations

import csv
import json

import pytest

from lienthong.cli import main as cli_main

from .conftest import SEA, ZONES_GEOJSON


def write(tmp_path, positions, vessels="registration_number,length_m\nKG-91234-TS,20.5\n",
          ports="port_code,name,latitude,longitude,radius_km\nRG,Rạch Giá,10.0,105.08,3\nHT,Hà Tiên,10.38,104.48,\n",
          zones=None):
    (tmp_path / "v.csv").write_text(vessels, encoding="utf-8")
    (tmp_path / "p.csv").write_text(ports, encoding="utf-8")
    (tmp_path / "z.geojson").write_text(json.dumps(zones or ZONES_GEOJSON), encoding="utf-8")
    header = "registration_number,time,latitude,longitude,speed_knots,course_deg\n"
    (tmp_path / "pos.csv").write_text(header + "".join(line + "\n" for line in positions), encoding="utf-8")
    return ["vms-check", "--vessels", str(tmp_path / "v.csv"), "--ports", str(tmp_path / "p.csv"), "--zones",
            str(tmp_path / "z.geojson"), "--positions", str(tmp_path / "pos.csv"), "--out", str(tmp_path / "alerts.csv")]


def alerts(tmp_path):
    with open(tmp_path / "alerts.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_offsets_give_the_same_instants_and_times_come_out_in_vietnam_time(tmp_path):
    lat, lon = SEA
    argv = write(tmp_path, [f"KG-91234-TS,2026-11-10T08:00:00+07:00,{lat},{lon},8,90",
                            f"KG-91234-TS,2026-11-10T03:00:00Z,{lat},{lon},,",  # 10:00 in Vietnam
                            f"KG-91234-TS,2026-11-10T11:30:00+00:00,{lat},{lon},3.5,180",  # 18:30
                            f"KG-91234-TS,2026-11-10T03:00:00+00:00,{lat},{lon},,"])  # the 10:00 position again
    assert cli_main(argv) == 0
    rows = alerts(tmp_path)
    assert [(r["kind"], r["start"], r["end"]) for r in rows] == [
        ("gap_over_6h", "2026-11-10T16:00:00+07:00", "2026-11-10T18:30:00+07:00")]


def test_now_opens_the_gap_that_has_not_ended(tmp_path):
    lat, lon = SEA
    argv = write(tmp_path, [f"KG-91234-TS,2026-11-10T08:00:00+07:00,{lat},{lon},8,90"])
    assert cli_main(argv + ["--now", "2026-11-21T08:00:00+07:00"]) == 0
    assert [(r["kind"], r["start"], r["end"]) for r in alerts(tmp_path)] == [
        ("gap_over_6h", "2026-11-10T14:00:00+07:00", ""), ("gap_over_10d", "2026-11-20T08:00:00+07:00", "")]


@pytest.mark.parametrize(("line", "column", "says"), [
    ("KG-91234-TS,2026-11-10T08:00:00,9.8,104.8,,", "time", "thiếu múi giờ"),
    ("KG-91234-TS,10/11/2026 08:00,9.8,104.8,,", "time", "ISO 8601"),
    ("KG-91234-TS,2026-11-10T08:00:00+07:00,,104.8,,", "latitude", "trống"),
    ("KG-91234-TS,2026-11-10T08:00:00+07:00,98.1,104.8,,", "latitude", "ngoài khoảng"),
    ("KG-91234-TS,2026-11-10T08:00:00+07:00,9.8,104;8,,", "longitude", "không phải một số"),
    ("KG-91234-TS,2026-11-10T08:00:00+07:00,9.8,104.8,fast,", "speed_knots", "không phải một số"),
])
def test_a_bad_position_exits_2_naming_file_row_and_column_and_writes_nothing(tmp_path, capsys, line, column, says):
    argv = write(tmp_path, ["KG-91234-TS,2026-11-10T06:00:00+07:00,9.8,104.8,,", line])
    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert f"pos.csv, dòng 3, cột {column}: " in err and says in err
    assert not (tmp_path / "alerts.csv").exists()
    assert not list(tmp_path.glob(".alerts.csv*"))


def test_a_missing_column_and_a_bad_zone_exit_2(tmp_path, capsys):
    argv = write(tmp_path, ["KG-91234-TS,2026-11-10T06:00:00+07:00,9.8,104.8,,"], vessels="registration_number\nX\n")
    assert cli_main(argv) == 2
    assert "v.csv: thiếu cột length_m" in capsys.readouterr().err
    bowtie = json.loads(json.dumps(ZONES_GEOJSON))
    bowtie["features"][1]["geometry"]["coordinates"] = [[[104.2, 9.5], [104.4, 9.7], [104.4, 9.5], [104.2, 9.7], [104.2, 9.5]]]
    argv = write(tmp_path, ["KG-91234-TS,2026-11-10T06:00:00+07:00,9.8,104.8,,"], zones=bowtie)
    assert cli_main(argv) == 2
    assert "z.geojson, vùng thứ 1 (ND): hình không hợp lệ (Self-intersection" in capsys.readouterr().err
    swapped = json.loads(json.dumps(ZONES_GEOJSON))
    swapped["features"][0]["properties"]["kind"] = "khác"
    argv = write(tmp_path, ["KG-91234-TS,2026-11-10T06:00:00+07:00,9.8,104.8,,"], zones=swapped)
    assert cli_main(argv) == 2
    assert "vùng thứ 0 (VN), thuộc tính kind: 'khác'" in capsys.readouterr().err
    projected = json.loads(json.dumps(ZONES_GEOJSON))
    projected["features"][0]["geometry"]["coordinates"] = [[[500000, 1100000], [600000, 1100000], [600000, 1200000],
                                                            [500000, 1100000]]]
    argv = write(tmp_path, ["KG-91234-TS,2026-11-10T06:00:00+07:00,9.8,104.8,,"], zones=projected)
    assert cli_main(argv) == 2
    assert "vùng thứ 0 (VN): tọa độ ngoài phạm vi" in capsys.readouterr().err
    assert not (tmp_path / "alerts.csv").exists()

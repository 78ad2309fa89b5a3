"""vms-check's input files, checked as `lienthong clean` checks its registry: UTF-8 CSV with a header, the first
problem named by file, row and column (InputError), nothing written on a bad file.

V.csv `registration_number,length_m`; P.csv `port_code,name,latitude,longitude,radius_km` (radius_km empty: the
thresholds' default radius); POS.csv `registration_number,time,latitude,longitude,speed_knots,course_deg` (time ISO
8601 with an offset, any offset; speed and course may be empty — devices omit them and no rule reads them — but
must be numbers when given). Z.geojson: geometry.load_zones.
"""
from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from lienthong.printing import cells

from .episodes import to_micros
from .errors import InputError
from .geometry import Port, Ports
from .thresholds import Thresholds

__all__ = ["VESSEL_COLUMNS", "PORT_COLUMNS", "POSITION_COLUMNS", "Positions", "read_vessels", "read_ports",
           "read_positions", "parse_time"]

VESSEL_COLUMNS = ("registration_number", "length_m")
PORT_COLUMNS = ("port_code", "name", "latitude", "longitude", "radius_km")
POSITION_COLUMNS = ("registration_number", "time", "latitude", "longitude", "speed_knots", "course_deg")


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str], dict[str, int]]]:
    """(line number, cells, column → index) of each data row; the header must hold `columns`."""
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: không mở được tệp ({exc.strerror})") from exc
    line_no = 1
    with fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(f"{path}: thiếu cột {', '.join(missing)} (dòng tiêu đề có: {', '.join(header)})")
            index = {c: header.index(c) for c in columns}
            width = len(header)
            seen = False
            for line_no, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) > width:
                    raise InputError(f"{path}, dòng {line_no}: nhiều ô hơn số cột của tiêu đề")
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                seen = True
                yield line_no, row, index
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}, sau dòng {line_no}: không phải UTF-8 ({exc.reason})") from exc
        except csv.Error as exc:
            raise InputError(f"{path}, dòng {reader.line_num}: CSV hỏng ({exc})") from exc
    if not seen:
        raise InputError(f"{path}: không có dòng dữ liệu nào")


def _number(text: str, where: str, *, low: float | None = None, high: float | None = None, empty_ok: bool = False) -> float:
    text = text.strip()
    if not text:
        if empty_ok:
            return math.nan
        raise InputError(f"{where}: trống")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} không phải một số (dấu chấm thập phân, ví dụ 10.0123)") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: {text!r} không phải một số")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"{where}: {text} ngoài khoảng {low:g} … {high:g}")
    return value


def parse_time(text: str, where: str) -> datetime:
    """An ISO 8601 instant with its offset (+07:00, Z, +00:00…); a time without one is refused: the feed's clock
    could be local or UTC, seven hours apart."""
    text = text.strip()
    if not text:
        raise InputError(f"{where}: trống")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} không phải thời điểm ISO 8601 (ví dụ 2026-11-30T14:05:00+07:00)") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{where}: {text!r} thiếu múi giờ (ví dụ +07:00 hoặc Z)")
    return moment


def read_vessels(path: str | os.PathLike) -> dict[str, float]:
    path = Path(path)
    out: dict[str, float] = {}
    for line_no, row, ix in _rows(path, VESSEL_COLUMNS):
        reg = cells.from_csv(row[ix["registration_number"]]).strip()
        if not reg:
            raise InputError(f"{path}, dòng {line_no}, cột registration_number: trống")
        if reg in out:
            raise InputError(f"{path}, dòng {line_no}, cột registration_number: trùng số đăng ký {reg!r}")
        out[reg] = _number(row[ix["length_m"]], f"{path}, dòng {line_no}, cột length_m", low=0.5, high=300)
    return out


def read_ports(path: str | os.PathLike, thresholds: Thresholds = Thresholds()) -> Ports:
    path = Path(path)
    ports, codes = [], set()
    for line_no, row, ix in _rows(path, PORT_COLUMNS):
        where = f"{path}, dòng {line_no}, cột"
        code = cells.from_csv(row[ix["port_code"]]).strip()
        if not code:
            raise InputError(f"{where} port_code: trống")
        if code in codes:
            raise InputError(f"{where} port_code: trùng mã {code!r}")
        codes.add(code)
        radius = _number(row[ix["radius_km"]], f"{where} radius_km", low=0.01, high=100, empty_ok=True)
        ports.append(Port(code, cells.from_csv(row[ix["name"]]).strip() or code,
                          _number(row[ix["latitude"]], f"{where} latitude", low=-90, high=90),
                          _number(row[ix["longitude"]], f"{where} longitude", low=-180, high=180),
                          thresholds.default_port_radius_km if math.isnan(radius) else radius))
    return Ports(ports)


@dataclass(frozen=True)
class Positions:
    vessels: np.ndarray  # registration numbers (str)
    times_us: np.ndarray  # int64 microseconds since the epoch (episodes.to_micros)
    lat: np.ndarray
    lon: np.ndarray

    def __len__(self) -> int:
        return len(self.times_us)


def read_positions(path: str | os.PathLike) -> Positions:
    path = Path(path)
    regs: list[str] = []
    times: list[int] = []
    lats: list[float] = []
    lons: list[float] = []
    for line_no, row, ix in _rows(path, POSITION_COLUMNS):
        where = f"{path}, dòng {line_no}, cột"
        reg = row[ix["registration_number"]].strip()
        if not reg:
            raise InputError(f"{where} registration_number: trống")
        regs.append(cells.from_csv(reg).strip() if reg[0] == "'" else reg)
        times.append(to_micros(parse_time(row[ix["time"]], f"{where} time")))
        lats.append(_number(row[ix["latitude"]], f"{where} latitude", low=-90, high=90))
        lons.append(_number(row[ix["longitude"]], f"{where} longitude", low=-180, high=180))
        speed, course = row[ix["speed_knots"]], row[ix["course_deg"]]
        if speed:
            _number(speed, f"{where} speed_knots", low=0, high=100, empty_ok=True)
        if course:
            _number(course, f"{where} course_deg", low=0, high=360, empty_ok=True)
    return Positions(np.array(regs, dtype=str), np.array(times, dtype=np.int64), np.array(lats), np.array(lons))

"""Dates as they arrive in registry files: dd/mm/yyyy, yyyy alone, Excel serials, ISO.

Vietnamese order is day first: "05/04/1980" is 5 April. Two-digit years are refused
unless the caller gives a pivot. Every refusal carries a stable code and a Vietnamese
reason for the officer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = ["ParsedDate", "parse_date", "excel_serial_to_date", "date_similarity", "DateLevel"]

DateLevel = Literal["exact", "day_month_swapped", "same_year", "year_off_by_one", "different"]

MIN_YEAR = 1880
MAX_YEAR = 2100

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 = 1900-03-01 counts from here
_SEPARATORS = str.maketrans({"-": "/", ".": "/", " ": "/"})


@dataclass(frozen=True, slots=True)
class ParsedDate:
    date: date | None
    year: int | None
    precision: Literal["day", "year"] | None
    reason: str = ""        # Vietnamese; empty when the value was read
    code: str = "ok"        # stable: ok, missing, impossible_date, two_digit_year, …


def _fail(code: str, reason: str) -> ParsedDate:
    return ParsedDate(None, None, None, reason, code)


def _day(d: date) -> ParsedDate:
    return ParsedDate(d, d.year, "day")


def excel_serial_to_date(serial: float) -> date | None:
    """Excel (1900 system) serial → date; the time-of-day fraction is dropped.

    Excel counts 1900 as a leap year (Lotus compatibility): serial 60 is the
    non-existent 29/02/1900 (→ None) and serials up to 59 are one day off from 61 on.
    """
    n = int(serial)
    if n < 1 or n == 60:
        return None
    if n < 60:
        return date(1899, 12, 31) + timedelta(days=n)
    return _EXCEL_EPOCH + timedelta(days=n)


_MAX_SERIAL_CACHE: dict[int, int] = {}


def _max_serial(max_year: int) -> int:
    if max_year not in _MAX_SERIAL_CACHE:
        _MAX_SERIAL_CACHE[max_year] = (date(max_year, 12, 31) - _EXCEL_EPOCH).days
    return _MAX_SERIAL_CACHE[max_year]


def _from_number(v: float, min_year: int, max_year: int) -> ParsedDate:
    if v.is_integer() and min_year <= v <= max_year:
        return ParsedDate(None, int(v), "year")
    # Serials below max_year would be dates in 1900–1905: read such numbers as years
    # or refuse them, never as serials.
    if max_year < v <= _max_serial(max_year):
        d = excel_serial_to_date(v)
        if d is not None and d.year >= min_year:
            return _day(d)
    shown = int(v) if v.is_integer() else v
    return _fail("implausible_number", f"Số {shown} không phải năm hay ngày tháng hợp lệ")


def _year_ok(y: int, min_year: int, max_year: int) -> str | None:
    if min_year <= y <= max_year:
        return None
    return f"Năm {y} nằm ngoài khoảng {min_year}–{max_year}"


def _from_string(s: str, pivot: int | None, min_year: int, max_year: int) -> ParsedDate:
    # "1980-05-04 00:00:00", "1980-05-04T00:00": keep the date part.
    if len(s) > 10 and (s[10:11] in (" ", "T")) and s[4:5] == "-":
        s = s[:10]
    if s.isdigit() and s.isascii():
        if len(s) == 4:
            y = int(s)
            bad = _year_ok(y, min_year, max_year)
            return _fail("year_out_of_range", bad) if bad else ParsedDate(None, y, "year")
        if len(s) == 5:  # an Excel serial that was written out as text
            return _from_number(float(s), min_year, max_year)
        return _fail("unrecognised", f"Không đọc được ngày tháng: {s}")
    parts = s.translate(_SEPARATORS).split("/")
    if len(parts) != 3 or not all(p.isdigit() and p.isascii() for p in parts):
        return _fail("unrecognised", f"Không đọc được ngày tháng: {s}")
    if len(parts[0]) == 4:  # ISO order
        ys, ms, ds = parts
    else:
        ds, ms, ys = parts
    if len(ds) > 2 or len(ms) > 2:
        return _fail("unrecognised", f"Không đọc được ngày tháng: {s}")
    d, m, y = int(ds), int(ms), int(ys)
    if len(ys) == 2:
        if pivot is None:
            return _fail("two_digit_year", f"Năm hai chữ số ({s}) không rõ thế kỷ")
        y += 2000 if y <= pivot else 1900
    elif len(ys) != 4:
        return _fail("unrecognised", f"Không đọc được ngày tháng: {s}")
    try:
        result = date(y, m, d)
    except ValueError:
        return _fail("impossible_date", f"Ngày {d:02d}/{m:02d}/{y} không tồn tại")
    bad = _year_ok(y, min_year, max_year)
    return _fail("year_out_of_range", bad) if bad else _day(result)


def parse_date(
    value: object,
    *,
    two_digit_pivot: int | None = None,
    min_year: int = MIN_YEAR,
    max_year: int = MAX_YEAR,
) -> ParsedDate:
    """Read a date cell: date/datetime (openpyxl), Excel serial, year, or text.

    Text: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, yyyy. Numbers:
    a year in [min_year, max_year], else an Excel serial within the same years.
    two_digit_pivot: None refuses "05/04/80"; 30 reads 00–30 as 20xx, 31–99 as 19xx.
    """
    if value is None:
        return _fail("missing", "Không có ngày tháng")
    if isinstance(value, datetime):
        return _day(value.date())
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, bool):
        return _fail("unrecognised", f"Không đọc được ngày tháng: {value}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return _fail("missing", "Không có ngày tháng")
        return _from_number(float(value), min_year, max_year)
    s = str(value).strip()
    if not s:
        return _fail("missing", "Không có ngày tháng")
    return _from_string(s, two_digit_pivot, min_year, max_year)


def date_similarity(a: object, b: object) -> DateLevel | None:
    """Compare two dates (ParsedDate or raw values); None when either is unknown.

    exact: same day · day_month_swapped: 05/04 vs 04/05, same year · same_year (also
    whenever one side is a year only) · year_off_by_one: same day and month, or a
    year-only side, one year apart · different.
    """
    pa = a if isinstance(a, ParsedDate) else parse_date(a)
    pb = b if isinstance(b, ParsedDate) else parse_date(b)
    if pa.year is None or pb.year is None:
        return None
    if pa.date is not None and pb.date is not None:
        da, db = pa.date, pb.date
        if da == db:
            return "exact"
        if da.year == db.year:
            if da.day == db.month and da.month == db.day:
                return "day_month_swapped"
            return "same_year"
        if da.month == db.month and da.day == db.day and abs(da.year - db.year) == 1:
            return "year_off_by_one"
        return "different"
    if pa.year == pb.year:
        return "same_year"
    if abs(pa.year - pb.year) == 1:
        return "year_off_by_one"
    return "different"


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_vn() -> date:
    """Today's date in Việt Nam, whatever the machine's time zone (the server may run in UTC: at 00:30 in
    An Giang, UTC is still on the day before). The framework-free twin of Django's timezone.localdate()."""
    return datetime.now(VIETNAM).date()

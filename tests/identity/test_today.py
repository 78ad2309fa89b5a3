"""'Today' is Việt Nam's date, whatever the server's clock zone; no code asks the machine for a naive today."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine

import lienthong
from lienthong.identity.cccd import parse_id_number
from lienthong.identity.dates import today_vn


def test_today_is_vietnams_date_at_both_ends_of_the_day():
    with time_machine.travel(dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC), tick=False):  # 00:30 on 1/12
        assert today_vn() == dt.date(2026, 12, 1)
    with time_machine.travel(dt.datetime(2026, 12, 1, 16, 45, tzinfo=dt.UTC), tick=False):  # 23:45 on 1/12
        assert today_vn() == dt.date(2026, 12, 1)


def test_a_cccd_of_someone_born_today_in_vietnam_is_valid_before_utc_midnight():
    # Born 2026 (century digit 2 → 2000s, year 26): valid from 1/1/2026 Việt Nam time, i.e. 17:00 UTC on 31/12/2025.
    with time_machine.travel(dt.datetime(2025, 12, 31, 17, 30, tzinfo=dt.UTC), tick=False):
        assert parse_id_number("091226000001").valid


def test_no_naive_today_in_the_code():
    src = Path(lienthong.__file__).parent
    naive = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(\)|\bdatetime\.today\(\)")
    offenders = [f"{p.relative_to(src)}:{n}" for p in src.rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if naive.search(line)]
    assert not offenders, offenders

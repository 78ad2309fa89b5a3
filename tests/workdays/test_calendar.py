"""The working-day calendar without Django: weekends, the Labour Code's holidays (from the `holidays` package,
lunar dates included), the government's swaps and extra days off given as data, due dates and working hours."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lienthong.workdays import VN_TZ, OfficeHours, WorkCalendar

# The government's swaps as the one-stop app seeds them (onestop/migrations/0002): here given by hand.
SWAPS_WORKING = {date(2025, 4, 26): "Làm bù cho thứ Sáu 02/05/2025", date(2026, 8, 22): "Làm bù cho thứ Hai 31/08/2026"}
SWAPS_OFF = {date(2025, 5, 2): ("swap", "Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)"),
             date(2026, 8, 31): ("swap", "Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)")}
CAL = WorkCalendar(made_working=SWAPS_WORKING, days_off=SWAPS_OFF)
BARE = WorkCalendar()  # the statutory calendar alone


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def due_date(received: datetime, n: int, cal: WorkCalendar = CAL) -> date:
    return cal.add_working_days(received, n).at.date()


def test_the_brief_example_friday_afternoon_counts_from_monday():
    due = CAL.add_working_days(datetime.fromisoformat("2026-01-30T16:00:00+07:00"), 5)
    assert due.at == vn(2026, 2, 6, 17, 0)  # Mon 2 … Fri 6 Feb; due at the close of the office
    assert due.at.utcoffset() == timedelta(hours=7)
    assert [(s.date, s.reason) for s in due.skipped] == [(date(2026, 1, 31), "weekend"), (date(2026, 2, 1), "weekend")]


def test_tet_2026_the_whole_break_14_to_22_february_is_skipped():
    # Announced break (Ministry of Home Affairs, Oct 2025): Sat 14 – Sun 22 Feb 2026; lunar new year Tue 17 Feb.
    assert [d for d in (date(2026, 2, 13) + timedelta(i) for i in range(12)) if CAL.is_working_day(d)] == [
        date(2026, 2, 13), date(2026, 2, 23), date(2026, 2, 24)]
    due = CAL.add_working_days(vn(2026, 2, 12, 9, 0), 3)
    assert due.at == vn(2026, 2, 24, 17, 0)  # 13 Feb, then 23, 24 Feb
    reasons = {s.date: s.reason for s in due.skipped}
    assert reasons[date(2026, 2, 14)] == "weekend"
    assert all(reasons[date(2026, 2, d)] == "holiday" for d in range(16, 21))
    assert "Tết" in next(s.name for s in due.skipped if s.date == date(2026, 2, 17))


def test_hung_kings_2026_falls_on_a_sunday_and_is_taken_on_monday():
    # 10th day of the 3rd lunar month = Sun 26 Apr 2026; Labour Code art. 111(3): the next working day, Mon 27.
    due = CAL.add_working_days(vn(2026, 4, 24, 10, 0), 1)
    assert due.at.date() == date(2026, 4, 28)
    assert [(s.date, s.reason) for s in due.skipped] == [
        (date(2026, 4, 25), "weekend"), (date(2026, 4, 26), "holiday"), (date(2026, 4, 27), "holiday")]


def test_30_april_and_1_may_across_a_weekend():
    # 2027: Fri 30 Apr, Sat 1 May → 1 May taken on Mon 3 May.
    assert due_date(vn(2027, 4, 29, 10, 0), 1) == date(2027, 5, 4)
    # 2025: Wed 30 Apr, Thu 1 May, and Fri 2 May off in exchange for Sat 26 Apr (the swap is data).
    assert due_date(vn(2025, 4, 29, 10, 0), 1) == date(2025, 5, 5)
    assert due_date(vn(2025, 4, 29, 10, 0), 1, BARE) == date(2025, 5, 2)  # without the swap data: a working day


def test_national_day_with_its_adjacent_day_and_the_2026_swap():
    # 2026: Wed 2 Sep and the adjacent Tue 1 Sep; Mon 31 Aug off in exchange for Sat 22 Aug (announced Oct 2025).
    due = CAL.add_working_days(vn(2026, 8, 28, 15, 0), 1)
    assert due.at.date() == date(2026, 9, 3)
    assert {s.date: s.reason for s in due.skipped} == {
        date(2026, 8, 29): "weekend", date(2026, 8, 30): "weekend", date(2026, 8, 31): "swap",
        date(2026, 9, 1): "holiday", date(2026, 9, 2): "holiday"}
    assert due_date(vn(2026, 8, 28, 15, 0), 1, BARE) == date(2026, 8, 31)
    # 2025: Tue 2 Sep and Mon 1 Sep.
    assert due_date(vn(2025, 8, 29, 15, 0), 1) == date(2025, 9, 3)


def test_a_swap_saturday_is_counted_as_a_working_day():
    assert CAL.is_working_day(date(2026, 8, 22)) and not BARE.is_working_day(date(2026, 8, 22))
    assert CAL.add_working_days(vn(2026, 8, 21, 16, 30), 1).at == vn(2026, 8, 22, 17, 0)
    assert due_date(vn(2025, 4, 25, 16, 30), 1) == date(2025, 4, 26)


def test_vietnam_culture_day_from_2026():
    assert not BARE.is_working_day(date(2026, 11, 24)) and BARE.is_working_day(date(2025, 11, 24))


def test_a_day_off_given_as_data_is_skipped_with_its_reason():
    cal = WorkCalendar(days_off={date(2026, 3, 3): ("day_off", "Bão số 3")})
    due = cal.add_working_days(vn(2026, 3, 2, 9, 0), 1)
    assert due.at.date() == date(2026, 3, 4)
    assert [(s.date, s.reason, s.name) for s in due.skipped] == [(date(2026, 3, 3), "day_off", "Bão số 3")]


def test_received_on_a_holiday_or_a_weekend_counts_from_the_next_working_day():
    assert due_date(vn(2026, 2, 17, 9, 0), 1) == date(2026, 2, 23)  # Tết
    assert due_date(vn(2026, 3, 7, 9, 0), 1) == date(2026, 3, 9)  # Saturday → Monday is day 1


def test_late_evening_utc_is_already_the_next_day_in_vietnam():
    # 18:30 UTC Thu 12 Feb 2026 = 01:30 Fri 13 Feb in Việt Nam: day 1 is after the Tết break, not Fri 13.
    received = datetime(2026, 2, 12, 18, 30, tzinfo=UTC)
    assert due_date(received, 1) == date(2026, 2, 23)
    assert due_date(datetime(2026, 2, 12, 16, 59, tzinfo=UTC), 1) == date(2026, 2, 13)  # 23:59 Thu local


def test_naive_or_out_of_range_input_is_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(datetime(2026, 3, 2, 9, 0), 1)
    with pytest.raises(ValueError):
        CAL.add_working_days(vn(2026, 3, 2, 9, 0), 0)


def test_office_hours_parse_and_refuse_nonsense():
    assert OfficeHours.parse("07:30-11:30, 13:00-16:30").sessions == ((time(7, 30), time(11, 30)), (time(13), time(16, 30)))
    for bad in ("", "7-11", "11:30-07:00", "07:00-11:30,11:00-17:00", "25:00-26:00"):
        with pytest.raises(ValueError):
            OfficeHours.parse(bad)


def test_working_hours_count_inside_office_hours_only():
    # Default hours 07:00–11:30 and 13:30–17:00.
    assert CAL.add_working_hours(vn(2026, 3, 2, 10, 0), 4).at == vn(2026, 3, 2, 16, 0)
    # Friday 16:00: one hour left that day, then Monday 07:00–11:30 (4.5) and 13:30–16:00 (2.5).
    due = CAL.add_working_hours(vn(2026, 3, 6, 16, 0), 8)
    assert due.at == vn(2026, 3, 9, 16, 0)
    assert [s.reason for s in due.skipped] == ["weekend", "weekend"]
    # Received in the evening or at lunch: the clock starts at the next opening.
    assert CAL.add_working_hours(vn(2026, 3, 2, 20, 0), 1).at == vn(2026, 3, 3, 8, 0)
    assert CAL.add_working_hours(vn(2026, 3, 2, 12, 0), 1).at == vn(2026, 3, 2, 14, 30)
    # Exactly the morning's end.
    assert CAL.add_working_hours(vn(2026, 3, 2, 7, 0), 4.5).at == vn(2026, 3, 2, 11, 30)


def test_office_hours_are_configurable():
    cal = WorkCalendar(office_hours=OfficeHours.parse("07:30-11:30,13:00-16:30"))
    assert cal.add_working_days(vn(2026, 3, 2, 9, 0), 1).at == vn(2026, 3, 3, 16, 30)
    assert cal.add_working_hours(vn(2026, 3, 2, 11, 0), 1).at == vn(2026, 3, 2, 13, 30)


# --- properties ----------------------------------------------------------------------------------
_offsets = st.sampled_from([UTC, VN_TZ, timezone(timedelta(hours=-10)), timezone(timedelta(hours=14)),
                            timezone(timedelta(hours=5, minutes=45))])
# Derandomized, no example database: the same examples in CI as here, and nothing written into the work tree.
_received = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=_offsets)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(received=_received, n=st.integers(min_value=1, max_value=60))
def test_due_is_a_working_day_after_receipt_and_grows_with_n(received, n):
    due = CAL.add_working_days(received, n)
    later = CAL.add_working_days(received, n + 1)
    local_day = due.at.astimezone(VN_TZ).date()
    assert CAL.is_working_day(local_day)
    assert due.at > received and local_day > received.astimezone(VN_TZ).date()
    assert later.at > due.at
    assert all(not CAL.is_working_day(s.date) for s in due.skipped)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(received=_received, hours=st.integers(min_value=1, max_value=200))
def test_working_hours_due_is_inside_office_hours_and_after_receipt(received, hours):
    due = CAL.add_working_hours(received, hours).at.astimezone(VN_TZ)
    assert due > received and CAL.is_working_day(due.date())
    assert any(start < due.time() <= end for start, end in CAL.office_hours.sessions)
    assert CAL.add_working_hours(received, hours + 1).at > due

from datetime import date, datetime

import pytest

from lienthong.identity.dates import ParsedDate, date_similarity, excel_serial_to_date, parse_date

D = date(1980, 4, 5)


@pytest.mark.parametrize(
    "value",
    [
        "05/04/1980",
        "5/4/1980",
        "05-04-1980",
        "05.04.1980",
        " 5 / 4 / 1980 ".replace(" ", ""),
        "1980-04-05",
        "1980-04-05 00:00:00",
        "1980-04-05T08:30:00",
        29316,
        29316.0,
        29316.75,  # time of day dropped
        "29316",
        D,
        datetime(1980, 4, 5, 13, 45),
    ],
)
def test_parse_day_precision(value):
    assert parse_date(value) == ParsedDate(D, 1980, "day", "", "ok")


@pytest.mark.parametrize("value", ["1980", 1980, 1980.0, " 1980 "])
def test_parse_year_only(value):
    assert parse_date(value) == ParsedDate(None, 1980, "year", "", "ok")


@pytest.mark.parametrize(
    ("value", "code", "reason"),
    [
        ("31/02/1980", "impossible_date", "Ngày 31/02/1980 không tồn tại"),
        ("29/02/1981", "impossible_date", "Ngày 29/02/1981 không tồn tại"),
        ("5/13/1980", "impossible_date", "Ngày 05/13/1980 không tồn tại"),
        ("1980-02-30", "impossible_date", "Ngày 30/02/1980 không tồn tại"),
        ("05/04/80", "two_digit_year", "Năm hai chữ số (05/04/80) không rõ thế kỷ"),
        ("", "missing", "Không có ngày tháng"),
        (None, "missing", "Không có ngày tháng"),
        (float("nan"), "missing", "Không có ngày tháng"),
        ("ngày 5 tháng 4", "unrecognised", "Không đọc được ngày tháng: ngày 5 tháng 4"),
        ("04/1980", "unrecognised", "Không đọc được ngày tháng: 04/1980"),
        ("19800405", "unrecognised", "Không đọc được ngày tháng: 19800405"),
        ("05/04/198", "unrecognised", "Không đọc được ngày tháng: 05/04/198"),
        ("1700", "year_out_of_range", "Năm 1700 nằm ngoài khoảng 1880–2100"),
        ("05/04/1700", "year_out_of_range", "Năm 1700 nằm ngoài khoảng 1880–2100"),
        (500, "implausible_number", "Số 500 không phải năm hay ngày tháng hợp lệ"),
        (1980.5, "implausible_number", "Số 1980.5 không phải năm hay ngày tháng hợp lệ"),
        (9999999, "implausible_number", "Số 9999999 không phải năm hay ngày tháng hợp lệ"),
        (True, "unrecognised", "Không đọc được ngày tháng: True"),
    ],
)
def test_parse_refusals(value, code, reason):
    assert parse_date(value) == ParsedDate(None, None, None, reason, code)


def test_leap_day_accepted():
    assert parse_date("29/02/1980").date == date(1980, 2, 29)


def test_two_digit_year_with_pivot():
    assert parse_date("05/04/80", two_digit_pivot=30).date == date(1980, 4, 5)
    assert parse_date("05/04/05", two_digit_pivot=30).date == date(2005, 4, 5)
    assert parse_date("05/04/30", two_digit_pivot=30).date == date(2030, 4, 5)
    assert parse_date("05/04/31", two_digit_pivot=30).date == date(1931, 4, 5)


def test_excel_serials_and_1900_leap_bug():
    assert excel_serial_to_date(1) == date(1900, 1, 1)
    assert excel_serial_to_date(59) == date(1900, 2, 28)
    assert excel_serial_to_date(60) is None  # Excel's 29/02/1900 never existed
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    assert excel_serial_to_date(25569) == date(1970, 1, 1)
    assert excel_serial_to_date(45658) == date(2025, 1, 1)
    assert excel_serial_to_date(0) is None
    assert parse_date(45658).date == date(2025, 1, 1)
    # Numbers up to MAX_YEAR are years; above it, serials (2500 = 04/11/1906).
    assert parse_date(2000) == ParsedDate(None, 2000, "year")
    assert parse_date(2500).date == date(1906, 11, 4)
    assert parse_date(73415).date == date(2100, 12, 31)
    assert parse_date(73416).code == "implausible_number"


def test_year_range_is_a_setting():
    assert parse_date("1700", min_year=1600) == ParsedDate(None, 1700, "year")
    assert parse_date(2150, max_year=2200) == ParsedDate(None, 2150, "year")


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("05/04/1980", date(1980, 4, 5), "exact"),
        ("05/04/1980", "04/05/1980", "day_month_swapped"),
        ("05/04/1980", "06/04/1980", "same_year"),
        ("05/05/1980", "06/05/1980", "same_year"),
        ("05/04/1980", "1980", "same_year"),
        ("1980", "1980", "same_year"),
        ("05/04/1980", "05/04/1981", "year_off_by_one"),
        ("05/04/1980", "1979", "year_off_by_one"),
        ("05/04/1980", "06/04/1981", "different"),
        ("05/04/1980", "05/04/1990", "different"),
        ("1980", "1982", "different"),
        ("05/04/1980", None, None),
        ("31/02/1980", "1980", None),
    ],
)
def test_date_similarity(a, b, level):
    assert date_similarity(a, b) == level
    assert date_similarity(b, a) == level


def test_date_similarity_accepts_parsed_dates():
    assert date_similarity(parse_date("05/04/1980"), parse_date(29316)) == "exact"

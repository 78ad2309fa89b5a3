from datetime import date

import pytest

from lienthong.identity.cccd import (
    PROVINCE_CODES,
    IdCheck,
    cccd_birth_year,
    century_gender,
    consistent_with,
    id_similarity,
    normalize_gender,
    parse_id_number,
)

TODAY = date(2025, 8, 1)


def test_province_table():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["089"] == "Tỉnh An Giang"
    assert PROVINCE_CODES["091"] == "Tỉnh Kiên Giang"
    assert PROVINCE_CODES["079"] == "Thành phố Hồ Chí Minh"
    assert PROVINCE_CODES["001"] == "Thành phố Hà Nội"
    assert "003" not in PROVINCE_CODES
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)


@pytest.mark.parametrize(
    ("raw", "digits", "kind", "valid", "code"),
    [
        ("091085012345", "091085012345", "cccd", True, "ok"),
        (" 091 085 012 345 ", "091085012345", "cccd", True, "ok"),
        ("'091085012345", "091085012345", "cccd", True, "ok"),
        ("089-185-012345", "089185012345", "cccd", True, "ok"),
        (91085012345, "091085012345", "cccd", True, "lost_leading_zero_repaired"),
        ("91085012345", "091085012345", "cccd", True, "lost_leading_zero_repaired"),
        (91085012345.0, "091085012345", "cccd", True, "lost_leading_zero_repaired"),
        ("91085012345.0", "091085012345", "cccd", True, "lost_leading_zero_repaired"),
        ("91085012345,00", "091085012345", "cccd", True, "lost_leading_zero_repaired"),
        (891085012345, "891085012345", "cccd", False, "unknown_province"),
        ("03108501234", "03108501234", None, False, "too_short"),  # 11 digits, "003" unknown
        ("9.10850E+10", None, None, False, "scientific_notation"),
        ("9,1085E+11", None, None, False, "scientific_notation"),
        ("9.1085e11", None, None, False, "scientific_notation"),
        ("089485012345", "089485012345", "cccd", False, "bad_century_digit"),
        ("089230012345", "089230012345", "cccd", False, "future_birth_year"),
        ("089225012345", "089225012345", "cccd", True, "ok"),
        ("351234567", "351234567", "cmnd", True, "ok"),
        (351234567, "351234567", "cmnd", True, "ok"),
        ("35123456", "35123456", None, False, "too_short"),
        ("3512345678", "3512345678", None, False, "bad_length"),
        ("0910850123456", "0910850123456", None, False, "too_long"),
        ("", None, None, False, "missing"),
        ("   ", None, None, False, "missing"),
        (None, None, None, False, "missing"),
        (float("nan"), None, None, False, "missing"),
        ("09108501234A", None, None, False, "not_digits"),
        (91085012345.5, None, None, False, "not_digits"),
        (True, None, None, False, "not_digits"),
        ("０９１０８５０１２３４５", None, None, False, "not_digits"),  # full-width digits
    ],
)
def test_parse_id_number(raw, digits, kind, valid, code):
    check = parse_id_number(raw, today=TODAY)
    assert (check.digits, check.kind, check.valid, check.code) == (digits, kind, valid, code)


def test_reasons_are_vietnamese():
    assert parse_id_number("9.10850E+10").reason == (
        "Số định danh bị Excel đổi sang dạng khoa học (9.10850E+10), đã mất chữ số: cần nhập lại"
    )
    assert parse_id_number("91085012345").reason == "Đã thêm lại số 0 ở đầu bị Excel làm mất"
    assert parse_id_number("099085012345").reason == "Mã tỉnh 099 không tồn tại"
    assert parse_id_number("12345").reason == "Số định danh quá ngắn (5 chữ số)"
    assert parse_id_number("089485012345").reason == (
        "Chữ số thứ tư (4) chỉ năm sinh từ 2100: không hợp lệ"
    )
    assert parse_id_number("089230012345", today=TODAY).reason == "Năm sinh 2030 ở tương lai"
    assert parse_id_number(None).reason == "Không có số định danh"


def test_province_property():
    assert parse_id_number("089085012345").province == "Tỉnh An Giang"
    assert parse_id_number("351234567").province is None


@pytest.mark.parametrize(
    ("cccd", "expected", "year"),
    [
        ("091085012345", ("nam", 1900), 1985),
        ("091185012345", ("nữ", 1900), 1985),
        ("089203012345", ("nam", 2000), 2003),
        ("089303012345", ("nữ", 2000), 2003),
        (91199012345, ("nữ", 1900), 1999),
        ("351234567", None, None),
        ("089485012345", None, None),
        (None, None, None),
    ],
)
def test_century_gender_and_birth_year(cccd, expected, year):
    assert century_gender(cccd) == expected
    assert cccd_birth_year(cccd) == year


def test_normalize_gender():
    assert [normalize_gender(g) for g in ("Nam", "NỮ", "nu", "Female", "M", "x", None)] == [
        "nam", "nữ", "nữ", "nữ", "nam", None, None,
    ]


@pytest.mark.parametrize(
    ("cccd", "gender", "year", "expected"),
    [
        ("091085012345", "Nam", 1985, True),
        ("091085012345", "nam", None, True),
        ("091085012345", None, 1985, True),
        ("091085012345", "Nữ", 1985, False),
        ("091085012345", "Nam", 1986, False),
        ("091085012345", "Nam", 2085, False),
        ("091085012345", None, None, None),
        ("351234567", "Nam", 1985, None),
        ("9.10850E+10", "Nam", 1985, None),
    ],
)
def test_consistent_with(cccd, gender, year, expected):
    assert consistent_with(cccd, gender, year) is expected


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("091085012345", "091085012345", "exact"),
        ("091085012345", 91085012345, "exact"),
        ("091085012345", "091085012346", "one_digit"),
        ("091085012345", "091085014325", "different"),  # non-adjacent swap
        ("091085012345", "091085013245", "transposition"),
        ("091085012345", "091085021345", "transposition"),
        ("091085012345", "190085012345", "different"),
        ("091085012345", "091085012", "different"),
        ("091085012345", None, "different"),
        ("9.10850E+10", "9.10850E+10", "different"),
        ("351234567", "351234576", "transposition"),
    ],
)
def test_id_similarity(a, b, level):
    assert id_similarity(a, b) == level
    assert id_similarity(b, a) == level


def test_idcheck_is_accepted_as_input():
    check = parse_id_number("091085012345")
    assert isinstance(check, IdCheck)
    assert century_gender(check) == ("nam", 1900)
    assert id_similarity(check, "091085012345") == "exact"

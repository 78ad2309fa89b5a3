from datetime import date, datetime
from decimal import Decimal

import pytest

from lienthong.fleet.classes import length_class
from lienthong.fleet.normalise import NumberError, cell_text, check_measure, owner_kind, parse_decimal, phone_number, zone_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        (" 12,50 m", Decimal("12.50")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("90 kW", Decimal("90")),
        (12.5, Decimal("12.5")),
        (15, Decimal("15")),
        ("", None),
        (None, None),
    ],
)
def test_parse_decimal(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["mười hai", "12,5,3", "abc", True])
def test_parse_decimal_refuses_words(raw):
    with pytest.raises(NumberError):
        parse_decimal(raw)


def test_measure_limits():
    assert check_measure("length_m", Decimal("0")) == "phải lớn hơn 0"
    assert check_measure("length_m", Decimal("-1")) == "phải lớn hơn 0"
    assert check_measure("length_m", Decimal("150")) == ""
    assert check_measure("length_m", Decimal("150.01")) == "vượt quá 150 (nhầm đơn vị?)"
    assert check_measure("engine_kw", Decimal("0")) == ""
    assert check_measure("engine_kw", Decimal("-5")) == "không được âm"


@pytest.mark.parametrize(
    ("length", "code"),
    [("5.99", "lt6"), ("6", "6-12"), ("11.99", "6-12"), ("12", "12-15"), ("14.99", "12-15"),
     ("15", "15-24"), ("23.99", "15-24"), ("24", "ge24")],
)
def test_length_class_boundaries(length, code):
    assert length_class(Decimal(length)) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Vùng lộng", "inshore"), ("lộng", "inshore"), ("VUNG KHOI", "offshore"), ("Ven bờ", "coastal"),
     ("Vùng biển cả", "high_seas"), ("inshore", "inshore"), ("trên sông", ""), (None, "")],
)
def test_zone_code(raw, code):
    assert zone_code(raw) == code


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Công ty TNHH Hải sản Kiên Giang", "organisation"), ("HTX Nghề cá An Thới", "organisation"),
     ("Hợp tác xã Thủy sản", "organisation"), ("Doanh nghiệp tư nhân Ba Tư", "organisation"),
     ("DNTN Hải Long", "organisation"), ("Nguyễn Văn Công", "person"), ("Trần Thị Hòa", "person")],
)
def test_owner_kind(name, kind):
    assert owner_kind(name) == kind


def test_cell_text_shows_values_as_the_officer_sees_them():
    assert cell_text(12.0) == "12"
    assert cell_text(date(1978, 4, 5)) == "05/04/1978"
    assert cell_text(datetime(1978, 4, 5)) == "05/04/1978"
    assert cell_text("  Nguyễn   Văn  An ") == "Nguyễn Văn An"
    assert cell_text(None) == ""


def test_phone_number_restores_the_lost_zero():
    assert phone_number(912345678) == "0912345678"
    assert phone_number("+84 912 345 678") == "0912345678"
    assert phone_number("0297.3846.123") == "02973846123"

import pytest
from django.test import override_settings

from lienthong.fleet.registration import canonical_registration_number, normalise_registration_number, reg_key


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("kg 91234 ts", "KG-91234-TS"),
        ("KG91234TS", "KG-91234-TS"),
        ("KG-91234-TS", "KG-91234-TS"),
        ("  kg.91234.ts ", "KG-91234-TS"),
        ("KG - 91234 - TS", "KG-91234-TS"),
        ("KG_91234/TS", "KG-91234-TS"),
        ("AG–90001–TS", "AG-90001-TS"),  # en dashes from Word
        ("kg91234 ts", "KG-91234-TS"),
        ("BTh-99123-TS", "BTH-99123-TS"),
    ],
)
def test_canonical_form(raw, canonical):
    result = normalise_registration_number(raw, pattern=r"^[A-Z]{2,3}-\d{4,6}-TS$")
    assert result.valid is True
    assert result.canonical == canonical
    assert result.reg_key == canonical.replace("-", "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "thiếu số đăng ký"),
        ("   ", "thiếu số đăng ký"),
        ("ABC", 'số đăng ký "ABC" không đúng dạng (ví dụ KG-91234-TS)'),
        ("KG-12-TS", 'số đăng ký "KG-12-TS" không đúng dạng (ví dụ KG-91234-TS)'),
        ("91234", 'số đăng ký "91234" không đúng dạng (ví dụ KG-91234-TS)'),
        ("KG-91234-XX", 'số đăng ký "KG-91234-XX" không đúng dạng (ví dụ KG-91234-TS)'),
    ],
)
def test_invalid_numbers_give_the_reason(raw, reason):
    result = normalise_registration_number(raw, pattern=r"^[A-Z]{2,3}-\d{4,6}-TS$")
    assert result.valid is False
    assert result.canonical == ""
    assert result.reason == reason


def test_pattern_comes_from_settings():
    with override_settings(REGISTRATION_NUMBER_PATTERN=r"^[A-Z]{2}-\d{5}-TS$"):
        assert normalise_registration_number("KG 91234 TS").valid is True
        assert normalise_registration_number("KG 9123 TS").valid is False
    with override_settings(REGISTRATION_NUMBER_PATTERN=r"^[A-Z]{2}-\d{4}-TS$"):
        assert normalise_registration_number("KG 9123 TS").canonical == "KG-9123-TS"


def test_helpers():
    assert canonical_registration_number(91234) == "91234"
    assert canonical_registration_number("") == ""
    assert reg_key("kg-91234-ts") == "KG91234TS"

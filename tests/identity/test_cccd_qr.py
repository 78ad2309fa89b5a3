"""The chip card's QR code as a USB scanner types it: good codes, the scanner's artefacts, and every refusal coded
with the field it concerns."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from lienthong.identity.cccd_qr import CardData, QrError, card_from_fields, parse_card_qr

TODAY = date(2026, 12, 1)
HOA = "091185000004|370000004|Trần Thị Hòa|15031985|Nữ|Khu phố 1, đặc khu Phú Quốc, tỉnh An Giang|10052021"


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(QrError) as caught:
        parse_card_qr(text, today=TODAY)
    return [(p.field, p.code) for p in caught.value.problems]


def test_a_card_code_is_read_field_by_field():
    card = parse_card_qr(HOA, today=TODAY)
    assert card == CardData(cccd="091185000004", old_id="370000004", full_name="Trần Thị Hòa",
                            birth_date=date(1985, 3, 15), gender="nữ",
                            address="Khu phố 1, đặc khu Phú Quốc, tỉnh An Giang", issue_date=date(2021, 5, 10))
    assert repr(card) == "CardData(<personal data>)" and card.gender_label == "Nữ"


def test_the_old_id_may_be_empty_and_a_man_born_in_2001_reads():
    card = parse_card_qr("091201000012||PHẠM MINH KHOA|10102001|Nam|Ấp 5, xã An Phú|01022022", today=TODAY)
    assert (card.cccd, card.old_id, card.full_name, card.birth_date, card.gender) == (
        "091201000012", "", "Phạm Minh Khoa", date(2001, 10, 10), "nam")


@pytest.mark.parametrize("suffix", ["\r\n", "\n", "\r", "\t", "  \r\n"])
def test_the_scanners_trailing_enter_is_stripped(suffix):
    assert parse_card_qr(HOA + suffix, today=TODAY).issue_date == date(2021, 5, 10)


def test_a_decomposed_text_is_stored_composed():
    card = parse_card_qr(unicodedata.normalize("NFD", HOA), today=TODAY)
    assert card.full_name == "Trần Thị Hòa" and unicodedata.is_normalized("NFC", card.address)
    assert card.address == "Khu phố 1, đặc khu Phú Quốc, tỉnh An Giang"


@pytest.mark.parametrize("separator", ["\\", "¦", "#", "'", "*", "｜"])
def test_a_separator_typed_under_another_keyboard_layout_is_found(separator):
    card = parse_card_qr(HOA.replace("|", separator), today=TODAY)
    assert (card.cccd, card.full_name, card.issue_date) == ("091185000004", "Trần Thị Hòa", date(2021, 5, 10))


def test_extra_trailing_fields_are_kept_apart_and_an_empty_last_field_is_dropped():
    assert parse_card_qr(HOA + "|", today=TODAY).extra == ()
    assert parse_card_qr(HOA + "|X|Y", today=TODAY).extra == ("X", "Y")


def test_31_february_is_refused_naming_the_birth_date():
    assert problems(HOA.replace("15031985", "31021985")) == [("birth_date", "bad_date")]


def test_an_impossible_issue_date_is_refused():
    assert problems(HOA.replace("10052021", "32132021")) == [("issue_date", "bad_date")]
    assert problems(HOA.replace("10052021", "10052027")) == [("issue_date", "issue_date_impossible")]
    assert problems(HOA.replace("10052021", "10051980")) == [("issue_date", "issue_date_impossible")]


def test_a_cccd_whose_gender_digit_disagrees_with_the_card_is_refused():
    # 4th digit 0: a man born in the 1900s; the card says Nữ.
    assert problems(HOA.replace("091185000004", "091085000004")) == [("cccd", "cccd_mismatch")]


def test_a_cccd_whose_year_digits_disagree_with_the_birth_date_is_refused():
    assert problems(HOA.replace("091185000004", "091186000004")) == [("cccd", "cccd_mismatch")]
    # A woman born in (19)01, the card says 1985.
    assert problems(HOA.replace("091185000004", "091101000004")) == [("cccd", "cccd_mismatch")]
    # A woman born in 2085: a year not yet come.
    assert problems(HOA.replace("091185000004", "091385000004")) == [("cccd", "cccd_future_birth_year")]


def test_an_unknown_province_code_and_a_bad_century_digit_are_named():
    assert problems(HOA.replace("091185000004", "999185000004")) == [("cccd", "cccd_unknown_province")]
    assert problems(HOA.replace("091185000004", "091985000004")) == [("cccd", "cccd_bad_century_digit")]


def test_every_field_at_fault_is_named_at_once():
    text = "09118500000A|12345|Trần Thị Hòa|31021985|X||10052021"
    assert problems(text) == [("cccd", "cccd_not_digits"), ("old_id", "old_id_invalid"),
                              ("birth_date", "bad_date"), ("gender", "bad_gender")]


@pytest.mark.parametrize("text, expected", [
    ("", [("qr", "empty")]), ("\r\n", [("qr", "empty")]),
    ("091185000004|370000004|Trần Thị Hòa", [("qr", "fields")]),
    ("091185000004 370000004 Trần Thị Hòa 15031985 Nữ Phú Quốc 10052021", [("qr", "separator")]),
    ("x" * 1001, [("qr", "too_long")]),
])
def test_text_that_is_no_card_code(text, expected):
    assert problems(text) == expected


def test_fields_typed_by_hand_pass_the_same_checks():
    card = card_from_fields(cccd=" 091185000004 ", full_name="trần thị hòa", birth_date="15/03/1985", gender="nu",
                            address="Phú Quốc", today=TODAY)
    assert (card.cccd, card.full_name, card.birth_date, card.gender, card.issue_date) == (
        "091185000004", "Trần Thị Hòa", date(1985, 3, 15), "nữ", None)
    with pytest.raises(QrError) as caught:
        card_from_fields(cccd="091185000004", full_name="", birth_date="31/02/1985", gender="Nữ", today=TODAY)
    assert [(p.field, p.code) for p in caught.value.problems] == [("full_name", "missing"), ("birth_date", "bad_date")]

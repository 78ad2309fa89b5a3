import unicodedata

import pytest

from lienthong.identity.text import canonical_tones, fold, nfc, normalize_name, title_case


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà", "Hòa"),
        ("HOÀ", "HÒA"),
        ("xoè", "xòe"),
        ("loạ", "lọa"),
        ("Nguyễn Thị Hoà.", "Nguyễn Thị Hòa."),
        ("Thuỷ Tiên", "Thủy Tiên"),
        ("hoà2", "hòa2"),
        ("nguỵ", "ngụy"),
    ],
)
def test_canonical_tones_moves_open_oa_oe_uy(old, new):
    assert canonical_tones(old) == new


@pytest.mark.parametrize(
    "word", ["khuỷu", "ngoèo", "hoàn", "huỳnh", "quý", "QUỶ", "già", "thuyền", "ngoài", "hòa", "thủy", "Quảng", "toán"]
)
def test_canonical_tones_leaves_single_form_syllables(word):
    assert canonical_tones(word) == word


def test_nfc_composes_collapses_and_canonicalises():
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị\tHoà ")
    assert nfc(decomposed) == "Nguyễn Thị Hòa"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))
    assert nfc(None) == ""
    assert nfc(123) == "123"
    assert nfc("  plain   ascii ") == "plain ascii"


def test_fold():
    assert fold("  Nguyễn   ĐÌNH Hoà ") == "nguyen dinh hoa"
    assert fold("Đoàn") == fold("Doãn") == "doan"
    assert fold(unicodedata.normalize("NFD", "Trần Thủy")) == "tran thuy"
    assert fold(None) == ""
    assert fold("Ωμέγα") == "ωμεγα"  # outside the Vietnamese table: general rule still applies


def test_fold_covers_every_vietnamese_letter():
    from lienthong.identity.legacy_encoding import VIETNAMESE_LETTERS

    folded = {ch: fold(ch) for ch in VIETNAMESE_LETTERS}
    assert set(folded.values()) == set("aeiouyd")
    assert folded["Ự"] == "u" and folded["Đ"] == "d" and folded["ỹ"] == "y"


def test_title_case_and_normalize_name():
    assert title_case("nguyễn THỊ đào") == "Nguyễn Thị Đào"
    assert title_case("o'neil 2nd") == "O'neil 2nd"
    assert normalize_name("  NGUYỄN  thị  hoà ") == "Nguyễn Thị Hòa"
    assert normalize_name("huỳnh THUỶ") == "Huỳnh Thủy"
    assert normalize_name(None) == ""

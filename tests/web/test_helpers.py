"""Vietnamese ordering and commune names used by the pages."""
from __future__ import annotations

import unicodedata

from lienthong.geo.units import commune_name
from lienthong.identity.collation import vi_sorted


def test_vietnamese_dictionary_order_d_stroke_after_d():
    names = ["Zô", "Đặng", "Ánh", "Dương", "Anh", "Bé", "Đoàn", "Doãn"]
    assert vi_sorted(names) == ["Anh", "Ánh", "Bé", "Doãn", "Dương", "Đặng", "Đoàn", "Zô"]


def test_vietnamese_order_treats_nfd_like_nfc():
    nfd = unicodedata.normalize("NFD", "Ánh")
    assert vi_sorted(["Bé", nfd, "Anh"]) == ["Anh", nfd, "Bé"]


def test_commune_names():
    assert commune_name("31078") == "Đặc khu Phú Quốc"
    assert commune_name("31108") == "Đặc khu Kiên Hải"
    assert commune_name("99999") == "99999"
    assert commune_name("") == ""

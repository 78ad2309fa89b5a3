"""One Vietnamese collation: dictionary order in Python, and the same order from SQLite and PostgreSQL."""
from __future__ import annotations

import random
import unicodedata

import pytest

from lienthong.identity.collation import vi_compare, vi_sort_key, vi_sort_string, vi_sorted

# The order PostgreSQL's ICU "vi-x-icu" gives (checked below on the live backend too).
TRICKY = [
    "á", "a 2", "a1", "an", "An", "Àn", "án", "an b", "an-b", "anb", "anh", "Anh", "ANH", "ăn", "ân",
    "ba", "bà", "bả", "bã", "bá", "bạ", "bab", "da", "Da", "dà", "Dạ", "Dung", "Duy", "Đa", "On", "Ôn", "ơn",
    "Ơn", "u", "Ư", "Ừ", "y", "ya", "Ýa",
]


def _shuffled(items):
    out = list(items)
    random.Random(8).shuffle(out)
    return out


def test_dictionary_order_letters_tones_case():
    assert vi_sorted(_shuffled(TRICKY)) == TRICKY


def test_d_stroke_is_a_letter_after_d():
    assert vi_sorted(["Đặng", "Dương", "Duy", "Đào", "Zô"]) == ["Duy", "Dương", "Đào", "Đặng", "Zô"]


def test_o_variants_and_a_variants_are_letters():
    assert vi_sorted(["Ơn", "Ôn", "On", "Ân", "Ăn", "An", "Ba"]) == ["An", "Ăn", "Ân", "Ba", "On", "Ôn", "Ơn"]


def test_commune_names_d_stroke_before_o_circumflex():
    names = ["Xã Ô Môn", "Xã Đông Hòa", "Xã Dương Tơ", "Xã Óc Eo", "Xã Bình An"]
    assert vi_sorted(names) == ["Xã Bình An", "Xã Dương Tơ", "Xã Đông Hòa", "Xã Óc Eo", "Xã Ô Môn"]


def test_nfd_input_sorts_as_nfc():
    word = "Nguyễn Thị Ánh"
    nfd = unicodedata.normalize("NFD", word)
    assert vi_sort_key(nfd)[:3] == vi_sort_key(word)[:3]
    assert vi_sorted([nfd, "Nguyễn Thị An", "Nguyễn Thị Ba"]) == ["Nguyễn Thị An", nfd, "Nguyễn Thị Ba"]


def test_sort_string_bytes_order_as_the_collation():
    """The ASCII form stored in the search index sorts, byte by byte, exactly as the collation."""
    names = TRICKY + ["Nguyễn Văn An", "Nguyễn Văn Ân", "Nguyên Văn An", "Đoàn", "Doãn", "Doan", "Đoan"]
    assert all(vi_sort_string(n).isascii() for n in names)
    assert sorted(_shuffled(names), key=lambda n: vi_sort_string(n).encode()) == vi_sorted(names)


def test_compare_is_a_total_order():
    assert vi_compare("Đa", "Duy") == 1 and vi_compare("Duy", "Đa") == -1 and vi_compare("a", "a") == 0


# --- the database side -----------------------------------------------------------------------------
def _db_order(names):
    from lienthong.fleet.collation_db import ViCollate
    from lienthong.fleet.models import Owner

    Owner.objects.bulk_create([Owner(full_name=name, raw_name=name) for name in _shuffled(names)])
    return list(Owner.objects.order_by(ViCollate("full_name"), "pk").values_list("full_name", flat=True))


@pytest.mark.django_db
def test_database_orders_as_python():
    """SQLite (registered collation) and PostgreSQL (ICU vi-x-icu) return the tricky list in Python's order."""
    nfd = [unicodedata.normalize("NFD", w) for w in ("Ừa", "Ấp", "Đông")]
    names = TRICKY + nfd
    assert _db_order(names) == vi_sorted(names)


def test_commune_picker_sorts_d_stroke_before_o_circumflex():
    """Commune pickers in dictionary order: Đ a letter after D, before O, Ô, Ơ (code points put Đ after Ô)."""
    from lienthong.accounts.admin import province_communes

    names = [name for _code, name in province_communes()]
    assert names == vi_sorted(names)
    assert names.index("Xã Đông Hòa") < names.index("Xã Óc Eo") < names.index("Xã Ô Lâm")

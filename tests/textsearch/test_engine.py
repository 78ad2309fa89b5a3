"""The Vietnamese-aware search: what citizens type finds what the administration calls it."""
from __future__ import annotations

import pytest

from lienthong.textsearch import Doc, Index
from lienthong.textsearch.analyse import Speller, syllables
from lienthong.textsearch.synonyms import Synonyms

CATALOGUE = [
    Doc("ks", "Thủ tục đăng ký khai sinh", "Hộ tịch"),
    Doc("ks-lai", "Thủ tục đăng ký lại khai sinh", "Hộ tịch"),
    Doc("kh", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
    Doc("kt", "Thủ tục đăng ký khai tử", "Hộ tịch"),
    Doc("ttHN", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    Doc("sao", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
    Doc("tt", "Đăng ký thường trú", "Đăng ký, quản lý cư trú"),
    Doc("tau", "Cấp giấy chứng nhận đăng ký tàu cá", "Thủy sản"),
]


@pytest.fixture(scope="module")
def index():
    return Index(CATALOGUE)


def first(index, query):
    hits = index.search(query, 1)
    return hits[0].key if hits else None


def test_syllables_are_folded_and_spell_y_after_a_consonant_as_i():
    assert syllables("Đăng KÝ  kết-hôn, Mỹ Tho; Quy") == ["dang", "ki", "ket", "hon", "mi", "tho", "quy"]


@pytest.mark.parametrize("query, key", [
    ("dang ky ket hon", "kh"),       # no diacritics
    ("ĐĂNG KÝ KẾT HÔN", "kh"),       # capitals
    ("đăng kí kết hôn", "kh"),       # ký spelt kí
    ("dang ky ket hong", "kh"),      # a typo: hông
    ("ddaang kys keets hoon", "kh"),  # Telex typed with no Vietnamese keyboard
    ("dangky kethon", "kh"),         # syllables typed together
    ("lam giay ket hon", "kh"),      # the people's words
    ("xin giay doc than", "ttHN"),   # "độc thân" is the certificate of marital status
    ("bao tu cho ba", "kt"),         # "báo tử"
    ("sao y ban chinh", "sao"),
    ("nhap ho khau", "tt"),
    ("lam giay to ghe", "tau"),
])
def test_what_citizens_type_finds_the_procedure_first(index, query, key):
    assert first(index, query) == key


def test_a_word_that_tells_procedures_apart_decides_the_order(index):
    assert [h.key for h in index.search("dang ky khai sinh", 2)] == ["ks", "ks-lai"]
    assert [h.key for h in index.search("dang ky lai khai sinh", 2)] == ["ks-lai", "ks"]


def test_a_query_that_says_nothing_known_finds_nothing(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("xyzzy qwerty") == []
    assert index.search("toi muon hoi") == []  # only words of a question


def test_the_explanation_names_the_terms_that_matched(index):
    hit = index.search("dang ky ket hon", 1)[0]
    assert {"ket hon", "ket", "hon"} <= set(hit.matched)


def test_the_speller_leaves_known_words_alone_and_corrects_the_others():
    speller = Speller({"hon", "hong", "ket", "dang", "ki"}, {"hon": 5, "hong": 1})
    assert speller.correct("hong") == ("hong",)   # a known word is never "corrected"
    assert speller.correct("hoon") == ("hon",)    # Telex doubled vowel
    assert speller.correct("kys") == ("ki",)      # Telex tone key, y spelt i
    assert speller.correct("kett") == ("ket",)    # one edit
    assert speller.correct("dangki") == ("dang", "ki")
    assert speller.correct("zz") == ("zz",)       # too short to guess
    assert speller.correct("2025") == ("2025",)


def test_synonyms_map_the_longest_phrase_and_every_meaning():
    table = Synonyms.parse("# comment\nkết hôn = cưới; đám cưới\nđăng ký = đk; dk\ntàu cá = ghe\nđăng ký tàu cá = ghe\n")
    assert table.expand(syllables("làm đám cưới")) == [("ket", "hon")]
    assert table.expand(["dk", "ghe"]) == [("dang", "ki"), ("tau", "ca"), ("dang", "ki", "tau", "ca")]


def test_a_broken_synonym_line_is_named():
    with pytest.raises(ValueError, match="line 2"):
        Synonyms.parse("kết hôn = cưới\nchỉ một vế\n")


def test_the_packaged_table_reads():
    table = Synonyms.packaged()
    assert ("ket", "hon") in table.phrases[("cuoi",)]

import pytest

from lienthong.identity.legacy_encoding import (
    VIETNAMESE_LETTERS,
    decode_tcvn3,
    decode_vni,
    detect_encoding,
    encode_tcvn3,
    encode_vni,
    encoding_from_font,
    font_is_uppercase,
    to_unicode,
)

LOWER = [ch for ch in VIETNAMESE_LETTERS if ch.islower()]
UPPER = [ch for ch in VIETNAMESE_LETTERS if ch.isupper()]

NAMES = [
    "Nguyễn Thị Như Quỳnh",
    "Trần Văn Đức",
    "Huỳnh Thanh Phước",
    "Võ Thị Ngọc Hằng",
    "Lê Hữu Nghĩa",
    "Phạm Thị Thủy Tiên",
    "Đặng Quốc Vượng",
    "Dương Thị Yến",
    "Hồ Văn Ửng",
    "Tôn Nữ Thị Ỷ Lan",
]


def test_letter_inventory():
    assert len(VIETNAMESE_LETTERS) == 134
    assert len(set(VIETNAMESE_LETTERS)) == 134
    assert len(LOWER) == len(UPPER) == 67


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_vni_round_trip_every_letter(letter):
    encoded = encode_vni(letter)
    assert not encoded.isascii()
    assert all(ord(c) <= 0xFF for c in encoded)
    assert decode_vni(encoded) == letter


def test_vni_codes_are_distinct():
    assert len({encode_vni(ch) for ch in VIETNAMESE_LETTERS}) == 134


@pytest.mark.parametrize("letter", LOWER)
def test_tcvn3_round_trip_every_lowercase_letter(letter):
    encoded = encode_tcvn3(letter)
    assert len(encoded) == 1 and 0xA0 <= ord(encoded) <= 0xFF
    assert decode_tcvn3(encoded) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_uppercase_letters_through_capital_font(letter):
    assert decode_tcvn3(encode_tcvn3(letter), upper=True) == letter


def test_tcvn3_uppercase_base_letters_have_own_codes():
    assert encode_tcvn3("ĂÂÊÔƠƯĐ") == "\xa1\xa2\xa3\xa4\xa5\xa6\xa7"
    assert decode_tcvn3("\xa1\xa2\xa3\xa4\xa5\xa6\xa7") == "ĂÂÊÔƠƯĐ"


def test_known_encodings():
    assert decode_tcvn3("NguyÔn ThÞ Thñy") == "Nguyễn Thị Thủy"
    assert encode_tcvn3("Lê Văn Tư") == "Lª V¨n T\xad"
    assert decode_vni("Nguyeãn Thò") == "Nguyễn Thị"
    assert encode_vni("Trần Văn Đức") == "Traàn Vaên Ñöùc"
    assert encode_vni("HUỲNH PHƯỚC") == "HUYØNH PHÖÔÙC"
    assert decode_vni("ÔÛ Ô") == "Ở Ơ"


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_real_names(name):
    assert decode_vni(encode_vni(name)) == name
    assert decode_vni(encode_vni(name.upper())) == name.upper()
    assert decode_tcvn3(encode_tcvn3(name.lower())) == name.lower()
    assert decode_tcvn3(encode_tcvn3(name.upper()), upper=True) == name.upper()


@pytest.mark.parametrize("name", NAMES)
def test_detection_on_real_names(name):
    assert detect_encoding(name) == "unicode"
    assert detect_encoding(encode_vni(name)) == "vni"
    assert detect_encoding(encode_vni(name.upper())) == "vni"
    # TCVN3 has no accented capitals: text typed in the normal font is lower-case
    # apart from the ASCII initials.
    typed = encode_tcvn3(name)
    assert detect_encoding(typed) == "tcvn3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NguyÔn ThÞ Thñy", "tcvn3"),
        ("Nguyeãn Thò", "vni"),
        ("Hoaø", "vni"),
        ("Hoµ", "tcvn3"),
        ("Hoà", "unicode"),  # Latin-1-only Unicode stays Unicode on a tie
        ("Nguyen Van A", "unicode"),
        ("", "unicode"),
        ("Hà Tú", "unicode"),
        ("NGUYÔN V¡N §øC", "tcvn3"),  # capital-font text without its font
        ("TrÇn ThÞ Kim Loan, 12 Lª Lîi", "tcvn3"),
    ],
)
def test_detect_encoding_examples(text, expected):
    assert detect_encoding(text) == expected


@pytest.mark.parametrize(
    ("font", "encoding", "upper"),
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArial", "tcvn3", False),
        (".VnArial NarrowH", "tcvn3", True),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("vni-helve-condense", "vni", False),
        ("Times New Roman", None, False),
        ("Arial", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_encoding_from_font(font, encoding, upper):
    assert encoding_from_font(font) == encoding
    assert font_is_uppercase(font) is upper


def test_to_unicode_uses_font_then_detection():
    assert to_unicode("NGUYÔN V¡N §øC", ".VnTimeH") == "NGUYỄN VĂN ĐỨC"
    assert to_unicode("NguyÔn V¨n Hoµ", ".VnTime") == "Nguyễn Văn Hòa"
    assert to_unicode("Thuû", "VNI-Times") == "Thủ"
    assert to_unicode("Thuû", ".VnTime") == "Thủy"
    assert to_unicode("Nguyeãn  Thò Hoaø", None) == "Nguyễn Thị Hòa"
    assert to_unicode("TrÇn ThÞ Kim Loan", "Arial") == "Trần Thị Kim Loan"
    assert to_unicode("Trần Thị Hoà", "Times New Roman") == "Trần Thị Hòa"
    assert to_unicode("NGUYÔN V¡N §øC") == "NGUYỄN VĂN ĐỨC"
    # A lower-case font keeps the case it was typed in, even if the ASCII is capitals.
    assert to_unicode("NGUYÔN", ".VnTime") == "NGUYễN"
    assert to_unicode(None) == ""

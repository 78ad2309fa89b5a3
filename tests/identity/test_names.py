import pytest

from lienthong.identity.names import (
    FAMILY_SHARES,
    UNKNOWN_FAMILY_SHARE,
    ParsedName,
    family_key,
    family_share,
    name_columns,
    names_compatible,
    split_name,
)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Nguyễn Thị Như Quỳnh", ParsedName("Nguyễn", "Thị Như", "Quỳnh")),
        ("  trần   văn  hoà ", ParsedName("Trần", "Văn", "Hòa")),
        ("Lê Lợi", ParsedName("Lê", "", "Lợi")),
        ("Quỳnh", ParsedName("", "", "Quỳnh")),
        ("", ParsedName("", "", "")),
        (None, ParsedName("", "", "")),
        ("Tôn Nữ Thị Hoa", ParsedName("Tôn Nữ", "Thị", "Hoa")),
        ("Nguyễn Phúc Vĩnh Lộc", ParsedName("Nguyễn Phúc", "Vĩnh", "Lộc")),
        ("Âu Dương Phong", ParsedName("Âu Dương", "", "Phong")),
        ("AU DUONG PHONG", ParsedName("Au Duong", "", "Phong")),
        ("Công Tằng Tôn Nữ Thị Lan", ParsedName("Công Tằng Tôn Nữ", "Thị", "Lan")),
        # A compound with nothing after it is a family name + given name.
        ("Tôn Nữ", ParsedName("Tôn", "", "Nữ")),
    ],
)
def test_split_name(full, expected):
    assert split_name(full) == expected


def test_parsed_name_full():
    assert split_name("nguyễn  văn a").full == "Nguyễn Văn A"
    assert ParsedName("", "", "Lan").full == "Lan"


@pytest.mark.parametrize(
    ("family", "key"),
    [
        ("Huỳnh", "hoang"),
        ("Hoàng", "hoang"),
        ("HUYNH", "hoang"),
        ("Võ", "vu"),
        ("Vũ", "vu"),
        ("vo", "vu"),
        ("Nguyễn", "nguyen"),
        ("Đặng", "dang"),
        ("Tôn Nữ", "ton nu"),
        ("", ""),
    ],
)
def test_family_key(family, key):
    assert family_key(family) == key


def test_family_share_table():
    assert family_share("Nguyễn") == 0.38
    assert family_share("nguyen") == 0.38
    assert family_share("Huỳnh") == family_share("Hoàng") == 0.05
    assert family_share("Võ") == family_share("Vũ") == 0.04
    assert family_share("Lý") == 0.005
    assert family_share("Thạch") == UNKNOWN_FAMILY_SHARE
    assert len(FAMILY_SHARES) == 14
    assert round(sum(FAMILY_SHARES.values()), 3) == 0.886


def test_name_columns():
    assert name_columns("huỳnh thị thuỷ TIÊN") == {
        "name": "Huỳnh Thị Thủy Tiên",
        "name_folded": "huynh thi thuy tien",
        "family_folded": "huynh",
        "family_key": "hoang",
        "middle_folded": "thi thuy",
        "given_folded": "tien",
        "name_no_middle_folded": "huynh tien",
        "family_share": 0.05,
    }
    assert name_columns("Lan")["name_no_middle_folded"] == "lan"
    assert name_columns(None)["name_folded"] == ""


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Nguyễn Thị Hòa", "NGUYỄN THỊ HOÀ", "exact"),
        ("Nguyễn Thị Hòa", "Nguyen Thi Hoa", "exact_folded"),
        ("Đoàn Văn An", "Doãn Văn An", "exact_folded"),
        ("Nguyễn Thị Lan", "Nguyễn Lan", "middle_dropped"),
        ("Nguyễn Thị Như Quỳnh", "Nguyen Nhu Quynh", "middle_dropped"),
        ("Nguyễn Thị Như Quỳnh", "Nguyễn Thị Quỳnh", "middle_dropped"),
        ("Nguyễn Văn Lan", "Nguyễn Thị Lan", "given_only"),
        ("Lan Nguyễn Thị", "Nguyễn Thị Lan", "swapped"),
        ("Trần Văn Minh", "Trần Minh Văn", "swapped"),
        ("Huỳnh Văn Tâm", "Hoàng Văn Tâm", "family_variant"),
        ("Võ Thị Mai", "Vu Mai", "family_variant"),
        ("Lê Văn Tâm", "Phạm Văn Tâm", "given_only"),
        ("Lê Văn Tâm", "Lê Văn Tân", "different"),
        ("Lê Văn Tâm", "", "different"),
        (None, "Lê Văn Tâm", "different"),
    ],
)
def test_names_compatible(a, b, level):
    assert names_compatible(a, b) == level
    assert names_compatible(b, a) == level

"""The holder field of an old land certificate, split into persons with what is written beside each name."""
from __future__ import annotations

import pytest

from lienthong.registries.holders import Holder, split_holders


@pytest.mark.parametrize(("field", "expected"), [
    ("Hộ ông Nguyễn Văn An", [Holder("holder", "Nguyễn Văn An", "nam")]),
    ("Hộ gia đình bà Lê Thị Cúc", [Holder("holder", "Lê Thị Cúc", "nữ")]),
    ("Bà Lê Thị Cúc (chủ hộ)", [Holder("holder", "Lê Thị Cúc", "nữ")]),
    ("Ông Nguyễn Văn An và vợ là bà Trần Thị Bé",
     [Holder("holder", "Nguyễn Văn An", "nam"), Holder("spouse", "Trần Thị Bé", "nữ")]),
    ("Bà Trần Thị Bé và chồng là ông Nguyễn Văn An",
     [Holder("holder", "Trần Thị Bé", "nữ"), Holder("spouse", "Nguyễn Văn An", "nam")]),
    ("Ông Võ Văn Tâm và bà Đặng Thị Nga", [Holder("holder", "Võ Văn Tâm", "nam"), Holder("holder_2", "Đặng Thị Nga", "nữ")]),
    ("Ông Lê Văn Ba; Bà Lê Thị Bốn; Ông Lê Văn Năm",
     [Holder("holder", "Lê Văn Ba", "nam"), Holder("holder_2", "Lê Thị Bốn", "nữ"), Holder("holder_3", "Lê Văn Năm", "nam")]),
    ("Ông Nguyễn Văn An, sinh năm 1960, CMND số 371 234 567 và vợ là bà Trần Thị Bé, SN 1962",
     [Holder("holder", "Nguyễn Văn An", "nam", "1960", "371234567"), Holder("spouse", "Trần Thị Bé", "nữ", "1962")]),
    ("Ông Trương  Văn   Bà (CCCD: 091080001234)", [Holder("holder", "Trương Văn Bà", "nam", "", "091080001234")]),
    ("ÔNG NGUYEN VAN AN VA VO LA BA TRAN THI BE",
     [Holder("holder", "NGUYEN VAN AN", "nam"), Holder("spouse", "TRAN THI BE", "nữ")]),
    ("Nguyễn Văn An", [Holder("holder", "Nguyễn Văn An", None)]),  # no title: one person, gender unknown
    # the year and the number beside the head of a household, as the certificates from 2009 give them
    ("Hộ ông Nguyễn Văn An, sinh năm 1960, CMND số 371234567",
     [Holder("holder", "Nguyễn Văn An", "nam", "1960", "371234567")]),
    ("Bà Lê Thị Cúc (chủ hộ), sinh năm 1958", [Holder("holder", "Lê Thị Cúc", "nữ", "1958")]),
    ("Ông Nguyễn Văn An, sinh năm 1960 và vợ là bà Trần Thị Bé, sinh năm 1962, CCCD số 091162001234",
     [Holder("holder", "Nguyễn Văn An", "nam", "1960"), Holder("spouse", "Trần Thị Bé", "nữ", "1962", "091162001234")]),
])
def test_the_certificates_phrasings(field, expected):
    assert split_holders(field) == expected


@pytest.mark.parametrize("field", ["", "   ", None])
def test_an_empty_field_names_nobody(field):
    assert split_holders(field) == []

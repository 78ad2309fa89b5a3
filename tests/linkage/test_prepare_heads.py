"""The population's name heads, prepared word by word, equal `split_name` of each head (a registry's names go
through `split_name` whole)."""
from __future__ import annotations

import random
import unicodedata

from lienthong.demo.names import diverse_full_name, full_name
from lienthong.identity.names import family_key, split_name
from lienthong.identity.text import fold
from lienthong.linkage.prepare import _head_dictionary


def one_by_one(head: str) -> tuple[str | None, str | None, str | None, str | None]:
    """What the population's preparation computed before, a head at a time through `split_name`."""
    if not head.strip():
        return None, None, None, None
    p = split_name(head + " x")  # "x" stands for the given name
    head_norm = " ".join(w for w in (p.family, p.middle) if w)
    return head_norm.lower() or None, fold(head_norm) or None, family_key(p.family) or None, fold(p.middle) or None

AWKWARD = [
    "", " ", "nguyễn", "NGUYỄN  THỊ", "  trần\u00a0văn ", "Tôn Nữ", "Tôn Nữ Thị", "tôn nữ", "Âu Dương", "Âu",
    "Nguyễn Phước", "Hoàng\tThị", "Lê Hoà", "Lê Thuỷ", "Quý", "Đỗ", "\u00d0ỗ Văn", "Nguyen Van",
    unicodedata.normalize("NFD", "Nguyễn Thị Ngọc"), "ông Nguyễn", "Nguyễn Thị - ", "O'Neil Trần", "Trần 2",
    "Phan \u0301Văn", "ĐẶNG  văn\u2003", "Huỳnh Tấn", "Võ Thị", "Chau", "Danh", "Thạch Thị",
]


def test_word_by_word_equals_one_by_one():
    rng = random.Random(11)
    heads = list(AWKWARD)
    for i in range(30_000):
        make = diverse_full_name if i % 2 else full_name
        name = " ".join(make(rng.random, "nam" if i % 3 else "nữ"))
        heads.append(name.rsplit(" ", 1)[0])
        heads.append(name.rsplit(" ", 1)[0].upper() if i % 7 == 0 else name.rsplit(" ", 1)[0].lower())
    assert _head_dictionary(heads) == [one_by_one(h) for h in heads]

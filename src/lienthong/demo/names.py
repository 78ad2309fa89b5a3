"""Vietnamese names with realistic frequencies.

Family names follow DOMAIN.md (Nguyễn 38 %, Trần 11 %, Lê 9.5 %, …) with the southern preference
for Huỳnh over Hoàng and Võ over Vũ, plus the Khmer (Danh, Thạch, Chau) and Hoa (Lâm, Quách, Tăng)
names common in this province. Middle+given pairs come from the package name lists; "Văn"/"Thị"
middle names are added at their real, high rate (the lists hardly contain them).
"""
from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate

from lienthong.identity.text import nfc

FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Huỳnh": 4.3, "Hoàng": 0.7, "Phan": 4.5,
    "Võ": 3.4, "Vũ": 0.6, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1,
    "Lý": 0.8, "Lâm": 0.8, "Trương": 0.7, "Đoàn": 0.6, "Danh": 0.8, "Thạch": 0.5, "Chau": 0.3,
    "Châu": 0.4, "Mai": 0.4, "Tô": 0.4, "Thái": 0.3, "Quách": 0.3, "Tăng": 0.2, "La": 0.2,
    "Lưu": 0.3, "Đinh": 0.4, "Trịnh": 0.3, "Cao": 0.3, "Lương": 0.3, "Doãn": 0.1, "Kim": 0.2,
    "Tôn Thất": 0.03, "Nguyễn Phước": 0.03,  # a few compound family names
}
SOUTH_NORTH_VARIANTS = {"Huỳnh": "Hoàng", "Hoàng": "Huỳnh", "Võ": "Vũ", "Vũ": "Võ"}


@dataclass(frozen=True)
class _Pool:
    values: tuple[str, ...]
    cum: tuple[float, ...]

    def pick(self, rng_random) -> str:
        return self.values[bisect(self.cum, rng_random() * self.cum[-1])]


def _pool(weights: dict[str, float] | list[tuple[str, float]]) -> _Pool:
    items = list(weights.items()) if isinstance(weights, dict) else weights
    return _Pool(tuple(v for v, _ in items), tuple(accumulate(w for _, w in items)))


def _read_names(gender_file: str) -> list[str]:
    text = resources.files("lienthong.identity").joinpath("data", f"given-names-{gender_file}.txt").read_text("utf-8")
    # The list spells Đ with U+00D0 (Icelandic Eth) in places; people's records use U+0110.
    # Some entries are lower-case ("xanh"); names are written capitalised.
    names = []
    for line in text.splitlines():
        words = nfc(line).replace("\u00d0", "Đ").split()
        if words:
            names.append(" ".join(w[:1].upper() + w[1:] for w in words))
    return names


def _zipf(values: list[str], seed: str) -> _Pool:
    """Popularity is uneven: rank names by a fixed shuffle (same for every run) and weigh 1/(rank+30)."""
    order = sorted(set(values))
    random.Random(seed).shuffle(order)
    return _pool([(v, 1.0 / (rank + 30)) for rank, v in enumerate(order)])


@dataclass(frozen=True)
class NameModel:
    family: _Pool
    pairs: dict[str, _Pool]  # gender -> "middle given" pairs
    singles: dict[str, _Pool]  # gender -> single given names ("Hùng")


@lru_cache(maxsize=1)
def name_model() -> NameModel:
    pairs, singles = {}, {}
    for gender, file in (("nam", "male"), ("nữ", "female")):
        names = _read_names(file)
        pairs[gender] = _zipf(names, f"pairs-{file}")
        singles[gender] = _zipf([n.split()[-1] for n in names], f"singles-{file}")
    return NameModel(_pool(FAMILY_NAMES), pairs, singles)


def full_name(rng_random, gender: str, family: str | None = None) -> tuple[str, str]:
    """(family name, middle and given names) for a person of this gender ("nam"/"nữ")."""
    model = name_model()
    if family is None:
        family = model.family.pick(rng_random)
    u = rng_random()
    if gender == "nam":
        # ~40 % "Văn X", ~50 % a two-syllable middle+given, ~4 % "Văn" + pair, ~6 % no middle name
        if u < 0.40:
            rest = "Văn " + model.singles["nam"].pick(rng_random)
        elif u < 0.90:
            rest = model.pairs["nam"].pick(rng_random)
        elif u < 0.94:
            rest = "Văn " + model.pairs["nam"].pick(rng_random)
        else:
            rest = model.singles["nam"].pick(rng_random)
    else:
        if u < 0.42:
            rest = "Thị " + model.singles["nữ"].pick(rng_random)
        elif u < 0.82:
            rest = model.pairs["nữ"].pick(rng_random)
        elif u < 0.95:
            rest = "Thị " + model.pairs["nữ"].pick(rng_random)  # Nguyễn Thị Như Quỳnh
        else:
            rest = model.singles["nữ"].pick(rng_random)
    return family, rest


# -- A population with real name diversity (bench/link.py) -------------------------------------------------------
# The model above draws whole "middle given" pairs from two lists of ~1,250 pairs: in a province of 5 M people that
# makes only 20,360 distinct heads (family + middle names; this model 220,987), while real registers have many more: a
# middle name is chosen freely, women's names often have two middle syllables (Nguyễn Thị Ngọc Ánh), and a long tail of rare
# family names and syllables. No frequency table of real Vietnamese names is freely licensed, so this model is our
# own calibration, stated here: names are composed syllable by syllable, each pool Zipf-weighted with a steep head
# (1/(rank+5): the commonest given syllable ≈ 4 % of a gender, as "Anh" or "Hùng"), and 3 % of syllables drawn
# evenly from every syllable either list knows (the long tail). The composition shares (Văn ≈ 38 % of men's names,
# Thị ≈ 55 % of women's) follow DOMAIN.md.
RARE_FAMILY_NAMES = (
    "Âu", "Bạch", "Biện", "Cái", "Cù", "Diệp", "Diêu", "Đàm", "Đào", "Đoàn", "Giang", "Giáp", "Hà", "Hàn", "Hầu",
    "Hứa", "Khổng", "Khúc", "Kiều", "Kha", "La", "Lạc", "Lại", "Lò", "Lục", "Mạc", "Mã", "Mẫn", "Nghiêm",
    "Ngụy", "Nhan", "Ninh", "Nông", "Ông", "Phó", "Phí", "Phùng", "Quan", "Sầm", "Sơn", "Tạ", "Tào", "Thân", "Thi",
    "Tiêu", "Tống", "Triệu", "Từ", "Vương", "Vi", "Viên", "Yên", "Liêu", "Lữ", "Khưu", "Ôn", "Trang",
)


@dataclass(frozen=True)
class DiverseNameModel:
    family: _Pool
    middle: dict[str, _Pool]
    given: dict[str, _Pool]
    every_syllable: tuple[str, ...]


# The commonest syllables lead their pools in this order (common knowledge of Vietnamese naming, not counted); the
# rest follow in a fixed shuffle.
COMMON = {
    "given-male": "Hùng Dũng Tuấn Minh Nam Hải Long Thành Phúc Bình Sơn Quang Trung Thắng Tâm Hiếu Huy Khang Phong Tài "
                  "Hòa Lộc Tú Toàn Vinh Khoa Đạt Hậu Lâm Thanh Phát Tiến Cường Hưng Nhân Tùng Kiệt Bảo Duy Quân",
    "given-female": "Anh Linh Hương Lan Hà Trang Ngọc Thảo Hằng Mai Nhung Thủy Yến Phương Hạnh Dung Vân Loan Hoa Nga "
                    "Tuyết Diễm Trinh Nhi Vy Thư Hồng Huyền Quyên Hiền Hân Tiên My Ngân Nhàn Liên Xuân Oanh Cúc Lệ",
    "middle-male": "Minh Thanh Quốc Hoàng Đức Hữu Ngọc Công Tấn Thành Chí Quang Duy Anh Trọng Hoài Trung Xuân Phước Tuấn",
    "middle-female": "Ngọc Thanh Thu Kim Minh Phương Hồng Thùy Bích Mỹ Diễm Cẩm Hoài Tuyết Thúy Ánh Hoàng Bảo Quỳnh Như",
}


def _steep(values: list[str], seed: str) -> _Pool:
    present = set(values)
    common = [v for v in COMMON.get(seed, "").split() if v in present]
    rest = sorted(present - set(common))
    random.Random(seed).shuffle(rest)
    return _pool([(v, 1.0 / (rank + 5)) for rank, v in enumerate(common + rest)])


@lru_cache(maxsize=1)
def diverse_name_model() -> DiverseNameModel:
    family = dict(FAMILY_NAMES)
    for name in RARE_FAMILY_NAMES:
        family.setdefault(name, 0.02)
    middle, given, syllables = {}, {}, set()
    for gender, file in (("nam", "male"), ("nữ", "female")):
        names = [n.split() for n in _read_names(file)]
        middle[gender] = _steep([w[0] for w in names if len(w) > 1 and w[0] not in ("Văn", "Thị")], f"middle-{file}")
        given[gender] = _steep([w[-1] for w in names], f"given-{file}")
        syllables.update(word for w in names for word in w)
    return DiverseNameModel(_pool(family), middle, given, tuple(sorted(syllables)))


def diverse_full_name(rng_random, gender: str, family: str | None = None) -> tuple[str, str]:
    """As `full_name`, from the syllable-by-syllable model of real name diversity."""
    model = diverse_name_model()
    if family is None:
        family = model.family.pick(rng_random)

    def syllable(pool: _Pool) -> str:
        if rng_random() < 0.03:
            return model.every_syllable[int(rng_random() * len(model.every_syllable))]
        return pool.pick(rng_random)

    middle, given = model.middle[gender], model.given[gender]
    u = rng_random()
    if gender == "nam":
        # Văn X 38 %, one free middle 46 %, two middles 10 %, no middle 6 %
        parts = (["Văn"] if u < 0.38 else [syllable(middle)] if u < 0.84
                 else [syllable(middle), syllable(middle)] if u < 0.94 else [])
    else:
        # Thị X 40 %, Thị + a middle 15 %, one free middle 35 %, two middles 5 %, no middle 5 %
        parts = (["Thị"] if u < 0.40 else ["Thị", syllable(middle)] if u < 0.55 else [syllable(middle)] if u < 0.90
                 else [syllable(middle), syllable(middle)] if u < 0.95 else [])
    return family, " ".join([*parts, syllable(given)])

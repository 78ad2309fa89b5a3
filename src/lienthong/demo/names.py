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

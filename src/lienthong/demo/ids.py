"""Synthetic CCCD and CMND numbers: structurally valid and unique without remembering them.

Uniqueness at 5 million people would cost hundreds of MB as a Python set, so each bucket
(birth-province code + century/gender digit + year, or CMND prefix) hands out serials 0, 1, 2, …
through a seeded Feistel permutation of the bucket's number space: distinct serials give distinct,
random-looking suffixes, in O(number of buckets) memory.
"""
from __future__ import annotations

import random
from datetime import date

# CCCD digits 1-3: province (pre-2025 statistics code) where the birth was registered.
# Weights for residents of old An Giang (89) and old Kiên Giang (91); the rest come from
# neighbouring and big provinces (people move). A setting, not a fact about the real population.
BIRTH_PROVINCE_WEIGHTS: dict[str, dict[str, float]] = {
    "89": {"089": 82, "091": 6, "087": 3, "092": 2.5, "079": 2, "094": 1.5, "086": 1, "096": 1, "093": 1},
    "91": {"091": 80, "089": 7, "096": 3, "092": 2, "079": 2, "094": 2, "095": 1.5, "093": 1.5, "087": 1},
}

# Old CMND (9 digits): the first two digits were the issuing province's police code
# (35 An Giang, 37 Kiên Giang; unverified, a setting).
CMND_PREFIX = {"89": "35", "91": "37"}


class FeistelPermutation:
    """A seeded bijection of range(a * b) (balanced or not), by a 4-round Feistel network.

    Round functions are random lookup tables, so each call costs a few list lookups.
    """

    def __init__(self, a: int, b: int, rng: random.Random, rounds: int = 4):
        if rounds % 2:
            raise ValueError("an even number of rounds keeps the halves' sizes in place")
        self.a, self.b, self.size = a, b, a * b
        # round i maps R (size b if i even else a) into L's size (a if i even else b)
        self.tables = [
            [rng.randrange(a if i % 2 == 0 else b) for _ in range(b if i % 2 == 0 else a)]
            for i in range(rounds)
        ]

    def __call__(self, x: int) -> int:
        a, b = self.a, self.b
        left, right = divmod(x, b)  # left in [0, a), right in [0, b)
        for i, table in enumerate(self.tables):
            if i % 2 == 0:
                left, right = right, (left + table[right]) % a  # now left < b, right < a
            else:
                left, right = right, (left + table[right]) % b  # back to left < a, right < b
        return left * b + right


class IdFactory:
    """Hands out unique CCCDs and CMNDs for one generation run."""

    def __init__(self, rng: random.Random):
        self._cccd_perm = FeistelPermutation(1000, 1000, rng)  # 6 random digits
        self._cmnd_perm = FeistelPermutation(1000, 10_000, rng)  # 7 digits after the 2-digit prefix
        self._rng = rng
        # bucket -> [random starting serial, count]: the start keeps buckets from sharing suffixes
        self._cccd_next: dict[str, list[int]] = {}
        self._cmnd_next: dict[str, list[int]] = {}

    def cccd(self, birth_province: str, gender: str, birth: date) -> str:
        prefix = f"{birth_province}{century_gender_digit(birth.year, gender)}{birth.year % 100:02d}"
        state = self._cccd_next.get(prefix)
        if state is None:
            state = self._cccd_next[prefix] = [self._rng.randrange(1_000_000), 0]
        if state[1] >= 1_000_000:
            raise OverflowError(f"more than a million CCCDs in bucket {prefix}")
        state[1] += 1
        return f"{prefix}{self._cccd_perm((state[0] + state[1]) % 1_000_000):06d}"

    def cmnd(self, old_province: str) -> str:
        prefix = CMND_PREFIX[old_province]
        state = self._cmnd_next.get(prefix)
        if state is None:
            state = self._cmnd_next[prefix] = [self._rng.randrange(10_000_000), 0]
        if state[1] >= 10_000_000:
            raise OverflowError(f"more than ten million CMNDs with prefix {prefix}")
        state[1] += 1
        return f"{prefix}{self._cmnd_perm((state[0] + state[1]) % 10_000_000):07d}"


def century_gender_digit(year: int, gender: str) -> int:
    """CCCD digit 4: 0/1 male/female born 1900-1999, 2/3 for 2000-2099, 4/5 for 2100-2199."""
    century = (year - 1900) // 100
    if not 0 <= century <= 2:
        raise ValueError(f"no CCCD century digit for {year}")
    return 2 * century + (0 if gender == "nam" else 1)

"""A small registry sheet with a few structurally bad rows, for import-error tests.

The demo registry itself stays free of structural errors; tests that need them call this.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lienthong.demo.ids import IdFactory
from lienthong.demo.names import full_name
from lienthong.demo.registry import write_registry_xlsx


@dataclass(frozen=True)
class BadRow:
    excel_row: int  # 1-based sheet row
    key: str  # column key (lienthong.fleet.columns) holding the bad value
    value: object
    problem: str


# (column key, bad value, what is wrong): one row each
BAD_VALUES = (
    ("registration_number", None, "empty registration number"),
    ("owner_birth_date", "31/02/1985", "impossible date"),
    ("length_m", -7.5, "negative length"),
    ("owner_id_number", "0911234567", "10-digit CCCD"),
)


def write_registry_with_errors(path: Path | str, *, rows: int = 10, seed: int = 1) -> list[BadRow]:
    """Write `rows` good rows with the BAD_VALUES rows spread among them; return where the bad ones are."""
    if rows < len(BAD_VALUES):
        raise ValueError(f"need at least {len(BAD_VALUES)} good rows to spread the bad ones between")
    rng = random.Random(seed)
    ids = IdFactory(rng)
    serials = rng.sample(range(90_000, 100_000), rows + len(BAD_VALUES))
    good_and_bad: list[dict[str, object]] = []
    for serial in serials:
        gender = "nam" if rng.random() < 0.9 else "nữ"
        birth = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
        family, rest = full_name(rng.random, gender)
        length = round(rng.uniform(6, 20), 2)
        good_and_bad.append({
            "registration_number": f"KG-{serial}-TS",
            "owner_name": f"{family} {rest}",
            "owner_id_number": ids.cccd("091", gender, birth),
            "owner_birth_date": birth.strftime("%d/%m/%Y"),
            "owner_gender": "Nam" if gender == "nam" else "Nữ",
            "owner_address": "Ấp Phước Hòa, xã Bình An, huyện Châu Thành, tỉnh Kiên Giang",
            "length_m": length,
            "engine_kw": round(0.25 * length**2.3),
        })
    # the bad rows sit at evenly spaced positions, never first, so a parser that stops early is caught
    step = len(good_and_bad) // len(BAD_VALUES)
    positions = [step * (k + 1) - 1 for k in range(len(BAD_VALUES))]
    for pos, (key, value, _) in zip(positions, BAD_VALUES):
        good_and_bad[pos][key] = value
    header_row = write_registry_xlsx(path, good_and_bad)
    return [
        BadRow(header_row + 1 + pos, key, value, problem)
        for pos, (key, value, problem) in zip(positions, BAD_VALUES)
    ]

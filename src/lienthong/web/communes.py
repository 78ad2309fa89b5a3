"""Names of the 2025 communes, for showing a commune code to a person ("31078" → "Đặc khu Phú Quốc")."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    # Read straight from the geo package data (the geo package has no lookup function yet).
    with resources.files("lienthong.geo").joinpath("data/communes-2025.csv").open(encoding="utf-8") as fh:
        return {row["commune_code"].strip().zfill(5): row["name"].strip() for row in csv.DictReader(fh)}


def commune_name(code: str | None) -> str:
    """The commune's name, or the code itself when unknown, or '' when there is no code."""
    if not code:
        return ""
    return _names().get(str(code).strip().zfill(5), str(code))

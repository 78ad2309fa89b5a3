"""The places the demo people live in: real 2025 communes of An Giang (91), the old communes they
came from (via the official conversion table), made-up hamlets, and the real fishing ports.

Reads the package CSVs itself (a small loader, not `lienthong.geo.units`, which was being written at
the same time); only the columns needed here.
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PROVINCE = "91"  # the new An Giang
OLD_PROVINCE_NAMES = {"89": "An Giang", "91": "Kiên Giang"}


@dataclass(frozen=True)
class Place:
    """One (old commune -> new commune) pair of the conversion table, with the names to write."""

    old_province: str  # "89" or "91"
    old_district_code: str
    old_district_type: str  # huyện / thị xã / thành phố
    old_district_name: str  # without its type: "Châu Thành"
    old_commune_code: str
    old_commune_type: str  # xã / phường / thị trấn
    old_commune_name: str
    new_commune_code: str
    new_commune_type: str  # xã / phường / đặc khu
    new_commune_name: str
    hamlets: tuple[str, ...]  # "Ấp Phước Hòa", "Khu phố 2", …


def _rows(name: str):
    text = resources.files("lienthong.geo").joinpath("data", name).read_text(encoding="utf-8")
    return csv.DictReader(io.StringIO(text))


def _strip_type(name: str, division_type: str) -> str:
    if name.lower().startswith(division_type + " "):
        return name[len(division_type) + 1:]
    return name


# Common Mekong-delta hamlet names, to make believable "Ấp X" strings (hamlets are not in the
# official tables). Numbered hamlets are as common as named ones.
_HAMLET_NAMES = (
    "Phước Hòa", "Bình An", "Tân Lợi", "Hòa Thuận", "Thạnh Lợi", "Mỹ Phú", "Vĩnh Hòa", "Tân Điền",
    "Rạch Dừa", "Rạch Sỏi", "Kênh Mới", "Xẻo Nhàu", "Minh Hòa", "Tân Phú", "Phú Hòa", "An Lạc",
    "Long Hưng", "Bình Thạnh", "Hòa Lợi", "Vàm Răng", "Cái Bần", "Thuận Hòa", "Tân Hưng", "Đông Hòa",
    "Tây Sơn", "Ba Hòn", "Hòn Chông", "Xà Xiêm", "Ngã Ba", "Kinh Xáng", "Tà Tây", "Mương Đào",
    "Cựa Gà", "Rạch Giồng", "Bãi Nhà", "Gành Dầu", "Cửa Cạn", "Hàm Ninh", "Bãi Bổn", "Láng Cát",
)


@dataclass(frozen=True)
class Geography:
    places: tuple[Place, ...]
    by_old_district: dict[str, tuple[Place, ...]]
    province_name: str  # "An Giang"


@lru_cache(maxsize=1)
def geography() -> Geography:
    districts = {r["district_code"]: r for r in _rows("legacy-districts.csv")}
    old_communes = {r["commune_code"]: r for r in _rows("legacy-communes.csv")}
    new_communes = {r["commune_code"]: r for r in _rows("communes-2025.csv") if r["province_code"] == PROVINCE}
    province_name = next(
        _strip_type(r["name"], r["division_type"]) for r in _rows("provinces-2025.csv") if r["province_code"] == PROVINCE
    )
    # Hamlets are fixed for the package, independent of the user's seed, so that every run
    # describes the same villages.
    hamlet_rng = random.Random("lienthong-demo-hamlets")
    hamlets_of_old: dict[str, tuple[str, ...]] = {}
    places: list[Place] = []
    for row in _rows("commune-conversion-2025.csv"):
        if row["new_province_code"] != PROVINCE:
            continue
        old = old_communes.get(row["old_commune_code"])
        district = districts.get(row["old_district_code"])
        new = new_communes.get(row["new_commune_code"])
        if old is None or district is None or new is None:  # the source's known missing codes
            continue
        code = row["old_commune_code"]
        if code not in hamlets_of_old:
            if old["division_type"] == "xã":
                named = hamlet_rng.sample(_HAMLET_NAMES, hamlet_rng.randint(3, 7))
                numbered = [str(n) for n in range(1, hamlet_rng.randint(1, 6))]
                hamlets_of_old[code] = tuple(f"Ấp {h}" for h in named + numbered)
            else:
                # Old An Giang towns say "khóm", Kiên Giang "khu phố".
                word = "Khóm" if district["province_code"] == "89" else "Khu phố"
                hamlets_of_old[code] = tuple(f"{word} {n}" for n in range(1, hamlet_rng.randint(3, 9)))
        places.append(
            Place(
                # from the district, not the row: the table says 89 for Xã Tiên Hải (Hà Tiên, 91)
                old_province=district["province_code"],
                old_district_code=row["old_district_code"],
                old_district_type=district["division_type"],
                old_district_name=_strip_type(district["name"], district["division_type"]),
                old_commune_code=code,
                old_commune_type=old["division_type"],
                old_commune_name=_strip_type(old["name"], old["division_type"]),
                new_commune_code=row["new_commune_code"],
                new_commune_type=new["division_type"],
                new_commune_name=_strip_type(new["name"], new["division_type"]),
                hamlets=hamlets_of_old[code],
            )
        )
    by_district: dict[str, list[Place]] = {}
    for place in places:
        by_district.setdefault(place.old_district_code, []).append(place)
    return Geography(tuple(places), {k: tuple(v) for k, v in by_district.items()}, province_name)


def address_2025(place: Place, hamlet: str, province_name: str) -> str:
    """'Ấp Phước Hòa, xã Bình An, tỉnh An Giang'."""
    return f"{hamlet}, {place.new_commune_type} {place.new_commune_name}, tỉnh {province_name}"


# Old district code -> weight of fishing-vessel owners living there. Coastal Kiên Giang districts
# dominate; inland ones and old An Giang have a few (river and coastal boats). A setting.
OWNER_DISTRICT_WEIGHTS = {
    "905": 16,  # Châu Thành (Tắc Cậu)
    "899": 14,  # Rạch Giá
    "911": 15,  # Phú Quốc
    "912": 8,  # Kiên Hải
    "909": 10,  # An Minh
    "908": 8,  # An Biên
    "903": 8,  # Hòn Đất
    "902": 7,  # Kiên Lương
    "900": 6,  # Hà Tiên
    "904": 0.5, "906": 0.5, "907": 0.5, "910": 1, "913": 0.5, "914": 1,
}

# Home ports: real fishing ports and anchorages of An Giang / old Kiên Giang. Sông Đốc is in Cà Mau,
# so it is left out. Old district -> (port, weight)…; anything else uses the provincial default.
PORTS_BY_DISTRICT = {
    "905": (("Tắc Cậu", 8), ("Bình An", 2)),
    "899": (("Rạch Giá", 7), ("Tắc Cậu", 3)),
    "911": (("An Thới", 6), ("Mũi Gành Dầu", 3), ("Thổ Châu", 1)),
    "912": (("Hòn Tre", 9), ("Rạch Giá", 1)),
    "909": (("Xẻo Nhàu", 8), ("Tắc Cậu", 2)),
    "908": (("Xẻo Nhàu", 5), ("Tắc Cậu", 5)),
    "903": (("Rạch Giá", 5), ("Kiên Lương", 5)),
    "902": (("Kiên Lương", 9), ("Hà Tiên", 1)),
    "900": (("Hà Tiên", 9), ("Kiên Lương", 1)),
}
DEFAULT_PORTS = (("Tắc Cậu", 6), ("Rạch Giá", 4))

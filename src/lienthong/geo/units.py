"""Vietnam's administrative units: 2025 (two tiers) and pre-2025 (three tiers), with the conversion.

Framework-free (no Django). Loaded lazily, once, from the package data CSVs
(``lienthong/geo/data/*.csv``, see /work/shared/data/README.md).

Canonical code form (used everywhere in lienthong): a decimal string, zero-padded to the width of its
level, as the General Statistics Office prints them:

* province (2025 or legacy): 2 digits, ``"01"``, ``"91"``
* legacy district: 3 digits, ``"001"``, ``"911"``
* commune (2025 or legacy): 5 digits, ``"00004"``, ``"31078"``

Every public function accepts a code as ``int`` or ``str``, with or without the padding, and
normalises it (``province_code("1") == "01"``). Beware: province codes were reused across the reform
(legacy ``"91"`` is Kiên Giang, 2025 ``"91"`` is the merged An Giang), so 2025 and legacy lookups are
separate functions. Unknown codes make the lookups return ``None`` (or an empty list).
"""
from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from lienthong.identity.text import fold, nfc

#: 2025 statistics code of the merged An Giang (old An Giang 89 + old Kiên Giang 91).
AN_GIANG = "91"
#: Pre-2025 codes of the two provinces that formed the new An Giang.
LEGACY_AN_GIANG = "89"
LEGACY_KIEN_GIANG = "91"

# Type prefixes as written at the start of unit names, longest first so "Thị xã" wins over "Xã".
_TYPE_PREFIXES = (
    "thanh pho", "thi xa", "thi tran", "dac khu", "huyen", "quan", "phuong", "xa", "tinh",
)


def _pad(code: int | str, width: int) -> str:
    text = str(code).strip()
    if not text.isdigit():
        raise ValueError(f"not an administrative code: {code!r}")
    return text.zfill(width)


def province_code(code: int | str) -> str:
    """Canonical 2-digit province code ("1" -> "01"). Raises ValueError if not digits."""
    return _pad(code, 2)


def district_code(code: int | str) -> str:
    """Canonical 3-digit legacy district code."""
    return _pad(code, 3)


def commune_code(code: int | str) -> str:
    """Canonical 5-digit commune code ("4" -> "00004")."""
    return _pad(code, 5)


def split_type(name: str) -> tuple[str, str]:
    """Split an official unit name into (folded type prefix, folded bare name).

    "Thành phố Rạch Giá" -> ("thanh pho", "rach gia"); "Phường 01" -> ("phuong", "1").
    Numbers lose their leading zeros so "Phường 01" and "Phường 1" share a key.
    """
    folded = fold(name)
    for prefix in _TYPE_PREFIXES:
        if folded.startswith(prefix + " "):
            return prefix, normalise_numbers(folded[len(prefix) + 1:])
    return "", normalise_numbers(folded)


def normalise_numbers(folded: str) -> str:
    """Drop leading zeros of number words ("phuong 01" -> "phuong 1")."""
    return " ".join(w.lstrip("0") or "0" if w.isdigit() else w for w in folded.split())


class _Named:
    """The unit's name without its type word: "Đặc khu Phú Quốc" -> "Phú Quốc"."""

    __slots__ = ()
    name: str

    @property
    def short_name(self) -> str:
        return _short(self.name)


@dataclass(frozen=True, slots=True)
class Province(_Named):
    """A 2025 province (34 of them)."""
    code: str
    name: str
    division_type: str


@dataclass(frozen=True, slots=True)
class Commune(_Named):
    """A 2025 commune-level unit: xã, phường or đặc khu."""
    code: str
    name: str
    division_type: str
    province_code: str


@dataclass(frozen=True, slots=True)
class LegacyProvince(_Named):
    """A province before 1 July 2025 (63 of them)."""
    code: str
    name: str
    division_type: str


@dataclass(frozen=True, slots=True)
class LegacyDistrict(_Named):
    """A district before 1 July 2025: huyện, quận, thị xã, thành phố."""
    code: str
    name: str
    division_type: str
    province_code: str


@dataclass(frozen=True, slots=True)
class LegacyCommune(_Named):
    """A commune before 1 July 2025: xã, phường, thị trấn."""
    code: str
    name: str
    division_type: str
    district_code: str
    province_code: str


@dataclass(frozen=True, slots=True)
class Conversion:
    """One row of the official conversion: old commune -> new commune.

    ``partly_merged`` is True when only part of the old commune went to this new commune.
    """
    old_commune_code: str
    old_district_code: str
    old_province_code: str
    partly_merged: bool
    new_commune_code: str
    new_province_code: str


def _short(name: str) -> str:
    """Name without its type prefix, diacritics kept: "Thành phố Rạch Giá" -> "Rạch Giá"."""
    prefix, _ = split_type(name)
    if not prefix:
        return name
    return name.split(" ", prefix.count(" ") + 1)[-1]


@dataclass(frozen=True, slots=True)
class _Tables:
    provinces: dict[str, Province]
    communes: dict[str, Commune]
    communes_by_province: dict[str, tuple[Commune, ...]]
    legacy_provinces: dict[str, LegacyProvince]
    legacy_districts: dict[str, LegacyDistrict]
    legacy_communes: dict[str, LegacyCommune]
    districts_by_province: dict[str, tuple[LegacyDistrict, ...]]
    legacy_communes_by_district: dict[str, tuple[LegacyCommune, ...]]
    conversion: dict[str, tuple[Conversion, ...]]
    old_for_new: dict[str, tuple[str, ...]]
    new_province_of_legacy: dict[str, str]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("lienthong.geo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _group(items, key, order=lambda item: item.code) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return {k: tuple(sorted(v, key=order)) for k, v in out.items()}


@functools.cache
def _tables() -> _Tables:
    provinces = {
        p.code: p for p in (
            Province(province_code(r["province_code"]), nfc(r["name"]), r["division_type"])
            for r in _rows("provinces-2025.csv"))
    }
    communes = {
        c.code: c for c in (
            Commune(commune_code(r["commune_code"]), nfc(r["name"]), r["division_type"],
                    province_code(r["province_code"]))
            for r in _rows("communes-2025.csv"))
    }
    legacy_provinces = {
        p.code: p for p in (
            LegacyProvince(province_code(r["province_code"]), nfc(r["name"]), r["division_type"])
            for r in _rows("legacy-provinces.csv"))
    }
    legacy_districts = {
        d.code: d for d in (
            LegacyDistrict(district_code(r["district_code"]), nfc(r["name"]), r["division_type"],
                           province_code(r["province_code"]))
            for r in _rows("legacy-districts.csv"))
    }
    legacy_communes = {}
    for r in _rows("legacy-communes.csv"):
        dcode = district_code(r["district_code"])
        district = legacy_districts.get(dcode)
        legacy_communes[commune_code(r["commune_code"])] = LegacyCommune(
            commune_code(r["commune_code"]), nfc(r["name"]), r["division_type"], dcode,
            district.province_code if district else "")
    conversions = [
        Conversion(commune_code(r["old_commune_code"]), district_code(r["old_district_code"]),
                   province_code(r["old_province_code"]), r["partly_merged"].strip() == "1",
                   commune_code(r["new_commune_code"]), province_code(r["new_province_code"]))
        for r in _rows("commune-conversion-2025.csv")
    ]
    conversion = _group(conversions, lambda c: c.old_commune_code, lambda c: c.new_commune_code)
    old_for_new: dict[str, set[str]] = {}
    for c in conversions:
        old_for_new.setdefault(c.new_commune_code, set()).add(c.old_commune_code)
    # Which 2025 province each legacy province went into. Taken from the legacy tables (commune ->
    # district -> province) rather than the conversion's old_province_code column, which has a few
    # rows that disagree with the district (e.g. Hà Tiên's Tiên Hải listed under 89).
    new_province_of_legacy: dict[str, str] = {}
    for c in conversions:
        old = legacy_communes.get(c.old_commune_code)
        old_province = old.province_code if old else c.old_province_code
        new_province_of_legacy.setdefault(old_province, c.new_province_code)
    return _Tables(
        provinces=provinces,
        communes=communes,
        communes_by_province=_group(communes.values(), lambda c: c.province_code),
        legacy_provinces=legacy_provinces,
        legacy_districts=legacy_districts,
        legacy_communes=legacy_communes,
        districts_by_province=_group(legacy_districts.values(), lambda d: d.province_code),
        legacy_communes_by_district=_group(legacy_communes.values(), lambda c: c.district_code),
        conversion=conversion,
        old_for_new={k: tuple(sorted(v)) for k, v in old_for_new.items()},
        new_province_of_legacy=new_province_of_legacy,
    )


def _safe(fn, code):
    try:
        return fn(code)
    except ValueError:
        return None


# --- 2025 units ---------------------------------------------------------------------------------

def provinces() -> list[Province]:
    """All 34 provinces of 2025, by code."""
    return sorted(_tables().provinces.values(), key=lambda p: p.code)


def province(code: int | str) -> Province | None:
    """The 2025 province with this code, or None."""
    key = _safe(province_code, code)
    return _tables().provinces.get(key) if key else None


def commune(code: int | str) -> Commune | None:
    """The 2025 commune (xã/phường/đặc khu) with this code, or None."""
    key = _safe(commune_code, code)
    return _tables().communes.get(key) if key else None


def communes() -> list[Commune]:
    """All 2025 communes, by code."""
    return sorted(_tables().communes.values(), key=lambda c: c.code)


def communes_of_province(code: int | str) -> list[Commune]:
    """The 2025 communes of a 2025 province, by code ([] if unknown)."""
    key = _safe(province_code, code)
    return list(_tables().communes_by_province.get(key, ())) if key else []


# --- legacy units -------------------------------------------------------------------------------

def legacy_provinces() -> list[LegacyProvince]:
    return sorted(_tables().legacy_provinces.values(), key=lambda p: p.code)


def legacy_province(code: int | str) -> LegacyProvince | None:
    key = _safe(province_code, code)
    return _tables().legacy_provinces.get(key) if key else None


def legacy_districts() -> list[LegacyDistrict]:
    return sorted(_tables().legacy_districts.values(), key=lambda d: d.code)


def legacy_district(code: int | str) -> LegacyDistrict | None:
    key = _safe(district_code, code)
    return _tables().legacy_districts.get(key) if key else None


def legacy_districts_of_province(code: int | str) -> list[LegacyDistrict]:
    key = _safe(province_code, code)
    return list(_tables().districts_by_province.get(key, ())) if key else []


def legacy_communes() -> list[LegacyCommune]:
    return sorted(_tables().legacy_communes.values(), key=lambda c: c.code)


def legacy_commune(code: int | str) -> LegacyCommune | None:
    key = _safe(commune_code, code)
    return _tables().legacy_communes.get(key) if key else None


def legacy_communes_of_district(code: int | str) -> list[LegacyCommune]:
    key = _safe(district_code, code)
    return list(_tables().legacy_communes_by_district.get(key, ())) if key else []


# --- conversion ---------------------------------------------------------------------------------

def conversions_for_old(old_code: int | str) -> list[Conversion]:
    """The conversion rows of an old commune (several when it was split), by new code."""
    key = _safe(commune_code, old_code)
    return list(_tables().conversion.get(key, ())) if key else []


def new_communes_for_old(old_code: int | str) -> list[str]:
    """2025 commune codes that an old commune went into (sorted; [] if not in the table).

    Works for the old codes that the conversion lists but legacy-communes.csv lacks.
    """
    return [c.new_commune_code for c in conversions_for_old(old_code)]


def old_communes_for_new(new_code: int | str) -> list[str]:
    """Old commune codes that went (wholly or partly) into a 2025 commune, sorted."""
    key = _safe(commune_code, new_code)
    return list(_tables().old_for_new.get(key, ())) if key else []


def new_province_for_legacy(code: int | str) -> str | None:
    """The 2025 province code a legacy province was merged into ("89" -> "91", "91" -> "91")."""
    key = _safe(province_code, code)
    return _tables().new_province_of_legacy.get(key) if key else None


def legacy_provinces_of(code: int | str) -> list[str]:
    """Legacy province codes that formed a 2025 province ("91" -> ["89", "91"])."""
    key = _safe(province_code, code)
    return sorted(old for old, new in _tables().new_province_of_legacy.items() if new == key)


def commune_name(code: int | str | None) -> str:
    """A 2025 commune code as a person reads it ("31078" → "Đặc khu Phú Quốc"); the code itself when unknown,
    "" when there is none."""
    if code is None or str(code).strip() == "":
        return ""
    unit = commune(code)
    return unit.name if unit else str(code)

"""The fleet registry an officer would hold: vessels, their owners, and the usual damage.

The owners are real people of the population file (except a small share who are not), but the
registry copy of each owner is written the way registries really are: IDs missing, old CMNDs,
typos, Excel-mangled numbers; names without diacritics or in TCVN3/VNI legacy fonts; dates in every
format; pre-2025 addresses. Each damage has a rate (`Damage`), applied to an exact number of rows
so that evaluation figures are reproducible.
"""
from __future__ import annotations

import csv
import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from lienthong.demo.names import SOUTH_NORTH_VARIANTS
from lienthong.demo.places import DEFAULT_PORTS, OLD_PROVINCE_NAMES, PORTS_BY_DISTRICT, address_2025
from lienthong.demo.population import AS_OF, Person
from lienthong.fleet.classes import GEARS, ZONES
from lienthong.fleet.columns import COLUMNS, label
from lienthong.identity.legacy_encoding import decode_tcvn3, decode_vni, encode_tcvn3, encode_vni

SHEET_TITLE = "Danh sách tàu cá"
REGISTRY_CSV_HEADER = ("record_id", "full_name", "id_number", "birth_date", "gender", "address")
TRUTH_HEADER = ("record_id", "true_cccd")
FONT_TCVN3, FONT_TCVN3_UPPER, FONT_VNI = ".VnTime", ".VnTimeH", "VNI-Times"
DATE_FORMAT = "dd/mm/yyyy"
# Registration numbers: province prefix, a serial starting with 9, "TS". What the serial's digits
# encode is unverified, so the pattern is a setting; past 10,000 vessels a prefix gets 6 digits.
REGISTRATION_PATTERN = "{prefix}-{serial}-TS"
PREFIX_BY_OLD_PROVINCE = {"91": "KG", "89": "AG"}


@dataclass(frozen=True)
class Damage:
    """Share of registry rows carrying each kind of damage (of all rows, not of eligible rows)."""

    # owner ID number: mutually exclusive
    id_missing: float = 0.08
    id_old_cmnd: float = 0.06
    id_typo: float = 0.03
    id_transposed: float = 0.015
    id_lost_leading_zero: float = 0.10  # numeric cell, 11 digits
    id_scientific: float = 0.01  # text such as "9.10851E+10"
    id_relative: float = 0.01  # a household member's CCCD
    # owner name: the three forms are mutually exclusive, the rest combine with them
    name_no_diacritics: float = 0.20
    name_tcvn3: float = 0.06
    name_vni: float = 0.03
    name_tcvn3_uppercase_font: float = 0.02  # of all rows; a subset of the TCVN3 ones (".VnTimeH")
    name_middle_dropped: float = 0.05
    name_variant_family: float = 0.01  # Huỳnh <-> Hoàng, Võ <-> Vũ
    name_extra_spaces: float = 0.04
    name_uppercase: float = 0.10
    name_lowercase: float = 0.02
    # birth date: mutually exclusive, sums to 1
    birth_text: float = 0.60  # "05/04/1978"
    birth_excel_date: float = 0.15
    birth_year_only: float = 0.15
    birth_day_month_swapped: float = 0.03
    birth_missing: float = 0.07
    # address: mutually exclusive, sums to 1
    address_old_style: float = 0.70
    address_2025_style: float = 0.20
    address_missing: float = 0.10
    # within old-style addresses (shares of those rows)
    old_address_abbreviated: float = 0.5
    old_address_no_diacritics: float = 0.25
    gender_missing: float = 0.10


@dataclass(frozen=True)
class FleetShape:
    owners_per_vessel: float = 0.70  # ~7,000 owners for 10,026 vessels
    owners_not_in_population: float = 0.02
    ag_share: float = 0.06  # owners from old An Giang (AG- numbers); the rest are Kiên Giang
    licence_missing: float = 0.03
    licence_expired: float = 0.12  # of vessels with a licence
    safety_missing: float = 0.03  # of vessels >= 12 m
    safety_expired: float = 0.10  # of vessels >= 12 m with a certificate
    vms_missing: float = 0.05  # of vessels >= 15 m


# length class -> (share of the fleet, low, high in metres)
LENGTH_MIX = ((0.10, 4.0, 6.0), (0.55, 6.0, 12.0), (0.13, 12.0, 15.0), (0.18, 15.0, 24.0), (0.04, 24.0, 34.0))
GEAR_MIX = {  # by zone
    "coastal": {"gillnet": 45, "trap": 20, "hook_line": 15, "trawl": 10, "squid_net": 5, "lift_net": 5},
    "inshore": {"gillnet": 30, "trawl": 30, "squid_net": 15, "hook_line": 10, "trap": 10, "purse_seine": 5},
    "offshore": {"trawl": 45, "purse_seine": 15, "squid_net": 15, "gillnet": 10, "hook_line": 5, "logistics": 10},
}
_VESSEL_NAMES = (
    "Phước Lộc", "Thành Công", "Tấn Phát", "Hưng Thịnh", "Kim Ngân", "Phát Đạt", "Thuận Phong", "Hải Âu",
    "Ngọc Hải", "Minh Châu", "Tài Lộc", "Vạn Lợi", "Thanh Bình", "Hồng Phúc", "Đại Dương", "Kiên Hải",
)
_VMS_VENDORS = ("MOV", "VTS", "SBE", "HTS")
_DIGIT_TYPO = "0123456789"


@dataclass
class Cell:
    """A value with the formatting that carries meaning (legacy font, date/number format)."""

    value: object
    font: str | None = None
    number_format: str | None = None


@dataclass
class RegistryRow:
    values: dict[str, object]  # column key -> value or Cell
    csv_row: tuple[str, ...]  # REGISTRY_CSV_HEADER
    true_cccd: str


def _exact(rng: random.Random, pool: list[int], share: float, total: int, taken: set[int] | None = None) -> set[int]:
    """round(share * total) indices from pool (not already taken); fewer if the pool is short."""
    if taken:
        pool = [i for i in pool if i not in taken]
    chosen = set(rng.sample(pool, min(len(pool), round(share * total))))
    if taken is not None:
        taken |= chosen
    return chosen


def strip_diacritics(text: str) -> str:
    """'Đặng Thị Út' -> 'Dang Thi Ut', keeping case (as typed on a keyboard without Vietnamese input)."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("đ", "d").replace("Đ", "D")


def _weighted(rng: random.Random, items: dict | tuple) -> object:
    pairs = list(items.items()) if isinstance(items, dict) else list(items)
    cum = list(accumulate(w for _, w in pairs))
    return pairs[bisect(cum, rng.random() * cum[-1])][0]


def _old_address(rng: random.Random, person: Person, abbreviated: bool, with_province: bool) -> str:
    p = person.place
    if abbreviated:
        commune_type = {"xã": "X.", "phường": "P.", "thị trấn": "TT."}[p.old_commune_type]
        district_type = {"huyện": "H.", "thị xã": "TX.", "thành phố": "TP."}[p.old_district_type]
        province = "T. " if rng.random() < 0.5 else "tỉnh "
        sep = "" if rng.random() < 0.3 else " "  # "X.Bình An" as often typed
    else:
        commune_type, district_type, province, sep = p.old_commune_type, p.old_district_type, "tỉnh ", " "
    parts = []
    if rng.random() < 0.85:
        parts.append(person.hamlet)
    parts.append(f"{commune_type}{sep}{p.old_commune_name}")
    parts.append(f"{district_type}{sep}{p.old_district_name}")
    if with_province:
        parts.append(f"{province}{OLD_PROVINCE_NAMES[p.old_province]}")
    return ", ".join(parts)


def build_registry(
    rng: random.Random,
    owners: list[Person],
    vessels: int,
    damage: Damage = Damage(),
    shape: FleetShape = FleetShape(),
) -> list[RegistryRow]:
    """One row per vessel, `vessels` rows in all: every owner gets one vessel, some get 2-5, and each
    row's owner record is damaged independently (so one owner is spelled differently on each)."""
    # -- vessels per owner: everyone one, the surplus to multi-vessel owners (2-5 each) ----------
    counts = [1] * len(owners)
    surplus = vessels - len(owners)
    order = list(range(len(owners)))
    rng.shuffle(order)
    k = 0
    while surplus > 0:
        extra = min(surplus, _weighted(rng, {1: 60, 2: 25, 3: 10, 4: 5}))
        counts[order[k % len(order)]] += extra
        surplus -= extra
        k += 1
    vessel_owner = [i for i, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(vessel_owner)

    # -- registration numbers, unique per prefix ------------------------------------------------
    prefixes = [PREFIX_BY_OLD_PROVINCE[owners[o].place.old_province] for o in vessel_owner]
    numbers: list[str] = [""] * vessels
    for prefix in sorted(set(prefixes)):
        idx = [i for i, p in enumerate(prefixes) if p == prefix]
        space = range(90_000, 100_000) if len(idx) <= 10_000 else range(900_000, 1_000_000)
        for i, serial in zip(idx, rng.sample(space, len(idx))):
            numbers[i] = REGISTRATION_PATTERN.format(prefix=prefix, serial=serial)
    # the officer's sheet is sorted by registration number
    order = sorted(range(vessels), key=lambda i: numbers[i])
    vessel_owner = [vessel_owner[i] for i in order]
    numbers = [numbers[i] for i in order]
    persons = [owners[o] for o in vessel_owner]

    rows_idx = list(range(vessels))
    d = damage
    # -- ID damage: constrained kinds first ----------------------------------------------------
    taken: set[int] = set()
    id_kind: dict[int, str] = {}
    with_relatives = [i for i in rows_idx if persons[i].in_population and persons[i].relatives]
    with_cmnd = [i for i in rows_idx if persons[i].cmnd]
    for kind, pool, share in (
        ("relative", with_relatives, d.id_relative),
        ("old_cmnd", with_cmnd, d.id_old_cmnd),
        ("missing", rows_idx, d.id_missing),
        ("typo", rows_idx, d.id_typo),
        ("transposed", [i for i in rows_idx if len(set(persons[i].cccd)) > 1], d.id_transposed),
        ("lost_zero", rows_idx, d.id_lost_leading_zero),
        ("scientific", rows_idx, d.id_scientific),
    ):
        for i in _exact(rng, pool, share, vessels, taken):
            id_kind[i] = kind
    # -- name damage ------------------------------------------------------------------------------
    form_taken: set[int] = set()
    tcvn3 = _exact(rng, rows_idx, d.name_tcvn3, vessels, form_taken)
    tcvn3_upper = set(rng.sample(sorted(tcvn3), min(len(tcvn3), round(d.name_tcvn3_uppercase_font * vessels))))
    vni = _exact(rng, rows_idx, d.name_vni, vessels, form_taken)
    plain = _exact(rng, rows_idx, d.name_no_diacritics, vessels, form_taken)
    middle_dropped = _exact(rng, [i for i in rows_idx if len(persons[i].rest.split()) >= 2], d.name_middle_dropped, vessels)
    variant = _exact(rng, [i for i in rows_idx if persons[i].family in SOUTH_NORTH_VARIANTS], d.name_variant_family, vessels)
    spaces = _exact(rng, rows_idx, d.name_extra_spaces, vessels)
    # TCVN3 has no upper-case toned letters, so TCVN3 capitals come only from the ".VnTimeH" font.
    upper = _exact(rng, [i for i in rows_idx if i not in tcvn3], d.name_uppercase, vessels)
    case_taken = upper | tcvn3_upper
    lower = _exact(rng, rows_idx, d.name_lowercase, vessels, case_taken)
    upper |= tcvn3_upper
    # -- birth dates and addresses ----------------------------------------------------------------
    birth_kind: dict[int, str] = {}
    taken = set()
    for kind, pool, share in (
        ("swapped", [i for i in rows_idx if persons[i].birth.day != persons[i].birth.month], d.birth_day_month_swapped),
        ("excel", rows_idx, d.birth_excel_date),
        ("year", rows_idx, d.birth_year_only),
        ("missing", rows_idx, d.birth_missing),
    ):
        for i in _exact(rng, pool, share, vessels, taken):
            birth_kind[i] = kind
    address_kind: dict[int, str] = {}
    taken = set()
    for kind, share in (("new", d.address_2025_style), ("missing", d.address_missing)):
        for i in _exact(rng, rows_idx, share, vessels, taken):
            address_kind[i] = kind
    gender_missing = _exact(rng, rows_idx, d.gender_missing, vessels)

    rows: list[RegistryRow] = []
    for i in rows_idx:
        person = persons[i]
        prefix = numbers[i].split("-", 1)[0]
        values: dict[str, object] = {"registration_number": numbers[i]}
        values.update(_vessel(rng, numbers[i], prefix, person, shape))

        # ID number
        kind = id_kind.get(i)
        cccd = person.cccd
        id_value: object
        if kind is None:
            id_value = cccd
        elif kind == "missing":
            id_value = None
        elif kind == "old_cmnd":
            id_value = person.cmnd
        elif kind == "typo":
            pos = rng.randrange(3, 12)  # a slip in the random part; the structure stays plausible
            id_value = cccd[:pos] + rng.choice(_DIGIT_TYPO.replace(cccd[pos], "")) + cccd[pos + 1:]
        elif kind == "transposed":
            positions = [p for p in range(11) if cccd[p] != cccd[p + 1]]
            pos = rng.choice(positions)
            id_value = cccd[:pos] + cccd[pos + 1] + cccd[pos] + cccd[pos + 2:]
        elif kind == "lost_zero":
            id_value = Cell(int(cccd), number_format="0")
        elif kind == "scientific":
            id_value = f"{int(cccd):.5E}"
        else:  # relative
            id_value = rng.choice(person.relatives)
        values["owner_id_number"] = id_value

        # name
        family, rest = person.family, person.rest
        if i in variant:
            family = SOUTH_NORTH_VARIANTS[family]
        if i in middle_dropped:
            rest = rest.split(" ", 1)[1]
        name = f"{family} {rest}"
        if i in upper and i not in tcvn3_upper:
            name = name.upper()
        elif i in lower or i in tcvn3_upper:
            name = name.lower()
        if i in spaces:
            words = name.split(" ")
            gap = rng.randrange(len(words) - 1) if len(words) > 1 else 0
            words[gap] += " "
            name = " ".join(words) + (" " if rng.random() < 0.5 else "")
        font = None
        if i in tcvn3:
            font = FONT_TCVN3_UPPER if i in tcvn3_upper else FONT_TCVN3
            cell_name = encode_tcvn3(name)
            csv_name = decode_tcvn3(cell_name, upper=i in tcvn3_upper)
        elif i in vni:
            font = FONT_VNI
            cell_name = encode_vni(name)
            csv_name = decode_vni(cell_name)
        else:
            cell_name = csv_name = strip_diacritics(name) if i in plain else name
        values["owner_name"] = Cell(cell_name, font=font) if font else cell_name

        # birth date
        b = person.birth
        kind = birth_kind.get(i)
        if kind is None:
            birth_value, birth_csv = b.strftime("%d/%m/%Y"), b.strftime("%d/%m/%Y")
        elif kind == "excel":
            birth_value = Cell(datetime(b.year, b.month, b.day), number_format=DATE_FORMAT)
            birth_csv = b.isoformat()  # a date cell exports as a date, not as the sheet's text
        elif kind == "year":
            birth_value, birth_csv = b.year, str(b.year)
        elif kind == "swapped":
            birth_value = birth_csv = f"{b.month:02d}/{b.day:02d}/{b.year}"
        else:
            birth_value, birth_csv = None, ""
        values["owner_birth_date"] = birth_value

        gender = None if i in gender_missing else ("Nam" if person.gender == "nam" else "Nữ")
        values["owner_gender"] = gender

        # address (in the same legacy font as the name, as a sheet typed in .VnTime would be)
        kind = address_kind.get(i)
        if kind == "missing":
            address = None
        elif kind == "new":
            address = address_2025(person.place, person.hamlet, "An Giang")
        else:
            address = _old_address(rng, person, rng.random() < d.old_address_abbreviated, rng.random() >= 0.15)
            if rng.random() < d.old_address_no_diacritics:
                address = strip_diacritics(address)
        address_csv = address or ""
        if address and font and not address.isascii():
            if font == FONT_VNI:
                encoded = encode_vni(address)
                address_csv = decode_vni(encoded)
            else:
                encoded = encode_tcvn3(address.lower() if font == FONT_TCVN3_UPPER else address)
                address_csv = decode_tcvn3(encoded, upper=font == FONT_TCVN3_UPPER)
            values["owner_address"] = Cell(encoded, font=font)
        else:
            values["owner_address"] = address
        values["owner_phone"] = _phone(person)

        id_csv = "" if id_value is None else str(id_value.value if isinstance(id_value, Cell) else id_value)
        rows.append(RegistryRow(
            values,
            (numbers[i], csv_name, id_csv, birth_csv, gender or "", address_csv),
            person.cccd if person.in_population else "",
        ))
    return rows


def _phone(person: Person) -> str | None:
    # Derived from the owner (same on each of their vessels); a third have none on file.
    h = int(person.cccd[-7:]) * 7919 + int(person.cccd[:5])
    if h % 3 == 0:
        return None
    return f"09{h % 10**8:08d}"


def _vessel(rng: random.Random, number: str, prefix: str, person: Person, shape: FleetShape) -> dict[str, object]:
    share = rng.random()
    if prefix == "AG":  # old An Giang boats are small
        share *= 0.65
    cum = 0.0
    for s, low, high in LENGTH_MIX:  # noqa: B007 - low and high of the band chosen are read after the loop
        cum += s
        if share < cum:
            break
    length = round(rng.uniform(low, high), 2)
    if length >= high:
        length = round(high - 0.01, 2)
    engine = round(0.25 * length**2.3 * rng.lognormvariate(0, 0.25), 1 if length < 12 else 0)
    tonnage = round(0.012 * length**2.95 * rng.lognormvariate(0, 0.15), 2)
    zone = "coastal" if length < 12 else "inshore" if length < 15 else "offshore"
    gear_code = _weighted(rng, GEAR_MIX[zone])
    name, variants = GEARS[gear_code]
    gear = rng.choice(variants) if variants and rng.random() < 0.25 else name
    hull = _weighted(rng, {"Gỗ": 40, "Thép": 40, "Composite": 20} if length >= 24 else {"Gỗ": 82, "Composite": 13, "Thép": 5})
    reg_date = AS_OF - timedelta(days=rng.randrange(30, 20 * 365))
    district = person.place.old_district_code
    if person.place.old_commune_name == "Thổ Châu":
        port = "Thổ Châu"
    elif rng.random() < 0.1:
        port = _weighted(rng, DEFAULT_PORTS + PORTS_BY_DISTRICT["911"] + PORTS_BY_DISTRICT["912"])
    else:
        port = _weighted(rng, PORTS_BY_DISTRICT.get(district, DEFAULT_PORTS))
    values: dict[str, object] = {
        "vessel_name": number if rng.random() < 0.5 else f"{rng.choice(_VESSEL_NAMES)} {rng.randint(1, 99):02d}",
        "registration_date": Cell(datetime.combine(reg_date, datetime.min.time()), number_format=DATE_FORMAT),
        "home_port": f"Cảng cá {port}",
        "length_m": length,
        "engine_kw": engine,
        "tonnage": tonnage,
        "hull_material": hull,
        "gear": gear,
        "fishing_zone": ZONES[zone],
    }
    # licence
    if rng.random() >= shape.licence_missing:
        if rng.random() < shape.licence_expired:
            expiry = AS_OF - timedelta(days=rng.randrange(1, 3 * 365))
        else:
            expiry = AS_OF + timedelta(days=rng.randrange(1, 4 * 365))
        issued = min(AS_OF - timedelta(days=1), expiry - timedelta(days=365 * rng.randint(1, 5)))
        values["licence_number"] = f"{rng.randint(1, 9999):04d}/{issued.year}/{prefix}-GPKTTS"
        values["licence_issued"] = _date_cell(issued)
        values["licence_expiry"] = _date_cell(expiry)
    if length >= 12 and rng.random() >= shape.safety_missing:
        if rng.random() < shape.safety_expired:
            expiry = AS_OF - timedelta(days=rng.randrange(1, 2 * 365))
        else:
            expiry = AS_OF + timedelta(days=rng.randrange(1, 2 * 365))
        values["safety_cert_number"] = f"{rng.randint(1, 99999):05d}/{expiry.year - 1}/ĐKTC-{prefix}"
        values["safety_cert_expiry"] = _date_cell(expiry)
    if length >= 15 and rng.random() >= shape.vms_missing:
        values["vms_device_id"] = f"{rng.choice(_VMS_VENDORS)}-{rng.randint(0, 9_999_999):07d}"
    return values


def _date_cell(d: date) -> Cell:
    return Cell(datetime(d.year, d.month, d.day), number_format=DATE_FORMAT)


# -- writing ----------------------------------------------------------------------------------------
COLUMN_KEYS = tuple(COLUMNS)


def write_registry_xlsx(path: Path | str, rows: list[dict[str, object]], *, title_rows: bool = True) -> int:
    """Write rows (column key -> value or Cell) as the officer's sheet; returns the header row number.

    A serial-number column "STT" comes first, as on every officer's sheet; the importer is expected
    to ignore columns it does not know.
    """
    wb = Workbook(write_only=True)  # streams rows: fast, and the style of each cell is still kept
    ws = wb.create_sheet(SHEET_TITLE)
    header_row = 1
    if title_rows:
        bold = Font(name="Times New Roman", bold=True, size=14)
        title = WriteOnlyCell(ws, "DANH SÁCH TÀU CÁ TỈNH AN GIANG")
        title.font = bold
        ws.append([title])
        ws.append([f"(Số liệu cập nhật đến ngày {AS_OF:%d/%m/%Y})"])
        ws.append([])
        header_row = 4
    header_font = Font(name="Times New Roman", bold=True)
    header = []
    for text in ("STT", *(label(k) for k in COLUMN_KEYS)):
        c = WriteOnlyCell(ws, text)
        c.font = header_font
        c.alignment = Alignment(wrap_text=True, horizontal="center")
        header.append(c)
    ws.append(header)
    fonts: dict[str, Font] = {}
    for n, row in enumerate(rows, start=1):
        out: list[object] = [n]
        for key in COLUMN_KEYS:
            value = row.get(key)
            if isinstance(value, Cell):
                c = WriteOnlyCell(ws, value.value)
                if value.font:
                    c.font = fonts.setdefault(value.font, Font(name=value.font))
                if value.number_format:
                    c.number_format = value.number_format
                out.append(c)
            else:
                out.append(value)
        ws.append(out)
    wb.save(path)
    return header_row


def write_registry_csv(path: Path | str, rows: list[RegistryRow]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(REGISTRY_CSV_HEADER)
        w.writerows(r.csv_row for r in rows)


def write_truth_csv(path: Path | str, rows: list[RegistryRow]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TRUTH_HEADER)
        w.writerows((r.csv_row[0], r.true_cccd) for r in rows)


__all__ = [
    "Damage", "FleetShape", "Cell", "RegistryRow", "build_registry", "write_registry_xlsx",
    "write_registry_csv", "write_truth_csv", "strip_diacritics",
]

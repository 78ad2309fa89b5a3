"""Import the fishing-fleet registry from the files officers have (xlsx, xls, CSV).

`import_registry()` is the one write path; the upload page and the CLI are thin wrappers over it.

1. Read the file (fleet.readers: legacy TCVN3/VNI cells decoded by their fonts).
2. Find the header row below any title rows, map headers to column keys (fleet.columns), or use a
   saved/explicit mapping. A missing required column refuses the whole file.
3. Normalise each row (fleet.normalise, identity.*, geo.address). A row with an error (bad
   registration number, impossible paper date, absurd measure, duplicate in the file) is rejected
   whole and reported with file, Excel row, header and a Vietnamese message; the rest import.
4. Write everything in one transaction with bulk operations: vessels created or updated (only the
   fields whose columns the file has), owners reused when a valid ID and the folded name agree,
   licences and safety certificates kept (new number -> new row), and a VesselChange per created or
   changed vessel with {field: [old, new]}. Re-importing the same file changes nothing.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from lienthong.geo.address import resolve as resolve_address
from lienthong.identity.cccd import normalize_gender, parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold, nfc, normalize_name
from lienthong.search.index import reindex_vessels

from . import classes
from .columns import COLUMNS, REQUIRED, header_index, label
from .models import (
    ColumnMapping,
    FishingLicence,
    ImportStatus,
    Owner,
    OwnerKind,
    RegistryImport,
    SafetyCertificate,
    Vessel,
    VesselChange,
)
from .normalise import NumberError, cell_text, check_measure, owner_kind, parse_decimal, phone_number, zone_code
from .readers import ReadError, Sheet, Workbook, read_bytes, read_workbook
from .registration import normalise_registration_number

__all__ = ["import_registry", "preview_headers", "HeaderPreview", "ImportRefused", "format_problem"]

logger = logging.getLogger(__name__)

Source = str | os.PathLike | BinaryIO | bytes

HEADER_SCAN_ROWS = 30  # title rows officers put above the header
BATCH = 500  # rows per bulk statement and per IN (...) list

_VESSEL_FIELDS_BY_KEY = {
    "vessel_name": ("name",),
    "registration_date": ("registration_date",),
    "home_port": ("home_port",),
    "length_m": ("length_m", "length_class"),
    "engine_kw": ("engine_kw",),
    "tonnage": ("tonnage",),
    "hull_material": ("hull_material",),
    "gear": ("gear", "gear_raw"),
    "fishing_zone": ("fishing_zone",),
    "vms_device_id": ("vms_device_id",),
}
_OWNER_KEYS = ("owner_name", "owner_id_number", "owner_birth_date", "owner_gender", "owner_address", "owner_phone")
_OWNER_FIELDS_BY_KEY = {
    "owner_name": ("raw_name", "full_name", "name_folded", "kind"),
    "owner_id_number": ("raw_id_number", "id_number", "id_kind", "id_problem"),
    "owner_birth_date": ("raw_birth_date", "birth_date", "birth_year"),
    "owner_gender": ("raw_gender", "gender"),
    "owner_address": ("raw_address", "address", "commune_code", "commune_candidates"),
    "owner_phone": ("phone",),
}
_PAPER_DATE_KEYS = ("registration_date", "licence_issued", "licence_expiry", "safety_cert_expiry")
_MEASURE_WORDS = {"length_m": "chiều dài", "engine_kw": "công suất", "tonnage": "tổng dung tích"}
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_DECIMAL_PLACES = {"length_m": Decimal("0.01"), "engine_kw": Decimal("0.1"), "tonnage": Decimal("0.1")}


class ImportRefused(Exception):
    """The whole file is refused (no header row, missing required column, bad mapping)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def format_problem(problem: dict[str, Any]) -> str:
    """'registry.xlsx, dòng 17, cột "Ngày hết hạn": ngày 31/02/2024 không tồn tại'."""
    return f'{problem["file"]}, dòng {problem["row"]}, cột "{problem["column"]}": {problem["message"]}'


def _problem(file_name: str, row: int, column: str, message: str) -> dict[str, Any]:
    problem = {"file": file_name, "row": row, "column": column, "message": message}
    problem["text"] = format_problem(problem)
    return problem


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


# --- header detection -----------------------------------------------------------------------------
@dataclass
class HeaderPreview:
    """What the upload page shows before importing: where the header is and how it maps."""

    file_name: str
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int | None = None  # row number as in Excel
    headers: list[str] = field(default_factory=list)  # header cells as written, in file order
    mapping: dict[str, str | None] = field(default_factory=dict)  # header -> column key, None when unknown
    unknown: list[str] = field(default_factory=list)  # headers that will be ignored
    missing_required: list[str] = field(default_factory=list)  # labels of required columns not found
    source_format: str = ""
    message: str = ""  # why the file cannot be imported as it is; "" when it can

    @property
    def ok(self) -> bool:
        return not self.message

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


def _clean_header(value: object) -> str:
    text = cell_text(value).strip()
    # "Số đăng ký (*)", "Số đăng ký:" -> "Số đăng ký"
    for suffix in ("(*)", "*", ":"):
        text = text.removesuffix(suffix).strip()
    return text


_IGNORE = ""  # mapping value meaning "this header is deliberately ignored"


def _saved_index() -> dict[str, str]:
    """fold(header) -> key from every saved ColumnMapping (older ones first, newer ones win)."""
    index: dict[str, str] = {}
    for saved in ColumnMapping.objects.order_by("created_at", "id"):
        for header, key in (saved.mapping or {}).items():
            if key in COLUMNS:
                index[fold(_clean_header(header))] = key
    return index


def _explicit_index(mapping: dict | ColumnMapping | None) -> dict[str, str] | None:
    if mapping is None:
        return None
    if isinstance(mapping, ColumnMapping):
        mapping = mapping.mapping
    index: dict[str, str] = {}
    for header, key in mapping.items():
        if key in (None, "", "ignore"):
            index[fold(_clean_header(header))] = _IGNORE
        elif key in COLUMNS:
            index[fold(_clean_header(header))] = key
        else:
            raise ImportRefused(f'Ánh xạ cột không hợp lệ: "{header}" trỏ tới "{key}", không phải cột nào của sổ đăng ký')
    return index


@dataclass
class _Layout:
    sheet: Sheet
    header_row: int  # index into sheet.rows
    headers: list[str]
    columns: dict[str, list[int]]  # key -> column positions (several when two headers map to one key)
    mapping: dict[str, str | None]
    unknown: list[str]


def _map_row(values: list[object], lookups: list[dict[str, str]]) -> tuple[list[str], dict[str, list[int]], dict[str, str | None], list[str]]:
    headers = [_clean_header(v) for v in values]
    columns: dict[str, list[int]] = {}
    mapping: dict[str, str | None] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        folded = fold(header)
        key: str | None = None
        for lookup in lookups:
            if folded in lookup:
                key = lookup[folded] or None
                break
        mapping[header] = key
        if key is None:
            unknown.append(header)
        else:
            columns.setdefault(key, []).append(position)
    return headers, columns, mapping, unknown


def _layout(workbook: Workbook, file_name: str, mapping, sheet_name: str | None) -> _Layout:
    explicit = _explicit_index(mapping)
    lookups = [lk for lk in (explicit, header_index(), _saved_index()) if lk is not None]
    if sheet_name:
        try:
            sheets = [workbook.sheet(sheet_name)]
        except KeyError:
            names = ", ".join(f'"{s.name}"' for s in workbook.sheets)
            raise ImportRefused(f'{file_name}: không có trang tính "{sheet_name}" (các trang: {names})') from None
    else:
        sheets = workbook.sheets
    best: _Layout | None = None
    for sheet in sheets:
        for index, (_number, values) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            headers, columns, row_mapping, unknown = _map_row(values, lookups)
            if not columns:
                continue
            candidate = _Layout(sheet, index, headers, columns, row_mapping, unknown)
            has_required = all(k in columns for k in REQUIRED)
            if has_required and len(columns) >= min(2, len(COLUMNS)):
                return candidate
            if best is None or len(columns) > len(best.columns):
                best = candidate
    if best is not None and len(best.columns) >= 2:
        missing = [f'"{label(k)}"' for k in REQUIRED if k not in best.columns]
        number = best.sheet.rows[best.header_row][0]
        raise ImportRefused(
            f"{file_name}: dòng tiêu đề (dòng {number}) thiếu cột bắt buộc {', '.join(missing)}; "
            "hãy đổi tên cột hoặc chọn ánh xạ cột"
        )
    where = f' trong trang "{sheets[0].name}"' if len(sheets) == 1 and workbook.format != "csv" else ""
    raise ImportRefused(
        f'{file_name}: không tìm thấy dòng tiêu đề có cột "{label(REQUIRED[0])}"{where} '
        f"trong {HEADER_SCAN_ROWS} dòng đầu; hãy kiểm tra tệp hoặc chọn ánh xạ cột"
    )


def _is_label(value: object) -> bool:
    text = cell_text(value).strip()
    return bool(text) and not text.replace(",", ".").replace(".", "", 1).replace("-", "").replace("/", "").isdigit()


def _guess_header_row(workbook: Workbook, sheet_name: str | None) -> tuple[str, int, list[str]] | None:
    """For a file none of whose headers is known: the row (among the first ones) with the most text cells,
    followed by a non-empty row, is taken for the header row. Returns (sheet, Excel row number, headers)."""
    try:
        sheet = workbook.sheet(sheet_name) if sheet_name else workbook.sheets[0]
    except (KeyError, IndexError):
        return None
    rows = sheet.rows[: HEADER_SCAN_ROWS + 1]
    best: tuple[int, int] | None = None  # (label cells, index)
    for index, (_number, values) in enumerate(rows[:-1]):
        labels = sum(1 for v in values if _is_label(v))
        if labels >= 2 and any(cell_text(v).strip() for v in rows[index + 1][1]) and (best is None or labels > best[0]):
            best = (labels, index)
    if best is None:
        return None
    number, values = rows[best[1]]
    headers = [h for h in (_clean_header(v) for v in values) if h]
    return sheet.name, number, headers


def _source_format(workbook: Workbook) -> str:
    parts = [workbook.format + (f" {workbook.encoding}" if workbook.encoding else "")]
    parts += [f"{enc} ×{n}" for enc, n in sorted(workbook.legacy.items()) if n]
    return "; ".join(parts)[:40]


def preview_headers(source: Source, file_name: str, *, sheet: str | None = None, mapping: dict | None = None) -> HeaderPreview:
    """The detected header row and the proposed mapping, without importing anything."""
    preview = HeaderPreview(file_name=file_name)
    try:
        workbook = read_workbook(read_bytes(source), file_name)
        preview.sheets = [s.name for s in workbook.sheets]
        layout = _layout(workbook, file_name, mapping, sheet)
    except ReadError as exc:
        preview.message = exc.message
        return preview
    except ImportRefused as exc:
        preview.message = exc.message
        guessed = _guess_header_row(workbook, sheet)
        if guessed is not None:  # headers nobody knows yet: offer them for mapping by hand
            preview.sheet, preview.header_row, preview.headers = guessed
            preview.mapping = {h: None for h in preview.headers}
            preview.unknown = list(preview.headers)
            preview.missing_required = [label(k) for k in REQUIRED]
            preview.source_format = _source_format(workbook)
        return preview
    preview.sheet = layout.sheet.name
    preview.header_row = layout.sheet.rows[layout.header_row][0]
    preview.headers = [h for h in layout.headers if h]
    preview.mapping = layout.mapping
    preview.unknown = layout.unknown
    preview.missing_required = [label(k) for k in REQUIRED if k not in layout.columns]
    preview.source_format = _source_format(workbook)
    return preview


# --- rows -----------------------------------------------------------------------------------------
@dataclass
class _Row:
    number: int
    registration_number: str
    reg_key: str
    vessel: dict[str, Any]
    owner: dict[str, Any] | None  # None when this row's owner cells are blank (or the file has none)
    has_owner_columns: bool
    licence: dict[str, Any] | None
    certificate: dict[str, Any] | None


class _RowReader:
    """Turns one data row into normalised values, collecting errors and warnings."""

    def __init__(self, file_name: str, layout: _Layout):
        self.file_name = file_name
        self.columns = layout.columns
        self.headers = layout.headers
        self.present = set(layout.columns)
        self.has_owner = any(k in self.present for k in _OWNER_KEYS)
        self._addresses: dict[str, Any] = {}

    # cell access
    def value(self, values: list[object], key: str) -> object:
        for position in self.columns.get(key, ()):
            if position < len(values):
                value = values[position]
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    return value
        return None

    def header(self, key: str) -> str:
        positions = self.columns.get(key)
        return self.headers[positions[0]] if positions else label(key)

    def resolve(self, address: str):
        if address not in self._addresses:
            self._addresses[address] = resolve_address(address)
        return self._addresses[address]

    def read(self, number: int, values: list[object]) -> tuple[_Row | None, list[dict], list[dict]]:
        errors: list[dict] = []
        warnings: list[dict] = []

        def error(key: str, message: str) -> None:
            errors.append(_problem(self.file_name, number, self.header(key), message))

        def warn(key: str, message: str) -> None:
            warnings.append(_problem(self.file_name, number, self.header(key), message))

        reg = normalise_registration_number(self.value(values, "registration_number"))
        if not reg.valid:
            error("registration_number", reg.reason)

        vessel: dict[str, Any] = {}
        if "vessel_name" in self.present:
            vessel["name"] = cell_text(self.value(values, "vessel_name"))
        dates: dict[str, date | None] = {}
        for key in _PAPER_DATE_KEYS:
            if key not in self.present:
                continue
            raw = self.value(values, key)
            dates[key] = None
            if raw is None:
                continue
            parsed = parse_date(raw)
            if parsed.precision == "day":
                dates[key] = parsed.date
            elif parsed.precision == "year":
                warn(key, f"chỉ có năm {parsed.year}, thiếu ngày tháng: để trống")
            else:
                error(key, _lower_first(parsed.reason))
        if "registration_date" in dates:
            vessel["registration_date"] = dates["registration_date"]
        if "home_port" in self.present:
            vessel["home_port"] = cell_text(self.value(values, "home_port"))
        for key in ("length_m", "engine_kw", "tonnage"):
            if key not in self.present:
                continue
            raw = self.value(values, key)
            number_value: Decimal | None = None
            try:
                number_value = parse_decimal(raw)
            except NumberError:
                error(key, f'{_MEASURE_WORDS[key]} "{cell_text(raw)}" không phải là số')
            if number_value is not None:
                problem = check_measure(key, number_value)
                if problem:
                    error(key, f"{_MEASURE_WORDS[key]} {cell_text(raw)} không hợp lệ: {problem}")
                    number_value = None
                else:
                    number_value = number_value.quantize(_DECIMAL_PLACES[key], rounding=ROUND_HALF_UP)
            vessel[key] = number_value
            if key == "length_m":
                vessel["length_class"] = classes.length_class(number_value) or ""
        if "hull_material" in self.present:
            vessel["hull_material"] = cell_text(self.value(values, "hull_material"))
        gear = ""
        if "gear" in self.present:
            gear_raw = cell_text(self.value(values, "gear"))
            gear = classes.gear_code(gear_raw) or ""
            if gear_raw and not gear:
                warn("gear", f'không nhận ra nghề "{gear_raw}": giữ nguyên chữ, chưa phân loại')
            vessel["gear"], vessel["gear_raw"] = gear, gear_raw
        zone = ""
        if "fishing_zone" in self.present:
            zone_raw = cell_text(self.value(values, "fishing_zone"))
            zone = zone_code(zone_raw)
            if zone_raw and not zone:
                warn("fishing_zone", f'không nhận ra vùng khai thác "{zone_raw}"')
            vessel["fishing_zone"] = zone
        if "vms_device_id" in self.present:
            vessel["vms_device_id"] = cell_text(self.value(values, "vms_device_id"))

        owner = self._owner(values, warn) if self.has_owner else None

        if "owner_address" in self.present or "home_port" in self.present:
            commune = owner.get("commune_code", "") if owner else ""
            if not commune and vessel.get("home_port"):
                resolution = self.resolve(vessel["home_port"])
                commune = resolution.commune_code or "" if resolution.status == "resolved" else ""
            vessel["commune_code"] = commune

        licence = None
        if "licence_number" in self.present:
            licence_number = cell_text(self.value(values, "licence_number"))
            if licence_number:
                licence = {"number": licence_number, "issued_on": dates.get("licence_issued"),
                           "expires_on": dates.get("licence_expiry"), "zone": zone, "gear": gear}
            elif dates.get("licence_expiry") or dates.get("licence_issued"):
                warn("licence_number", "có ngày của giấy phép nhưng không có số giấy phép: bỏ qua giấy phép")
        certificate = None
        if "safety_cert_number" in self.present or "safety_cert_expiry" in self.present:
            cert_number = cell_text(self.value(values, "safety_cert_number"))
            if cert_number or dates.get("safety_cert_expiry"):
                certificate = {"number": cert_number, "expires_on": dates.get("safety_cert_expiry")}

        if errors:
            return None, errors, warnings
        row = _Row(number, reg.canonical, reg.reg_key, vessel, owner, self.has_owner, licence, certificate)
        return row, errors, warnings

    def _owner(self, values: list[object], warn) -> dict[str, Any] | None:
        present = self.present
        raw = {key: self.value(values, key) for key in _OWNER_KEYS if key in present}
        if all(v is None for v in raw.values()):
            return None
        owner: dict[str, Any] = {}
        if "owner_name" in present:
            raw_name = _raw_text(raw["owner_name"])
            kind = owner_kind(raw_name)
            # Organisation names keep their case ("Công ty TNHH"); people's names get title case.
            full_name = nfc(raw_name) if kind == OwnerKind.ORGANISATION else normalize_name(raw_name)
            owner.update(raw_name=raw_name, full_name=full_name, name_folded=fold(full_name), kind=kind)
        if "owner_id_number" in present:
            value = raw["owner_id_number"]
            check = parse_id_number(value)
            owner.update(
                raw_id_number=_raw_text(value),
                id_number=check.digits if check.valid else "",
                id_kind=(check.kind or "") if check.valid else "",
                # A bad ID is not a row error: the owner is imported and the campaign fixes it.
                id_problem="" if check.valid else check.reason,
            )
        if "owner_birth_date" in present:
            value = raw["owner_birth_date"]
            owner.update(raw_birth_date=_raw_text(value), birth_date=None, birth_year=None)
            if value is not None:
                parsed = parse_date(value)
                if parsed.precision is None:
                    # "08/23/1978" (month first) is no date, but its year still helps the linkage.
                    year = _YEAR.search(_raw_text(value))
                    if year:
                        owner["birth_year"] = int(year.group(1))
                        warn("owner_birth_date", f"{_lower_first(parsed.reason)}: để trống ngày sinh, giữ năm {year.group(1)}")
                    else:
                        warn("owner_birth_date", f"{_lower_first(parsed.reason)}: để trống ngày sinh")
                else:
                    owner.update(birth_date=parsed.date if parsed.precision == "day" else None, birth_year=parsed.year)
        if "owner_gender" in present:
            raw_gender = _raw_text(raw["owner_gender"])
            owner.update(raw_gender=raw_gender, gender=normalize_gender(raw_gender) or "")
            if raw_gender and not owner["gender"]:
                warn("owner_gender", f'không nhận ra giới tính "{raw_gender}"')
        if "owner_address" in present:
            raw_address = _raw_text(raw["owner_address"])
            address = nfc(raw_address)
            commune, candidates = "", []
            if address:
                resolution = self.resolve(address)
                if resolution.status == "resolved" and resolution.commune_code:
                    commune = resolution.commune_code
                else:
                    candidates = list(resolution.candidates or [])
            owner.update(raw_address=raw_address, address=address, commune_code=commune, commune_candidates=candidates)
        if "owner_phone" in present:
            owner["phone"] = phone_number(raw["owner_phone"])
        return owner


def _raw_text(value: object) -> str:
    """A cell kept exactly as written (text as is; numbers and dates as Excel shows them)."""
    return value if isinstance(value, str) else cell_text(value)


# --- writing --------------------------------------------------------------------------------------
def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _diff(obj: Any, values: dict[str, Any], prefix: str = "") -> dict[str, list]:
    changes: dict[str, list] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[prefix + name] = [_json(old), _json(new)]
    return changes


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Writer:
    """Applies the parsed rows to the database (inside the caller's transaction)."""

    def __init__(self, record: RegistryImport, user):
        self.record = record
        self.user = user
        self.now = timezone.now()
        self.claimed: set[int] = set()  # id() of owners whose fields this import already set
        self.new_owners: list[Owner] = []
        self.owners_to_update: dict[int, tuple[Owner, set[str]]] = {}
        self.by_identity: dict[tuple[str, str], Owner] = {}

    def owner_label(self, owner: Owner | None) -> Any:
        if owner is None:
            return None
        return f"{owner.full_name or owner.raw_name} ({owner.id_number or owner.raw_id_number or 'không số'})"

    def apply_owner_fields(self, owner: Owner, values: dict[str, Any]) -> dict[str, list]:
        """Set the row's owner fields once per import (the first row naming the owner wins)."""
        if id(owner) in self.claimed:
            return {}
        self.claimed.add(id(owner))
        changes = _diff(owner, values, "owner.")
        if changes and owner.pk is not None:
            fields = {name.removeprefix("owner.") for name in changes}
            for name in fields:
                setattr(owner, name, values[name])
            entry = self.owners_to_update.setdefault(owner.pk, (owner, set()))
            entry[1].update(fields)
        return changes

    def find_or_create_owner(self, values: dict[str, Any]) -> Owner:
        key = (values.get("id_number", ""), values.get("name_folded", ""))
        if key[0] and key in self.by_identity:
            owner = self.by_identity[key]
            self.apply_owner_fields(owner, values)
            return owner
        owner = Owner(**values)
        self.claimed.add(id(owner))
        self.new_owners.append(owner)
        if key[0]:
            self.by_identity[key] = owner
        return owner

    def load_identities(self, rows: list[_Row], by_pk: dict[int, Owner]) -> None:
        ids = sorted({r.owner["id_number"] for r in rows if r.owner and r.owner.get("id_number")})
        for chunk in _chunks(ids):
            for owner in Owner.objects.filter(id_number__in=chunk).order_by("id"):
                owner = by_pk.setdefault(owner.pk, owner)
                self.by_identity.setdefault((owner.id_number, owner.name_folded), owner)

    @staticmethod
    def same_person(owner: Owner, values: dict[str, Any]) -> bool:
        if "name_folded" in values and owner.name_folded != values["name_folded"]:
            return False
        if "id_number" in values:
            # Same when the IDs agree, or the record had no valid ID yet (the file now supplies it).
            return owner.id_number == values["id_number"] or not owner.id_number
        return True

    def write(self, rows: list[_Row]) -> dict[str, int]:
        record, now = self.record, self.now
        existing: dict[str, Vessel] = {}
        keys = [r.reg_key for r in rows]
        for chunk in _chunks(keys):
            for vessel in Vessel.objects.filter(reg_key__in=chunk).select_related("owner"):
                existing[vessel.reg_key] = vessel
        # One Python object per owner row, whether reached through a vessel or through its ID, so
        # that the "first row sets the owner's fields" claim and the pending updates are shared.
        by_pk: dict[int, Owner] = {}
        for vessel in existing.values():
            if vessel.owner is not None:
                vessel.owner = by_pk.setdefault(vessel.owner.pk, vessel.owner)
        self.load_identities(rows, by_pk)
        licences: dict[int, list[FishingLicence]] = {}
        certificates: dict[int, list[SafetyCertificate]] = {}
        vessel_ids = [v.pk for v in existing.values()]
        for chunk in _chunks(vessel_ids):
            for licence in FishingLicence.objects.filter(vessel_id__in=chunk):
                licences.setdefault(licence.vessel_id, []).append(licence)
            for certificate in SafetyCertificate.objects.filter(vessel_id__in=chunk):
                certificates.setdefault(certificate.vessel_id, []).append(certificate)

        new_vessels: list[tuple[Vessel, _Row]] = []
        updated: dict[int, tuple[Vessel, set[str]]] = {}
        changes: list[VesselChange] = []
        new_licences: list[FishingLicence] = []
        new_certificates: list[SafetyCertificate] = []
        licences_to_update: dict[int, tuple[FishingLicence, set[str]]] = {}
        certificates_to_update: dict[int, tuple[SafetyCertificate, set[str]]] = {}
        counts = {"created": 0, "updated": 0, "unchanged": 0}

        for row in rows:
            vessel = existing.get(row.reg_key)
            if vessel is None:
                owner = self.find_or_create_owner(row.owner) if row.owner else None
                vessel = Vessel(registration_number=row.registration_number, reg_key=row.reg_key, owner=owner,
                                source_import=record, **row.vessel)
                new_vessels.append((vessel, row))
                if row.licence:
                    new_licences.append(FishingLicence(vessel=vessel, **row.licence))
                if row.certificate:
                    new_certificates.append(SafetyCertificate(vessel=vessel, **row.certificate))
                counts["created"] += 1
                continue

            diff: dict[str, list] = {}
            fields = set()
            values = dict(row.vessel, registration_number=row.registration_number)
            vessel_changes = _diff(vessel, values)
            for name in vessel_changes:
                setattr(vessel, name, values[name])
            fields.update(vessel_changes)
            diff.update(vessel_changes)

            # owner
            current = vessel.owner
            if not row.has_owner_columns:
                pass  # a file without owner columns says nothing about the owner
            elif row.owner is None:
                if current is not None:
                    diff["owner"] = [self.owner_label(current), None]
                    vessel.owner = None
                    fields.add("owner")
            elif current is not None and self.same_person(current, row.owner):
                diff.update(self.apply_owner_fields(current, row.owner))
            else:
                owner = self.find_or_create_owner(row.owner)
                diff["owner"] = [self.owner_label(current), self.owner_label(owner)]
                vessel.owner = owner
                fields.add("owner")

            # papers
            held = licences.get(vessel.pk, [])
            if row.licence:
                match = next((lic for lic in held if lic.number == row.licence["number"]), None)
                if match is None:
                    latest = max(held, key=lambda lic: (lic.expires_on or date.min, lic.pk), default=None)
                    diff["licence.number"] = [latest.number if latest else None, row.licence["number"]]
                    for name in ("issued_on", "expires_on"):
                        if row.licence[name] is not None or latest is not None:
                            diff[f"licence.{name}"] = [_json(getattr(latest, name, None)), _json(row.licence[name])]
                    licence = FishingLicence(vessel=vessel, **row.licence)
                    new_licences.append(licence)
                    held.append(licence)  # a second row could not name it again (duplicates are rejected)
                else:
                    licence_changes = _diff(match, {k: v for k, v in row.licence.items() if k != "number"}, "licence.")
                    if licence_changes:
                        names = {n.removeprefix("licence.") for n in licence_changes}
                        for name in names:
                            setattr(match, name, row.licence[name])
                        if match.pk is not None:
                            licences_to_update.setdefault(match.pk, (match, set()))[1].update(names)
                        diff.update(licence_changes)
            if row.certificate:
                held_certs = certificates.get(vessel.pk, [])
                match = next((c for c in held_certs if c.number == row.certificate["number"]), None)
                if match is None:
                    latest = max(held_certs, key=lambda c: (c.expires_on or date.min, c.pk), default=None)
                    diff["safety_certificate.number"] = [latest.number if latest else None, row.certificate["number"]]
                    diff["safety_certificate.expires_on"] = [_json(latest.expires_on if latest else None),
                                                             _json(row.certificate["expires_on"])]
                    new_certificates.append(SafetyCertificate(vessel=vessel, **row.certificate))
                else:
                    cert_changes = _diff(match, {"expires_on": row.certificate["expires_on"]}, "safety_certificate.")
                    if cert_changes:
                        match.expires_on = row.certificate["expires_on"]
                        certificates_to_update.setdefault(match.pk, (match, set()))[1].add("expires_on")
                        diff.update(cert_changes)

            if diff:
                counts["updated"] += 1
                vessel.source_import = record
                vessel.updated_at = now
                fields.update({"source_import", "updated_at"})
                updated.setdefault(vessel.pk, (vessel, set()))[1].update(fields)
                changes.append(VesselChange(vessel=vessel, source_import=record, user=self.user, kind="updated",
                                            changes=diff))
            else:
                counts["unchanged"] += 1

        # Owners first (vessels point at them), then vessels, then what points at vessels.
        Owner.objects.bulk_create(self.new_owners, batch_size=BATCH)
        for owner, _names in self.owners_to_update.values():
            owner.updated_at = now
        self._bulk_update(Owner, self.owners_to_update.values(), extra={"updated_at"})
        Vessel.objects.bulk_create([v for v, _ in new_vessels], batch_size=BATCH)
        self._bulk_update(Vessel, updated.values())
        # Objects built before their vessel or owner had a primary key: Django's bulk_create and
        # bulk_update copy the related object's new pk into the *_id column.
        FishingLicence.objects.bulk_create(new_licences, batch_size=BATCH)
        self._bulk_update(FishingLicence, licences_to_update.values())
        SafetyCertificate.objects.bulk_create(new_certificates, batch_size=BATCH)
        self._bulk_update(SafetyCertificate, certificates_to_update.values())
        for vessel, row in new_vessels:
            snapshot = {name: [None, _json(value)] for name, value in row.vessel.items() if value not in (None, "")}
            snapshot["registration_number"] = [None, row.registration_number]
            if vessel.owner is not None:
                snapshot["owner"] = [None, self.owner_label(vessel.owner)]
            if row.licence:
                snapshot["licence.number"] = [None, row.licence["number"]]
                if row.licence["expires_on"]:
                    snapshot["licence.expires_on"] = [None, _json(row.licence["expires_on"])]
            if row.certificate:
                snapshot["safety_certificate.number"] = [None, row.certificate["number"]]
                if row.certificate["expires_on"]:
                    snapshot["safety_certificate.expires_on"] = [None, _json(row.certificate["expires_on"])]
            changes.append(VesselChange(vessel=vessel, source_import=record, user=self.user, kind="created",
                                        changes=snapshot))
        VesselChange.objects.bulk_create(changes, batch_size=BATCH)

        touched = [v.pk for v, _ in new_vessels] + list(updated)
        if touched:
            reindex_vessels(touched)  # same transaction: the index never disagrees with the registry
        counts["owners_created"] = len(self.new_owners)
        return counts

    @staticmethod
    def _bulk_update(model, items: Iterable[tuple[Any, set[str]]], extra: set[str] | None = None) -> None:
        # Group by the set of changed fields: one UPDATE ... CASE per group keeps statements small.
        groups: dict[frozenset[str], list] = {}
        for obj, names in items:
            groups.setdefault(frozenset(set(names) | (extra or set())), []).append(obj)
        for names, objs in groups.items():
            model.objects.bulk_update(objs, sorted(names), batch_size=BATCH)


# --- the entry point ------------------------------------------------------------------------------
def import_registry(
    source: Source,
    *,
    file_name: str,
    user=None,
    mapping: dict | ColumnMapping | None = None,
    sheet: str | None = None,
) -> RegistryImport:
    """Import a registry file; returns the saved RegistryImport (status done, partial or failed).

    source: a path, a binary file object or bytes. mapping: header as in file -> column key (a
    saved ColumnMapping also works); headers it does not name are matched as usual. sheet: the
    worksheet to read (default: the first one with a header row).
    Never raises for a bad file: a file that cannot be read, or whose header is missing, gives
    status "failed" with the reason in .message and changes nothing.
    """
    started = time.perf_counter()
    try:
        data = read_bytes(source)
    except OSError as exc:
        record = RegistryImport.objects.create(file_name=file_name, sha256="", imported_by=user)
        return _fail(record, f"{file_name}: không đọc được tệp ({exc.strerror or exc})", started)
    record = RegistryImport.objects.create(
        file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), imported_by=user, status=ImportStatus.RUNNING
    )
    try:
        workbook = read_workbook(data, file_name)
        layout = _layout(workbook, file_name, mapping, sheet)
        record.source_format = _source_format(workbook)
    except (ReadError, ImportRefused) as exc:
        return _fail(record, exc.message, started)

    record.sheet = layout.sheet.name[:120]
    record.header_row = layout.sheet.rows[layout.header_row][0]
    record.mapping = {h: k for h, k in layout.mapping.items() if k}
    record.ignored_columns = layout.unknown

    reader = _RowReader(file_name, layout)
    good: list[_Row] = []
    errors: list[dict] = []
    warnings: list[dict] = []
    first_row_of: dict[str, int] = {}
    total = rejected = 0
    for number, values in layout.sheet.rows[layout.header_row + 1:]:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # blank spacer rows are not data
        total += 1
        row, row_errors, row_warnings = reader.read(number, values)
        if row is not None:
            if row.reg_key in first_row_of:
                row_errors.append(_problem(
                    file_name, number, reader.header("registration_number"),
                    f"số đăng ký {row.registration_number} trùng với dòng {first_row_of[row.reg_key]}",
                ))
                row = None
            else:
                first_row_of[row.reg_key] = number
        warnings.extend(row_warnings)
        if row is None:
            rejected += 1
            errors.extend(row_errors)
        else:
            good.append(row)
    record.source_format = _source_format(workbook)  # legacy cell counts are known once rows are read
    if total == 0:
        return _fail(record, f"{file_name}: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {record.header_row})", started)

    try:
        with transaction.atomic():
            counts = _Writer(record, user).write(good)
            record.rows_total = total
            record.rows_created = counts["created"]
            record.rows_updated = counts["updated"]
            record.rows_unchanged = counts["unchanged"]
            record.rows_rejected = rejected
            record.owners_created = counts["owners_created"]
            record.errors = errors
            record.warnings = warnings
            record.status = ImportStatus.DONE_WITH_ERRORS if rejected else ImportStatus.DONE
            record.message = (
                f"{file_name}: {counts['created']} tàu mới, {counts['updated']} tàu cập nhật, "
                f"{counts['unchanged']} tàu không đổi, {rejected} dòng bị từ chối"
            )
            record.finished_at = timezone.now()
            record.duration_s = round(time.perf_counter() - started, 3)
            record.save()
    except Exception as exc:  # anything unexpected: the transaction rolled back, say so and keep the record
        logger.exception("registry import %s (%s) failed", record.pk, file_name)
        record.rows_created = record.rows_updated = record.rows_unchanged = record.owners_created = 0
        record.rows_total, record.rows_rejected, record.errors, record.warnings = total, rejected, errors, warnings
        return _fail(record, f"{file_name}: lỗi khi ghi dữ liệu, không có thay đổi nào được lưu ({type(exc).__name__}: {exc})",
                     started)
    return record


def _fail(record: RegistryImport, message: str, started: float) -> RegistryImport:
    record.status = ImportStatus.FAILED
    record.message = message
    record.finished_at = timezone.now()
    record.duration_s = round(time.perf_counter() - started, 3)
    record.save()
    return record

"""Read one data row: normalised vessel, owner and paper values, with the row's errors and warnings.

A row with an error is rejected whole: a bad registration number, a paper date that does not exist
or cannot be true (registration or licence issue after today in Việt Nam, a licence expiring before
it is issued), a measure that is absurd or has more decimals than the registry keeps (never rounded
silently), an owner with details but no name. A warning (year-only date, unknown gear, an ID that is
not a CCCD/CMND) keeps the row and tells the officer what was done.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lienthong.geo.address import resolve as resolve_address
from lienthong.identity.dates import parse_date

from .. import classes
from ..columns import label
from ..models import FishingLicence, Owner, SafetyCertificate, Vessel
from ..normalise import NumberError, cell_text, check_measure, parse_decimal, zone_code
from ..registration import normalise_registration_number
from .fields import check_characters, check_lengths
from .headers import Layout
from .owners import OWNER_KEYS, read_owner
from .problems import lower_first, problem

__all__ = ["Row", "RowReader"]

_PAPER_DATE_KEYS = ("registration_date", "licence_issued", "licence_expiry", "safety_cert_expiry")
_MEASURE_WORDS = {"length_m": "chiều dài", "engine_kw": "công suất", "tonnage": "tổng dung tích"}
# Decimal places the registry keeps (the model fields): a value with more is reported, not rounded.
_DECIMAL_PLACES = {"length_m": 2, "engine_kw": 1, "tonnage": 2}
_FLOAT_NOISE = Decimal("1e-9")  # binary rounding in Excel formula results (0.1 + 0.2), not a typed digit
_NOT_IN_FUTURE = {"registration_date": "ngày đăng ký", "licence_issued": "ngày cấp giấy phép"}


@dataclass
class Row:
    """One accepted row, ready to be written."""

    registration_number: str
    reg_key: str
    vessel: dict[str, Any]
    owner: dict[str, Any] | None  # None when this row's owner cells are blank (or the file has none)
    has_owner_columns: bool
    licence: dict[str, Any] | None
    certificate: dict[str, Any] | None


class RowReader:
    """Turns one data row into normalised values, collecting errors and warnings."""

    def __init__(self, file_name: str, layout: Layout):
        self.file_name = file_name
        self.columns = layout.columns
        self.headers = layout.headers
        self.present = set(layout.columns)
        self.has_owner = any(k in self.present for k in OWNER_KEYS)
        self._addresses: dict[str, Any] = {}
        # "Future" is after today in Việt Nam, fixed once per import.
        self.today = timezone.localdate(timezone.now(), timezone.get_default_timezone())

    # cell access
    def value(self, values: list[object], key: str) -> object:
        for position in self.columns.get(key, ()):
            if position < len(values):
                value = values[position]
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    return value
        return None

    def header(self, key: str) -> str:
        """The column's header as the file writes it (what the officer looks for in Excel)."""
        positions = self.columns.get(key)
        return self.headers[positions[0]] if positions else label(key)

    def resolve(self, address: str):
        # Registries repeat a few hundred addresses over thousands of rows: resolve each once.
        if address not in self._addresses:
            self._addresses[address] = resolve_address(address)
        return self._addresses[address]

    def read(self, number: int, values: list[object]) -> tuple[Row | None, list[dict], list[dict]]:
        errors: list[dict] = []
        warnings: list[dict] = []

        def error(key: str, message: str) -> None:
            errors.append(problem(self.file_name, number, self.header(key), message))

        def warn(key: str, message: str) -> None:
            warnings.append(problem(self.file_name, number, self.header(key), message))

        check_characters({key: self.value(values, key) for key in self.columns}, error)

        reg = normalise_registration_number(self.value(values, "registration_number"))
        if not reg.valid:
            error("registration_number", reg.reason)

        vessel: dict[str, Any] = {}
        if "vessel_name" in self.present:
            vessel["name"] = cell_text(self.value(values, "vessel_name"))
        dates = self._dates(values, error, warn)
        if "registration_date" in dates:
            vessel["registration_date"] = dates["registration_date"]
        if "home_port" in self.present:
            vessel["home_port"] = cell_text(self.value(values, "home_port"))
        vessel.update(self._measures(values, error))
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

        owner = None
        if self.has_owner:
            cells = {key: self.value(values, key) for key in OWNER_KEYS if key in self.present}
            owner = read_owner(cells, self.resolve, warn)
            if owner is not None and "owner_name" in self.present and not owner["full_name"]:
                # Rejected, not imported nameless: the owner could not be recognised again, and an
                # existing vessel would be moved to a new, unnamed owner.
                error("owner_name", "thiếu họ tên chủ tàu (dòng có thông tin khác của chủ tàu)")

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

        check_lengths(Vessel, dict(vessel, registration_number=reg.canonical), error)
        check_lengths(Owner, owner, error)
        check_lengths(FishingLicence, licence, error)
        check_lengths(SafetyCertificate, certificate, error)
        if errors:
            return None, errors, warnings
        return Row(reg.canonical, reg.reg_key, vessel, owner, self.has_owner, licence, certificate), errors, warnings

    def _dates(self, values: list[object], error, warn) -> dict[str, date | None]:
        """The paper dates the file has (key -> date, None when blank or year-only)."""
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
                error(key, lower_first(parsed.reason))
        for key, what in _NOT_IN_FUTURE.items():
            if dates.get(key) and dates[key] > self.today:
                error(key, f"{what} {dates[key]:%d/%m/%Y} ở tương lai (hôm nay là {self.today:%d/%m/%Y})")
                dates[key] = None
        issued, expiry = dates.get("licence_issued"), dates.get("licence_expiry")
        if issued and expiry and expiry < issued:
            error("licence_expiry", f"giấy phép hết hạn ngày {expiry:%d/%m/%Y}, trước ngày cấp {issued:%d/%m/%Y}")
        return dates

    def _measures(self, values: list[object], error) -> dict[str, Any]:
        """Length, engine power and tonnage the file has (None when blank or refused), and the length class."""
        measures: dict[str, Any] = {}
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
                reason = check_measure(key, number_value)
                places = _DECIMAL_PLACES[key]
                stored = number_value.quantize(Decimal(1).scaleb(-places))
                if reason:
                    error(key, f"{_MEASURE_WORDS[key]} {cell_text(raw)} không hợp lệ: {reason}")
                    number_value = None
                elif stored == number_value or (isinstance(raw, float) and abs(stored - number_value) < _FLOAT_NOISE):
                    number_value = stored
                else:
                    error(key, f"{_MEASURE_WORDS[key]} {_as_written(raw)} có quá {places} chữ số thập phân "
                               f"(sổ đăng ký lưu {places} chữ số): hãy sửa trong tệp, không làm tròn tự động")
                    number_value = None
            measures[key] = number_value
            if key == "length_m":
                measures["length_class"] = classes.length_class(number_value) or ""
        return measures


def _as_written(value: object) -> str:
    """A number cell as a Vietnamese officer sees it in Excel (decimal comma); text as typed."""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return cell_text(value).replace(".", ",")
    return cell_text(value)

"""The vessel list as an Excel workbook (openpyxl): Vietnamese headers, real dates, no formulas from data.

Text that starts with = + - @ would be read by Excel as a formula (a name typed "=HYPERLINK(…)" in a
registry file must not become a link); such cells are stored as text with Excel's quote prefix
(lienthong.printing.cells, shared by every file we write), so they show as typed and stay text when edited.
Owners' personal columns are written only for roles that may see personal data (`accounts.scopes`); the
caller audits the export.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from functools import lru_cache

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lienthong.fleet.models import IdentityStatus
from lienthong.geo.units import commune_name
from lienthong.printing import cells

from .classes import LENGTH_CLASSES

DATE_FORMAT = "DD/MM/YYYY"
LENGTH_FORMAT = "0.00"
_LENGTH_LABELS = {code: label for code, _low, _high, label in LENGTH_CLASSES}


@lru_cache(maxsize=1)
def _identity_labels_vi() -> dict[str, str]:
    """The status labels in Vietnamese whatever the interface language: the workbook is a Vietnamese record."""
    with translation.override("vi"):
        return {value: str(label).capitalize() for value, label in IdentityStatus.choices}


def _identity_vi(status: str) -> str:
    return _identity_labels_vi().get(status, status)


# (header, width, value of a vessel)
VESSEL_COLUMNS = [
    ("Số đăng ký", 16, lambda v: v.registration_number),
    ("Tên tàu", 20, lambda v: v.name),
    ("Xã/phường/đặc khu", 24, lambda v: commune_name(v.commune_code)),
    ("Cảng cá", 20, lambda v: v.home_port),
    ("Chiều dài (m)", 12, lambda v: v.length_m),
    ("Nhóm chiều dài", 22, lambda v: _LENGTH_LABELS.get(v.length_class, "Chưa rõ chiều dài")),
    ("Công suất (kW)", 13, lambda v: v.engine_kw),
    ("Giấy phép khai thác hết hạn", 16, lambda v: v.last_licence),
    ("Giấy chứng nhận an toàn kỹ thuật hết hạn", 18, lambda v: v.last_safety),
    ("Tình trạng định danh chủ tàu", 22, lambda v: _identity_vi(v.owner.identity_status) if v.owner else ""),
]
OWNER_COLUMNS = [
    ("Chủ tàu", 26, lambda o: o.full_name or o.raw_name),
    ("CCCD/CMND", 15, lambda o: o.id_number),
    ("Ngày sinh", 12, lambda o: o.birth_date or (str(o.birth_year) if o.birth_year else "")),
    ("Địa chỉ", 36, lambda o: o.address or o.raw_address),
    ("Điện thoại", 14, lambda o: o.phone),
]


def _cell(ws, value, number_format: str | None = None):
    """The value as openpyxl should write it: plain values as they are (the fast path), dates and formatted
    numbers as cells with a format, formula-like text as a text cell with the quote prefix."""
    if isinstance(value, str):
        return cells.xlsx(ws, value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if number_format and value is not None:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell
    return value


def _of_owner(value):
    """An owner column's value read from the vessel row (blank when the vessel has no owner)."""
    return lambda vessel: value(vessel.owner) if vessel.owner else ""


def vessel_workbook(vessels: Iterable, personal: bool) -> tuple[bytes, int]:
    """The workbook's bytes and the number of vessel rows. `vessels` as `listing.vessel_list` returns them."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách tàu")
    columns = VESSEL_COLUMNS + ([(h, w, _of_owner(f)) for h, w, f in OWNER_COLUMNS] if personal else [])
    cells.header_row(ws, [(header, width) for header, width, _value in columns])
    count = 0
    rows = vessels.iterator(chunk_size=2000) if hasattr(vessels, "iterator") else vessels
    for vessel in rows:
        ws.append([_cell(ws, value(vessel), LENGTH_FORMAT if header == "Chiều dài (m)" else None)
                   for header, _width, value in columns])
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count

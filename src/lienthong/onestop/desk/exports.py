"""The dossier list as an Excel workbook (openpyxl): Vietnamese headers, times in Việt Nam, no formula from data
(printing.cells: a name typed "=HYPERLINK(…)" stays text). The applicant's columns only for roles the redaction
policy lets see them; the caller audits the export."""
from __future__ import annotations

import datetime as dt
import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lienthong.printing import cells
from lienthong.workdays import VN_TZ

from .. import timeliness
from ..models import Channel
from .documents import VERDICT_VI, state_vi

DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


def _channel_vi(value: int) -> str:
    with translation.override("vi"):
        return str(Channel(value).label)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def columns(personal: bool, now: dt.datetime):
    base = [
        ("Mã hồ sơ", 28, lambda d: d.code),
        ("Thủ tục", 40, lambda d: f"{d.procedure.national_code} {d.procedure.name}"),
        ("Trạng thái", 20, lambda d: state_vi(d.state)),
        ("Kênh nộp", 14, lambda d: _channel_vi(d.channel)),
    ]
    applicant = [
        ("Người nộp", 24, lambda d: d.applicant_name),
        ("Số định danh", 15, lambda d: d.applicant_cccd),
        ("Điện thoại", 13, lambda d: d.applicant_phone),
    ]
    rest = [
        ("Tiếp nhận", 17, lambda d: d.received_at),
        ("Hạn trả kết quả", 17, lambda d: d.due_at),
        ("Hẹn lại", 17, lambda d: d.rescheduled_due_at),
        ("Hoàn thành", 17, lambda d: d.finished_at),
        ("Tiến độ", 11, lambda d: VERDICT_VI.get(timeliness.of(d, now), "")),
        ("Cán bộ xử lý", 20, lambda d: _person(d.assigned_to)),
        ("Phòng, ban", 18, lambda d: d.department),
    ]
    return base + (applicant if personal else []) + rest


def _cell(ws, value):
    if isinstance(value, str):
        return cells.xlsx(ws, value)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(ws, value=value.astimezone(VN_TZ).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    return value


def dossier_workbook(dossiers, *, personal: bool, now: dt.datetime) -> tuple[bytes, int]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hồ sơ")
    cols = columns(personal, now)
    cells.header_row(ws, [(h, width) for h, width, _f in cols])
    count = 0
    for d in dossiers.iterator(chunk_size=2000):
        ws.append([_cell(ws, f(d)) for _h, _w, f in cols])
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count

"""The indicators as an Excel workbook (openpyxl), in Vietnamese: one sheet per level — the scope's detail
(every sub-indicator with numerator, denominator, ratio and points), the communes, the centres.

Numbers are written as numbers with a number format (Excel shows them with the reader's separators: 1.250,5 in a
Vietnamese Excel); "no data" is the text "Chưa có dữ liệu", never 0. Text from data (agency names) goes through
lienthong.printing.cells, so none becomes a live formula. The caller audits the export.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lienthong.geo.units import commune_name
from lienthong.printing import cells
from lienthong.workdays import VN_TZ

from .compute import Report, Scorecard

NO_DATA = "Chưa có dữ liệu"
POINTS_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
RATIO_FORMAT = "0.00%"


def band_text(card: Scorecard) -> str:
    if card.score is None:
        return NO_DATA
    if card.too_little_data:
        return "Chưa đủ dữ liệu để xếp loại"
    return f"{card.band} (tạm tính)" if card.provisional else card.band


def _put(ws, row: int, values: list, formats: dict[int, str] | None = None, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        if cells.is_dangerous(value):
            cells.mark_text(cell)
        elif formats and col in formats and isinstance(value, (int, float)):
            cell.number_format = formats[col]
        if bold:
            cell.font = Font(bold=True)


def _widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _or_no_data(value):
    return NO_DATA if value is None else value


def _detail(ws, report: Report) -> None:
    card = report.scope
    _put(ws, 1, [f"Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) — {card.name}"], bold=True)
    _put(ws, 2, [f"Kỳ: {report.period.label}; số liệu tính lúc {report.now.astimezone(VN_TZ):%H:%M %d/%m/%Y}"])
    _put(ws, 3, ["Nhóm chỉ số", "Chỉ số thành phần", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Điểm tối đa",
                 "Trọng số đã kiểm chứng"], bold=True)
    row = 4
    fmt = {3: COUNT_FORMAT, 4: COUNT_FORMAT, 5: RATIO_FORMAT, 6: POINTS_FORMAT, 7: POINTS_FORMAT}
    for g in card.groups:
        _put(ws, row, [g.name, "", "", "", "", _or_no_data(g.points), g.max_points], fmt, bold=True)
        row += 1
        for m in g.measures:
            _put(ws, row, ["", m.name, m.numerator if m.has_data else None, m.denominator if m.has_data else None,
                           m.ratio, _or_no_data(m.points), m.max_points, "Có" if m.verified else "Chưa"], fmt)
            row += 1
    _put(ws, row + 1, ["Điểm đạt", "", "", "", "", card.earned, card.available], fmt, bold=True)
    _put(ws, row + 2, ["Điểm quy đổi trên 100", "", "", "", "", _or_no_data(card.score), 100], fmt, bold=True)
    _put(ws, row + 3, ["Xếp loại", band_text(card)], bold=True)
    _widths(ws, [26, 70, 10, 10, 10, 16, 12, 14])


def _level(ws, cards: list[Scorecard], groups: list[str], head: list[str], first) -> None:
    _put(ws, 1, head + [f"{name} (điểm)" for name in groups]
         + ["Điểm đạt", "Điểm có dữ liệu", "Điểm quy đổi trên 100", "Xếp loại"], bold=True)
    n = len(head)
    fmt = {n + i: POINTS_FORMAT for i in range(1, len(groups) + 4)}
    for r, card in enumerate(cards, start=2):
        _put(ws, r, first(card) + [_or_no_data(g.points) for g in card.groups]
             + [card.earned, card.available, _or_no_data(card.score), band_text(card)], fmt)
    ws.freeze_panes = ws.cell(row=2, column=n + 1)
    _widths(ws, [16, 40, 24][:n] + [14] * (len(groups) + 3) + [22])


def workbook(report: Report) -> bytes:
    wb = Workbook()
    _detail(wb.active, report)
    wb.active.title = "Tổng hợp"
    names = [g["name"] for g in report.weights["groups"]]
    _level(wb.create_sheet("Theo xã, phường"), report.communes, names, ["Mã xã", "Xã, phường, đặc khu"],
           lambda c: [c.key, c.name])
    _level(wb.create_sheet("Theo trung tâm"), report.agencies, names, ["Mã cơ quan", "Trung tâm", "Xã, phường, đặc khu"],
           lambda c: [c.key, c.name, commune_name(c.commune_code)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

"""The statistics as an Excel workbook, in Vietnamese: a summary sheet and one sheet per grouping (service,
counter, officer, hour of day, day of week). Written through printing/cells (the one writer of every xlsx: text
from data never becomes a formula; header widths, bold and frozen through cells.header_row). Minutes are numbers
rounded to 0.1, "no data" is an empty cell, never 0."""
from __future__ import annotations

import io

from openpyxl import Workbook

from lienthong.printing import cells

from .figures import Figures, Row

COLUMNS = [("", 30), ("Số vé lấy", 11), ("Lượt được gọi", 13), ("Chờ TB (phút)", 13), ("Chờ trung vị (phút)", 18),
           ("Chờ P90 (phút)", 14), ("Lượt phục vụ", 13), ("Phục vụ TB (phút)", 16),
           ("Phục vụ trung vị (phút)", 21), ("Phục vụ P90 (phút)", 17), ("Vắng mặt", 10)]
SHEETS = (("Theo dịch vụ", "Dịch vụ", "by_service"), ("Theo quầy", "Quầy", "by_counter"),
          ("Theo cán bộ", "Cán bộ", "by_officer"), ("Theo giờ", "Giờ trong ngày", "by_hour"),
          ("Theo thứ", "Thứ trong tuần", "by_weekday"))


def _m(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _row(r: Row, taken: bool) -> list:
    w, s = r.wait, r.service
    return [r.label, r.taken if taken else None, r.called, _m(w.mean), _m(w.median), _m(w.p90), s.count, _m(s.mean),
            _m(s.median), _m(s.p90), r.no_shows]


def workbook(figures: Figures, centre: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tổng hợp")
    cells.header_row(ws, [("Thống kê sảnh một cửa", 40), ("", 30)])
    for label, value in (
        ("Trung tâm", centre),
        ("Từ ngày", figures.first.strftime("%d/%m/%Y")), ("Đến ngày", figures.last.strftime("%d/%m/%Y")),
        ("Số ngày có vé", figures.days), ("Số vé lấy", figures.tickets), ("Đã phục vụ", figures.served),
        ("Vắng mặt khi gọi", figures.no_shows),
        ("Thời gian chờ trung bình (phút)", _m(figures.total.wait.mean)),
        ("Thời gian chờ trung vị (phút)", _m(figures.total.wait.median)),
        ("Thời gian chờ P90 (phút)", _m(figures.total.wait.p90)),
        ("Thời gian phục vụ trung bình (phút)", _m(figures.total.service.mean)),
        ("Thời gian phục vụ trung vị (phút)", _m(figures.total.service.median)),
        ("Thời gian phục vụ P90 (phút)", _m(figures.total.service.p90)),
        ("Lượt đánh giá", figures.ratings), ("Hài lòng (mức 1–2)", figures.satisfied),
    ):
        ws.append(cells.xlsx_row(ws, [label, value]))
    for title, first, attr in SHEETS:
        ws = wb.create_sheet(title)
        cells.header_row(ws, [(first, COLUMNS[0][1]), *COLUMNS[1:]])
        taken = attr in ("by_service", "by_hour", "by_weekday")
        for r in getattr(figures, attr):
            ws.append(cells.xlsx_row(ws, _row(r, taken)))
        ws.append(cells.xlsx_row(ws, ["Tất cả", *_row(figures.total, True)[1:]]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

"""The board's Excel files (Vietnamese headings by design: they go to the steering committee's meetings and back
to units). Shares are written as numbers with a percentage format, so Excel can sort and chart them; CCCD as text.
Formula-like text never becomes a live formula (printing.cells)."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lienthong.accounts.redaction import mask_id_number
from lienthong.geo.units import commune_name
from lienthong.printing import cells

from .literacy import Literacy, UnitRow

STATUS_WORDS = {"behind": "Chậm so với chỉ tiêu", "on_way": "Đang thực hiện", "reached": "Đạt chỉ tiêu"}
MATCH_WORDS = {"id": "Theo số định danh", "name_unit": "Theo họ tên và đơn vị", "": ""}


def _book(title: str, columns, rows, percent_columns=()) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    cells.header_row(ws, columns)
    for row in rows:
        out = cells.xlsx_row(ws, row)
        for i in percent_columns:
            cell = WriteOnlyCell(ws, value=row[i])
            cell.number_format = "0.0%"
            out[i] = cell
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ranking(data: Literacy, today: date) -> bytes:
    target = data.required or data.next
    columns = [("Hạng", 7), ("Cơ quan, đơn vị", 40), ("Xã, phường", 22), ("Số cán bộ", 11), ("Đã hoàn thành", 14),
               ("Tỷ lệ", 9), (f"Chỉ tiêu đến {target.due_on:%d/%m/%Y}" if target else "Chỉ tiêu", 18),
               ("Còn phải hoàn thành", 18), ("Tình trạng", 22), ("Nhắc gần nhất", 18)]
    rows = [(n, u.unit, commune_name(u.commune_code) if u.commune_code else "", u.staff, u.completed, u.share,
             target.share if target else None, u.to_next, STATUS_WORDS[u.status],
             u.reminded_at.strftime("%d/%m/%Y") if u.reminded_at else "") for n, u in enumerate(data.units, 1)]
    rows.append(("", "Toàn tỉnh", "", data.staff, data.completed, data.share, target.share if target else None,
                 sum(u.to_next for u in data.units), f"Số liệu ngày {today:%d/%m/%Y}", ""))
    return _book("Xếp hạng đơn vị", columns, rows, percent_columns=(5, 6))


def unit(row: UnitRow, today: date, personal: bool) -> bytes:
    columns = [("Mã bản ghi", 14), ("Họ và tên", 28), ("Chức vụ", 24), ("Số CCCD", 16), ("Đã hoàn thành", 14),
               ("Ngày hoàn thành", 16), ("Số chứng nhận", 22), ("Đối chiếu", 22)]
    out = []
    for o in row.officials:
        c = o.done[0] if o.done else None
        out.append((o.record_id, o.name, o.position, o.cccd if personal else mask_id_number(o.cccd),
                    "Có" if c else "Chưa", c.completed_on.strftime("%d/%m/%Y") if c else "", c.certificate if c else "",
                    MATCH_WORDS.get(o.matched_by, "")))
    return _book("Cán bộ của đơn vị", columns, out)  # not the unit's name: a sheet title refuses : / ? * [ ]


def budget(year) -> bytes:
    from .budget import share_of, spent_of

    columns = [("Sở, ban, ngành", 40), ("Tổng chi ngân sách (triệu đồng)", 22), ("Kế hoạch chi chuyển đổi số", 22),
               ("Tỷ lệ trên tổng chi", 14), ("Đã chi chuyển đổi số", 20), ("Tỷ lệ giải ngân", 14),
               (f"Đạt mức {year.line:.0%}", 12)]
    rows = [(b.department, float(b.total), float(b.planned), share_of(b), float(b.spent), spent_of(b),
             "Đạt" if share_of(b) >= year.line else "Chưa đạt") for b in year.lines]
    rows.append((f"Toàn tỉnh năm {year.year}", float(year.total), float(year.planned), year.share, float(year.spent),
                 float(year.spent / year.planned) if year.planned else 0.0, "Đạt" if year.share >= year.line else "Chưa đạt"))
    return _book(f"Ngân sách CĐS {year.year}", columns, rows, percent_columns=(3, 5))


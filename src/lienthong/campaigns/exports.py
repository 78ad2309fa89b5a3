"""The clean registry as the department takes it back: one row per record and person, the person as recorded and
as the population database knows them, the record's state, duplicate and flags. Vietnamese headings by design (the
file goes back into the department's own systems). Formula-like text never becomes a live formula
(lienthong.printing.cells)."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from lienthong.geo.units import commune_name
from lienthong.printing import cells
from lienthong.registries.sheets import role_word

from .actions import citizens
from .models import Campaign, Person

HEADERS = ("Mã bản ghi", "Vai trò", "Họ tên (như trong sổ)", "Ngày sinh (như trong sổ)", "Giấy tờ (như trong sổ)",
           "CCCD (theo CSDL dân cư)", "Họ tên (theo CSDL dân cư)", "Ngày sinh (theo CSDL dân cư)", "Kết quả đối chiếu",
           "Trùng với bản ghi", "Cảnh báo", "Xã, phường", "Tình trạng bản ghi")
STATUS_WORDS = {"verified": "Đã xác thực", "matched": "Khớp tự động", "review": "Cần xem xét", "not_found": "Không tìm thấy"}
STATE_WORDS = {"clean": "Sạch", "review": "Đang xem xét", "commune": "Chờ xã, công an trả lời"}
FILE_WORDS = {"marriage": "ket-hon", "student": "hoc-sinh", "land": "dat-dai", "martyr": "liet-si", "staff": "can-bo"}


def rows(campaign: Campaign):
    people = list(Person.objects.filter(record__campaign=campaign).select_related("record")
                  .order_by("record__row_no", "id"))
    known = citizens(p.person_id for p in people if p.linked)
    for p in people:
        r = p.record
        c = known.get(p.person_id) if p.linked else None
        yield (r.record_id, role_word(p.role), p.name, p.birth_date, p.id_number,
               c.cccd if c else "", c.full_name if c else "", c.birth_date.strftime("%d/%m/%Y") if c else "",
               "Không thuộc CSDL dân cư" if not p.linkable else STATUS_WORDS.get(p.status, p.status),
               r.duplicate_of, "; ".join(flag_words(r.flags)), commune_name(r.commune_code),
               STATE_WORDS.get(r.state, r.state))


def flag_words(flags) -> list[str]:
    """The rules' flags in Vietnamese words (the file goes back to the department whatever the page's language)."""
    from django.utils import translation

    from .labels import flag_label

    with translation.override("vi"):
        return [flag_label(f) for f in flags]


def as_xlsx(campaign: Campaign) -> tuple[bytes, int]:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "Dữ liệu đã làm sạch"
    ws.append(cells.xlsx_row(ws, [f"{campaign.title} — {campaign.department} — hạn {campaign.deadline:%d/%m/%Y}"]))
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    n = 0
    for row in rows(campaign):
        ws.append(cells.xlsx_row(ws, row))
        n += 1
    for col, width in zip("ABCDEFGHIJKLM", (14, 16, 26, 14, 16, 15, 26, 14, 16, 14, 40, 22, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), n


def as_csv(campaign: Campaign) -> tuple[bytes, int]:
    out = io.StringIO()
    w = csv.writer(out, lineterminator=cells.CSV_LINE_END)
    w.writerow(HEADERS)
    n = 0
    for row in rows(campaign):
        w.writerow(cells.csv_row(row))
        n += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), n

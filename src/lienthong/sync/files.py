"""Files that leave and come back: worklists as Excel and PDF, filled Excel uploads, VNFishbase exports.

The files themselves stay Vietnamese whatever language the officer's pages are in, by design: the
worklists go to commune People's Committees and the police, who fill them in and send them back (the
upload finds its columns by these Vietnamese headings), and the export headers are the ones the
national VNFishbase system reads. So their text is literal, not marked for translation, and the
worklist title is rendered in Vietnamese for them (translation.override("vi")).
"""
from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from lienthong.sync.models import Export, Worklist
from lienthong.printing import fonts

# The worklist sent to communes and police, and read back on upload: Vietnamese by design.
WORKLIST_HEADERS = ("Mã mục", "STT", "Số đăng ký", "Tên tàu", "Cảng/xã tàu", "Chủ tàu (như trong sổ)",
                    "CCCD/CMND (như trong sổ)", "Ngày sinh (như trong sổ)", "Địa chỉ (như trong sổ)", "Cần bổ sung",
                    "CCCD đúng (12 số)", "Họ tên đúng", "Ngày sinh đúng (dd/mm/yyyy)", "Ghi chú")
ANSWER_COLUMNS = {"CCCD đúng (12 số)": "cccd", "Họ tên đúng": "name", "Ngày sinh đúng (dd/mm/yyyy)": "birth_date",
                  "Ghi chú": "note"}
# The headers VNFishbase reads: Vietnamese by design, never translated.
EXPORT_HEADERS = ("Số đăng ký", "Số CCCD chủ tàu", "Họ tên chủ tàu (theo CSDL dân cư)")


def worklist_title(wl: Worklist) -> str:
    """The recipient in the active language: on the officer's page, and in Vietnamese in the files."""
    from lienthong.geo.units import commune_name

    where = commune_name(wl.commune_code) if wl.commune_code else _("Province (triage)")
    who = _("Police") if wl.kind == "police" else _("People's Committee")
    return f"{who} {where}"


def _rows(wl: Worklist):
    from lienthong.geo.units import commune_name

    for n, it in enumerate(wl.items.select_related("vessel", "owner").order_by("id"), 1):
        o, v = it.owner, it.vessel
        yield it, (it.pk, n, v.registration_number, v.name, v.home_port or commune_name(v.commune_code),
                   (o.raw_name or o.full_name) if o else "", (o.raw_id_number or o.id_number) if o else "",
                   (o.raw_birth_date or (o.birth_date.strftime("%d/%m/%Y") if o.birth_date else "")) if o else "",
                   (o.raw_address or o.address) if o else "", it.missing)


def worklist_xlsx(wl: Worklist) -> bytes:
    with translation.override("vi"):
        return _worklist_xlsx(wl)


def _worklist_xlsx(wl: Worklist) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append([f"Danh sách tàu cá cần bổ sung thông tin chủ tàu — {worklist_title(wl)}"])
    ws.append([f"Hạn trả lời: {wl.deadline.strftime('%d/%m/%Y')}. Điền các cột màu vàng rồi tải tệp lên trang danh sách."])
    ws.append(list(WORKLIST_HEADERS))
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="FFF2B3")
    for it, row in _rows(wl):
        answers = (it.answer_cccd, it.answer_name, it.answer_birth_date, it.answer_note)
        ws.append([*row, *answers])
        r = ws.max_row
        for col in range(11, 15):
            c = ws.cell(row=r, column=col)
            c.fill = fill
            c.number_format = "@"  # text: Excel must not eat the CCCD's leading zero
        ws.cell(row=r, column=7).number_format = "@"
    for col, width in zip("ABCDEFGHIJKLMN", (8, 5, 14, 14, 18, 24, 16, 12, 36, 32, 16, 22, 14, 20)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_answers(data: bytes) -> list[dict]:
    """Rows of a filled worklist file that carry an answer: {"item": id, "cccd", "name", "birth_date", "note", "row"}."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValueError(_("The file is not a readable Excel (.xlsx) file.")) from exc
    ws = wb.worksheets[0]
    header, out = None, []
    for n, row in enumerate(ws.iter_rows(values_only=True), 1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if header is None:
            if "Mã mục" in cells:
                header = {h: i for i, h in enumerate(cells) if h}
            continue
        if not cells or header["Mã mục"] >= len(cells) or not cells[header["Mã mục"]].isdigit():
            continue
        got = {key: (cells[header[h]] if h in header and header[h] < len(cells) else "") for h, key in ANSWER_COLUMNS.items()}
        if got["cccd"].endswith(".0"):  # a CCCD typed into a number cell comes back as a float
            got["cccd"] = got["cccd"][:-2]
        if any(got.values()):
            out.append({"item": int(cells[header["Mã mục"]]), "row": n, **got})
    wb.close()
    if header is None:
        raise ValueError(_("No heading row with the column “Mã mục” found: use the file downloaded from the list page."))
    return out


def worklist_pdf(wl: Worklist) -> bytes:
    with translation.override("vi"):
        return _worklist_pdf(wl)


def _worklist_pdf(wl: Worklist) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    fonts.register(pdf)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "B", 13)
    pdf.cell(0, 8, "DANH SÁCH TÀU CÁ CẦN BỔ SUNG THÔNG TIN CHỦ TÀU", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(0, 6, f"Gửi: {worklist_title(wl)} · Hạn trả lời: {wl.deadline.strftime('%d/%m/%Y')}",
             new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(2)
    widths = (9, 26, 44, 26, 20, 60, 46, 46)
    heads = ("STT", "Số đăng ký", "Chủ tàu (như trong sổ)", "CCCD (sổ)", "Ngày sinh", "Cần bổ sung",
             "CCCD đúng (12 số)", "Họ tên, ngày sinh đúng")
    pdf.set_font(fonts.FAMILY, "B", 8)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True) as table:
        table.row(heads)
        pdf.set_font(fonts.FAMILY, "", 8)
        for it, row in _rows(wl):
            table.row([str(row[1]), row[2], row[5], row[6], row[7], row[9], "\n\n", ""])
    pdf.ln(6)
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(0, 6, "Người lập danh sách                                                    Xác nhận của cơ quan trả lời",
             new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def export_xlsx(export: Export) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "VNFishbase"
    ws.append(list(EXPORT_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in export.lines.order_by("registration_number"):
        ws.append([line.registration_number, line.cccd, line.full_name])
        ws.cell(row=ws.max_row, column=2).number_format = "@"
    for col, width in zip("ABC", (16, 16, 32)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_csv(export: Export) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(EXPORT_HEADERS)
    for line in export.lines.order_by("registration_number"):
        w.writerow((line.registration_number, line.cccd, line.full_name))
    return "\ufeff" + buf.getvalue()  # BOM: Excel then opens the Vietnamese text as UTF-8

"""Files that leave and come back: worklists as Excel and PDF, filled Excel uploads, VNFishbase exports.

The files themselves stay Vietnamese whatever language the officer's pages are in, by design: the
worklists go to commune People's Committees and the police, who fill them in and send them back (the
upload finds its columns by these Vietnamese headings), and the export headers are the ones the
national VNFishbase system reads. So their text is literal, not marked for translation, and the
worklist title is rendered in Vietnamese for them (translation.override("vi")).

No cell from data becomes a live formula (lienthong.printing.cells): formula-like text is a quoted text cell
in xlsx, which reads back unchanged (so a returned worklist imports as written), and gets a leading
apostrophe in CSV. The PDF cuts a cell's text at a few lines, so a row always fits on a page.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from lienthong.printing import cells, fonts
from lienthong.sync.models import Export, Worklist

# The worklist sent to communes and police, and read back on upload: Vietnamese by design.
WORKLIST_HEADERS = ("Mã mục", "STT", "Số đăng ký", "Tên tàu", "Cảng/xã tàu", "Chủ tàu (như trong sổ)",
                    "CCCD/CMND (như trong sổ)", "Ngày sinh (như trong sổ)", "Địa chỉ (như trong sổ)", "Cần bổ sung",
                    "CCCD đúng (12 số)", "Họ tên đúng", "Ngày sinh đúng (dd/mm/yyyy)", "Ghi chú")
OUTCOME_HEADER = "Trường hợp khác (chọn)"
WORKLIST_HEADERS = (*WORKLIST_HEADERS, OUTCOME_HEADER)
ANSWER_COLUMNS = {"CCCD đúng (12 số)": "cccd", "Họ tên đúng": "name", "Ngày sinh đúng (dd/mm/yyyy)": "birth_date",
                  "Ghi chú": "note", OUTCOME_HEADER: "outcome"}
# The drop-down of the outcome column (an Excel list validation) and the codes it stands for. Commas are
# the list separator of the validation formula, so the words carry none.
OUTCOME_WORDS = {"Đã chuyển đi nơi khác": "moved_away", "Đã chết": "deceased", "Đã bán tàu": "sold"}
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
    ws.append([f"Hạn trả lời: {wl.deadline.strftime('%d/%m/%Y')}. Điền các cột màu vàng rồi tải tệp lên trang danh sách. "
               f"Không có CCCD vì chủ tàu đã chuyển đi, đã chết hay đã bán tàu: chọn ở cột “{OUTCOME_HEADER}” "
               "và ghi rõ ở cột “Ghi chú”."])
    ws.append(list(WORKLIST_HEADERS))
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="FFF2B3")
    words = {code: word for word, code in OUTCOME_WORDS.items()}
    for it, row in _rows(wl):
        answers = (it.answer_cccd, it.answer_name, it.answer_birth_date, it.answer_note, words.get(it.outcome, ""))
        ws.append(cells.xlsx_row(ws, [*row, *answers]))
        r = ws.max_row
        for col in range(11, 16):
            c = ws.cell(row=r, column=col)
            c.fill = fill
            c.number_format = "@"  # text: Excel must not eat the CCCD's leading zero
        ws.cell(row=r, column=7).number_format = "@"
    if ws.max_row > 3:  # the outcome column offers its three words as a drop-down, and refuses others
        dv = DataValidation(type="list", formula1='"' + ",".join(OUTCOME_WORDS) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                            error="Chọn một trường hợp trong danh sách, hoặc để trống và điền CCCD.",
                            showInputMessage=True, promptTitle=OUTCOME_HEADER,
                            prompt="Chủ tàu đã chuyển đi, đã chết hay đã bán tàu: chọn, rồi ghi rõ ở cột Ghi chú.")
        dv.add(f"O4:O{ws.max_row}")
        ws.add_data_validation(dv)
    for col, width in zip("ABCDEFGHIJKLMNO", (8, 5, 14, 14, 18, 24, 16, 12, 36, 32, 16, 22, 14, 24, 22)):
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
            word, error = got["outcome"], ""
            got["outcome"] = _outcome_code(word)
            if got["outcome"] is None:
                got["outcome"] = ""
                error = f"cột “{OUTCOME_HEADER}”: “{word}” không có trong danh sách ({', '.join(OUTCOME_WORDS)})"
            out.append({"item": int(cells[header["Mã mục"]]), "row": n, "error": error, **got})
    wb.close()
    if header is None:
        raise ValueError(_("No heading row with the column “Mã mục” found: use the file downloaded from the list page."))
    return out


def _outcome_code(word: str) -> str | None:
    """The code of an outcome word ("" when blank: a CCCD answer); None when the word is not on the list.
    Compared folded, so a hand-typed "da chet" or "ĐÃ CHẾT" is understood."""
    from lienthong.identity.text import fold

    if not word.strip():
        return "cccd"
    folded = {fold(w): code for w, code in OUTCOME_WORDS.items()}
    return folded.get(fold(word))


def worklist_pdf(wl: Worklist) -> bytes:
    with translation.override("vi"):
        return _worklist_pdf(wl)


def _issue_line(wl: Worklist, issued: datetime | None = None) -> str:
    """The agency and the date of issue, in Asia/Ho_Chi_Minh (the site's time zone), dd/mm/yyyy."""
    from django.conf import settings
    from django.utils import timezone

    issued = timezone.localtime(issued or timezone.now())
    return f"{settings.AGENCY_NAME} · Ngày in: {issued:%d/%m/%Y}"


def _worklist_pdf(wl: Worklist) -> bytes:
    from fpdf import FPDF

    issue = _issue_line(wl)

    class WorklistPDF(FPDF):
        def header(self):
            self.set_font(fonts.FAMILY, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, issue, align="L")
            self.cell(0, 5, f"Danh sách số {wl.pk}", align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(1)

        def footer(self):
            self.set_y(-10)
            self.set_font(fonts.FAMILY, "", 8)
            self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")

    pdf = WorklistPDF(orientation="L", unit="mm", format="A4")
    fonts.register(pdf)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "B", 13)
    pdf.cell(0, 8, "DANH SÁCH TÀU CÁ CẦN BỔ SUNG THÔNG TIN CHỦ TÀU", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(0, 6, f"Gửi: {worklist_title(wl)} · Hạn trả lời: {wl.deadline.strftime('%d/%m/%Y')}",
             new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(2)
    widths = (9, 26, 44, 26, 20, 44, 38, 38, 32)
    heads = ("STT", "Số đăng ký", "Chủ tàu (như trong sổ)", "CCCD (sổ)", "Ngày sinh", "Cần bổ sung",
             "CCCD đúng (12 số)", "Họ tên, ngày sinh đúng", "Đã chuyển đi / đã chết / đã bán tàu; ghi chú")
    pdf.set_font(fonts.FAMILY, "B", 8)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True) as table:
        table.row(heads)
        pdf.set_font(fonts.FAMILY, "", 8)
        for _item, row in _rows(wl):
            values = (str(row[1]), row[2], row[5], row[6], row[7], row[9])
            table.row([*(_fit(pdf, v, w) for v, w in zip(values, widths)), "\n\n", "", ""])
    if pdf.will_page_break(34):  # the two signature blocks stay together
        pdf.add_page()
    pdf.ln(6)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font(fonts.FAMILY, "B", 10)
    pdf.cell(half, 6, "Người lập danh sách", align="C")
    pdf.cell(half, 6, "Xác nhận của cơ quan trả lời", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 9)
    pdf.cell(half, 5, "(ký, ghi rõ họ tên)", align="C")
    pdf.cell(half, 5, "(ký, ghi rõ họ tên, đóng dấu)", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# A table row taller than a page makes fpdf2 refuse the whole document: a cell shows at most this many lines,
# the rest of an overlong value (a 1,000-character name in the registry) cut with "…"; the Excel file keeps it whole.
PDF_CELL_LINES = 6


def _fit(pdf, text: str, width: float) -> str:
    """TEXT as it fits in PDF_CELL_LINES lines of a table cell WIDTH mm wide in the current font."""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room * (PDF_CELL_LINES - 2):  # the usual case: short enough whatever the breaks
        return text
    lines = pdf.multi_cell(room, 5, text, dry_run=True, output="LINES")
    if len(lines) <= PDF_CELL_LINES:
        return text
    # The kept lines' characters, less room for "…": this prefix and the "…" fit in the lines.
    kept = sum(len(line) for line in lines[:PDF_CELL_LINES]) - 3
    return text[:max(kept, 1)].rstrip() + "…"


def export_xlsx(export: Export) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "VNFishbase"
    ws.append(list(EXPORT_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in export.lines.order_by("registration_number"):
        ws.append(cells.xlsx_row(ws, [line.registration_number, line.cccd, line.full_name]))
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
        w.writerow(cells.csv_row((line.registration_number, line.cccd, line.full_name)))
    return "\ufeff" + buf.getvalue()  # BOM: Excel then opens the Vietnamese text as UTF-8


def file_stem(wl: Worklist) -> str:
    """A file name an office recognises: kind, commune name without diacritics, list number."""
    from django.utils.text import slugify

    from lienthong.geo.units import commune_name
    from lienthong.identity.text import fold

    where = slugify(fold(commune_name(wl.commune_code))) if wl.commune_code else "tinh"
    return f"danh-sach-{'cong-an' if wl.kind == 'police' else 'xa'}-{where}-{wl.pk}"


def worklists_zip(worklists) -> bytes:
    """All the lists as one zip: each as Excel (to fill in) and PDF (to print)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for wl in worklists:
            stem = file_stem(wl)
            z.writestr(f"{stem}.xlsx", worklist_xlsx(wl))
            z.writestr(f"{stem}.pdf", worklist_pdf(wl))
    return buf.getvalue()

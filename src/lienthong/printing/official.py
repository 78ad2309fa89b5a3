"""The frame of a Vietnamese administrative document (Decree 30/2020 layout) shared by every printed form:
the issuing body at the top left, the national motto at the top right, place and date, the title, a QR code,
page numbers. fpdf2 draws it; the fonts are the vendored Vietnamese-capable ones.

Documents keep their wording in Vietnamese whatever the officer's language: they are official papers.
"""
from __future__ import annotations

from datetime import date

from fpdf import FPDF

from . import fonts

# Millimetres, portrait (ISO 216). Given as sizes: fpdf2 2.8.5 warns on every "A5" (its A5 was fixed then).
PAGE_SIZES = {"A4": (210, 297), "A5": (148, 210)}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares (segno gives the module matrix; no image library needed): one rectangle
    per run of dark modules in a row, half the rectangles one per module would take."""
    import segno

    qr = segno.make(text, error="m", micro=False)
    matrix = list(qr.matrix)
    border = 2
    cell = size / (len(matrix) + 2 * border)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if not row[c]:
                c += 1
                continue
            end = c
            while end < n and row[end]:
                end += 1
            pdf.rect(x + (c + border) * cell, y + (r + border) * cell, (end - c) * cell, cell, style="F")
            c = end


def vi_date_line(place: str, day: date) -> str:
    """"Rạch Giá, ngày 01 tháng 12 năm 2026" as official papers write it (day and month with two digits)."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


class OfficialDocument(FPDF):
    """An A4 or A5 portrait page with the Vietnamese fonts registered and numbered pages ("Trang 1/2")."""

    def __init__(self, page_format: str = "A4", *, title: str = "", author: str = "", numbered: bool = True,
                 compact_fonts: bool = False):
        """compact_fonts: the Vietnamese cut of the fonts (printing.fonts.compact_path), half the time to draw."""
        super().__init__(format=PAGE_SIZES[page_format], unit="mm")
        fonts.register(self, compact=compact_fonts)
        self.numbered = numbered
        margin = 12 if page_format == "A5" else 20
        self.set_margins(margin, 12, margin - 5 if page_format == "A4" else margin)
        self.set_auto_page_break(True, 15)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("lienthong")
        self.alias_nb_pages()

    def footer(self) -> None:
        if not self.numbered:
            return
        self.set_y(-10)
        self.set_font(fonts.FAMILY, "", 7)
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="C")

    def heading(self, authority: str, body: str, *, number: str = "") -> None:
        """The two header columns: the authority above and the issuing body (bold, underlined by a short rule)
        on the left; the national motto on the right; the document number under the body when it has one."""
        left_w = (self.epw) * 0.42
        right_w = self.epw - left_w
        top = self.get_y()
        size = 8 if self.w < 160 else 10
        self.set_font(fonts.FAMILY, "", size)
        self.multi_cell(left_w, size * 0.5, authority.upper(), align="C", new_x="LEFT", new_y="NEXT")
        self.set_font(fonts.FAMILY, "B", size)
        self.multi_cell(left_w, size * 0.5, body.upper(), align="C", new_x="LEFT", new_y="NEXT")
        rule_y = self.get_y() + 0.6
        self.line(self.l_margin + left_w * 0.3, rule_y, self.l_margin + left_w * 0.7, rule_y)
        if number:
            self.set_y(rule_y + 1.5)
            self.set_font(fonts.FAMILY, "", size - 1)
            self.cell(left_w, size * 0.5, number, align="C")
        left_bottom = self.get_y() + size * 0.5
        self.set_xy(self.l_margin + left_w, top)
        self.set_font(fonts.FAMILY, "B", size)
        self.multi_cell(right_w, size * 0.5, MOTTO[0], align="C", new_x="LEFT", new_y="NEXT")
        self.set_x(self.l_margin + left_w)
        self.multi_cell(right_w, size * 0.5, MOTTO[1], align="C", new_x="LEFT", new_y="NEXT")
        motto_w = self.get_string_width(MOTTO[1])
        rule_y = self.get_y() + 0.6
        centre = self.l_margin + left_w + right_w / 2
        self.line(centre - motto_w / 2, rule_y, centre + motto_w / 2, rule_y)
        self.set_y(max(left_bottom, rule_y) + 2)

    def place_date(self, place: str, day: date) -> None:
        size = 8 if self.w < 160 else 10
        self.set_font(fonts.FAMILY, "", size)
        self.set_x(self.l_margin + self.epw * 0.42)
        self.cell(self.epw * 0.58, size * 0.5, vi_date_line(place, day), align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def title_block(self, title: str, subtitle: str = "") -> None:
        size = 11 if self.w < 160 else 13
        self.set_font(fonts.FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(fonts.FAMILY, "", size - 2)
            self.multi_cell(0, size * 0.45, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

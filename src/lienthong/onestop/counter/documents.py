"""Form 01 (Circular 01/2018/TT-VPCP): Giấy tiếp nhận hồ sơ và hẹn trả kết quả, on one A5 page, with a QR code
to the public tracking page. Always in Vietnamese (an official paper); times in Việt Nam time, hh:mm dd/mm/yyyy.
"""
from __future__ import annotations

from lienthong.geo import units
from lienthong.printing import fonts
from lienthong.printing.official import OfficialDocument, draw_qr
from lienthong.workdays import VN_TZ

from ..models import Agency, Dossier
from . import prefill
from .services import tracking_url

PAPER_WORDS = {"registration": "Giấy chứng nhận đăng ký tàu cá", "licence": "Giấy phép khai thác thủy sản",
               "safety": "Giấy chứng nhận an toàn kỹ thuật tàu cá"}
UNIT_KINDS = ("Phường", "Xã", "Đặc khu", "Thị trấn")  # left out of the place name before the date


def _when(value) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if value else "—"


def vnd(amount: int) -> str:
    """1250000 → "1.250.000" (Vietnamese grouping)."""
    return f"{amount:,}".replace(",", ".")


def authority_of(agency: Agency) -> tuple[str, str]:
    """(the authority above the centre, the place written before the date): a commune centre belongs to the
    commune's People's Committee; a provincial agency to the province's."""
    commune = units.commune(agency.commune_code) if agency.commune_code else None
    if commune is not None:
        kind = next((k for k in UNIT_KINDS if commune.name.startswith(k + " ")), "")
        return f"UBND {commune.name}", commune.name[len(kind):].strip()
    return "UBND tỉnh An Giang", "An Giang"


def processing_time(dossier: Dossier) -> str:
    p = dossier.procedure
    if p.processing_hours:
        return f"{p.processing_hours:02d} giờ làm việc"
    return f"{p.processing_days or 0:02d} ngày làm việc"


def fee_line(dossier: Dossier) -> str:
    if not dossier.fee_amount:
        return "Không thu phí, lệ phí"
    paid = "đã thu" if dossier.fee_paid_at else "chưa thu"
    return f"{vnd(dossier.fee_amount)} đồng ({paid})"


# Text is wrapped here, word by word, rather than by fpdf2's multi_cell or table: their line breaking measures a
# fragment again for every character it adds (quadratic in the line's length), and that was most of the time it
# took to draw this one page. Words are measured once each.
def _wrap(pdf: OfficialDocument, text: str, width: float) -> list[str]:
    lines, line, line_w = [], "", 0.0
    space = pdf.get_string_width(" ")
    for word in text.split():
        w = pdf.get_string_width(word)
        if line and line_w + space + w > width:
            lines.append(line)
            line, line_w = word, w
        else:
            line, line_w = (f"{line} {word}", line_w + space + w) if line else (word, w)
    lines.append(line)
    return lines


def _pairs(pdf: OfficialDocument, pairs: list[tuple[str, str]], width: float, size: float = 8.5) -> None:
    """Bold labels each followed by its value, one line (wrapped under the first when too long)."""
    height = size * 0.48
    x, y = pdf.get_x(), pdf.get_y()
    runs = []
    for k, (label, value) in enumerate(pairs):
        runs.append(("B", ("    " if k else "") + label + " "))
        runs.append(("", value))
    widths = []
    for style, text in runs:
        pdf.set_font(fonts.FAMILY, style, size)
        widths.append(pdf.get_string_width(text))
    if sum(widths) <= width:
        for (style, text), w in zip(runs, widths):
            pdf.set_font(fonts.FAMILY, style, size)
            pdf.cell(w, height, text)
        pdf.set_xy(x, y + height)
        return
    # Too long: the first label, then its value wrapped in the width left, further lines from the margin.
    label, value = pairs[0]
    pdf.set_font(fonts.FAMILY, "B", size)
    label_w = pdf.get_string_width(label + " ")
    pdf.cell(label_w, height, label + " ")
    pdf.set_font(fonts.FAMILY, "", size)
    first, *rest = _wrap(pdf, value, width - label_w)
    pdf.cell(width - label_w, height, first)
    y += height
    for line in _wrap(pdf, " ".join(rest), width) if rest else []:
        pdf.set_xy(x, y)
        pdf.cell(width, height, line)
        y += height
    pdf.set_xy(x, y)


def _label_value(pdf: OfficialDocument, label: str, value: str, width: float, size: float = 8.5) -> None:
    _pairs(pdf, [(label, value)], width, size)


COLUMNS = (7, 66, 16, 19, 16)  # TT, paper, originals, certified copies, photocopies (mm: the A5 text width, 124)


def _components_table(pdf: OfficialDocument, dossier: Dossier) -> None:
    size, lh, pad = 7.5, 3.4, 0.6
    x0 = pdf.l_margin
    heads = ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo")
    rows: list[tuple[list[list[str]], bool]] = []
    pdf.set_font(fonts.FAMILY, "B", size)
    head_cells = [_wrap(pdf, h, w - 2 * pad) for h, w in zip(heads, COLUMNS)]
    pdf.set_font(fonts.FAMILY, "", size)
    for i, c in enumerate(dossier.components.all(), start=1):
        if c.held_by_state:
            _paper, numbers = prefill.held_label(c.held_by_state)
            held = _wrap(pdf, f"Không phải nộp - CSDL tàu cá đã có ({numbers})", sum(COLUMNS[2:]) - 2 * pad)
            rows.append(([[str(i)], _wrap(pdf, c.name, COLUMNS[1] - 2 * pad), held], True))
        else:
            counts = [[str(n) if n else "—"] for n in (c.originals, c.certified_copies, c.photocopies)]
            rows.append(([[str(i)], _wrap(pdf, c.name, COLUMNS[1] - 2 * pad), *counts], False))

    def draw(cells, widths, style, aligns):
        height = max(len(lines) for lines in cells) * lh + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y, x = pdf.get_y(), x0
        pdf.set_font(fonts.FAMILY, style, size)
        for lines, w, align in zip(cells, widths, aligns):
            pdf.rect(x, y, w, height)
            top = y + (height - len(lines) * lh) / 2 if align == "C" else y + pad
            for k, line in enumerate(lines):
                pdf.set_xy(x + pad, top + k * lh)
                pdf.cell(w - 2 * pad, lh, line, align=align)
            x += w
        pdf.set_xy(x0, y + height)

    draw(head_cells, COLUMNS, "B", ("C",) * 5)
    for cells, held in rows:
        if held:
            draw(cells, (*COLUMNS[:2], sum(COLUMNS[2:])), "", ("C", "L", "C"))
        else:
            draw(cells, COLUMNS, "", ("C", "L", "C", "C", "C"))


def receipt_pdf(dossier: Dossier) -> bytes:
    authority, place = authority_of(dossier.agency)
    pdf = OfficialDocument("A5", title=f"Giấy tiếp nhận hồ sơ {dossier.code}", author=dossier.agency.name,
                           compact_fonts=True)
    pdf.add_page()
    pdf.heading(authority, dossier.agency.name)
    pdf.place_date(place, dossier.received_at.astimezone(VN_TZ).date())
    pdf.title_block("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    pdf.set_font(fonts.FAMILY, "B", 9.5)
    pdf.cell(0, 4.5, f"Mã hồ sơ: {dossier.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)

    # The applicant beside the QR code to track the dossier.
    qr = 24
    top = pdf.get_y()
    draw_qr(pdf, tracking_url(dossier.code), pdf.l_margin + pdf.epw - qr, top - 1, qr)
    pdf.set_xy(pdf.l_margin + pdf.epw - qr, top - 1 + qr)
    pdf.set_font(fonts.FAMILY, "", 6.5)
    pdf.cell(qr, 3, "Quét để tra cứu", align="C")
    pdf.set_xy(pdf.l_margin, top)
    text_w = pdf.epw - qr - 2
    centre = dossier.agency.name
    pdf.set_font(fonts.FAMILY, "", 8.5)
    for line in _wrap(pdf, f"{centre} tiếp nhận hồ sơ của:", text_w):
        pdf.cell(text_w, 4.1, line, new_x="LEFT", new_y="NEXT")
    _label_value(pdf, "Ông/Bà:", dossier.applicant_name, text_w)
    _label_value(pdf, "Số định danh cá nhân:", dossier.applicant_cccd, text_w)
    _label_value(pdf, "Địa chỉ:", dossier.applicant_address or "—", text_w)
    _pairs(pdf, [("Số điện thoại:", dossier.applicant_phone or "—"), ("Thư điện tử:", dossier.applicant_email or "—")],
           text_w)
    pdf.set_y(max(pdf.get_y(), top + qr + 3))
    w = pdf.epw
    _label_value(pdf, "Nội dung yêu cầu giải quyết:", f"{dossier.procedure.name} (mã {dossier.procedure.national_code})", w)
    _label_value(pdf, "Chủ hồ sơ:", dossier.owner_name or dossier.applicant_name, w)
    _label_value(pdf, "Phí, lệ phí:", fee_line(dossier), w)
    if not dossier.applicant_verified_at:
        _label_value(pdf, "Ghi chú:", "chưa đối chiếu được với Cơ sở dữ liệu quốc gia về dân cư khi tiếp nhận.", w)
    pdf.ln(0.8)
    pdf.set_font(fonts.FAMILY, "B", 8.5)
    pdf.cell(0, 4.2, "Thành phần hồ sơ:", new_x="LMARGIN", new_y="NEXT")
    _components_table(pdf, dossier)
    pdf.ln(1.2)
    _label_value(pdf, "Số lượng hồ sơ:", f"{dossier.sets:02d} bộ", w)
    _label_value(pdf, "Thời gian giải quyết hồ sơ theo quy định:", processing_time(dossier), w)
    _label_value(pdf, "Thời gian nhận hồ sơ:", _when(dossier.received_at), w)
    _label_value(pdf, "Thời gian trả kết quả giải quyết hồ sơ:", _when(dossier.due_at), w)
    if dossier.agency.address:
        _label_value(pdf, "Nhận kết quả tại:", dossier.agency.address, w)

    # Signatures: the applicant left, the receiving officer right; kept together on the page (a new page only
    # when a long dossier leaves no room for them).
    pdf.ln(1.5)
    block = 3.8 + 3.4 + 11 + 3.8
    if pdf.get_y() + block > pdf.h - 10.5:
        pdf.add_page()
    half = pdf.epw / 2
    y = pdf.get_y()
    officer = (dossier.received_by.get_full_name() or dossier.received_by.get_username()) if dossier.received_by else ""
    pdf.set_auto_page_break(False)
    for i, (title, name) in enumerate((("NGƯỜI NỘP HỒ SƠ", dossier.applicant_name),
                                       ("NGƯỜI TIẾP NHẬN HỒ SƠ", officer))):
        x = pdf.l_margin + i * half
        pdf.set_xy(x, y)
        pdf.set_font(fonts.FAMILY, "B", 8)
        pdf.cell(half, 3.8, title, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(fonts.FAMILY, "", 7)
        pdf.cell(half, 3.4, "(Ký và ghi rõ họ tên)", align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x, y + block - 3.8)
        pdf.set_font(fonts.FAMILY, "B", 8)
        pdf.cell(half, 3.8, name, align="C")
    pdf.set_auto_page_break(True, 15)
    return bytes(pdf.output())

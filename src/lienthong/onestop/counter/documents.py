"""Form 01 (Circular 01/2018/TT-VPCP): Giấy tiếp nhận hồ sơ và hẹn trả kết quả, on one A5 page, with a QR code
to the public tracking page. Always in Vietnamese (an official paper); times in Việt Nam time, hh:mm dd/mm/yyyy.
"""
from __future__ import annotations

from fpdf.fonts import FontFace

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


def _label_value(pdf: OfficialDocument, label: str, value: str, width: float, size: float = 8.5) -> None:
    x = pdf.get_x()
    pdf.set_font(fonts.FAMILY, "", size)
    pdf.multi_cell(width, size * 0.48, f"**{label}** {value}", markdown=True, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_x(x)


def receipt_pdf(dossier: Dossier) -> bytes:
    authority, place = authority_of(dossier.agency)
    pdf = OfficialDocument("A5", title=f"Giấy tiếp nhận hồ sơ {dossier.code}", author=dossier.agency.name)
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
    pdf.multi_cell(text_w, 4.1, f"{centre} tiếp nhận hồ sơ của:", align="L", new_x="LEFT", new_y="NEXT")
    _label_value(pdf, "Ông/Bà:", dossier.applicant_name, text_w)
    _label_value(pdf, "Số định danh cá nhân:", dossier.applicant_cccd, text_w)
    _label_value(pdf, "Địa chỉ:", dossier.applicant_address or "—", text_w)
    _label_value(pdf, "Số điện thoại:", f"{dossier.applicant_phone or '—'}    **Thư điện tử:** {dossier.applicant_email or '—'}",
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
    pdf.set_font(fonts.FAMILY, "", 7.5)
    with pdf.table(col_widths=(7, 62, 16, 19, 16), text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER"),
                   line_height=3.5, padding=(0.5, 1), headings_style=FontFace(emphasis="BOLD"),
                   first_row_as_headings=True) as table:
        table.row(("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo"))
        for i, c in enumerate(dossier.components.all(), start=1):
            row = table.row()
            row.cell(str(i))
            row.cell(c.name)
            if c.held_by_state:
                _paper, numbers = prefill.held_label(c.held_by_state)
                row.cell(f"Không phải nộp - CSDL tàu cá đã có ({numbers})", colspan=3)
            else:
                for n in (c.originals, c.certified_copies, c.photocopies):
                    row.cell(str(n) if n else "—")
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

"""The departure clearance: a one-page Vietnamese PDF (fpdf2, DejaVu Sans from lienthong.printing.fonts so every
Vietnamese letter renders), with a QR code to the trip's public verification page, then PAdES-signed.

The clearance is an official Vietnamese document (the wording a port and a patrol boat read), so its
text stays Vietnamese whatever language the officer's pages are in: it is not marked for translation.
"""
from __future__ import annotations

from django.utils import timezone
from fpdf.fonts import FontFace

from lienthong.fleet.classes import GEARS, ZONES
from lienthong.printing import fonts
from lienthong.printing.official import draw_qr
from lienthong.signing.services import sign_document

from .numbers import vi_number

_STATUS_VI = {"passed": "Đạt", "failed": "Không đạt", "not_applicable": "Không áp dụng"}


def _crew_table(pdf, trip) -> None:
    """Everyone aboard, as the border guard at the checkpoint checks them against their papers: role, full name,
    full CCCD and birth date. The numbers are printed whole on purpose: the clearance is the crew list the
    departure is declared with (Luật Thủy sản 2017, Điều 81), and a masked number cannot be checked against a
    card. Its readers are the port, the guards and the captain: the public verification page (the QR code)
    shows no crew, and the PDF is reached only by officers of the port or by the declarant's secret link."""
    people = [("Thuyền trưởng", trip.captain_name, trip.captain_cccd, trip.captain_birth_date)]
    people += [("Thuyền viên", c.full_name, c.cccd, c.birth_date) for c in trip.crew.all()]
    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.cell(0, 7, f"Danh sách thuyền viên ({len(people)} người)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 9)
    with pdf.table(col_widths=(10, 30, 70, 40, 30), text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"),
                   line_height=5.5, padding=(0.8, 1.5), headings_style=FontFace(emphasis="BOLD")) as table:
        table.row(("STT", "Chức danh", "Họ và tên", "Số định danh", "Ngày sinh"))
        for i, (role, name, cccd, birth) in enumerate(people, start=1):
            table.row((str(i), role, name, cccd, f"{birth:%d/%m/%Y}" if birth else "—"))
    pdf.ln(4)


def clearance_pdf(trip, verify_url: str) -> bytes:
    """The unsigned clearance document for a cleared trip."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(f"Giấy xác nhận xuất bến {trip.reference}")
    pdf.set_author(trip.port.name)
    pdf.set_creator("lienthong")
    fonts.register(pdf)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(0, 5, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(fonts.FAMILY, "B", 15)
    pdf.cell(0, 9, "GIẤY XÁC NHẬN CHO PHÉP TÀU CÁ XUẤT BẾN", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(0, 5, f"Số: {trip.reference}/XB · {trip.port.name}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    v = trip.vessel
    local = timezone.localtime
    rows = [
        ("Số đăng ký tàu", v.registration_number + (f" ({v.name})" if v.name and v.name != v.registration_number else "")),
        ("Chiều dài", f"{vi_number(v.length_m)} m" if v.length_m is not None else "—"),
        ("Chủ tàu", v.owner.current_name if v.owner else "—"),  # the verified name once linked
        ("Thuyền trưởng", trip.captain_name),
        ("Số thuyền viên", f"{trip.crew.count()} người (không kể thuyền trưởng)"),
        ("Nghề khai thác", GEARS.get(trip.gear, (trip.gear,))[0]),
        ("Vùng khai thác", ZONES.get(trip.zone, trip.zone)),
        ("Cảng xuất bến", trip.port.name),
        ("Thời gian xuất bến", f"{local(trip.departure_at):%H:%M %d/%m/%Y}"),
        ("Dự kiến về cảng", f"{local(trip.expected_return_at):%H:%M %d/%m/%Y}"),
    ]
    top = pdf.get_y()
    for label, value in rows:
        pdf.set_font(fonts.FAMILY, "", 10)
        pdf.cell(48, 6.5, label)
        pdf.set_font(fonts.FAMILY, "B", 10)
        pdf.multi_cell(85, 6.5, str(value), new_x="LMARGIN", new_y="NEXT")
    draw_qr(pdf, verify_url, 150, top, 42)
    pdf.set_xy(146, top + 43)
    pdf.set_font(fonts.FAMILY, "", 7)
    pdf.multi_cell(50, 3.5, "Quét mã để kiểm tra giấy xác nhận và chữ ký số", align="C")
    pdf.set_y(max(pdf.get_y(), top + 6.5 * len(rows)) + 4)

    _crew_table(pdf, trip)

    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.cell(0, 7, "Kết quả kiểm tra", new_x="LMARGIN", new_y="NEXT")
    for r in trip.checks:
        pdf.set_font(fonts.FAMILY, "B" if r["status"] == "failed" else "", 9)
        pdf.cell(26, 5.5, _STATUS_VI.get(r["status"], r["status"]))
        pdf.set_font(fonts.FAMILY, "", 9)
        pdf.multi_cell(0, 5.5, f"{r['name']}: {r['message']}", new_x="LMARGIN", new_y="NEXT")
    if trip.overridden:
        pdf.ln(2)
        pdf.set_font(fonts.FAMILY, "B", 9)
        pdf.multi_cell(0, 5, f"Cho xuất bến dù có kiểm tra không đạt. Lý do: {trip.override_reason}",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_font(fonts.FAMILY, "", 10)
    officer = trip.decided_by.get_full_name() or trip.decided_by.get_username() if trip.decided_by else ""
    pdf.multi_cell(0, 5.5, f"Cán bộ kiểm soát: {officer}\nThời gian xác nhận: {local(trip.decided_at):%H:%M %d/%m/%Y}",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(fonts.FAMILY, "", 8)
    pdf.multi_cell(0, 4, f"Tài liệu được ký số. Kiểm tra tại: {verify_url}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def signed_clearance(trip, verify_url: str) -> bytes:
    """Signed by the shared signing service (invisible: the clearance's layout has no signature block; the QR code
    and the verification line are what a patrol checks) and registered there. The clearance decision is the
    audited act, so the signing is not audited again."""
    return sign_document(clearance_pdf(trip, verify_url), kind="port_clearance", object_ref=trip.reference,
                         title=f"Giấy xác nhận xuất bến {trip.reference}", reason="Cấp giấy xác nhận xuất bến",
                         location=trip.port.name, appearance=False, detail_url=verify_url).pdf

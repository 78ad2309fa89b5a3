"""Forms 02–06 of Circular 01/2018/TT-VPCP as PDFs, in the Decree 30 frame (printing.official.OfficialDocument):

02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ   — all that is missing, at once
03 Phiếu từ chối tiếp nhận giải quyết hồ sơ  — with the reason
04 Phiếu xin lỗi và hẹn lại ngày trả kết quả — the old and the new date, the reason
05 Phiếu kiểm soát quá trình giải quyết hồ sơ — every hand-over: who gave, who received, when, the step's
   deadline, early / on time / late
06 Sổ theo dõi hồ sơ                          — the register of a date range (A4 landscape, heading row repeated)

Papers are in Vietnamese whatever the officer's language; times in Asia/Ho_Chi_Minh, dates dd/mm/yyyy.
"""
from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone, translation

from lienthong.geo.units import commune, province
from lienthong.printing import fonts
from lienthong.printing.official import OfficialDocument
from lienthong.workdays import VN_TZ

from .. import timeliness
from ..models import Agency, Dossier, DossierStep, State
from .services import StepRow

VERDICT_VI = {timeliness.EARLY: "Trước hạn", timeliness.ON_TIME: "Đúng hạn", timeliness.LATE: "Quá hạn"}
ACTION_VI = {
    "receive": "Tiếp nhận tại Bộ phận một cửa", "submit": "Nộp trực tuyến", "accept": "Tiếp nhận hồ sơ trực tuyến",
    "refuse": "Từ chối tiếp nhận, giải quyết", "assign": "Chuyển xử lý", "hand_off": "Chuyển tiếp xử lý",
    "request_supplement": "Yêu cầu bổ sung, hoàn thiện", "resubmit": "Công dân bổ sung hồ sơ",
    "request_payment": "Yêu cầu nộp phí, lệ phí", "paid": "Đã nộp phí, lệ phí", "withdraw": "Công dân rút hồ sơ",
    "stop": "Dừng xử lý", "finish": "Có kết quả giải quyết", "return_result": "Trả kết quả",
    "apologise": "Xin lỗi và hẹn lại ngày trả kết quả",
}
RECEPTION = "Bộ phận tiếp nhận và trả kết quả"


def local(at: datetime | None) -> datetime | None:
    return at.astimezone(VN_TZ) if at else None


def hm_date(at: datetime | None) -> str:
    """"08:10 ngày 01/12/2026" (empty when there is no time)."""
    at = local(at)
    return f"{at:%H:%M} ngày {at:%d/%m/%Y}" if at else ""


def long_time(at: datetime | None) -> str:
    """"08 giờ 10 phút, ngày 01/12/2026", as the forms write an appointment."""
    at = local(at)
    return f"{at:%H} giờ {at:%M} phút, ngày {at:%d/%m/%Y}" if at else "…"


def state_vi(state: int) -> str:
    with translation.override("vi"):
        return str(State(state).label)


def authority_of(agency: Agency) -> tuple[str, str]:
    """(the authority above the agency, the place written before the date)."""
    unit = commune(agency.commune_code) if agency.commune_code else None
    if unit is None:
        name = province("91").name
        return f"Ủy ban nhân dân {name[0].lower()}{name[1:]}", name.split(" ", 1)[1]
    place = unit.name[len(unit.division_type) + 1:] if unit.name.lower().startswith(unit.division_type) else unit.name
    return f"Ủy ban nhân dân {unit.name[0].lower()}{unit.name[1:]}", place


def _document(agency: Agency, title: str, at: datetime, *, page_format: str = "A4", subtitle: str = "",
              landscape: bool = False, number: str = "") -> OfficialDocument:
    pdf = OfficialDocument(page_format, title=title, author=agency.name)
    pdf.add_page(orientation="L" if landscape else "P")
    authority, place = authority_of(agency)
    pdf.heading(authority, agency.name, number=number)
    pdf.place_date(place, local(at).date())
    pdf.title_block(title, subtitle)
    return pdf


def _line(pdf: OfficialDocument, label: str, value: str = "", *, size: float = 11) -> None:
    """A "Label: value" paragraph, the label regular and the value bold, wrapping under the label."""
    pdf.set_font(fonts.FAMILY, "", size)
    if value:
        # write() flows both runs as one paragraph (a multi_cell after the label would wrap in the leftover width).
        pdf.write(size * 0.5, f"{label}: ")
        pdf.set_font(fonts.FAMILY, "B", size)
        pdf.write(size * 0.5, value)
        pdf.ln(size * 0.5)
    else:
        pdf.multi_cell(0, size * 0.5, label, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _signature(pdf: OfficialDocument, title: str, hint: str, name: str = "") -> None:
    pdf.ln(4)
    x = pdf.l_margin + pdf.epw * 0.5
    w = pdf.epw * 0.5
    pdf.set_x(x)
    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.multi_cell(w, 5.5, title, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 9)
    pdf.multi_cell(w, 4.5, hint, align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(22)
    if name:
        pdf.set_x(x)
        pdf.set_font(fonts.FAMILY, "B", 11)
        pdf.multi_cell(w, 5.5, name, align="C", new_x="LMARGIN", new_y="NEXT")


def _applicant_lines(pdf: OfficialDocument, dossier: Dossier) -> None:
    _line(pdf, "Hồ sơ của", f"Ông/Bà {dossier.owner_name or dossier.applicant_name}")
    _line(pdf, "Nội dung yêu cầu giải quyết", dossier.procedure.name)
    _line(pdf, "Địa chỉ", dossier.applicant_address or "…")
    _line(pdf, "Số điện thoại", f"{dossier.applicant_phone or '…'}     Email: {dossier.applicant_email or '…'}")


def _person(user, fallback: str = "") -> str:
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


def form_02(dossier: Dossier, step: DossierStep) -> bytes:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02) of one supplement request."""
    pdf = _document(dossier.agency, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", step.at,
                    subtitle=f"Mã hồ sơ: {dossier.code}")
    _applicant_lines(pdf, dossier)
    _line(pdf, "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung sau:")
    missing = list((step.detail or {}).get("missing") or [])
    text = (step.detail or {}).get("text", step.note if not missing else "")
    items = [*missing, *([text] if text else [])]
    pdf.set_font(fonts.FAMILY, "", 11)
    for i, item in enumerate(items, start=1):
        pdf.set_x(pdf.l_margin + 6)
        pdf.multi_cell(pdf.epw - 6, 5.5, f"{i}. {item}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    officer = _person(step.actor, step.actor_name)
    contact = f"{officer}, số điện thoại {dossier.agency.phone}" if dossier.agency.phone else officer
    _line(pdf, "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với "
               f"{contact} để được hướng dẫn. Hồ sơ được bổ sung một lần theo đầy đủ các nội dung trên./.")
    _signature(pdf, "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", officer)
    return bytes(pdf.output())


def form_03(dossier: Dossier, step: DossierStep) -> bytes:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ (form 03), with the reason."""
    pdf = _document(dossier.agency, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", step.at,
                    subtitle=f"Mã hồ sơ: {dossier.code}")
    _line(pdf, f"{dossier.agency.name} tiếp nhận hồ sơ của", f"Ông/Bà {dossier.owner_name or dossier.applicant_name}")
    _line(pdf, "Nội dung yêu cầu giải quyết", f"{dossier.procedure.name} ({dossier.procedure.code})")
    _line(pdf, "Địa chỉ", dossier.applicant_address or "…")
    _line(pdf, "Số điện thoại", f"{dossier.applicant_phone or '…'}     Email: {dossier.applicant_email or '…'}")
    _line(pdf, "Sau khi xem xét, đối chiếu với quy định của thủ tục hành chính, hồ sơ của Ông/Bà không đủ điều kiện "
               "tiếp nhận, giải quyết vì lý do sau:")
    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.set_x(pdf.l_margin + 6)
    pdf.multi_cell(pdf.epw - 6, 5.5, step.note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _line(pdf, "Xin thông báo để Ông/Bà được biết và thực hiện./.")
    _signature(pdf, "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", _person(step.actor, step.actor_name))
    return bytes(pdf.output())


def previous_appointment(dossier: Dossier, step: DossierStep) -> datetime | None:
    """The date the citizen was promised before this apology: the previous apology's new date, else the legal
    due date."""
    before = (dossier.steps.filter(action="apologise", at__lte=step.at).exclude(pk=step.pk)
              .order_by("-at", "-id").values_list("step_due_at", flat=True).first())
    return before or dossier.due_at


def form_04(dossier: Dossier, step: DossierStep) -> bytes:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (form 04) of one apology."""
    agency = dossier.agency.name
    pdf = _document(dossier.agency, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", step.at,
                    subtitle=f"Mã hồ sơ: {dossier.code}")
    _line(pdf, "Kính gửi", f"Ông/Bà {dossier.owner_name or dossier.applicant_name}")
    received = local(dossier.received_at)
    _line(pdf, f"Ngày {received:%d/%m/%Y}, {agency} tiếp nhận, giải quyết hồ sơ của Ông/Bà đề nghị giải quyết thủ tục "
               f"hành chính: {dossier.procedure.name}. Mã hồ sơ: {dossier.code}." if received else
               f"{agency} giải quyết hồ sơ của Ông/Bà: {dossier.procedure.name}. Mã hồ sơ: {dossier.code}.")
    _line(pdf, "Thời hạn trả kết quả đã hẹn", long_time(previous_appointment(dossier, step)))
    if (step.detail or {}).get("before_due", True):
        _line(pdf, f"Tuy nhiên, {agency} không thể trả kết quả giải quyết hồ sơ của Ông/Bà đúng thời hạn đã hẹn.")
    else:
        _line(pdf, f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng hạn ghi trên "
                   "Giấy tiếp nhận hồ sơ và hẹn trả kết quả.")
    _line(pdf, "Lý do", step.note)
    _line(pdf, f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà về sự bất tiện này và hẹn "
               "trả kết quả giải quyết hồ sơ cho Ông/Bà vào")
    pdf.set_font(fonts.FAMILY, "B", 12)
    pdf.multi_cell(0, 6, long_time(step.step_due_at), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _line(pdf, "Xin trân trọng cảm ơn./.")
    _signature(pdf, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)")
    return bytes(pdf.output())


def _giver_taker(row: StepRow, dossier: Dossier) -> tuple[str, str, str]:
    """(the body that received the dossier at this step, who gave it, who received it)."""
    s = row.step
    giver = _person(s.actor, s.actor_name) or "—"
    citizen = dossier.owner_name or dossier.applicant_name
    if s.action in ("receive", "accept"):
        return RECEPTION, citizen, giver
    if s.action in ("resubmit", "submit"):
        return RECEPTION, s.actor_name or citizen, RECEPTION
    if s.action in ("assign", "hand_off"):
        taker = _person(s.handed_to, "") or s.department
        return s.department or dossier.agency.name, giver, taker
    if s.action in ("request_supplement", "refuse", "return_result", "request_payment", "apologise"):
        return "Tổ chức, cá nhân", giver, dossier.owner_name or dossier.applicant_name
    if s.action == "finish":
        return RECEPTION, giver, ""
    return dossier.department or dossier.agency.name, giver, ""


def form_05(dossier: Dossier, rows: list[StepRow], at: datetime | None = None) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (form 05): one row per step."""
    at = at or timezone.now()
    pdf = _document(dossier.agency, "Phiếu kiểm soát quá trình giải quyết hồ sơ", at,
                    subtitle=f"Mã hồ sơ: {dossier.code}")
    _line(pdf, "Kèm theo hồ sơ của", f"Ông/Bà {dossier.owner_name or dossier.applicant_name}", size=10)
    _line(pdf, "Thủ tục", f"{dossier.procedure.name} ({dossier.procedure.code})", size=10)
    _line(pdf, "Cơ quan (bộ phận) giải quyết hồ sơ", dossier.agency.name, size=10)
    partners = sorted({r.step.department for r in rows if r.step.department})
    _line(pdf, "Cơ quan phối hợp giải quyết hồ sơ", ", ".join(partners) or "—", size=10)
    _line(pdf, "Hạn trả kết quả", long_time(dossier.appointment_at) if dossier.appointment_at else "—", size=10)
    pdf.ln(1)
    pdf.set_font(fonts.FAMILY, "", 8.5)
    with pdf.table(col_widths=(34, 76, 27, 38), line_height=4.2, repeat_headings=1, text_align=("LEFT", "LEFT", "CENTER", "LEFT"),
                   headings_style=_heading_style()) as table:
        table.row(["TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                   "KẾT QUẢ GIẢI QUYẾT HỒ SƠ\n(Trước hạn / Đúng hạn / Quá hạn)", "GHI CHÚ"])
        for row in rows:
            body, giver, taker = _giver_taker(row, dossier)
            when = [f"1. Giao: {giver}", f"2. Nhận: {taker or '—'}", f"Lúc {long_time(row.step.at)}"]
            if row.step.step_due_at and row.step.action != "apologise":
                when.append(f"Hạn xử lý bước: {hm_date(row.step.step_due_at)}")
            note = ACTION_VI.get(row.step.action, row.step.action)
            if row.step.action == "apologise" and row.step.step_due_at:
                note += f"; hẹn lại {hm_date(row.step.step_due_at)}"
            if row.step.note:
                note += f": {row.step.note}"
            table.row([body, "\n".join(when), VERDICT_VI.get(row.verdict, ""), note])
    return bytes(pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


REGISTER_HEADINGS = [
    ("TT", 6), ("Mã hồ sơ", 40), ("Tên thủ tục hành chính", 32), ("Số lượng hồ sơ (bộ)", 11),
    ("Tên cá nhân, tổ chức", 24), ("Địa chỉ, số điện thoại", 30), ("Cơ quan chủ trì giải quyết", 22),
    ("Nhận hồ sơ", 17), ("Hẹn trả kết quả", 17), ("Chuyển hồ sơ đến cơ quan giải quyết", 17),
    ("Nhận kết quả từ cơ quan giải quyết", 17), ("Trả kết quả cho cá nhân, tổ chức", 17), ("Ghi chú", 12),
]


def _stamp(at: datetime | None) -> str:
    at = local(at)
    return f"{at:%d/%m/%Y}\n{at:%H:%M}" if at else ""


def register(agency: Agency, dossiers, day_from: date, day_to: date, now: datetime | None = None) -> tuple[bytes, int]:
    """Sổ theo dõi hồ sơ (form 06): the dossiers `listing.register_rows` gives, one row each; (pdf, rows)."""
    now = now or timezone.now()
    pdf = _document(agency, "Sổ theo dõi hồ sơ", now, landscape=True,
                    subtitle=f"Từ ngày {day_from:%d/%m/%Y} đến ngày {day_to:%d/%m/%Y}")
    pdf.set_font(fonts.FAMILY, "", 6.5)
    count = 0
    with pdf.table(col_widths=[w for _h, w in REGISTER_HEADINGS], line_height=3.4, repeat_headings=1,
                   text_align="LEFT", headings_style=_heading_style()) as table:
        table.row([h for h, _w in REGISTER_HEADINGS])
        for count, d in enumerate(dossiers, start=1):
            steps = list(d.steps.all())
            handed = next((s.at for s in steps if s.action == "assign"), None)
            verdict = timeliness.of(d, now)
            note = state_vi(d.state) + (f"; {VERDICT_VI[verdict].lower()}" if verdict else "")
            if d.rescheduled_due_at:
                note += f"; hẹn lại {local(d.rescheduled_due_at):%d/%m/%Y}"
            contact = ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x)
            table.row([str(count), d.code, d.procedure.name, str(d.sets), d.owner_name or d.applicant_name, contact,
                       d.department or d.agency.name, _stamp(d.registered_at), _stamp(d.due_at), _stamp(handed),
                       _stamp(d.finished_at), _stamp(d.returned_at), note])
    return bytes(pdf.output()), count

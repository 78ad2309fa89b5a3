"""The steering committee's monthly report (PDF, Vietnamese by design: it goes into the committee's meeting file):
the figures of the board's page for one month, in the official papers' layout (printing.official)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from lienthong.printing import fonts
from lienthong.printing.official import OfficialDocument

from .overview import Overview

STATUS_WORDS = {"behind": "chậm", "on_way": "đang thực hiện", "reached": "đạt"}
TOPIC_WORDS = {"vneid": "VNeID", "cashless": "thanh toán không dùng tiền mặt", "public_services": "dịch vụ công trực tuyến",
               "news": "đọc tin, nhận biết tin giả", "other": "kỹ năng khác"}


def _n(value, places: int = 0) -> str:
    """1234.5 → "1.234,5" (rounded, not cut)."""
    d = Decimal(str(round(float(value), places)))
    text = f"{d:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _pct(share: float) -> str:
    return _n(share * 100, 1) + " %"


def _section(pdf: OfficialDocument, title: str) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 10)


def _para(pdf: OfficialDocument, text: str) -> None:
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: OfficialDocument, heads: tuple[str, ...], rows: list[tuple], widths: tuple[int, ...]) -> None:
    pdf.set_font(fonts.FAMILY, "B", 9)
    aligns = tuple("RIGHT" if i else "LEFT" for i in range(len(heads)))
    with pdf.table(col_widths=widths, text_align=aligns, line_height=5, first_row_as_headings=True) as table:
        table.row(heads)
        pdf.set_font(fonts.FAMILY, "", 9)
        for row in rows:
            table.row([str(v) for v in row])
    pdf.ln(2)


def render(o: Overview, today: date) -> bytes:
    period = o.period
    pdf = OfficialDocument("A4", title=f"Báo cáo chuyển đổi số {period.label.lower()}", author="Ban Chỉ đạo chuyển đổi số")
    pdf.add_page()
    pdf.heading("Ủy ban nhân dân tỉnh An Giang", "Ban Chỉ đạo\nchuyển đổi số")
    pdf.place_date("An Giang", today)
    pdf.title_block("Báo cáo tình hình chuyển đổi số", f"{period.label} · số liệu đến ngày {o.day:%d/%m/%Y}")

    lit = o.literacy
    _section(pdf, "I. Phổ cập kỹ năng số cho cán bộ, công chức (“Bình dân học vụ số”)")
    if lit.campaign is None:
        _para(pdf, "Chưa có danh sách cán bộ để đối chiếu.")
    else:
        target = lit.required or lit.next
        behind = [u for u in lit.units if u.status == "behind"]
        text = (f"Danh sách có {_n(lit.staff)} cán bộ, công chức của {len(lit.units)} đơn vị; {_n(lit.completed)} người "
                f"đã hoàn thành khung kỹ năng số cơ bản trên nền tảng học tập, đạt {_pct(lit.share)}.")
        if target:
            text += f" Chỉ tiêu {_n(target.share * 100)} % đến {target.due_on:%d/%m/%Y}"
            text += f": {len(behind)} đơn vị chưa đạt." if lit.required else "."
        if lit.required and lit.next:
            text += (f" Chỉ tiêu tiếp theo {_n(lit.next.share * 100)} % đến {lit.next.due_on:%d/%m/%Y}: còn "
                     f"{_n(sum(u.to_next for u in lit.units))} người phải hoàn thành.")
        _para(pdf, text)
        rows = [(f"{i}. {u.unit}", _n(u.staff), _n(u.completed), _pct(u.share), STATUS_WORDS[u.status])
                for i, u in enumerate(lit.units, 1)]
        _table(pdf, ("Đơn vị (xếp hạng)", "Cán bộ", "Hoàn thành", "Tỷ lệ", "Tình trạng"), rows, (86, 20, 24, 20, 30))

    _section(pdf, "II. Tình nguyện viên hỗ trợ người dân")
    m = o.month_visits
    topics = "; ".join(f"{TOPIC_WORDS.get(t, t)} {_n(n)} lượt" for t, n in sorted(m.topics.items(), key=lambda kv: -kv[1]))
    _para(pdf, f"Trong tháng: {_n(m.visits)} lượt đến hộ gia đình, {_n(m.people)} người được hướng dẫn, "
               f"{_n(m.minutes / 60, 1)} giờ." + (f" Nội dung: {topics}." if topics else ""))

    _section(pdf, "III. Ngân sách cho chuyển đổi số")
    if o.budget is None or not o.budget.lines:
        _para(pdf, "Chưa có số liệu ngân sách." if o.budget is not None or not o.literacy.units else
                   "Ngân sách của các sở, ngành được báo cáo ở cấp tỉnh.")
    else:
        y = o.budget
        _para(pdf, f"Năm {y.year}: kế hoạch chi chuyển đổi số {_n(y.planned)} triệu đồng trên tổng chi {_n(y.total)} "
                   f"triệu đồng, đạt {_pct(y.share)} (mức tối thiểu {_n(y.line * 100)} %); đã chi {_n(y.spent)} triệu đồng. "
                   f"{len(y.below)} sở, ngành dưới mức: " + (", ".join(b.department for b in y.below) or "không có") + ".")

    _section(pdf, "IV. Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)")
    c = o.centres
    if c.score is None:
        _para(pdf, "Chưa có hồ sơ trong kỳ để tính chỉ số.")
    else:
        _para(pdf, f"{c.name}: {_n(c.score, 2)}/100 điểm" + (f", xếp loại {c.band}" if c.band else "") +
                   (" (tạm tính: chưa đủ dữ liệu các nhóm)" if c.provisional else "") + ".")
        rows = [(g.name, _n(g.points, 2) if g.points is not None else "—", _n(g.max_points, 0)) for g in c.groups]
        _table(pdf, ("Nhóm chỉ số", "Điểm", "Tối đa"), rows, (130, 25, 25))

    _section(pdf, "V. Làm sạch, đồng bộ dữ liệu với Cơ sở dữ liệu quốc gia về dân cư")
    rows = [(r.name if isinstance(r.name, str) else str(r.name), _n(r.total.total), _n(r.total.clean), _n(r.total.share, 1) + " %",
             r.deadline.strftime("%d/%m/%Y") if r.deadline else "—") for r in o.registries]
    _table(pdf, ("Sổ dữ liệu", "Bản ghi", "Đã sạch", "Tỷ lệ", "Hạn"), rows, (80, 25, 25, 25, 25))
    return bytes(pdf.output())

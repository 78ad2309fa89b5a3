"""The questions as a commune or the police take them away and bring them back: an Excel list of their open
questions, filled in (the yellow columns) and uploaded. Vietnamese by design (the file goes to People's Committees
and police stations whatever language the officer's pages are in), like the fleet's worklists (sync/files.py).

An upload is checked whole before anything is stored: a file with one bad row (a CCCD not 12 digits or not in the
population database, a question not theirs or already answered, "cannot be found" without a note) is refused with
every bad row named by its row and column; a good file is applied in one transaction."""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from lienthong.geo.units import commune_name
from lienthong.printing import cells
from lienthong.registries.profiles import PROFILES
from lienthong.registries.sheets import role_word

from . import actions
from .importing import cell_text
from .models import Question, QuestionState

HEADERS = ("Mã câu hỏi", "Sổ đăng ký", "Mã bản ghi", "Vai trò", "Họ tên (như trong sổ)", "Ngày sinh (như trong sổ)",
           "Giấy tờ (như trong sổ)", "Nơi cư trú (như trong sổ)", "Xã, phường", "Hạn trả lời",
           "Gần nhất trong CSDL dân cư", "CCCD đúng (12 số)", "Không xác định được (x)", "Ghi chú")
ANSWER = {"CCCD đúng (12 số)": "cccd", "Không xác định được (x)": "unresolvable", "Ghi chú": "note"}
PROFILE_WORDS = {"marriage": "Kết hôn", "student": "Học sinh", "land": "Đất đai", "martyr": "Liệt sĩ", "staff": "Cán bộ"}
YELLOW = PatternFill("solid", fgColor="FFF2CC")
TITLE_ROWS = 2  # the title and the instructions stand above the headings


def _address(question: Question) -> str:
    record = question.person.record
    for p in PROFILES[record.campaign.profile].persons(record.data):
        if p.role == question.person.role:
            return p.address
    return ""


def _closest(questions) -> dict[str, str]:
    """The population's closest person to each asked one (the engine's proposal), as the commune reads it."""
    wanted = {q.person.person_id for q in questions} | {x["cccd"] for q in questions for x in q.person.candidates[:1]}
    return {cccd: f"{c.full_name}, sinh {c.birth_date:%d/%m/%Y}, CCCD {cccd}"
            for cccd, c in actions.citizens(wanted).items()}


def questions_xlsx(questions) -> bytes:
    questions = list(questions)
    closest = _closest(questions)
    wb = Workbook()
    ws = wb.active
    ws.title = "Câu hỏi"
    ws.append(["Danh sách người cần xác định CCCD — các sổ đăng ký của sở, ngành"])
    ws.append(["Điền các cột màu vàng: CCCD 12 số; nếu không xác định được người này, ghi “x” ở cột “Không xác định "
               "được (x)” và ghi rõ lý do ở cột “Ghi chú”. Rồi tải tệp lên trang Câu hỏi về sổ đăng ký."])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(list(HEADERS))
    for cell in ws[TITLE_ROWS + 1]:
        cell.font = Font(bold=True)
        if cell.value in ANSWER:
            cell.fill = YELLOW
    for q in questions:
        p, r = q.person, q.person.record
        ws.append(cells.xlsx_row(ws, (q.pk, PROFILE_WORDS.get(r.campaign.profile, r.campaign.profile), r.record_id,
                                      role_word(p.role), p.name, p.birth_date, p.id_number, _address(q),
                                      commune_name(q.commune_code), r.campaign.deadline.strftime("%d/%m/%Y"),
                                      closest.get(p.person_id or (p.candidates[0]["cccd"] if p.candidates else ""), ""),
                                      "", "", "")))
        for cell in ws[ws.max_row][-3:]:
            cell.fill = YELLOW
            cell.number_format = "@"  # a CCCD typed into a text cell keeps its leading zero
    choice = DataValidation(type="list", formula1='"x"', allow_blank=True)
    ws.add_data_validation(choice)
    choice.add(f"M{TITLE_ROWS + 2}:M{max(ws.max_row, TITLE_ROWS + 2)}")
    for col, width in zip("ABCDEFGHIJKLMN", (10, 12, 14, 12, 26, 14, 16, 34, 20, 12, 40, 18, 14, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{TITLE_ROWS + 2}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class Answer:
    row: int
    question: Question
    cccd: str
    unresolvable: bool
    note: str


class UploadRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def read_answers(data: bytes, name: str, visible) -> list[Answer]:
    """The filled rows of an uploaded list, each checked; UploadRefused names every bad row and column."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UploadRefused([f"{name}: không đọc được tệp Excel ({type(exc).__name__})"]) from exc
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    at = None
    for i, row in enumerate(rows[:10]):
        if row and "Mã câu hỏi" in [cell_text(v) for v in row]:
            at = i
            break
    if at is None:
        raise UploadRefused([f"{name}: không tìm thấy dòng tiêu đề (cột “Mã câu hỏi”): hãy dùng tệp tải từ trang"])
    heads = [cell_text(v) for v in rows[at]]
    col = {h: heads.index(h) for h in (*ANSWER, "Mã câu hỏi") if h in heads}
    missing = [h for h in ANSWER if h not in col]
    if missing:
        raise UploadRefused([f"{name}, dòng {at + 1}: thiếu cột " + ", ".join(f"“{h}”" for h in missing)])
    problems, answers = [], []
    open_questions = {q.pk: q for q in visible.filter(state=QuestionState.OPEN).select_related("person__record")}
    for n, row in enumerate(rows[at + 1:], at + 2):
        got = {h: cell_text(row[i]) if i < len(row) else "" for h, i in col.items()}
        cccd, mark, note = got["CCCD đúng (12 số)"], got["Không xác định được (x)"].lower(), got["Ghi chú"]
        if not (cccd or mark or note):
            continue
        qid = got.get("Mã câu hỏi", "")
        q = open_questions.get(int(qid)) if qid.isdigit() else None
        if q is None:
            problems.append(f"{name}, dòng {n}, cột “Mã câu hỏi”: câu hỏi {qid or '(trống)'} không còn chờ trả lời "
                            "hoặc không thuộc địa bàn")
            continue
        if mark and mark != "x":
            problems.append(f"{name}, dòng {n}, cột “Không xác định được (x)”: chỉ ghi “x” hoặc để trống")
            continue
        unresolvable = mark == "x"
        if unresolvable and not note:
            problems.append(f"{name}, dòng {n}, cột “Ghi chú”: ghi rõ vì sao không xác định được người này")
            continue
        if not unresolvable:
            if not cccd:
                problems.append(f"{name}, dòng {n}, cột “CCCD đúng (12 số)”: chưa ghi CCCD")
                continue
            try:
                actions.citizen_of(cccd)
            except actions.CampaignError as exc:
                problems.append(f"{name}, dòng {n}, cột “CCCD đúng (12 số)”: {_vi(exc)}")
                continue
        answers.append(Answer(n, q, cccd, unresolvable, note))
    if problems:
        raise UploadRefused(problems)
    if not answers:
        raise UploadRefused([f"{name}: không có dòng nào được điền"])
    return answers


def _vi(exc) -> str:
    from django.utils import translation

    with translation.override("vi"):
        return exc.message()


def apply(answers: list[Answer], who) -> int:
    with transaction.atomic():
        for a in answers:
            actions.answer(a.question, who, cccd=a.cccd, note=a.note, unresolvable=a.unresolvable)
    return len(answers)

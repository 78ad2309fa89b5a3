"""The questions' Excel round trip: a commune downloads its open questions, fills the yellow columns, uploads; a
file with one bad row stores nothing and names every bad row and column."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.campaigns import actions, files
from lienthong.campaigns.models import Question
from lienthong.population.models import Citizen


def _asked(campaign, user):
    actions.ask(actions.unresolved(campaign), user)
    code = Question.objects.values_list("commune_code", flat=True).order_by("commune_code").last()
    return code, list(Question.objects.filter(commune_code=code).order_by("id"))


def _fill(content: bytes, answers: dict[int, tuple]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    for row in ws.iter_rows(min_row=files.TITLE_ROWS + 2):
        if row[0].value in answers:
            at = files.HEADERS.index("CCCD đúng (12 số)")
            row[at].value, row[at + 1].value, row[at + 2].value = answers[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_download_fill_and_upload(marriage_campaign, department_user, make_user, client_for):
    code, mine = _asked(marriage_campaign, department_user)
    commune = make_user("xa_file", "commune", communes=(code,))
    client = client_for(commune)
    got = client.get("/so-dang-ky/cau-hoi/tep.xlsx")
    assert got.status_code == 200
    ws = load_workbook(io.BytesIO(got.content)).active
    assert [c.value for c in ws[files.TITLE_ROWS + 1]] == list(files.HEADERS)
    listed = [r[0].value for r in ws.iter_rows(min_row=files.TITLE_ROWS + 2)]
    assert listed == [q.pk for q in mine]  # their communes' questions only
    assert AuditEvent.objects.filter(action="export", object_type="campaign_question").exists()
    someone = Citizen.objects.first()
    first = mine[0]
    # One bad row: nothing is stored, every bad row is named by its row and column.
    bad = _fill(got.content, {first.pk: (someone.cccd, None, None)} |
                ({mine[1].pk: ("12345", None, None)} if len(mine) > 1 else {first.pk: ("12345", None, None)}))
    r = client.post("/so-dang-ky/cau-hoi/tai-len/", {"file": SimpleUploadedFile("tra-loi.xlsx", bad)}, follow=True)
    text = r.content.decode()
    assert "tra-loi.xlsx, dòng" in text and "CCCD đúng (12 số)" in text
    assert not Question.objects.filter(state="closed").exists()
    # The good file: every filled row answered and re-checked.
    good = _fill(got.content, {first.pk: (someone.cccd, None, "gặp tại nhà")} |
                 ({mine[1].pk: (None, "x", "Đã chuyển đi")} if len(mine) > 1 else {}))
    r = client.post("/so-dang-ky/cau-hoi/tai-len/", {"file": SimpleUploadedFile("tra-loi.xlsx", good)})
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.state == "closed" and first.answer_cccd == someone.cccd and first.answer_note == "gặp tại nhà"
    assert Question.objects.filter(state="closed").count() == min(2, len(mine))


def test_an_upload_refuses_questions_not_theirs_and_a_mark_without_note(marriage_campaign, department_user, make_user,
                                                                        client_for):
    code, mine = _asked(marriage_campaign, department_user)
    elsewhere = Question.objects.exclude(commune_code=code).first()
    content = files.questions_xlsx(Question.objects.filter(pk__in=[mine[0].pk, elsewhere.pk]))
    filled = _fill(content, {mine[0].pk: (None, "x", None), elsewhere.pk: (Citizen.objects.first().cccd, None, None)})
    commune = make_user("xa_file", "commune", communes=(code,))
    r = client_for(commune).post("/so-dang-ky/cau-hoi/tai-len/", {"file": SimpleUploadedFile("f.xlsx", filled)},
                                 follow=True)
    text = r.content.decode()
    assert "cột “Ghi chú”" in text and "không thuộc địa bàn" in text
    assert not Question.objects.filter(state="closed").exists()
    broken = client_for(commune).post("/so-dang-ky/cau-hoi/tai-len/",
                                      {"file": SimpleUploadedFile("f.xlsx", b"PK\x03\x04 no")}, follow=True)
    assert "không đọc được tệp Excel" in broken.content.decode()

"""The steering committee's page and its monthly report: totals from every app, scoped like the rest of the board."""
from __future__ import annotations

import subprocess
from datetime import date

from django.test import Client
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.board import literacy as lit
from lienthong.board import overview

URL = "/ban-chi-dao/"
TODAY = date(2026, 12, 1)  # the suite's pinned clock


def test_months_offered_are_past_and_this_one():
    assert overview.month_period("2026-11", TODAY).label == "Tháng 11/2026"
    assert overview.month_period("2027-01", TODAY).label == "Tháng 12/2026"  # not yet: this month
    assert overview.month_period("2026", TODAY).label == "Tháng 12/2026"  # a year is not a month
    assert overview.month_period(None, TODAY).label == "Tháng 12/2026"


def test_the_page_gathers_every_app_s_totals(completions, make_user, client_for):
    page = client_for(make_user("lanhdao", "viewer")).get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    for section in ("board-literacy", "board-volunteers", "board-budget", "board-centres", "board-registries"):
        assert f'data-testid="{section}"' in html
    data = lit.literacy(TODAY)
    assert f"{data.completed}/{data.staff}" in html or f"{data.completed} of {data.staff}" in html
    assert "Danh sách cán bộ (kỹ năng số)" in html  # the staff campaign among the registries
    assert html.count('class="board-unit"') >= 5 + 8  # best units and the eight weeks


def test_a_commune_officer_reads_their_communes_and_no_budget(completions, make_user, client_for):
    code = next(u.commune_code for u in lit.literacy(TODAY).units if u.commune_code)
    html = client_for(make_user("xa1", "commune", communes=(code,))).get(URL).content.decode()
    assert 'data-testid="board-budget"' not in html and 'data-testid="board-literacy"' in html
    assert Client().get(URL).status_code == 302
    assert client_for(make_user("ts", "fisheries")).get(URL).status_code == 403


def test_the_monthly_report_is_a_vietnamese_pdf(completions, make_user, client_for, tmp_path):
    response = client_for(make_user("lanhdao", "viewer")).get(reverse("board:report"), {"thang": "2026-11"})
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-chuyen-doi-so-2026-11.pdf"' in response["Content-Disposition"]
    (tmp_path / "r.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for words in ("BAN CHỈ ĐẠO", "BÁO CÁO TÌNH HÌNH CHUYỂN ĐỔI SỐ", "Tháng 11/2026", "số liệu đến ngày 30/11/2026",
                  "I. Phổ cập kỹ năng số", "II. Tình nguyện viên", "III. Ngân sách", "IV. Chỉ số phục vụ",
                  "V. Làm sạch"):
        assert words in text, words
    november = lit.literacy(date(2026, 11, 30))
    assert f"{november.completed} người" in text.replace(".", "") or f"{november.completed:,}".replace(",", ".") in text
    assert AuditEvent.objects.filter(action="export", object_type="board_report").count() == 1

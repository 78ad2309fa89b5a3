"""The digital-transformation budget: the finance sheet in, each department's share against the 3 % line."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.board import budget
from lienthong.board.models import BudgetLine
from lienthong.campaigns.importing import ImportRefused

from .conftest import xlsx

HEADER = ("Năm", "Sở, ban, ngành", "Tổng chi ngân sách", "Kế hoạch chi chuyển đổi số", "Đã chi chuyển đổi số")


def sheet(rows, header=HEADER) -> bytes:
    return xlsx(header, rows, "BÁO CÁO CHI CHUYỂN ĐỔI SỐ")


@pytest.fixture
def admin(make_user):
    return make_user("quantri2", "admin")


@pytest.mark.parametrize("typed, value", [("1234.5", "1234.5"), ("1.234,5", "1234.5"), ("1,234.5", "1234.5"),
                                          ("12,5", "12.5"), ("1.234.567", "1234567"), ("1 234,5", "1234.5"),
                                          ("abc", None), ("", None)])
def test_amounts_are_read_as_officers_type_them(typed, value):
    assert budget._amount(typed) == (Decimal(value) if value else None)


def test_each_department_s_share_against_the_line(db, admin):
    data = sheet([(2026, "Sở Tư pháp", 100_000, 2_000, 500), (2026, "Sở Khoa học và Công nghệ", 50_000, 4_000, 3_000),
                  (2025, "Sở Tư pháp", 90_000, 3_600, 3_600)])
    result = budget.import_budget(data, "ns.xlsx", admin)
    assert (result.years, result.lines) == ([2025, 2026], 3)
    year = budget.year(2026)
    assert budget.line() == 0.03
    assert [b.department for b in year.lines] == ["Sở Khoa học và Công nghệ", "Sở Tư pháp"]  # by share
    assert year.share == pytest.approx(6_000 / 150_000)
    assert [b.department for b in year.below] == ["Sở Tư pháp"]
    assert budget.spent_of(year.lines[0]) == 0.75
    assert AuditEvent.objects.filter(action="import", object_type="budget").count() == 1


def test_a_year_s_sheet_replaces_that_year_only(db, admin):
    budget.import_budget(sheet([(2025, "Sở Y tế", 10, 1, 1), (2026, "Sở Y tế", 10, 1, 0)]), "a.xlsx", admin)
    budget.import_budget(sheet([(2026, "Sở Nội vụ", 20, 1, 0)]), "b.xlsx", admin)
    assert sorted(BudgetLine.objects.values_list("year", "department")) == [(2025, "Sở Y tế"), (2026, "Sở Nội vụ")]


def test_a_wrong_cell_refuses_the_whole_file_naming_row_and_column(db, admin):
    budget.import_budget(sheet([(2026, "Sở Y tế", 10, 1, 0)]), "a.xlsx", admin)
    bad = sheet([(2026, "Sở Nội vụ", 100, 2, 1), (2026, "Sở Tư pháp", "một trăm", 2, 1), (2026, "Sở Xây dựng", 10, 20, 0),
                 (1999, "Sở Công Thương", 10, 1, 0), (2026, "Sở Nội vụ", 5, 1, 0)])
    with pytest.raises(ImportRefused) as refused:
        budget.import_budget(bad, "ns-2026.xlsx", admin)
    text = str(refused.value)
    assert "ns-2026.xlsx, dòng 4, cột “Tổng chi ngân sách”: không phải số tiền (triệu đồng) (“một trăm”)" in text
    assert "ns-2026.xlsx, dòng 5, cột “Kế hoạch chi chuyển đổi số”: lớn hơn tổng chi ngân sách" in text
    assert "ns-2026.xlsx, dòng 6, cột “Năm”: năm không hợp lệ (“1999”)" in text
    assert "ns-2026.xlsx, dòng 7: “Sở Nội vụ” năm 2026 đã có ở dòng 3" in text
    assert list(BudgetLine.objects.values_list("department", flat=True)) == ["Sở Y tế"]  # nothing lost
    with pytest.raises(ImportRefused, match="x.xlsx, dòng 2: thiếu cột “Đã chi chuyển đổi số”"):
        budget.import_budget(sheet([(2026, "A", 1, 0)], header=HEADER[:4]), "x.xlsx", admin)


def test_the_pages_who_reads_who_imports_and_the_excel(db, admin, make_user, client_for):
    budget.import_budget(sheet([(2026, "Sở Tư pháp", 100_000, 2_000, 500), (2026, "Sở Y tế", 50_000, 2_000, 100)]),
                         "ns.xlsx", admin)
    url = reverse("board:budget")
    assert Client().get(url).status_code == 302
    viewer = client_for(make_user("lanhdao", "viewer"))
    html = viewer.get(url, {"nam": "2026"}).content.decode()
    assert html.count('data-below="1"') == 1 and "100.000" in html and "2,7" in html
    assert 'data-testid="budget-import-link"' not in html
    assert viewer.get(reverse("board:budget-import")).status_code == 403
    assert client_for(make_user("xa1", "commune", communes=("30742",))).get(url).status_code == 403
    assert client_for(make_user("ts", "fisheries")).get(url).status_code == 403
    book = load_workbook(io.BytesIO(viewer.get(reverse("board:budget-export"), {"nam": "2026"}).content)).active
    rows = list(book.iter_rows(values_only=True))
    assert rows[1][:3] == ("Sở Y tế", 50000, 2000) and rows[-1][0] == "Toàn tỉnh năm 2026"
    assert rows[-1][3] == pytest.approx(4_000 / 150_000)
    page = client_for(admin).post(reverse("board:budget-import"), {"file": io.BytesIO(sheet([(2026, "Sở Nội vụ", 9, 1, 0)]))})
    assert page.status_code == 200 and 'data-testid="import-result"' in page.content.decode()

"""Issue 12 in a real browser: a department officer reads the board, imports a registry file (a broken one first),
confirms a proposal and sends the unresolved persons to their communes; the commune officer answers."""
from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

pytestmark = pytest.mark.e2e


def _xlsx_from(csv_path, rows: int, path) -> None:
    from lienthong.registries.sheets import HEADERS

    with open(csv_path, encoding="utf-8") as fh:
        data = list(csv.reader(fh))
    wb = Workbook()
    wb.active.append(["SỔ ĐĂNG KÝ KẾT HÔN (trích)"])
    wb.active.append([HEADERS["marriage"][c] for c in data[0]])
    for row in data[1:rows + 1]:
        wb.active.append([f"E2E-{row[0]}", *row[1:]])
    wb.save(path)


def test_a_department_imports_reviews_and_asks_the_communes(page, live_site, login, tmp_path):
    login(page, "tuphap")
    page.click("[data-testid=nav-campaigns]")
    assert page.locator("[data-testid=board-registries] tr[data-registry=marriage]").count() == 1
    assert page.locator("[data-testid=board-registries] tr[data-registry=fleet]").count() == 0  # not theirs
    # A broken file is refused by name and row, and changes nothing.
    page.click("[data-testid=campaign-new]")
    broken = tmp_path / "so-ket-hon-hong.csv"
    broken.write_bytes("Mã bản ghi,Họ tên chồng\nA,Nguyễn Văn A\n".encode())
    page.fill("[data-testid=campaign-title]", "Thử tệp hỏng")
    page.fill("[data-testid=campaign-deadline]", "30/09/2027")
    page.set_input_files("[data-testid=campaign-file]", str(broken))
    page.click("[data-testid=campaign-submit]")
    error = page.locator("[data-testid=error-file]").inner_text()
    assert "so-ket-hon-hong.csv" in error and "thiếu cột" in error
    # The same form with an Excel file of 40 records, a title above its Vietnamese headings.
    good = tmp_path / "so-ket-hon.xlsx"
    _xlsx_from(live_site.files_dir / "campaigns" / "marriages.csv", 40, good)
    page.fill("[data-testid=campaign-title]", "Đợt bổ sung hôn nhân")
    page.fill("[data-testid=campaign-deadline]", "30/09/2027")
    page.set_input_files("[data-testid=campaign-file]", str(good))
    page.click("[data-testid=campaign-submit]")
    page.wait_for_selector("[data-testid=campaign-stats]")
    assert page.locator("[data-testid=campaign-title]").inner_text() == "Đợt bổ sung hôn nhân"
    stats = {k: int(page.locator(f"[data-testid=n-{k}]").inner_text().replace(".", "")) for k in ("clean", "review", "commune")}
    assert sum(stats.values()) == 40
    # Review a proposal: the first record in review with a person to confirm.
    page.select_option("#tt", "review")
    page.click("[data-testid=record-filters] button")
    links = page.locator("[data-testid=records] tbody th a")
    for i in range(links.count()):
        links.nth(i).click()
        if page.locator("[data-testid=confirm]").count():
            break
        page.go_back()
    else:
        pytest.skip("no proposal to confirm among the records in review")
    page.locator("[data-testid=confirm]").first.click()
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=person-status]", has_text="đã xác thực").count() >= 1
    page.click("text=Đợt bổ sung hôn nhân")
    if page.locator("[data-testid=ask-all]").count():
        page.click("[data-testid=ask-all]")  # a bulk act asks to be confirmed on its own page
        page.click("[data-testid=confirm-bulk-submit]")
        page.wait_for_selector("[data-testid=campaign-stats]")
        assert int(page.locator("[data-testid=n-commune]").inner_text()) > 0


def test_a_commune_answers_a_question(page, live_site, login):
    login(page, "xa_phuquoc")
    page.click("[data-testid=nav-campaigns]")
    assert "/so-dang-ky/cau-hoi/" in page.url
    rows = page.locator("[data-testid=questions] tbody tr[data-question]")
    assert rows.count() >= 1
    before = rows.count()
    page.locator("[data-testid=question-link]").first.click()
    page.click("[data-testid=answer-submit]")  # nothing given: refused, named
    assert page.locator("[data-testid=answer-error]").is_visible()
    page.fill("[data-testid=answer-cccd]", "091090123456")
    page.click("[data-testid=answer-submit]")
    assert "không có trong CSDL dân cư" in page.locator("[data-testid=error-cccd]").inner_text()
    page.fill("[data-testid=answer-cccd]", "")
    page.check("[data-testid=answer-unresolvable]")
    page.fill("[data-testid=answer-note]", "Đã chuyển đi Bình Dương năm 2020")
    page.click("[data-testid=answer-submit]")
    page.wait_for_selector("[data-testid=questions]")
    assert page.locator("[data-testid=questions] tbody tr[data-question]").count() == before - 1

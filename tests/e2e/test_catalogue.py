"""The procedure catalogue in a real browser (demo-setup loaded it): a centre officer searches without diacritics
and opens a procedure; an administrator uploads a workbook with a bad time and reads the row's error. No sideways
scroll at desktop and phone widths."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _shots(tmp_path) -> Path:
    path = Path(os.environ.get("LIENTHONG_SCREENSHOT_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_a_centre_officer_finds_a_procedure_without_diacritics(browser, live_site, login, tmp_path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        login(page, "tn_rachgia")
        page.goto(live_site.url + "/mot-cua/thu-tuc/")
        assert page.locator("[data-testid=procedure-row]").count() == 30
        page.fill("[data-testid=catalogue-q]", "dang ky khai tu")
        page.click("[data-testid=catalogue-search]")
        page.wait_for_load_state("networkidle")
        rows = page.locator("[data-testid=procedure-row]")
        assert rows.first.get_attribute("data-code") == "1.000656.000.00.00.H56"
        page.screenshot(path=str(_shots(tmp_path) / f"catalogue-list-{width}.png"), full_page=True)
        _no_sideways_scroll(page)
        rows.first.locator("a").click()
        page.wait_for_selector("[data-testid=procedure-components]")
        assert page.locator("[data-testid=component]").count() == 2
        assert page.locator("[data-testid=procedure-time]").inner_text() == "8 giờ làm việc"
        page.screenshot(path=str(_shots(tmp_path) / f"catalogue-detail-{width}.png"), full_page=True)
        _no_sideways_scroll(page)
    finally:
        context.close()


def test_an_administrator_uploads_a_workbook_and_reads_its_row_error(page, live_site, login, tmp_path):
    from lienthong.onestop import catalogue

    sheets = {}
    for sheet, name in catalogue.SHIPPED:
        with open(catalogue.DATA / name, encoding="utf-8", newline="") as fh:
            sheets[sheet] = list(csv.reader(fh))
    sheets["Thủ tục"][4][5] = "ba ngày"
    bad = catalogue.write_workbook(tmp_path / "thoi-han.xlsx", sheets)
    login(page, "quantri")
    page.goto(live_site.url + "/mot-cua/thu-tuc/")
    page.click("[data-testid=catalogue-import-link]")
    page.set_input_files("[data-testid=import-file]", str(bad))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=import-errors]")
    assert page.locator("[data-testid=import-problem]").all_inner_texts() == [
        'thoi-han.xlsx, trang "Thủ tục", dòng 5, cột F "Thời hạn giải quyết": không đọc được thời hạn "ba ngày": '
        'hãy ghi số ngày làm việc (ví dụ "05 ngày làm việc"), số giờ ("08 giờ làm việc") hoặc "Trong ngày"']
    page.screenshot(path=str(_shots(tmp_path) / "catalogue-import-errors-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(_shots(tmp_path) / "catalogue-import-errors-390.png"), full_page=True)
    _no_sideways_scroll(page)

"""The vessel list in a real browser: from an overview count to its list (same number), filters, sort, the
Excel download, a commune officer's area, and no sideways scroll at desktop and phone widths."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _shots(tmp_path) -> Path:
    """Screenshots for a person to look at: LIENTHONG_SCREENSHOT_DIR when set, else the test's tmp dir."""
    path = Path(os.environ.get("LIENTHONG_SCREENSHOT_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_overview_count_opens_a_list_of_that_many(page, live_site, login, tmp_path):
    login(page, "thuysan")
    page.goto(live_site.url + "/")
    page.screenshot(path=str(_shots(tmp_path) / "overview-1366.png"), full_page=True)
    for key in ("licence_expired", "licence_missing", "safety_expired"):
        link = page.locator(f"[data-testid=papers] tr[data-key={key}] a")
        expected = _number(link.inner_text())
        link.click()
        page.wait_for_selector("[data-testid=list-count]")
        assert int(page.locator("[data-testid=list-count]").get_attribute("data-total")) == expected
        page.go_back()
    link = page.locator("[data-testid=owners-by-status] tr[data-status=unverified] a")
    expected = _number(link.inner_text())
    link.click()
    assert int(page.locator("[data-testid=owner-count]").get_attribute("data-total")) == expected


def test_filter_sort_and_download(page, live_site, login, tmp_path):
    from openpyxl import load_workbook

    login(page, "thuysan")
    page.click("[data-testid=nav-vessels]")
    page.wait_for_selector("[data-testid=vessel-list]")
    total = int(page.locator("[data-testid=list-count]").get_attribute("data-total"))
    assert re.match(r"1–50 / [\d.]+ tàu", page.locator("[data-testid=list-count]").inner_text())
    page.select_option("[data-testid=filter-length_class]", "15-24")
    page.click("[data-testid=filter-submit]")
    page.wait_for_load_state("networkidle")
    narrowed = int(page.locator("[data-testid=list-count]").get_attribute("data-total"))
    assert 0 < narrowed < total
    page.click("[data-testid=sort-owner]")
    page.wait_for_load_state("networkidle")
    assert "sort=owner" in page.url and "length_class=15-24" in page.url
    shown = [page.locator("[data-testid=vessel-row]").nth(i).get_attribute("data-registration")
             for i in range(min(50, narrowed))]
    page.screenshot(path=str(_shots(tmp_path) / "vessel-list-1366.png"), full_page=True)
    _no_sideways_scroll(page)
    with page.expect_download() as download:
        page.click("[data-testid=export-excel]")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == narrowed
    assert [r[0] for r in rows[: len(shown)]] == shown
    assert sheet["A1"].value == "Số đăng ký" and "Chủ tàu" in [c.value for c in sheet[1]]


def test_commune_officer_sees_only_their_area_at_phone_width(browser, live_site, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(live_site.url + "/dang-nhap/")
        page.fill("[data-testid=login-username]", "xa_phuquoc")
        page.fill("[data-testid=login-password]", live_site.password)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state("networkidle")
        page.goto(live_site.url + "/danh-sach-tau/")
        page.wait_for_selector("[data-testid=list-filters][open]")
        options = page.locator("[data-testid=filter-commune] option")
        assert [options.nth(i).inner_text() for i in range(options.count())][1:] == ["Đặc khu Phú Quốc"]
        page.screenshot(path=str(_shots(tmp_path) / "vessel-list-390.png"), full_page=True)
        _no_sideways_scroll(page)
        page.goto(live_site.url + "/")
        page.screenshot(path=str(_shots(tmp_path) / "overview-390.png"), full_page=True)
        _no_sideways_scroll(page)
        home = _number(page.locator("[data-testid=vessel-total]").inner_text())
        page.goto(live_site.url + "/danh-sach-tau/")
        assert int(page.locator("[data-testid=list-count]").get_attribute("data-total")) == home
    finally:
        context.close()

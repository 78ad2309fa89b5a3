"""The hall's statistics page in a real browser, on the demo site (`lienthong demo-setup` writes 20 working days of
the Rạch Giá hall's history): the centre's receiving officer reads this week's figures and the last four weeks',
sees the busiest hours' chart, downloads the workbook; no sideways scroll at 1366×768 and 390×844; a commune
officer of Phú Quốc is refused. LIENTHONG_SCREENSHOT_DIR keeps the screenshots."""
from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.e2e


def _shots(tmp_path) -> Path:
    path = Path(os.environ.get("LIENTHONG_SCREENSHOT_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _login(page, site, username):
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _number(text: str) -> float:
    return float(text.split()[0].replace(".", "").replace(",", "."))


def test_the_centre_officer_reads_the_hall_statistics(live_site, browser, tmp_path):
    from django.utils import timezone

    from lienthong.workdays import VN_TZ

    today = timezone.now().astimezone(VN_TZ).date()
    first = today - timedelta(days=28)
    for name, viewport in (("desktop", {"width": 1366, "height": 768}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
        page = context.new_page()
        _login(page, live_site, "tn_rachgia")
        page.goto(f"{live_site.url}/sanh/thong-ke/")
        assert page.locator("h1").inner_text().startswith("Thống kê sảnh một cửa")
        assert page.locator("[data-testid=stats-from]").input_value() == (
            today - timedelta(days=today.weekday())).strftime("%d/%m/%Y")
        page.fill("[data-testid=stats-from]", first.strftime("%d/%m/%Y"))
        page.fill("[data-testid=stats-to]", today.strftime("%d/%m/%Y"))
        page.click("[data-testid=stats-show]")
        page.wait_for_load_state("networkidle")
        tickets = _number(page.locator("[data-testid=stats-tickets]").inner_text())
        assert tickets > 2000  # four weeks of a busy ward centre
        assert "." in page.locator("[data-testid=stats-tickets]").inner_text()  # 3.925: Vietnamese grouping
        assert "," in page.locator("[data-testid=stats-wait-mean]").inner_text()  # 4,6 phút
        assert page.locator("[data-testid=stats-row-service]").count() == 5
        assert page.locator("[data-testid=stats-row-counter]").count() == 8
        assert page.locator("[data-testid=stats-row-hour]").count() >= 9
        assert page.locator("[data-testid=busiest-chart] rect").count() >= 9
        assert page.locator("[data-testid=busiest-chart]").is_visible()
        _fits(page)
        page.screenshot(path=str(_shots(tmp_path) / f"stats-{name}.png"), full_page=True)
        page.set_viewport_size(viewport)
        page.screenshot(path=str(_shots(tmp_path) / f"stats-{name}-first-screen.png"))
        if name == "desktop":
            with page.expect_download() as download:
                page.click("[data-testid=stats-export]")
            wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
            assert wb.sheetnames == ["Tổng hợp", "Theo dịch vụ", "Theo quầy", "Theo cán bộ", "Theo giờ", "Theo thứ"]
            summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
            assert summary["Số vé lấy"] == tickets
        context.close()


def test_a_commune_officer_elsewhere_is_refused(live_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    _login(page, live_site, "xa_phuquoc")
    response = page.goto(f"{live_site.url}/sanh/thong-ke/")
    assert response.status == 403
    context.close()

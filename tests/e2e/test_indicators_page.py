"""The Decision 766 indicators page in a real browser: the province officer's total, groups and communes; a
figure's link opens the desk's list with the filters behind it; the Excel download; a centre officer sees only
their centre; the citizen's rating page on a phone; no sideways scroll at 1366×768 and 390×844."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from .conftest import demo_site

pytestmark = pytest.mark.e2e
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("e2e-indicators"), before_serving=((str(HERE / "onestop_data.py"),),)) as s:
        yield s


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


def test_province_officer_reads_the_indicators_and_follows_a_figure(site, browser, tmp_path):
    ky = (site.data_dir / "indicators-period.txt").read_text()
    for name, viewport in (("desktop", {"width": 1366, "height": 768}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        _login(page, site, "quantri")
        page.goto(f"{site.url}/mot-cua/chi-so/?ky={ky}")
        assert page.locator("[data-testid=score]").inner_text().strip() != ""
        # demo-setup's catalogue (onestop/data/co-quan.csv): eight commune and ward centres, and two provincial agencies.
        assert page.locator("[data-testid=commune-row]").count() == 8
        assert page.locator("[data-testid=group-satisfaction]").is_visible()
        _fits(page)
        page.screenshot(path=str(_shots(tmp_path) / f"indicators-{name}.png"), full_page=True)
        if name == "desktop":
            href = page.locator("[data-testid=late-link]").get_attribute("href")
            query = parse_qs(urlsplit(href).query)
            assert urlsplit(href).path == "/mot-cua/ho-so/" and query["timeliness"] == ["late"]
            assert query["from"][0].startswith(ky) and query["to"][0].startswith(ky)
            with page.expect_download() as download:
                page.click("[data-testid=export]")
            wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
            assert wb.sheetnames == ["Tổng hợp", "Theo xã, phường", "Theo trung tâm"]
            assert wb["Theo trung tâm"].max_row == 11
        context.close()


def test_centre_officer_sees_only_their_centre(site, browser, tmp_path):
    ky = (site.data_dir / "indicators-period.txt").read_text()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    _login(page, site, "tn_phuquoc")
    page.goto(f"{site.url}/mot-cua/chi-so/?ky={ky}")
    rows = page.locator("[data-testid=centre-row]")
    assert rows.count() == 1 and "Phú Quốc" in rows.inner_text()
    assert page.locator("[data-testid=communes]").count() == 0
    _fits(page)
    context.close()


def test_citizen_rates_on_a_phone(site, browser, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{site.url}/dich-vu-cong/danh-gia/?ma=000.00.31.H56-unknown")
    _fits(page)
    page.fill("#id_cccd", "091085001234")
    page.check("[data-testid=rate-reception] input[value='5']")
    page.check("[data-testid=rate-handling] input[value='4']")
    page.click("[data-testid=rate-submit]")
    assert "Không có hồ sơ nào có mã và số định danh này" in page.content()  # the code in the link was wrong
    # A finished dossier of the site's own database, rated for real.
    code = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lienthong.settings');"
         "django.setup(); from lienthong.onestop.models import Dossier;"
         "print(Dossier.objects.filter(state=9, rating__isnull=True, applicant_cccd='091085001234')"
         ".order_by('code').values_list('code', flat=True)[0])"],
        env=site.env, check=True, capture_output=True, text=True).stdout.strip()
    page.goto(f"{site.url}/dich-vu-cong/danh-gia/?ma={code}")
    page.fill("#id_cccd", "091085001234")
    page.check("[data-testid=rate-reception] input[value='4']")
    page.check("[data-testid=rate-handling] input[value='5']")
    page.screenshot(path=str(_shots(tmp_path) / "rate-phone.png"), full_page=True)
    page.click("[data-testid=rate-submit]")
    assert page.locator("[data-testid=rate-thanks]").is_visible()
    _fits(page)
    context.close()

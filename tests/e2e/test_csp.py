"""Production's Content-Security-Policy: the header, and what the scripts do under it beyond a page's load — the
header search's suggestions (htmx), the dashboard's bars, the API docs (Swagger UI) and the admin. That every page
of every role loads without a refusal is checked by test_layout.py's walk, on the same site (served with
LIENTHONG_ENV=production)."""
from __future__ import annotations

import pytest

from .test_layout import LISTEN, Refusals, _load  # noqa: F401 - LISTEN: the other browser tests' import

pytestmark = pytest.mark.e2e


@pytest.fixture
def production_site(layout_site):
    """The layout walk's site (conftest: one per test process), served with LIENTHONG_ENV=production."""
    return layout_site


def _logged_in(browser, site, username):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    refusals = Refusals(page)
    page.set_default_timeout(20_000)
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    return context, page, refusals


def test_production_policy_header_and_what_scripts_do_under_it(production_site, browser):
    site = production_site
    context, page, refusals = _logged_in(browser, site, "thuysan")
    try:
        response = page.goto(site.url + "/")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
        # The header search's suggestions come by htmx, and again on focus (no eval for its trigger).
        page.fill("[data-testid=search-input]", "Nguyễn")
        page.wait_for_selector("[data-testid=search-suggestions] [data-testid=suggest-item]")
        page.evaluate("() => { document.getElementById('search-suggestions').innerHTML = ''; }")
        page.locator("body").click(position={"x": 5, "y": 700})
        page.focus("[data-testid=search-input]")
        page.wait_for_selector("[data-testid=search-suggestions] [data-testid=suggest-item]")
        # The dashboard's bars take their width from data-w (a style="" attribute would be refused).
        page.goto(site.url + "/doi-soat/")
        bar = page.locator(".app-sync .bar[data-w]").first
        assert bar.evaluate("el => getComputedStyle(el).getPropertyValue('--w').trim()") == bar.get_attribute("data-w") + "%"
        assert refusals.take() == []
    finally:
        context.close()
    context, page, refusals = _logged_in(browser, site, "quantri")  # staff: the API docs and the admin
    try:
        page.goto(site.url + "/api/v1/docs")
        page.wait_for_selector("#swagger-ui .info .title")
        for path in ("/quan-tri/", "/quan-tri/accounts/user/", "/quan-tri/accounts/user/1/change/"):
            _load(page, site.url + path)
            page.wait_for_selector("#site-name")
        assert refusals.take() == []
    finally:
        context.close()

"""Every page of every role passes production's Content-Security-Policy: the site is served with
LIENTHONG_ENV=production, and the walk of test_layout.py (named routes and each role's links) loads each page
in Chromium, failing on any refusal the browser reports (a `securitypolicyviolation` event or a console
message "Refused to …"): an inline script, style or style="" attribute, an eval, a foreign source.
Beyond the walk: the header search's suggestions (htmx), the dashboard's bars, the API docs (Swagger UI)
and the admin."""
from __future__ import annotations

import json
import sys

import pytest
from production_env import production

from .conftest import demo_site
from .pages import LINKS_JS, Samples, is_file_path, named_routes, route_of
from .test_layout import HERE, ROLES, SETUP, RoleCheck, _load, _report

pytestmark = pytest.mark.e2e

# Recorded from the document's start, before any of its scripts run.
LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || location.pathname}:${e.lineNumber}` +
  (e.sample ? ` "${e.sample}"` : '')));"""


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e-csp")
    with demo_site(data_dir, before_serving=(
        ("-c", SETUP),
        ("-m", "lienthong.sync.worker", "--once"),
        (str(HERE / "layout_data.py"),),
    ), serve_env=production(data_dir)) as site:
        yield site


class Refusals:
    """What the browser refused on one tab, from both of its reports."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.add_init_script(LISTEN)
        page.on("console", lambda m: self.console.append(m.text) if "Content Security Policy" in m.text
                or m.text.startswith("Refused to") else None)

    def take(self) -> list[str]:
        found = self.console + (self.page.evaluate("() => window.__csp || []") or [])
        self.console = []
        return found


class CspCheck(RoleCheck):
    """test_layout's walk of one role's pages, on the desktop only, checking the browser's refusals."""

    def __init__(self, browser, site, role, routes, samples):
        super().__init__(browser, site, role, routes, samples, None)
        self.refusals = Refusals(self.pages["desktop"])

    def _check(self, visit):
        page = self.pages["desktop"]
        _load(page, self.site.url + visit.url)
        for text in self.refusals.take():
            self.failures.append(self._failure(visit.url, "desktop", {"rule": "csp", "element": "-", "text": text,
                                                                     "detail": "refused by the CSP"}))
        found = page.evaluate(LINKS_JS)
        for href in found["links"]:
            self.frontier.add(href, visit.depth + 1, base=page.url, samples=self.samples)
        for action in found["actions"]:
            path = action.split("?")[0]
            if not is_file_path(path) and (match := route_of(path)):
                self.samples.learn(*match)


def test_production_serves_the_csp_and_every_page_of_every_role_passes_it(production_site, browser):
    site = production_site
    routes = named_routes()
    samples = Samples(json.loads((site.data_dir / "layout-samples.json").read_text()))
    outcomes, failures = [], []
    for role in ROLES:
        check = CspCheck(browser, site, role, routes, samples)
        try:
            if role:  # production's session cookie is Secure: the login must hold over http://127.0.0.1 too
                home = check.contexts["desktop"].request.get(site.url + "/", max_redirects=0)
                assert "/dang-nhap/" not in home.headers.get("location", ""), f"{role}: not logged in"
            check.run()
        finally:
            check.close()
        outcomes += [(check.who, *o) for o in check.outcomes]
        failures += check.failures
    pages = sum(1 for o in outcomes if o[3] == "page")
    print(f"\ncsp: {pages} (role, page) combinations loaded under production's policy", file=sys.stderr)
    assert pages > 0
    report = _report(outcomes, failures, routes)
    assert not report, report


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

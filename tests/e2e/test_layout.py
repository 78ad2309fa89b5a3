"""Every page of every role, on a desktop (1366×768) and a phone (390×844): no horizontal scroll, no overlapping
header parts, no clipped figures (also when every count has 7 digits) — and, the site being served as production
serves it (LIENTHONG_ENV=production), nothing refused by its Content-Security-Policy on the load of each page
(a `securitypolicyviolation` event or a console message "Refused to …": an inline script, style or style=""
attribute, an eval, a foreign source). One walk per screen checks both: the pages are many and each load costs; the
two screens' walks are two tests, which pytest-xdist runs side by side.

The pages are found, not listed: the named GET routes of Django's URL resolver (arguments filled from the
demo data) and a bounded crawl of each role's links (pages.py), so a new page is checked without editing
this file. A route that no role could open fails the check too: a page nobody checks is how item 5 of
issue 8 (the sync stylesheet breaking the site header) went unnoticed.

LAYOUT_SCREENSHOTS=/tmp/some-dir saves a full-page screenshot of every checked page there.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .pages import LINKS_JS, Frontier, Samples, is_file_path, named_routes, route_of

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
RULES_JS = (HERE / "layout_rules.js").read_text()
ROLES = ("quantri", "thuysan", "cang", "xa_phuquoc", "congan_phuquoc", "xem", "tuphap", None)  # None: no account (a captain)
VIEWPORTS = (("desktop", {"width": 1366, "height": 768}, False), ("phone", {"width": 390, "height": 844}, True))
# Outcomes that show the route was looked at (a page checked, or a route that is no page to look at).
COVERED = {"page", "GET not allowed", "file", "fragment", "redirect"}


# Recorded from the document's start, before any of its scripts run.
LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || location.pathname}:${e.lineNumber}` +
  (e.sample ? ` "${e.sample}"` : '')));"""


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


def _login(context, site, username):
    page = context.new_page()
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    assert "/dang-nhap/" not in page.url, f"{username} could not log in"
    page.close()


def _load(page, url: str) -> None:
    """The page loaded, its fonts in and one frame drawn. Not "networkidle": it waits 500 ms of network quiet on
    every page (most of the walk's wall time) and never comes on the pages that poll (3 s each); no page loads a part
    by htmx on its own at load, so nothing is missed."""
    page.goto(url, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r())))")


class RoleCheck:
    """One role's walk, loading each page in `viewports` (names of VIEWPORTS): the first one's links lead on."""

    def __init__(self, browser, site, role, routes, samples, shots: Path | None, viewports=("desktop", "phone")):
        self.site, self.role, self.routes, self.samples, self.shots = site, role, routes, samples, shots
        self.viewports = [v for v in VIEWPORTS if v[0] in viewports]
        self.who = role or "(no account)"
        desktop = browser.new_context(viewport=VIEWPORTS[0][1], locale="vi-VN")
        if role:
            _login(desktop, site, role)
        phone = browser.new_context(viewport=VIEWPORTS[1][1], is_mobile=True, has_touch=True, locale="vi-VN",
                                    storage_state=desktop.storage_state())
        self.contexts = {"desktop": desktop, "phone": phone}
        self.pages = {name: ctx.new_page() for name, ctx in self.contexts.items()}
        for p in self.pages.values():
            p.set_default_timeout(20_000)
        self.refusals = Refusals(self.pages[self.viewports[0][0]])
        self.frontier = Frontier(site.url)
        self.outcomes: list[tuple[str, str, str]] = []  # (route, url, outcome)
        self.failures: list[dict] = []

    def close(self):
        for ctx in self.contexts.values():
            ctx.close()

    def run(self):
        self.frontier.add("/", 0, samples=self.samples)
        self._drain()
        for route in self.routes:
            if self.frontier.per_route.get(route.name):
                continue
            if route.is_file:
                self.outcomes.append((route.name, route.format, "file"))
                continue
            url = self.samples.fill(route)
            if url is None:
                self.outcomes.append((route.name, route.format, "no sample for its URL arguments"))
                continue
            self.frontier.add(url, 0)
            self._drain()

    def _drain(self):
        while (visit := self.frontier.pop()) is not None:
            outcome = self._classify(visit)
            self.outcomes.append((visit.route, visit.url, outcome))
            if outcome == "page":
                self._check(visit)

    def _classify(self, visit) -> str:
        """What the route answers this role, asked without a browser tab (nothing is downloaded or run)."""
        response = self.contexts["desktop"].request.get(self.site.url + visit.url, max_redirects=0,
                                                       fail_on_status_code=False)
        status, headers = response.status, response.headers
        if status in (301, 302, 303, 307, 308):
            target = urlsplit(headers.get("location", ""))
            found = route_of(target.path)
            if found and found[0] == "login":
                return "login required"
            self.frontier.add(headers.get("location", ""), visit.depth, base=self.site.url + visit.url,
                              samples=self.samples)
            return "redirect"
        if status in (403, 404):
            return str(status)
        if status == 405:
            return "GET not allowed"
        if status >= 400:
            self.failures.append(self._failure(visit.url, "-", {"rule": f"status-{status}", "element": "-",
                                                                 "text": "", "detail": "the page answers an error"}))
            return f"error {status}"
        kind = headers.get("content-type", "")
        if "text/html" not in kind or "attachment" in headers.get("content-disposition", ""):
            return "file"
        if "<html" not in response.text()[:2000].lower():
            return "fragment"
        return "page"

    def _failure(self, url, viewport, f) -> dict:
        return {"role": self.who, "url": url, "viewport": viewport, **f}

    def _check(self, visit):
        for viewport, size, _ in self.viewports:
            page = self.pages[viewport]
            _load(page, self.site.url + visit.url)
            if self.shots:
                name = f"{self.who}_{visit.route}_{len(self.outcomes)}_{viewport}.png".replace(":", "-").strip("()")
                page.screenshot(path=str(self.shots / name), full_page=True)
            plain = page.evaluate(RULES_JS, [size["width"], False])
            for f in plain:
                self.failures.append(self._failure(visit.url, viewport, f))
            if viewport == self.viewports[0][0]:
                for text in self.refusals.take():
                    self.failures.append(self._failure(visit.url, viewport, {
                        "rule": "csp", "element": "-", "text": text, "detail": "refused by the CSP"}))
                found = page.evaluate(LINKS_JS)
                for href in found["links"]:
                    self.frontier.add(href, visit.depth + 1, base=page.url, samples=self.samples)
                for action in found["actions"]:
                    path = urlsplit(action).path or urlsplit(page.url).path
                    if not is_file_path(path) and (match := route_of(path)):
                        self.samples.learn(*match)
            already = {(f["rule"], f["element"]) for f in plain}
            for f in page.evaluate(RULES_JS, [size["width"], True]):
                if (f["rule"], f["element"]) not in already:
                    f["rule"] += " (with 7-digit figures)"
                    self.failures.append(self._failure(visit.url, viewport, f))


def _report(outcomes, failures, routes) -> str:
    lines = []
    uncovered = []
    by_route = defaultdict(set)
    for _role, route, _, outcome in outcomes:
        by_route[route].add(outcome)
    for route in routes:
        if not by_route[route.name] & COVERED:
            uncovered.append(f"  {route.name} ({route.format}): {', '.join(sorted(by_route[route.name])) or 'never reached'}")
    if uncovered:
        lines.append("Routes no role could open (give the demo data an object for them, or link them):")
        lines += uncovered
    if failures:
        # The same fault on many pages (a shell stylesheet broken by an app's) is listed once, with where.
        grouped = defaultdict(list)
        for f in failures:
            grouped[(f["rule"], f["viewport"], f["element"], f["text"], f["detail"])].append(f"{f['role']} {f['url']}")
        lines.append(f"{len(failures)} layout failures ({len(grouped)} distinct):")
        for (rule, viewport, element, text, detail), where in sorted(grouped.items()):
            more = f" and {len(where) - 3} more" if len(where) > 3 else ""
            lines.append(f"  [{rule}] {viewport} | {element} | \"{text}\" | {detail}\n"
                         f"      at {'; '.join(sorted(where)[:3])}{more}")
    return "\n".join(lines)


# One test per screen: the two walks run side by side on two cores (each is minutes of page loads).
@pytest.mark.parametrize("viewport", [v[0] for v in VIEWPORTS])
def test_every_page_of_every_role_fits_the_screen_and_passes_the_csp(layout_site, browser, viewport):
    started = time.monotonic()
    routes = named_routes()
    samples = Samples(json.loads((layout_site.data_dir / "layout-samples.json").read_text()))
    shots = Path(os.environ["LAYOUT_SCREENSHOTS"]) if os.environ.get("LAYOUT_SCREENSHOTS") else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    outcomes, failures = [], []
    for role in ROLES:
        check = RoleCheck(browser, layout_site, role, routes, samples, shots, viewports=(viewport,))
        try:
            if role:  # production's session cookie is Secure: the login must hold over http://127.0.0.1 too
                home = check.contexts["desktop"].request.get(layout_site.url + "/", max_redirects=0)
                assert "/dang-nhap/" not in home.headers.get("location", ""), f"{role}: not logged in"
            check.run()
        finally:
            check.close()
        outcomes += [(check.who, *o) for o in check.outcomes]
        failures += check.failures
    checked = sum(1 for o in outcomes if o[3] == "page")
    summary = defaultdict(lambda: defaultdict(list))
    for who, route, _, outcome in outcomes:
        summary[who][outcome].append(route)
    print(f"\nlayout and CSP, {viewport}: {checked} (role, page) combinations checked over {len(routes)} named routes "
          f"in {time.monotonic() - started:.0f} s", file=sys.stderr)
    for who, by_outcome in summary.items():
        print(f"  {who}: " + ", ".join(f"{len(r)} {k}" for k, r in sorted(by_outcome.items())), file=sys.stderr)
        for outcome in ("403", "404", "login required"):
            if by_outcome.get(outcome):
                print(f"    {outcome}: {' '.join(sorted(set(by_outcome[outcome])))}", file=sys.stderr)
    assert checked > 0
    report = _report(outcomes, failures, routes)
    assert not report, report

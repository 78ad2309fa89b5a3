"""Issue 2 in a real browser: log in, import a registry with bad rows, search with and without
diacritics, open a vessel, and be denied as the wrong commune."""
from __future__ import annotations

import re

import pytest

from lienthong.identity.text import fold

pytestmark = pytest.mark.e2e


def api_json(page, live_site, path: str):
    response = page.request.get(live_site.url + path)
    assert response.status == 200, (path, response.status)
    return response.json()


def test_login_failure_then_success(page, live_site):
    page.goto(live_site.url + "/")
    assert "/dang-nhap/" in page.url  # anonymous users are sent to the login page
    page.fill("[data-testid=login-username]", "thuysan")
    page.fill("[data-testid=login-password]", "sai-mat-khau")
    page.click("[data-testid=login-submit]")
    assert page.locator("[data-testid=login-error]").is_visible()
    page.fill("[data-testid=login-username]", "thuysan")
    page.fill("[data-testid=login-password]", live_site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=vessel-total]")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("[data-testid=search-input]").is_visible()


def test_import_file_with_bad_rows_shows_the_report(page, live_site, login, tmp_path):
    from lienthong.demo import write_registry_with_errors

    path = tmp_path / "so-dang-ky-loi.xlsx"
    bad_rows = write_registry_with_errors(path, rows=12)
    login(page, "thuysan")
    page.click("[data-testid=nav-import]")
    page.set_input_files("[data-testid=import-file]", str(path))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=import-report]")

    rejected = int(page.locator("[data-testid=rows-rejected]").inner_text().strip())
    counts = {
        name: int(page.locator(f"[data-testid=rows-{name}]").inner_text().strip())
        for name in ("total", "created", "updated", "unchanged")
    }
    # 12 good rows and 4 bad ones; a good row may update a demo vessel that happens to share its number
    assert counts["total"] == 16
    assert counts["created"] + counts["updated"] + counts["unchanged"] + rejected == 16
    errors = page.locator("[data-testid=import-error-row]")
    texts = [errors.nth(i).inner_text() for i in range(errors.count())]
    # The structurally impossible rows are rejected, each named by its sheet row and column.
    for bad in bad_rows:
        if bad.key in ("registration_number", "length_m"):
            assert any(re.search(rf"\b{bad.excel_row}\b", t) for t in texts), (bad, texts)
    assert rejected >= 2
    assert all("so-dang-ky-loi.xlsx" in t for t in texts), texts
    assert "so-dang-ky-loi.xlsx" in page.content()


def test_search_with_and_without_diacritics_then_open_vessel(page, live_site, login):
    login(page, "thuysan")
    vessels = api_json(page, live_site, "/api/v1/vessels?q=KG&limit=50")
    # an owner whose name carries diacritics, so the folded query differs from the written one
    target = next(v for v in vessels if v["owner"] and fold(v["owner"]["name"]) != v["owner"]["name"].lower())
    name = target["owner"]["name"]

    for query in (name, fold(name)):
        page.fill("[data-testid=search-input]", query)
        page.wait_for_selector("[data-testid=suggest-item]")
        page.press("[data-testid=search-input]", "Enter")
        page.wait_for_selector("[data-testid=search-results]")
        registrations = page.locator("[data-testid=search-result]").evaluate_all(
            "rows => rows.map(r => r.dataset.registration)"
        )
        assert target["registration_number"] in registrations, (query, registrations)

    page.goto(live_site.url + f"/tau/{target['registration_number']}/")
    # the heading carries the number and, in its own element, the vessel's name when it has one
    assert page.locator("[data-testid=vessel-registration]").inner_text().strip() == target["registration_number"]
    if target.get("name") and target["name"] != target["registration_number"]:
        assert target["name"] in page.locator("[data-testid=vessel-name]").inner_text()
    assert page.locator("[data-testid=owner-name]").inner_text().strip() == name
    assert page.locator("[data-testid=papers-table]").is_visible()


def test_commune_officer_is_denied_a_vessel_of_another_commune(page, live_site, login):
    login(page, "thuysan")
    vessels = api_json(page, live_site, "/api/v1/vessels?q=KG&limit=100")
    outside = next(v for v in vessels if v.get("commune_code") and v["commune_code"] != "31078")
    page.context.clear_cookies()

    login(page, "xa_phuquoc")
    response = page.goto(live_site.url + f"/tau/{outside['registration_number']}/")
    assert response.status == 404
    assert page.locator("[data-testid=error-404]").is_visible()
    own = api_json(page, live_site, "/api/v1/vessels?q=KG&limit=100")
    assert own and all("31078" in (v["commune_code"], v["owner"] and v["owner"]["commune_code"]) for v in own)
    assert outside["registration_number"] not in {v["registration_number"] for v in own}

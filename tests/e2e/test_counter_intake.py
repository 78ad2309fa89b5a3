"""Browser test of intake at the counter: a USB scanner types the card's QR code into the focused field and
presses Enter (Playwright's keyboard.type, character by character, as a scanner does); the applicant comes back
checked against the population extract, the officer picks the fishery procedure whose vessel papers the fleet
registry holds, receives, and gets the receipt's link; the receipt is form 01 on one A5 page."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import demo_site
from .test_csp import LISTEN

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
RULES_JS = (HERE / "layout_rules.js").read_text()  # the layout check's rules (test_layout.py), on these pages
SHOTS = Path(os.environ.get("COUNTER_SCREENSHOTS", "")) if os.environ.get("COUNTER_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def counter_site(tmp_path_factory):
    # Served with the Content-Security-Policy production sends (no inline script or style, no eval).
    with demo_site(tmp_path_factory.mktemp("e2e-counter"), before_serving=((str(HERE / "counter_data.py"),),),
                   serve_env={"LIENTHONG_CSP": "1"}) as site:
        yield site, json.loads((site.data_dir / "counter.json").read_text())


def _login(page, site, username):
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def _layout_faults(page, width) -> list:
    return page.evaluate(RULES_JS, [width, False])


def _shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_a_scanned_card_becomes_a_received_dossier_with_its_receipt(counter_site, browser, viewport, tmp_path):
    from playwright.sync_api import expect

    site, card = counter_site
    context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _login(page, site, "tn_e2e_quay")
    page.goto(site.url + "/mot-cua/tiep-nhan/")
    field = page.locator("[data-testid=scan-input]")
    assert page.evaluate("document.activeElement.id") == "qr"  # the scanner types into the page as it opens
    _shot(page, f"counter-empty-{viewport['width']}")
    page.keyboard.type(card["qr"], delay=2)
    page.keyboard.press("Enter")
    status = page.locator("[data-testid=check-status]")
    status.wait_for()
    assert status.get_attribute("data-status") == "verified"
    assert page.text_content("[data-testid=applicant-cccd]").startswith(card["cccd"])
    assert field.input_value() == ""  # emptied for the next card
    options = page.locator("[data-testid=procedure-option]")
    assert options.count() == 2
    page.locator("[data-testid=procedure-search]").type("giay phep khai thac")
    expect(options).to_have_count(1)
    options.filter(has_text="Cấp lại Giấy phép khai thác thủy sản").click()
    page.locator(f"[data-testid=vessel-{card['vessel']}]").wait_for()
    held = page.locator("tr[data-held='1']")
    assert held.count() == 1  # the registration certificate; the demo vessel may hold no safety certificate
    for row in page.locator("[data-testid=component]:not([data-held])").all():
        row.locator("input[type=checkbox]").check()
    page.fill("[data-testid=phone]", "0912345678")
    _shot(page, f"counter-intake-{viewport['width']}")
    assert _layout_faults(page, viewport["width"]) == []
    assert page.evaluate("window.__csp") == []  # the htmx swaps included
    page.click("[data-testid=receive-submit]")
    try:
        page.locator("[data-testid=intake-done]").wait_for()
    except Exception:
        _shot(page, "DEBUG")
        raise
    code = page.text_content("[data-testid=done-code]").strip()
    assert code.startswith("000.00.99.H56-")
    _shot(page, f"counter-done-{viewport['width']}")
    assert _layout_faults(page, viewport["width"]) == []
    assert page.evaluate("window.__csp") == []
    link = page.locator("[data-testid=receipt-link]")
    response = context.request.get(site.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert code in text and card["name"] in text and "Trang 1/1" in text
    if SHOTS:
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / f"receipt-{viewport['width']}")], check=True)
    context.close()


def test_a_card_without_a_readable_code_is_typed_by_hand(counter_site, browser):
    site, card = counter_site
    cccd, _old, name, birth, gender, address, _issued = card["qr"].split("|")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    _login(page, site, "tn_e2e_quay")
    page.goto(site.url + "/mot-cua/tiep-nhan/")
    page.click("[data-testid=manual] summary")
    page.fill("[data-testid=m-cccd]", cccd)
    page.fill("[data-testid=m-full-name]", name)
    page.fill("[data-testid=m-birth-date]", "31/02/1980")  # no such day: refused, naming the field
    page.select_option("[data-testid=m-gender]", gender)
    page.click("[data-testid=manual-submit]")
    page.locator("[data-testid=scan-error-birth_date]").wait_for()
    page.fill("[data-testid=m-birth-date]", f"{birth[:2]}/{birth[2:4]}/{birth[4:]}")
    page.click("[data-testid=manual-submit]")
    status = page.locator("[data-testid=check-status]")
    status.wait_for()
    assert status.get_attribute("data-status") == "verified"
    assert page.text_content("[data-testid=applicant-name]") == name
    _shot(page, "counter-manual-1366")
    context.close()

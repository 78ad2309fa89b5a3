"""Browser test of the hall counter (/sanh/quay/) at the demo's Rạch Giá centre, served with production's
Content-Security-Policy: the officer opens counter 5 for services A and B; a priority ticket taken after an
ordinary one is called first (with the keyboard's G); start, finish, the citizen rates on the screen turned round
(and the counter's tablet shows the rating screen by itself); the next ticket is carried into a dossier at the
counter intake, scanned once, and the dossier shows on the counter's screen, linked to the ticket."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import demo_site
from .test_csp import LISTEN

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
RULES_JS = (HERE / "layout_rules.js").read_text()
SHOTS = Path(os.environ["HALL_COUNTER_SCREENSHOTS"]) if os.environ.get("HALL_COUNTER_SCREENSHOTS") else None
SETUP = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lienthong.settings'); django.setup();"
# A demo citizen with a consistent CCCD: the QR code their card carries, for the intake's scanner.
CITIZEN = SETUP + """
import json
from pathlib import Path
from lienthong.identity.cccd import consistent_with
from lienthong.population.models import Citizen
for c in Citizen.objects.order_by('cccd')[:500]:
    if consistent_with(c.cccd, c.gender, c.birth_date.year) is True and c.birth_date.year <= 2004:
        qr = '|'.join([c.cccd, '', c.full_name, c.birth_date.strftime('%d%m%Y'), 'Nữ' if c.gender == 'nữ' else 'Nam',
                       c.address, '10052021'])
        Path(os.environ['LIENTHONG_DATA_DIR'], 'hall-citizen.json').write_text(json.dumps({'qr': qr, 'name': c.full_name}))
        break
else:
    raise SystemExit('no demo citizen with a consistent CCCD')
"""


@pytest.fixture(scope="module")
def hall_site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("e2e-hall-counter"), before_serving=(("-c", CITIZEN),),
                   serve_env={"LIENTHONG_CSP": "1"}) as site:
        yield site, json.loads((site.data_dir / "hall-citizen.json").read_text())


def _django(site, code: str) -> str:
    """Run `code` against the site's database (as the board would take a ticket); its printed output."""
    done = subprocess.run([sys.executable, "-c", SETUP + code], env=site.env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _take(site, letter: str, priority: str = "") -> str:
    return _django(site, f"""
from lienthong.hall import services
from lienthong.hall.models import PriorityGroup, Service
s = Service.objects.get(agency__commune_code='30742', letter='{letter}')
p = PriorityGroup.objects.get(code='{priority}') if '{priority}' else None
print(services.take_ticket(s.agency, s, priority=p).code)""")


def _login(page, site, username):
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def _check(page, viewport, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{viewport['width']}.png"), full_page=True)
    assert page.evaluate(RULES_JS, [viewport["width"], False]) == [], name
    assert page.evaluate("window.__csp") == [], name


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_call_serve_rate_and_carry_a_ticket_into_a_dossier(hall_site, browser, viewport):
    from playwright.sync_api import expect

    site, citizen = hall_site
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _login(page, site, "tn_rachgia")
    page.click("[data-testid=nav-hall-counter]")
    page.locator("[data-testid=hc-open-form]").wait_for()
    _check(page, viewport, "open")
    page.click("[data-testid=hc-counter-5]")
    for letter in ("A", "B"):
        page.locator(f"[data-testid=hc-service-{letter}] input").check()
    page.click("[data-testid=hc-open]")
    expect(page.locator("h1")).to_contain_text("Quầy số 5")

    # An ordinary ticket, then a priority one a minute later: the priority one is listed and called first.
    ordinary = _take(site, "A")
    elderly = _take(site, "B", "elderly")
    page.reload()
    codes = page.locator("[data-testid=hc-next-ticket]")
    expect(codes).to_have_count(2)
    assert [codes.nth(i).get_attribute("data-code") for i in range(2)] == [elderly, ordinary]
    _check(page, viewport, "queue")
    page.locator("body").press("g")  # the keyboard's "call next"
    expect(page.locator("[data-testid=hc-code]")).to_have_text(elderly)
    expect(page.locator("[data-testid=hc-priority]")).to_be_visible()
    _check(page, viewport, "called")
    page.click("[data-testid=hc-recall]")
    expect(page.locator("[data-testid=hc-now]")).to_contain_text("đã gọi 2 lần")
    page.click("[data-testid=hc-start]")
    expect(page.locator("[data-testid=hc-code]")).to_have_attribute("data-state", "serving")
    _check(page, viewport, "serving")

    tablet = context.new_page()  # the counter's citizen-facing tablet, logged in as the officer
    tablet.goto(site.url + "/sanh/quay/may-danh-gia/")
    expect(tablet.locator("[data-testid=hc-tablet]")).to_have_attribute("data-state", "idle")
    _check(tablet, viewport, "tablet-idle")

    page.click("[data-testid=hc-finish]")
    page.locator("[data-testid=hc-rate-offer]").wait_for()
    expect(tablet.locator("[data-testid=hc-tablet]")).to_have_attribute("data-state", "rating", timeout=10_000)
    _check(tablet, viewport, "tablet-rating")
    tablet.close()
    page.click("[data-testid=hc-rate]")
    page.locator("[data-testid=hc-rating-form]").wait_for()
    _check(page, viewport, "rating")
    page.click("[data-testid=hc-level-1]")
    page.fill("[data-testid=hc-reason]", "Cán bộ hướng dẫn tận tình")
    page.click("[data-testid=hc-rate-submit]")
    page.locator("[data-testid=hc-thanks]").wait_for()
    assert _django(site, f"""
from django.utils import timezone
from lienthong.hall.models import HallRating
from lienthong.hall.services import local_day
r = HallRating.objects.get(ticket__code='{elderly}', ticket__agency__commune_code='30742',
                           ticket__day=local_day(timezone.now()))  # the demo's past days have their own B001
print(r.level, r.reason)""") == "1 Cán bộ hướng dẫn tận tình"

    # The next citizen brings a dossier: carried into the intake, scanned once, received, linked to the ticket.
    page.click("[data-testid=hc-call]")
    expect(page.locator("[data-testid=hc-code]")).to_have_text(ordinary)
    page.click("[data-testid=hc-intake]")
    page.locator("[data-testid=carry]").wait_for()
    assert ordinary in page.text_content("[data-testid=carry]")
    page.locator("[data-testid=scan-input]").focus()
    page.keyboard.type(citizen["qr"], delay=1)
    page.keyboard.press("Enter")
    page.locator("[data-testid=check-status]").wait_for()
    options = page.locator("[data-testid=procedure-option]")
    assert options.count() >= 1
    for i in range(options.count()):  # service A is civil status: only its procedures are offered
        assert "Hộ tịch" in options.nth(i).text_content()
    if not page.locator("[data-testid=procedure-option] input:checked").count():
        options.first.click()
    page.locator("[data-testid=component]").first.wait_for()
    for row in page.locator("[data-testid=component]:not([data-held]) input[type=checkbox]").all():
        row.check()
    _check(page, viewport, "intake")
    page.click("[data-testid=receive-submit]")
    page.locator("[data-testid=intake-done]").wait_for()
    code = page.text_content("[data-testid=done-code]").strip()
    page.click("[data-testid=carry-back]")
    expect(page.locator("[data-testid=hc-dossier]")).to_have_text(code)
    expect(page.locator("[data-testid=hc-code]")).to_have_attribute("data-state", "serving")
    _check(page, viewport, "with-dossier")
    page.locator("body").press("h")  # finish with the keyboard
    page.locator("[data-testid=hc-rate-offer]").wait_for()
    _check(page, viewport, "finished")
    page.click("[data-testid=hc-close]")
    page.locator("[data-testid=hc-open-form]").wait_for()
    context.close()

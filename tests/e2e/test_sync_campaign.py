"""Browser tests of the sync campaign: the review queue by keyboard, and a commune officer answering
their worklist. The site is the demo province after a sync run by a real worker process and a
worklist build. This module runs its own site (built the same way as the shared one) because it needs
the run finished and the worklists built before the browser opens, which the shared site must not assume."""
from __future__ import annotations

import csv

import pytest

from .conftest import demo_site

pytestmark = pytest.mark.e2e

SETUP = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lienthong.settings'); django.setup();"
         "from lienthong.accounts.models import User; from lienthong.sync import actions, engine;"
         "u = User.objects.get(username='thuysan'); {}")


@pytest.fixture(scope="module")
def sync_site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("e2e-sync"), before_serving=(
        ("-c", SETUP.format("engine.plan_run(u)")),
        ("-m", "lienthong.sync.worker", "--once"),
        ("-c", SETUP.format("actions.build_worklists(u)")),
        # Phú Quốc's lists overdue, for the reminders page.
        ("-c", SETUP.format("from lienthong.sync.models import Worklist; import datetime;"
                            "Worklist.objects.filter(commune_code='31078')"
                            ".update(deadline=datetime.date(2026, 1, 5))")),
    )) as site:
        yield site


def _login(page, site, username):
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def test_review_queue_by_keyboard(sync_site, page):
    _login(page, sync_site, "thuysan")
    page.goto(sync_site.url + "/doi-soat/xet-duyet/")
    proposals = page.locator("[data-testid=proposal]")
    n = proposals.count()
    assert n >= 3, "the demo province leaves a few owners for review"
    total = int(page.text_content("[data-testid=review-total]"))
    first, second = proposals.nth(0).get_attribute("data-item"), proposals.nth(1).get_attribute("data-item")
    assert page.locator("article.proposal.current").get_attribute("data-item") == first
    page.keyboard.press("j")
    assert page.locator("article.proposal.current").get_attribute("data-item") == second
    page.keyboard.press("ArrowUp")
    assert page.locator("article.proposal.current").get_attribute("data-item") == first
    assert page.locator("article.proposal.current [data-testid=candidate]").first.is_visible()
    page.keyboard.press("1")  # choose the first candidate
    page.wait_for_selector(f"article.proposal[data-item='{first}']", state="detached")
    assert page.locator("article.proposal.current").get_attribute("data-item") == second
    page.keyboard.press("r")  # reject the next
    page.wait_for_selector(f"article.proposal[data-item='{second}']", state="detached")
    assert page.text_content("[data-testid=review-total]") == str(total - 2)
    page.reload()
    assert page.text_content("[data-testid=review-total]") == str(total - 2)
    ids = page.locator("[data-testid=proposal]").evaluate_all("els => els.map(e => e.dataset.item)")
    assert first not in ids and second not in ids


def test_review_enter_without_a_preselected_person_decides_nothing_and_undo_brings_it_back(sync_site, page):
    _login(page, sync_site, "thuysan")
    page.goto(sync_site.url + "/doi-soat/xet-duyet/")
    total = int(page.get_attribute("[data-testid=review-count]", "data-total"))
    assert page.locator("[data-testid=proposal]").count() == min(total, 100)
    undecided = page.locator("article.proposal[data-default='']")
    assert undecided.count() >= 1, "the demo leaves proposals below the automatic-link threshold"
    target = undecided.first.get_attribute("data-item")
    page.click(f"article.proposal[data-item='{target}'] .proposal-head .proposal-n")
    card = page.locator(f"article.proposal[data-item='{target}']")
    assert "current" in card.get_attribute("class")
    assert card.locator(".btn-primary").count() == 0 and card.locator("[data-testid=no-default]").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert card.count() == 1 and int(page.get_attribute("[data-testid=review-count]", "data-total")) == total
    # The parts shown add up to the total shown, in words.
    table = card.locator("[data-testid=explanation]").first
    parts = [float(t.replace("−", "-").replace("+", "").replace(".", "").replace(",", "."))
             for t in table.locator("[data-testid=part-weight]").all_text_contents()]
    shown = table.locator("[data-testid=total]").text_content().replace("−", "-").replace(".", "").replace(",", ".")
    assert round(sum(parts), 1) == float(shown)
    page.keyboard.press("1")
    card.wait_for(state="detached")
    assert page.locator("[data-testid=undo-bar]").is_visible()
    assert int(page.get_attribute("[data-testid=review-count]", "data-total")) == total - 1
    # Undo: the choice verified the owner, so undoing it changes a resolved identity and waits for a second
    # officer (issue 9, two-person rule); once another officer approves, the proposal is back in the queue.
    page.keyboard.press("u")
    page.wait_for_url("**/da-quyet-dinh/")
    assert "cán bộ thứ hai" in page.locator(".messages .msg").first.text_content()
    page.context.clear_cookies()
    _login(page, sync_site, "quantri")
    page.goto(sync_site.url + "/doi-soat/cho-duyet/")
    page.locator("[data-testid=identity-change] [data-testid=approve]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages .msg-success").count() == 1
    page.goto(sync_site.url + "/doi-soat/xet-duyet/")
    assert page.locator(f"article.proposal[data-item='{target}']").count() == 1
    assert int(page.get_attribute("[data-testid=review-count]", "data-total")) == total
    page.goto(sync_site.url + "/doi-soat/xet-duyet/da-quyet-dinh/")
    assert page.locator("[data-testid=decision] [data-testid=undone]").count() >= 1


def test_commune_officer_answers_their_worklist(sync_site, page):
    _login(page, sync_site, "xa_phuquoc")
    page.click("[data-testid=nav-sync]")  # area-scoped officers land on their worklists
    rows = page.locator("[data-testid=worklists] tbody tr")
    rows.first.wait_for()  # count() does not wait for the page the click opened
    assert rows.count() >= 1
    assert set(rows.evaluate_all("els => els.map(e => e.dataset.commune + ':' + e.dataset.kind)")) == {"31078:commune"}
    rows.first.locator("a").click()
    assert "Phú Quốc" in page.text_content("[data-testid=worklist-title]")
    truth = {r["record_id"]: r["true_cccd"] for r in csv.DictReader(open(sync_site.files_dir / "truth.csv"))}
    items = page.locator("[data-testid=worklist-item][data-state=open]")
    open_before = int(page.text_content("[data-testid=open-count]"))
    answerable = [(i, items.nth(i).get_attribute("data-reg")) for i in range(items.count())]
    answerable = [(i, reg) for i, reg in answerable if truth.get(reg)]
    assert answerable, "some listed owners exist in the population extract"
    _, reg = answerable[0]
    row = page.locator(f"[data-testid=worklist-item][data-reg='{reg}']")
    row.locator("[data-testid=answer-cccd]").fill("091000000000")  # well-formed, held by nobody
    row.locator("[data-testid=answer-submit]").click()
    page.wait_for_load_state("networkidle")
    # An error is an error: the banner is the red one, announced as an alert.
    banner = page.locator(".messages .msg").first
    assert banner.get_attribute("data-level") == "error" and banner.get_attribute("role") == "alert"
    assert page.locator(".messages .msg-success").count() == 0
    assert "không khớp" in banner.text_content().lower()  # one message for nobody's and someone else's CCCD
    row = page.locator(f"[data-testid=worklist-item][data-reg='{reg}']")
    assert row.get_attribute("data-state") == "answered"
    assert "không khớp" in row.locator("[data-testid=answer-result]").text_content().lower()
    row.locator("[data-testid=answer-cccd]").fill(truth[reg])
    row.locator("[data-testid=answer-submit]").click()
    page.wait_for_load_state("networkidle")
    row = page.locator(f"[data-testid=worklist-item][data-reg='{reg}']")
    assert row.get_attribute("data-state") == "resolved"
    assert int(page.text_content("[data-testid=open-count]")) < open_before
    # Nothing of other communes is reachable.
    response = page.goto(sync_site.url + "/doi-soat/xet-duyet/")
    assert response.status == 403


def test_commune_officer_reports_an_owner_deceased_and_downloads_every_list(sync_site, page, tmp_path):
    _login(page, sync_site, "xa_phuquoc")
    page.goto(sync_site.url + "/doi-soat/danh-sach/")
    with page.expect_download() as download:
        page.click("[data-testid=download-zip]")
    import zipfile

    path = tmp_path / "lists.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert names and all(n.startswith("danh-sach-xa-dac-khu-phu-quoc-") for n in names)
    page.locator("[data-testid=worklists] tbody tr a").first.click()
    row = page.locator("[data-testid=worklist-item][data-state=open]").first
    reg = row.get_attribute("data-reg")
    row.locator("[data-testid=answer-outcome]").select_option("deceased")
    row.locator("[data-testid=answer-note-input]").fill("Mất tháng 3/2025, con trai đang quản lý tàu")
    row.locator("[data-testid=answer-submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages .msg").first.get_attribute("data-level") == "success"
    row = page.locator(f"[data-testid=worklist-item][data-reg='{reg}']").first
    assert row.get_attribute("data-state") == "reported"
    assert row.locator("[data-testid=answer-result]").text_content().strip() == "Đã chết"
    assert "con trai đang quản lý tàu" in row.locator("[data-testid=answer-note]").text_content()
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        page.screenshot(path=str(sync_site.data_dir / f"worklist-{width}.png"), full_page=False)


def test_province_officer_sends_a_reminder_through_the_outbox(sync_site, page):
    _login(page, sync_site, "thuysan")
    page.goto(sync_site.url + "/doi-soat/nhac-han/")
    rows = page.locator("[data-testid=overdue] tbody tr")
    assert rows.count() >= 1
    rows.first.locator("[data-testid=send-reminder]").click()
    page.wait_for_load_state("networkidle")
    banner = page.locator(".messages .msg").first
    assert banner.get_attribute("data-level") == "success", banner.text_content()
    assert "phuquoc" in banner.text_content()  # Phú Quốc's officers, nobody else
    sent = page.locator("[data-testid=reminder]")
    assert sent.count() == 1 and sent.first.get_attribute("data-status") == "sent"
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        page.screenshot(path=str(sync_site.data_dir / f"reminders-{width}.png"), full_page=True)

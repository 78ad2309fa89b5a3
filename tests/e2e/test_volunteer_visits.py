"""A youth volunteer logs a visit on a phone with no connection: it waits on the phone, is sent when the
connection returns, and a resend (the phone unsure the first went through) is stored once."""
from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e


def test_a_visit_saved_offline_is_sent_when_back_and_stored_once(browser, live_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", "tnv_rachgia")
    page.fill("[data-testid=login-password]", live_site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=nav-visits]")
    page.wait_for_selector("[data-testid=visit-form]")
    household = f"Nhà ông Tư, ấp {uuid.uuid4().hex[:6]}"

    context.set_offline(True)
    page.select_option("[data-testid=visit-commune]", "30742")
    page.fill("[data-testid=visit-household]", household)
    page.fill("[data-testid=visit-people]", "4")
    page.check("[data-testid=visit-topic-vneid]")
    page.check("[data-testid=visit-topic-cashless]")
    page.fill("[data-testid=visit-minutes]", "40")
    page.click("[data-testid=visit-save]")
    page.wait_for_function("() => document.querySelector('[data-testid=visit-queue]').textContent.includes('1')")
    assert "Chờ gửi" in page.text_content("[data-testid=visit-queue]")
    queued = page.evaluate("() => JSON.parse(localStorage.getItem('lienthong.visits.v1'))")
    assert len(queued) == 1 and queued[0]["household"] == household and queued[0]["topics"] == ["vneid", "cashless"]
    assert page.input_value("[data-testid=visit-household]") == ""  # the form is ready for the next household
    assert page.input_value("[data-testid=visit-commune]") == "30742"

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => JSON.parse(localStorage.getItem('lienthong.visits.v1') || '[]').length === 0")
    assert "Đã gửi: 1" in page.text_content("[data-testid=visit-queue]")
    # The answer was lost on the way back, so the phone sends the same visit again: the server keeps one.
    page.evaluate("(item) => { localStorage.setItem('lienthong.visits.v1', JSON.stringify([item]));"
                  " window.dispatchEvent(new Event('online')); }", queued[0])
    page.wait_for_function("() => JSON.parse(localStorage.getItem('lienthong.visits.v1') || '[]').length === 0")
    assert "Đã gửi: 2" in page.text_content("[data-testid=visit-queue]")
    page.reload()
    recent = page.text_content("[data-testid=visit-recent]")
    assert recent.count(household) == 1 and "4 người" in recent
    context.close()

"""Browser test of the hall's electronic board on its two screens (portrait 1080×1920, landscape 1920×1080): the
citizen types "ho tich" (no diacritics) on the board's own keyboard, finds "Hộ tịch", says they have no
priority, and gets the ticket page — number, service, time, people ahead, the QR code — which the board's browser
prints and which goes back to the board. Also: a priority ticket, an appointment code that does not exist, a
board whose network printer is down (the citizen is told, staff see it on the devices page and print again).
Served with production's Content-Security-Policy. KIOSK_SCREENSHOTS=dir saves the screens."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from .conftest import demo_site
from .test_csp import LISTEN

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
RULES_JS = (HERE / "layout_rules.js").read_text()
SHOTS = Path(os.environ["KIOSK_SCREENSHOTS"]) if os.environ.get("KIOSK_SCREENSHOTS") else None
# window.print() is the board's browser printing the ticket: counted here instead of opening a dialog.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


@pytest.fixture(scope="module")
def kiosk_site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("e2e-kiosk"), before_serving=((str(HERE / "hall_kiosk_data.py"),),),
                   serve_env={"LIENTHONG_CSP": "1"}) as site:
        yield site, json.loads((site.data_dir / "hall-kiosk.json").read_text())


def _shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _printed(page, times=1) -> None:
    """Wait until the page has called window.print() `times` times (page.wait_for_function would eval a string,
    which the CSP refuses)."""
    for _ in range(50):
        if page.evaluate("window.__prints") >= times:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"window.print() was called {page.evaluate('window.__prints')} times, not {times}")


def _context(browser, width, height, **extra):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", has_touch=True, **extra)
    context.add_init_script(LISTEN)
    context.add_init_script(COUNT_PRINTS)
    return context


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_a_citizen_finds_civil_status_without_diacritics_and_takes_a_ticket(kiosk_site, browser, size):
    from playwright.sync_api import expect

    site, data = kiosk_site
    width, height = size
    context = _context(browser, width, height)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/sanh/bang/{data['key']}/")
    services = page.locator("[data-testid=kiosk-service]")
    expect(services).to_have_count(5)
    civil = page.locator("[data-testid=kiosk-service][data-letter=A]")
    expect(civil).to_contain_text("người đang chờ")
    expect(civil.locator("[data-role=wait]")).to_have_text(re.compile(r"^(Khoảng \d+ phút|Dưới \d+ phút|\d+–\d+ phút)$"))
    expect(page.locator("[data-testid=kiosk-service][data-letter=C] [data-role=wait]")).to_have_text(
        "Chưa có quầy nào mở cho dịch vụ này")
    assert page.evaluate(RULES_JS, [width, False]) == []
    _shot(page, f"board-{width}x{height}")
    # The touch screen has no keyboard of its own: the board's appears under the search box.
    page.locator("[data-testid=kiosk-search]").tap()
    keys = page.locator("[data-role=keyboard]")
    expect(keys).to_be_visible()
    for ch in "ho tich":
        keys.locator(f"[data-key='{ch}']").tap()
    expect(page.locator("[data-testid=kiosk-search]")).to_have_value("ho tich")
    expect(services.filter(visible=True)).to_have_count(1)
    expect(services.filter(visible=True)).to_contain_text("Hộ tịch")
    _shot(page, f"board-search-{width}x{height}")
    keys.locator("[data-key=hide]").tap()
    civil.tap()
    step = page.locator("[data-testid=kiosk-priority]")
    expect(step).to_contain_text("Ưu tiên?")
    expect(step.locator("[data-testid^=kiosk-priority-]")).to_have_count(4)
    assert page.evaluate(RULES_JS, [width, False]) == []
    _shot(page, f"priority-{width}x{height}")
    page.locator("[data-testid=kiosk-take]").tap()
    page.wait_for_url(re.compile(r"/sanh/bang/[^/]+/ve/[^/]+/$"))
    number = page.locator("[data-testid=ticket-number]").text_content()
    assert re.fullmatch(r"A\d{3}", number)
    expect(page.locator("[data-testid=ticket-service]")).to_have_text("Hộ tịch")
    expect(page.locator("[data-testid=ticket-time]")).to_have_text(re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"))
    expect(page.locator("[data-testid=ticket-ahead]")).to_contain_text("người đứng trước bạn")
    expect(page.locator("[data-testid=ticket-qr] svg")).to_be_visible()
    _printed(page)  # the board's browser printed it
    assert page.evaluate(RULES_JS, [width, False]) == []
    _shot(page, f"ticket-{width}x{height}")
    page.emulate_media(media="print")
    _shot(page, f"ticket-print-{width}x{height}")
    page.emulate_media(media="screen")
    assert page.evaluate("window.__csp") == []
    page.wait_for_url(f"{site.url}/sanh/bang/{data['key']}/", timeout=20_000)  # back to the board on its own
    context.close()


def test_a_priority_ticket_an_unknown_code_and_the_phone_size(kiosk_site, browser):
    from playwright.sync_api import expect

    site, data = kiosk_site
    context = _context(browser, 390, 844, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/sanh/bang/{data['key']}/")
    assert page.evaluate(RULES_JS, [390, False]) == []
    _shot(page, "board-390x844")
    page.fill("[data-testid=kiosk-code]", "KHONGCO1")
    page.locator("[data-testid=kiosk-checkin]").tap()
    expect(page.locator("[data-testid=kiosk-code-error]")).to_have_text("Không có lịch hẹn hôm nay với mã này.")
    page.locator("[data-testid=kiosk-service][data-letter=B]").tap()
    page.locator("[data-testid=kiosk-priority-disability]").tap()
    page.wait_for_url(re.compile(r"/ve/[^/]+/$"))
    expect(page.locator("[data-testid=ticket-priority]")).to_have_text("Ưu tiên")
    assert page.evaluate(RULES_JS, [390, False]) == []
    _shot(page, "ticket-390x844")
    assert page.evaluate("window.__csp") == []
    page.goto(f"{site.url}/sanh/bang/khong-phai-ma-bang/")
    expect(page.locator("[data-testid=kiosk-unknown]")).to_contain_text("Thiết bị này chưa được đăng ký")
    context.close()


def test_a_printer_failure_is_told_to_the_citizen_and_shown_to_staff(kiosk_site, browser):
    from playwright.sync_api import expect

    site, data = kiosk_site
    context = _context(browser, 1080, 1920)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/sanh/bang/{data['failed_key']}/?dich-vu=E")
    page.locator("[data-testid=kiosk-take]").tap()
    page.wait_for_url(re.compile(r"/ve/[^/]+/$"))
    expect(page.locator("[data-testid=kiosk-print-failed]")).to_contain_text("Máy in số thứ tự đang gặp sự cố")
    code = page.locator("[data-testid=ticket-number]").text_content()
    _printed(page)  # the browser's print, as a fallback
    _shot(page, "ticket-printer-failed-1080x1920")
    context.close()
    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = staff.new_page()
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", "tn_rachgia")
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    page.goto(site.url + "/sanh/bang/thiet-bi/")
    failed = page.locator("[data-testid=failed-print]")
    expect(failed.filter(has_text=code)).to_have_count(1)
    expect(page.locator("[data-testid=kiosk-device][data-ok='0']")).to_contain_text("Máy in từ chối kết nối")
    assert page.evaluate(RULES_JS, [1366, False]) == []
    _shot(page, "devices-1366x768")
    failed.filter(has_text=code).locator("[data-testid=reprint]").click()
    expect(page.locator(".msg-error")).to_contain_text(f"Chưa in được số {code}")  # the printer is still down
    staff.close()


def test_a_citizen_books_a_visit_on_a_phone_and_checks_in_at_the_board(kiosk_site, browser):
    """From the citizens' portal on a phone: the service, the first day offered, its first free time, the phone
    number; the confirmation page shows the code. At the board, a visit booked for today is checked in with its
    code typed in lower case with a space, and its ticket says it is an appointment."""
    from playwright.sync_api import expect

    site, data = kiosk_site
    context = _context(browser, 390, 844, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site.url}/dich-vu-cong/")
    page.locator("[data-testid=book-link]").tap()
    page.wait_for_url(re.compile(r"/sanh/dat-lich/$"))
    assert page.evaluate(RULES_JS, [390, False]) == []
    page.locator("[data-testid=book-service][data-letter=A]").tap()
    expect(page.locator("[data-testid=book-day][aria-current=date]")).to_have_count(1)
    assert page.evaluate(RULES_JS, [390, False]) == []
    _shot(page, "book-390x844")
    page.locator("[data-testid=book-submit]").tap()  # nothing chosen: both fields say what is missing
    expect(page.locator("[data-testid=book-time-error]")).to_have_text("Vui lòng chọn giờ.")
    expect(page.locator("[data-testid=book-phone-error]")).to_contain_text("Vui lòng nhập số điện thoại")
    free = page.locator("[data-testid=book-time]:not(.is-full)").first
    time_text = free.get_attribute("data-time")
    free.tap()
    page.fill("[data-testid=book-phone]", "0913 222 333")
    page.locator("[data-testid=book-submit]").tap()
    page.wait_for_url(re.compile(r"/sanh/dat-lich/lich/[^/]+/$"))
    code = page.locator("[data-testid=booked-code]").inner_text()
    assert re.fullmatch(r"LH[A-Z0-9]{6}", code)
    expect(page.locator("[data-testid=booked-time]")).to_contain_text(time_text)
    expect(page.locator("[data-testid=booked-state]")).to_have_text("Đã đặt lịch")
    assert page.evaluate(RULES_JS, [390, False]) == []
    _shot(page, "booked-390x844")
    page.locator("[data-testid=booked-cancel-open]").tap()
    page.locator("[data-testid=booked-cancel]").tap()
    expect(page.locator("[data-testid=booked-state]")).to_have_text("Đã hủy")
    assert page.evaluate("window.__csp") == []
    context.close()

    context = _context(browser, 1080, 1920)
    board = context.new_page()
    board.set_default_timeout(15_000)
    board.goto(f"{site.url}/sanh/bang/{data['key']}/")
    today = data["today_code"]
    board.fill("[data-testid=kiosk-code]", f"{today[:4].lower()} {today[4:].lower()}")
    board.locator("[data-testid=kiosk-checkin]").tap()
    board.wait_for_url(re.compile(r"/ve/[^/]+/$"))
    expect(board.locator("[data-testid=ticket-appointment]")).to_be_visible()
    expect(board.locator("[data-testid=ticket-number]")).to_have_text(re.compile(r"^A\d{3}$"))
    assert board.evaluate("window.__csp") == []
    context.close()

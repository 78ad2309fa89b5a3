"""The hall display in Chromium against the real server (`lienthong serve`, with production's CSP): a call made at
a counter is on the TV within a second; the TV reconnects by itself after the server restarts and shows the call
made while it was down. And the ticket's phone page follows the ticket."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import demo_site
from .test_csp import LISTEN

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
DISPLAY_KEY = "demo-man-hinh-rach-gia"
SHOTS = Path(os.environ["HALL_SCREENSHOTS"]) if os.environ.get("HALL_SCREENSHOTS") else None
# The display's DOM records when each ticket first appears (performance time → wall clock), to compare with the
# instant the call committed in the other process.
WATCH = """window.__seen = {};
new MutationObserver(() => {
  for (const li of document.querySelectorAll('#hd-calls [data-ticket]')) {
    if (!(li.dataset.ticket in window.__seen)) window.__seen[li.dataset.ticket] = performance.timeOrigin + performance.now();
  }
}).observe(document, {subtree: true, childList: true});"""


class Server:
    """`lienthong serve` on a fixed port, stopped and started again by the test."""

    def __init__(self, site, port: int):
        self.site, self.port, self.process = site, port, None
        self.url = f"http://127.0.0.1:{port}"

    def start(self):
        self.log = open(self.site.data_dir / f"hall-server-{self.port}.log", "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lienthong.cli", "serve", "--port", str(self.port), "--workers", "2"],
            env={**self.site.env, "LIENTHONG_CSP": "1"}, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/dang-nhap/", timeout=2)
                return
            except OSError:
                assert self.process.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hall_server(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("e2e-hall")) as site:
        server = Server(site, _free_port())
        server.start()
        try:
            yield server
        finally:
            if server.process.poll() is None:
                server.stop()


def _call(server, letter="A", counter=5) -> dict:
    done = subprocess.run([sys.executable, str(HERE / "hall_call.py"), letter, str(counter)], env=server.site.env,
                          check=True, capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _display(browser, server, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1920, "height": 1080}, locale="vi-VN")
    context.add_init_script(LISTEN)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/sanh/man-hinh/{DISPLAY_KEY}/")
    page.wait_for_selector("#hd-conn[data-state=live]")
    return context, page


def _shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_call_is_on_the_display_within_a_second(hall_server, browser):
    from playwright.sync_api import expect

    context, page = _display(browser, hall_server)
    try:
        call = _call(hall_server, "A", 5)
        main = page.locator("#hd-calls .hd-call-main")
        expect(main).to_have_attribute("data-ticket", call["code"], timeout=5000)
        expect(main).to_contain_text("Quầy 5")
        shown = page.evaluate(f"window.__seen[{json.dumps(call['code'])}]") / 1000
        assert shown - call["committed"] < 1.0, f"shown {shown - call['committed']:.2f} s after the call"
        expect(page.locator('#hd-counter-rows tr[data-counter="5"] .hd-code').first).to_have_text(call["code"])
        assert page.evaluate("window.__csp") == []
        _shot(page, "display-1920x1080")
        # The spoken call the event names is a WAV: the chime, then the voice.
        last = page.locator("#hall-display").get_attribute("data-last-shown")
        audio = page.request.get(f"{hall_server.url}/sanh/man-hinh/am-thanh/{last}.wav")
        assert audio.ok and audio.headers["content-type"] == "audio/wav" and audio.body()[:4] == b"RIFF"
    finally:
        context.close()


def test_the_display_reconnects_after_a_restart_and_shows_the_call_it_missed(hall_server, browser):
    from playwright.sync_api import expect

    context, page = _display(browser, hall_server)
    try:
        hall_server.stop()
        expect(page.locator("#hd-conn")).to_have_attribute("data-state", "lost", timeout=10_000)
        missed = _call(hall_server, "B", 6)  # made while the server is down
        hall_server.start()
        expect(page.locator("#hd-calls .hd-call-main")).to_have_attribute("data-ticket", missed["code"],
                                                                          timeout=15_000)
        expect(page.locator("#hd-conn")).to_have_attribute("data-state", "live")
        # And the stream is live again: the next call comes within a second.
        call = _call(hall_server, "B", 6)
        expect(page.locator("#hd-calls .hd-call-main")).to_have_attribute("data-ticket", call["code"], timeout=5000)
        assert page.evaluate(f"window.__seen[{json.dumps(call['code'])}]") / 1000 - call["committed"] < 1.0
    finally:
        context.close()


def test_the_phone_page_follows_the_ticket(hall_server, browser):
    from playwright.sync_api import expect

    call = _call(hall_server, "C", 7)  # a ticket taken and called at once
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    try:
        page.goto(f"{hall_server.url}/sanh/ve/{call['token']}/")
        expect(page.get_by_test_id("phone-code")).to_have_text(call["code"])
        expect(page.get_by_test_id("phone-called")).to_be_visible()
        expect(page.get_by_test_id("phone-called")).to_contain_text("Quầy 7")
        assert page.evaluate("window.__csp") == []
        _shot(page, "phone-called-390x844")
    finally:
        context.close()

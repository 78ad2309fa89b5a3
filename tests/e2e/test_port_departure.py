"""A departure from the captain's phone to the signed clearance, in a real browser against a real server
(its demo ports come from `lienthong demo-setup`)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.request
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e

_PICK = """
import json
from lienthong.fleet.models import Vessel
v = (Vessel.objects.filter(status="active", owner__isnull=False, length_m__isnull=False)
     .exclude(owner__id_number="").exclude(gear="").order_by("registration_number").first())
lic = v.licences.order_by("-expires_on").first()
print(json.dumps({"reg": v.registration_number, "owner_cccd": v.owner.id_number,
                  "zone": (lic.zone if lic and lic.zone else v.fishing_zone) or "inshore",
                  "gear": (lic.gear if lic and lic.gear else v.gear)}))
"""


@pytest.fixture(scope="module")
def demo_vessel(live_site):
    page = urllib.request.urlopen(live_site.url + "/cang/khai-bao/").read().decode()
    assert "Cảng cá Rạch Giá" in page  # the demo ports exist
    out = subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "shell", "-c", _PICK], env=live_site.env,
                         check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_departure_from_pre_declaration_to_signed_clearance(live_site, browser, login, demo_vessel):
    # The captain, on a phone, without an account.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    p = phone.new_page()
    p.set_default_timeout(15_000)
    p.goto(live_site.url + "/cang/khai-bao/")
    # The form's times are the port's local time; this process's own zone may be UTC (the server's clock is real).
    start = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + dt.timedelta(hours=2)
    p.fill("#id_registration_number", demo_vessel["reg"])
    p.fill("#id_owner_cccd", demo_vessel["owner_cccd"])
    p.select_option("#id_port", label="Cảng cá Rạch Giá")
    p.fill("#id_captain_name", "Nguyễn Văn Tư")
    p.fill("#id_captain_cccd", "091085001234")
    p.select_option("#id_zone", demo_vessel["zone"])
    p.select_option("#id_gear", demo_vessel["gear"])
    p.fill("#id_departure_at", start.strftime("%Y-%m-%dT%H:%M"))
    p.fill("#id_expected_return_at", (start + dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"))
    p.fill("[name=crew-0-name]", "Trần Văn Hải")
    p.fill("[name=crew-0-cccd]", "091090100000")
    p.click("[data-testid=crew-add]")
    p.click("[data-testid=crew-add]")
    assert p.locator("[data-testid=crew-row]").count() == 5
    p.fill("[name=crew-4-name]", "Lê Văn Bảy")
    p.fill("[name=crew-4-cccd]", "091092100007")
    p.click("[data-testid=declare-submit]")
    p.wait_for_selector("[data-testid=receipt]")
    reference = p.text_content("[data-testid=trip-reference]").strip()
    assert p.text_content("[data-testid=trip-status]").strip() == "Chờ kiểm tra"
    receipt_url = p.url

    # The port officer finds it waiting, checks and clears it.
    page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN").new_page()
    page.set_default_timeout(20_000)
    login(page, "cang")
    assert page.url == live_site.url + "/cang/"  # a port officer lands on the desk
    page.click(f"[data-testid=waiting] [data-reference='{reference}'] a")
    assert page.locator("[data-testid=check-row]").count() == 9
    assert page.locator("[data-testid=crew-list] li").count() == 2
    if page.locator("[data-testid=override-reason]").count():
        page.fill("[data-testid=override-reason]", "Kiểm tra trực tiếp tại cảng, giấy tờ bản gốc đầy đủ, đã lập biên bản")
    page.click("[data-testid=clear]")
    page.wait_for_selector("[data-testid=clearance]")
    # Cleared ahead of the declared departure: in port until then, and no arrival form yet.
    assert page.text_content("[data-testid=trip-status]").strip().startswith("Đã cho xuất bến, rời cảng lúc ")
    assert page.locator("[data-testid=arrival-not-yet]").count() == 1
    pdf = page.request.get(live_site.url + page.get_attribute("[data-testid=clearance-pdf]", "href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")

    # The QR code's page: the signature is checked and valid; a copy with one byte changed is not.
    page.click("[data-testid=verify-link]")
    assert page.get_attribute("[data-testid=signature-stored]", "data-valid") == "true"
    damaged = bytearray(pdf.body())
    damaged[damaged.index(b"stream", 200) + 20] ^= 0x01
    page.set_input_files("[data-testid=verify-file]", files=[
        {"name": "copy.pdf", "mimeType": "application/pdf", "buffer": bytes(damaged)}])
    page.click("[data-testid=verify-submit]")
    assert page.get_attribute("[data-testid=signature-uploaded]", "data-valid") == "false"

    # The captain's receipt now offers the signed clearance.
    p.goto(receipt_url)
    assert p.text_content("[data-testid=trip-status]").strip().startswith("Đã cho xuất bến, rời cảng lúc ")
    assert p.request.get(live_site.url + p.get_attribute("[data-testid=receipt-pdf]", "href")).body() == pdf.body()
    phone.close()
    page.context.close()

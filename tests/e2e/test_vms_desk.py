"""Vessel monitoring in a real browser against a real server (`lienthong demo-setup`'s month of positions): a
provider's batch through the API puts a zone breach on the duty desk, which the officer acknowledges, escalates and
closes; while it is open, the port's departure check refuses the vessel."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.request

import pytest

pytestmark = pytest.mark.e2e

_SETUP = """
import json
from datetime import timedelta
from shapely.geometry import shape
from django.utils import timezone
from lienthong.accounts.models import User
from lienthong.api.models import ApiToken
from lienthong.fleet.models import Vessel
from lienthong.port import services as port
from lienthong.port.models import Port
from lienthong.vms.models import Alert, Zone
busy = set(Alert.objects.values_list("vessel_id", flat=True))
v = (Vessel.objects.filter(status="active", length_m__gte=15, owner__isnull=False).exclude(vms_device_id="")
     .exclude(gear="").exclude(pk__in=busy).order_by("registration_number").first())
zone = Zone.objects.filter(kind="forbidden").order_by("code").first()
inside = shape(zone.geometry).representative_point()
_t, raw = ApiToken.issue(User.objects.get(username="vms_nhacungcap"), "e2e")
trip = port.declare(registration_number=v.registration_number, port=Port.objects.get(code="rach-gia"),
                    user=User.objects.get(username="cang"), captain=port.CrewInput("Nguyễn Văn Tư", "091085001234"),
                    crew=[port.CrewInput("Trần Văn Hải", "091090100000")], zone=v.fishing_zone or "inshore",
                    gear=v.gear, departure_at=timezone.now() + timedelta(hours=3),
                    expected_return_at=timezone.now() + timedelta(days=3))
from django.db.models import Max
from lienthong.vms.models import Position
last = Position.objects.filter(vessel=v).aggregate(t=Max("time"))["t"] or timezone.now() - timedelta(hours=4)
print(json.dumps({"last": last.isoformat(), "reg": v.registration_number, "token": raw, "lat": inside.y, "lon": inside.x, "zone": zone.code,
                  "trip": trip.reference}))
"""


@pytest.fixture(scope="module")
def setup(live_site):
    out = subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "shell", "-c", _SETUP], env=live_site.env,
                         check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def _post(live_site, token: str, body: str):
    request = urllib.request.Request(live_site.url + "/api/v1/vms/positions", data=body.encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_breach_from_the_feed_to_the_desk_and_the_port(live_site, browser, login, setup):
    # after the vessel's last position of the demo's month (which ends on the hour), before now
    last, now = dt.datetime.fromisoformat(setup["last"]), dt.datetime.now(dt.UTC)
    rows = [(last + (now - last) * i / 4).isoformat() for i in (1, 2, 3)]
    body = "registration_number,time,latitude,longitude,speed_knots,course_deg\n" + "".join(
        f"{setup['reg']},{t},{setup['lat']:.5f},{setup['lon']:.5f},3.5,120\n" for t in rows)
    answer = _post(live_site, setup["token"], body)
    assert (answer["stored"], answer["alerts_opened"]) == (3, 1)
    assert _post(live_site, setup["token"], body)["stored"] == 0  # sent again: nothing new

    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    login(page, "thuysan")
    page.goto(live_site.url + "/giam-sat/")
    row = page.locator(f"tr[data-kind=inside_forbidden_zone]:has-text('{setup['reg']}')")
    assert row.count() == 1 and row.get_attribute("data-state") == "new"
    row.locator("[data-testid=alert-link]").click()
    page.wait_for_load_state("networkidle")
    assert setup["zone"] in page.locator("[data-testid=alert-facts]").inner_text()
    page.wait_for_selector(".vms-map--ready")  # the offline map drew the track
    page.click("[data-testid=act-acknowledge]")
    assert page.locator("[data-testid=alert-state]").inner_text().strip() == "Đã tiếp nhận"
    page.fill("[data-testid=call-note]", "Gọi thuyền trưởng: yêu cầu rời vùng cấm ngay")
    page.click("[data-testid=act-call]")
    page.click("[data-testid=act-escalate]")
    assert page.locator("[data-testid=alert-state]").inner_text().strip() == "Đã chuyển cấp"

    # While the breach is open, the port refuses the vessel.
    port = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN").new_page()
    port.set_default_timeout(15_000)
    login(port, "cang")
    port.goto(live_site.url + f"/cang/chuyen/{setup['trip']}/")
    check = port.locator("[data-testid=check-row][data-code=vms_watch]")
    assert check.get_attribute("data-status") == "failed"
    assert "vi phạm vùng" in check.inner_text()

    page.fill("[data-testid=close-note]", "Tàu đã rời vùng cấm; lập biên bản vi phạm")
    page.click("[data-testid=act-close]")
    assert page.locator("[data-testid=alert-state]").inner_text().strip() == "Đã đóng"
    steps = page.locator("[data-testid=alert-steps] li").evaluate_all("els => els.map(e => e.dataset.step)")
    assert steps == ["opened", "acknowledge", "call", "escalate", "close"]
    port.reload()
    assert port.locator("[data-testid=check-row][data-code=vms_watch]").get_attribute("data-status") == "passed"
    ctx.close()

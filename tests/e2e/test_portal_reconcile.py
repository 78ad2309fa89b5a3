"""The national portal, end to end with real processes: `lienthong serve` (its job worker pushes the outbox) and
`lienthong portal-serve` (the reference portal, with faults). The portal is down at first: the officer's
reconciliation page says so and shows the updates waiting; the portal comes up, the officer presses "push
again", and the worker brings every dossier in step — each step once at the portal, through its faults."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from .conftest import _free_port, demo_site

pytestmark = pytest.mark.e2e
TOKEN = "thu-nghiem-cong-quoc-gia"

# Three dossiers at Rạch Giá's centre: received, walked through a few steps (the admin handles them).
MAKE_DOSSIERS = """
from datetime import date
from lienthong.accounts.models import User
from lienthong.onestop import lifecycle
from lienthong.onestop.models import Agency, Channel, Procedure
from lienthong.onestop.models import Dossier
admin = User.objects.get(username="quantri")
# This site starts with no dossiers (the demo's month of them would be pushed too): the counts below are these three.
Dossier.objects.all().delete()
centre = Agency.objects.get(code="000.00.06.H56")  # the demo's Rạch Giá centre and its marriage registration
p = Procedure.objects.get(code="1.000894.000.00.00.H56")
p.agencies.add(centre)
a = lifecycle.Applicant(cccd="091085001234", full_name="Nguyễn Thị Ánh", birth_date=date(1985, 3, 14))
for i in range(3):
    d = lifecycle.create_dossier(admin, agency=centre, procedure=p, channel=Channel.COUNTER, applicant=a)
    lifecycle.step(d, admin, "assign", department="Bộ phận Hộ tịch")
    for k in range(i * 6):
        lifecycle.step(d, admin, "hand_off", department=f"Tổ {k + 1}")
"""


@pytest.fixture(scope="module")
def portal_site(tmp_path_factory):
    port = _free_port()
    with demo_site(tmp_path_factory.mktemp("e2e-portal"),
                   before_serving=(("-m", "lienthong.cli", "manage", "shell", "-c", MAKE_DOSSIERS),),
                   serve_env={"LIENTHONG_PORTAL_URL": f"http://127.0.0.1:{port}", "LIENTHONG_PORTAL_TOKEN": TOKEN}) as site:
        yield site, port


def _login(page, site, username):
    page.goto(site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", username)
    page.fill("[data-testid=login-password]", site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def _shoot(page, name):
    folder = os.environ.get("LIENTHONG_SCREENSHOTS")
    if folder:
        for w, h in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": w, "height": h})
            page.screenshot(path=os.path.join(folder, f"{name}-{w}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 768})


def test_the_portal_comes_back_and_every_dossier_is_brought_in_step(page, portal_site):
    site, port = portal_site
    _login(page, site, "quantri")
    page.goto(site.url + "/mot-cua/cong-quoc-gia/")
    assert page.locator("[data-testid=portal-error]").is_visible()
    assert int(page.locator("[data-testid=backlog-rows]").inner_text()) == 3 + 3 * 2 + 6 + 12  # creates; steps
    _shoot(page, "portal-down")

    portal = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "portal-serve", "--port", str(port), "--token", TOKEN,
                               "--keep-duplicates", "--fault-drop-after", "0.2", "--fault-reply-twice", "0.2", "--seed", "4"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert "listening on" in portal.stdout.readline()
        page.reload()
        rows = page.locator("[data-testid=difference-row]")
        assert rows.count() == 3 and page.locator("text=chưa có trên Cổng").count() == 3
        _shoot(page, "portal-differences")
        page.locator("[data-testid=push-again]").first.click()
        page.wait_for_load_state("networkidle")
        assert "gửi lại" in page.locator(".messages [role=status]").inner_text()
        deadline = time.monotonic() + 240
        while not page.locator("[data-testid=in-step]").count():
            assert time.monotonic() < deadline, page.content()
            time.sleep(3)
            page.reload()
        assert page.locator("[data-testid=backlog-rows]").inner_text() == "0"
        _shoot(page, "portal-in-step")
        stats = httpx.get(f"http://127.0.0.1:{port}/control/stats", headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert stats["dossiers"] == 3 and stats["stats"]["steps"] == 3 * 2 + 6 + 12
        assert stats["stats"].get("duplicate_steps", 0) == 0
    finally:
        portal.terminate()
        portal.wait(10)
    assert json.loads(portal.stdout.read().strip().splitlines()[-1])["stats"]["steps"] == 24

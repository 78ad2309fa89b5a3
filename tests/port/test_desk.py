"""The port desk: refusing is the default action when a blocking check fails, the failing crew member is marked,
the clearance lists the crew, its QR points at the configured public address, port officers land on their desk."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lienthong.port import services

from .conftest import CAPTAIN, CREW


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(data))).pages)


def _buttons(html: str) -> list[tuple[str, str]]:
    """(data-testid, class) of the decision buttons, in page order."""
    section = html.split('data-testid="decision"', 1)[1]
    return re.findall(r'<button class="([^"]*)"[^>]*data-testid="(clear|refuse)"', section)


def test_refuse_is_the_primary_action_when_a_blocking_check_fails(client_for, declare_trip, port_officer, vessel):
    vessel.vms_device_id = ""
    vessel.save()
    html = client_for(port_officer).get(f"/cang/chuyen/{declare_trip().reference}/").content.decode()
    buttons = _buttons(html)
    assert [b[1] for b in buttons] == ["refuse", "clear"]  # refuse first: Enter refuses, never overrides
    assert "btn-primary" in buttons[0][0].split() and "btn-primary" not in buttons[1][0].split()
    assert ">Từ chối xuất bến<" in html and ">Vẫn cho xuất bến<" in html


def test_clear_is_the_primary_action_when_every_blocking_check_passes(client_for, declare_trip, port_officer):
    html = client_for(port_officer).get(f"/cang/chuyen/{declare_trip().reference}/").content.decode()
    buttons = dict((b[1], b[0]) for b in _buttons(html))
    assert "btn-primary" in buttons["clear"].split() and "btn-primary" not in buttons["refuse"].split()


def test_override_still_needs_a_written_reason(client_for, declare_trip, port_officer, vessel):
    vessel.vms_device_id = ""
    vessel.save()
    trip = declare_trip()
    response = client_for(port_officer).post(f"/cang/chuyen/{trip.reference}/quyet-dinh/", {"action": "clear"})
    assert response.status_code == 400 and 'data-testid="error-override"' in response.content.decode()


def test_the_failing_crew_member_is_marked(client_for, declare_trip, port_officer):
    # Row 2 gives a number whose birth year does not match; row 3 a number held by someone else.
    rows = [CREW[0], (CREW[1][0], CREW[1][1], CREW[1][2].replace(year=1970)), (CREW[2][0], CREW[5][1], None)]
    trip = declare_trip(crew_rows=rows)
    html = client_for(port_officer).get(f"/cang/chuyen/{trip.reference}/").content.decode()
    crew = re.findall(r'<li data-testid="crew-member" data-row="(\d+)"( data-failed="[^"]*")?', html)
    assert crew == [("1", ""), ("2", ' data-failed="crew_cccd_valid crew_population"'),
                    ("3", ' data-failed="crew_population"')]
    marked = re.search(r'data-row="2" data-failed[^>]*>(.*?)</li>', html, re.S).group(1)
    assert "Số định danh thuyền trưởng, thuyền viên hợp lệ" in marked  # which check, on the crew row
    cccd_row = html.split('data-code="crew_cccd_valid"', 1)[1].split("</tr>", 1)[0]
    assert f"Thuyền viên số 2 {CREW[1][0]}" in cccd_row  # which crew row, in the check list
    assert "Thuyền viên số 3" in html.split('data-code="crew_population"', 1)[1].split("</tr>", 1)[0]
    captain = re.search(r'data-testid="captain"[^>]*>', html).group(0)
    assert "data-failed" not in captain


def test_clearance_lists_the_crew_with_their_cccd(declare_trip, port_officer):
    trip = services.decide(declare_trip(crew=3), port_officer, action="clear")
    text = pdf_text(trip.clearance_pdf)
    assert "Danh sách thuyền viên" in text
    assert f"Thuyền trưởng {CAPTAIN[0]} {CAPTAIN[1]}" in text.replace("\n", " ")
    for name, cccd, _birth in CREW[:3]:
        assert f"Thuyền viên {name} {cccd}" in text.replace("\n", " ")


def test_verification_address_comes_from_the_setting(client_for, declare_trip, port_officer, settings):
    settings.PUBLIC_URL = "https://cangca.angiang.gov.vn"
    trip = declare_trip()
    client = client_for(port_officer)
    response = client.post(f"/cang/chuyen/{trip.reference}/quyet-dinh/", {"action": "clear"},
                           HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    trip.refresh_from_db()
    text = pdf_text(trip.clearance_pdf).replace("\n", "")
    assert f"https://cangca.angiang.gov.vn/cang/xac-minh/{trip.public_token}/" in text
    assert "127.0.0.1" not in text


def test_verification_address_is_required_in_production(declare_trip, port_officer, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PUBLIC_URL, settings.PRODUCTION = "", True
    with pytest.raises(ImproperlyConfigured, match="LIENTHONG_PUBLIC_URL"):
        services.verify_url(declare_trip())


def test_port_officers_land_on_their_desk(client_for, port_officer, fisheries_user):
    response = client_for(port_officer).get("/")
    assert response.status_code == 302 and response["Location"] == "/cang/"
    assert client_for(fisheries_user).get("/").status_code == 200
    from django.test import Client

    password = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD (conftest modules are not importable by name)
    after_login = Client().post("/dang-nhap/", {"username": port_officer.username, "password": password}, follow=True)
    assert after_login.redirect_chain[-1][0] == "/cang/"


def test_a_trip_cleared_before_its_departure_is_not_at_sea_until_then(client_for, declare_trip, port_officer, clock):
    """Cleared at 00:36 for a 02:36 departure it said "Đang trên biển", and the arrival form could only refuse."""
    import datetime as dt

    from django.utils import timezone

    trip = declare_trip(start=timezone.now() + dt.timedelta(hours=2))
    services.decide(trip, port_officer, action="clear")
    client = client_for(port_officer)
    html = client.get(f"/cang/chuyen/{trip.reference}/").content.decode()
    status = re.search(r'data-testid="trip-status">(.*?)</span>', html).group(1)
    assert status.startswith("Đã cho xuất bến, rời cảng lúc") and "trên biển" not in status
    assert 'data-testid="arrival-not-yet"' in html and 'data-testid="arrival-submit"' not in html
    desk = client.get("/cang/").content.decode()
    assert trip.reference in desk.split('data-testid="leaving"', 1)[1].split("</section>", 1)[0]
    assert trip.reference not in desk.split('data-testid="at-sea"', 1)[1].split("</section>", 1)[0]

    clock.shift(dt.timedelta(hours=3))  # it has left
    html = client.get(f"/cang/chuyen/{trip.reference}/").content.decode()
    assert re.search(r'data-testid="trip-status">(.*?)</span>', html).group(1) == "Đang trên biển"
    assert 'data-testid="arrival-submit"' in html

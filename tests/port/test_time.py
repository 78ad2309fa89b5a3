"""Every date the port shows, prints or exports is in Asia/Ho_Chi_Minh, also in the hours where the UTC date is
another day (00:00–07:00 local time)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from lienthong.port import services
from lienthong.port.models import Trip, TripStatus

from .test_checks import result

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_unreturned_trip_is_dated_in_local_time_after_midnight(clock, declare_trip):
    # Departure at 00:36 on 1/12 local time: in UTC it is still 30/11.
    clock.move_to(dt.datetime(2026, 12, 1, 0, 20, tzinfo=HCM))
    first = declare_trip(start=dt.datetime(2026, 12, 1, 0, 36, tzinfo=HCM))
    Trip.objects.filter(pk=first.pk).update(status=TripStatus.CLEARED)
    clock.move_to(dt.datetime(2026, 12, 3, 23, 45, tzinfo=HCM))
    r = result(declare_trip(), "no_open_violation")
    assert r["details"] == [f"Chuyến {first.reference} xuất bến 01/12/2026 chưa khai báo về cảng"]


def test_api_exports_times_in_local_time(clock, client_for, declare_trip, port_officer):
    clock.move_to(dt.datetime(2026, 12, 1, 0, 20, tzinfo=HCM))
    trip = declare_trip(start=dt.datetime(2026, 12, 1, 0, 36, tzinfo=HCM), days=2)
    from lienthong.api.models import ApiToken

    _, token = ApiToken.issue(port_officer, "desk")
    out = client_for().get(f"/api/v1/port/declarations/{trip.reference}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert out["departure_at"].startswith("2026-12-01T00:36:00") and out["departure_at"].endswith("+07:00")
    assert out["expected_return_at"].startswith("2026-12-03T00:36:00")


def test_pages_and_clearance_show_local_dates_after_midnight(clock, client_for, declare_trip, port_officer):
    clock.move_to(dt.datetime(2026, 12, 1, 0, 20, tzinfo=HCM))
    trip = services.decide(declare_trip(start=dt.datetime(2026, 12, 1, 0, 36, tzinfo=HCM), days=2),
                           port_officer, action="clear")
    client = client_for(port_officer)
    html = client.get(f"/cang/chuyen/{trip.reference}/").content.decode()
    assert "00:36 01/12/2026" in html and "30/11/2026" not in html
    desk = client.get("/cang/").content.decode()
    assert "00:36 01/12/2026" in desk
    stats = client.get("/cang/thong-ke/?days=3").content.decode()
    assert "01/12" in stats and "02/12" not in stats  # today (1/12) is the last day of the chart
    from pypdf import PdfReader
    import io

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(trip.clearance_pdf))).pages)
    assert "00:36 01/12/2026" in text and "00:20 01/12/2026" in text  # departure; decision time

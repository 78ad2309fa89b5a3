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


def _after_midnight(clock, days_ahead=1):
    """Move the clock to 00:20 local time a day after the suite's pinned instant (the fixtures' papers were made
    valid around that instant) and return 00:36 that day: a departure whose UTC date is still the day before."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    clock.move_to(dt.datetime.combine(day, dt.time(0, 20), tzinfo=HCM))
    return dt.datetime.combine(day, dt.time(0, 36), tzinfo=HCM)


def test_unreturned_trip_is_dated_in_local_time_after_midnight(clock, declare_trip):
    # Departure at 00:36 local time (e.g. on 1/12): in UTC it is still the day before (30/11).
    start = _after_midnight(clock)
    first = declare_trip(start=start)
    Trip.objects.filter(pk=first.pk).update(status=TripStatus.CLEARED)
    clock.move_to(start + dt.timedelta(days=2, hours=23))
    r = result(declare_trip(), "no_open_violation")
    assert r["details"] == [f"Chuyến {first.reference} xuất bến {start:%d/%m/%Y} chưa khai báo về cảng"]


def test_api_exports_times_in_local_time(clock, client_for, declare_trip, port_officer):
    start = _after_midnight(clock)
    trip = declare_trip(start=start, days=2)
    from lienthong.api.models import ApiToken

    _, token = ApiToken.issue(port_officer, "desk")
    out = client_for().get(f"/api/v1/port/declarations/{trip.reference}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert out["departure_at"] == f"{start:%Y-%m-%d}T00:36:00+07:00"
    assert out["expected_return_at"] == f"{start + dt.timedelta(days=2):%Y-%m-%d}T00:36:00+07:00"


def test_pages_and_clearance_show_local_dates_after_midnight(clock, client_for, declare_trip, port_officer):
    start = _after_midnight(clock)
    day, eve = f"{start:%d/%m/%Y}", f"{start - dt.timedelta(days=1):%d/%m/%Y}"
    trip = services.decide(declare_trip(start=start, days=2), port_officer, action="clear")
    client = client_for(port_officer)
    html = client.get(f"/cang/chuyen/{trip.reference}/").content.decode()
    assert f"00:36 {day}" in html and eve not in html
    desk = client.get("/cang/").content.decode()
    assert f"00:36 {day}" in desk
    stats = client.get("/cang/thong-ke/?days=3").content.decode()
    tomorrow = start + dt.timedelta(days=1)
    assert f"{start:%d/%m}" in stats and f"{tomorrow:%d/%m}" not in stats  # today is the chart's last day
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(trip.clearance_pdf))).pages)
    assert f"00:36 {day}" in text and f"00:20 {day}" in text  # departure; decision time

"""The arrival form: catch lines survive an error as typed, Vietnamese numbers are read, the arrival time cannot
be in the future, and the port of arrival defaults to the trip's port."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from lienthong.port import services
from lienthong.port.models import TripStatus
from lienthong.port.numbers import parse_decimal


@pytest.mark.parametrize("text, value", [
    ("1.250,5", "1250.5"), ("1250,5", "1250.5"), ("1250.5", "1250.5"), ("1250", "1250"), ("250,5", "250.5"),
    ("0,125", "0.125"), ("1.250.500", "1250500"), ("1 250,5", "1250.5"), ("1\u00a0250,5", "1250.5"),
    ("1,250.5", "1250.5"), (" 12 ", "12"),
])
def test_parse_decimal_reads_vietnamese_and_plain_numbers(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text, code", [
    ("1.250", "ambiguous"), ("1,250", "ambiguous"), ("12,5kg", "invalid"), ("1e5", "invalid"), ("abc", "invalid"),
    ("1.2.3", "invalid"), ("", "invalid"), ("--3", "invalid"),
])
def test_parse_decimal_refuses_ambiguous_or_invalid_text(text, code):
    with pytest.raises(ValueError) as err:
        parse_decimal(text)
    assert err.value.code == code


def _cleared(declare_trip, port_officer, **kw):
    """A trip cleared and gone: it left half an hour ago (before its departure there is no arrival form)."""
    kw.setdefault("start", timezone.now() - dt.timedelta(minutes=30))
    return services.decide(declare_trip(days=2, **kw), port_officer, action="clear")


def _post(client, trip, **over):
    back = timezone.localtime(trip.departure_at + dt.timedelta(hours=20))
    data = {"returned_at": back.strftime("%Y-%m-%dT%H:%M"), "zone_fished": "offshore", "arrival_port": trip.port_id}
    data.update(over)
    return client.post(f"/cang/chuyen/{trip.reference}/cap-cang/", data)


def test_catch_lines_are_kept_as_typed_after_an_error(clock, client_for, declare_trip, port_officer):
    trip = _cleared(declare_trip, port_officer)
    clock.shift(dt.timedelta(days=1))
    response = _post(client_for(port_officer), trip, returned_at="",
                     **{"catch-0-species": "tom", "catch-0-kg": "1.250,5", "catch-1-species": "ghe",
                        "catch-1-kg": "abc", "catch-2-species": "", "catch-2-kg": "",
                        "catch-7-species": "ca-ngu", "catch-7-kg": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    rows = re.findall(r'<div class="crew-row catch-row[^"]*" data-testid="catch-row">(.*?)</div>', html, re.S)
    typed = [(re.search(r'<option value="([^"]*)" selected', r).group(1) if "selected" in r else "",
              re.search(r'name="catch-\d+-kg" value="([^"]*)"', r).group(1)) for r in rows]
    assert typed[:3] == [("tom", "1.250,5"), ("ghe", "abc"), ("ca-ngu", "12")]
    assert all(t == ("", "") for t in typed[3:]) and len(typed) >= 6
    assert "Nhập thời gian cập cảng." in html
    assert "Dòng 2: khối lượng không hợp lệ: abc" in html
    trip.refresh_from_db()
    assert trip.status == TripStatus.CLEARED and trip.catches.count() == 0


def test_vietnamese_weights_are_stored_as_numbers(clock, client_for, declare_trip, port_officer):
    trip = _cleared(declare_trip, port_officer)
    clock.shift(dt.timedelta(days=1))
    response = _post(client_for(port_officer), trip, **{
        "catch-0-species": "tom", "catch-0-kg": "1.250,5", "catch-1-species": "ghe", "catch-1-kg": "1250.5",
        "catch-2-species": "ca-tap", "catch-2-kg": "1250,5"})
    assert response.status_code == 302, response.content.decode()[:2000]
    trip.refresh_from_db()
    assert [c.weight_kg for c in trip.catches.order_by("id")] == [Decimal("1250.5")] * 3
    html = client_for(port_officer).get(f"/cang/chuyen/{trip.reference}/").content.decode()
    assert "1.250,5 kg" in html and "tổng 3.751,5 kg" in html


def test_an_ambiguous_weight_is_refused_with_a_clear_message(clock, client_for, declare_trip, port_officer):
    trip = _cleared(declare_trip, port_officer)
    clock.shift(dt.timedelta(days=1))
    html = _post(client_for(port_officer), trip, **{"catch-0-species": "tom", "catch-0-kg": "1.250"}).content.decode()
    assert "Dòng 1: “1.250” có thể là 1.250 hoặc 1,25 kg: ghi rõ, ví dụ 1250 hoặc 1,25" in html


def test_an_arrival_in_the_future_is_refused(clock, client_for, declare_trip, port_officer):
    trip = _cleared(declare_trip, port_officer)
    clock.shift(dt.timedelta(hours=10))
    later = timezone.localtime() + dt.timedelta(hours=2)
    response = _post(client_for(port_officer), trip, returned_at=later.strftime("%Y-%m-%dT%H:%M"),
                     **{"catch-0-species": "tom", "catch-0-kg": "5", "catch-1-species": "ghe", "catch-1-kg": "1,250"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Thời gian cập cảng không thể ở tương lai" in html and "Dòng 2: “1,250”" in html  # every error at once
    with pytest.raises(services.PortError):
        services.record_arrival(trip, port_officer, returned_at=timezone.now() + dt.timedelta(hours=1))
    trip.refresh_from_db()
    assert trip.status == TripStatus.CLEARED


def test_arrival_port_defaults_to_the_trips_port(client_for, declare_trip, port_officer, ports):
    from lienthong.port.models import Port

    # More ports than the two, named so that the trip's port is neither first nor last.
    Port.objects.create(code="a", name="Cảng cá A Bến", commune_code="30742")
    Port.objects.create(code="z", name="Cảng cá Xẻo Nhàu", commune_code="30742")
    trip = _cleared(declare_trip, port_officer)
    html = client_for(port_officer).get(f"/cang/chuyen/{trip.reference}/").content.decode()
    select = re.search(r'<select id="arrival_port".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)" selected', select) == [str(ports["rach-gia"].pk)]


def test_catch_lines_are_capped():
    from lienthong.port.forms import MAX_CATCH_LINES, catch_from_post

    data = {f"catch-{i}-species": "tom" for i in range(MAX_CATCH_LINES + 5)}
    data.update({f"catch-{i}-kg": "1" for i in range(MAX_CATCH_LINES + 5)})
    catches, rows, errors = catch_from_post(data, {"tom": object()})
    assert len(catches) == MAX_CATCH_LINES and errors == [f"Tối đa {MAX_CATCH_LINES} dòng sản lượng"]

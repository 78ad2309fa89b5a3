"""GET /api/v1/calendar/due-date: public (no personal data), answers from the seeded swaps and the admin's days
off, 422 with a message per field for anything it cannot use, never 500."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from django.test import Client

from lienthong.onestop.models import DayOff, DaySwap

URL = "/api/v1/calendar/due-date"


def get(**params):
    return Client().get(URL + "?" + urlencode(params))


@pytest.mark.django_db
def test_the_brief_example_is_answered_without_signing_in():
    response = get(received="2026-01-30T16:00:00+07:00", working_days="5")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "received": "2026-01-30T16:00:00+07:00", "timezone_assumed": False, "working_days": 5,
        "working_hours": None, "due_date": "2026-02-06", "due_at": "2026-02-06T17:00:00+07:00",
        "skipped": [{"date": "2026-01-31", "reason": "weekend", "name": "Thứ Bảy"},
                    {"date": "2026-02-01", "reason": "weekend", "name": "Chủ nhật"}],
    }


@pytest.mark.django_db
def test_an_unencoded_plus_in_the_offset_still_means_plus():
    # "?received=2026-01-30T16:00:00+07:00" typed as it is: the query string turns "+" into a space.
    response = Client().get(URL + "?received=2026-01-30T16:00:00+07:00&working_days=5")
    assert response.status_code == 200, response.content
    assert response.json()["received"] == "2026-01-30T16:00:00+07:00"


@pytest.mark.django_db
def test_received_in_utc_late_evening_is_the_next_day_in_vietnam():
    body = get(received="2026-02-12T18:30:00Z", working_days="1").json()
    assert body["received"] == "2026-02-13T01:30:00+07:00"
    assert body["due_date"] == "2026-02-23"


@pytest.mark.django_db
def test_without_a_timezone_the_time_is_taken_as_vietnam_time_and_said_so():
    body = get(received="2026-01-30T16:00:00", working_days="5").json()
    assert body["timezone_assumed"] is True
    assert body["received"] == "2026-01-30T16:00:00+07:00" and body["due_at"] == "2026-02-06T17:00:00+07:00"


@pytest.mark.django_db
def test_the_seeded_swaps_are_applied():
    # 2026: Mon 31 Aug off in exchange for Sat 22 Aug (Ministry of Home Affairs, 2026 holiday schedule).
    body = get(received="2026-08-28T15:00:00+07:00", working_days="1").json()
    assert body["due_date"] == "2026-09-03"
    assert {"date": "2026-08-31", "reason": "swap"}.items() <= body["skipped"][2].items()
    assert get(received="2026-08-21T16:00:00+07:00", working_days="1").json()["due_date"] == "2026-08-22"
    assert get(received="2025-04-29T10:00:00+07:00", working_days="1").json()["due_date"] == "2025-05-05"


@pytest.mark.django_db
def test_a_day_off_saved_by_an_administrator_is_applied_at_once():
    assert get(received="2026-03-02T09:00:00+07:00", working_days="1").json()["due_date"] == "2026-03-03"
    DayOff.objects.create(date=date(2026, 3, 3), kind=DayOff.Kind.DISASTER, note="Bão số 3", source="Quyết định UBND tỉnh")
    body = get(received="2026-03-02T09:00:00+07:00", working_days="1").json()
    assert body["due_date"] == "2026-03-04"
    assert body["skipped"] == [{"date": "2026-03-03", "reason": "day_off", "name": "Bão số 3"}]
    DaySwap.objects.filter(date=date(2026, 8, 22)).delete()
    assert get(received="2026-08-21T16:00:00+07:00", working_days="1").json()["due_date"] == "2026-08-24"


@pytest.mark.django_db
def test_working_hours_instead_of_days():
    body = get(received="2026-03-06T16:00:00+07:00", working_hours="8").json()
    assert body["due_at"] == "2026-03-09T16:00:00+07:00" and body["working_days"] is None and body["working_hours"] == 8


@pytest.mark.django_db
def test_english_names_for_a_caller_who_chose_english(settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the site's switcher; Accept-Language is ignored
    response = client.get(URL + "?" + urlencode({"received": "2026-02-12T09:00:00+07:00", "working_days": 2}))
    names = {s["date"]: s["name"] for s in response.json()["skipped"]}
    assert names["2026-02-14"] == "Saturday" and "Lunar New Year" in names["2026-02-17"]


@pytest.mark.django_db
@pytest.mark.parametrize("params, field", [
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "abc"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "²"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "٣"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "-1"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "0"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "366"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "5.5"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00"}, "working_days"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_days": "5", "working_hours": "8"}, "working_hours"),
    ({"received": "2026-01-30T16:00:00+07:00", "working_hours": "99999"}, "working_hours"),
    ({"received": "hôm qua", "working_days": "5"}, "received"),
    ({"received": "2026-02-30T16:00:00+07:00", "working_days": "5"}, "received"),
    ({"received": "0001-01-01T00:00:00+07:00", "working_days": "5"}, "received"),
    ({"received": "9999-12-31T23:59:59-12:00", "working_days": "365"}, "received"),
    ({"working_days": "5"}, "received"),
])
def test_bad_input_is_a_422_naming_the_field(params, field):
    response = get(**params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "invalid" and field in body["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("received", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                                      "2000-01-01T00:30:00+14:00", "2097-12-31T23:00:00-12:00"])
def test_edges_of_the_year_range_are_422_not_500(received):
    assert get(received=received, working_days="1").status_code == 422


@pytest.mark.django_db
def test_the_calendar_endpoint_is_public_and_the_rest_is_not():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["paths"][URL]["get"].get("security") in (None, [])
    assert schema["paths"]["/api/v1/vessels"]["get"]["security"]
    assert Client().get("/api/v1/vessels?q=x").status_code == 401

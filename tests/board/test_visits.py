"""Youth volunteers' visits: logged from a phone (once, however often it is sent), totals per commune and week."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.models import AuditEvent
from lienthong.board import volunteers
from lienthong.board.models import HelpVisit

URL = "/ban-chi-dao/tinh-nguyen/"
RACH_GIA, PHU_QUOC = "30742", "31078"


@pytest.fixture
def volunteer(make_user):
    return make_user("tnv1", "volunteer")


def form(**over):
    data = {"client_id": str(uuid.uuid4()), "commune_code": RACH_GIA, "household": "Số 12, khu phố 3", "people": "3",
            "topics": ["vneid", "public_services"], "minutes": "45",
            "visited_at": timezone.localtime().strftime("%d/%m/%Y %H:%M")}
    data.update(over)
    return data


def test_a_visit_sent_twice_is_stored_once(volunteer, client_for):
    client = client_for(volunteer)
    data = form()
    first = client.post(URL, data, HTTP_ACCEPT="application/json")
    again = client.post(URL, data, HTTP_ACCEPT="application/json")
    assert (first.json(), again.json()) == ({"ok": True, "created": True}, {"ok": True, "created": False})
    visit = HelpVisit.objects.get()
    assert (visit.volunteer, visit.commune_code, visit.people, visit.topics, visit.minutes) == \
        (volunteer, RACH_GIA, 3, ["vneid", "public_services"], 45)
    assert AuditEvent.objects.filter(action="create", object_type="help_visit").count() == 1


def test_a_visit_made_offline_hours_ago_keeps_its_time(volunteer, client_for):
    when = timezone.localtime() - timedelta(hours=5)
    client_for(volunteer).post(URL, form(visited_at=when.strftime("%d/%m/%Y %H:%M")), HTTP_ACCEPT="application/json")
    assert timezone.localtime(HelpVisit.objects.get().visited_at).strftime("%H:%M") == when.strftime("%H:%M")


@pytest.mark.parametrize("field, value, key", [
    ("people", "0", "people"), ("people", "ba", "people"), ("minutes", "601", "minutes"), ("commune_code", "00001", "commune_code"),
    ("household", "  ", "household"), ("topics", [], "topics"), ("topics", ["vneid", "hacking"], "topics"),
    ("visited_at", "31/02/2026 10:00", "visited_at"), ("client_id", "not-a-uuid", "client_id"),
])
def test_a_wrong_field_is_refused_and_named(volunteer, client_for, field, value, key):
    response = client_for(volunteer).post(URL, form(**{field: value}), HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and key in response.json()["errors"]
    assert HelpVisit.objects.count() == 0


def test_the_future_and_the_long_past_are_refused(volunteer, client_for):
    client = client_for(volunteer)
    for when in (timezone.localtime() + timedelta(hours=2), timezone.localtime() - timedelta(days=61)):
        assert client.post(URL, form(visited_at=when.strftime("%d/%m/%Y %H:%M")), HTTP_ACCEPT="application/json").status_code == 400


def test_the_page_works_without_its_script(volunteer, client_for):
    client = client_for(volunteer)
    page = client.get(URL).content.decode()
    assert 'name="client_id"' in page and 'data-testid="visit-form"' in page
    assert client.post(URL, form()).status_code == 302
    bad = client.post(URL, form(people="0"))
    assert bad.status_code == 400 and 'data-testid="visit-errors"' in bad.content.decode()
    assert "Số 12, khu phố 3" in client.get(URL).content.decode()  # the latest visits


def test_who_may_log_and_who_reads_the_totals(volunteer, make_user, client_for):
    assert Client().get(URL).status_code == 302
    assert client_for(make_user("ts", "fisheries")).get(URL).status_code == 403
    assert client_for(make_user("xem2", "viewer")).get(URL).status_code == 403
    assert client_for(volunteer).get(reverse("board:visit-totals")).status_code == 403
    assert client_for(make_user("xem3", "viewer")).get(reverse("board:visit-totals")).status_code == 200


def test_totals_per_commune_and_week(volunteer, make_user, client_for):
    now = timezone.localtime()
    for days, commune, people in ((0, RACH_GIA, 2), (0, RACH_GIA, 3), (7, RACH_GIA, 1), (1, PHU_QUOC, 4), (70, PHU_QUOC, 9)):
        HelpVisit.objects.create(client_id=uuid.uuid4(), volunteer=volunteer, commune_code=commune, household="x",
                                 people=people, topics=["cashless"], minutes=30, visited_at=now - timedelta(days=days))
    today = now.date()
    starts, table = volunteers.weekly(today)
    assert starts[0] == today - timedelta(days=today.weekday()) and len(starts) == 8
    this_week = volunteers.week_start(today)
    assert table[RACH_GIA][this_week].people == 5 and table[RACH_GIA][this_week].visits == 2
    assert table[RACH_GIA][this_week - timedelta(weeks=1)].people == 1
    assert sum(w.people for w in table[PHU_QUOC].values()) == (4 if (now - timedelta(days=1)).date() >= starts[-1] else 0)
    page = client_for(make_user("xa", "commune", communes=(RACH_GIA,))).get(reverse("board:visit-totals")).content.decode()
    assert f'data-commune="{RACH_GIA}"' in page and f'data-commune="{PHU_QUOC}"' not in page


def test_week_starts_on_monday():
    assert volunteers.week_start(date(2026, 12, 1)) == date(2026, 11, 30)
    assert volunteers.week_start(date(2026, 11, 30)) == date(2026, 11, 30)

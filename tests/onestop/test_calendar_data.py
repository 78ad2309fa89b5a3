"""The swaps and days off as data: the seed is there after migrating, the admin edits them (audited), and the
calculator sees a change at once, in this process and in the others (a gunicorn worker that did not save)."""
from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import provider
from lienthong.onestop.models import DayOff, DaySwap


@pytest.mark.django_db
def test_the_verified_swaps_are_seeded_with_their_source():
    seeded = {(s.date, s.kind) for s in DaySwap.objects.all()}
    assert {(date(2025, 4, 26), "working"), (date(2025, 5, 2), "off"),
            (date(2026, 8, 22), "working"), (date(2026, 8, 31), "off")} <= seeded
    assert all(s.source for s in DaySwap.objects.all())


@pytest.mark.django_db
def test_the_calendar_is_cached_until_the_data_changes():
    first = provider.current_calendar()
    assert provider.current_calendar() is first
    DayOff.objects.create(date=date(2026, 3, 3), kind=DayOff.Kind.PROVINCE, note="Lễ hội", source="QĐ UBND")
    second = provider.current_calendar()
    assert second is not first and not second.is_working_day(date(2026, 3, 3))


@pytest.mark.django_db
def test_a_change_made_elsewhere_is_seen_too():
    """A row changed without this process's signals (another worker, a bulk update) still invalidates."""
    assert provider.current_calendar().is_working_day(date(2026, 8, 22))
    DaySwap.objects.filter(date=date(2026, 8, 22)).update(date=date(2026, 8, 15))  # no save(), no signal
    cal = provider.current_calendar()
    assert not cal.is_working_day(date(2026, 8, 22)) and cal.is_working_day(date(2026, 8, 15))


@pytest.mark.django_db
def test_the_admin_edits_days_off_and_each_change_is_audited(make_user):
    admin = make_user("quantri", "admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get("/quan-tri/onestop/dayoff/add/")
    assert page.status_code == 200 and "Ngày nghỉ" in page.content.decode()
    response = client.post("/quan-tri/onestop/dayoff/add/", {
        "date": "2026-03-03", "kind": "disaster", "note": "Bão số 3", "source": "Quyết định 123/QĐ-UBND"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DayOff.objects.filter(date=date(2026, 3, 3)).exists()
    event = AuditEvent.objects.filter(object_type="day_off").latest("id")
    assert (event.username, event.action, event.object_id) == ("quantri", "create", "2026-03-03")
    day_off = DayOff.objects.get(date=date(2026, 3, 3))
    client.post(f"/quan-tri/onestop/dayoff/{day_off.pk}/delete/", {"post": "yes"})
    assert not DayOff.objects.exists()
    assert AuditEvent.objects.filter(object_type="day_off").latest("id").action == "delete"


@pytest.mark.django_db
def test_a_swap_must_turn_a_day_the_other_way():
    """A make-up working day on an ordinary Tuesday, or a swap day off on a Sunday, is a typing mistake."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DaySwap(date=date(2026, 3, 3), kind=DaySwap.Kind.WORKING, source="x").full_clean()
    with pytest.raises(ValidationError):
        DaySwap(date=date(2026, 3, 8), kind=DaySwap.Kind.OFF, source="x").full_clean()
    DaySwap(date=date(2026, 3, 7), kind=DaySwap.Kind.WORKING, source="x").full_clean()


@pytest.mark.django_db
def test_office_hours_come_from_the_settings(settings):
    from datetime import datetime, time

    from lienthong.workdays import VN_TZ

    settings.OFFICE_HOURS = "07:30-11:30,13:00-16:30"
    due = provider.current_calendar().add_working_days(datetime(2026, 3, 2, 9, tzinfo=VN_TZ), 1)
    assert due.at.time() == time(16, 30)


def test_mistyped_office_hours_stop_the_start(settings):
    from lienthong.onestop.apps import check_office_hours

    assert check_office_hours() == []
    settings.OFFICE_HOURS = "7h-11h30"
    assert [e.id for e in check_office_hours()] == ["onestop.E001"]


@pytest.mark.django_db
def test_an_extra_day_off_closes_even_a_make_up_saturday():
    assert provider.current_calendar().is_working_day(date(2026, 8, 22))
    DayOff.objects.create(date=date(2026, 8, 22), kind=DayOff.Kind.DISASTER, note="Bão", source="QĐ UBND")
    assert not provider.current_calendar().is_working_day(date(2026, 8, 22))


def test_a_swap_in_a_year_outside_the_calendar_is_a_form_error_not_a_crash():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DaySwap(date=date(1990, 3, 3), kind=DaySwap.Kind.WORKING, source="x").clean()

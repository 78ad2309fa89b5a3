"""The audit log page: administrators only, filters, pagination."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lienthong.accounts import audit
from lienthong.accounts.models import AuditEvent


def _events(fisheries_user, viewer_user):
    for i in range(3):
        audit.record(fisheries_user, "view", object_type="owner", object_id=i, summary=f"KG-9000{i}-TS")
    audit.record(viewer_user, "search", object_type="vessel", summary="nguyen")


def test_admin_sees_all_events_newest_first(client_for, admin_user, fisheries_user, viewer_user):
    client = client_for(admin_user)  # +1 login event
    _events(fisheries_user, viewer_user)
    response = client.get("/nhat-ky/")
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert len(rows) == 5
    assert [e.action for e in rows] == ["search", "view", "view", "view", "login"]
    html = response.content.decode()
    assert 'id="audit-table"' in html and "5 sự kiện" in html and "Nhật ký truy cập" in html
    assert "chủ tàu 2" in html and "Tìm kiếm" in html


def test_filters_by_user_action_and_object(client_for, admin_user, fisheries_user, viewer_user):
    client = client_for(admin_user)
    _events(fisheries_user, viewer_user)
    assert client.get("/nhat-ky/", {"user": "thuy"}).context["page"].paginator.count == 3
    assert client.get("/nhat-ky/", {"action": "search"}).context["page"].paginator.count == 1
    assert client.get("/nhat-ky/", {"object": "owner"}).context["page"].paginator.count == 3
    assert client.get("/nhat-ky/", {"object": "2"}).context["page"].paginator.count == 1
    assert client.get("/nhat-ky/", {"user": "thuysan", "action": "search"}).context["page"].paginator.count == 0


def test_filters_by_date_range(client_for, admin_user, fisheries_user, viewer_user):
    client = client_for(admin_user)
    _events(fisheries_user, viewer_user)
    today = timezone.localdate()  # events are written now: today in the site's time zone
    yesterday = today - dt.timedelta(days=1)
    assert client.get("/nhat-ky/", {"date_from": today.isoformat()}).context["page"].paginator.count == 5
    assert client.get("/nhat-ky/", {"date_to": yesterday.isoformat()}).context["page"].paginator.count == 0
    assert client.get("/nhat-ky/", {"date_from": today.strftime("%d/%m/%Y"),
                                    "date_to": today.strftime("%d/%m/%Y")}).context["page"].paginator.count == 5
    bad = client.get("/nhat-ky/", {"date_from": today.isoformat(), "date_to": yesterday.isoformat()})
    assert bad.context["page"].paginator.count == 0
    assert "Ngày bắt đầu sau ngày kết thúc." in bad.content.decode()


def test_pagination(client_for, admin_user, fisheries_user):
    client = client_for(admin_user)
    for i in range(60):
        audit.record(fisheries_user, "view", object_type="owner", object_id=i)
    first = client.get("/nhat-ky/", {"action": "view"})
    assert len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert "Trang 1 / 2" in html and 'href="?action=view&amp;page=2"' in html
    second = client.get("/nhat-ky/", {"action": "view", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_reading_the_log_changes_nothing(client_for, admin_user):
    client = client_for(admin_user)
    before = AuditEvent.objects.count()
    client.get("/nhat-ky/")
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["31/12/9999", "9999-12-31", "01/01/0001", "0001-01-01", "31/12/1899"])
def test_a_date_beyond_the_calendar_is_a_form_error(client_for, admin_user, field, day):
    """9999-12-31 + 1 day overflowed, and 0001-01-01 at 00:00 in Việt Nam is before the first UTC instant (500s)."""
    client = client_for(admin_user)
    client.raise_request_exception = False
    response = client.get("/nhat-ky/", {field: day})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Nhập ngày trong khoảng từ 01/01/1900 đến 31/12/9998."]
    assert response.context["page"].paginator.count == 0

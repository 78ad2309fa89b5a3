"""The administrator's page of login lockouts: every account and address locked now, until when in local time, and
a button that lifts each, audited; no one else may see or use it."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from lienthong.accounts.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-2025"
START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # 15:00 in Asia/Ho_Chi_Minh
ATTACKER = "203.0.113.9"


def _post(client, username, password):
    return client.post("/dang-nhap/", {"username": username, "password": password})


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'data-testid="lockout-row" data-kind="(\w+)" data-key="([^"]+)">.*?'
                      r'data-testid="lockout-until">([^<]+)<', html, re.S)


def test_the_administrator_sees_each_lock_until_when_and_lifts_it_audited(clock, make_user, settings):
    make_user("thuysan", "fisheries")
    admin = make_user("quantri", "admin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(REMOTE_ADDR="10.0.0.5"), "thuysan", "sai")
    clock.shift(dt.timedelta(minutes=2))
    for i in range(settings.LOCKOUT_ADDRESS_FAILURES):
        _post(Client(REMOTE_ADDR=ATTACKER), f"khong-co-{i}", "sai")
    assert _post(Client(REMOTE_ADDR="10.0.0.6"), "thuysan", PASSWORD).status_code == 429
    assert _post(Client(REMOTE_ADDR=ATTACKER), "quantri", PASSWORD).status_code == 429

    staff = Client(REMOTE_ADDR="10.9.9.9")  # the administrator sits at another address
    staff.force_login(admin)
    html = staff.get("/khoa-dang-nhap/").content.decode()
    assert _rows(html) == [("account", "thuysan", "15:15 01/12/2026"), ("address", ATTACKER, "15:17 01/12/2026")]
    assert "Khóa đăng nhập" in html and "Mở khóa đăng nhập" in html

    response = staff.post("/khoa-dang-nhap/mo-khoa/", {"kind": "address", "key": ATTACKER})
    assert response.status_code == 302 and response["Location"] == "/khoa-dang-nhap/"
    assert AuditEvent.objects.filter(action="update", object_type="address", object_id=ATTACKER, username="quantri",
                                     detail__lockout_lifted=True).exists()
    assert _post(Client(REMOTE_ADDR=ATTACKER), "quantri", PASSWORD).status_code == 302  # the address is open again
    page = staff.get("/khoa-dang-nhap/").content.decode()
    assert _rows(page) == [("account", "thuysan", "15:15 01/12/2026")] and "Đã mở khóa đăng nhập: 203.0.113.9." in page

    staff.post("/khoa-dang-nhap/mo-khoa/", {"kind": "account", "key": "thuysan"})
    assert AuditEvent.objects.filter(action="update", object_type="user", summary="thuysan", username="quantri",
                                     detail__lockout_lifted=True).exists()
    assert _post(Client(REMOTE_ADDR="10.0.0.6"), "thuysan", PASSWORD).status_code == 302
    assert 'data-testid="lockouts-none"' in staff.get("/khoa-dang-nhap/").content.decode()


def test_a_lock_whose_time_is_over_is_not_listed(clock, make_user, settings):
    make_user("thuysan", "fisheries")
    admin = make_user("quantri", "admin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(REMOTE_ADDR="10.0.0.5"), "thuysan", "sai")
    staff = Client()
    staff.force_login(admin)
    assert len(_rows(staff.get("/khoa-dang-nhap/").content.decode())) == 1
    clock.shift(dt.timedelta(minutes=16))
    assert _rows(staff.get("/khoa-dang-nhap/").content.decode()) == []


def test_only_administrators_see_or_lift_locks(clock, make_user, settings):
    officer = make_user("thuysan", "fisheries")
    admin = make_user("quantri", "admin")
    client = Client()
    client.force_login(officer)
    assert client.get("/khoa-dang-nhap/").status_code == 403
    assert client.post("/khoa-dang-nhap/mo-khoa/", {"kind": "address", "key": ATTACKER}).status_code == 403
    assert not AuditEvent.objects.filter(object_type="address").exists()
    staff = Client()
    staff.force_login(admin)
    assert staff.post("/khoa-dang-nhap/mo-khoa/", {"kind": "address", "key": "không phải địa chỉ"}).status_code == 400

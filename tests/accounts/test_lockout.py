"""Login lockout: repeated wrong passwords lock the account and, separately, the address; the right password is
refused until the cool-off ends or an administrator lifts it; the officer is told until when; all audited."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from lienthong.accounts.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-2025"
START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # 15:00 in Asia/Ho_Chi_Minh


def _post(client, username, password):
    return client.post("/dang-nhap/", {"username": username, "password": password})


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_wrong_passwords_lock_the_account_even_against_the_right_one(clock, fisheries_user, settings):
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, "thuysan", "sai").status_code == 200
    assert _post(client, "thuysan", "sai").status_code == 429  # the failure that reaches the limit says so at once
    locked = _post(Client(REMOTE_ADDR="10.0.0.99"), "thuysan", PASSWORD)  # the right password, another computer
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-testid="locked-out"' in html and "15:15" in html and "01/12/2026" in html  # local time
    assert "_auth_user_id" not in Client().session
    assert AuditEvent.objects.filter(action="denied", summary="thuysan", detail__lockout=True).exists()


def test_the_lock_ends_after_the_cool_off_and_retries_do_not_extend_it(clock, fisheries_user, settings):
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "thuysan", "sai")
    clock.shift(dt.timedelta(minutes=10))
    assert _post(Client(REMOTE_ADDR="10.0.0.7"), "thuysan", "sai-nua").status_code == 429  # still locked
    clock.shift(dt.timedelta(minutes=6))  # 16 minutes after the lockout began
    response = _post(Client(REMOTE_ADDR="10.0.0.7"), "thuysan", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_address_that_tries_many_accounts_is_locked(clock, make_user, settings):
    make_user("thuysan", "fisheries")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.LOCKOUT_ADDRESS_FAILURES):
        _post(attacker, f"khong-co-{i}", "sai")
    refused = _post(attacker, "thuysan", PASSWORD)
    assert refused.status_code == 429 and "15:15" in refused.content.decode()
    # the officer at another address is not affected
    assert _post(Client(REMOTE_ADDR="10.0.0.8"), "thuysan", PASSWORD).status_code == 302
    # and the address lock ends with its cool-off, however often the attacker kept trying
    for _ in range(5):
        _post(attacker, "thuysan", "sai")
    clock.shift(dt.timedelta(minutes=16))
    assert _post(attacker, "thuysan", PASSWORD).status_code == 302


def test_one_officers_typos_do_not_lock_the_administrator_at_the_next_desk(clock, make_user, settings):
    make_user("xem", "viewer")
    make_user("quantri", "admin")
    office = "10.20.30.40"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(REMOTE_ADDR=office), "xem", "sai")
    assert _post(Client(REMOTE_ADDR=office), "xem", PASSWORD).status_code == 429
    assert _post(Client(REMOTE_ADDR=office), "quantri", PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock_and_it_is_audited(clock, fisheries_user, make_user, settings):
    admin = make_user("quantri_admin", "admin", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "thuysan", "sai")
    assert _post(client, "thuysan", PASSWORD).status_code == 429
    staff = Client()
    staff.force_login(admin)
    response = staff.post("/quan-tri/accounts/user/", {"action": "lift_lockout", "_selected_action": [fisheries_user.pk]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="update", summary="thuysan", detail__lockout_lifted=True,
                                     username="quantri_admin").exists()
    assert _post(Client(REMOTE_ADDR="10.0.0.6"), "thuysan", PASSWORD).status_code == 302


def test_a_success_clears_the_count_for_an_office_behind_one_address(clock, make_user, settings):
    make_user("thuysan", "fisheries")
    make_user("cang", "port")
    office = "10.10.10.10"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(Client(REMOTE_ADDR=office), "cang", "sai")
    assert _post(Client(REMOTE_ADDR=office), "cang", PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(Client(REMOTE_ADDR=office), "thuysan", "sai")
    assert _post(Client(REMOTE_ADDR=office), "thuysan", PASSWORD).status_code == 302

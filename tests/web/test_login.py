"""The login page, in Vietnamese, and the audit events of successful and failed logins."""
from __future__ import annotations

from django.test import Client

from lienthong.accounts.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD (conftest modules are not importable by name)


def test_login_page_is_vietnamese_with_stable_ids(db):
    response = Client().get("/dang-nhap/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu", 'id="login-form"', 'data-testid="login-username"',
                 'data-testid="login-password"', 'data-testid="login-submit"'):
        assert text in html, text
    assert 'id="search-input"' not in html  # no search box before login


def test_successful_login_is_audited_once(fisheries_user):
    client = Client(REMOTE_ADDR="10.1.2.3")
    response = client.post("/dang-nhap/", {"username": "thuysan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    event = AuditEvent.objects.get()
    assert (event.action, event.username, event.object_type, event.object_id) == ("login", "thuysan", "user",
                                                                               str(fisheries_user.pk))
    assert event.ip_address == "10.1.2.3"


def test_login_goes_back_to_next(fisheries_user):
    response = Client().post("/dang-nhap/?next=/tau/KG-1/", {"username": "thuysan", "password": PASSWORD,
                                                               "next": "/tau/KG-1/"})
    assert response["Location"] == "/tau/KG-1/"


def test_failed_login_is_audited_with_the_name_tried(fisheries_user):
    response = Client().post("/dang-nhap/", {"username": "thuysan", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.action, event.username, event.summary, event.detail) == (
        "login_failed", "anonymous", "thuysan", {"username": "thuysan"})
    assert "sai-mat-khau" not in str(event.detail) + event.summary


def test_inactive_user_cannot_log_in(make_user):
    make_user("nghiviec", "fisheries", is_active=False)
    response = Client().post("/dang-nhap/", {"username": "nghiviec", "password": PASSWORD})
    assert response.status_code == 200
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["login_failed"]

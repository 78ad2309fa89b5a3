"""A NUL character in a page's address, query or form is refused with 400 (issue 9): PostgreSQL cannot store or
compare it, so `?q=a%00b` or `/tau/a%00b/` reached the database and ended as a 500. The JSON API refuses it by its
schema instead (422, tests/api/test_schemathesis.py)."""
from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("method, url, data", [
    ("get", "/tim-kiem", {"q": "a\x00b"}),
    ("get", "/danh-sach-tau/", {"home_port": "\x00"}),
    ("get", "/tau/a%00b/", {}),
    ("get", "/cang/khai-bao/%00/", {}),
    ("get", "/cang/xac-minh/a%00b/", {}),
    ("get", "/cang/chuyen/%00/", {}),
    ("post", "/cang/quy-tac/", {"code": "\x00"}),
    ("post", "/cang/khai-bao/", {"registration_number": "KG\x00"}),
    ("get", "/tim-kiem", {"q\x00": "x"}),
])
def test_a_nul_character_is_a_bad_request(client_for, admin_user, method, url, data):
    client = client_for(admin_user)
    client.raise_request_exception = False
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_anonymous_visitors_get_the_same_answer(db):
    response = Client(raise_request_exception=False).get("/cang/khai-bao/a%00b/")
    assert response.status_code == 400


def test_ordinary_requests_pass(client_for, admin_user):
    assert client_for(admin_user).get("/tim-kiem", {"q": "Nguyễn"}).status_code == 200

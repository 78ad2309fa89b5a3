"""The public port pages (pre-declaration, its receipt and PDF, the verification page) are rate-limited per
client address: HTTP 429 with a Vietnamese page saying when to retry, audited once a window; officers are not
limited."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lienthong.accounts.models import AuditEvent
from lienthong.port import services

from .test_pages import _form


@pytest.fixture
def cleared(declare_trip, port_officer):
    return services.decide(declare_trip(), port_officer, action="clear")


def test_every_public_page_answers_429_past_the_limit_saying_when(clock, settings, cleared):
    settings.PUBLIC_PAGE_LIMIT = 4
    settings.PUBLIC_RATE_WINDOW = dt.timedelta(minutes=10)
    token = cleared.public_token
    client = Client(REMOTE_ADDR="203.0.113.7")
    pages = [f"/cang/khai-bao/{token}/", f"/cang/khai-bao/{token}/giay-xuat-ben.pdf", f"/cang/xac-minh/{token}/",
             "/cang/khai-bao/"]
    assert [client.get(p).status_code for p in pages] == [200, 200, 200, 200]
    for p in pages:
        refused = client.get(p)
        assert refused.status_code == 429, p
        html = refused.content.decode()
        # 00:36 local time + 10 minutes, the window's end, in Asia/Ho_Chi_Minh
        assert 'data-testid="rate-limited"' in html and "Quá nhiều yêu cầu" in html and "00:46" in html
        assert "01/12/2026" in html and 590 <= int(refused["Retry-After"]) <= 600
    events = AuditEvent.objects.filter(action="denied", detail__rate_limit="public-page")
    assert [(e.object_type, e.object_id, e.ip_address) for e in events] == [("address", "203.0.113.7", "203.0.113.7")]
    # another address is not affected; after the window the address is served again
    assert Client(REMOTE_ADDR="203.0.113.8").get(pages[0]).status_code == 200
    clock.shift(dt.timedelta(minutes=10))
    assert client.get(pages[0]).status_code == 200


def test_submissions_have_a_lower_limit(settings, ports, vessel, population):
    settings.PUBLIC_POST_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    wrong = _form(ports, captain_name="")  # invalid: the form is shown again
    assert [client.post("/cang/khai-bao/", wrong).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/cang/khai-bao/").status_code == 200  # reading is still allowed
    assert AuditEvent.objects.filter(action="denied", detail__rate_limit="public-post").count() == 1


def test_the_address_behind_a_trusted_proxy_is_the_one_counted(settings, cleared):
    settings.PUBLIC_PAGE_LIMIT = 1
    url = f"/cang/khai-bao/{cleared.public_token}/"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    settings.LIENTHONG_TRUST_X_FORWARDED_FOR = True
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.20").status_code == 200
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.21").status_code == 200  # another client
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.20").status_code == 429
    settings.LIENTHONG_TRUST_X_FORWARDED_FOR = False  # untrusted: the header is ignored, the proxy is the client
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.22").status_code == 200
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.23").status_code == 429


def test_officers_are_not_limited(settings, client_for, port_officer, cleared):
    settings.PUBLIC_PAGE_LIMIT = 1
    officer = client_for(port_officer)
    assert [officer.get(f"/cang/xac-minh/{cleared.public_token}/").status_code for _ in range(3)] == [200] * 3


def test_the_verification_page_states_the_upload_cap_that_applies(client_for, settings, declare_trip, port_officer):
    """It said "at most 5 MB" while anonymous bodies over 2 MB are refused before they are read."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.port import services

    trip = services.decide(declare_trip(), port_officer, action="clear")
    settings.PUBLIC_UPLOAD_MAX_KB = 1
    big = SimpleUploadedFile("copy.pdf", b"%PDF-" + b"x" * 2000, content_type="application/pdf")
    # Signed in (anonymous bodies that large never reach the page: the 413 page answers them).
    html = client_for(port_officer).post(f"/cang/xac-minh/{trip.public_token}/", {"document": big}).content.decode()
    assert "tối đa 1,0 KB" in html.replace("\xa0", " ") and "5 MB" not in html

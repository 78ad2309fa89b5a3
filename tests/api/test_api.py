"""JSON API: authentication, row-level scoping, personal data by role, audit events, and denials that
change nothing. Fixture fleet: tests/search/fleet.py (KG-91234-TS is in Phú Quốc 31078)."""
from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from lienthong.accounts.models import AuditEvent
from lienthong.api.models import ApiToken, hash_token
from lienthong.fleet.models import Owner, Vessel

PERSONAL_KEYS = {"id_number", "id_kind", "birth_date", "birth_year", "gender", "address", "phone", "identity_status"}


def counts():
    return Vessel.objects.count(), Owner.objects.count()


def mark() -> int:
    """The last audit event id now (logging in writes its own "login" event)."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def events(since: int = 0):
    return list(
        AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("username", "action", "object_type", "object_id")
    )


# --- anonymous ------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/api/v1/vessels?q=nguyen", "/api/v1/vessels/KG-91234-TS"])
def test_anonymous_gets_401_and_nothing_changes(fleet, url):
    before = counts()
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert counts() == before
    assert events() == []


@pytest.mark.parametrize("header", ["Bearer lt_not-a-real-token", "Bearer ", "Token abc", "Basic eDp5"])
def test_bad_token_gets_401(fleet, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/vessels?q=nguyen")
    assert response.status_code == 401
    assert events() == []


def test_inactive_users_token_is_refused(fleet, fisheries_user, token_client):
    client = token_client(fisheries_user)
    fisheries_user.is_active = False
    fisheries_user.save()
    assert client.get("/api/v1/vessels?q=nguyen").status_code == 401


# --- right user ---------------------------------------------------------------------------------
def test_token_search_returns_ranked_vessels_with_personal_data_and_audits(fleet, fisheries_user, token_client):
    response = token_client(fisheries_user).get("/api/v1/vessels", {"q": "Nguyễn Văn Tư"})
    assert response.status_code == 200
    body = response.json()
    assert [v["registration_number"] for v in body] == ["KG-91234-TS", "AG-01234-TS"]
    assert body[0] == {
        "registration_number": "KG-91234-TS",
        "name": "Tàu Tư",
        "length_m": 16.5,
        "length_class": "15-24",
        "gear": "trawl",
        "commune_code": "31078",
        "owner": {
            "name": "Nguyễn Văn Tư", "commune_code": "31078", "kind": "person", "id_number": "091085001234",
            "id_kind": "cccd", "id_verified": False, "verified_at": None, "recorded_name": "Nguyễn Văn Tư",
            "recorded_id_number": "091085001234", "birth_date": "1985-03-04", "birth_year": 1985, "gender": "",
            "address": "Ấp 1", "phone": "", "identity_status": "unverified",
        },
    }
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.object_type) == ("thuysan", "search", "vessel")
    assert {k: v for k, v in event.detail.items() if k != "summary_msg"} == {
        "q": "Nguyễn Văn Tư", "count": 2, "results": ["KG-91234-TS", "AG-01234-TS"]}


def test_token_marks_last_used(fleet, fisheries_user):
    token, raw = ApiToken.issue(fisheries_user, "bench")
    assert token.token_hash == hash_token(raw) and raw not in (token.token_hash, token.prefix)
    assert token.last_used is None
    Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/vessels?q=kg")
    token.refresh_from_db()
    assert token.last_used is not None


def test_limit_parameter(fleet, admin_user, token_client):
    client = token_client(admin_user)
    assert len(client.get("/api/v1/vessels", {"q": "nguyen", "limit": 2}).json()) == 2
    assert client.get("/api/v1/vessels", {"q": "nguyen", "limit": 0}).status_code == 422


@pytest.mark.parametrize("form", ["KG-91234-TS", "kg91234ts", "kg-91234-ts", "KG91234TS"])
def test_detail_any_form_with_papers_vms_history(fleet, commune_user, session_client, form):
    client = session_client(commune_user)
    since = mark()
    response = client.get(f"/api/v1/vessels/{form}")
    assert response.status_code == 200
    body = response.json()
    assert body["registration_number"] == "KG-91234-TS"
    assert body["owner"]["id_number"] == "091085001234"
    assert body["vms_device_id"] == "VMS-91234"
    assert [(lic["number"], lic["state"], lic["zone"]) for lic in body["licences"]] == [
        ("GP-KG-0001-2024", "expiring", "offshore")
    ]
    assert [(c["number"], c["expires_on"], c["state"]) for c in body["safety_certificates"]] == [
        ("AT-1", "2020-01-01", "expired")
    ]
    assert [(c["kind"], c["changes"]) for c in body["changes"]] == [("updated", {"length_m": ["15.00", "16.50"]})]
    assert events(since) == [("xa_phuquoc", "view", "vessel", "KG-91234-TS")]


# --- wrong role: a viewer sees vessels, never personal data, and cannot search by ID ---------------
def test_viewer_list_has_no_personal_data_and_no_audit(fleet, viewer_user, session_client):
    client = session_client(viewer_user)
    since = mark()
    body = client.get("/api/v1/vessels", {"q": "nguyen tu"}).json()
    assert [v["registration_number"] for v in body] == ["KG-91234-TS", "AG-01234-TS"]
    # The owner's name is personal data (accounts.redaction): a viewer gets the public fields only.
    assert body[0]["owner"] == {"commune_code": "31078", "kind": "person", "identity_status": "unverified"}
    assert client.get("/api/v1/vessels", {"q": "091085001234"}).json() == []
    assert client.get("/api/v1/vessels", {"q": "370123456"}).json() == []
    assert events(since) == []


def test_viewer_detail_has_no_personal_data(fleet, viewer_user, session_client):
    vessel = fleet["KG-91234-TS"]
    vessel.changes.create(kind="updated", changes={"owner_id_number": ["", "091085001234"], "gear": ["", "trawl"]})
    client = session_client(viewer_user)
    since = mark()
    response = client.get("/api/v1/vessels/KG-91234-TS")
    assert response.status_code == 200
    body = response.json()
    assert set(body["owner"]) == {"commune_code", "kind", "identity_status"}
    assert "091085001234" not in response.content.decode()
    assert body["changes"][0]["changes"] == {"owner_id_number": ["", "***"], "gear": ["", "trawl"]}
    assert body["changes"][0]["redacted"] == ["owner_id_number"]
    assert events(since) == []


# --- wrong area ------------------------------------------------------------------------------------
def test_other_commune_gets_404_for_vessel_outside_scope(fleet, other_commune_user, token_client):
    before = counts()
    client = token_client(other_commune_user)
    outside = client.get("/api/v1/vessels/KG-91234-TS")
    missing = client.get("/api/v1/vessels/KG-00000-TS")
    # Same answer for "not yours" and "does not exist": existence is not confirmed.
    assert (outside.status_code, outside.json()) == (404, {"detail": "Not found"})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found"})
    assert counts() == before
    assert events() == [("xa_kienhai", "denied", "vessel", "KG91234TS")]


def test_other_commune_list_leaks_nothing_from_other_communes(fleet, other_commune_user, token_client):
    client = token_client(other_commune_user)
    response = client.get("/api/v1/vessels", {"q": "nguyen"})
    assert [v["registration_number"] for v in response.json()] == ["KG-55555-TS", "KG-91300-TS", "AG-01234-TS"]
    text = response.content.decode()
    assert "KG-91234-TS" not in text and "091085001234" not in text
    assert client.get("/api/v1/vessels", {"q": "091085001234"}).json() == []
    assert client.get("/api/v1/vessels", {"q": "kg-912"}).json() == []
    # Three searches by a role with personal-data access: three audit events, with their result counts.
    assert [(e.action, e.detail["q"], e.detail["count"]) for e in AuditEvent.objects.order_by("id")] == [
        ("search", "nguyen", 3), ("search", "091085001234", 0), ("search", "kg-912", 0)
    ]


def test_police_of_phu_quoc_sees_owner_living_there(fleet, police_user, token_client):
    # KG-12345-TS is based in Thổ Châu (31105) but its owner lives in Phú Quốc (31078).
    response = token_client(police_user).get("/api/v1/vessels/kg-12345-ts")
    assert response.status_code == 200
    assert response.json()["owner"]["id_number"] == "091085009999"


# --- session and CSRF ------------------------------------------------------------------------------
def test_session_without_login_is_401_and_unsafe_methods_are_not_routed(fleet, admin_user, session_client):
    assert Client().get("/api/v1/vessels?q=kg", HTTP_COOKIE="sessionid=forged").status_code == 401
    client = session_client(admin_user)
    since = mark()
    # Session POST without a CSRF token is refused before any handler runs.
    assert client.post("/api/v1/vessels", {"q": "kg"}).status_code == 405
    assert events(since) == []


# --- OpenAPI and docs, offline -------------------------------------------------------------------
def test_openapi_schema(db):
    schema = Client().get("/api/v1/openapi.json").json()
    # Other apps mount their routers on the same API (port pre-declarations); ours must be there.
    assert {"/api/v1/vessels", "/api/v1/vessels/{registration_number}"} <= set(schema["paths"])
    assert "/api/v1/docs/assets/{name}" not in schema["paths"]


def test_docs_page_uses_no_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets == [
        "/api/v1/docs/assets/swagger-ui.css", "/api/v1/docs/assets/favicon.png",
        "/api/v1/docs/assets/swagger-ui-bundle.js", "/api/v1/docs/assets/swagger-ui-init.js",
    ]
    for url in assets:
        asset = Client().get(url)
        assert asset.status_code == 200 and b"".join(asset.streaming_content)
    assert Client().get("/api/v1/docs/assets/..%2Fswagger.html").status_code == 404


def test_create_api_token_command(fisheries_user, capsys):
    call_command("create_api_token", "thuysan", "--name", "bench")
    raw = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(token_hash=hash_token(raw)).user == fisheries_user

"""Authorisation matrix (Saleor style): for every list, detail and export endpoint, the anonymous caller, a
read-only viewer, a commune and a police officer of area A looking at area B's rows, a port officer of another
port, and the administrator. A denial answers 302 (to the login page), 401, 403 or 404, and changes nothing;
lists simply leave out what the caller may not see. One rule decides each row: accounts.scopes, reached
through the models' `visible_to` queryset methods.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.models import AuditEvent
from lienthong.api.models import ApiToken
from lienthong.fleet.models import IdentityStatus, Owner, RegistryImport, Vessel, VesselChange
from lienthong.port.models import Port, PortAssignment, Trip, TripStatus
from lienthong.sync.models import Export, IdentityDecision, ReviewState, SyncItem, SyncRun, WorkItemState, Worklist, WorklistItem, WorklistKind

AREA_A, AREA_B = "31078", "31108"  # Phú Quốc, Kiên Hải
ROLES = ("anonymous", "viewer", "commune_a", "police_a", "port_x", "admin")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Six users per test: the production hasher's deliberate slowness would dominate the matrix's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make_user):
    """Area B's rows: an owner and vessel, its commune and police worklists, an open review proposal, and a
    declared trip at port Y. Port X belongs to the port officer."""
    today = timezone.localdate()
    owner = Owner.objects.create(
        full_name="Trần Thị Bé", name_folded="tran thi be", id_number="091190004321", id_kind="cccd",
        birth_year=1990, commune_code=AREA_B, identity_status=IdentityStatus.UNVERIFIED)
    vessel = Vessel.objects.create(
        registration_number="KG-95555-TS", reg_key="KG95555TS", name="Hải Âu", owner=owner,
        commune_code=AREA_B, length_m=Decimal("13.20"), length_class="12-15", gear="gillnet",
        fishing_zone="coastal")
    from lienthong.search.index import reindex_vessels

    reindex_vessels([vessel.pk])
    commune_list = Worklist.objects.create(kind=WorklistKind.COMMUNE, commune_code=AREA_B,
                                           deadline=today + dt.timedelta(days=14))
    police_list = Worklist.objects.create(kind=WorklistKind.POLICE, commune_code=AREA_B,
                                          deadline=today + dt.timedelta(days=14))
    item = WorklistItem.objects.create(worklist=commune_list, vessel=vessel, owner=owner, problem="unverified",
                                       missing="CCCD")
    WorklistItem.objects.create(worklist=police_list, vessel=vessel, owner=owner, problem="unverified",
                                missing="CCCD")
    run = SyncRun.objects.create(total=1)
    proposal = SyncItem.objects.create(run=run, vessel=vessel, owner=owner, **_open_review_fields())
    port_x = Port.objects.create(code="port-x", name="Cảng X", commune_code=AREA_A)
    port_y = Port.objects.create(code="port-y", name="Cảng Y", commune_code=AREA_B)
    now = timezone.now()
    trip = Trip.objects.create(vessel=vessel, port=port_y, captain_name="Trần Văn Thuyền",
                               captain_cccd="091080001111", zone="coastal", gear="gillnet",
                               departure_at=now + dt.timedelta(hours=2), expected_return_at=now + dt.timedelta(days=3))
    users = {
        "anonymous": None,
        "viewer": make_user("xem_ma_tran", "viewer"),
        "commune_a": make_user("xa_a", "commune", communes=(AREA_A,)),
        "police_a": make_user("congan_a", "police", communes=(AREA_A,)),
        "port_x": make_user("cang_x", "port"),
        "admin": make_user("quantri_ma_tran", "admin"),
    }
    PortAssignment.objects.create(user=users["port_x"], port=port_x)
    registry_import = RegistryImport.objects.create(
        file_name="so-dang-ky.xlsx", sha256="0" * 64, status="done", rows_total=1, rows_rejected=1,
        errors=[{"row": 7, "column": "Số CCCD", "message": f"{owner.full_name}: {owner.id_number} sai"}])
    export = Export.objects.create(rows=0)
    return {"owner": owner, "vessel": vessel, "worklist": commune_list, "police_list": police_list, "item": item,
            "proposal": proposal, "trip": trip, "users": users, "import": registry_import, "export": export}


def _open_review_fields() -> dict:
    fields = {f.name for f in SyncItem._meta.get_fields()}
    values = {"review": ReviewState.OPEN}
    if "candidates" in fields:
        values["candidates"] = [{"cccd": "091190004321", "name": "Trần Thị Bé", "probability": 0.97}]
    if "person_cccd" in fields:
        values["person_cccd"] = "091190004321"
    return values


def _page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api_client(user) -> Client:
    if user is None:
        return Client()
    _token, raw = ApiToken.issue(user, "matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _snapshot() -> dict:
    """Every row a denied request could have changed (the audit log aside: denials are recorded there)."""
    return {
        "owners": list(Owner.objects.order_by("pk").values()),
        "vessels": list(Vessel.objects.order_by("pk").values()),
        "changes": VesselChange.objects.count(),
        "worklist_items": list(WorklistItem.objects.order_by("pk").values()),
        "worklists": list(Worklist.objects.order_by("pk").values()),
        "proposals": list(SyncItem.objects.order_by("pk").values()),
        "decisions": IdentityDecision.objects.count(),
        "trips": list(Trip.objects.order_by("pk").values()),
    }


DENIED = {302, 401, 403, 404}

# endpoint -> (api?, method, url(world), data, {role: expected status})
ENDPOINTS = {
    "vessel page": (False, "get", lambda w: reverse("fleet-vessel", args=[w["vessel"].registration_number]), None,
                    {"anonymous": 302, "viewer": 200, "commune_a": 404, "police_a": 404, "port_x": 200, "admin": 200}),
    "vessel api": (True, "get", lambda w: f"/api/v1/vessels/{w['vessel'].registration_number}", None,
                   {"anonymous": 401, "viewer": 200, "commune_a": 404, "police_a": 404, "port_x": 200, "admin": 200}),
    "worklist page": (False, "get", lambda w: reverse("sync-worklist", args=[w["worklist"].pk]), None,
                      {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                       "admin": 200}),
    "police worklist page": (False, "get", lambda w: reverse("sync-worklist", args=[w["police_list"].pk]), None,
                             {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                              "admin": 200}),
    "worklist excel": (False, "get", lambda w: reverse("sync-worklist-file", args=[w["worklist"].pk, "xlsx"]), None,
                       {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                        "admin": 200}),
    "worklist pdf": (False, "get", lambda w: reverse("sync-worklist-file", args=[w["worklist"].pk, "pdf"]), None,
                     {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                      "admin": 200}),
    "review queue": (False, "get", lambda w: reverse("sync-review"), None,
                     {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                      "admin": 200}),
    "trip page": (False, "get", lambda w: reverse("port-trip", args=[w["trip"].reference]), None,
                  {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 404, "admin": 200}),
    "declaration api": (True, "get", lambda w: f"/api/v1/port/declarations/{w['trip'].reference}", None,
                        {"anonymous": 401, "viewer": 404, "commune_a": 404, "police_a": 404, "port_x": 404,
                         "admin": 200}),
    "import errors csv": (False, "get", lambda w: reverse("fleet-import-errors-csv", args=[w["import"].pk]), None,
                          {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                           "admin": 200}),
    "vnfishbase export": (False, "get", lambda w: reverse("sync-export-file", args=[w["export"].pk, "csv"]), None,
                          {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403,
                           "admin": 200}),
    "audit log": (False, "get", lambda w: reverse("accounts-audit"), None,
                  {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403, "admin": 200}),
    "port statistics": (False, "get", lambda w: reverse("port-stats"), None,
                        {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 200,
                         "admin": 200}),
    # Writes: every role but the administrator is refused, and nothing changes.
    "answer a worklist item": (False, "post", lambda w: reverse("sync-answer", args=[w["worklist"].pk, w["item"].pk]),
                               {"cccd": "091190004321", "name": "Trần Thị Bé"},
                               {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403}),
    "upload worklist answers": (False, "post", lambda w: reverse("sync-worklist-upload", args=[w["worklist"].pk]), {},
                                {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403}),
    "decide a proposal": (False, "post", lambda w: reverse("sync-review-decide", args=[w["proposal"].pk]),
                          {"action": "reject"},
                          {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 403}),
    "refuse a departure": (False, "post", lambda w: reverse("port-trip-decide", args=[w["trip"].reference]),
                           {"action": "refuse", "refusal_code": "other", "note": "x" * 30},
                           {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 404}),
    "record an arrival": (False, "post", lambda w: reverse("port-trip-arrival", args=[w["trip"].reference]),
                          {"returned_at": "01/12/2026 08:00"},
                          {"anonymous": 302, "viewer": 403, "commune_a": 403, "police_a": 403, "port_x": 404}),
}

CASES = [(name, role) for name, (_api, _m, _u, _d, expected) in ENDPOINTS.items() for role in expected]


@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_matrix(world, endpoint, role):
    api, method, url, data, expected = ENDPOINTS[endpoint]
    user = world["users"][role]
    client = _api_client(user) if api else _page_client(user)
    before = _snapshot()
    audit_before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = getattr(client, method)(url(world), data or {})

    assert response.status_code == expected[role], (endpoint, role, response.status_code)
    if response.status_code in DENIED:
        assert _snapshot() == before, f"{endpoint} as {role} was refused but changed data"
        if response.status_code == 302:
            assert reverse("login") in response["Location"]
        # A refusal reads no personal data, so it may only leave denial records in the audit log.
        new = AuditEvent.objects.exclude(pk__in=audit_before).values_list("action", flat=True)
        assert set(new) <= {"denied"}, (endpoint, role, list(new))
        body = response.content.decode("utf-8", "replace")
        assert world["owner"].id_number not in body and world["owner"].full_name not in body


def _search_page(client, q):
    return client.get(reverse("fleet-search"), {"q": q}).content.decode()


LISTS = {
    # list -> (what it should show for each role: True = area B's row listed)
    "search page": {"viewer": True, "commune_a": False, "police_a": False, "port_x": True, "admin": True},
    "search api": {"viewer": True, "commune_a": False, "police_a": False, "port_x": True, "admin": True},
    "worklists page": {"commune_a": False, "police_a": False, "admin": True},
    "port desk": {"port_x": False, "admin": True},
}
LIST_CASES = [(name, role) for name, roles in LISTS.items() for role in roles]


@pytest.mark.parametrize(("listing", "role"), LIST_CASES, ids=[f"{n}-{r}" for n, r in LIST_CASES])
def test_lists_leave_out_other_areas(world, listing, role):
    user, vessel = world["users"][role], world["vessel"]
    shown = LISTS[listing][role]
    if listing == "search page":
        body = _search_page(_page_client(user), vessel.registration_number)
        assert (reverse("fleet-vessel", args=[vessel.registration_number]) in body) is shown
    elif listing == "search api":
        response = _api_client(user).get("/api/v1/vessels", {"q": vessel.registration_number})
        assert response.status_code == 200
        found = [row["registration_number"] for row in response.json()]
        assert (vessel.registration_number in found) is shown
    elif listing == "worklists page":
        body = _page_client(user).get(reverse("sync-worklists")).content.decode()
        assert (reverse("sync-worklist", args=[world["worklist"].pk]) in body) is shown
    elif listing == "port desk":
        body = _page_client(user).get(reverse("port-desk")).content.decode()
        assert (world["trip"].reference in body) is shown


# The rules themselves, through the queryset methods every page, API and export calls.
VISIBLE = {
    # role -> (vessel, owner, commune worklist, police worklist, proposal, trip) visible?
    "anonymous": (False, False, False, False, False, False),
    "viewer": (True, True, False, False, False, False),
    "commune_a": (False, False, False, False, False, False),
    "police_a": (False, False, False, False, False, False),
    "port_x": (True, True, False, False, False, False),
    "admin": (True, True, True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_to(world, role):
    from django.contrib.auth.models import AnonymousUser

    user = world["users"][role] or AnonymousUser()
    got = (
        Vessel.objects.visible_to(user).filter(pk=world["vessel"].pk).exists(),
        Owner.objects.visible_to(user).filter(pk=world["owner"].pk).exists(),
        Worklist.objects.visible_to(user).filter(pk=world["worklist"].pk).exists(),
        Worklist.objects.visible_to(user).filter(pk=world["police_list"].pk).exists(),
        SyncItem.objects.visible_to(user).filter(pk=world["proposal"].pk).exists(),
        Trip.objects.visible_to(user).filter(pk=world["trip"].pk).exists(),
    )
    assert got == VISIBLE[role]


def test_officers_of_area_b_see_area_b(world, make_user):
    """The other side of the matrix: the same rows are visible to area B's own officers, each their kind."""
    commune_b = make_user("xa_b", "commune", communes=(AREA_B,))
    police_b = make_user("congan_b", "police", communes=(AREA_B,))
    assert Vessel.objects.visible_to(commune_b).filter(pk=world["vessel"].pk).exists()
    assert Owner.objects.visible_to(police_b).filter(pk=world["owner"].pk).exists()
    assert list(Worklist.objects.visible_to(commune_b)) == [world["worklist"]]
    assert list(Worklist.objects.visible_to(police_b)) == [world["police_list"]]
    assert _page_client(commune_b).get(reverse("sync-worklist", args=[world["worklist"].pk])).status_code == 200
    assert _page_client(commune_b).get(
        reverse("fleet-vessel", args=[world["vessel"].registration_number])).status_code == 200
    port_y = make_user("cang_y", "port")
    PortAssignment.objects.create(user=port_y, port=world["trip"].port)
    assert list(Trip.objects.visible_to(port_y)) == [world["trip"]]
    assert world["trip"].status == TripStatus.DECLARED and world["item"].state == WorkItemState.OPEN

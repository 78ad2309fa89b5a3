"""One redaction policy for the vessel page and the API, read against what the importer REALLY writes.

The history comes from importing a registry file twice: vessel 1 changes owner (the importer writes
"owner": ["Name (CCCD)", "Name (CCCD)"]), vessel 2's owner gets an ID it did not have (owner.id_number,
owner.raw_id_number, …). A viewer must find no CCCD, birth date, name or address anywhere in the page or
the API's raw text; a fisheries officer sees them all, and each of those reads is audited.
"""
from __future__ import annotations

import io

import pytest
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.accounts.redaction import is_personal_change_key
from lienthong.fleet.importer import import_registry
from lienthong.fleet.models import Vessel, VesselChange

from .fleet_files import vessel_row, xlsx_bytes

FIRST = [
    vessel_row(1, **{"Họ tên chủ tàu": "Nguyễn Văn An", "Số CCCD": "091078100001", "Ngày sinh": "05/04/1978"}),
    vessel_row(2, **{"Họ tên chủ tàu": "Lê Thị Bình", "Số CCCD": "", "Ngày sinh": "12/03/1980",
                     "Giới tính": "Nữ"}),
]
SECOND = [
    # A new owner for vessel 1 (another person).
    vessel_row(1, **{"Họ tên chủ tàu": "Trần Văn Cường", "Số CCCD": "091078200003", "Ngày sinh": "20/11/1969"}),
    # The same owner of vessel 2, now with her CCCD.
    vessel_row(2, **{"Họ tên chủ tàu": "Lê Thị Bình", "Số CCCD": "091078300004", "Ngày sinh": "12/03/1980",
                     "Giới tính": "Nữ"}),
]
# Everything personal the two files carry, as it could appear in HTML or JSON.
SECRETS = [
    "091078100001", "091078200003", "091078300004", "05/04/1978", "1978-04-05", "20/11/1969", "1969-11-20",
    "12/03/1980", "1980-03-12", "Nguyễn Văn An", "Trần Văn Cường", "Lê Thị Bình", "Ấp 1, xã Dương Tơ",
    "Nguy\\u1ec5n", "Tr\\u1ea7n", "L\\u00ea Th",  # names as JSON escapes them
]


@pytest.fixture
def imported_twice(db, fisheries_user):
    for rows in (FIRST, SECOND):
        record = import_registry(io.BytesIO(xlsx_bytes(rows)), file_name="so-dang-ky.xlsx", user=fisheries_user)
        assert record.status == "done", record.errors
    changed = {c.vessel.registration_number: c.changes for c in VesselChange.objects.filter(kind="updated")}
    # What the importer writes, as the tests below read it.
    assert changed["KG-90001-TS"]["owner"] == ["Nguyễn Văn An (091078100001)", "Trần Văn Cường (091078200003)"]
    assert changed["KG-90002-TS"]["owner.id_number"] == ["", "091078300004"]
    return {v.registration_number: v for v in Vessel.objects.all()}


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_every_owner_key_the_importer_writes_is_personal(imported_twice):
    keys = {k for c in VesselChange.objects.all() for k in c.changes}
    owner_keys = {k for k in keys if k == "owner" or k.startswith("owner.")}
    assert owner_keys  # the files above do change owners
    for key in owner_keys - {"owner.commune_code", "owner.kind"}:
        assert is_personal_change_key(key), key
    for key in keys - owner_keys:
        assert not is_personal_change_key(key), key


@pytest.mark.parametrize("reg", ["KG-90001-TS", "KG-90002-TS"])
def test_viewer_page_has_no_personal_data(imported_twice, viewer_user, client_for, reg):
    client = client_for(viewer_user)  # logging in is itself audited
    since = AuditEvent.objects.count()
    response = client.get(reverse("fleet-vessel", args=[reg]))
    assert response.status_code == 200
    html = response.content.decode()
    assert _leaks(html) == []
    assert 'data-testid="history-masked"' in html  # the owner changed: said, without whom to whom
    assert AuditEvent.objects.count() == since


@pytest.mark.parametrize("reg", ["KG-90001-TS", "KG-90002-TS"])
def test_viewer_api_has_no_personal_data(imported_twice, viewer_user, client_for, reg):
    client = client_for(viewer_user)
    since = AuditEvent.objects.count()
    detail = client.get(f"/api/v1/vessels/{reg}")
    assert detail.status_code == 200
    listed = client.get("/api/v1/vessels", {"q": reg})
    assert [v["registration_number"] for v in listed.json()] == [reg]
    for response in (detail, listed):
        assert _leaks(response.content.decode()) == []
    body = detail.json()
    assert set(body["owner"]) <= {"commune_code", "kind", "identity_status"}
    owner_changes = [c for c in body["changes"] if any(k == "owner" or k.startswith("owner.") for k in c["changes"])]
    assert owner_changes and all(c["redacted"] for c in owner_changes)
    assert AuditEvent.objects.count() == since


def test_officer_sees_the_same_history_and_every_read_is_audited(imported_twice, fisheries_user, client_for):
    client = client_for(fisheries_user)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    html = client.get(reverse("fleet-vessel", args=["KG-90001-TS"])).content.decode()
    assert "Trần Văn Cường" in html and "091078200003" in html
    assert "Nguyễn Văn An (091078100001)" in html  # the history's owner entry
    body = client.get("/api/v1/vessels/KG-90002-TS").json()
    assert body["owner"]["id_number"] == "091078300004"
    assert body["owner"]["name"] == "Lê Thị Bình"
    assert any(c["changes"].get("owner.id_number") == ["", "091078300004"] for c in body["changes"])
    listed = client.get("/api/v1/vessels", {"q": "KG-90001-TS"}).json()
    assert listed[0]["owner"]["id_number"] == "091078200003"
    audited = list(AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", "object_type"))
    assert audited == [("view", "owner"), ("view", "vessel"), ("search", "vessel")]

"""The API's one error shape (lienthong.api_errors), its documentation in the OpenAPI schema, and the zone and
gear enumerations (issue 9)."""
from __future__ import annotations

import pytest
from django.test import Client

from lienthong.fleet.classes import GEARS, ZONES

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def openapi(db):
    return Client().get("/api/v1/openapi.json").json()


def _responses(openapi, path, method):
    return {code: spec["content"]["application/json"]["schema"] for code, spec in
            openapi["paths"][f"/api/v1{path}"][method]["responses"].items()}


@pytest.mark.parametrize("path, method, codes", [
    ("/vessels", "get", {"200", "401", "422"}),
    ("/vessels/{registration_number}", "get", {"200", "401", "404", "422"}),
    ("/port/ports", "get", {"200", "401"}),
    ("/port/declarations", "post", {"201", "400", "401", "403", "422"}),
    ("/port/declarations/{reference}", "get", {"200", "401", "404", "422"}),
])
def test_every_operation_documents_its_errors_in_one_shape(openapi, path, method, codes):
    responses = _responses(openapi, path, method)
    assert set(responses) == codes
    assert all(responses[code] == ERROR_REF for code in codes if code[0] != "2")
    assert openapi["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_zone_and_gear_are_enumerations(openapi):
    schemas = openapi["components"]["schemas"]
    declaration = schemas["DeclarationIn"]["properties"]
    assert declaration["zone"]["enum"] == list(ZONES)
    assert declaration["gear"]["enum"] == list(GEARS)
    # What the registry holds may be blank (a row that did not say).
    assert schemas["VesselOut"]["properties"]["gear"]["enum"] == [*GEARS, ""]
    assert schemas["VesselDetailOut"]["properties"]["fishing_zone"]["enum"] == [*ZONES, ""]


def test_a_refused_query_is_422_naming_the_field(fleet, fisheries_user, token_client):
    client = token_client(fisheries_user)
    response = client.get("/api/v1/vessels", {"q": "nguyen", "limit": 0})
    assert (response.status_code, response.json()) == (422, {"detail": "invalid", "errors": {"limit": "Tối thiểu là 1"}})
    response = client.get("/api/v1/vessels", {"limit": "²"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["limit"]


@pytest.mark.parametrize("url", ["/api/v1/vessels?q=a%00b", "/api/v1/vessels/KG%00", "/api/v1/port/declarations/a%00"])
def test_a_nul_character_is_refused_by_the_schema(fleet, fisheries_user, token_client, url):
    """PostgreSQL cannot compare text holding NUL: it reached the database and was a 500."""
    response = token_client(fisheries_user).get(url)
    assert response.status_code == 422
    assert list(response.json()["errors"].values()) == ["Có ký tự không được phép"]


def test_a_refused_body_names_the_nested_field(db, fisheries_user, token_client):
    body = {"registration_number": "KG-1", "port": "x", "zone": "moon", "gear": "trawl",
            "departure_at": "2030-01-01T06:00:00+07:00", "expected_return_at": "2030-01-05T06:00:00+07:00",
            "captain": {"full_name": "A\x00", "cccd": "1" * 17}, "crew": [{"cccd": "091085000001"}]}
    response = token_client(fisheries_user).post("/api/v1/port/declarations", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "zone": "Phải là một trong: 'coastal', 'inshore', 'offshore', 'high_seas'",
        "captain.full_name": "Có ký tự không được phép", "captain.cccd": "Tối đa 16 ký tự",
        "crew.0.full_name": "Bắt buộc",
    }


def test_not_found_and_unauthorized_keep_their_shape(fleet, fisheries_user, token_client):
    assert token_client(fisheries_user).get("/api/v1/vessels/XX-0-TS").json() == {"detail": "Not found"}
    assert Client().get("/api/v1/port/ports").json() == {"detail": "Unauthorized"}

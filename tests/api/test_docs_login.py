"""The API docs and the OpenAPI schema: open in development, only to a logged-in staff member in production."""
from __future__ import annotations

import pytest

DOCS = ("/api/v1/docs", "/api/v1/openapi.json")


@pytest.mark.parametrize("path", DOCS)
def test_development_serves_the_docs_to_anyone(client, settings, db, path):
    settings.PRODUCTION = False
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", DOCS)
def test_production_asks_a_login_for_the_docs(client, client_for, settings, fisheries_user, make_user, path):
    settings.PRODUCTION = True
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for(fisheries_user).get(path).status_code == 302  # an officer who is not staff
    assert client_for(make_user("quantri", "admin", is_staff=True)).get(path).status_code == 200

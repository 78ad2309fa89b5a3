"""The JSON API against its own OpenAPI schema (issue 9), with schemathesis: requests generated from the schema,
valid and invalid, sent in-process to the WSGI application with three tokens (an administrator's, a commune
officer's scoped to one commune, a viewer's). No answer may be a 500; every answer must be documented for its
operation (status code, content type, body shape: `lienthong.api_errors.ErrorOut` for the errors), and a request
the schema refuses must be refused.

Kept under a minute on a busy 2-core machine: few examples per operation, derandomized (the same requests on every
run, in CI on SQLite and on PostgreSQL)."""
from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, negative_data_rejection, response_schema_conformance, status_code_conformance
from search.fleet import build_fleet

from lienthong.api.models import ApiToken
from lienthong.api.v1 import api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def _load_schema():
    """The schema /api/v1/openapi.json serves, taken from the API object (loading it through the application at
    import would need the database; schemathesis' fixture loader does not run on pytest 9), answered by the WSGI app."""
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection at the end of each request, which ends the test's
    transaction (on PostgreSQL: "the connection is closed"); Django's own test client unhooks the same signal."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, admin_user, commune_user, viewer_user):
    """The fixture fleet (vessels in and out of the commune officer's area) and a port, and one token per role."""
    from lienthong.port.models import Port

    build_fleet()
    Port.objects.create(code="rach-gia", name="Cảng cá Rạch Giá", commune_code="30742")
    return {user.username: ApiToken.issue(user, "schemathesis")[1] for user in (admin_user, commune_user, viewer_user)}


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, tokens):
    for token in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_schema_tested_is_the_one_served(db):
    import json

    from django.test import Client

    assert Client().get("/api/v1/openapi.json").json() == json.loads(json.dumps(api.get_openapi_schema()))

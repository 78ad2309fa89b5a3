import pytest
from django.test import Client
from search.fleet import build_fleet

from lienthong.api.models import ApiToken


@pytest.fixture
def fleet(db):
    return build_fleet()


@pytest.fixture
def token_client():
    """A client that authenticates with a fresh API token of `user` (no session)."""

    def make(user) -> Client:
        _token, raw = ApiToken.issue(user, "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", enforce_csrf_checks=True)

    return make


@pytest.fixture
def session_client():
    def make(user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make

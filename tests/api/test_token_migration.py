"""ApiToken moved from the `search` app label to its own `api` app: a token issued before the move still
authenticates after it (the table and its rows are kept, only renamed)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lienthong.api.models import TOKEN_PREFIX, ApiToken, hash_token

BEFORE = [("search", "0007_token_kind_vessel_name"), ("api", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_token_issued_before_the_move_still_authenticates(make_user):
    user = make_user("truoc_khi_chuyen", "fisheries")
    ApiToken.objects.all().delete()
    old_apps = _migrate(BEFORE)
    try:
        assert "search_apitoken" in connection.introspection.table_names()
        assert "api_apitoken" not in connection.introspection.table_names()
        raw = TOKEN_PREFIX + "issued-under-the-search-label"
        OldToken = old_apps.get_model("search", "ApiToken")
        old = OldToken.objects.create(user_id=user.pk, name="old", token_hash=hash_token(raw), prefix=raw[:10])
    finally:
        _migrate(_leaves())

    tables = connection.introspection.table_names()
    assert "api_apitoken" in tables and "search_apitoken" not in tables
    assert ApiToken.authenticate(raw) == user
    assert ApiToken.objects.get().pk == old.pk
    # The table keeps its id sequence: a new token gets a fresh id, no clash with the moved row.
    new, new_raw = ApiToken.issue(user, "new")
    assert new.pk != old.pk and ApiToken.authenticate(new_raw) == user

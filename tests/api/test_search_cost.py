"""What one API search costs the database: a fixed, small number of queries, one audit row written in the
request for roles that see personal data, and the token's last-use mark written at most once a minute."""
from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lienthong.accounts.models import AuditEvent
from lienthong.api.models import ApiToken


def _client(user):
    token, raw = ApiToken.issue(user, "test")
    return token, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _search(client, q):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/vessels", {"q": q})
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def test_registration_search_is_four_queries_and_its_chained_audit_event(fleet, fisheries_user):
    _token, client = _client(fisheries_user)
    client.get("/api/v1/vessels", {"q": "kg"})  # first use marks the token
    response, sql = _search(client, "KG-91234-TS")
    assert [v["registration_number"] for v in response.json()] == ["KG-91234-TS"]
    # token with its user; the word's count; the ranking; the rows shown — then the audit event. SQLite chains it in
    # one transaction (a savepoint here, inside the test's transaction; BEGIN IMMEDIATE is the lock): the chain's
    # head read, the insert. PostgreSQL sends the chain's lock, the head, the link and the insert as one statement.
    assert not any(s.startswith(("UPDATE", "SET", "BEGIN", "SAVEPOINT")) for s in sql[:4]), sql
    if connection.vendor == "postgresql":
        assert len(sql) == 5, sql
        assert sql[4].startswith("SELECT pg_advisory_xact_lock") and 'INSERT INTO "accounts_auditevent"' in sql[4]
    else:
        assert len(sql) == 8, sql
        assert [s.split()[0] for s in sql[4:]] == ["SAVEPOINT", "SELECT", "INSERT", "RELEASE"], sql[4:]
        assert '"row_hash"' in sql[-3] and sql[-2].startswith('INSERT INTO "accounts_auditevent"')
    assert AuditEvent.objects.filter(action="search").count() == 2


def test_name_search_adds_one_count_per_extra_word(fleet, fisheries_user):
    _token, client = _client(fisheries_user)
    client.get("/api/v1/vessels", {"q": "kg"})
    response, sql = _search(client, "Nguyễn Văn Tư")
    assert [v["registration_number"] for v in response.json()] == ["KG-91234-TS", "AG-01234-TS"]
    audit = 1 if connection.vendor == "postgresql" else 4  # one statement; a savepoint, head, insert, release
    assert len(sql) == 6 + audit, sql  # 4 + a count for each of the two other words, then the audit event


def test_viewer_search_writes_no_audit_and_reads_no_personal_columns(fleet, viewer_user):
    _token, client = _client(viewer_user)
    client.get("/api/v1/vessels", {"q": "kg"})
    response, sql = _search(client, "KG-91234-TS")
    assert [v["registration_number"] for v in response.json()] == ["KG-91234-TS"]
    assert response.json()[0]["owner"] == {"commune_code": "31078", "kind": "person", "identity_status": "unverified"}
    assert len(sql) == 4, sql
    assert not any(col in sql[-1] for col in ("id_number", "birth_date", "full_name", "verified_cccd")), sql[-1]
    assert not AuditEvent.objects.filter(action="search").exists()


def test_last_used_is_written_once_a_minute_not_per_request(fleet, fisheries_user):
    token, client = _client(fisheries_user)
    client.get("/api/v1/vessels", {"q": "kg"})
    token.refresh_from_db()
    first = token.last_used
    assert first is not None

    _response, sql = _search(client, "kg")
    assert not any(s.startswith("UPDATE") for s in sql)
    token.refresh_from_db()
    assert token.last_used == first

    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now() - timedelta(minutes=2))
    _response, sql = _search(client, "kg")
    assert sum(s.startswith('UPDATE "api_apitoken"') for s in sql) == 1
    token.refresh_from_db()
    assert token.last_used > first

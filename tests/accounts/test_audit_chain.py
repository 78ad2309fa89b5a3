"""The audit log cannot be rewritten: every rewrite is refused by the database, and each row carries a hash
chained to the one before, so a rewrite made behind the database's back (triggers dropped by the owner, a
restored backup edited by hand) is found by `lienthong audit-verify` and shown to the administrator."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lienthong.accounts import audit, chain
from lienthong.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(user, n=5):
    return [audit.record(user, "view", object_type="owner", object_id=i, summary=f"Xem chủ tàu {i}",
                         detail={"i": i, "tên": "Nguyễn Văn Tư"}) for i in range(n)]


def _behind_the_triggers(sql, params=()):
    """What someone with the table owner's rights could do: lift the triggers, rewrite, put them back."""
    from lienthong.accounts import triggers

    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(connection.vendor):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in triggers.create_statements(connection.vendor):
            cursor.execute(statement)


def test_each_event_is_chained_to_the_one_before(fisheries_user):
    events = _events(fisheries_user, 4)
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert all(len(e.row_hash) == 64 for e in stored)
    assert [e.prev_hash for e in stored[1:]] == [e.row_hash for e in stored[:-1]]
    result = chain.verify()
    assert (result.intact, result.checked, result.broken_at) == (True, 4, None)


def test_a_rewritten_row_is_found(fisheries_user):
    events = _events(fisheries_user, 5)
    _behind_the_triggers("UPDATE accounts_auditevent SET summary = %s WHERE id = %s", ["sửa lén", events[2].pk])
    result = chain.verify()
    assert (result.intact, result.broken_at, result.reason) == (False, events[2].pk, "content")


def test_a_removed_row_is_found(fisheries_user):
    events = _events(fisheries_user, 5)
    _behind_the_triggers("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].pk])
    result = chain.verify()
    assert (result.intact, result.broken_at, result.reason) == (False, events[2].pk, "link")


def test_a_removed_tail_is_found_against_the_last_seal(fisheries_user):
    events = _events(fisheries_user, 5)
    assert chain.verify().intact  # seals the chain's head as the last verified state
    _behind_the_triggers("DELETE FROM accounts_auditevent WHERE id >= %s", [events[3].pk])
    result = chain.verify()
    assert (result.intact, result.reason) == (False, "truncated")


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_refuses_insert_or_replace_over_an_event(fisheries_user):
    event = _events(fisheries_user, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT OR REPLACE INTO accounts_auditevent (id, at, username, action, object_type, object_id, summary,"
                " detail, user_agent, prev_hash, row_hash) SELECT id, at, 'x', action, object_type, object_id, 'x',"
                " detail, user_agent, prev_hash, row_hash FROM accounts_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Xem chủ tàu 0"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_replace_statement_is_refused_too(fisheries_user):
    event = _events(fisheries_user, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("REPLACE INTO accounts_auditevent (id, at, username, action, object_type, object_id, summary,"
                           " detail, user_agent, prev_hash, row_hash) VALUES (%s, '2026-01-01', 'x', 'view', '', '',"
                           " '', '{}', '', '', '')", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, username="thuysan").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("sql", [
    "TRUNCATE accounts_auditevent CASCADE",
    "INSERT INTO accounts_auditevent (id, at, username, action, object_type, object_id, summary, detail, user_agent,"
    " prev_hash, row_hash) SELECT id, at, 'x', action, '', '', '', '{}', '', '', '' FROM accounts_auditevent"
    " ON CONFLICT (id) DO UPDATE SET summary = 'x'",
])
def test_postgresql_refuses_truncate_and_upsert(fisheries_user, sql):
    _events(fisheries_user, 2)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending FK checks would refuse TRUNCATE first
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 2


def test_audit_verify_command_reports_the_first_broken_link(fisheries_user):
    events = _events(fisheries_user, 3)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "3" in out.getvalue()
    _behind_the_triggers("UPDATE accounts_auditevent SET username = 'khac' WHERE id = %s", [events[1].pk])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify", stdout=out)
    assert exit_.value.code == 1
    assert f"#{events[1].pk}" in out.getvalue()


def test_the_administrator_sees_the_chain_state(client_for, make_user, fisheries_user):
    admin = make_user("quantri", "admin")
    events = _events(fisheries_user, 3)
    html = client_for(admin).get("/nhat-ky/").content.decode()
    assert 'data-testid="audit-chain-ok"' in html
    _behind_the_triggers("UPDATE accounts_auditevent SET summary = 'x' WHERE id = %s", [events[0].pk])
    client = client_for(admin)
    assert client.post("/nhat-ky/kiem-tra/").status_code == 302
    html = client.get("/nhat-ky/").content.decode()
    assert 'data-testid="audit-chain-broken"' in html and f"#{events[0].pk}" in html


def test_a_rewrite_after_the_last_check_shows_at_once(client_for, make_user, fisheries_user):
    admin = make_user("quantri", "admin")
    client = client_for(admin)
    client.get("/nhat-ky/")  # checks (and seals) what is there
    events = _events(fisheries_user, 2)
    _behind_the_triggers("DELETE FROM accounts_auditevent WHERE id = %s", [events[0].pk])
    html = client.get("/nhat-ky/").content.decode()
    assert 'data-testid="audit-chain-broken"' in html and f"#{events[1].pk}" in html

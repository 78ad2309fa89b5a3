"""The audit chain under many writers at once (PostgreSQL: several connections append side by side, as the
server's processes and threads do): the chain stays one line — every event's prev_hash is the row_hash of the
event stored just before it — and `audit.verify` finds it intact. The chain's head is read in the same round
trip that takes the chain's lock, so a writer holds the lock for one round trip less."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from lienthong.accounts import audit, chain
from lienthong.accounts.models import AuditEvent

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'")


@pytest.fixture
def audit_rows_removed_after():
    """A test outside a transaction leaves its events behind; the append-only triggers refuse the flush that
    empties the test database, so they are lifted for that (as the table's owner could) and put back."""
    yield
    from lienthong.accounts import triggers

    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(connection.vendor):
            cursor.execute(statement)
        for table in triggers.TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for statement in triggers.create_statements(connection.vendor):
            cursor.execute(statement)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_writers_at_once_keep_the_chain_linear_and_verifiable(make_user, audit_rows_removed_after):
    user = make_user("thuysan", "fisheries")
    writers, each = 8, 30
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            start.wait()
            for i in range(each):
                audit.record(user, "view", object_type="owner", object_id=f"{k}-{i}",
                             summary=f"Xem chủ tàu {k}-{i}", detail={"writer": k, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "row_hash", "object_id"))
    mine = [row for row in stored if "-" in row[2]]
    assert len(mine) == writers * each
    assert [prev for prev, _, _ in stored[1:]] == [row for _, row, _ in stored[:-1]]
    assert len({row for _, row, _ in stored}) == len(stored)
    result = chain.verify()
    assert (result.intact, result.checked) == (True, len(stored))


@postgres_only
@pytest.mark.django_db
def test_the_lock_and_the_head_are_one_round_trip(make_user):
    user = make_user("thuysan", "fisheries")
    audit.record(user, "view", object_type="owner", object_id=1, summary="Xem chủ tàu 1")
    with CaptureQueriesContext(connection) as queries:
        event = audit.record(user, "view", object_type="owner", object_id=2, summary="Xem chủ tàu 2")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements  # lock + head; the insert
    assert "pg_advisory_xact_lock" in statements[0] and "row_hash" in statements[0]
    previous = AuditEvent.objects.filter(pk__lt=event.pk).order_by("-pk").first()
    assert event.prev_hash == previous.row_hash and chain.verify().intact

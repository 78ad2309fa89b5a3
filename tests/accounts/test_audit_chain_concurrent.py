"""The audit chain under many writers at once (PostgreSQL: several connections append side by side, as the
server's processes and threads do): the chain stays one line — every event's prev_hash is the row_hash of the
event stored just before it — and `audit.verify` finds it intact. The chain's head is read in the same round
trip that takes the chain's lock, so a writer holds the lock for one round trip less."""
from __future__ import annotations

import threading

import pytest
from django.db import DataError, connection, connections
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
def test_lock_head_link_and_insert_are_one_round_trip(make_user):
    user = make_user("thuysan", "fisheries")
    audit.record(user, "view", object_type="owner", object_id=1, summary="Xem chủ tàu 1")
    with CaptureQueriesContext(connection) as queries:
        event = audit.record(user, "view", object_type="owner", object_id=2, summary="Xem chủ tàu 2")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1, statements  # inside a transaction: lock, head, link and insert at once
    assert "pg_advisory_xact_lock" in statements[0] and "INSERT" in statements[0]
    previous = AuditEvent.objects.filter(pk__lt=event.pk).order_by("-pk").first()
    assert event.prev_hash == previous.row_hash
    assert event.row_hash == chain.link(previous.row_hash, chain.content_digest(event))
    stored = AuditEvent.objects.get(pk=event.pk)  # what PostgreSQL hashed is what Python verifies
    assert (stored.content_hash, stored.row_hash) == (event.content_hash, event.row_hash)
    assert chain.verify().intact


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_commit_is_in_the_same_round_trip(make_user, audit_rows_removed_after):
    user = make_user("thuysan", "fisheries")
    with CaptureQueriesContext(connection) as queries:
        event = audit.record(user, "view", object_type="owner", object_id=3, summary="Xem chủ tàu 3",
                             detail={"số": 1.5, "tên": "Nguyễn Văn Á"})
    assert len(queries.captured_queries) == 1 and "COMMIT" in queries.captured_queries[0]["sql"]
    assert not connection.in_atomic_block
    with connections["default"].cursor() as cursor:  # committed: visible, and the connection is not left in a transaction
        cursor.execute("SELECT count(*) FROM accounts_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone()[0] == 1
    assert connection.connection.info.transaction_status == 0  # psycopg: IDLE


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_refused_event_leaves_nothing_and_the_connection_usable(make_user, audit_rows_removed_after):
    user = make_user("thuysan", "fisheries")
    before = AuditEvent.objects.count()
    with pytest.raises(DataError):  # refused by the server after BEGIN and the lock: too long for the column
        audit.record(user, "view", object_type="x" * 41, object_id=4, summary="Xem chủ tàu 4")
    assert AuditEvent.objects.count() == before
    assert connection.connection.info.transaction_status == 0
    audit.record(user, "view", object_type="owner", object_id=5, summary="Xem chủ tàu 5")
    assert chain.verify().intact


@pytest.mark.django_db
def test_events_written_before_the_content_digest_still_verify(make_user):
    """A chain that starts with events of the first form (content and link hashed at once, no content digest)
    and goes on with linked ones verifies; changing either kind is found."""
    user = make_user("thuysan", "fisheries")
    old = AuditEvent(user=user, username="thuysan", action="view", object_type="owner", object_id="old",
                     summary="Xem chủ tàu (cũ)", detail={}, ip_address=None, user_agent="")
    from django.utils import timezone

    old.at = timezone.now()
    old.prev_hash = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""
    old.row_hash = chain.event_hash(old.prev_hash, **chain._content_fields(old))
    old.save(force_insert=True)
    new = audit.record(user, "view", object_type="owner", object_id="new", summary="Xem chủ tàu (mới)")
    assert new.prev_hash == old.row_hash and new.content_hash
    assert chain.verify().intact

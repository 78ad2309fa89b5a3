"""The audit log is append-only, in the ORM and in the database itself."""
from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from lienthong.accounts import audit
from lienthong.accounts.models import AuditEvent


@pytest.mark.django_db
def test_record_writes_who_what_and_detail(fisheries_user):
    event = audit.record(fisheries_user, "view", object_type="owner", object_id=42, summary="Xem chủ tàu", detail={"q": "x"})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.username, stored.action, stored.object_type, stored.object_id) == ("thuysan", "view", "owner", "42")
    assert stored.detail == {"q": "x"}
    assert stored.ip_address is None  # no request: a CLI or background job


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(fisheries_user):
    event = audit.record(fisheries_user, "view", object_type="owner", object_id=1)
    event.summary = "sửa"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(summary="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE accounts_auditevent SET username = 'x'", "DELETE FROM accounts_auditevent"])
def test_database_refuses_raw_update_and_delete(fisheries_user, sql):
    """The triggers must survive every migration (on SQLite, a table rebuild silently drops them)."""
    audit.record(fisheries_user, "view", object_type="owner", object_id=1)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(username="thuysan").count() == 1


@pytest.mark.django_db
def test_user_with_audit_history_cannot_be_deleted(fisheries_user):
    audit.record(fisheries_user, "view", object_type="owner", object_id=1)
    with pytest.raises(ProtectedError):
        fisheries_user.delete()


@pytest.mark.django_db
def test_client_address_from_the_proxy_header_only_when_trusted(rf, fisheries_user, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2", REMOTE_ADDR="10.0.0.2")
    request.user = fisheries_user
    settings.LIENTHONG_TRUST_X_FORWARDED_FOR = False
    assert audit.record(request, "view").ip_address == "10.0.0.2"
    settings.LIENTHONG_TRUST_X_FORWARDED_FOR = True
    assert audit.record(request, "view").ip_address == "203.0.113.7"

"""Write the audit trail. Every read or change of a person's data goes through `record`."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import chain
from .models import AuditAction, AuditEvent

CHAIN_LOCK = 0x6C74_6175  # the advisory lock key of the audit chain ("ltau")
_ip_field = AuditEvent._meta.get_field("ip_address")  # normalises an address as the database will store it

# What each app writes as `object_type`, in words for the audit page ("review_queue" → "hàng đợi đối soát").
# Every app registers its own in AppConfig.ready(), so the log stays below the apps that write to it.
_OBJECT_TYPE_LABELS: dict[str, Any] = {}


@dataclass(frozen=True)
class Message:
    """A summary as a code: an English msgid and its parameters. Stored in the event's detail and shown in the
    reader's language; the `summary` column keeps it in the site's language (the record as issued, searchable)."""

    msgid: str
    params: dict

    def text(self) -> str:
        return gettext(self.msgid) % self.params


def msg(msgid: str, **params) -> Message:
    """audit.record(..., summary=msg(gettext_noop("Cleared %(reg)s for departure"), reg=...))"""
    return Message(msgid, params)


def in_site_language(text) -> str:
    """A label for a coded summary's parameter, in the site's language as the stored summary is (a choice's
    display, a worklist's title): `in_site_language(item.get_state_display)` or a lazy string."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text() if callable(text) else text)


def summary_text(event) -> str:
    """An event's summary in the active language (events written with a Message), else as stored."""
    coded = (event.detail or {}).get("summary_msg") if isinstance(event.detail, dict) else None
    if coded:
        try:
            return gettext(coded["msgid"]) % coded["params"]
        except (KeyError, TypeError, ValueError):
            pass
    return event.summary


def register_object_types(labels: dict[str, Any]) -> None:
    """Declare the object types an app audits, code → translatable label (gettext_lazy)."""
    _OBJECT_TYPE_LABELS.update(labels)


def object_type_label(code: str) -> str:
    """The label of an object type in the active language; an unregistered code is shown as it is."""
    label = _OBJECT_TYPE_LABELS.get(code)
    return str(label) if label is not None else code


def registered_object_types() -> frozenset[str]:
    return frozenset(_OBJECT_TYPE_LABELS)


def _client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the province's reverse proxy the client is the first X-Forwarded-For hop;
    # only trusted when the deployment says so.
    from django.conf import settings

    if getattr(settings, "LIENTHONG_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def record(
    request_or_user,
    action: AuditAction | str,
    *,
    object_type: str = "",
    object_id: Any = "",
    summary: str | Message = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Pass the request (preferred: gives IP and user agent) or a user (CLI, jobs)."""
    request = request_or_user if hasattr(request_or_user, "META") else None
    user = getattr(request, "user", None) if request is not None else request_or_user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    username = user.get_username() if user is not None else ("anonymous" if request is not None else "system")
    if isinstance(summary, Message):
        detail = {**(detail or {}), "summary_msg": {"msgid": summary.msgid, "params": summary.params}}
        with translation.override(settings.LANGUAGE_CODE):
            summary = summary.text()
    event = AuditEvent(
        user=user,
        username=username,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id)[:64],
        summary=summary[:255],
        detail=detail or {},
        ip_address=_ip_field.get_prep_value(_client_ip(request)),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""),
    )
    event.at = timezone.now()
    event.content_hash = chain.content_digest(event)  # hashed before the lock: only the link is made under it
    if connection.vendor == "postgresql":
        _append_postgres(event)
        return event
    _append_sqlite(event)
    return event


# Both databases append the same columns, each value prepared as the ORM would save it.
_COLUMNS = ("at", "user_id", "username", "action", "object_type", "object_id", "summary", "detail", "ip_address",
            "user_agent", "content_hash")
_TABLE = AuditEvent._meta.db_table
_COLUMN_LIST = ", ".join(f'"{c}"' for c in _COLUMNS)
_PLACEHOLDERS = ", ".join(["%s"] * len(_COLUMNS))
_FIELDS = {f.attname: f for f in AuditEvent._meta.concrete_fields}


def _prepared(event: AuditEvent) -> list:
    return [_FIELDS[c].get_db_prep_save(getattr(event, c), connection) for c in _COLUMNS]


# SQLite: one writer at a time (BEGIN IMMEDIATE, the settings' mode) reads the head and writes the event, as two
# prepared statements: every search of personal data writes one, and compiling the ORM's two queries cost as much
# as running them (bench/lookup.py).
_HEAD_SQL = f'SELECT "row_hash" FROM "{_TABLE}" ORDER BY "id" DESC LIMIT 1'
_INSERT_SQL = (f'INSERT INTO "{_TABLE}" ({_COLUMN_LIST}, "prev_hash", "row_hash") VALUES ({_PLACEHOLDERS}, %s, %s)'
               f' RETURNING "id"')
_sqlite_writer = threading.Lock()


def _append_sqlite(event: AuditEvent) -> None:
    # The threads of one process queue here, not on SQLite's busy handler (which polls: sleeps of 1, 2, 5, 10 ms…).
    # Not when already in a transaction: that one holds the write lock since it began, and a thread waiting here
    # while holding it would only deadlock with the thread it waits for.
    # Waits no longer than the database's own timeout, then tries as before (a long import holds the database).
    if connection.in_atomic_block or not _sqlite_writer.acquire(timeout=connection.settings_dict["OPTIONS"].get("timeout", 5)):
        return _append_sqlite_locked(event)
    try:
        return _append_sqlite_locked(event)
    finally:
        _sqlite_writer.release()


def _append_sqlite_locked(event: AuditEvent) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_HEAD_SQL)
        head = cursor.fetchone()
        event.prev_hash = (head[0] if head else "") or ""
        event.row_hash = chain.hash_of(event, event.prev_hash)
        cursor.execute(_INSERT_SQL, [*_prepared(event), event.prev_hash, event.row_hash])
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


# PostgreSQL: the chain's lock, the read of its head, the link (sha256 of the head and the content digest, as
# chain.link computes it) and the insert are one round trip; outside a transaction the commit is in it too, so
# the lock is held only while the server runs those statements. Every audited write of every process waits on
# this lock: a lock held across round trips was held while its thread waited for the interpreter's lock too,
# and most requests of a busy server queued there (bench/centre.py). Each statement takes its own snapshot
# (READ COMMITTED), so the head is read after the lock is granted: the event the writer before committed.
_APPEND_SQL = (
    f"SELECT pg_advisory_xact_lock({CHAIN_LOCK:d}); "
    f'INSERT INTO "{_TABLE}" ({_COLUMN_LIST}, "prev_hash", "row_hash") '
    f"SELECT {_PLACEHOLDERS}, head.h, "
    f"encode(sha256(convert_to(head.h || %s, 'UTF8')), 'hex') "
    f"FROM (SELECT coalesce(({_HEAD_SQL}), '') AS h) head "
    f'RETURNING "id", "prev_hash", "row_hash"')


def _append_postgres(event: AuditEvent) -> None:
    params = _prepared(event) + [event.content_hash]
    standalone = not connection.in_atomic_block
    sql = f"BEGIN; {_APPEND_SQL}; COMMIT" if standalone else _APPEND_SQL
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, params)
        except Exception:
            if standalone:  # the explicit transaction is left aborted on the connection
                cursor.execute("ROLLBACK")
            raise
        while cursor.description is None or len(cursor.description) != 3:  # the INSERT's result
            if not cursor.nextset():
                raise RuntimeError("the audit event was not stored")
        event.pk, event.prev_hash, event.row_hash = cursor.fetchone()
    event._state.adding, event._state.db = False, connection.alias

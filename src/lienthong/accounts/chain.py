"""Tamper evidence for the audit log: each event carries the SHA-256 of its content and of the event before it.

The triggers (accounts.triggers) stop the application from rewriting history; the chain shows when someone
with more rights than the application (the table's owner, a hand-edited backup) did it anyway. A change of
an event breaks its own hash; a removed event breaks the link of the next; a removed tail is found against
the last seal (the head of the chain as last verified, kept in AuditSeal).

Written by hand: no maintained Django package keeps a hash chain over an append-only table (django-auditlog
and django-simple-history keep change rows without tamper evidence); the hashing is hashlib's.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

CHUNK = 5000


def canonical(prev_hash: str, *, at, user_id, username, action, object_type, object_id, summary, detail,
              ip_address, user_agent) -> bytes:
    """The bytes hashed for one event: every stored field, in a fixed order, UTF-8 JSON with sorted keys."""
    when = at.astimezone(dt.UTC).isoformat() if at is not None else None
    fields = [prev_hash, when, user_id, username, action, object_type, object_id, summary, detail, ip_address,
              user_agent]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(prev_hash: str, **fields) -> str:
    return hashlib.sha256(canonical(prev_hash, **fields)).hexdigest()


def _content_fields(event) -> dict:
    return dict(at=event.at, user_id=event.user_id, username=event.username, action=event.action,
                object_type=event.object_type, object_id=event.object_id, summary=event.summary, detail=event.detail,
                ip_address=event.ip_address, user_agent=event.user_agent)


def content_digest(event) -> str:
    """SHA-256 of an event's own fields (no link): computed before the chain's lock is taken."""
    return event_hash("", **_content_fields(event))


def link(prev_hash: str, content: str) -> str:
    """The row hash of an event whose content digest is `content`, after `prev_hash`: SHA-256 of the two hex
    strings joined. PostgreSQL computes the same (accounts.audit: sha256 of the UTF-8 text) in the statement that
    takes the chain's head, so the lock is held for that one statement and the commit."""
    return hashlib.sha256((prev_hash + content).encode("ascii")).hexdigest()


def hash_of(event, prev_hash: str) -> str:
    """The hash an event (a model instance or a historical-model row) must carry after `prev_hash`: linked from
    its content digest when it has one (events written since the digest column), else the first form (the whole
    event and the link hashed at once)."""
    digest = getattr(event, "content_hash", "")
    if digest:
        return link(prev_hash, content_digest(event))
    return event_hash(
        prev_hash, at=event.at, user_id=event.user_id, username=event.username, action=event.action,
        object_type=event.object_type, object_id=event.object_id, summary=event.summary, detail=event.detail,
        ip_address=event.ip_address, user_agent=event.user_agent,
    )


@dataclass(frozen=True)
class Result:
    intact: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""  # "content" (an event was changed), "link" (one before it is missing), "truncated"
    last_id: int | None = None
    full: bool = True


def verify(*, full: bool = True, by: str = "system") -> Result:
    """Walk the chain (all of it, or from the last intact seal) and record the outcome as a new seal."""
    from .models import AuditEvent, AuditSeal

    seal = AuditSeal.objects.filter(intact=True).order_by("-id").first()
    prev, after, checked = "", 0, 0
    if not full and seal is not None and seal.last_id:
        head = AuditEvent.objects.filter(pk=seal.last_id).values_list("row_hash", flat=True).first()
        if head != seal.last_hash:
            return _seal(Result(False, 0, seal.last_id, "truncated" if head is None else "content", full=False), by)
        prev, after = seal.last_hash, seal.last_id
    last_id = after or None
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=after).order_by("pk")[:CHUNK])
        if not rows:
            break
        for event in rows:
            checked += 1
            if event.prev_hash != prev:
                return _seal(Result(False, checked, event.pk, "link", full=full), by)
            if hash_of(event, prev) != event.row_hash:
                return _seal(Result(False, checked, event.pk, "content", full=full), by)
            prev, last_id = event.row_hash, event.pk
        after = rows[-1].pk
    if seal is not None and seal.last_id and not AuditEvent.objects.filter(pk=seal.last_id).exists():
        # The head once verified is gone: the tail was cut (and perhaps written anew after it).
        return _seal(Result(False, checked, seal.last_id, "truncated", last_id=last_id, full=full), by)
    return _seal(Result(True, checked, last_id=last_id, full=full), by, last_hash=prev)


def _seal(result: Result, by: str, last_hash: str = "") -> Result:
    from .models import AuditSeal

    AuditSeal.objects.create(
        intact=result.intact, checked=result.checked, last_id=result.last_id, last_hash=last_hash,
        broken_at=result.broken_at, reason=result.reason, full=result.full, by=by[:150],
    )
    return result


def reason_text(reason: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "content": _("the event was changed after it was written"),
        "link": _("the event before it is missing or was replaced"),
        "truncated": _("the last events were removed"),
    }.get(reason, reason)


def last_full_check():
    from .models import AuditSeal

    return AuditSeal.objects.filter(full=True).order_by("-id").first()

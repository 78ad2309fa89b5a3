"""What lienthong sends to people outside (reminders to communes and police), and the adapter protocol.

Two adapters share this interface: `OutboxNotifier` (the default: messages kept in the database, where an
administrator reads what was sent) and `HttpNotifier` (a notification gateway — e-mail, SMS, Zalo OA —
whose contract is docs/notify-api.md). The reference server (`notify.server`) validates with the same
function, so both adapters refuse the same messages.

Framework-free (no Django): the server and the client import it without settings. Messages may name
people: nothing here logs a recipient, a subject or a body.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Notification", "Delivery", "Notifier", "NotifyError", "NotifyRejected", "NotifyAuthError",
           "NotifyUnavailable", "validate", "MAX_RECIPIENTS", "MAX_SUBJECT", "MAX_BODY"]

MAX_RECIPIENTS = 50
MAX_SUBJECT = 200
MAX_BODY = 8000


class NotifyError(Exception):
    """Base of everything a notifier raises on purpose."""


class NotifyRejected(NotifyError, ValueError):
    """The message itself is refused (HTTP 400): sending it again will not help. `code` is stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class NotifyAuthError(NotifyError):
    """The gateway refused our token (HTTP 401)."""


class NotifyUnavailable(NotifyError):
    """The gateway cannot take the message now (circuit open, or retries exhausted): try again later."""


@dataclass(frozen=True, slots=True)
class Notification:
    """key: the idempotency key — the same key sent twice is delivered once (a retry after a lost answer
    must not remind a commune twice). to: recipient addresses. ref: what it is about ("worklist:12")."""

    key: str
    to: tuple[str, ...]
    subject: str
    body: str
    ref: str = ""

    def __repr__(self) -> str:  # reprs land in logs: no recipient, no text
        return f"Notification(key={self.key!r}, ref={self.ref!r}, recipients={len(self.to)})"

    def to_json(self) -> dict:
        return {"key": self.key, "to": list(self.to), "subject": self.subject, "body": self.body, "ref": self.ref}

    @classmethod
    def from_json(cls, d: Mapping) -> Notification:
        to = d.get("to")
        if not isinstance(to, list) or not all(isinstance(t, str) for t in to):
            raise NotifyRejected("invalid_request", "to must be a list of addresses")
        for name in ("key", "subject", "body"):
            if not isinstance(d.get(name), str):
                raise NotifyRejected("invalid_request", f"{name} is required and must be a string")
        ref = d.get("ref", "")
        if not isinstance(ref, str):
            raise NotifyRejected("invalid_request", "ref must be a string")
        return cls(d["key"], tuple(to), d["subject"], d["body"], ref)


@dataclass(frozen=True, slots=True)
class Delivery:
    """The gateway took the message: its id for it, and whether it had already taken this key."""

    id: str
    duplicate: bool = False
    extra: dict = field(default_factory=dict)


def validate(n: Notification) -> Notification:
    """The rules every adapter applies (the contract's 400s). Returns the message with NFC text."""
    if not n.key or len(n.key) > 64 or not n.key.isascii():
        raise NotifyRejected("invalid_key", "key must be 1 to 64 ASCII characters")
    to = tuple(t.strip() for t in n.to if t.strip())
    if not to:
        raise NotifyRejected("no_recipient", "at least one recipient is required")
    if len(to) > MAX_RECIPIENTS:
        raise NotifyRejected("too_many_recipients", f"at most {MAX_RECIPIENTS} recipients")
    subject = unicodedata.normalize("NFC", n.subject.strip())
    if not subject or len(subject) > MAX_SUBJECT:
        raise NotifyRejected("invalid_subject", f"subject must be 1 to {MAX_SUBJECT} characters")
    body = unicodedata.normalize("NFC", n.body)
    if not body.strip() or len(body) > MAX_BODY:
        raise NotifyRejected("invalid_body", f"body must be 1 to {MAX_BODY} characters")
    return Notification(n.key, to, subject, body, n.ref)


@runtime_checkable
class Notifier(Protocol):
    channel: str

    def send(self, notification: Notification) -> Delivery:
        """Deliver once per key; raise NotifyRejected (do not retry), NotifyAuthError or NotifyUnavailable."""
        ...

    def close(self) -> None:
        ...

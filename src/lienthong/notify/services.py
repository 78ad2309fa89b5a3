"""Sending notifications: the one write path. A message is recorded first (pending), then handed to the
adapter; the record keeps to whom, when, through what and the delivery result. Failed messages are retried
by `retry_failed` (the job worker calls it; the reminders page offers it too) with the same key."""
from __future__ import annotations

import threading
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.notify.message import Notification, Notifier, NotifyError, NotifyRejected
from lienthong.notify.models import Message, MessageStatus

__all__ = ["notifier", "send", "deliver", "retry_failed", "reset_notifier"]

_lock = threading.Lock()
_notifier: Notifier | None = None


def notifier() -> Notifier:
    """One long-lived adapter per process (the HTTP client's connections and circuit breaker persist)."""
    global _notifier
    with _lock:
        if _notifier is None:
            from lienthong.notify.filebox import FileNotifier, path_of

            if (path := path_of(settings.NOTIFY_URL)) is not None:  # the demo: each message a JSON line in a file
                _notifier = FileNotifier(path if path.is_absolute() else settings.DATA_DIR / path)
            elif settings.NOTIFY_URL:
                from lienthong.notify.client import HttpNotifier

                _notifier = HttpNotifier(settings.NOTIFY_URL, settings.NOTIFY_TOKEN)
            else:
                from lienthong.notify.outbox import OutboxNotifier

                _notifier = OutboxNotifier()
        return _notifier


def reset_notifier() -> None:
    """Close and forget the adapter (settings changed: tests, reconfiguration)."""
    global _notifier
    with _lock:
        if _notifier is not None:
            _notifier.close()
        _notifier = None


def _user(request_or_user):
    return getattr(request_or_user, "user", request_or_user)


def send(request_or_user, *, to: list[str], subject: str, body: str, ref: str = "",
         adapter: Notifier | None = None) -> Message:
    """Record and send one message; never raises for a delivery failure (the record says it)."""
    adapter = adapter or notifier()
    user = _user(request_or_user)
    message = Message.objects.create(key=uuid.uuid4().hex, ref=ref, recipients=list(to), subject=subject, body=body,
                                     channel=adapter.channel,
                                     created_by=user if getattr(user, "is_authenticated", False) else None)
    deliver(message, adapter)
    audit.record(request_or_user, "create", object_type="notification", object_id=message.pk,
                 summary=audit.msg(gettext_noop("Sent a notification: %(subject)s"), subject=subject[:180]),
                 detail={"ref": ref, "recipients": list(to), "channel": message.channel, "status": message.status,
                         "error": message.last_error})
    return message


def deliver(message: Message, adapter: Notifier | None = None) -> Message:
    adapter = adapter or notifier()
    n = Notification(message.key, tuple(message.recipients), message.subject, message.body, message.ref)
    message.attempts += 1
    message.last_attempt_at = timezone.now()
    message.channel = adapter.channel
    try:
        delivery = adapter.send(n)
    except NotifyRejected as exc:
        message.status, message.retryable, message.last_error = MessageStatus.FAILED, False, f"{exc.code}: {exc.message}"[:255]
    except NotifyError as exc:
        message.status, message.last_error = MessageStatus.FAILED, str(exc)[:255]
    else:
        message.status, message.remote_id, message.sent_at, message.last_error = (
            MessageStatus.SENT, delivery.id, timezone.now(), "")
    message.save()
    return message


def retry_failed(adapter: Notifier | None = None, limit: int = 50, ref: str | None = None) -> list[Message]:
    """Send again the failed messages that may succeed (not those the gateway refused as such), oldest first;
    stops at the first that fails again (the gateway is still down: no point hammering it)."""
    qs = Message.objects.filter(status=MessageStatus.FAILED, retryable=True).order_by("created_at", "id")
    if ref is not None:
        qs = qs.filter(ref=ref)
    done = []
    for message in qs[:limit]:
        deliver(message, adapter)
        done.append(message)
        audit.record(None, "update", object_type="notification", object_id=message.pk,
                     summary=audit.msg(gettext_noop("Sent a notification again: %(status)s"), status=message.status),
                     detail={"attempts": message.attempts, "error": message.last_error})
        if message.status != MessageStatus.SENT:
            break
    return done

"""`OutboxNotifier`: the default adapter. Delivering is storing the message in the outbox table, where an
administrator reads what was sent (admin: Notifications › Outbox). Same rules as the gateway
(notify.message.validate), same once-per-key delivery."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from lienthong.notify.message import Delivery, Notification, validate
from lienthong.notify.models import OutboxEntry

__all__ = ["OutboxNotifier"]


class OutboxNotifier:
    channel = "outbox"

    def send(self, notification: Notification) -> Delivery:
        n = validate(notification)
        existing = OutboxEntry.objects.filter(key=n.key).first()
        if existing is not None:
            return Delivery(str(existing.pk), duplicate=True)
        try:
            with transaction.atomic():
                entry = OutboxEntry.objects.create(key=n.key, ref=n.ref, recipients=list(n.to), subject=n.subject,
                                                   body=n.body)
        except IntegrityError:  # the same key delivered meanwhile by another thread
            return Delivery(str(OutboxEntry.objects.get(key=n.key).pk), duplicate=True)
        return Delivery(str(entry.pk))

    def close(self) -> None:
        pass

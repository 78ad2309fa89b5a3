"""Notifications sent (whatever the adapter), and the local outbox (the default adapter's deliveries)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("not yet sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("sending failed")


class Message(models.Model):
    """A message lienthong sent or tried to send: to whom, when, through what, and the delivery result.
    A failed message keeps its key, so the retry is delivered at most once."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    ref = models.CharField(_("about"), max_length=64, db_index=True, blank=True)  # "worklist:12"
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    channel = models.CharField(_("channel"), max_length=10)  # "outbox", "http"
    status = models.CharField(_("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING,
                              db_index=True)
    retryable = models.BooleanField(_("to retry"), default=True)  # False: the gateway refused the message itself
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    remote_id = models.CharField(_("gateway id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


class OutboxEntry(models.Model):
    """What the local outbox adapter delivered: the message as a recipient would read it."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    ref = models.CharField(_("about"), max_length=64, blank=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    received_at = models.DateTimeField(_("delivered"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

"""API tokens: `Authorization: Bearer <token>`. Only a SHA-256 of the token is stored.

The model moved here from the `search` app label (api/0001 takes over its table, api/0002 renames it).
"""
from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "lt_"


def hash_token(raw: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough (no slow KDF needed, unlike passwords).
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # first characters, to tell tokens apart in lists
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """Create a token for `user`; returns the row and the raw token (shown once, never stored)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:10])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str):
        """The active user owning this raw token, or None. Marks the token used (at most once a minute)."""
        if not raw or not raw.startswith(TOKEN_PREFIX):
            return None
        # One raw query (user and token row joined): every API request runs it, and compiling the
        # equivalent select_related queryset costs four times the query itself.
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        sql = (
            f"SELECT u.*, t.id AS api_token_id, t.last_used AS api_token_last_used"
            f" FROM {user_model._meta.db_table} u JOIN {cls._meta.db_table} t ON t.user_id = u.{user_model._meta.pk.column}"
            f" WHERE t.token_hash = %s"
        )
        user = next(iter(user_model.objects.raw(sql, [hash_token(raw)])), None)
        if user is None or not user.is_active:
            return None
        now = timezone.now()
        last_used = _aware(user.api_token_last_used)
        if last_used is None or (now - last_used).total_seconds() > 60:
            # Throttled: a write per request would serialise concurrent API calls on SQLite.
            cls.objects.filter(pk=user.api_token_id).update(last_used=now)
        return user


def _aware(value):
    """A raw column's datetime: SQLite hands back text (UTC, as Django stores it), PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value

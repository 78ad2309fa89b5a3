"""Audit every login and every failed login (who, from where), through Django's auth signals."""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditAction


@receiver(user_logged_in, dispatch_uid="lienthong.accounts.audit_login")
def _audit_login(sender, request, user, **kwargs) -> None:
    audit.record(request if request is not None else user, AuditAction.LOGIN,
                 object_type="user", object_id=user.pk, summary=user.get_username())


@receiver(user_login_failed, dispatch_uid="lienthong.accounts.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already scrubbed the password from `credentials`; keep only the name tried.
    tried = str(credentials.get("username", ""))[:150]
    audit.record(request, AuditAction.LOGIN_FAILED, object_type="user", object_id="",
                 summary=tried, detail={"username": tried})

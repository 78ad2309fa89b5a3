"""Login lockout (django-axes): after repeated failures an account, or an address, is refused — even with the
right password — until the cool-off ends or an administrator lifts it. Each lockout and each lift is audited,
and the officer is told until when.

Limits (settings): LOCKOUT_FAILURES wrong passwords for one account or from one address within the cool-off
lock that account or address for LOCKOUT_MINUTES; a failure during a lockout does not extend it (so a stranger
cannot keep an officer out for ever); a successful login clears its account's and address's count (an office
behind one NAT address is not locked by the mistakes of officers who then log in).
"""
from __future__ import annotations

import datetime as dt

from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Q
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .models import AuditAction


def client_ip(request) -> str | None:
    """The address axes counts by: the same one the audit log records (X-Forwarded-For only when trusted)."""
    return audit._client_ip(request)


def locked_until(username: str | None, ip: str | None) -> dt.datetime | None:
    """When the lockout of this account or address ends (the later of the two), or None."""
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    who = Q()
    if username:
        who |= Q(username=username)
    if ip:
        who |= Q(ip_address=ip)
    if not who:
        return None
    last = (AccessAttempt.objects.filter(who, failures_since_start__gte=limit)
            .aggregate(last=Max("attempt_time"))["last"])
    return last + settings.AXES_COOLOFF_TIME if last else None


def lockout_response(request, original_response=None, credentials=None):
    """The page an officer sees while locked out: why, and until what local time (AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = locked_until(username, client_ip(request))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60)) if until else None
    return render(request, "accounts/locked_out.html", {
        "until": timezone.localtime(until) if until else None, "minutes": minutes,
    }, status=429)


def lift(username: str, by_request) -> int:
    """An administrator lifts an account's lockout (and the failures counted for it); audited."""
    from axes.utils import reset

    removed = reset(username=username)
    audit.record(by_request, AuditAction.UPDATE, object_type="user", summary=username,
                 detail={"lockout_lifted": True, "attempts_removed": removed})
    return removed


@receiver(user_locked_out, dispatch_uid="lienthong.accounts.audit_lockout")
def _audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(request, AuditAction.DENIED, object_type="user", summary=str(username or "")[:150],
                 detail={"lockout": True, "username": str(username or "")[:150], "address": ip_address})

"""Login lockout (django-axes): after repeated failures an account, or an address, is refused — even with the
right password — until the cool-off ends or an administrator lifts it. Each lockout and each lift is audited,
and the officer is told until when.

Limits (settings):
- an account: AXES_FAILURE_LIMIT wrong passwords lock it for the cool-off (django-axes); a failure during the
  lockout does not extend it (a stranger cannot keep an officer out for ever); a success clears the count.
- an address: LOCKOUT_ADDRESS_FAILURES failed logins from one address within the cool-off, whatever the
  accounts, lock the address for the cool-off — counted from the audit log's failed-login events. Higher than
  the account limit on purpose: a ward office shares one address, and one officer's typos lock only that
  officer's account, never the administrator at the next desk; password spraying across accounts is stopped.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Count, Max
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    """The address axes counts by: the same one the audit log records (X-Forwarded-For only when trusted)."""
    return audit._client_ip(request)


def account_locked_until(username: str | None) -> dt.datetime | None:
    from axes.models import AccessAttempt

    if not username:
        return None
    last = (AccessAttempt.objects.filter(username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
            .aggregate(last=Max("attempt_time"))["last"])
    return last + settings.AXES_COOLOFF_TIME if last else None


def address_locked_until(ip: str | None) -> dt.datetime | None:
    """When this address's lockout ends, or None. A lock starts at the failure that makes LIMIT failures within
    one cool-off (after the last lift), and lasts one cool-off from there."""
    if not ip:
        return None
    cool_off, limit, now = settings.AXES_COOLOFF_TIME, settings.LOCKOUT_ADDRESS_FAILURES, timezone.now()
    since = now - 2 * cool_off
    # The lift names the address it lifts (the administrator lifting it sits at another address).
    lifted = (AuditEvent.objects.filter(at__gte=since, action=AuditAction.UPDATE, object_type="address", object_id=ip,
                                        detail__lockout_lifted=True).aggregate(last=Max("at"))["last"])
    failures = AuditEvent.objects.filter(ip_address=ip, at__gte=since, action=AuditAction.LOGIN_FAILED)
    if lifted:
        failures = failures.filter(at__gt=lifted)
    times = list(failures.order_by("at").values_list("at", flat=True))
    for first, reaching in zip(times, times[limit - 1:]):
        if reaching - first <= cool_off and reaching + cool_off > now:
            return reaching + cool_off
    return None


@dataclass(frozen=True)
class Lock:
    kind: str  # "account" | "address"
    key: str  # the user name or the address
    until: dt.datetime


def current_locks() -> list[Lock]:
    """Every account and address locked now, soonest end first: for the administrator's page that lifts them."""
    from axes.models import AccessAttempt

    now, cool_off = timezone.now(), settings.AXES_COOLOFF_TIME
    locks = []
    names = (AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                          attempt_time__gt=now - cool_off)
             .values_list("username", flat=True).distinct())
    for name in set(names):
        until = account_locked_until(name)
        if until and until > now:
            locks.append(Lock("account", name, until))
    # Only addresses with enough failures in the window can be locked; each is then told exactly.
    addresses = (AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, at__gte=now - 2 * cool_off,
                                           ip_address__isnull=False)
                 .values("ip_address").annotate(n=Count("id")).filter(n__gte=settings.LOCKOUT_ADDRESS_FAILURES)
                 .values_list("ip_address", flat=True))
    for ip in set(addresses):
        until = address_locked_until(ip)
        if until:
            locks.append(Lock("address", ip, until))
    return sorted(locks, key=lambda lock: (lock.until, lock.kind, lock.key))


def locked_until(username: str | None, ip: str | None) -> dt.datetime | None:
    """When the lockout of this account or address ends (the later of the two), or None."""
    ends = [t for t in (account_locked_until(username), address_locked_until(ip)) if t]
    return max(ends) if ends else None


def lockout_response(request, original_response=None, credentials=None):
    """The page an officer sees while locked out: why, and until what local time (AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = locked_until(username, client_ip(request))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60)) if until else None
    return render(request, "accounts/locked_out.html", {
        "until": timezone.localtime(until) if until else None, "minutes": minutes,
    }, status=429)


def lift_address(ip: str, by_request) -> None:
    """An administrator lifts an address's lockout: failures before this moment no longer count; audited."""
    audit.record(by_request, AuditAction.UPDATE, object_type="address", object_id=ip, summary=ip,
                 detail={"lockout_lifted": True})


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

"""Request limits per address (and per other subjects, e.g. a vessel), counted atomically in the database.

Hand-written, not django-ratelimit: that library counts in Django's cache and needs a cache shared by every
process with an atomic increment (Redis, Memcached). This site runs gunicorn with several processes, often on
an offline intranet with neither; Django's database cache has no atomic increment and the default LocMemCache
is per process, so the counts would be wrong exactly under the load they are meant to stop. Here one statement
counts: INSERT … ON CONFLICT DO UPDATE … WHERE n < limit RETURNING n (the same SQL on PostgreSQL and on
SQLite ≥ 3.35), so concurrent requests from any process never pass the limit together.

A window starts at a subject's first request after its previous window ended and lasts `window`; a refused
request is not counted (the window does not grow), and the window's first refusal is audited once.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import audit
from .models import AuditAction, RateCounter

_TABLE = RateCounter._meta.db_table
_PRUNE_AFTER = 3600  # seconds past its window's end before a counter row is deleted


@dataclass(frozen=True)
class Take:
    """The outcome of one request against a limit: allowed or not, the count in this window, when it ends."""

    allowed: bool
    n: int
    window_end: int  # Unix seconds

    @property
    def retry_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.window_end, tz=dt.UTC)


def subject_of(address: str | None) -> str:
    """The subject an address is counted as: IPv4 as it is, IPv6 by its /64 (one subscriber's whole network,
    which an attacker can fill with addresses); no address (a command, a test without a request) is one subject."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_subject(request) -> str:
    """The subject of a request's client address, taken as the audit log and the login lockout take it
    (X-Forwarded-For only when LIENTHONG_TRUST_X_FORWARDED_FOR is set)."""
    return subject_of(audit._client_ip(request))


def _now() -> int:
    return int(timezone.now().timestamp())


def take(bucket: str, subject: str, *, limit: int, window: dt.timedelta, using: str = DEFAULT_DB_ALIAS) -> Take:
    """Count one request of `subject` in `bucket` if fewer than `limit` were counted in its current window.
    limit <= 0 means no limit (nothing is counted)."""
    now = _now()
    if limit <= 0:
        return Take(True, 0, now)
    connection = connections[using]
    t = connection.ops.quote_name(_TABLE)
    sql = (
        f"INSERT INTO {t} (bucket, subject, n, window_end, audited) VALUES (%s, %s, 1, %s, %s) "
        f"ON CONFLICT (bucket, subject) DO UPDATE SET "
        f"n = CASE WHEN {t}.window_end <= %s THEN 1 ELSE {t}.n + 1 END, "
        f"audited = CASE WHEN {t}.window_end <= %s THEN %s ELSE {t}.audited END, "
        f"window_end = CASE WHEN {t}.window_end <= %s THEN excluded.window_end ELSE {t}.window_end END "
        f"WHERE {t}.window_end <= %s OR {t}.n < %s "
        f"RETURNING n, window_end"
    )
    end = now + max(1, int(window.total_seconds()))
    with connection.cursor() as cursor:
        cursor.execute(sql, [bucket, subject, end, False, now, now, False, now, now, limit])
        row = cursor.fetchone()
    if row is not None:
        n, window_end = row
        if n == 1:  # a new window: the moment to drop counters long expired (cheap: indexed on window_end)
            RateCounter.objects.using(using).filter(window_end__lt=now - _PRUNE_AFTER).delete()
        return Take(True, n, window_end)
    n, window_end = RateCounter.objects.using(using).filter(bucket=bucket, subject=subject).values_list("n", "window_end").get()
    return Take(False, n, window_end)


def give_back(bucket: str, subject: str, taken: Take) -> None:
    """Uncount a request that turned out not to be abuse (the owner's right CCCD), in the window it was counted in."""
    if taken.allowed and taken.n:
        RateCounter.objects.filter(bucket=bucket, subject=subject, window_end=taken.window_end, n__gt=0).update(
            n=F("n") - 1)


def first_refusal(bucket: str, subject: str, refused: Take) -> bool:
    """True for exactly one caller per window: the one that audits the refusal."""
    return RateCounter.objects.filter(bucket=bucket, subject=subject, window_end=refused.window_end,
                                      audited=False).update(audited=True) == 1


def audit_refusal(request, bucket: str, subject: str, refused: Take, *, limit: int, object_type: str = "address") -> None:
    """A `denied` event for the window's first refusal of this subject, never one per refused request."""
    if first_refusal(bucket, subject, refused):
        audit.record(request, AuditAction.DENIED, object_type=object_type, object_id=subject,
                     summary=audit.msg(gettext_noop("Limit reached for %(subject)s (%(bucket)s)"),
                                       subject=subject, bucket=bucket),
                     detail={"rate_limit": bucket, "limit": limit, "until": refused.retry_at.isoformat()})


# --- the public pages (no login): a limit on every request, a lower one on submissions --------------------
def _public_limits(request) -> list[tuple[str, int]]:
    limits = [("public-page", settings.PUBLIC_PAGE_LIMIT)]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        limits.append(("public-post", settings.PUBLIC_POST_LIMIT))
    return limits


def public_retry_at(request) -> dt.datetime | None:
    """The public limits for an anonymous API call (the booking API): None if it may go on, else until when it is
    refused (audited once a window, as a page's refusal). The API answers 429 in its own error shape."""
    subject = client_subject(request)
    for bucket, limit in _public_limits(request):
        taken = take(bucket, subject, limit=limit, window=settings.PUBLIC_RATE_WINDOW)
        if not taken.allowed:
            audit_refusal(request, bucket, subject, taken, limit=limit)
            return taken.retry_at
    return None


def public_refusal(request):
    """None if this anonymous request may go on; else the 429 page saying until when (audited once a window)."""
    until = public_retry_at(request)
    return None if until is None else too_many_requests(request, until)


def too_many_requests(request, until: dt.datetime):
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    response = render(request, "accounts/rate_limited.html", {
        "until": timezone.localtime(until), "minutes": max(1, round(seconds / 60)),
    }, status=429)
    response["Retry-After"] = str(seconds)
    return response


def limit_public(view):
    """Rate-limit a public page per client address; officers (logged in) are not limited."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            refused = public_refusal(request)
            if refused is not None:
                return refused
        return view(request, *args, **kwargs)

    return wrapped


def body_limit(kb):
    """Let this page take a larger body without a login than PUBLIC_UPLOAD_MAX_KB: `kb()` kilobytes (a callable:
    read from the settings at each request). web.middleware.AnonymousBodyLimitMiddleware looks the page up
    before it refuses a large body; every other page keeps the site-wide limit."""

    def decorate(view):
        view.anonymous_body_limit_kb = kb
        return view

    return decorate

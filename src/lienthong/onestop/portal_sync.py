"""The national portal's dispatcher: sends what the outbox (PortalOutbox, written in the same transaction as each
change by onestop.lifecycle) says the portal must still be told, and the reconciliation of our states with the
portal's.

Nothing is lost: a row is marked sent only after the portal took it; a failure keeps it, with the error, the
attempts and the time of the next one (30 s, 1, 2, 4 … min, at most an hour). Nothing is sent twice to the
portal's books: a dossier goes as a create that the client answers with an update when the portal already has it,
its steps carry their seq (1, 2, 3 … in the order they were written) and, after an attempt whose outcome is
unknown, the portal is asked which seqs it holds before anything is sent again.

Two workers may run at once: rows are claimed by a conditional UPDATE (after SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL) that moves their next attempt past a lease; a worker that dies leaves them due again when it ends.

Runs from the job worker (`worker_tick`, through OnestopConfig.run_background_jobs, every PUSH_EVERY seconds when
LIENTHONG_PORTAL_URL is set), from `lienthong portal-push`, and, made due at once, by the reconciliation page's
"push again".
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.nationalportal import wire
from lienthong.nationalportal.client import PortalClient
from lienthong.nationalportal.wire import (
    DossierRecord,
    PortalAuthError,
    PortalError,
    PortalNotFound,
    PortalRejected,
    PortalState,
    PortalUnavailable,
    Step,
)

from .models import OPEN_STATES, Dossier, DossierStep, PortalOutbox, State

__all__ = ["PUSH_EVERY", "Difference", "PushSummary", "client", "differences", "page_client", "push_again", "push_due", "record_of",
           "reset_client", "retry_delay", "worker_tick"]

log = logging.getLogger("lienthong.onestop.portal_sync")

LEASE = timedelta(minutes=15)   # a claimed row is due again after this if its worker died
PUSH_EVERY = 15.0               # seconds between the job worker's pushes
MAX_DELAY = timedelta(hours=1)
CLAIM_LIMIT = 200               # rows per claim

_client: PortalClient | None = None
_lock = threading.Lock()


def client() -> PortalClient | None:
    """One long-lived client per process (its circuit breaker persists); None when no portal is configured."""
    global _client
    with _lock:
        if _client is None and settings.PORTAL_URL:
            _client = PortalClient(settings.PORTAL_URL, settings.PORTAL_TOKEN)
        return _client


_page_client: PortalClient | None = None


def page_client() -> PortalClient | None:
    """The client an officer's page waits on: one attempt of 5 s at most (the dispatcher's retries are for the
    background)."""
    global _page_client
    with _lock:
        if _page_client is None and settings.PORTAL_URL:
            _page_client = PortalClient(settings.PORTAL_URL, settings.PORTAL_TOKEN, timeout=5.0, retries=0)
        return _page_client


def reset_client() -> None:
    """Close and forget the clients (settings changed: tests, reconfiguration)."""
    global _client, _page_client
    with _lock:
        for c in (_client, _page_client):
            if c is not None:
                c.close()
        _client = _page_client = None


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 30 s, 1, 2, 4 … min, at most an hour."""
    return min(MAX_DELAY, timedelta(seconds=30 * 2 ** max(0, attempts - 1)))


# --- what the portal is told -----------------------------------------------------------------------------------
def portal_code(dossier: Dossier) -> str:
    return dossier.portal_code or dossier.code


def record_of(dossier: Dossier) -> DossierRecord:
    return DossierRecord(
        code=portal_code(dossier), procedure_code=dossier.procedure.code, agency_code=dossier.agency.code,
        state=dossier.state, received_at=dossier.received_at or dossier.submitted_at or dossier.created_at,
        due_at=dossier.due_at, finished_at=dossier.finished_at, applicant_name=dossier.applicant_name,
        channel=dossier.channel)


def step_seqs(dossier_id: int) -> dict[int, int]:
    """Step id → its seq within the dossier: 1, 2, 3 … in the order the steps were written (steps are never
    deleted, so a step keeps its seq)."""
    ids = DossierStep.objects.filter(dossier_id=dossier_id).order_by("id").values_list("id", flat=True)
    return {step_id: n for n, step_id in enumerate(ids, start=1)}


def wire_step(step: DossierStep, seq: int) -> Step:
    return Step(seq=seq, state=step.to_state, at=step.at, unit=step.department[:300], officer=step.actor_name[:300],
                note=step.note[:1000])


# --- the dispatcher --------------------------------------------------------------------------------------------
@dataclass
class PushSummary:
    sent: int = 0
    failed: int = 0
    dossiers: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: str = ""  # why the run stopped before the end (the portal down, our token refused)


def _due(now: datetime) -> Q:
    return Q(sent_at__isnull=True) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def claim(now: datetime, limit: int = CLAIM_LIMIT) -> list[int]:
    """Claim up to `limit` due rows, oldest first: their next attempt moves to a lease's end, a time of this
    claim's own (random microseconds), which names the rows it took."""
    until = now + LEASE + timedelta(microseconds=secrets.randbelow(10**6))
    with transaction.atomic():
        qs = PortalOutbox.objects.filter(_due(now)).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        # Conditional: on SQLite (no row locks) another worker may have claimed some meanwhile; they are not due.
        PortalOutbox.objects.filter(_due(now), pk__in=ids).update(next_attempt_at=until)
    return list(PortalOutbox.objects.filter(pk__in=ids, next_attempt_at=until, sent_at__isnull=True)
                .order_by("id").values_list("id", flat=True))


def _mark_sent(rows: list[PortalOutbox], now: datetime) -> None:
    if rows:
        PortalOutbox.objects.filter(pk__in=[r.pk for r in rows]).update(sent_at=now, last_error="")


def _mark_failed(rows: list[PortalOutbox], now: datetime, error: str, *, delay: timedelta | None = None) -> None:
    for r in rows:
        attempts = r.attempts + 1
        PortalOutbox.objects.filter(pk=r.pk, sent_at__isnull=True).update(
            attempts=attempts, last_error=error[:500], next_attempt_at=now + (delay or retry_delay(attempts)))


def _release(ids: list[int], now: datetime) -> None:
    """Rows claimed but not tried (the run stopped): due again at once, no attempt counted."""
    if ids:
        PortalOutbox.objects.filter(pk__in=ids, sent_at__isnull=True).update(next_attempt_at=now)


def _known_as(dossier: Dossier, code: str) -> None:
    """The portal now knows the dossier by `code`: a blank portal code becomes it, so a later change of the
    dossier's own code can never make the portal see a second dossier."""
    if not dossier.portal_code:
        Dossier.objects.filter(pk=dossier.pk, portal_code="").update(portal_code=code)
        dossier.portal_code = code


def _push_dossier(c: PortalClient, dossier: Dossier, rows: list[PortalOutbox], now: datetime) -> int:
    """Send one dossier's claimed rows; returns how many were marked sent. Raises on a failure: the rows not yet
    marked stay the caller's to mark failed."""
    sent = 0
    record_rows = [r for r in rows if r.kind != PortalOutbox.Kind.STEP]
    step_rows = [r for r in rows if r.kind == PortalOutbox.Kind.STEP]
    code = portal_code(dossier)
    if record_rows:
        c.create(record_of(dossier))  # "already exists" → update, in the client
        _known_as(dossier, code)
        _mark_sent(record_rows, now)
        sent += len(record_rows)
    if not step_rows:
        return sent
    seqs = step_seqs(dossier.pk)
    pairs = sorted(((seqs[r.step_id], r) for r in step_rows), key=lambda p: p[0])
    if any(r.attempts for r in step_rows):  # an earlier attempt may have been taken: ask before sending again
        held = c.status([code]).get(code)
        have = held.seqs if held else frozenset()
        there = [r for seq, r in pairs if seq in have]
        _mark_sent(there, now)
        sent += len(there)
        pairs = [(seq, r) for seq, r in pairs if seq not in have]
    for i in range(0, len(pairs), wire.STEP_BATCH):
        batch = pairs[i:i + wire.STEP_BATCH]
        steps = [wire_step(r.step, seq) for seq, r in batch]
        try:
            c.progress(code, steps)
        except PortalNotFound:  # its create is still on its way (another worker, or waiting to be retried)
            c.create(record_of(dossier))
            _known_as(dossier, code)
            c.progress(code, steps)
        _mark_sent([r for _, r in batch], now)
        sent += len(batch)
    return sent


def push_due(c: PortalClient | None = None, *, now: datetime | None = None, limit: int = CLAIM_LIMIT) -> PushSummary:
    """Claim the due rows and send them, dossier by dossier. A dossier's failure keeps its rows for a later
    attempt; the portal unavailable (circuit open, retries spent) or our token refused stops the run and gives
    the rows not yet tried back."""
    summary = PushSummary()
    c = c or client()
    if c is None:
        summary.stopped = "no portal configured (LIENTHONG_PORTAL_URL)"
        return summary
    now = now or timezone.now()
    ids = claim(now, limit)
    if not ids:
        return summary
    by_dossier: dict[int, list[PortalOutbox]] = defaultdict(list)
    for row in PortalOutbox.objects.filter(pk__in=ids).select_related("step").order_by("id"):
        by_dossier[row.dossier_id].append(row)
    dossiers = Dossier.objects.select_related("agency", "procedure").in_bulk(list(by_dossier))
    pending = list(by_dossier)
    while pending:
        dossier_id = pending.pop(0)
        rows, dossier = by_dossier[dossier_id], dossiers[dossier_id]
        summary.dossiers += 1
        try:
            summary.sent += _push_dossier(c, dossier, rows, now)
            continue
        except (PortalUnavailable, PortalAuthError) as exc:
            error, stop = f"{type(exc).__name__}: {exc}", True
        except PortalRejected as exc:  # the payload itself: an officer must look (reconciliation page)
            error, stop = f"refused by the portal ({exc.code}): {exc.message}", False
        except PortalError as exc:
            error, stop = f"{type(exc).__name__}: {exc}", False
        except Exception as exc:  # noqa: BLE001 - a bug must not lose the rows: kept, with the error, for later
            log.exception("portal push of %s failed", dossier.code)
            error, stop = f"{type(exc).__name__}: {exc}", False
        left = list(PortalOutbox.objects.filter(pk__in=[r.pk for r in rows], sent_at__isnull=True))
        _mark_failed(left, now, error, delay=MAX_DELAY if error.startswith("refused") else None)
        summary.failed += len(left)
        summary.errors.append(f"{dossier.code}: {error}")
        log.warning("portal push of %s: %d row(s) kept for later: %s", dossier.code, len(left), error)
        if stop:
            summary.stopped = error
            _release([r.pk for d in pending for r in by_dossier[d]], now)
            break
    return summary


_last_push = [0.0]


def worker_tick() -> int:
    """The job worker's step (OnestopConfig.run_background_jobs): when a portal is configured, push the due rows —
    at once again while the last push sent some (a backlog drains), else every PUSH_EVERY seconds. Returns the
    dossiers pushed (the worker comes straight back while there are)."""
    if not settings.PORTAL_URL or time.monotonic() - _last_push[0] < PUSH_EVERY:
        return 0
    try:
        summary = push_due()
    except Exception:  # noqa: BLE001 - the worker's other jobs go on; the rows stay for the next push
        log.exception("portal push failed")
        summary = PushSummary()
    _last_push[0] = 0.0 if summary.sent else time.monotonic()
    if summary.sent or summary.failed:
        log.info("portal push: %d sent, %d kept for later (%d dossiers)", summary.sent, summary.failed, summary.dossiers)
    return summary.dossiers if summary.sent else 0


# --- reconciliation --------------------------------------------------------------------------------------------
@dataclass
class Difference:
    """A dossier whose state at the portal differs from ours (`theirs` None: the portal does not have it), or
    whose steps the portal lacks; `pending`: outbox rows not yet sent, `last_error` the latest failure."""

    dossier: Dossier
    ours: int
    theirs: int | None
    portal_updated_at: datetime | None
    missing_steps: int
    pending: int
    last_error: str
    held: PortalState | None = None

    @property
    def missing(self) -> bool:
        return self.theirs is None

    @property
    def theirs_label(self) -> str:
        return State(self.theirs).label if self.theirs else ""


RECENT_DAYS = 90  # the page checks the dossiers still open and those changed within this many days


def recent(dossiers, days: int = RECENT_DAYS, *, now: datetime | None = None):
    """The dossiers worth checking on a page: still open, or changed within `days` days (a province's whole
    history would be thousands of questions to the portal; the command checks everything)."""
    since = (now or timezone.now()) - timedelta(days=days)
    return dossiers.filter(Q(state__in=OPEN_STATES) | Q(updated_at__gte=since))


def differences(dossiers, c: PortalClient | None = None) -> list[Difference]:
    """Every dossier of `dossiers` (a queryset, already scoped) whose state at the portal differs from ours or
    whose steps the portal lacks. Asks the portal 100 dossiers at a time; PortalError if it cannot."""
    c = c or client()
    if c is None:
        raise PortalUnavailable("no portal configured (LIENTHONG_PORTAL_URL)")
    qs = (dossiers.select_related("agency", "procedure").order_by("id")
          .annotate(step_count=Count("steps", distinct=True),
                    pending_rows=Count("portal_outbox", filter=Q(portal_outbox__sent_at__isnull=True), distinct=True)))
    found: list[Difference] = []
    batch: list[Dossier] = []

    def flush() -> None:
        held = c.status([portal_code(d) for d in batch])
        errors = dict(PortalOutbox.objects.filter(dossier__in=batch, sent_at__isnull=True).exclude(last_error="")
                      .order_by("dossier_id", "-id").values_list("dossier_id", "last_error"))
        for d in batch:
            h = held.get(portal_code(d))
            missing_steps = d.step_count - len(h.seqs & set(range(1, d.step_count + 1))) if h else d.step_count
            if h is None or h.state != d.state or missing_steps:
                found.append(Difference(d, d.state, h.state if h else None, h.updated_at if h else None, missing_steps,
                                        d.pending_rows, errors.get(d.pk, ""), h))
        batch.clear()

    for d in qs.iterator(chunk_size=wire.STATUS_BATCH):
        batch.append(d)
        if len(batch) == wire.STATUS_BATCH:
            flush()
    if batch:
        flush()
    return found


def backlog(dossiers) -> dict:
    """The outbox rows of `dossiers` not yet sent: how many, the oldest, how many failed at least once."""
    rows = PortalOutbox.objects.filter(dossier__in=dossiers, sent_at__isnull=True)
    agg = rows.aggregate(n=Count("id"), oldest=Min("created_at"), failing=Count("id", filter=Q(attempts__gt=0)),
                         attempts=Max("attempts"))
    return {"rows": agg["n"], "oldest": agg["oldest"], "failing": agg["failing"], "attempts": agg["attempts"] or 0}


def push_again(dossier: Dossier, by, held: PortalState | None = None, *, c: PortalClient | None = None) -> int:
    """An officer's "push again": the dossier's record once more, and each step the portal lacks (asked now when
    `held` is not given), as new outbox rows due at once; the dossier's rows waiting for a retry are made due
    too. Audited. Returns the rows queued."""
    if held is None and (c or client()) is not None:
        held = (c or client()).status([portal_code(dossier)]).get(portal_code(dossier))
    have = held.seqs if held else frozenset()
    with transaction.atomic():
        # Rows waiting for a retry go now (a row never tried is due already, or being sent by a worker this moment).
        PortalOutbox.objects.filter(dossier=dossier, sent_at__isnull=True, attempts__gt=0).update(next_attempt_at=None)
        waiting = set(PortalOutbox.objects.filter(dossier=dossier, sent_at__isnull=True, kind=PortalOutbox.Kind.STEP)
                      .values_list("step_id", flat=True))
        rows = [PortalOutbox(dossier=dossier, kind=PortalOutbox.Kind.UPDATE)]
        rows += [PortalOutbox(dossier=dossier, kind=PortalOutbox.Kind.STEP, step_id=step_id)
                 for step_id, seq in step_seqs(dossier.pk).items() if seq not in have and step_id not in waiting]
        PortalOutbox.objects.bulk_create(rows)
        record(by, AuditAction.UPDATE, object_type="dossier", object_id=dossier.code,
               summary=msg(gettext_noop("Dossier %(code)s pushed to the national portal again"), code=dossier.code),
               detail={"action": "portal_push_again", "rows": len(rows), "portal_state": held.state if held else None})
    return len(rows)

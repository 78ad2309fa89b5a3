"""`PortalClient`: pushes dossiers, their progress and results to the national portal over HTTP (wire format:
`nationalportal.wire`, contract: docs/portal-api.md).

httpx does the HTTP (pooled connections, timeouts; one client may be shared by threads). Around it the pieces
every adapter shares (lienthong.adapters.resilience, which says why they are hand-written): retries with
exponential backoff and full jitter, the portal's Retry-After, a circuit breaker, an optional token bucket.

Retrying is safe:
- a create whose answer was lost comes back "already exists" and is answered by an update (the portal's own
  rule) — the same record, so the end state is the same;
- steps carry their seq within the dossier, are sent in order, ten at a time; before a batch is sent again after
  an answer was lost (timeout, dropped connection, 5xx), the client asks the portal which seqs it holds and sends
  only the others, so even a portal that appends whatever it is sent holds each step once.

Logs carry the path, status or error kind, timing and the dossier code — never an applicant.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from lienthong.adapters import resilience
from lienthong.adapters.resilience import retry_after
from lienthong.nationalportal import wire
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

__all__ = ["CircuitBreaker", "PortalClient", "Progress"]

log = logging.getLogger("lienthong.nationalportal.client")


class CircuitBreaker(resilience.CircuitBreaker):
    """The portal's breaker: fails fast with PortalUnavailable while open."""

    def __init__(self, failure_threshold: int = 5, reset_timeout: float = 30.0):
        super().__init__("national portal", PortalUnavailable, failure_threshold, reset_timeout)


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress push: steps the portal took now, steps it said it already had, steps not sent again because
    it already held them (after a lost answer), and the calls made."""

    accepted: int = 0
    duplicates: int = 0
    skipped: int = 0
    calls: int = 0


class PortalClient:
    """timeout: seconds per attempt; retries: extra attempts after a 5xx, 429, timeout or dropped connection,
    waiting up to backoff_base · 2^attempt (full jitter, capped at backoff_max) or the portal's Retry-After;
    rate: pushes per second this client allows itself (None: unlimited)."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0, retries: int = 3, backoff_base: float = 0.5,
                 backoff_max: float = 10.0, rate: float | None = None, failure_threshold: int = 5,
                 reset_timeout: float = 30.0, seed: int | None = None):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.breaker = CircuitBreaker(failure_threshold, reset_timeout)
        self.bucket = resilience.TokenBucket(rate) if rate else None
        self._backoff = resilience.Backoff(backoff_base, backoff_max, seed)
        # No keep-alive: a portal (or a proxy before it) that writes an answer twice leaves the copy on a pooled
        # connection, and the next push on it would read the copy as its own answer (tests/nationalportal:
        # reply_twice; httpx's idle check misses a copy that arrives just after it). Pushes are few (hundreds a
        # day per centre); a connection each costs nothing that matters.
        self._http = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(timeout),
                                  limits=httpx.Limits(max_keepalive_connections=0),
                                  headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                                           "Connection": "close"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:  # the token stays out of reprs
        return f"PortalClient({self.base_url!r})"

    # -- the calls -------------------------------------------------------------------------------
    def create(self, record: DossierRecord) -> str:
        """Push a new dossier; "already exists" is answered by an update. Returns "created" or "updated"."""
        code, message, _ = self._call(wire.PATH_CREATE, record.to_wire(), record.code)
        if code == wire.OK:
            return "created"
        if code == wire.ALREADY_EXISTS:
            return self.update(record)
        raise PortalRejected(code, message)

    def update(self, record: DossierRecord) -> str:
        """Push a dossier's new information and state. PortalNotFound if the portal does not know it."""
        code, message, _ = self._call(wire.PATH_UPDATE, record.to_wire(), record.code)
        if code == wire.OK:
            return "updated"
        if code == wire.NOT_FOUND:
            raise PortalNotFound(message or f"dossier {record.code} not found")
        raise PortalRejected(code, message)

    def progress(self, code: str, steps: Iterable[Step]) -> Progress:
        """Push steps in order of seq, STEP_BATCH at a time (see the module's note on retries)."""
        pending = sorted(steps, key=lambda s: s.seq)
        accepted = duplicates = skipped = calls = 0
        while pending:
            batch = pending[:wire.STEP_BATCH]

            def resend(batch=batch) -> dict | None:
                nonlocal skipped
                held = self.status([code]).get(code)
                have = held.seqs if held else frozenset()
                left = [s for s in batch if s.seq not in have]
                skipped += len(batch) - len(left)
                return wire.progress_payload(code, left) if left else None

            result = self._call(wire.PATH_PROGRESS, wire.progress_payload(code, batch), code, resend=resend)
            calls += 1
            pending = pending[len(batch):]
            if result is None:  # all of it was there already
                continue
            error, message, body = result
            if error == wire.NOT_FOUND:
                raise PortalNotFound(message or f"dossier {code} not found")
            if error != wire.OK:
                raise PortalRejected(error, message)
            accepted += int(body.get("accepted", 0))
            duplicates += int(body.get("duplicates", 0))
        return Progress(accepted, duplicates, skipped, calls)

    def status(self, codes: Iterable[str]) -> dict[str, PortalState]:
        """What the portal holds of these dossiers, by code (one it does not know is absent)."""
        codes = list(dict.fromkeys(codes))
        found: dict[str, PortalState] = {}
        for i in range(0, len(codes), wire.STATUS_BATCH):
            error, message, body = self._call(wire.PATH_STATUS, wire.status_payload(codes[i:i + wire.STATUS_BATCH]), "")
            if error != wire.OK:
                raise PortalRejected(error, message)
            found.update(wire.parse_status_items(body))
        return found

    def health(self) -> bool:
        try:
            return self._http.get(wire.PATH_HEALTH).status_code == 200
        except httpx.TransportError:
            return False

    # -- one call, with retries ------------------------------------------------------------------
    def _call(self, path: str, payload: dict, ref: str, resend: Callable[[], dict | None] | None = None):
        """(error_code, message, body) of the portal's answer; None when `resend` found nothing left to send.
        An attempt whose outcome is unknown is followed, before the next one, by `resend()` (the payload to
        send instead, or None)."""
        last, ambiguous = "none", False
        for attempt in range(self.retries + 1):
            if ambiguous and resend is not None:
                try:
                    payload = resend()
                except PortalUnavailable:
                    raise
                except PortalError as exc:
                    raise PortalUnavailable(f"could not ask the portal what it holds: {exc}") from exc
                if payload is None:
                    return None
            self.breaker.before_call()
            if self.bucket is not None:
                self.bucket.acquire()
            started, wait = time.monotonic(), None
            try:
                resp = self._http.post(path, json=payload)
            except httpx.TimeoutException:
                last, ambiguous = "timeout", True
                self.breaker.on_failure()
            except httpx.TransportError as exc:  # refused, reset, closed without an answer
                last, ambiguous = f"connection error ({type(exc).__name__})", True
                self.breaker.on_failure()
            else:
                status = resp.status_code
                if status == 200:
                    self.breaker.on_success()
                    try:
                        body = resp.json()
                        code, message = wire.parse_reply(body)
                    except ValueError:
                        raise PortalError(f"the portal's answer to {path} is not JSON") from None
                    return code, message, body
                try:
                    code, message = wire.parse_reply(resp.json())
                except (ValueError, PortalError):
                    code, message = "", f"HTTP {status}"
                if status in (401, 403):
                    self.breaker.on_success()
                    raise PortalAuthError(f"the national portal refused the token (HTTP {status})")
                if status in (400, 404, 405, 413, 422):
                    self.breaker.on_success()
                    raise PortalRejected(code or wire.INVALID, message)
                if status == 429:
                    self.breaker.on_success()  # alive, only busy: nothing was applied
                    wait = retry_after(resp, cap=30.0)
                    last = "HTTP 429"
                elif status >= 500:
                    self.breaker.on_failure()
                    last, ambiguous = f"HTTP {status}", True
                else:
                    self.breaker.on_success()
                    raise PortalError(f"the national portal answered HTTP {status}")
            log.warning("portal %s attempt %d for %s: %s after %.0f ms", path, attempt + 1, ref or "-", last,
                        (time.monotonic() - started) * 1e3)
            if attempt < self.retries:
                time.sleep(wait if wait is not None else self._backoff(attempt))
        raise PortalUnavailable(f"the national portal did not take {path} after {self.retries + 1} attempts (last: {last})")

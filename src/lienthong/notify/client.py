"""`HttpNotifier`: the notification gateway over HTTP (contract: docs/notify-api.md).

httpx does the HTTP (pooled connections, timeouts; one client is shared by the process's threads). Around
it, retries with exponential backoff and full jitter, and a circuit breaker: the pieces every adapter shares
(lienthong.adapters.resilience, which says why they are hand-written). Retrying is safe because every
message carries its idempotency key: the gateway delivers a key once, so a retry after a lost answer does
not remind a commune twice.

Logs carry the path, status or error kind, timing, the key — never a recipient or a text.
"""
from __future__ import annotations

import logging
import time

import httpx

from lienthong.adapters import resilience
from lienthong.adapters.resilience import error_of, retry_after
from lienthong.notify.message import Delivery, Notification, NotifyAuthError, NotifyError, NotifyRejected, NotifyUnavailable, validate

__all__ = ["HttpNotifier", "CircuitBreaker"]

log = logging.getLogger("lienthong.notify.client")


class CircuitBreaker(resilience.CircuitBreaker):
    """The gateway's breaker: fails fast with NotifyUnavailable while open."""

    def __init__(self, failure_threshold: int = 5, reset_timeout: float = 30.0):
        super().__init__("notification gateway", NotifyUnavailable, failure_threshold, reset_timeout)


class HttpNotifier:
    """Notifier over the HTTP contract. timeout: seconds per attempt; retries: extra attempts after a 5xx,
    429, timeout or dropped connection, waiting backoff_base · 2^attempt at most (full jitter, capped at
    backoff_max, or the gateway's Retry-After)."""

    channel = "http"

    def __init__(self, base_url: str, token: str, *, timeout: float = 5.0, retries: int = 3,
                 backoff_base: float = 0.2, backoff_max: float = 5.0, failure_threshold: int = 5,
                 reset_timeout: float = 30.0, seed: int | None = None):
        self.base_url = base_url.rstrip("/")
        self.retries, self.backoff_base, self.backoff_max = retries, backoff_base, backoff_max
        self.breaker = CircuitBreaker(failure_threshold, reset_timeout)
        self._backoff = resilience.Backoff(backoff_base, backoff_max, seed)
        self._http = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(timeout),
                                  headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:  # the token stays out of reprs
        return f"HttpNotifier({self.base_url!r})"

    def send(self, notification: Notification) -> Delivery:
        n = validate(notification)  # refuse here what the gateway would refuse, without a round trip
        last = "none"
        for attempt in range(self.retries + 1):
            self.breaker.before_call()
            started, wait = time.monotonic(), None
            try:
                resp = self._http.post("/v1/messages", json=n.to_json(),
                                       headers={"Idempotency-Key": n.key, "X-Request-Id": f"{n.key}-{attempt}"})
            except httpx.TimeoutException:
                last = "timeout"
                self.breaker.on_failure()
            except httpx.TransportError as exc:  # refused, reset, closed without an answer
                last = f"connection error ({type(exc).__name__})"
                self.breaker.on_failure()
            else:
                status = resp.status_code
                if status in (200, 202):
                    self.breaker.on_success()
                    body = resp.json()
                    return Delivery(body["id"], bool(body.get("duplicate")))
                error = error_of(resp)
                if status in (400, 413, 422):
                    self.breaker.on_success()
                    raise NotifyRejected(error.get("code", "invalid_request"), error.get("message", f"HTTP {status}"))
                if status in (401, 403):
                    self.breaker.on_success()
                    raise NotifyAuthError(f"notification gateway refused the token (HTTP {status})")
                if status == 429:
                    self.breaker.on_success()  # alive, only busy
                    wait = retry_after(resp, cap=30.0)
                    last = "HTTP 429"
                elif status >= 500:
                    self.breaker.on_failure()
                    last = f"HTTP {status}"
                else:
                    self.breaker.on_success()
                    raise NotifyError(f"notification gateway answered HTTP {status}")
            log.warning("notify attempt %d for %s: %s after %.0f ms", attempt + 1, n.key, last,
                        (time.monotonic() - started) * 1e3)
            if attempt < self.retries:
                time.sleep(wait if wait is not None else self._backoff(attempt))
        raise NotifyUnavailable(f"notification gateway did not take the message after {self.retries + 1} attempts "
                                f"(last: {last})")

    def health(self) -> dict:
        resp = self._http.get("/v1/health")
        resp.raise_for_status()
        return resp.json()


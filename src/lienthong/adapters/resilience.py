"""The client side of an adapter: circuit breaker, token bucket, backoff with full jitter, Retry-After.

Hand-written rather than taken from tenacity, pybreaker or ratelimit: the pieces must cooperate (a 429's
Retry-After pauses the bucket for every thread; a retry passes the breaker and the bucket again; a 400 or 401
is neither retried nor counted as a failure), and those libraries each cover one piece with their own
threading model, so gluing them would be more code than this and harder to reason about.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from typing import Literal

import httpx

__all__ = ["Backoff", "CircuitBreaker", "TokenBucket", "error_of", "retry_after"]

log = logging.getLogger("lienthong.adapters")


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failures (5xx, timeouts, connection errors); while open every
    call fails fast with `unavailable(message)`. After `reset_timeout` seconds one probe call is let through
    (half-open): success closes the circuit, failure opens it again. `service` names it in messages and logs."""

    def __init__(self, service: str, unavailable: type[Exception], failure_threshold: int = 5,
                 reset_timeout: float = 30.0):
        self.service, self.unavailable = service, unavailable
        self.failure_threshold, self.reset_timeout = failure_threshold, reset_timeout
        self._state: Literal["closed", "open", "half_open"] = "closed"
        self._failures, self._opened_at, self._probe_out = 0, 0.0, False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == "open" and time.monotonic() - self._opened_at >= self.reset_timeout:
                return "half_open"
            return self._state

    def before_call(self) -> None:
        with self._lock:
            if self._state == "closed":
                return
            if self._state == "open":
                left = self.reset_timeout - (time.monotonic() - self._opened_at)
                if left > 0:
                    raise self.unavailable(f"{self.service} unavailable: circuit open after {self._failures} "
                                           f"consecutive failures, next probe in {left:.1f} s")
                self._state, self._probe_out = "half_open", False
            if self._probe_out:  # half-open: one probe at a time
                raise self.unavailable(f"{self.service} unavailable: circuit half-open, probe in flight")
            self._probe_out = True

    def on_success(self) -> None:
        with self._lock:
            if self._state != "closed":
                log.warning("%s circuit closed", self.service)
            self._state, self._failures, self._probe_out = "closed", 0, False

    def on_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == "half_open" or (self._state == "closed" and self._failures >= self.failure_threshold):
                if self._state == "closed":
                    log.warning("%s circuit opened after %d consecutive failures", self.service, self._failures)
                self._state, self._opened_at, self._probe_out = "open", time.monotonic(), False


class TokenBucket:
    """Client-side rate limit shared by all threads using one client.

    `rate` tokens per second, at most `burst` saved up. A request may go when the bucket holds one token, and
    takes its whole cost, which may leave the bucket in debt for the next one (the servers' rule, so a client
    paced at the limit is never refused). `acquire(cost)` reserves at once and sleeps outside the lock until
    its turn, so threads are served in the order they asked and the long-run rate never exceeds `rate`."""

    def __init__(self, rate: float, burst: float = 1.0):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.burst = float(max(burst, 1.0))
        self._tokens = self.burst
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def acquire(self, cost: float = 1.0) -> float:
        """Take `cost` tokens, sleeping until they are available; returns the seconds waited."""
        with self._lock:
            self._refill(time.monotonic())
            wait = (1.0 - self._tokens) / self.rate if self._tokens < 1.0 else 0.0
            self._tokens -= cost
        if wait > 0:
            time.sleep(wait)
        return wait

    def defer(self, seconds: float) -> None:
        """The server said "retry after `seconds`": nobody sends before then."""
        with self._lock:
            self._refill(time.monotonic())
            self._tokens = min(self._tokens, 1.0 - seconds * self.rate)


class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniformly in [0, min(maximum, base · 2^n)].
    Seeded for reproducible runs; thread-safe."""

    def __init__(self, base: float = 0.2, maximum: float = 10.0, seed: int | None = None):
        self.base, self.maximum = base, maximum
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def __call__(self, attempt: int) -> float:
        with self._lock:
            return self._rng.uniform(0, min(self.maximum, self.base * 2 ** attempt))


def retry_after(resp: httpx.Response, cap: float | None = None) -> float | None:
    """Seconds the server asked us to wait (X-Retry-After-Ms, else Retry-After in seconds), or None (absent, or
    an HTTP-date: the caller's own backoff applies)."""
    for value, scale in ((resp.headers.get("X-Retry-After-Ms"), 1000.0), (resp.headers.get("Retry-After"), 1.0)):
        if value:
            try:
                seconds = max(0.0, float(value) / scale)
            except ValueError:
                continue
            return min(cap, seconds) if cap is not None else seconds
    return None


def error_of(resp: httpx.Response) -> dict:
    """The `{"error": {"code", "message"}}` body both contracts use, or {} when the body is not that."""
    try:
        err = resp.json().get("error")
        return err if isinstance(err, dict) else {}
    except (ValueError, AttributeError):
        return {}

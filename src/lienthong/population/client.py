"""`HttpPopulationSource`: the population source over HTTP (contract: docs/population-api.md).

httpx does the HTTP (pooled keep-alive connections, timeouts; one Client is safe to share across
threads). Around it, three small pieces are hand-written rather than taken from a library:
the token bucket, the retry loop and the circuit breaker. Each is a few lines, they have to
cooperate (a 429's Retry-After pauses the bucket for every thread; a retry must pass the breaker
and the bucket again; 400/401 must neither be retried nor count as failures), and the libraries
that offer them (tenacity, pybreaker, ratelimit…) each cover one piece with their own threading
model, so gluing them would be more code than this and harder to reason about.

Logs carry the endpoint, status or error kind, timing and request id — never a number, a name,
a date or a body.
"""
from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Literal

import httpx

from lienthong.population.source import (
    MAX_BATCH,
    InvalidRequest,
    Person,
    PopulationAuthError,
    PopulationError,
    PopulationUnavailable,
    VerifyQuery,
    VerifyResult,
    as_query,
    check_cccd,
    parse_birth,
    prepare_search,
)

__all__ = ["HttpPopulationSource", "TokenBucket", "CircuitBreaker", "PopulationUnavailable",
           "PopulationAuthError", "PopulationError", "InvalidRequest"]

log = logging.getLogger("lienthong.population.client")


class TokenBucket:
    """Client-side rate limit shared by all threads using one source.

    `rate` tokens per second, at most `burst` saved up. Same rule as the server's bucket (see the
    contract): a request may go when the bucket holds one token, and takes its whole cost, which
    may leave the bucket in debt for the next one. `acquire(cost)` reserves at once and sleeps
    outside the lock until its turn, so threads are served in the order they asked and the
    long-run rate never exceeds `rate`."""

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


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failures (5xx, timeouts, connection errors);
    while open every call fails fast with PopulationUnavailable. After `reset_timeout` seconds
    one probe call is let through (half-open): success closes the circuit, failure re-opens it."""

    def __init__(self, failure_threshold: int = 5, reset_timeout: float = 30.0):
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._state: Literal["closed", "open", "half_open"] = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False
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
                    raise PopulationUnavailable(
                        f"population service unavailable: circuit open after {self._failures} consecutive "
                        f"failures, next probe in {left:.1f} s")
                self._state = "half_open"
                self._probe_out = False
            if self._probe_out:  # half-open: one probe at a time
                raise PopulationUnavailable("population service unavailable: circuit half-open, probe in flight")
            self._probe_out = True

    def on_success(self) -> None:
        with self._lock:
            if self._state != "closed":
                log.warning("population circuit closed")
            self._state, self._failures, self._probe_out = "closed", 0, False

    def on_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == "half_open" or (self._state == "closed" and self._failures >= self.failure_threshold):
                if self._state == "closed":
                    log.warning("population circuit opened after %d consecutive failures", self._failures)
                self._state, self._opened_at, self._probe_out = "open", time.monotonic(), False


def _retry_after(resp: httpx.Response) -> float | None:
    ms = resp.headers.get("X-Retry-After-Ms")
    for value, scale in ((ms, 1000.0), (resp.headers.get("Retry-After"), 1.0)):
        if value:
            try:
                return max(0.0, float(value) / scale)
            except ValueError:
                continue  # an HTTP-date: fall back to our own backoff
    return None


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


class HttpPopulationSource:
    """PopulationSource over the HTTP contract. Safe to share between threads.

    rate_per_second: our own ceiling (set it at or below the service's limit); burst: requests
    that may go back to back after a pause. timeout: seconds per attempt. retries: extra attempts
    after a 5xx, 429, timeout or connection error, with exponential backoff and full jitter
    (backoff_base · 2^attempt, capped at backoff_max), or the server's Retry-After.
    failure_threshold / reset_timeout: the circuit breaker."""

    def __init__(self, base_url: str, token: str, rate_per_second: float = 50.0, timeout: float = 5.0,
                 retries: int = 4, *, burst: float = 1.0, backoff_base: float = 0.2, backoff_max: float = 10.0,
                 failure_threshold: int = 5, reset_timeout: float = 30.0, max_connections: int = 16,
                 seed: int | None = None):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.limiter = TokenBucket(rate_per_second, burst)
        self.breaker = CircuitBreaker(failure_threshold, reset_timeout)
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        )

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpPopulationSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:  # the token stays out of reprs
        return f"HttpPopulationSource({self.base_url!r})"

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

    # -- the retry loop --------------------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        with self._rng_lock:
            return self._rng.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** attempt))

    def _post(self, path: str, body: dict, cost: int = 1) -> dict:
        request_id = uuid.uuid4().hex
        last = "none"
        for attempt in range(self.retries + 1):
            self.breaker.before_call()
            self.limiter.acquire(cost)
            started = time.monotonic()
            self._count("attempts")
            wait: float | None = None
            try:
                resp = self._http.post(path, json=body, headers={"X-Request-Id": f"{request_id}-{attempt}"})
            except httpx.TimeoutException:
                last = "timeout"
                self.breaker.on_failure()
            except httpx.TransportError as exc:  # refused, reset, closed without answer…
                last = f"connection error ({type(exc).__name__})"
                self.breaker.on_failure()
            else:
                status = resp.status_code
                self._count(str(status))
                if status == 200:
                    self.breaker.on_success()
                    return resp.json()
                error = _error(resp)
                if status == 400:
                    self.breaker.on_success()
                    raise InvalidRequest(error.get("code", "invalid_request"), error.get("message", "bad request"))
                if status in (401, 403):
                    self.breaker.on_success()
                    raise PopulationAuthError(f"population service refused the token (HTTP {status})")
                if status == 429:
                    self.breaker.on_success()  # alive, only busy
                    wait = _retry_after(resp)
                    self.limiter.defer(wait if wait is not None else self._backoff(attempt))
                    last = "HTTP 429"
                elif status >= 500:
                    self.breaker.on_failure()
                    last = f"HTTP {status}"
                else:
                    self.breaker.on_success()
                    raise PopulationError(f"population service answered HTTP {status} to {path}")
            self._count(last.split(" (")[0])
            log.warning("population %s attempt %d: %s after %.0f ms (request %s-%d)",
                        path, attempt + 1, last, (time.monotonic() - started) * 1e3, request_id, attempt)
            if attempt < self.retries:
                self._count("retries")
                # After a 429 the bucket already holds everyone back for Retry-After: add jitter only.
                time.sleep(self._backoff(0) / 4 if wait is not None else self._backoff(attempt))
        raise PopulationUnavailable(
            f"population service did not answer {path} after {self.retries + 1} attempts (last: {last})")

    # -- PopulationSource ------------------------------------------------------------------------
    def verify(self, cccd: str, full_name: str | None = None, birth_date: date | str | None = None) -> VerifyResult:
        number = check_cccd(cccd)
        parse_birth(birth_date)  # refuse a malformed date here, not after a round trip
        body = {"cccd": number}
        if full_name is not None:
            body["full_name"] = full_name
        if birth_date not in (None, ""):
            body["birth_date"] = _iso(birth_date)
        return VerifyResult.from_json(self._post("/v1/verify", body))

    def verify_many(self, items: Iterable[VerifyQuery | tuple | Mapping]) -> list[VerifyResult]:
        """Batches of up to 100 per request (each item costs one token of the rate limit)."""
        payload = []
        for q in (as_query(i) for i in items):
            item = {"cccd": check_cccd(q.cccd)}
            parse_birth(q.birth_date)
            if q.full_name is not None:
                item["full_name"] = q.full_name
            if q.birth_date not in (None, ""):
                item["birth_date"] = _iso(q.birth_date)
            payload.append(item)
        results: list[VerifyResult] = []
        for i in range(0, len(payload), MAX_BATCH):
            chunk = payload[i:i + MAX_BATCH]
            answer = self._post("/v1/verify-batch", {"items": chunk}, cost=len(chunk))
            results.extend(VerifyResult.from_json(r) for r in answer["results"])
        return results

    def search(self, full_name: str, birth_date: date | str | None = None, birth_year: int | None = None,
               commune_code: str | None = None, limit: int = 10) -> list[Person]:
        q = prepare_search(full_name, birth_date, birth_year, commune_code, limit)
        body: dict = {"full_name": full_name, "limit": limit}
        if birth_date not in (None, ""):
            body["birth_date"] = _iso(birth_date)
        if birth_year not in (None, ""):
            body["birth_year"] = q.birth_year
        if commune_code not in (None, ""):
            body["commune_code"] = q.commune_code
        return [Person.from_json(p) for p in self._post("/v1/search", body)["results"]]

    def health(self) -> dict:
        """GET /v1/health: no auth, no rate limit, no retries."""
        resp = self._http.get("/v1/health")
        resp.raise_for_status()
        return resp.json()


def _error(resp: httpx.Response) -> dict:
    try:
        err = resp.json().get("error")
        return err if isinstance(err, dict) else {}
    except (ValueError, AttributeError):
        return {}

"""`HttpPopulationSource`: the population source over HTTP (contract: docs/population-api.md).

httpx does the HTTP (pooled keep-alive connections, timeouts; one Client is safe to share across
threads). Around it the token bucket, the circuit breaker and the backoff every adapter shares
(lienthong.adapters.resilience, which says why they are hand-written), and this contract's retry loop.

Logs carry the endpoint, status or error kind, timing and request id — never a number, a name,
a date or a body.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

import httpx

from lienthong.adapters import resilience
from lienthong.adapters.resilience import TokenBucket, error_of, retry_after
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


class CircuitBreaker(resilience.CircuitBreaker):
    """The population service's breaker: fails fast with PopulationUnavailable while open."""

    def __init__(self, failure_threshold: int = 5, reset_timeout: float = 30.0):
        super().__init__("population service", PopulationUnavailable, failure_threshold, reset_timeout)


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
        self._backoff = resilience.Backoff(backoff_base, backoff_max, seed)
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
                error = error_of(resp)
                if status == 400:
                    self.breaker.on_success()
                    raise InvalidRequest(error.get("code", "invalid_request"), error.get("message", "bad request"))
                if status in (401, 403):
                    self.breaker.on_success()
                    raise PopulationAuthError(f"population service refused the token (HTTP {status})")
                if status == 429:
                    self.breaker.on_success()  # alive, only busy
                    wait = retry_after(resp)
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


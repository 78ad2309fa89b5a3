"""HttpPopulationSource against real reference servers over loopback: auth, rate limit, retries
through injected faults, circuit breaker, timeouts, and no personal data in the logs."""
from __future__ import annotations

import logging
import threading
import time

import pytest

from lienthong.population.client import CircuitBreaker, HttpPopulationSource, TokenBucket
from lienthong.population.source import PopulationAuthError, PopulationUnavailable

from .conftest import PEOPLE, TOKEN, free_port

AN = PEOPLE["089080000001"]


def client(server_or_url, **kw) -> HttpPopulationSource:
    url = server_or_url if isinstance(server_or_url, str) else server_or_url.url
    kw = {"rate_per_second": 1000, "timeout": 5, "retries": 4, "backoff_base": 0.01, "seed": 7, **kw}
    return HttpPopulationSource(url, kw.pop("token", TOKEN), **kw)


def time_stalled_in_requests(c: HttpPopulationSource, usual: float = 0.05):
    """Wrap the client's HTTP post to add up the time requests took beyond `usual` seconds."""
    post, over = c._http.post, []

    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return post(*args, **kwargs)
        finally:
            over.append(max(0.0, time.monotonic() - started - usual))

    c._http.post = timed
    return lambda: sum(over)


def times_sent(c: HttpPopulationSource) -> list[float]:
    """Wrap the client's rate limiter to note when it lets each request go."""
    acquire, sent = c.limiter.acquire, []

    def timed(cost: float = 1.0) -> float:
        waited = acquire(cost)
        sent.append(time.monotonic())
        return waited

    c.limiter.acquire = timed
    return sent


def test_wrong_token_is_not_retried_and_does_not_open_the_circuit(server):
    with client(server, token="sai", failure_threshold=1) as c:
        with pytest.raises(PopulationAuthError, match=r"refused the token \(HTTP 401\)"):
            c.verify("089080000001")
        assert (c.stats["attempts"], c.stats["401"], c.breaker.state) == (1, 1, "closed")


def test_client_paces_itself_across_threads(server):
    """Four threads share one 20/s bucket: together they go no faster than 20/s."""
    rate, per_thread, threads = 20, 12, 4
    with client(server, rate_per_second=rate) as c:
        c.verify("089080000001")  # the first request spends the single saved token
        sent = times_sent(c)
        started = time.monotonic()

        def work():
            for _ in range(per_thread):
                assert c.verify("089080000001").found

        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.monotonic() - started
    assert per_thread * threads / elapsed <= rate * 1.02, per_thread * threads / elapsed
    # The pace the client kept: when each request was let go (a request the busy machine answers late is the
    # server's time, not the client's pacing; CI once saw a 702 ms answer).
    paced = (len(sent) - 1) / (sent[-1] - sent[0])
    assert rate * 0.85 <= paced <= rate * 1.02, paced
    assert c.stats["429"] == 0


def test_client_honours_the_servers_429_and_retry_after(serve):
    """The client is set 5× faster than the server allows: the server's 429s and Retry-After
    bring it down to the server's rate, and every call still succeeds."""
    s = serve("--rate", "10", "--burst", "1")
    with client(s, rate_per_second=50, retries=20) as c:
        stalled = time_stalled_in_requests(c)
        started = time.monotonic()
        results = [c.verify("089080000001") for _ in range(25)]
        elapsed = time.monotonic() - started
    assert all(r.person == AN for r in results)
    assert 25 / elapsed <= 10 * 1.1, 25 / elapsed  # never faster than the server allows
    # …and not slower for the client's own waiting: a request the busy machine kept waiting (CI once saw a 429
    # take 702 ms) is the server's time, not the client's pacing, so it is taken out of the lower bound.
    paced = 25 / (elapsed - stalled())
    assert 10 * 0.8 <= paced <= 10 * 1.1, (paced, stalled())
    assert c.stats["429"] == s.stats()["rate_limited"] > 0


def test_retries_through_injected_5xx(serve):
    s = serve("--fault-5xx", "0.3", "--seed", "1", "--rate", "0")
    with client(s, retries=8, failure_threshold=100) as c:
        results = [c.verify("089080000001", "Nguyễn Văn An") for _ in range(40)]
        batch = c.verify_many([("089080000001",)] * 30)
    assert all(r.person == AN and r.name_agrees for r in results)
    assert all(r.person == AN for r in batch)
    injected = s.stats()["fault_5xx"]
    assert injected > 5
    assert c.stats["503"] == injected == c.stats["HTTP 503"]
    assert c.stats["attempts"] == 41 + injected


def test_retries_through_dropped_connections(serve):
    s = serve("--fault-drop", "0.3", "--seed", "2", "--rate", "0")
    with client(s, retries=8, failure_threshold=100) as c:
        results = [c.verify("091070000005", "Hoàng Văn Bảy") for _ in range(40)]
        found = c.search("Nguyen Van An", birth_year=1980)
    assert all(r.found and r.name_level == "family_variant" for r in results)
    assert [p.cccd for p in found] == ["089080000001", "089080000002"]
    dropped = s.stats()["fault_drop"]
    assert dropped > 5
    assert c.stats["connection error"] == dropped
    assert c.stats["200"] == 41


def test_timeouts_are_retried_then_reported(serve):
    s = serve("--fault-slow", "1", "--fault-slow-seconds", "3", "--threads", "8")
    with client(s, timeout=0.3, retries=1, failure_threshold=100) as c:
        started = time.monotonic()
        with pytest.raises(PopulationUnavailable) as exc:
            c.verify("089080000001")
        elapsed = time.monotonic() - started
    assert str(exc.value) == "population service did not answer /v1/verify after 2 attempts (last: timeout)"
    assert (c.stats["attempts"], c.stats["timeout"]) == (2, 2)
    assert elapsed < 2.0


def test_slow_answers_within_the_timeout_succeed_and_slow_ones_are_retried(serve):
    s = serve("--fault-slow", "0.4", "--fault-slow-seconds", "1.5", "--seed", "5")
    with client(s, timeout=0.5, retries=8, failure_threshold=100) as c:
        results = [c.verify("089080000001") for _ in range(15)]
    assert all(r.person == AN for r in results)
    assert c.stats["timeout"] == s.stats()["fault_slow"] > 0


def test_circuit_breaker_opens_and_recovers(serve):
    port = free_port()  # nothing listens here yet: connections are refused
    with client(f"http://127.0.0.1:{port}", retries=10, failure_threshold=3, reset_timeout=0.5) as c:
        with pytest.raises(PopulationUnavailable, match=r"circuit open after 3 consecutive failures"):
            c.verify("089080000001")
        assert (c.stats["attempts"], c.breaker.state) == (3, "open")
        # While open: fail fast, no request at all.
        started = time.monotonic()
        with pytest.raises(PopulationUnavailable, match="circuit open"):
            c.verify("089080000001")
        assert time.monotonic() - started < 0.05 and c.stats["attempts"] == 3
        # After the cool-down one probe goes out; it fails, so the circuit opens again.
        time.sleep(0.55)
        assert c.breaker.state == "half_open"
        with pytest.raises(PopulationUnavailable, match="circuit open"):
            c.verify("089080000001")
        assert (c.stats["attempts"], c.breaker.state) == (4, "open")
        # The service comes back on that port; the next probe succeeds and closes the circuit.
        serve("--rate", "1000", port=port)
        time.sleep(0.55)
        assert c.verify("089080000001").person == AN
        assert c.breaker.state == "closed"
        assert c.verify("089080000002").found


def test_half_open_lets_one_probe_through():
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=0.05)
    breaker.on_failure()
    time.sleep(0.06)
    breaker.before_call()  # the probe
    with pytest.raises(PopulationUnavailable, match="probe in flight"):
        breaker.before_call()
    breaker.on_success()
    breaker.before_call()
    assert breaker.state == "closed"


def test_token_bucket_spacing():
    bucket = TokenBucket(rate=50, burst=1)
    started = time.monotonic()
    waits = [bucket.acquire() for _ in range(11)]
    elapsed = time.monotonic() - started
    assert waits[0] == 0.0
    assert elapsed >= 0.19, elapsed  # ten intervals of 20 ms: never faster
    # …and the bucket itself never asks for more than those ten intervals (a sleep the busy machine wakes late is
    # not the bucket's doing, so the wall clock is no upper bound).
    assert sum(waits) <= 0.2 + 1e-6, waits
    bucket.defer(0.1)
    assert 0.09 <= bucket.acquire() <= 0.13


def test_bad_input_is_refused_before_any_request(server):
    with client(server) as c:
        from lienthong.population.source import InvalidRequest

        with pytest.raises(InvalidRequest):
            c.verify("12")
        with pytest.raises(InvalidRequest):
            c.search("An")
        assert c.stats["attempts"] == 0


def test_client_logs_no_personal_data(serve, caplog):
    s = serve("--fault-5xx", "0.3", "--fault-drop", "0.2", "--seed", "9", "--rate", "0")
    caplog.set_level(logging.DEBUG)
    with client(s, retries=10, failure_threshold=100) as c:
        for cccd, person in PEOPLE.items():
            c.verify(cccd, person.full_name, person.birth_date)
            c.search(person.full_name, birth_year=person.birth_date.year)
        assert repr(c.verify("089080000001").person) == "Person(<personal data>)"
    text = caplog.text
    assert "population /v1/verify attempt" in text  # failures are logged…
    for cccd, person in PEOPLE.items():              # …without anything personal
        for secret in (cccd, person.full_name, person.birth_date.isoformat(), person.address):
            assert secret not in text
    assert TOKEN not in text

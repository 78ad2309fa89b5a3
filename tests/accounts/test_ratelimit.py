"""The request counter behind the public pages' limits (accounts.ratelimit): atomic across threads and
processes (one upsert statement in the database), windows that restart, refunds, and whose address counts."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test import RequestFactory

from lienthong.accounts import ratelimit
from lienthong.accounts.models import RateCounter

WINDOW = dt.timedelta(minutes=10)


def _hammer(n_threads: int, *, limit: int, using: str = "default") -> list[bool]:
    """n_threads at once (released together by a barrier), each one request; each thread has its own
    database connection, as each gunicorn process and thread has."""
    barrier = threading.Barrier(n_threads)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def one():
        try:
            barrier.wait()
            outcomes.append(ratelimit.take("test", "198.51.100.7", limit=limit, window=WINDOW, using=using).allowed)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections[using].close()

    threads = [threading.Thread(target=one) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return outcomes


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_sixty_concurrent_requests_pass_exactly_the_limit_on_postgresql():
    outcomes = _hammer(60, limit=5)
    assert (outcomes.count(True), outcomes.count(False)) == (5, 55)
    assert RateCounter.objects.get(bucket="test").n == 5


@pytest.fixture
def sqlite_file_db(tmp_path, django_db_blocker):
    """The suite's SQLite test database lives in memory (shared cache: concurrent writers fail at once instead of
    waiting), so the counter is shown on a file database configured as the site's is (WAL, IMMEDIATE, timeout)."""
    alias = "ratefile"
    connections.settings[alias] = {**connections.settings["default"], "NAME": str(tmp_path / "rate.sqlite3")}
    with django_db_blocker.unblock():
        with connections[alias].schema_editor() as editor:
            editor.create_model(RateCounter)
        yield alias
        connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sixty_concurrent_requests_pass_exactly_the_limit_on_sqlite(sqlite_file_db):
    outcomes = _hammer(60, limit=5, using=sqlite_file_db)
    assert (outcomes.count(True), outcomes.count(False)) == (5, 55)
    assert RateCounter.objects.using(sqlite_file_db).get(bucket="test").n == 5


@pytest.mark.django_db
def test_refused_requests_are_not_counted_and_the_window_restarts(clock):
    taken = [ratelimit.take("test", "a", limit=3, window=WINDOW) for _ in range(5)]
    assert [t.allowed for t in taken] == [True, True, True, False, False]
    assert [t.n for t in taken] == [1, 2, 3, 3, 3]
    assert len({t.window_end for t in taken}) == 1  # refusals do not push the end back
    assert ratelimit.take("test", "b", limit=3, window=WINDOW).allowed  # another subject: its own count
    clock.shift(WINDOW)
    again = ratelimit.take("test", "a", limit=3, window=WINDOW)
    assert (again.allowed, again.n) == (True, 1) and again.window_end > taken[0].window_end


@pytest.mark.django_db
def test_a_request_given_back_frees_its_place_in_the_same_window_only(clock):
    first = ratelimit.take("test", "a", limit=1, window=WINDOW)
    assert not ratelimit.take("test", "a", limit=1, window=WINDOW).allowed
    ratelimit.give_back("test", "a", first)
    assert ratelimit.take("test", "a", limit=1, window=WINDOW).allowed
    clock.shift(WINDOW)
    fresh = ratelimit.take("test", "a", limit=1, window=WINDOW)
    ratelimit.give_back("test", "a", first)  # a refund from an old window changes nothing
    assert RateCounter.objects.get(bucket="test", subject="a").n == 1 and fresh.n == 1


@pytest.mark.django_db
def test_a_refusal_is_audited_once_per_window(clock):
    from lienthong.accounts.models import AuditEvent

    request = RequestFactory().get("/cang/khai-bao/", REMOTE_ADDR="198.51.100.7")
    ratelimit.take("test", "a", limit=1, window=WINDOW)
    for _ in range(4):
        refused = ratelimit.take("test", "a", limit=1, window=WINDOW)
        ratelimit.audit_refusal(request, "test", "a", refused, limit=1)
    assert AuditEvent.objects.filter(action="denied", detail__rate_limit="test").count() == 1
    clock.shift(WINDOW)
    ratelimit.take("test", "a", limit=1, window=WINDOW)
    ratelimit.audit_refusal(request, "test", "a", ratelimit.take("test", "a", limit=1, window=WINDOW), limit=1)
    assert AuditEvent.objects.filter(action="denied", detail__rate_limit="test").count() == 2


def test_the_counted_address_is_the_audit_logs(settings):
    factory = RequestFactory()
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    settings.LIENTHONG_TRUST_X_FORWARDED_FOR = False
    assert ratelimit.client_subject(proxied) == "10.0.0.1"  # a client cannot choose its own address
    settings.LIENTHONG_TRUST_X_FORWARDED_FOR = True
    assert ratelimit.client_subject(proxied) == "203.0.113.5"
    # IPv6 by the /64 a subscriber gets (all its addresses are one client); IPv4-mapped as IPv4
    assert ratelimit.subject_of("2001:db8:1:2:aaaa::1") == ratelimit.subject_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert ratelimit.subject_of("::ffff:192.0.2.1") == "192.0.2.1"
    assert ratelimit.subject_of(None) == "-" and connection is not None

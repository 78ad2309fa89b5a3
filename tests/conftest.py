"""Fixtures shared by the whole suite: the pinned clock, one user per role, and a commune officer with an area."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
import time_machine
from django.test import Client

# Every test outside tests/e2e runs with the clock pinned (time-machine; it ticks on from the pinned instant),
# so no outcome depends on the hour or the day the suite runs. The default instant is chosen awkward on
# purpose: 00:36 on 1 December in Asia/Ho_Chi_Minh is still 30 November in UTC, which is exactly where dates
# formatted in UTC go wrong. LIENTHONG_TEST_NOW (ISO 8601 with an offset) moves it: that is how the suite is
# shown to pass at any hour (tests/run_at_instants.py runs it at 00:30, 23:45 and noon local time).
# The e2e tests and tests marked real_clock are left alone: they share a database or files with processes
# that keep the real clock (a served site, a sync worker), and the two clocks must agree.
TEST_NOW = datetime.fromisoformat(os.environ.get("LIENTHONG_TEST_NOW", "2026-12-01T00:36:00+07:00"))


def pytest_configure(config):
    config.addinivalue_line("markers", "real_clock: the test keeps the real clock (it shares state with another process)")


@pytest.fixture(autouse=True)
def clock(request):
    """The pinned clock (time_machine Coordinates: clock.move_to(datetime or ISO text), clock.shift(seconds))."""
    if request.node.get_closest_marker("real_clock") or request.node.get_closest_marker("e2e") \
            or "e2e" in request.node.path.parts:
        yield None
        return
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller

PASSWORD = "mat-khau-thu-nghiem-2025"


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: the locale middleware leaves the last request's language active
    on the thread, so an English request in one test would otherwise change the next test's messages."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _hall_estimates_forgotten():
    """The hall's learned wait model is cached per centre and day in the process; under xdist a worker runs many
    tests whose centres share a primary key, so one test's cached model (or its absence) would answer the next's."""
    from lienthong.hall import estimates

    estimates.forget()
    yield
    estimates.forget()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per login on this machine; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    from lienthong.accounts.models import AreaScope, User

    def make(username: str, role: str, communes: tuple[str, ...] = (), **extra) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
        for code in communes:
            AreaScope.objects.create(user=user, commune_code=code)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("quantri", "admin")


@pytest.fixture
def fisheries_user(make_user):
    return make_user("thuysan", "fisheries")


@pytest.fixture
def viewer_user(make_user):
    return make_user("xem", "viewer")


@pytest.fixture
def commune_user(make_user):
    """Commune officer of Đặc khu Phú Quốc (31078) only."""
    return make_user("xa_phuquoc", "commune", communes=("31078",))


@pytest.fixture
def other_commune_user(make_user):
    """Commune officer of Đặc khu Kiên Hải (31108) only."""
    return make_user("xa_kienhai", "commune", communes=("31108",))


@pytest.fixture
def police_user(make_user):
    return make_user("congan_phuquoc", "police", communes=("31078",))


@pytest.fixture
def client_for(db):
    """A test client logged in as `user` (the login itself writes one audit event)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def _own_data_dir(tmp_path_factory):
    """Uploads, sync files and the signing CA of the run go to a directory of this test session (of this
    xdist worker, under `make test-fast`), never to the developer's var/ nor to another worker's files."""
    from django.conf import settings

    data = tmp_path_factory.mktemp("data")
    settings.DATA_DIR, settings.MEDIA_ROOT = data, data / "media"
    return data


@pytest.fixture
def empties_the_audit_log_after():
    """A transactional test's teardown truncates every table, which the audit log refuses while it holds events:
    afterwards, as the table owner would, lift the triggers, empty the log, put them back."""
    yield
    from django.db import connection

    from lienthong.accounts import triggers

    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(connection.vendor):
            cursor.execute(statement)
        for table in triggers.TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for statement in triggers.create_statements(connection.vendor):
            cursor.execute(statement)

"""Browser tests: a real server process on its own database, driven through Debian's headless Chromium.

The server is started with `lienthong serve` after `lienthong demo-setup` built a small demo province, so
these tests go through exactly what an officer gets (demo files → importer → pages). With DATABASE_URL
pointing at PostgreSQL, a throw-away database is created for the run and dropped afterwards.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_VESSELS = 400
E2E_POPULATION = 4000


@dataclass
class LiveSite:
    url: str
    password: str
    files_dir: Path
    data_dir: Path
    env: dict  # the server's environment (LIENTHONG_DATA_DIR, DATABASE_URL): for `lienthong manage …` on its database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_db(url: str):
    """Create a throw-away database beside the one DATABASE_URL names; return its URL and a dropper."""
    import psycopg

    parts = urlsplit(url)
    name = f"lienthong_e2e_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


APP_ROLE = "lienthong_app"


def _as_app_role(env: dict) -> dict:
    """On PostgreSQL the site is served as production serves it: by a role that owns no table (granted by
    `grant_app_role` after the owner migrated), so every browser test also proves the app needs no more."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return env
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone() is None:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
    subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "grant_app_role", APP_ROLE], env=env, check=True,
                   capture_output=True, timeout=120)
    return {**env, "DATABASE_URL": urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{parts.hostname}:{parts.port or 5432}"))}


@contextmanager
def demo_site(data_dir: Path, *, before_serving: tuple[tuple[str, ...], ...] = (), serve_env: dict | None = None):
    """A demo province on its own database (a throw-away PostgreSQL database when DATABASE_URL names one),
    built by `lienthong demo-setup`, then the `before_serving` commands (argv tuples, run with the site's
    environment), then served by `lienthong serve` until the block ends, with `serve_env` added to its
    environment (e.g. production's)."""
    from lienthong.demo_site import DEMO_PASSWORD

    env = {**os.environ, "LIENTHONG_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    drop = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_db(os.environ["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
    server = log = None
    try:
        files_dir = data_dir / "demo"
        for command in (
            ("-m", "lienthong.cli", "demo-setup", "--vessels", str(E2E_VESSELS), "--population", str(E2E_POPULATION),
             "--files-dir", str(files_dir)),
            *before_serving,
        ):
            subprocess.run([sys.executable, *command], env=env, check=True, capture_output=True, timeout=600)
        port = _free_port()
        log = open(data_dir / "server.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "lienthong.cli", "serve", "--port", str(port)], env={**_as_app_role(env), **(serve_env or {})},
            stdout=log, stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/dang-nhap/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {data_dir / 'server.log'}") from None
                time.sleep(0.3)
        yield LiveSite(url, DEMO_PASSWORD, files_dir, data_dir, env)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if log is not None:
            log.close()
        if drop:
            drop()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("e2e-data")) as site:
        yield site


@pytest.fixture(scope="module")
def browser():
    """Module scope on purpose: Playwright's sync API runs an event loop in this thread, and Django's ORM
    refuses to run while one is alive, so the loop must end before the next module's database tests."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("LIENTHONG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def login(live_site):
    def do_login(page, username: str):
        page.goto(live_site.url + "/dang-nhap/")
        page.fill("[data-testid=login-username]", username)
        page.fill("[data-testid=login-password]", live_site.password)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state("networkidle")

    return do_login

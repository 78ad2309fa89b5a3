"""Browser tests: a real server process on its own database, driven through Debian's headless Chromium.

The server is started with `lienthong serve` after `lienthong demo-setup` built a small demo province, so
these tests go through exactly what an officer gets (demo files → importer → pages). With DATABASE_URL
pointing at PostgreSQL, a throw-away database is created for the run and dropped afterwards.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
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


def _postgres_db(url: str, template: str | None = None):
    """Create a throw-away database beside the one DATABASE_URL names (a copy of `template` when given); return its
    URL and a dropper."""
    import psycopg

    parts = urlsplit(url)
    name = f"lienthong_e2e_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

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


def _demo_command(files_dir: Path) -> tuple[str, ...]:
    return ("-m", "lienthong.cli", "demo-setup", "--vessels", str(E2E_VESSELS), "--population", str(E2E_POPULATION),
            "--files-dir", str(files_dir))


_template: dict[str, tuple[Path, str | None]] = {}  # this process's built demo province: its data dir, its PG database


def _drop_template() -> None:
    built = _template.pop("demo", None)
    if built is None:
        return
    shutil.rmtree(built[0], ignore_errors=True)
    if built[1]:
        import psycopg

        with psycopg.connect(built[1], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_template_name(built)}" WITH (FORCE)')


def _template_name(built) -> str:
    return built[0].name.replace("-", "_")


def _demo_template() -> tuple[Path, str | None]:
    """The demo province every site of this test process starts from, built once by `lienthong demo-setup` (about
    a minute; eleven sites a run): its data directory (SQLite database, media, the demo files) and, on PostgreSQL,
    the database a site's is created from (CREATE DATABASE … TEMPLATE). Uploaded files are stored relative to
    the data directory, so a copy of it is a site of its own."""
    if "demo" in _template:
        return _template["demo"]
    root = Path(tempfile.mkdtemp(prefix="lt-e2e-demo-"))
    env = {**os.environ, "LIENTHONG_DATA_DIR": str(root), "PYTHONUNBUFFERED": "1"}
    admin = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        parts = urlsplit(os.environ["DATABASE_URL"])
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{root.name.replace("-", "_")}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{root.name.replace('-', '_')}"))
    else:
        env.pop("DATABASE_URL", None)
    _template["demo"] = (root, admin)
    atexit.register(_drop_template)
    subprocess.run([sys.executable, *_demo_command(root / "demo")], env=env, check=True, capture_output=True,
                   timeout=600)
    return root, admin


def _site_from_template(data_dir: Path) -> dict:
    """A site's data directory and database, copied from the template: its environment."""
    root, admin = _demo_template()
    shutil.copytree(root, data_dir, dirs_exist_ok=True)
    env = {**os.environ, "LIENTHONG_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    return env


@contextmanager
def demo_site(data_dir: Path, *, before_serving: tuple[tuple[str, ...], ...] = (), serve_env: dict | None = None):
    """A demo province on its own database (a throw-away PostgreSQL database when DATABASE_URL names one),
    copied from the one `lienthong demo-setup` built for this test process, then the `before_serving` commands
    (argv tuples, run with the site's environment), then served by `lienthong serve` until the block ends, with
    `serve_env` added to its environment (e.g. production's)."""
    from lienthong.demo_site import DEMO_PASSWORD

    env = _site_from_template(data_dir)
    drop = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_db(os.environ["DATABASE_URL"],
                                                 template=_template_name(_demo_template()))
    server = log = None
    try:
        files_dir = data_dir / "demo"
        for command in before_serving:
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


# Before the layout site is served: a sync run planned (the job worker then runs it to the end).
LAYOUT_SETUP = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lienthong.settings');"
                "django.setup(); from lienthong.accounts.models import User; from lienthong.sync import engine;"
                "engine.plan_run(User.objects.get(username='thuysan'))")


@pytest.fixture(scope="session")
def layout_site(tmp_path_factory):
    """The demo province after a finished sync run, with worklists, answers, an export and port trips in
    every state, so that the pages show real figures and every kind of detail page exists; served as production
    serves it (test_csp.py uses it too)."""
    from production_env import production

    data_dir = tmp_path_factory.mktemp("e2e-layout")
    with demo_site(data_dir, before_serving=(
        ("-c", LAYOUT_SETUP),
        ("-m", "lienthong.sync.worker", "--once"),
        (str(Path(__file__).parent / "layout_data.py"),),
    ), serve_env=production(data_dir)) as site:
        yield site

"""PostgreSQL in production: migrations run as the tables' owner, the application as a role that owns nothing.
On a throw-away database migrated by `lienthong manage migrate` (as the owner), the application's role can
write events and read them, and cannot rewrite the log by any route: UPDATE, DELETE, TRUNCATE, or lifting the
triggers. Concurrent writers (threads, each its own connection) keep one unbroken chain."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgres"), reason="PostgreSQL only (DATABASE_URL)")
ROLE = "lienthong_app_test"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    import psycopg

    parts = urlsplit(URL)
    name = f"lienthong_role_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone() is None:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN")
    owner_url = urlunsplit(parts._replace(path=f"/{name}"))
    env = {**os.environ, "DATABASE_URL": owner_url, "LIENTHONG_DATA_DIR": str(tmp_path_factory.mktemp("role"))}
    for argv in (("migrate", "--noinput", "-v0"), ("grant_app_role", ROLE)):
        subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", *argv], env=env, check=True,
                       capture_output=True, timeout=300)
    app_url = urlunsplit(parts._replace(netloc=f"{ROLE}@{parts.hostname}:{parts.port or 5432}", path=f"/{name}"))
    yield {"owner": owner_url, "app": app_url, "env": env}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _app_runs(migrated, code: str) -> subprocess.CompletedProcess:
    """Python run with Django set up on the throw-away database, connected as the application's role."""
    env = {**migrated["env"], "DATABASE_URL": migrated["app"], "DJANGO_SETTINGS_MODULE": "lienthong.settings"}
    prelude = "import django; django.setup()\n"
    return subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True, timeout=300)


def test_the_application_role_writes_and_reads_events_in_one_chain(migrated):
    done = _app_runs(migrated, """
import threading
from django.db import connections
from lienthong.accounts import audit, chain

def write(k):
    try:
        for i in range(15):
            audit.record(None, "view", object_type="owner", object_id=f"{k}-{i}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=write, args=(k,)) for k in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
result = chain.verify()
print(result.intact, result.checked)
""")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "90"]


@pytest.mark.parametrize("sql", [
    "UPDATE accounts_auditevent SET summary = 'x'",
    "DELETE FROM accounts_auditevent",
    "TRUNCATE accounts_auditevent",
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER USER",
    "DROP TRIGGER accounts_auditevent_no_change ON accounts_auditevent",
    "UPDATE accounts_auditseal SET intact = true",
])
def test_the_application_role_cannot_rewrite_the_log(migrated, sql):
    import psycopg

    with psycopg.connect(migrated["app"], autocommit=True) as conn:
        conn.execute("INSERT INTO accounts_auditevent (at, username, action, object_type, object_id, summary, detail,"
                     " user_agent, prev_hash, row_hash) VALUES (now(), 'x', 'view', '', '', '', '{}', '', '', '')")
        before = conn.execute("SELECT count(*) FROM accounts_auditevent").fetchone()[0]
        with pytest.raises(psycopg.Error) as refused:
            conn.execute(sql)
        assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value) \
            or "append-only" in str(refused.value)
        assert conn.execute("SELECT count(*) FROM accounts_auditevent").fetchone()[0] == before


def test_the_application_role_can_do_its_work_elsewhere(migrated):
    import psycopg

    with psycopg.connect(migrated["app"], autocommit=True) as conn:
        conn.execute("INSERT INTO fleet_columnmapping (name, mapping, created_at) VALUES ('m', '{}', now())")
        conn.execute("UPDATE fleet_columnmapping SET name = 'n'")
        conn.execute("DELETE FROM fleet_columnmapping")

"""An import killed mid-write is marked failed (not "running" forever) when the import pages are next
loaded or `lienthong serve` next starts; a live import is left alone."""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import timezone

from lienthong.fleet.importer.abandoned import STALE_AFTER, fail_abandoned_imports, this_process
from lienthong.fleet.models import RegistryImport

from .fleet_files import csv_bytes, vessel_row


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(process: str, **extra) -> RegistryImport:
    return RegistryImport.objects.create(file_name="so-dang-ky.xlsx", sha256="0" * 64, status="running",
                                         process=process, **extra)


def test_the_import_page_marks_an_import_of_a_dead_process_failed(client_for, fisheries_user):
    dead = _running(f"{socket.gethostname()} {_dead_pid()} x")
    live = _running(this_process())
    client = client_for(fisheries_user)
    assert client.get("/nhap-du-lieu/").status_code == 200
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, live.status) == ("failed", "running")
    assert dead.message == ("so-dang-ky.xlsx: quá trình nhập bị dừng giữa chừng (tiến trình đã tắt); không có thay đổi "
                            "nào được lưu, hãy nhập lại tệp")
    assert dead.finished_at is not None
    html = client.get(f"/nhap-du-lieu/{dead.pk}/").content.decode()
    assert 'data-testid="import-failure"' in html and "bị dừng giữa chừng" in html


def test_the_report_page_alone_also_marks_it(client_for, fisheries_user):
    dead = _running(f"{socket.gethostname()} {_dead_pid()}")
    html = client_for(fisheries_user).get(f"/nhap-du-lieu/{dead.pk}/").content.decode()
    assert 'data-testid="import-failure"' in html and 'data-testid="import-running"' not in html


def test_a_reused_pid_is_not_taken_for_the_importing_process(db):
    # This process's pid, but another start time: the process that imported has gone.
    record = _running(f"{socket.gethostname()} {os.getpid()} 00000000-1")
    assert fail_abandoned_imports() == 1
    record.refresh_from_db()
    assert record.status == "failed"


def test_an_import_from_another_host_is_failed_only_when_stale(db):
    recent = _running("may-chu-khac 4242 abc")
    old = _running("may-chu-khac 4243 abc")
    legacy = _running("")  # recorded before the process was kept
    RegistryImport.objects.filter(pk__in=[old.pk, legacy.pk]).update(
        started_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1))
    assert fail_abandoned_imports() == 2
    assert dict(RegistryImport.objects.values_list("pk", "status")) == {
        recent.pk: "running", old.pk: "failed", legacy.pk: "failed"}


def test_finished_imports_are_not_touched(db):
    done = RegistryImport.objects.create(file_name="a.csv", sha256="1" * 64, status="done", message="xong",
                                         process=f"{socket.gethostname()} {_dead_pid()}")
    assert fail_abandoned_imports() == 0
    done.refresh_from_db()
    assert (done.status, done.message) == ("done", "xong")


# --- a real process killed mid-write -----------------------------------------------------------------
# The child imports a file on its own SQLite database and is SIGKILLed inside the write transaction
# (write_rows is wrapped to say "writing" and wait). A second process then runs the check the pages run.
CHILD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
import django
django.setup()
from lienthong.fleet.importer import run
real = run.write_rows
def slow(record, user, rows):
    counts = real(record, user, rows)  # the rows are written, the transaction not yet committed
    print("writing", flush=True)
    time.sleep(120)
    return counts
run.write_rows = slow
run.import_registry(sys.argv[1], file_name="so-dang-ky.csv")
"""

CHECK = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
import django
django.setup()
from lienthong.fleet.importer.abandoned import fail_abandoned_imports
print(fail_abandoned_imports())
"""


@pytest.fixture
def own_database(tmp_path):
    """The child's database: a SQLite file, or a throw-away PostgreSQL database when the suite runs on one."""
    env = {**os.environ, "LIENTHONG_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        conn = lambda: sqlite3.connect(tmp_path / "lienthong.sqlite3")  # noqa: E731
        yield env, conn
        return
    import psycopg

    parts = urlsplit(url)
    name = f"lienthong_import_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    yield env, lambda: psycopg.connect(env["DATABASE_URL"])
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_import_killed_mid_write_is_failed_by_the_next_check(tmp_path, own_database):
    env, connect = own_database
    subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "migrate", "-v0"], env=env, check=True,
                   capture_output=True, timeout=300)
    source = tmp_path / "so-dang-ky.csv"
    source.write_bytes(csv_bytes([vessel_row(n) for n in range(1, 21)]))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(source)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "writing", child.stderr.read()
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    db = connect()
    try:
        assert db.execute("SELECT status FROM fleet_registryimport").fetchall() == [("running",)]
        assert db.execute("SELECT COUNT(*) FROM fleet_vessel").fetchone() == (0,)  # rolled back whole
        db.commit()
        out = subprocess.run([sys.executable, "-c", CHECK], env=env, check=True, capture_output=True, text=True,
                             timeout=120)
        assert out.stdout.strip() == "1"
        status, message = db.execute("SELECT status, message FROM fleet_registryimport").fetchone()
    finally:
        db.close()
    assert status == "failed" and "bị dừng giữa chừng" in message

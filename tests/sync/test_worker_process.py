"""A real worker process killed mid-run (SIGKILL), and a new one finishing the run from the last
checkpoint: every vessel written exactly once. The same for a large registry import: killed mid-import, nothing
of it stored, failed by the next worker at its start. Runs on its own database (SQLite file or a throw-away
PostgreSQL database), since the worker is another process."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from fleet.fleet_files import csv_bytes, vessel_row

VESSELS, POPULATION = 300, 3000


class Db:
    def __init__(self, tmp_path):
        self.env = {**os.environ, "LIENTHONG_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
        self.drop = None
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            import psycopg

            parts = urlsplit(url)
            name = f"lienthong_worker_{uuid.uuid4().hex[:10]}"
            self.admin = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            self.url = urlunsplit(parts._replace(path=f"/{name}"))
            self.env["DATABASE_URL"] = self.url
            self.name = name
        else:
            self.env.pop("DATABASE_URL", None)
            self.path = tmp_path / "lienthong.sqlite3"

    def query(self, sql):
        if "DATABASE_URL" in self.env:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def close(self):
        if "DATABASE_URL" in self.env:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def own_db(tmp_path):
    db = Db(tmp_path)
    files = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "lienthong.cli", "demo-setup", "--vessels", str(VESSELS),
                    "--population", str(POPULATION), "--files-dir", str(files)],
                   env=db.env, check=True, capture_output=True, timeout=600)
    subprocess.run([sys.executable, "-m", "lienthong.cli", "population-import", str(files / "population.csv"), "--quiet"],
                   env=db.env, check=True, capture_output=True, timeout=600)
    plan = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lienthong.settings'); django.setup();"
            "from lienthong.accounts.models import User; from lienthong.sync import engine;"
            "print(engine.plan_run(User.objects.get(username='thuysan'), chunk_size=25).pk)")
    out = subprocess.run([sys.executable, "-c", plan], env=db.env, check=True, capture_output=True, text=True, timeout=120)
    db.run_id = int(out.stdout.strip())
    yield db
    db.close()


def _worker(db, tmp_path, name):
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen([sys.executable, "-m", "lienthong.sync.worker", "--lease", "3", "--poll", "0.2"],
                            env=db.env, stdout=log, stderr=subprocess.STDOUT)


def _progress(db):
    return db.query(f"SELECT processed, total, status, chunks_done FROM sync_syncrun WHERE id = {db.run_id}")[0]


def test_killed_worker_resumes_without_loss_or_double_processing(own_db, tmp_path):
    db = own_db
    first = _worker(db, tmp_path, "first")
    deadline = time.monotonic() + 180
    while True:
        processed, total, status, _ = _progress(db)
        if processed > 0:
            break
        assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "first.log").read_text()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # no clean-up at all: the lease is left behind
    first.wait()
    processed_at_kill, total, status, _ = _progress(db)
    assert 0 < processed_at_kill < total and status == "running"
    second = _worker(db, tmp_path, "second")
    try:
        deadline = time.monotonic() + 300
        while _progress(db)[2] != "done":
            assert second.poll() is None and time.monotonic() < deadline, (tmp_path / "second.log").read_text()
            time.sleep(0.2)
    finally:
        second.terminate()
        second.wait(20)
    processed, total, status, chunks = _progress(db)
    items = db.query(f"SELECT state, chunk FROM sync_syncitem WHERE run_id = {db.run_id}")
    assert total == len(items) and total > 0
    assert processed == total  # a chunk committed twice would count its vessels twice
    assert all(state == "done" and chunk is not None for state, chunk in items)
    assert sorted({chunk for _, chunk in items}) == list(range(1, chunks + 1))
    counts = db.query(f"SELECT counts FROM sync_syncrun WHERE id = {db.run_id}")[0][0]
    import json
    counts = counts if isinstance(counts, dict) else json.loads(counts)
    assert sum(counts.values()) == total
    # The second worker took over from a lease that had expired, not from a clean hand-over.
    assert "sẵn sàng" in (tmp_path / "second.log").read_text()


# --- a large registry import, the other kind of job --------------------------------------------------------------
QUEUE = ("import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lienthong.settings'); django.setup();"
         "from django.core.files.uploadedfile import SimpleUploadedFile;"
         "from lienthong.accounts.models import User; from lienthong.fleet.importer.jobs import queue_import;"
         "user = User.objects.get_or_create(username='thuysan', defaults={'role': 'fisheries'})[0];"
         "data = open(sys.argv[1], 'rb').read();"
         "print(queue_import(SimpleUploadedFile('lon.csv', data), file_name='lon.csv', user=user).pk)")


def _queue(db, tmp_path, rows: int) -> int:
    path = tmp_path / f"lon-{rows}.csv"
    path.write_bytes(csv_bytes([vessel_row(n) for n in range(1, rows + 1)]))
    out = subprocess.run([sys.executable, "-c", QUEUE, str(path)], env=db.env, check=True, capture_output=True,
                         text=True, timeout=120)
    return int(out.stdout.strip())


def _import(db, pk):
    return db.query(f"SELECT status, rows_read, rows_in_sheet, rows_created, stored_file, message "
                    f"FROM fleet_registryimport WHERE id = {pk}")[0]


@pytest.mark.real_clock
def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_worker_fails_it_then_imports(tmp_path):
    db = Db(tmp_path)
    try:
        subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "migrate", "-v", "0"], env=db.env, check=True,
                       capture_output=True, timeout=600)
        big = _queue(db, tmp_path, 8_000)
        first = _worker(db, tmp_path, "import-first")
        deadline = time.monotonic() + 120
        while _import(db, big)[1] == 0:  # rows being read: the import is under way
            assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "import-first.log").read_text()
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        status, read, in_sheet, _, stored, _ = _import(db, big)
        assert status == "running" and 0 < read <= in_sheet == 8_000 and stored
        assert db.query("SELECT COUNT(*) FROM fleet_vessel")[0][0] == 0
        small = _queue(db, tmp_path, 40)
        subprocess.run([sys.executable, "-m", "lienthong.sync.worker", "--once"], env=db.env, check=True,
                       capture_output=True, timeout=300)
        status, _, _, created, stored, message = _import(db, big)
        assert status == "failed" and "dừng giữa chừng" in message and created == 0 and stored == ""
        assert not any((tmp_path / "imports").iterdir())  # both kept files gone: one failed, one imported
        assert _import(db, small)[:5] == ("done", 40, 40, 40, "")
        assert db.query("SELECT COUNT(*) FROM fleet_vessel")[0][0] == 40
    finally:
        db.close()

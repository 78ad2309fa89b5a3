"""`lienthong serve` supervises its job worker: the real worker process of a real `lienthong serve` is
killed (SIGKILL) mid-run, a new worker is started, takes the run over once the dead one's lease has
expired, and finishes it — every vessel written exactly once."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .test_worker_process import _progress, own_db  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _job_workers(serve_pid: int) -> list[int]:
    """The job worker processes under `lienthong serve` (not the supervisor, not the web workers)."""
    found = []
    for pid in _descendants(serve_pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"lienthong.sync.worker" in argv and b"--supervise" not in argv:
            found.append(pid)
    return found


def _wait(predicate, timeout, what, log):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"{what}\n{log.read_text()[-4000:]}"
        time.sleep(0.1)
    return value


def test_serve_restarts_a_killed_job_worker_which_finishes_the_run(own_db, tmp_path):
    db = own_db
    log = tmp_path / "serve.log"
    env = {**db.env, "LIENTHONG_SYNC_LEASE": "3", "LIENTHONG_WORKERS": "1"}
    with open(log, "w") as out:
        serve = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "serve", "--port", str(_free_port())],
                                 env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        first = _wait(lambda: _job_workers(serve.pid), 120, "no job worker started", log)
        assert len(first) == 1
        _wait(lambda: _progress(db)[0] > 0, 240, "the worker made no progress", log)
        os.kill(first[0], signal.SIGKILL)  # no clean-up at all: the lease is left behind
        processed_at_kill, total, status, _ = _progress(db)
        assert 0 < processed_at_kill < total and status == "running"
        second = _wait(lambda: [p for p in _job_workers(serve.pid) if p != first[0]], 60,
                       "the killed job worker was not replaced", log)
        assert len(second) == 1
        _wait(lambda: _progress(db)[2] == "done", 300, "the new worker did not finish the run", log)
        assert serve.poll() is None  # the web server went on serving throughout
    finally:
        serve.terminate()
        serve.wait(30)
    processed, total, status, chunks = _progress(db)
    items = db.query(f"SELECT state, chunk FROM sync_syncitem WHERE run_id = {db.run_id}")
    assert processed == total == len(items) > 0  # a chunk committed twice would count its vessels twice
    assert all(state == "done" and chunk is not None for state, chunk in items)
    assert sorted({chunk for _, chunk in items}) == list(range(1, chunks + 1))
    counts = db.query(f"SELECT counts FROM sync_syncrun WHERE id = {db.run_id}")[0][0]
    counts = counts if isinstance(counts, dict) else json.loads(counts)
    assert sum(counts.values()) == total
    assert "restarting" in log.read_text()  # the death is logged
    # serve stopped: no job worker left behind
    time.sleep(0.5)
    assert not [p for p in second if Path(f"/proc/{p}").exists() and "Z" not in
                Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]]


def test_the_supervisor_restarts_with_backoff_and_gives_up_after_quick_deaths(tmp_path, caplog):
    """A worker that cannot start (here: an argument it refuses) dies at once, again and again: the
    supervisor waits longer each time, then gives up with an error instead of looping forever."""
    from lienthong.sync import worker

    assert [worker.restart_delay(n) for n in range(5)] == [0.0, 1.0, 2.0, 4.0, 8.0]
    assert worker.restart_delay(20) == worker.BACKOFF_MAX
    stop = threading.Event()
    started = time.monotonic()
    with caplog.at_level("INFO", logger="lienthong.sync.worker"):
        code = worker.supervise(["--no-such-option"], quick_death=30, max_quick_deaths=3, stop=stop)
    assert code == 1
    assert time.monotonic() - started >= 1.0 + 2.0  # waited 1 s, then 2 s, between the three starts
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len([m for m in errors if "restarting" in m]) == 2
    assert "giving up" in errors[-1]

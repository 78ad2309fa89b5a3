"""`lienthong serve` as the browser tests and an operator use it: worker processes that answer, a URL on
the first line, and a stop (SIGTERM, Ctrl+C, even SIGKILL of the master) that leaves no worker behind."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def _workers(pid: int) -> list[int]:
    """The master's forked workers (same command line; not, say, a job-worker process it started)."""
    own = Path(f"/proc/{pid}/cmdline").read_bytes()
    children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [c for c in children if Path(f"/proc/{c}/cmdline").read_bytes() == own]


def _start(tmp_path, port, **popen):
    env = dict(os.environ, LIENTHONG_DATA_DIR=str(tmp_path), LIENTHONG_WORKERS="2", LIENTHONG_LOG_LEVEL="WARNING")
    env.pop("LIENTHONG_SERVER", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "lienthong.cli", "serve", "--port", str(port), "--threads", "3", "--no-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, **popen,
    )
    first_line = server.stdout.readline().strip()
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/vessels?q=kg")
            status = conn.getresponse().status
            conn.close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    deadline = time.monotonic() + 30
    while len(_workers(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    return server, first_line, status, _workers(server.pid)


def _wait_gone(pids, timeout=15.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def test_serve_prints_url_answers_from_workers_and_sigterm_stops_them_all(tmp_path):
    port = _free_port()
    server, first_line, status, workers = _start(tmp_path, port)
    try:
        assert first_line == f"lienthong: http://127.0.0.1:{port}/  (2 processes × 3 threads; Ctrl+C to stop)"
        assert status == 401  # the API answers (no token)
        assert len(workers) == 2
        server.terminate()
        assert server.wait(timeout=20) == 0
        assert _wait_gone(workers) == []
    finally:
        if server.poll() is None:
            server.kill()


def test_ctrl_c_stops_the_server_and_its_workers(tmp_path):
    port = _free_port()
    # Its own process group, as a terminal's foreground job: Ctrl+C sends SIGINT to the whole group.
    server, _line, _status, workers = _start(tmp_path, port, start_new_session=True)
    try:
        os.killpg(server.pid, signal.SIGINT)
        assert server.wait(timeout=20) == 0
        assert _wait_gone(workers) == []
    finally:
        if server.poll() is None:
            server.kill()


def test_workers_do_not_outlive_a_killed_master(tmp_path):
    port = _free_port()
    server, _line, _status, workers = _start(tmp_path, port)
    server.kill()  # SIGKILL: the master cannot stop anything itself
    server.wait(timeout=10)
    assert _wait_gone(workers) == []
    with pytest.raises(OSError):  # and nothing listens on the port any more
        socket.create_connection(("127.0.0.1", port), timeout=1).close()

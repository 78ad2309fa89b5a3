"""The sync worker: claims queued runs and processes them chunk by chunk.

Run it as its own process (`lienthong worker`, i.e. `lienthong.sync.worker.main(argv)`, or
`python -m lienthong.sync.worker`), or inside `lienthong serve` with `start_in_thread()`.
Several workers may run at once: the lease lets only one of them work on a run.
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
import time
import uuid

log = logging.getLogger("lienthong.sync.worker")


RETRY_NOTIFICATIONS_EVERY = 60.0  # seconds between retries of failed reminders while the worker is idle
_last_retry = [0.0]


def _retry_notifications() -> None:
    """Failed reminders are sent again now and then (the gateway may be back); a failure here never stops
    the worker."""
    if time.monotonic() - _last_retry[0] < RETRY_NOTIFICATIONS_EVERY:
        return
    _last_retry[0] = time.monotonic()
    try:
        from lienthong.sync.actions import retry_reminders

        retry_reminders()
    except Exception:  # noqa: BLE001 - logged; the sync runs matter more
        log.exception("retrying failed notifications")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def work(wid: str | None = None, *, lease_seconds: float | None = None, poll: float = 2.0, once: bool = False,
         stop: threading.Event | None = None) -> int:
    """Loop: claim a run, process it to the end (or pause), repeat. `once`: return when no run is
    waiting. Returns the number of runs touched."""
    from django.db import connection

    from lienthong.sync import engine

    wid = wid or worker_id()
    lease = lease_seconds or float(os.environ.get("LIENTHONG_SYNC_LEASE", engine.DEFAULT_LEASE))
    stop = stop or threading.Event()
    touched = 0
    while not stop.is_set():
        run = None
        try:
            run = engine.claim_run(wid, lease)
            if run is None:
                if once:
                    break
                _retry_notifications()
                if not connection.in_atomic_block:
                    connection.close()  # no idle connection held between polls
                stop.wait(poll)
                continue
            touched += 1
            engine.run_to_end(run, wid, lease_seconds=lease)
        except engine.LeaseLost as exc:
            log.warning("sync worker %s: %s", wid, exc)
        except Exception as exc:  # the run is marked failed with the reason; the worker goes on
            log.exception("sync worker %s: run failed", wid)
            if run is not None:
                engine.fail(run.pk, wid, f"{type(exc).__name__}: {exc}")
            if once:
                break
            stop.wait(poll)
    if not connection.in_atomic_block:  # (inside a test's transaction the connection is not ours to close)
        connection.close()
    return touched


def start_in_thread(poll: float = 2.0) -> tuple[threading.Thread, threading.Event]:
    """For `lienthong serve`: a daemon thread running the worker loop; set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=work, kwargs={"poll": poll, "stop": stop}, daemon=True, name="sync-worker")
    thread.start()
    return thread, stop


def spawn_process() -> "subprocess.Popen":
    """For `lienthong serve`: the worker as a child process beside the web server (a thread would not do:
    gunicorn forks its web workers, and forking a process that runs threads is unsafe). The child dies with
    its parent on Linux, so a killed server leaves no worker behind."""
    import subprocess

    from lienthong.server import _die_with_parent

    return subprocess.Popen(
        [sys.executable, "-m", "lienthong.sync.worker"],
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def stop_process(process: "subprocess.Popen", timeout: float = 10.0) -> None:
    import subprocess

    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
    except ChildProcessError:  # already reaped by gunicorn's arbiter, which waits for any child
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong worker",
                                     description="Chạy nền các đợt đối soát dân cư (tiếp tục từ điểm đã lưu).")
    parser.add_argument("--once", action="store_true", help="thoát khi không còn đợt nào chờ")
    parser.add_argument("--poll", type=float, default=2.0, help="giây giữa hai lần tìm việc")
    parser.add_argument("--lease", type=float, default=None, help="giây giữ quyền một đợt (mặc định 60)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    wid = worker_id()
    print(f"lienthong worker {wid}: sẵn sàng", flush=True)
    try:
        work(wid, lease_seconds=args.lease, poll=args.poll, once=args.once)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

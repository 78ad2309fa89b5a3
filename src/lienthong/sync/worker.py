"""The job worker: claims queued registry imports (fleet.importer.jobs), other apps' jobs (run_app_jobs: the
one-stop centre's OCR of scanned components) and sync runs, and processes them.

One worker for every background job: each kind keeps its job in its own record (a RegistryImport "queued", a
SyncRun with a lease), claimed by a conditional UPDATE so two workers never take the same one. Imports come
first: an officer is watching the import's page, and an import takes seconds where a sync run takes minutes.

Run it as its own process (`lienthong worker`, i.e. `lienthong.sync.worker.main(argv)`, or
`python -m lienthong.sync.worker`), or beside `lienthong serve` as its child process (`spawn_process()`).
Several workers may run at once: the lease lets only one of them work on a run.
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
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


def run_imports(limit: int | None = 1) -> int:
    """The worker's import step: run up to `limit` queued imports; returns how many were run."""
    from lienthong.fleet.importer.jobs import run_queued_imports

    return run_queued_imports(limit)


def run_app_jobs(limit: int | None = 1) -> int:
    """The other apps' background steps: each installed app whose AppConfig has `run_background_jobs(limit)` (the
    one-stop centre's OCR of scanned components) runs up to `limit` jobs; returns how many were run. Found through
    Django's app registry: those apps sit beside sync in the layers, and the worker imports none of them."""
    from django.apps import apps

    done = 0
    for config in apps.get_app_configs():
        step = getattr(config, "run_background_jobs", None)
        if step is not None:
            done += step(limit)
    return done


def fail_abandoned() -> None:
    """At the worker's start: an import its killed predecessor was running is marked failed (nothing of it was
    saved: its rows are written in one transaction)."""
    from django.db import DatabaseError

    from lienthong.fleet.importer.abandoned import fail_abandoned_imports

    try:
        fail_abandoned_imports()
    except DatabaseError:  # not migrated yet
        log.exception("marking abandoned imports failed")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


UNAVAILABLE_RETRIES = 8  # times in a row a run is given back for lack of the source before it is paused


def unavailable_delay(times: int) -> float:
    """Seconds before a run given back for lack of the source is taken up again: 1, 2, 4 … 60."""
    return min(60.0, 2.0 ** (times - 1))


def work(wid: str | None = None, *, lease_seconds: float | None = None, poll: float = 2.0, once: bool = False,
         stop: threading.Event | None = None) -> int:
    """Loop: run the queued imports, claim a sync run, process it to the end (or pause), repeat. `once`: return
    when no job is waiting. Returns the number of jobs touched.

    The population service being unavailable (retries spent, circuit open) is not the run's failure: the
    run is given back with its checkpoint and taken up again after a growing wait (a fresh client, a
    closed circuit); only after UNAVAILABLE_RETRIES such returns without a chunk committed in between is it
    paused, with the reason, for the officer to resume later."""
    from django.db import connection

    from lienthong.population.source import PopulationUnavailable
    from lienthong.sync import engine

    wid = wid or worker_id()
    lease = lease_seconds or float(os.environ.get("LIENTHONG_SYNC_LEASE", engine.DEFAULT_LEASE))
    stop = stop or threading.Event()
    touched = 0
    unavailable: dict[int, tuple[int, int]] = {}  # run id → (times in a row, processed at the last time)
    while not stop.is_set():
        run = None
        try:
            if run_imports(1) or run_app_jobs(1):
                touched += 1
                continue
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
            unavailable.pop(run.pk, None)
        except engine.LeaseLost as exc:
            log.warning("sync worker %s: %s", wid, exc)
        except PopulationUnavailable as exc:
            run.refresh_from_db(fields=["processed"])
            times, at = unavailable.get(run.pk, (0, -1))
            times = 1 if run.processed != at else times + 1
            unavailable[run.pk] = (times, run.processed)
            detail = f"{type(exc).__name__}: {exc}"
            if times >= UNAVAILABLE_RETRIES:
                log.error("sync worker %s: run %d paused, the population service stayed unavailable: %s",
                          wid, run.pk, exc)
                engine.stop_unavailable(run.pk, wid, "Dịch vụ xác minh dân cư không trả lời sau nhiều lần thử; đợt đã "
                                        f"tạm dừng, bấm Tiếp tục khi dịch vụ hoạt động lại ({detail})")
                unavailable.pop(run.pk, None)
                continue
            delay = unavailable_delay(times)
            log.warning("sync worker %s: run %d given back at %d processed (%s); again in %.0f s",
                        wid, run.pk, run.processed, exc, delay)
            engine.release(run.pk, wid, "Dịch vụ xác minh dân cư tạm thời không trả lời; đợt sẽ tự chạy tiếp "
                                        f"từ phần đã lưu ({detail})")
            stop.wait(delay)
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


def spawn_process() -> subprocess.Popen:
    """For `lienthong serve`: the worker's supervisor as a child process beside the web server (a thread
    would not do: gunicorn forks its web workers, and forking a process that runs threads is unsafe). The
    supervisor runs the worker as its own child and restarts it when it dies (see `supervise`). Each dies
    with its parent on Linux, so a killed server leaves no worker behind."""
    from lienthong.processes import die_with_parent

    return subprocess.Popen(
        [sys.executable, "-m", "lienthong.sync.worker", "--supervise"],
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    )


# --- supervision -----------------------------------------------------------------------------------------
QUICK_DEATH = 30.0     # seconds: a worker that dies sooner than this after its start died "quickly"
MAX_QUICK_DEATHS = 5   # quick deaths in a row before the supervisor gives up
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0


def restart_delay(quick_deaths: int) -> float:
    """Seconds to wait before the next start: none after a worker that ran a while, then doubling."""
    return 0.0 if quick_deaths == 0 else min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (quick_deaths - 1))


def supervise(worker_args: list[str], *, quick_death: float = QUICK_DEATH,
              max_quick_deaths: int = MAX_QUICK_DEATHS, stop: threading.Event | None = None) -> int:
    """Run `lienthong worker` as a child and start a new one whenever it dies; give up (exit status 1,
    logged as an error) after `max_quick_deaths` deaths in a row each within `quick_death` seconds of
    its start: a worker that cannot even start will not be helped by more restarts. SIGTERM/SIGINT stop
    the child and return 0. A run the dead worker held is taken over by the new one once its lease has
    expired (engine.claim_run), from the last committed chunk.

    Hand-written rather than systemd/supervisord: `lienthong serve` must stay one command on a
    commune's Windows or Linux machine; this is a loop of a dozen lines."""
    import signal

    from lienthong.processes import die_with_parent

    stop = stop or threading.Event()
    child: list[subprocess.Popen | None] = [None]

    def _stop(signum, frame):
        stop.set()
        if child[0] is not None and child[0].poll() is None:
            child[0].terminate()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    quick = 0
    while not stop.is_set():
        started = time.monotonic()
        child[0] = proc = subprocess.Popen(
            [sys.executable, "-m", "lienthong.sync.worker", *worker_args],
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None)
        log.info("job worker started (pid %d)", proc.pid)
        code = proc.wait()
        if stop.is_set():
            break
        lived = time.monotonic() - started
        quick = quick + 1 if lived < quick_death else 0
        if quick >= max_quick_deaths:
            log.error("job worker died %d times in a row within %.0f s of starting (last exit status %s): "
                      "giving up; sync runs will not progress until `lienthong serve` is restarted",
                      quick, quick_death, code)
            return 1
        delay = restart_delay(quick)
        log.error("job worker (pid %d) died with exit status %s after %.1f s; restarting in %.1f s",
                  proc.pid, code, lived, delay)
        stop.wait(delay)
    proc = child[0]
    if proc is not None and proc.poll() is None:
        stop_process(proc)
    return 0


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
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
                                     description="Chạy nền các việc: nhập tệp sổ đăng ký lớn, các đợt đối soát dân cư (tiếp tục từ điểm đã lưu).")
    parser.add_argument("--once", action="store_true", help="thoát khi không còn việc nào chờ")
    parser.add_argument("--poll", type=float, default=2.0, help="giây giữa hai lần tìm việc")
    parser.add_argument("--lease", type=float, default=None, help="giây giữ quyền một đợt (mặc định 60)")
    parser.add_argument("--supervise", action="store_true",
                        help="chạy tiến trình nền như một tiến trình con và khởi động lại khi nó chết")
    args = parser.parse_args(argv)
    if args.supervise:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        rest = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--supervise"]
        return supervise(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    wid = worker_id()
    fail_abandoned()
    print(f"lienthong worker {wid}: sẵn sàng", flush=True)
    try:
        work(wid, lease_seconds=args.lease, poll=args.poll, once=args.once)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

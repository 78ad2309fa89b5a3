"""The production web server behind `lienthong serve`.

On Linux and macOS: gunicorn, a pre-forking server with `workers` processes of `threads` threads each
(gthread workers, so browsers and API clients keep their connections alive). Request handling is Python
and holds the GIL, so one process uses one core at most; several processes use them all. Each process (and
each thread) opens its own database connections after the fork; SQLite in WAL mode lets the processes read
side by side while one writes.

Where gunicorn cannot run (Windows: no fork), or with LIENTHONG_SERVER=waitress, waitress serves with
threads in one process, as before.

Stopping: Ctrl+C or SIGTERM to the `lienthong serve` process stops the workers (after in-flight requests,
at most GRACEFUL_TIMEOUT seconds) and returns. A worker whose master is killed outright (SIGKILL) dies with
it instead of lingering on the port.
"""
from __future__ import annotations

import os
import sys

from lienthong.processes import die_with_parent

__all__ = ["serve", "default_workers", "threads_per_process", "GRACEFUL_TIMEOUT"]

GRACEFUL_TIMEOUT = 10  # seconds a stopping worker may spend finishing its requests
# Threads per process. 24, not 8, since the hall's displays hold server-sent-event streams (hall.feed): each
# open stream occupies one gthread thread for up to 90 s, and a process serves at most half its threads as streams
# (hall.feed.max_streams), so 24 threads keep 12 streams and 12 threads for pages and the API per process: two
# processes hold 24 displays (a busy hall has about 10). A waiting stream costs no CPU (it sleeps on a
# threading.Condition, off the GIL) and gives its database connection back. Measured on one process
# (perf/hall-display/streams.py, 2 shared cores, SQLite): 8 threads with 8 displays asking → 4 streams, the other 4
# told to retry, pages still 2 ms; 32 threads with 16 streams → every display had the call within 105 ms, pages 4 ms
# (median), worker RSS 147.5 MB against 141.9 MB with 4 streams; 64 threads with 32 streams → 170 ms, pages 7 ms,
# 151.2 MB: about 0.25 MB per held stream. Threads are started as connections come, and each keeps a database
# connection up to CONN_MAX_AGE: PostgreSQL needs max_connections above workers × threads (48 by default).
DEFAULT_THREADS = 24
_threads: int | None = None  # set by serve() before the workers fork: they inherit it


def threads_per_process() -> int:
    """The threads each server process has (hall.feed caps its event streams at half of them)."""
    return _threads or max(1, int(os.environ.get("LIENTHONG_THREADS", DEFAULT_THREADS)))


def default_workers() -> int:
    """LIENTHONG_WORKERS, else one process per usable core (the request path is CPU-bound: the queries are
    a few milliseconds of index lookups, the rest is Python), at least 2 so one slow request never stalls all."""
    env = os.environ.get("LIENTHONG_WORKERS", "").strip()
    if env:
        return max(1, int(env))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(2, cores)


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _gunicorn_available() -> bool:
    # LIENTHONG_SERVER=waitress: one process, e.g. to compare, or under a debugger.
    if sys.platform == "win32" or os.environ.get("LIENTHONG_SERVER", "").lower() == "waitress":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def _no_server_banner() -> None:
    """gunicorn writes "Server: gunicorn" into every response and has no setting to leave it out; the name
    tells a scanner which server's flaws to try. Its response's fixed header lines lose that one here
    (tests/cli/test_serve_headers.py fails when a gunicorn version changes how they are made)."""
    from gunicorn.http import wsgi

    made = wsgi.Response.default_headers
    if getattr(made, "lienthong_no_banner", False):
        return

    def default_headers(self):
        return [line for line in made(self) if not line.lower().startswith("server:")]

    default_headers.lienthong_no_banner = True
    wsgi.Response.default_headers = default_headers


def _serve_gunicorn(application, host: str, port: int, workers: int, threads: int) -> int:
    from gunicorn.app.base import BaseApplication

    _no_server_banner()

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def post_fork(server, worker):
        die_with_parent()
        master = worker.ppid
        if os.getppid() != master:  # the master died between fork and prctl
            os._exit(0)

    def pre_fork(server, worker):
        # Connections opened in the master (start-up checks) must not be shared with forked workers.
        from django.db import connections

        connections.close_all()

    options = {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": 5,  # seconds an idle kept-alive connection stays open
        "accesslog": None,
        "errorlog": "-",
        "loglevel": os.environ.get("LIENTHONG_LOG_LEVEL", "warning").lower(),
        "proc_name": "lienthong",
        "pre_fork": pre_fork,
        "post_fork": post_fork,
        "control_socket_disable": True,
    }

    class Server(BaseApplication):
        def load_config(self):
            known = self.cfg.settings
            for key, value in options.items():
                if key in known:  # options a given gunicorn version lacks are skipped
                    self.cfg.set(key, value)

        def load(self):
            return application

    master = os.getpid()
    try:
        Server().run()
    except SystemExit as stop:  # gunicorn's master ends with sys.exit, also on a clean stop; so do workers
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if os.getpid() != master:
            # A worker, forked inside run(): it must not unwind into the caller's clean-up, which is the
            # master's (e.g. `lienthong serve` stopping its job-worker process).
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    return 0


def _serve_waitress(application, host: str, port: int, threads: int) -> int:
    from waitress import serve as waitress_serve

    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="")  # "": no Server header
    except KeyboardInterrupt:
        pass
    return 0


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None, threads: int | None = None) -> int:
    """Serve the Django app until Ctrl+C or SIGTERM; returns the exit status. Django must be set up.
    `workers` processes (default: `default_workers()`) of `threads` threads each (default DEFAULT_THREADS); waitress, the
    fallback, runs one process with `threads` threads."""
    global _threads
    from lienthong.wsgi import application

    threads = _threads = max(1, threads or int(os.environ.get("LIENTHONG_THREADS", DEFAULT_THREADS)))
    if _gunicorn_available():
        workers = max(1, workers or default_workers())
        print(f"lienthong: {_url(host, port)}  ({workers} processes × {threads} threads; Ctrl+C to stop)", flush=True)
        return _serve_gunicorn(application, host, port, workers, threads)
    print(f"lienthong: {_url(host, port)}  (Ctrl+C to stop)", flush=True)
    return _serve_waitress(application, host, port, threads)

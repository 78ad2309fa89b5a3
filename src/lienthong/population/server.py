"""Reference population verification service: `lienthong population-serve`.

Implements docs/population-api.md over an extract (POP.csv) so that the HTTP client is tested
against a real server over loopback. Threaded WSGI (waitress), bearer-token auth, a token-bucket
rate limit (429 + Retry-After), and optional injected faults: slow answers, 5xx, and dropped
connections (the socket is shut down before any byte of the answer is written).

No Django: the extract is read into a SQLite file of the server's own (population.store), built
at start (or reused when the extract's sha256 is unchanged). The log carries method, path,
status, timing and request id — never a number, a name or a date.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from lienthong.adapters.jsonserver import (
    Dropped,
    RateLimiter,
    Reply,
    check_bearer,
    client_disconnected,
    drop_connection,
    read_json,
    respond,
    serve_until_stopped,
    waitress_server,
)
from lienthong.population.csvfile import ExtractError
from lienthong.population.source import MAX_BATCH, InvalidRequest, PopulationSource, as_query
from lienthong.population.store import ExtractStore

__all__ = ["Faults", "RateLimiter", "PopulationApp", "make_server", "main"]

log = logging.getLogger("lienthong.population.server")

MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class Faults:
    """Probabilities per request (after auth and the rate limit) of each injected fault."""

    slow: float = 0.0
    slow_seconds: float = 2.0
    error_5xx: float = 0.0
    drop: float = 0.0
    seed: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.slow or self.error_5xx or self.drop)


class PopulationApp:
    """The WSGI application. `source` answers the questions (an ExtractStore in production)."""

    def __init__(self, source: PopulationSource, token: str, rate: float | None = None,
                 burst: float | None = None, faults: Faults = Faults(), people: int | None = None):
        self.source = source
        self._token = token.encode()
        self.limiter = RateLimiter(rate, burst) if rate else None
        self.faults = faults
        self.people = people
        self._rng = random.Random(faults.seed)
        self._rng_lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._routes: dict[str, Callable[[dict], tuple[Callable[[], dict], int]]] = {
            "/v1/verify": self._verify, "/v1/search": self._search, "/v1/verify-batch": self._verify_batch,
        }

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

    # -- handlers (body → (answer, cost)) ---------------------------------------------------------
    def _verify(self, body: dict) -> tuple[Callable[[], dict], int]:
        _only(body, {"cccd", "full_name", "birth_date"})
        return lambda: self.source.verify(_str(body, "cccd", required=True), _str(body, "full_name"),
                                          _str(body, "birth_date")).to_json(), 1

    def _search(self, body: dict) -> tuple[Callable[[], dict], int]:
        _only(body, {"full_name", "birth_date", "birth_year", "commune_code", "limit"})
        limit = body.get("limit", 10)
        call = lambda: {"results": [p.to_json() for p in self.source.search(  # noqa: E731
            _str(body, "full_name", required=True), _str(body, "birth_date"), body.get("birth_year"),
            _str(body, "commune_code"), limit)]}
        return call, 1

    def _verify_batch(self, body: dict) -> tuple[Callable[[], dict], int]:
        _only(body, {"items"})
        items = body.get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            raise InvalidRequest("invalid_batch", f"items must be a list of 1 to {MAX_BATCH} questions")
        queries = []
        for item in items:
            if not isinstance(item, dict):
                raise InvalidRequest("invalid_batch", "each item must be an object")
            _only(item, {"cccd", "full_name", "birth_date"})
            queries.append(as_query({"cccd": _str(item, "cccd", required=True),
                                     "full_name": _str(item, "full_name"), "birth_date": _str(item, "birth_date")}))
        return lambda: {"results": [r.to_json() for r in self.source.verify_many(queries)]}, len(queries)

    # -- WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = (environ.get("HTTP_X_REQUEST_ID") or "")[:64] or uuid.uuid4().hex
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        status, headers = 200, [("X-Request-Id", request_id)]
        try:
            payload = self._handle(environ, method, path)
        except Dropped:
            log.info("%s %s dropped (injected) %.1f ms id=%s", method, path, (time.perf_counter() - started) * 1e3, request_id)
            raise client_disconnected() from None
        except Reply as r:
            status, payload = r.status, {"error": {"code": r.code, "message": r.message}}
            headers += r.headers
        except InvalidRequest as exc:
            status, payload = 400, {"error": {"code": exc.code, "message": exc.message}}
        except Exception:  # never echo the question back: it is personal data
            log.exception("%s %s failed id=%s", method, path, request_id)
            status, payload = 500, {"error": {"code": "internal", "message": "internal error"}}
        self._count(str(status))
        body = respond(start_response, status, payload, headers, realm="population")
        log.info("%s %s %d %.1f ms id=%s", method, path, status, (time.perf_counter() - started) * 1e3, request_id)
        return body

    def _handle(self, environ, method: str, path: str) -> dict:
        if path == "/v1/health":
            return {"status": "ok", "people": self.people}
        if path == "/v1/stats":
            self._auth(environ)
            with self._stats_lock:
                return {"responses": dict(self.stats)}
        route = self._routes.get(path)
        if route is None:
            raise Reply(404, "not_found", "no such endpoint")
        if method != "POST":
            raise Reply(405, "method_not_allowed", "use POST", [("Allow", "POST")])
        self._auth(environ)
        body = read_json(environ, MAX_BODY, InvalidRequest)
        call, cost = route(body)
        if self.limiter is not None:
            wait = self.limiter.take(cost)
            if wait > 0:
                self._count("rate_limited")
                raise Reply(429, "rate_limited", f"rate limit {self.limiter.rate:g}/s exceeded",
                             [("Retry-After", str(max(1, math.ceil(wait)))), ("X-Retry-After-Ms", str(math.ceil(wait * 1000)))])
        if self.faults.any:
            with self._rng_lock:
                drop, err, slow = self._rng.random(), self._rng.random(), self._rng.random()
            if drop < self.faults.drop:
                self._count("fault_drop")
                drop_connection(environ)
            if err < self.faults.error_5xx:
                self._count("fault_5xx")
                raise Reply(503, "unavailable", "service temporarily unavailable (injected fault)")
            if slow < self.faults.slow:
                self._count("fault_slow")
                time.sleep(self.faults.slow_seconds)
        return call()

    def _auth(self, environ) -> None:
        check_bearer(environ, self._token)


def _only(body: dict, allowed: set[str]) -> None:
    extra = sorted(set(body) - allowed)
    if extra:
        raise InvalidRequest("invalid_request", f"unknown field(s): {', '.join(extra)}")


def _str(body: dict, key: str, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise InvalidRequest("invalid_request", f"{key} is required")
        return None
    if not isinstance(value, str):
        raise InvalidRequest("invalid_request", f"{key} must be a string")
    return value


def make_server(app: PopulationApp, host: str = "127.0.0.1", port: int = 8780, threads: int = 8):
    """A waitress server (not started): `.run()` serves, `.close()` stops, `.effective_port`."""
    return waitress_server(app, host=host, port=port, threads=threads, ident="lienthong-population", connection_limit=200)


def main(argv: list[str] | None = None) -> int:
    """`lienthong population-serve [--extract] POP.csv [--port 8780] --token T [--rate 50] [faults…]`."""
    parser = argparse.ArgumentParser(prog="lienthong population-serve",
                                     description="Reference population verification service (docs/population-api.md).")
    parser.add_argument("extract_file", nargs="?", help="POP.csv (or --extract)")
    parser.add_argument("--extract", help="POP.csv")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8780, help="0 picks a free port (printed)")
    parser.add_argument("--token", default=os.environ.get("LIENTHONG_POPULATION_TOKEN"),
                        help="bearer token (or LIENTHONG_POPULATION_TOKEN)")
    parser.add_argument("--rate", type=float, default=50.0, help="lookups per second; 0 = unlimited")
    parser.add_argument("--burst", type=float, default=None, help="bucket size (default: one second's worth)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--store", default=None,
                        help="SQLite file for the indexes (reused while the extract is unchanged; default: a temp file)")
    parser.add_argument("--fault-slow", type=float, default=0.0, help="share of answers delayed")
    parser.add_argument("--fault-slow-seconds", type=float, default=2.0)
    parser.add_argument("--fault-5xx", type=float, default=0.0, help="share of answers replaced by 503")
    parser.add_argument("--fault-drop", type=float, default=0.0, help="share of connections dropped unanswered")
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault dice")
    parser.add_argument("--verbose", action="store_true", help="log each request (status, timing, request id)")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    args = parser.parse_args(argv)
    args.extract = args.extract or args.extract_file
    if not args.extract:
        parser.error("the extract file is required: population-serve POP.csv or --extract POP.csv")
    if not args.token:
        parser.error("--token is required (or LIENTHONG_POPULATION_TOKEN)")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)

    started = time.perf_counter()
    tmpdir = None
    store_path = args.store
    if store_path is None:
        tmpdir = tempfile.TemporaryDirectory(prefix="lienthong-population-")
        store_path = os.path.join(tmpdir.name, "extract.sqlite3")
    try:
        store, built = ExtractStore.open_or_build(
            args.extract, store_path,
            progress=lambda n: print(f"  {n:,} người …".replace(",", " "), flush=True))
    except ExtractError as exc:
        print(f"lienthong: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError:
        print(f"lienthong: không có tệp {args.extract}", file=sys.stderr)
        return 2
    faults = Faults(args.fault_slow, args.fault_slow_seconds, args.fault_5xx, args.fault_drop, args.seed)
    app = PopulationApp(store, args.token, rate=args.rate or None, burst=args.burst, faults=faults, people=store.rows)
    try:
        server = make_server(app, args.host, args.port, args.threads)
    except OSError as exc:
        print(f"lienthong: không mở được cổng {args.host}:{args.port} ({exc.strerror})", file=sys.stderr)
        if tmpdir is not None:
            tmpdir.cleanup()
        return 1
    print(f"{store.rows:,} người ({'dựng chỉ mục' if built else 'dùng lại chỉ mục'}) trong "
          f"{time.perf_counter() - started:.1f} s".replace(",", " "), flush=True)
    print(f"listening on http://{args.host}:{server.effective_port}", flush=True)
    # SIGTERM stops like Ctrl-C, so the temporary store is removed.
    serve_until_stopped(server, tmpdir.cleanup if tmpdir is not None else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

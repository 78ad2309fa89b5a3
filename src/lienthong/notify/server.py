"""Reference notification gateway: `lienthong notify-serve --token T`.

Implements docs/notify-api.md so that the HTTP client is tested against a real server over loopback, and
records what it received (in memory, `GET /v1/messages`, and optionally appended to a JSON-lines file).
Injected faults are real: a 503, a connection shut down before any byte of the answer (before or after the
message was taken — the second is the case idempotency keys exist for), and slow answers.

No Django. Logs carry method, path, status, timing and key — never a recipient or a text.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from lienthong.adapters.jsonserver import (
    Dropped,
    Reply,
    check_bearer,
    client_disconnected,
    drop_connection,
    read_json,
    respond,
    serve_until_stopped,
    waitress_server,
)
from lienthong.notify.message import Notification, NotifyRejected, validate

__all__ = ["Faults", "NotifyApp", "make_server", "main"]

log = logging.getLogger("lienthong.notify.server")

MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Faults:
    """Probabilities per message request (after auth) of each fault; `budget` caps how many requests may
    be hit (None: no cap), so a test can say "the first attempt fails"."""

    error_5xx: float = 0.0
    drop: float = 0.0          # connection shut down before the message is taken
    drop_after: float = 0.0    # message taken, then the connection shut down unanswered
    slow: float = 0.0
    slow_seconds: float = 2.0
    seed: int | None = None
    budget: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.error_5xx or self.drop or self.drop_after or self.slow)


class NotifyApp:
    """The WSGI application. `received` holds the messages taken, by key, in order."""

    def __init__(self, token: str, faults: Faults = Faults(), record_file: str | None = None):
        self._token = token.encode()
        self.faults = faults
        self.record_file = record_file
        self.received: dict[str, dict] = {}
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._rng = random.Random(faults.seed)
        self._faults_used = 0

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        status, key = 200, ""
        try:
            status, payload, key = self._handle(environ, method, path)
        except Dropped:
            log.info("%s %s dropped (injected) key=%s", method, path, key)
            raise client_disconnected() from None
        except Reply as r:
            status, payload = r.status, {"error": {"code": r.code, "message": r.message}}
        except NotifyRejected as exc:
            status, payload = 400, {"error": {"code": exc.code, "message": exc.message}}
        except Exception:  # never echo the message back
            log.exception("%s %s failed", method, path)
            status, payload = 500, {"error": {"code": "internal", "message": "internal error"}}
        with self._lock:
            self.stats[str(status)] += 1
        body = respond(start_response, status, payload, [], realm="notify")
        log.info("%s %s %d %.1f ms key=%s", method, path, status, (time.perf_counter() - started) * 1e3, key)
        return body

    def _handle(self, environ, method: str, path: str) -> tuple[int, dict, str]:
        if path == "/v1/health":
            return 200, {"status": "ok"}, ""
        if path != "/v1/messages":
            raise Reply(404, "not_found", "no such endpoint")
        self._auth(environ)
        if method == "GET":
            with self._lock:
                return 200, {"messages": list(self.received.values())}, ""
        if method != "POST":
            raise Reply(405, "method_not_allowed", "use POST or GET")
        n = validate(Notification.from_json(read_json(environ, MAX_BODY, NotifyRejected)))
        header_key = environ.get("HTTP_IDEMPOTENCY_KEY")
        if header_key and header_key != n.key:
            raise NotifyRejected("key_mismatch", "Idempotency-Key header and body key differ")
        drop, err, drop_after, slow = self._dice()
        if drop:
            self._count("fault_drop")
            drop_connection(environ)
        if err:
            self._count("fault_5xx")
            raise Reply(503, "unavailable", "gateway temporarily unavailable (injected fault)")
        if slow:
            self._count("fault_slow")
            time.sleep(self.faults.slow_seconds)
        record, duplicate = self._take(n)
        if drop_after:
            self._count("fault_drop_after")
            drop_connection(environ)
        return 202, {"id": record["id"], "status": "accepted", "duplicate": duplicate}, n.key

    def _dice(self) -> tuple[bool, bool, bool, bool]:
        f = self.faults
        if not f.any:
            return False, False, False, False
        with self._lock:
            if f.budget is not None and self._faults_used >= f.budget:
                return False, False, False, False
            rolls = [self._rng.random() < p for p in (f.drop, f.error_5xx, f.drop_after, f.slow)]
            if any(rolls):
                self._faults_used += 1
            return tuple(rolls)  # type: ignore[return-value]

    def _take(self, n: Notification) -> tuple[dict, bool]:
        with self._lock:
            if n.key in self.received:
                self.stats["duplicates"] += 1
                return self.received[n.key], True
            record = {"id": uuid.uuid4().hex, "received_at": datetime.now(UTC).isoformat(), **n.to_json()}
            self.received[n.key] = record
            if self.record_file:
                with open(self.record_file, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            return record, False

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def _auth(self, environ) -> None:
        check_bearer(environ, self._token)


def make_server(app: NotifyApp, host: str = "127.0.0.1", port: int = 8790, threads: int = 4):
    """A waitress server (not started): `.run()` serves, `.close()` stops, `.effective_port`."""
    return waitress_server(app, host=host, port=port, threads=threads, ident="lienthong-notify")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong notify-serve",
                                     description="Reference notification gateway (docs/notify-api.md).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790, help="0 picks a free port (printed)")
    parser.add_argument("--token", default=os.environ.get("LIENTHONG_NOTIFY_TOKEN"),
                        help="bearer token (or LIENTHONG_NOTIFY_TOKEN)")
    parser.add_argument("--record", default=None, help="append each message received to this JSON-lines file")
    parser.add_argument("--fault-5xx", type=float, default=0.0, help="share of requests answered 503")
    parser.add_argument("--fault-drop", type=float, default=0.0, help="share of connections dropped unanswered")
    parser.add_argument("--fault-drop-after", type=float, default=0.0,
                        help="share of messages taken, then the connection dropped unanswered")
    parser.add_argument("--fault-slow", type=float, default=0.0, help="share of answers delayed")
    parser.add_argument("--fault-slow-seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault dice")
    parser.add_argument("--verbose", action="store_true")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv[1:] if argv[:1] == ["--"] else argv)
    if not args.token:
        parser.error("--token is required (or LIENTHONG_NOTIFY_TOKEN)")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)
    faults = Faults(args.fault_5xx, args.fault_drop, args.fault_drop_after, args.fault_slow, args.fault_slow_seconds,
                    args.seed)
    try:
        server = make_server(NotifyApp(args.token, faults, args.record), args.host, args.port)
    except OSError as exc:
        print(f"lienthong: không mở được cổng {args.host}:{args.port} ({exc.strerror})", file=sys.stderr)
        return 1
    print(f"listening on http://{args.host}:{server.effective_port}", flush=True)
    serve_until_stopped(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Reference national portal: `lienthong portal-serve --token T`.

Implements docs/portal-api.md (the wire format of `nationalportal.wire`) so that the adapter is tested against a
real server over loopback: bearer-token auth, a token-bucket rate limit (429 + Retry-After), dossiers kept in
memory, and an endpoint that tells what state it holds of each dossier (for reconciliation).

Injected faults are real, set at start (flags) or while it runs (`POST /control/faults`): a 503; the connection
shut down before the push is applied, or after (the answer is lost: what idempotency is for); slow answers (the
client times out while the push is applied); the push applied twice (an integration platform that replays);
the answer written twice on the connection.

It counts what would be lost or duplicated: every step it is sent is checked against the steps it holds (by
the dossier's seq); a step seen again is counted (`duplicate_steps`) and, unless `--keep-duplicates` (a naive
portal that appends whatever it is sent), not stored again.

No Django. Logs carry method, path, status, timing and the dossier code — never an applicant.
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from lienthong.adapters.jsonserver import (
    REASONS,
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
from lienthong.nationalportal import wire
from lienthong.nationalportal.wire import DossierRecord, PortalRejected, PortalState, Step

__all__ = ["Faults", "PortalApp", "make_server", "main"]

log = logging.getLogger("lienthong.nationalportal.server")

MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class Faults:
    """Probabilities per push (create, update, progress; after auth and the rate limit) of each fault; `budget`
    caps how many pushes may be hit (None: no cap), so a test can say "the first attempt fails"."""

    error_5xx: float = 0.0
    drop: float = 0.0          # connection shut down before the push is applied
    drop_after: float = 0.0    # push applied, then the connection shut down unanswered
    slow: float = 0.0          # push applied after slow_seconds (the client has usually given up)
    slow_seconds: float = 2.0
    apply_twice: float = 0.0   # push applied twice (a replaying integration platform)
    reply_twice: float = 0.0   # the answer written twice on the connection
    seed: int | None = None
    budget: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.error_5xx or self.drop or self.drop_after or self.slow or self.apply_twice or self.reply_twice)

    @classmethod
    def from_json(cls, d: dict) -> Faults:
        names = {f.name for f in fields(cls)}
        extra = sorted(set(d) - names)
        if extra:
            raise PortalRejected(wire.INVALID, f"unknown fault(s): {', '.join(extra)}")
        for k, v in d.items():
            if v is not None and (not isinstance(v, int | float) or isinstance(v, bool) or v < 0):
                raise PortalRejected(wire.INVALID, f"{k} must be a number ≥ 0")
        return cls(**d)


@dataclass
class Held:
    """A dossier as the portal holds it."""

    record: DossierRecord
    state: int
    steps: list[Step]
    created_at: datetime
    updated_at: datetime
    updates: int = 0

    @property
    def last_seq(self) -> int:
        return max((s.seq for s in self.steps), default=0)

    def status(self) -> PortalState:
        return PortalState(self.record.code, self.state, self.last_seq, self.updated_at, frozenset(s.seq for s in self.steps))


class PortalApp:
    """The WSGI application. `dossiers` holds what was pushed, by code; `stats` counts answers, faults, creates,
    updates, steps taken and duplicate steps. `now` is the clock (a test may pin it)."""

    def __init__(self, token: str, faults: Faults = Faults(), *, rate: float | None = None, burst: float | None = None,
                 keep_duplicates: bool = False, now=None):
        self._token = token.encode()
        self.limiter = RateLimiter(rate, burst) if rate else None
        self.keep_duplicates = keep_duplicates
        self.now = now or (lambda: datetime.now(wire.VN))
        self.dossiers: dict[str, Held] = {}
        self.stats: Counter[str] = Counter()
        self._lock = threading.RLock()
        self.set_faults(faults)

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)
            self._faults_used = 0

    # -- WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        status, headers, code, twice = 200, [], "", False
        try:
            status, payload, code, twice = self._handle(environ, method, path)
        except Dropped:
            log.info("%s %s dropped (injected) code=%s", method, path, code)
            raise client_disconnected() from None
        except Reply as r:
            status, payload, headers = r.status, wire.reply(r.code, r.message), r.headers
        except PortalRejected as exc:
            status, payload = 400, wire.reply(exc.code, exc.message)
        except Exception:  # never echo the payload back
            log.exception("%s %s failed", method, path)
            status, payload = 500, wire.reply(wire.INTERNAL, "internal error")
        self._count(str(status))
        body = respond(start_response, status, payload, headers, realm="portal")
        log.info("%s %s %d %.1f ms code=%s", method, path, status, (time.perf_counter() - started) * 1e3, code)
        if twice:
            return self._twice(environ, status, body[0])
        return body

    def _twice(self, environ, status: int, data: bytes):
        """Yield the answer, then write a second, complete copy of it on the connection (straight into
        waitress's channel: past Content-Length waitress itself would cut it off). A client that reuses the
        connection must not take the copy for the answer to its next request."""
        yield data
        channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
        if channel is not None:
            head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/json; charset=utf-8\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n").encode()
            channel.write_soon(head + data)

    def _handle(self, environ, method: str, path: str) -> tuple[int, dict, str, bool]:
        if path == wire.PATH_HEALTH:
            return 200, wire.reply(wire.OK, "ok"), "", False
        routes = {wire.PATH_CREATE: self._create, wire.PATH_UPDATE: self._update, wire.PATH_PROGRESS: self._progress,
                  wire.PATH_STATUS: self._status, wire.PATH_CONTROL_FAULTS: self._control_faults,
                  wire.PATH_CONTROL_STATS: self._control_stats}
        route = routes.get(path)
        if route is None:
            raise Reply(404, wire.NOT_FOUND, "no such endpoint")
        self._auth(environ)
        if path == wire.PATH_CONTROL_STATS:
            return 200, self._control_stats({}), "", False
        if method != "POST":
            raise Reply(405, wire.INVALID, "use POST", [("Allow", "POST")])
        body = read_json(environ, MAX_BODY, PortalRejected)
        if path in (wire.PATH_CONTROL_FAULTS, wire.PATH_STATUS):
            return 200, route(body), "", False
        if self.limiter is not None:
            wait = self.limiter.take(1)
            if wait > 0:
                self._count("rate_limited")
                raise Reply(429, wire.RATE_LIMITED, f"rate limit {self.limiter.rate:g}/s exceeded",
                            [("Retry-After", str(max(1, math.ceil(wait)))), ("X-Retry-After-Ms", str(math.ceil(wait * 1000)))])
        code = body.get("code") if isinstance(body.get("code"), str) else ""
        drop, err, drop_after, slow, apply_twice, reply_twice = self._dice()
        if drop:
            self._count("fault_drop")
            drop_connection(environ)
        if err:
            self._count("fault_5xx")
            raise Reply(503, wire.UNAVAILABLE, "portal temporarily unavailable (injected fault)")
        if slow:
            self._count("fault_slow")
            time.sleep(self.faults.slow_seconds)
        payload = route(body)
        if apply_twice:
            self._count("fault_apply_twice")
            route(body)  # the replay's answer goes nowhere; the first one is the client's
        if drop_after:
            self._count("fault_drop_after")
            drop_connection(environ)
        if reply_twice:
            self._count("fault_reply_twice")
        return 200, payload, code, reply_twice

    def _dice(self) -> tuple[bool, ...]:
        f = self.faults
        with self._lock:
            if not f.any or (f.budget is not None and self._faults_used >= f.budget):
                return (False,) * 6
            rolls = tuple(self._rng.random() < p for p in (f.drop, f.error_5xx, f.drop_after, f.slow, f.apply_twice,
                                                             f.reply_twice))
            if any(rolls):
                self._faults_used += 1
            return rolls

    # -- the portal's calls ----------------------------------------------------------------------
    def _create(self, body: dict) -> dict:
        record = DossierRecord.from_wire(body)
        with self._lock:
            if record.code in self.dossiers:
                self.stats["already_exists"] += 1
                return wire.reply(wire.ALREADY_EXISTS, f"dossier {record.code} already exists")
            now = self.now()
            self.dossiers[record.code] = Held(record, record.state, [], now, now)
            self.stats["creates"] += 1
        return wire.reply(wire.OK, "created")

    def _update(self, body: dict) -> dict:
        record = DossierRecord.from_wire(body)
        with self._lock:
            held = self.dossiers.get(record.code)
            if held is None:
                return wire.reply(wire.NOT_FOUND, f"dossier {record.code} not found")
            held.record, held.state, held.updated_at = record, record.state, self.now()
            held.updates += 1
            self.stats["updates"] += 1
        return wire.reply(wire.OK, "updated")

    def _progress(self, body: dict) -> dict:
        code, steps = wire.parse_progress(body)
        with self._lock:
            held = self.dossiers.get(code)
            if held is None:
                return wire.reply(wire.NOT_FOUND, f"dossier {code} not found")
            have = {s.seq for s in held.steps}
            accepted = duplicates = 0
            for step in steps:
                if step.seq in have:
                    duplicates += 1
                    self.stats["duplicate_steps"] += 1
                    if not self.keep_duplicates:
                        continue
                held.steps.append(step)
                have.add(step.seq)
                accepted += 1
                self.stats["steps"] += 1
            newest = max(held.steps, key=lambda s: s.seq)
            held.state, held.updated_at = newest.state, self.now()
        return wire.reply(wire.OK, "progress recorded", accepted=accepted, duplicates=duplicates)

    def _status(self, body: dict) -> dict:
        codes = wire.parse_status_request(body)
        with self._lock:
            items = [self.dossiers[c].status().to_wire() for c in codes if c in self.dossiers]
        return wire.reply(wire.OK, "ok", items=items)

    def _control_faults(self, body: dict) -> dict:
        faults = Faults.from_json(body)
        self.set_faults(faults)
        log.warning("faults set: %s", asdict(faults))
        return wire.reply(wire.OK, "faults set", faults=asdict(faults))

    def _control_stats(self, body: dict) -> dict:
        with self._lock:
            return wire.reply(wire.OK, "ok", stats=dict(self.stats), dossiers=len(self.dossiers),
                              faults=asdict(self.faults))

    # -- what a test asks ------------------------------------------------------------------------
    def steps_of(self, code: str) -> list[int]:
        """The seqs the portal holds for a dossier, in the order it took them (a duplicate shows twice)."""
        with self._lock:
            held = self.dossiers.get(code)
            return [s.seq for s in held.steps] if held else []

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def _auth(self, environ) -> None:
        check_bearer(environ, self._token, wire.UNAUTHORIZED)


def make_server(app: PortalApp, host: str = "127.0.0.1", port: int = 8791, threads: int = 4):
    """A waitress server (not started): `.run()` serves, `.close()` stops, `.effective_port`."""
    return waitress_server(app, host=host, port=port, threads=threads, ident="lienthong-portal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong portal-serve",
                                     description="Reference national public-service portal (docs/portal-api.md).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8791, help="0 picks a free port (printed)")
    parser.add_argument("--token", default=os.environ.get("LIENTHONG_PORTAL_TOKEN"),
                        help="bearer token (or LIENTHONG_PORTAL_TOKEN)")
    parser.add_argument("--rate", type=float, default=20.0, help="pushes per second; 0 = unlimited")
    parser.add_argument("--burst", type=float, default=None, help="bucket size (default: one second's worth)")
    parser.add_argument("--keep-duplicates", action="store_true",
                        help="store a step sent again (a naive portal; it is counted either way)")
    parser.add_argument("--fault-5xx", type=float, default=0.0, help="share of pushes answered 503")
    parser.add_argument("--fault-drop", type=float, default=0.0, help="share of connections dropped before the push is applied")
    parser.add_argument("--fault-drop-after", type=float, default=0.0, help="share of pushes applied, then dropped unanswered")
    parser.add_argument("--fault-slow", type=float, default=0.0, help="share of answers delayed")
    parser.add_argument("--fault-slow-seconds", type=float, default=2.0)
    parser.add_argument("--fault-apply-twice", type=float, default=0.0, help="share of pushes applied twice")
    parser.add_argument("--fault-reply-twice", type=float, default=0.0, help="share of answers written twice")
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault dice")
    parser.add_argument("--verbose", action="store_true")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv[1:] if argv[:1] == ["--"] else argv)
    if not args.token:
        parser.error("--token is required (or LIENTHONG_PORTAL_TOKEN)")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)
    faults = Faults(error_5xx=args.fault_5xx, drop=args.fault_drop, drop_after=args.fault_drop_after, slow=args.fault_slow,
                    slow_seconds=args.fault_slow_seconds, apply_twice=args.fault_apply_twice,
                    reply_twice=args.fault_reply_twice, seed=args.seed)
    app = PortalApp(args.token, faults, rate=args.rate or None, burst=args.burst, keep_duplicates=args.keep_duplicates)
    try:
        server = make_server(app, args.host, args.port)
    except OSError as exc:
        print(f"lienthong: không mở được cổng {args.host}:{args.port} ({exc.strerror})", file=sys.stderr)
        return 1
    print(f"listening on http://{args.host}:{server.effective_port}", flush=True)
    serve_until_stopped(
        server, lambda: print(json.dumps({"stats": dict(app.stats), "dossiers": len(app.dossiers)}), flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())


"""The reference servers' JSON plumbing (population-serve, notify-serve): one error shape, a body limit,
a server-side rate limit, and a real dropped connection for fault injection. All serve with waitress."""
from __future__ import annotations

import hmac
import json
import signal
import socket
import threading
import time

__all__ = ["Dropped", "REASONS", "RateLimiter", "Reply", "client_disconnected", "drop_connection", "read_json", "respond"]

REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           405: "Method Not Allowed", 413: "Payload Too Large", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


class Reply(Exception):
    """Answer at once with this status and `{"error": {"code", "message"}}`."""

    def __init__(self, status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None):
        self.status, self.code, self.message, self.headers = status, code, message, headers or []


class Dropped(Exception):
    """The connection was shut down on purpose (an injected fault): nothing is to be answered."""


def client_disconnected() -> Exception:
    from waitress.channel import ClientDisconnected  # waitress logs it at info level and closes the channel

    return ClientDisconnected()


def drop_connection(environ) -> None:
    """Really drop the connection: shut the socket down (the client sees EOF, no response). waitress does not
    hand the socket to the application; its channel is reachable through the `waitress.client_disconnected`
    callable it puts in the environ (a bound method)."""
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    sock = getattr(channel, "socket", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise Dropped()


def read_json(environ, max_body: int, invalid: type[Exception]) -> dict:
    """The request's JSON object; 413 over `max_body` bytes; `invalid("invalid_json", …)` if not an object."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_body:
        raise Reply(413, "too_large", f"body larger than {max_body} bytes")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise invalid("invalid_json", "body must be a JSON object") from None
    if not isinstance(body, dict):
        raise invalid("invalid_json", "body must be a JSON object")
    return body


def respond(start_response, status: int, payload: dict, headers: list[tuple[str, str]], realm: str) -> list[bytes]:
    """Write the JSON answer (a 401 names the bearer realm)."""
    data = json.dumps(payload, ensure_ascii=False).encode()
    headers = [*headers, ("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))]
    if status == 401:
        headers.append(("WWW-Authenticate", f'Bearer realm="{realm}"'))
    start_response(f"{status} {REASONS.get(status, 'Error')}", headers)
    return [data]


class RateLimiter:
    """Server-side token bucket: `rate` tokens per second, `burst` at most in the bucket.

    A request passes when the bucket holds at least one token and takes its cost, which may leave
    the bucket in debt (population's verify-batch costs one token per item, more than a small burst): the
    next request then waits until the debt is paid. The client's bucket follows the same rule,
    so a client paced at the limit is never refused. Hand-written (a dozen lines) rather than a
    dependency: it must be exactly the definition the contract documents, Retry-After included."""

    def __init__(self, rate: float, burst: float | None = None):
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate))
        self._tokens = self.burst
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self, cost: float = 1.0) -> float:
        """0.0 when allowed (tokens taken), else the seconds to wait before retrying."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= cost
                return 0.0
            return (1.0 - self._tokens) / self.rate


def serve_until_stopped(server, on_exit=None) -> None:
    """Run a reference server (waitress) until Ctrl-C or SIGTERM, then close it and call on_exit (its summary,
    a temporary store's removal) — the same way for every `lienthong *-serve` command."""
    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if on_exit is not None:
            on_exit()


def check_bearer(environ, token: bytes, code: str = "unauthorized") -> None:
    """Refuse (401, `code`) a request without the reference server's bearer token; compared in constant time."""
    scheme, _, given = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token):
        raise Reply(401, code, "missing or wrong bearer token")


def waitress_server(app, *, host: str, port: int, threads: int, ident: str, **options):
    """A reference server on waitress (not started): `.run()` serves, `.close()` stops, `.effective_port`."""
    from waitress import create_server

    return create_server(app, host=host, port=port, threads=threads, ident=ident, channel_timeout=30, **options)

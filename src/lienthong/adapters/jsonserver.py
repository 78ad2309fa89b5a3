"""The reference servers' JSON plumbing (population-serve, notify-serve): one error shape, a body limit,
and a real dropped connection for fault injection. Both serve with waitress."""
from __future__ import annotations

import json
import socket

__all__ = ["Dropped", "REASONS", "Reply", "client_disconnected", "drop_connection", "read_json", "respond"]

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

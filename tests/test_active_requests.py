"""The limit on views running at once in one server process (lienthong.active_requests): the views beyond it wait
their turn, and a response's body — an event stream's generator — is sent outside the slots."""
from __future__ import annotations

import threading
import time

from lienthong.active_requests import ActiveRequests, active_limit


def test_no_more_views_run_at_once_than_the_slots():
    running, most, lock = [0], [0], threading.Lock()

    def view(environ, start_response):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        start_response("200 OK", [])
        return [b"ok"]

    app = ActiveRequests(view, limit=2)
    bodies = []
    threads = [threading.Thread(target=lambda: bodies.append(b"".join(app({}, lambda *a: None)))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bodies == [b"ok"] * 6 and most[0] == 2


def test_a_stream_s_body_does_not_hold_a_slot():
    release = threading.Event()

    def stream(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/event-stream")])

        def events():
            release.wait(5)  # a display waiting for the next call
            yield b"data: A001\n\n"
        return events()

    app = ActiveRequests(stream, limit=1)
    body = app({}, lambda *a: None)  # the view has returned: its slot is free again
    assert app({}, lambda *a: None) is not None  # another request gets the only slot at once
    release.set()
    assert b"".join(body) == b"data: A001\n\n"


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LIENTHONG_ACTIVE_REQUESTS", "3")
    assert active_limit() == 3
    monkeypatch.setenv("LIENTHONG_ACTIVE_REQUESTS", "0")
    assert ActiveRequests(lambda e, s: [b""]).slots is None

"""At most a few requests of one server process run Python at the same time; the others wait their turn.

A process has DEFAULT_THREADS (24) threads because each hall display's event stream holds one for up to 90 s
(lienthong.server). When many of those threads run views at once they share one interpreter lock: a view that
waits on the database must win the lock back from the others after every query (up to the 5 ms switch interval
each time), so every request is slowed by all the others, and p95 grows with the thread count. Here a request
runs its view holding one of LIENTHONG_ACTIVE_REQUESTS slots (default 8) and gives it back when the view has
returned its response: a page's body is already made and is only sent; an event stream's generator runs after,
outside the slots, so a display waiting for a call never holds one. Requests beyond the slots wait in order,
as they would in the listen queue of a server with fewer threads.

Written here, not taken from gunicorn or Django: neither limits the views running at once apart from the threads.
"""
from __future__ import annotations

import os
import threading

DEFAULT_ACTIVE = 8


def active_limit() -> int:
    """LIENTHONG_ACTIVE_REQUESTS: views one process runs at once (0: no limit, one per thread)."""
    return max(0, int(os.environ.get("LIENTHONG_ACTIVE_REQUESTS", DEFAULT_ACTIVE)))


class ActiveRequests:
    """A WSGI wrapper: `app` is called holding one of `limit` slots of this process."""

    def __init__(self, app, limit: int | None = None):
        self.app = app
        limit = active_limit() if limit is None else limit
        self.slots = threading.BoundedSemaphore(limit) if limit > 0 else None

    def __call__(self, environ, start_response):
        if self.slots is None:
            return self.app(environ, start_response)
        with self.slots:  # the view runs here; the body (a stream's generator too) is sent after
            return self.app(environ, start_response)

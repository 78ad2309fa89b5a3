"""The hall's push feed: one reader per server process turns new HallEvent rows into messages, and every display's
server-sent-event stream waits on it instead of asking the database itself.

Why a hub. A display holds its event stream open; if each stream polled the database every 200 ms, ten displays
would make fifty queries a second doing nothing. Here ONE daemon thread per process (started with the first
stream) asks the database for rows past the last id it saw, every POLL_SECONDS (an index range scan on the
primary key: `id > n`, usually empty), builds each event's message once (ticket, counter, service letter and the
waiting counts of the agency after it), keeps the last BUFFER of them in memory and wakes the waiting streams
(threading.Condition.notify_all). A stream does no database work while it waits; its catch-up (the events after
the browser's Last-Event-ID) is one query when it connects.

Commit order. On PostgreSQL ids are handed out at INSERT and rows become visible at COMMIT, so event 11 may be
seen before event 10 commits. The reader remembers the ids it skipped (a gap) and asks for them again with the
next ones for GAP_SECONDS (a rolled-back insert leaves a gap that is never filled). Messages carry a hub sequence
number (`seq`), so a stream follows the order the hub saw them in and misses no late event; the browser drops an
id it has already shown.

Bounded streams. Under gunicorn's gthread workers a stream holds one of the process's threads for its life. A
stream therefore ends after STREAM_SECONDS (the browser's EventSource reconnects at once with Last-Event-ID and
misses nothing), and a process serves at most `max_streams()` at a time (the rest are told to retry a few
seconds later); lienthong.server.DEFAULT_THREADS explains the thread count this needs, with measurements.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger("lienthong.hall.feed")

POLL_SECONDS = 0.2  # the reader's period: a call reaches a display within this plus the network
BUFFER = 1000  # messages kept in memory for streams that fell behind (a busy hall makes ~300 calls a morning)
GAP_SECONDS = 10.0  # how long a skipped id is asked for again (a transaction still committing)
BATCH = 200
IDLE_SECONDS = 300  # the reader stops when no stream has waited this long (the next stream starts it again)


@dataclass(frozen=True)
class Message:
    seq: int  # the hub's own order (see "Commit order")
    id: int  # HallEvent.id: the SSE id
    agency_id: int
    kind: str
    data: dict = field(hash=False, compare=False)


class Hub:
    """One per process. `fetch(after_id, gap_ids)` returns new messages' (id, agency_id, kind, data) tuples in id
    order; the default reads HallEvent (tests give their own)."""

    def __init__(self, fetch=None, poll_seconds: float = POLL_SECONDS):
        self._fetch = fetch or fetch_events
        self.poll_seconds = poll_seconds
        self._cond = threading.Condition()
        self._buffer: deque[Message] = deque(maxlen=BUFFER)
        self._seq = 0
        self._last_id: int | None = None  # None until the reader's first look at the table
        self._gaps: dict[int, float] = {}  # id → monotonic time it was first missed
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._streams = 0
        self._stopping = threading.Event()
        self.polls = 0  # for tests and the bench: how many times the reader asked

    # --- the reader ----------------------------------------------------------------------------------------
    def ensure_started(self) -> None:
        """Start the reader (once per process: a forked worker starts its own), having read the current last id
        first, so that a stream's catch-up query, made after this, overlaps what the reader will see."""
        with self._cond:
            if self._pid != os.getpid():  # forked after the parent started one: the thread did not come along
                self.__init__(self._fetch, self.poll_seconds)  # noqa: PLC2801
            if self._thread is not None and self._thread.is_alive():
                return
            # A (re)start reads from now: the streams that will wait catch up by id themselves.
            self._last_id, self._gaps = last_event_id(), {}
            self._thread = threading.Thread(target=self._run, name="hall-feed", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        from django.db import connection

        idle_since = time.monotonic()
        while not self._stopping.is_set():
            with self._cond:
                if self._streams:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > IDLE_SECONDS:  # no display for a while: stop asking
                    self._thread = None
                    break
            try:
                self.poll_once()
            except Exception as e:  # noqa: BLE001 - the database restarting must not end the feed
                if "locked" not in str(e):  # SQLite: a writer holds the table a moment; just ask again
                    log.exception("hall feed: reading events failed; trying again")
                    connection.close()
                    time.sleep(1.0)
            self._stopping.wait(self.poll_seconds)
        connection.close()

    def stop(self) -> None:
        """End the reader (tests; a server process just exits)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)

    def poll_once(self) -> int:
        """Read new rows once and wake the streams if any; returns how many messages were added."""
        with self._cond:
            after = self._last_id or 0
            now = time.monotonic()
            self._gaps = {i: t for i, t in self._gaps.items() if now - t < GAP_SECONDS}
            gaps = list(self._gaps)
        self.polls += 1
        rows = self._fetch(after, gaps)
        if not rows:
            return 0
        with self._cond:
            for event_id, agency_id, kind, data in rows:
                if event_id > (self._last_id or 0):
                    for missing in range((self._last_id or 0) + 1, event_id):
                        self._gaps.setdefault(missing, now)
                    self._last_id = event_id
                elif event_id in self._gaps:
                    del self._gaps[event_id]
                else:
                    continue  # already published
                self._seq += 1
                self._buffer.append(Message(self._seq, event_id, agency_id, kind, data))
            # Only the first poll's span can be huge (a table with history); gaps are about recent inserts.
            if len(self._gaps) > BATCH:
                self._gaps = dict(sorted(self._gaps.items())[-BATCH:])
            self._cond.notify_all()
        return len(rows)

    def publish(self, event_id: int, agency_id: int, kind: str, data: dict) -> None:
        """Add a message as if read (tests)."""
        with self._cond:
            self._seq += 1
            self._last_id = max(self._last_id or 0, event_id)
            self._buffer.append(Message(self._seq, event_id, agency_id, kind, data))
            self._cond.notify_all()

    # --- the streams -------------------------------------------------------------------------------------------
    @property
    def seq(self) -> int:
        with self._cond:
            return self._seq

    def wait(self, agency_id: int, after_seq: int, timeout: float) -> tuple[list[Message], int]:
        """The agency's messages after `after_seq`, waiting up to `timeout` seconds for one; and the new cursor.
        A stream that fell more than BUFFER messages behind gets what is left (its browser catches up by id
        when it reconnects)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if self._seq > after_seq:
                    out = [m for m in self._buffer if m.seq > after_seq and m.agency_id == agency_id]
                    after_seq = self._seq
                    if out:
                        return out, after_seq
                left = deadline - time.monotonic()
                if left <= 0:
                    return [], after_seq
                self._cond.wait(left)

    def enter(self, limit: int) -> bool:
        """Count a stream in; False when this process already serves `limit` streams."""
        with self._cond:
            if self._streams >= limit:
                return False
            self._streams += 1
            return True

    def leave(self) -> None:
        with self._cond:
            self._streams = max(0, self._streams - 1)

    @property
    def streams(self) -> int:
        return self._streams


# --- reading HallEvent -----------------------------------------------------------------------------------------
def last_event_id() -> int:
    from django.db.models import Max

    from .models import HallEvent

    return HallEvent.objects.aggregate(m=Max("id"))["m"] or 0


def fetch_events(after_id: int, gap_ids=(), *, agency_id: int | None = None, since=None,
                 limit: int = BATCH) -> list[tuple]:
    """(id, agency_id, kind, data) of the events after `after_id` (and those of `gap_ids`), in id order; `data` is
    the SSE message: {"id","kind","ticket","service","counter","text","at","audio","waiting"}."""
    from django.db.models import Q

    from .models import HallEvent

    where = Q(id__gt=after_id) | Q(id__in=list(gap_ids)) if gap_ids else Q(id__gt=after_id)
    qs = HallEvent.objects.filter(where)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    events = list(qs.select_related("ticket__service", "counter").order_by("-id" if since else "id")[:limit])
    if since is not None:  # the newest `limit` of them, oldest first
        events.reverse()
    waiting = {a: waiting_letters(a) for a in {e.agency_id for e in events}}
    return [(e.pk, e.agency_id, e.kind, message_data(e, waiting[e.agency_id])) for e in events]


def waiting_letters(agency_id: int) -> dict[str, int]:
    """How many wait now in each active service of the agency, by letter (0 included)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from .models import Service, Ticket
    from .services import local_day

    rows = (Service.objects.filter(agency_id=agency_id, active=True)
            .annotate(n=Count("tickets", filter=Q(tickets__state=Ticket.State.WAITING,
                                                 tickets__day=local_day(timezone.now()))))
            .values_list("letter", "n"))
    return dict(rows)


def message_data(event, waiting: dict[str, int]) -> dict:
    from django.urls import reverse
    from django.utils import timezone

    ticket, counter = event.ticket, event.counter
    audio = ""
    if event.kind in ("call", "recall") and event.text:
        audio = reverse("hall:display_audio", kwargs={"event_id": event.pk})
    return {
        "id": event.pk, "kind": event.kind,
        "ticket": ticket.code if ticket else "",
        "service": ticket.service.letter if ticket else "",
        "counter": counter.number if counter else None,
        "text": event.text,
        "at": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "audio": audio,
        "waiting": waiting,
    }


def max_streams(threads: int | None = None) -> int:
    """Streams one process may hold: half its threads (at least one), so that pages, the API and the phones'
    status requests always keep the other half (lienthong.server explains the figures)."""
    from lienthong import server

    return max(1, (threads or server.threads_per_process()) // 2)


HUB = Hub()

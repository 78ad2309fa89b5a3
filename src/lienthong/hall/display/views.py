"""The hall's TV: the tickets being called (big), the last calls of each counter, how many wait for each service,
the time. The page is drawn once; then its server-sent-event stream (hall.feed) brings every call within a second,
and the page says it (hall.speech). No login: the display's secret key is in the address."""
from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import feed, speech
from ..errors import HallError
from ..models import Counter, HallEvent, Service
from ..services import device_by_key

RECENT_PER_COUNTER = 3  # the last calls a counter's row shows
NOW_CALLING = 3  # the big calls at the top: the newest and the two before it
RETRY_MS = 1000  # the browser reconnects this long after a stream ends or breaks
BUSY_RETRY_MS = (4000, 9000)  # a process at its stream limit: retry later, spread so they do not come back at once
HEARTBEAT_SECONDS = 15  # a comment line: proxies keep the connection, and a gone client is noticed
CATCH_UP = 50  # events re-sent at most to a display that reconnects (its Last-Event-ID)
SPEAK_LATE_SECONDS = 60  # a missed call older than this is shown, not said again


def stream_seconds() -> float:
    """How long one stream lasts before the browser reconnects (LIENTHONG's setting HALL_STREAM_SECONDS, 90 s):
    short enough that a thread is never held for long, long enough that reconnects are rare (one request per
    display every 1.5 minutes)."""
    return float(getattr(settings, "HALL_STREAM_SECONDS", 90))


def _device(key: str):
    try:
        return device_by_key(key, "display")
    except HallError:
        raise Http404 from None


def board_state(agency) -> dict:
    """What the page shows when it opens: the latest calls, each counter's recent calls, the waiting counts."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    calls = list(HallEvent.objects.filter(agency=agency, kind__in=("call", "recall"), at__gte=today)
                 .select_related("ticket", "counter").order_by("-id")[:200])
    per_counter: dict[int, list[str]] = {}
    for e in calls:
        if e.counter_id and e.ticket_id:
            codes = per_counter.setdefault(e.counter.number, [])
            if e.ticket.code not in codes and len(codes) < RECENT_PER_COUNTER:
                codes.append(e.ticket.code)
    now_calling, seen = [], set()
    for e in calls:
        if e.ticket_id and e.ticket_id not in seen and e.counter_id:
            seen.add(e.ticket_id)
            now_calling.append({"ticket": e.ticket.code, "counter": e.counter.number})
            if len(now_calling) == NOW_CALLING:
                break
    waiting = feed.waiting_letters(agency.pk)
    services = [{"letter": s.letter, "name": s.name, "waiting": waiting.get(s.letter, 0)}
                for s in Service.objects.filter(agency=agency, active=True)]
    counters = [{"number": c.number, "recent": per_counter.get(c.number, [])}
                for c in Counter.objects.filter(agency=agency, active=True)]
    last = HallEvent.objects.filter(agency=agency).order_by("-id").values_list("id", flat=True).first() or 0
    return {"now_calling": now_calling, "counters": counters, "services": services, "last_id": last}


@require_GET
def display(request, key: str):
    device = _device(key)
    state = board_state(device.agency)
    return render(request, "hall/display/display.html", {
        "device": device, "agency": device.agency, **state,
        "voice": speech.voice_available(),
    })


# --- the event stream -------------------------------------------------------------------------------------------
def _sse(message_id: int, kind: str, data: dict) -> str:
    return f"id: {message_id}\nevent: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _resume_from(request) -> int | None:
    """The last event the display has: the browser's Last-Event-ID on a reconnect, else `?after=` (the id the page
    was drawn at, or the page's own record after it had to make a new EventSource)."""
    for value in (request.headers.get("Last-Event-ID"), request.GET.get("after")):
        if value and value.strip().isdigit():
            return int(value.strip())
    return None


def _release_db() -> None:
    """A stream waits without the database: give its connection back (PostgreSQL counts them)."""
    if not connection.in_atomic_block:
        connection.close()


def _stream(agency_id: int, after: int | None, lifetime: float):
    hub = feed.HUB
    if not hub.enter(feed.max_streams()):
        # At its limit this process answers at once and the browser comes back later (maybe to another process).
        yield f"retry: {random.randint(*BUSY_RETRY_MS)}\n: busy\n\n"
        return
    try:
        yield f"retry: {RETRY_MS}\n\n"
        hub.ensure_started()
        cursor = hub.seq  # taken before the catch-up query: what the hub adds after it is not missed
        sent: set[int] = set()
        if after is not None:
            recent = timezone.now() - timedelta(seconds=SPEAK_LATE_SECONDS)
            today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
            # Today's last CATCH_UP events after it (a display left on overnight does not replay yesterday).
            for event_id, _agency, kind, data in feed.fetch_events(after, agency_id=agency_id, since=today,
                                                                   limit=CATCH_UP):
                sent.add(event_id)
                yield _sse(event_id, kind, {**data, "speak": datetime.fromisoformat(data["at"]) >= recent})
        _release_db()
        deadline = time.monotonic() + lifetime
        while (left := deadline - time.monotonic()) > 0:
            messages, cursor = hub.wait(agency_id, cursor, min(HEARTBEAT_SECONDS, left))
            fresh = [m for m in messages if m.id not in sent]
            if not fresh:
                yield ": heartbeat\n\n"
                continue
            for m in fresh:
                sent.add(m.id)
                yield _sse(m.id, m.kind, {**m.data, "speak": True})
    finally:
        hub.leave()


@require_GET
def events(request, key: str):
    """Server-sent events: `id:` HallEvent.id, `event:` call|recall|queue, `data:` the message (hall.feed). A
    request that is not an EventSource's (no `Accept: text/event-stream`: a link checker, curl) gets the catch-up
    and the stream ends at once."""
    device = _device(key)
    live = "text/event-stream" in request.headers.get("Accept", "")
    response = StreamingHttpResponse(_stream(device.agency_id, _resume_from(request), stream_seconds() if live else 0),
                                     content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each message on at once
    return response


@require_GET
def audio(request, event_id: int):
    """The chime and the spoken call of an event, as WAV (rendered on the first request, then from the cache)."""
    event = get_object_or_404(HallEvent, pk=event_id, kind__in=("call", "recall"))
    response = FileResponse(open(speech.audio_path(event.text), "rb"), content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def chime(request):
    """The chime alone: the page plays it when the sound is turned on (and to learn whether it may play sound)."""
    response = HttpResponse(speech.wav_bytes(speech.chime()), content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400"
    return response

"""The hall display: the feed hub (one reader wakes every stream), the event stream's contract and catch-up by
Last-Event-ID, the spoken text and its WAV, the display page."""
from __future__ import annotations

import io
import threading
import time
import wave

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.hall import feed, speech
from lienthong.hall import services as hall
from lienthong.hall.display import views as display_views
from lienthong.hall.models import HallEvent


class QuietHub(feed.Hub):
    """The stream tests' hub: no reader thread left running after the test (the catch-up still reads the DB)."""

    def ensure_started(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _quiet_hub(monkeypatch):
    monkeypatch.setattr(feed, "HUB", QuietHub(fetch=lambda after, gaps: []))


# --- the hub, without a database -------------------------------------------------------------------------------
def test_the_hub_wakes_every_waiting_stream_at_once():
    hub = feed.Hub(fetch=lambda after, gaps: [])
    got, started = {}, threading.Barrier(4)

    def stream(name, agency):
        started.wait()
        t0 = time.monotonic()
        messages, cursor = hub.wait(agency, hub.seq, timeout=5)
        got[name] = ([m.id for m in messages], time.monotonic() - t0)

    threads = [threading.Thread(target=stream, args=(n, 1)) for n in ("tv1", "tv2", "tv3")]
    for t in threads:
        t.start()
    started.wait()
    time.sleep(0.1)
    hub.publish(7, 1, "call", {"ticket": "A001"})
    for t in threads:
        t.join(2)
    assert set(got) == {"tv1", "tv2", "tv3"}
    assert all(ids == [7] and waited < 1.0 for ids, waited in got.values())


def test_a_stream_gets_only_its_agencys_messages_and_times_out_quietly():
    hub = feed.Hub(fetch=lambda after, gaps: [])
    hub.publish(1, 2, "call", {})
    messages, cursor = hub.wait(1, 0, timeout=0.05)
    assert messages == [] and cursor == 1
    hub.publish(2, 1, "call", {})
    messages, cursor = hub.wait(1, cursor, timeout=0.05)
    assert [m.id for m in messages] == [2] and cursor == 2


def test_the_reader_asks_again_for_an_id_that_committed_late():
    """PostgreSQL: event 11 may become visible before event 10 commits; 10 must still reach the displays."""
    table = {11: (11, 1, "call", {})}
    asked = []

    def fetch(after, gaps):
        asked.append((after, sorted(gaps)))
        return [table[i] for i in sorted(table) if i > after or i in gaps]

    hub = feed.Hub(fetch=fetch)
    hub._last_id = 9
    assert hub.poll_once() == 1
    table[10] = (10, 1, "call", {})
    hub.poll_once()
    assert asked[-1] == (11, [10])
    messages, _ = hub.wait(1, 0, timeout=0)
    assert [m.id for m in messages] == [11, 10]  # in the order the hub saw them; the seq keeps a stream's place
    hub.poll_once()
    assert asked[-1] == (11, [])  # found: not asked for again
    assert [m.id for m in hub.wait(1, 0, timeout=0)[0]] == [11, 10]  # and not published twice


def test_the_reader_stops_when_no_display_listens_and_starts_again_from_now(monkeypatch):
    monkeypatch.setattr(feed, "IDLE_SECONDS", 0.2)
    newest = [5]
    monkeypatch.setattr(feed, "last_event_id", lambda: newest[0])
    hub = feed.Hub(fetch=lambda after, gaps: [], poll_seconds=0.02)
    try:
        hub.ensure_started()
        first = hub._thread
        time.sleep(0.5)
        assert not first.is_alive()  # nobody listened: it stopped asking
        newest[0] = 42  # calls made meanwhile are the streams' catch-up, not the reader's to replay
        assert hub.enter(4)
        hub.ensure_started()
        assert hub._thread is not first and hub._thread.is_alive() and hub._last_id == 42
        time.sleep(0.4)
        assert hub._thread.is_alive()  # a stream is waiting: it keeps reading
    finally:
        hub.stop()


def test_streams_per_process_are_capped():
    hub = feed.Hub(fetch=lambda after, gaps: [])
    assert hub.enter(2) and hub.enter(2) and not hub.enter(2)
    hub.leave()
    assert hub.enter(2)
    assert feed.max_streams(32) == 16 and feed.max_streams(1) == 1


# --- the reader on the real table ----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.real_clock
def test_the_reader_thread_turns_new_rows_into_messages(centre, services, counters, centre_officer,
                                                       empties_the_audit_log_after):
    from django.urls import reverse

    reverse("hall:display", kwargs={"key": "x"})  # the URLconf loaded first, as a served process has it
    hub = feed.Hub(poll_seconds=0.05)
    hub.ensure_started()
    try:
        _read_the_call(hub, centre, services, counters, centre_officer)
    finally:
        hub.stop()


def _read_the_call(hub, centre, services, counters, centre_officer):
    cursor = hub.seq
    a, _ = services
    hall.take_ticket(centre, a)
    hall.open_counter(centre_officer, counters[1], [a])
    called = hall.call_next(centre_officer)
    t0 = time.monotonic()  # committed
    seen = []
    while time.monotonic() - t0 < 5 and not any(m.kind == "call" for m in seen):
        messages, cursor = hub.wait(centre.pk, cursor, timeout=1)
        seen += messages
    call = next(m for m in seen if m.kind == "call")
    assert time.monotonic() - t0 < 1.0
    assert call.data["ticket"] == called.code and call.data["counter"] == 2 and call.data["service"] == "A"
    assert call.data["text"] == "Mời số A001 đến quầy số 2"
    assert call.data["audio"] == f"/sanh/man-hinh/am-thanh/{call.id}.wav"
    assert call.data["waiting"] == {"A": 0, "B": 0}
    polls = hub.polls
    time.sleep(0.5)
    assert 5 <= hub.polls - polls <= 12  # one reader at its own pace, however many streams wait


# --- the stream ---------------------------------------------------------------------------------------------------
def _read(response, n: int) -> str:
    chunks = []
    for chunk in response.streaming_content:
        chunks.append(chunk.decode())
        if len(chunks) >= n:
            break
    # Not response.close(): its request_finished signal would close the test's database connection.
    return "".join(chunks)


@pytest.fixture
def called_twice(centre, services, counters, centre_officer):
    a, _ = services
    for _i in range(3):
        hall.take_ticket(centre, a)
    hall.open_counter(centre_officer, counters[0], [a])
    first = hall.call_next(centre_officer)
    second = hall.call_next(centre_officer)
    return first, second


@pytest.mark.django_db
def test_the_stream_resumes_after_last_event_id(display, called_twice, settings):
    settings.HALL_STREAM_SECONDS = 0.2
    first, second = called_twice
    first_call = HallEvent.objects.get(ticket=first, kind="call")
    response = Client().get(f"/sanh/man-hinh/{display.key}/su-kien/", HTTP_ACCEPT="text/event-stream",
                            HTTP_LAST_EVENT_ID=str(first_call.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache, no-store"
    body = _read(response, 2)
    assert body.startswith("retry: 1000\n\n")
    second_call = HallEvent.objects.get(ticket=second, kind="call")
    assert f"id: {second_call.pk}\nevent: call\ndata: " in body
    assert first.code not in body.split("data: ", 1)[1]  # nothing before Last-Event-ID again
    assert '"ticket": "A002"' in body and '"speak": true' in body


@pytest.mark.django_db
def test_after_in_the_address_resumes_too_and_a_plain_get_ends_at_once(display, called_twice):
    first, _ = called_twice
    before = HallEvent.objects.filter(ticket=first, kind="call").get().pk - 1
    response = Client().get(f"/sanh/man-hinh/{display.key}/su-kien/?after={before}")  # no Accept: not a stream
    body = b"".join(response.streaming_content).decode()
    assert body.count("event: call") == 2 and "event: queue" not in body.split("event: call", 1)[0][20:]


@pytest.mark.django_db
def test_the_stream_sends_heartbeats_and_ends(display, settings, monkeypatch):
    settings.HALL_STREAM_SECONDS = 0.3
    monkeypatch.setattr(display_views, "HEARTBEAT_SECONDS", 0.1)
    t0 = time.monotonic()
    response = Client().get(f"/sanh/man-hinh/{display.key}/su-kien/", HTTP_ACCEPT="text/event-stream")
    body = b"".join(response.streaming_content).decode()
    assert 0.25 < time.monotonic() - t0 < 2
    assert body.count(": heartbeat\n\n") >= 2
    assert feed.HUB.streams == 0


@pytest.mark.django_db
def test_a_busy_process_tells_the_display_to_come_back_later(display, monkeypatch):
    monkeypatch.setattr(feed, "max_streams", lambda threads=None: 0)
    response = Client().get(f"/sanh/man-hinh/{display.key}/su-kien/", HTTP_ACCEPT="text/event-stream")
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200  # an error status would make EventSource give up for good
    retry = int(body.split("retry: ", 1)[1].split("\n", 1)[0])
    assert 4000 <= retry <= 9000 and "event:" not in body


@pytest.mark.django_db
def test_a_kiosk_key_or_an_unknown_key_opens_no_display(kiosk):
    assert Client().get(f"/sanh/man-hinh/{kiosk.key}/").status_code == 404
    assert Client().get("/sanh/man-hinh/khong-co/su-kien/").status_code == 404


# --- the page -----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_display_shows_the_calls_the_counters_and_the_waiting(display, called_twice):
    html = Client().get(f"/sanh/man-hinh/{display.key}/").content.decode()
    assert 'data-testid="hall-display"' in html
    calls = html.split('data-testid="display-calls"', 1)[1].split("</ol>", 1)[0]
    assert calls.index("A002") < calls.index("A001")  # the newest first, big
    assert "hd-call-main" in calls.split("A002", 1)[0]
    assert 'data-counter="1"' in html and 'data-letter="A"' in html
    assert f'data-last-id="{HallEvent.objects.order_by("-id").first().pk}"' in html
    assert "<script>" not in html and "style=" not in html  # CSP


# --- speech -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,said", [
    ("Mời số A023 đến quầy số 5", "Mời số a, không hai ba, đến quầy số năm."),
    ("Mời số B100 đến quầy số 15", "Mời số bê, một không không, đến quầy số mười lăm."),
    ("Mời số D007 đến quầy số 21", "Mời số dê, không không bảy, đến quầy số hai mươi mốt."),
    ("Mời số C010 đến quầy số 10", "Mời số xê, không một không, đến quầy số mười."),
])
def test_the_spoken_text(text, said):
    assert speech.spoken_text(text) == said


def test_cardinals():
    assert [speech.cardinal(n) for n in (0, 4, 10, 11, 15, 20, 24, 25, 31, 99, 120)] == [
        "không", "bốn", "mười", "mười một", "mười lăm", "hai mươi", "hai mươi tư", "hai mươi lăm", "ba mươi mốt",
        "chín mươi chín", "một hai không"]


def _wav(path):
    with wave.open(str(path), "rb") as w:
        return w.getframerate(), w.getnchannels(), w.getnframes()


@pytest.mark.skipif(not speech.voice_available(), reason="espeak-ng is not installed")
def test_the_call_is_rendered_once_with_the_chime_first(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    path = speech.audio_path("Mời số A023 đến quầy số 5")
    rate, channels, frames = _wav(path)
    assert (rate, channels) == (22050, 1)
    assert frames > len(speech.chime()) + rate * 1.0  # the chime and a second or more of speech
    mtime = path.stat().st_mtime_ns
    assert speech.audio_path("Mời số A023 đến quầy số 5") == path and path.stat().st_mtime_ns == mtime
    assert path.parent == tmp_path / "hall-audio"


def test_without_espeak_the_chime_alone_and_one_warning(settings, tmp_path, monkeypatch, caplog):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(speech, "ESPEAK", "espeak-ng-not-installed")
    monkeypatch.setattr(speech, "_warned", False)
    with caplog.at_level("WARNING", logger="lienthong.hall.speech"):
        one = speech.audio_path("Mời số A001 đến quầy số 1")
        speech.audio_path("Mời số A002 đến quầy số 1")
    assert _wav(one)[2] < len(speech.chime()) + 22050  # the chime and a short silence
    assert len([r for r in caplog.records if "espeak-ng" in r.getMessage()]) == 1


@pytest.mark.django_db
def test_the_audio_and_the_chime_are_served(display, called_twice, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    event = HallEvent.objects.filter(kind="call").first()
    response = Client().get(f"/sanh/man-hinh/am-thanh/{event.pk}.wav")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    data = b"".join(response.streaming_content)
    assert wave.open(io.BytesIO(data)).getframerate() == 22050
    chime = Client().get("/sanh/man-hinh/am-thanh/chuong.wav")
    assert chime.status_code == 200 and chime.content[:4] == b"RIFF"
    queue = HallEvent.objects.filter(kind="queue").first()
    assert Client().get(f"/sanh/man-hinh/am-thanh/{queue.pk}.wav").status_code == 404


def test_the_stream_lasts_a_bounded_time(settings):
    settings.HALL_STREAM_SECONDS = 90
    assert 60 <= display_views.stream_seconds() <= 120
    assert timezone.now()  # the pinned clock is on


@pytest.mark.django_db
def test_a_display_left_on_overnight_does_not_replay_yesterday(display, called_twice):
    from datetime import timedelta

    first, second = called_twice
    HallEvent.objects.filter(ticket=first).update(at=timezone.now() - timedelta(days=1))
    body = b"".join(Client().get(f"/sanh/man-hinh/{display.key}/su-kien/?after=0").streaming_content).decode()
    assert '"ticket": "A002"' in body and '"ticket": "A001"' not in body

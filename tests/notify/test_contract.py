"""The notification adapter contract (docs/notify-api.md), run against every implementation: the local
outbox (the default) and the HTTP client talking to the reference server over loopback. Then the HTTP
client against the reference server's real injected faults: 503s, dropped connections, slow answers."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from lienthong.notify.client import HttpNotifier
from lienthong.notify.message import Notification, NotifyAuthError, NotifyRejected, NotifyUnavailable
from lienthong.notify.server import Faults, NotifyApp, make_server

TOKEN = "thu-nghiem-thong-bao"
pytestmark = pytest.mark.django_db  # the outbox adapter stores in the database


class Gateway:
    """The reference server in a thread of this process, on a free loopback port."""

    def __init__(self, faults: Faults = Faults()):
        self.app = NotifyApp(TOKEN, faults)
        self.server = make_server(self.app, port=0)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def client(self, **kw) -> HttpNotifier:
        kw.setdefault("backoff_base", 0.01)
        kw.setdefault("seed", 1)
        return HttpNotifier(self.url, TOKEN, **kw)

    def close(self):
        self.server.close()
        self.thread.join(5)


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.close()


class Outbox:
    def received(self):
        from lienthong.notify.models import OutboxEntry

        return [{"key": e.key, "to": e.recipients, "subject": e.subject, "body": e.body, "ref": e.ref}
                for e in OutboxEntry.objects.order_by("id")]


@pytest.fixture(params=["outbox", "http", "file"])
def adapter(request, tmp_path):
    """(notifier, received()): the adapter under test and what its far end has taken."""
    if request.param == "outbox":
        from lienthong.notify.outbox import OutboxNotifier

        yield OutboxNotifier(), Outbox().received
    elif request.param == "file":
        from lienthong.notify.filebox import FileNotifier

        notifier = FileNotifier(tmp_path / "thong-bao" / "notifications.jsonl")
        yield notifier, lambda: [{k: m[k] for k in ("key", "to", "subject", "body", "ref")} for m in notifier.received()]
    else:
        g = Gateway()
        client = g.client()
        yield client, lambda: [{k: m[k] for k in ("key", "to", "subject", "body", "ref")}
                               for m in g.app.received.values()]
        client.close()
        g.close()


def _message(**kw) -> Notification:
    base = dict(key=uuid.uuid4().hex, to=("xa_phuquoc@angiang.gov.vn",), ref="worklist:7",
                subject="Nhắc hạn: danh sách tàu cá", body="Kính gửi UBND Đặc khu Phú Quốc,\ncòn 3 tàu chưa trả lời.")
    base.update(kw)
    return Notification(**base)


# --- the contract: every adapter ---------------------------------------------------------------------------
def test_a_message_is_delivered_as_sent(adapter):
    notifier, received = adapter
    n = _message(subject="Nhắc hạn: Hoa\u0300 Bi\u0300nh")  # NFD in, NFC out
    d = notifier.send(n)
    assert d.id and d.duplicate is False
    assert received() == [{"key": n.key, "to": list(n.to), "subject": "Nhắc hạn: Hoà Bình", "body": n.body,
                           "ref": "worklist:7"}]


def test_the_same_key_is_delivered_once(adapter):
    notifier, received = adapter
    n = _message()
    first, again = notifier.send(n), notifier.send(n)
    assert (again.id, again.duplicate) == (first.id, True)
    assert len(received()) == 1


@pytest.mark.parametrize("bad, code", [
    ({"to": ()}, "no_recipient"),
    ({"to": ("  ",)}, "no_recipient"),
    ({"subject": ""}, "invalid_subject"),
    ({"body": "x" * 8001}, "invalid_body"),
    ({"key": ""}, "invalid_key"),
    ({"to": tuple(f"u{i}" for i in range(51))}, "too_many_recipients"),
])
def test_a_malformed_message_is_refused_and_nothing_is_delivered(adapter, bad, code):
    notifier, received = adapter
    with pytest.raises(NotifyRejected) as exc:
        notifier.send(_message(**bad))
    assert exc.value.code == code
    assert received() == []


# --- the HTTP client against the reference server's faults ---------------------------------------------------
def test_the_server_itself_refuses_what_the_client_would(gateway):
    import httpx

    r = httpx.post(gateway.url + "/v1/messages", headers={"Authorization": f"Bearer {TOKEN}"},
                   json={"key": "k1", "to": [], "subject": "s", "body": "b"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "no_recipient"
    r = httpx.post(gateway.url + "/v1/messages", json=_message().to_json())
    assert r.status_code == 401
    assert gateway.app.received == {}


def test_a_wrong_token_is_an_auth_error_not_retried(gateway):
    client = HttpNotifier(gateway.url, "wrong", backoff_base=0.01)
    with pytest.raises(NotifyAuthError):
        client.send(_message())
    assert gateway.app.stats["401"] == 1


def test_503s_are_retried_until_delivered():
    g = Gateway(Faults(error_5xx=1.0, budget=2))
    try:
        d = g.client(retries=3).send(_message())
        assert d.duplicate is False
        assert (g.app.stats["fault_5xx"], g.app.stats["202"], len(g.app.received)) == (2, 1, 1)
    finally:
        g.close()


def test_a_connection_dropped_after_the_message_was_taken_is_retried_and_delivered_once():
    g = Gateway(Faults(drop_after=1.0, budget=1))
    try:
        d = g.client(retries=2).send(_message())
        assert d.duplicate is True  # the retry found the message already taken
        assert g.app.stats["fault_drop_after"] == 1 and len(g.app.received) == 1
    finally:
        g.close()


def test_a_connection_dropped_before_the_message_was_taken_is_retried():
    g = Gateway(Faults(drop=1.0, budget=1))
    try:
        d = g.client(retries=2).send(_message())
        assert d.duplicate is False and g.app.stats["fault_drop"] == 1 and len(g.app.received) == 1
    finally:
        g.close()


def test_a_slow_answer_times_out_and_the_retry_is_delivered_once():
    g = Gateway(Faults(slow=1.0, slow_seconds=0.6, budget=1))
    try:
        started = time.monotonic()
        d = g.client(timeout=0.2, retries=2).send(_message())
        assert time.monotonic() - started < 5
        time.sleep(0.7)  # the slow request finishes server-side and takes the message too
        assert g.app.stats["fault_slow"] == 1 and len(g.app.received) == 1
        assert d.id == next(iter(g.app.received.values()))["id"]
    finally:
        g.close()


def test_the_circuit_opens_after_repeated_failures_and_fails_fast():
    g = Gateway(Faults(error_5xx=1.0))
    try:
        client = g.client(retries=1, failure_threshold=3, reset_timeout=60)
        for _ in range(2):
            with pytest.raises(NotifyUnavailable):
                client.send(_message())
        hits = g.app.stats["fault_5xx"]
        assert hits == 3 and client.breaker.state == "open"
        started = time.monotonic()
        with pytest.raises(NotifyUnavailable, match="circuit open"):
            client.send(_message())
        assert time.monotonic() - started < 0.1 and g.app.stats["fault_5xx"] == hits  # nothing reached the server
    finally:
        g.close()


def test_the_circuit_closes_after_a_successful_probe():
    g = Gateway(Faults(error_5xx=1.0, budget=2))
    try:
        client = g.client(retries=0, failure_threshold=2, reset_timeout=0.2)
        for _ in range(2):
            with pytest.raises(NotifyUnavailable):
                client.send(_message())
        assert client.breaker.state == "open"
        time.sleep(0.25)
        client.send(_message())  # the probe goes through and succeeds
        assert client.breaker.state == "closed" and len(g.app.received) == 1
    finally:
        g.close()


def test_notify_serve_command_runs_and_records(tmp_path):
    """`lienthong notify-serve` as a real process: it answers, records to the file, and stops on SIGTERM."""
    import json
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    record = tmp_path / "received.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "notify-serve", "--port", str(port),
                             "--token", TOKEN, "--record", str(record)], stdout=subprocess.PIPE, text=True)
    try:
        assert "listening on" in proc.stdout.readline()
        client = HttpNotifier(f"http://127.0.0.1:{port}", TOKEN)
        n = _message()
        client.send(n)
        client.close()
        lines = [json.loads(line) for line in record.read_text("utf-8").splitlines()]
        assert [(m["key"], m["subject"]) for m in lines] == [(n.key, n.subject)]
    finally:
        proc.terminate()
        assert proc.wait(10) == 0

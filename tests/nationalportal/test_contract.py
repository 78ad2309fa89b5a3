"""The national portal adapter's contract (docs/portal-api.md; wire format: lienthong.nationalportal.wire), run
with the HTTP client against the reference portal on a real loopback port. Then the reference portal's real
injected faults: 503s, dropped connections before and after the push, slow answers, pushes applied twice,
answers written twice, the rate limit. Each fault test counts at the portal what was lost and what duplicated.

No Django: the package is framework-free."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import httpx
import pytest
from threaded_servers import stop_in_thread

from lienthong.nationalportal import wire
from lienthong.nationalportal.client import PortalClient
from lienthong.nationalportal.server import Faults, PortalApp, make_server
from lienthong.nationalportal.wire import VN, DossierRecord, PortalAuthError, PortalNotFound, PortalRejected, PortalUnavailable, Step

TOKEN = "thu-nghiem-cong-quoc-gia"
T0 = datetime(2026, 12, 1, 8, 30, tzinfo=VN)
FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=VN)


class Portal:
    """The reference portal in a thread of this process, on a free loopback port."""

    def __init__(self, faults: Faults = Faults(), **kw):
        kw.setdefault("now", lambda: FIXED)
        self.app = PortalApp(TOKEN, faults, **kw)
        self.server = make_server(self.app, port=0)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def client(self, **kw) -> PortalClient:
        kw.setdefault("backoff_base", 0.01)
        kw.setdefault("seed", 1)
        return PortalClient(self.url, TOKEN, **kw)

    def close(self):
        stop_in_thread(self.server, self.thread)


@pytest.fixture
def portal():
    p = Portal()
    yield p
    p.close()


def _record(code="000.00.06.H56-261201-0001", state=2, **kw) -> DossierRecord:
    base = dict(code=code, procedure_code="1.001193.000.00.00.H56", agency_code="000.00.06.H56", state=state,
                received_at=T0, due_at=T0 + timedelta(days=3), applicant_name="Nguyễn Văn Hoà", channel=1)
    base.update(kw)
    return DossierRecord(**base)


def _steps(n: int, start: int = 1) -> list[Step]:
    states = [2, 4, 4, 4, 5, 4, 6, 4, 9, 10]
    return [Step(seq, states[(seq - 1) % len(states)], T0 + timedelta(minutes=seq), unit="Bộ phận một cửa",
                 officer="thuysan", note=f"bước {seq}") for seq in range(start, start + n)]


# --- the wire format ---------------------------------------------------------------------------------------
def test_dates_are_written_in_viet_nam_time_as_the_portal_writes_them():
    from datetime import UTC

    assert wire.format_date(datetime(2026, 12, 1, 1, 30, 5, tzinfo=UTC)) == "20261201083005"
    assert wire.parse_date("20261231235959") == datetime(2026, 12, 31, 23, 59, 59, tzinfo=VN)
    with pytest.raises(ValueError):
        wire.format_date(datetime(2026, 12, 1, 8, 30))  # naive
    for bad in ("2026-12-01", "20261301000000", "2026120108300", 20261201083000):
        with pytest.raises(PortalRejected) as exc:
            wire.parse_date(bad)
        assert exc.value.code == wire.INVALID


def test_the_ten_states_map_to_the_portals_words_and_back():
    assert [wire.state_word(n) for n in range(1, 11)] == ["receiving", "new", "denied", "processing", "waiting", "paying",
                                                          "cancelled", "unresolved", "releasing", "done"]
    assert [wire.state_number(wire.state_word(n)) for n in range(1, 11)] == list(range(1, 11))
    for bad in (0, 11):
        with pytest.raises(PortalRejected):
            wire.state_word(bad)
    with pytest.raises(PortalRejected):
        wire.state_number("finished")


def test_a_record_travels_unchanged_and_nfc():
    r = _record(applicant_name="Nguye\u0302\u0303n Va\u0306n Hoa\u0300")
    back = DossierRecord.from_wire(json.loads(json.dumps(r.to_wire())))
    assert back.applicant_name == "Nguyễn Văn Hoà"
    assert back == _record(applicant_name="Nguyễn Văn Hoà")
    assert r.to_wire()["received_at"] == "20261201083000" and r.to_wire()["state"] == "new"
    assert "Nguy" not in repr(r)  # no applicant in logs


# --- the calls ---------------------------------------------------------------------------------------------
def test_create_then_the_portal_holds_the_dossier(portal):
    with portal.client() as c:
        assert c.create(_record()) == "created"
        got = c.status(["000.00.06.H56-261201-0001", "unknown"])
    assert list(got) == ["000.00.06.H56-261201-0001"]
    s = got["000.00.06.H56-261201-0001"]
    assert (s.state, s.last_seq, s.updated_at) == (2, 0, FIXED)
    held = portal.app.dossiers["000.00.06.H56-261201-0001"].record
    assert held == _record()


def test_already_exists_is_answered_by_an_update(portal):
    with portal.client() as c:
        c.create(_record(state=2))
        assert c.create(_record(state=4, due_at=T0 + timedelta(days=5))) == "updated"
        assert c.status(["000.00.06.H56-261201-0001"])["000.00.06.H56-261201-0001"].state == 4
    assert (portal.app.stats["creates"], portal.app.stats["already_exists"], portal.app.stats["updates"]) == (1, 1, 1)
    assert portal.app.dossiers["000.00.06.H56-261201-0001"].record.due_at == T0 + timedelta(days=5)


def test_an_update_or_progress_before_the_create_is_not_found(portal):
    with portal.client() as c:
        with pytest.raises(PortalNotFound):
            c.update(_record())
        with pytest.raises(PortalNotFound):
            c.progress("000.00.06.H56-261201-0001", _steps(1))
    assert portal.app.dossiers == {}


def test_steps_go_in_batches_of_ten_in_order(portal):
    with portal.client() as c:
        c.create(_record())
        p = c.progress("000.00.06.H56-261201-0001", list(reversed(_steps(23))))
    assert (p.accepted, p.duplicates, p.skipped, p.calls) == (23, 0, 0, 3)
    assert portal.app.steps_of("000.00.06.H56-261201-0001") == list(range(1, 24))
    assert portal.app.dossiers["000.00.06.H56-261201-0001"].state == _steps(23)[-1].state


def test_the_server_refuses_a_batch_over_ten_and_a_malformed_payload(portal):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with portal.client() as c:
        c.create(_record())
    body = {"code": "000.00.06.H56-261201-0001", "steps": [s.to_wire() for s in _steps(11)]}
    r = httpx.post(portal.url + wire.PATH_PROGRESS, json=body, headers=headers)
    assert r.status_code == 400 and r.json()["error_code"] == wire.INVALID and set(r.json()) == {"error_code", "message"}
    bad = _record().to_wire() | {"received_at": "2026-12-01 08:30"}
    r = httpx.post(portal.url + wire.PATH_CREATE, json=bad, headers=headers)
    assert (r.status_code, r.json()["error_code"]) == (400, wire.INVALID)
    r = httpx.post(portal.url + wire.PATH_CREATE, json=_record(code="x").to_wire() | {"state": "finished"}, headers=headers)
    assert (r.status_code, r.json()["error_code"]) == (400, wire.INVALID)
    assert list(portal.app.dossiers) == ["000.00.06.H56-261201-0001"]
    assert portal.app.steps_of("000.00.06.H56-261201-0001") == []


def test_a_refused_payload_is_rejected_not_retried(portal):
    with portal.client(retries=3) as c:
        with pytest.raises(PortalRejected) as exc:
            c.create(_record(procedure_code="  "))
    assert exc.value.code == wire.INVALID and portal.app.stats["400"] == 1


def test_a_wrong_token_is_an_auth_error_not_retried(portal):
    c = PortalClient(portal.url, "wrong", backoff_base=0.01)
    with pytest.raises(PortalAuthError):
        c.create(_record())
    assert portal.app.stats["401"] == 1 and portal.app.dossiers == {}
    r = httpx.post(portal.url + wire.PATH_CREATE, json=_record().to_wire())
    assert r.status_code == 401 and r.json()["error_code"] == wire.UNAUTHORIZED
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="portal"'


# --- faults: nothing lost, nothing duplicated ---------------------------------------------------------------
def _push_all(client: PortalClient, codes: list[str], steps: int) -> None:
    for code in codes:
        client.create(_record(code=code))
        client.progress(code, _steps(steps))


def _count(portal: Portal, codes: list[str], steps: int) -> tuple[int, int]:
    """(lost, duplicated) steps at the portal."""
    lost = dup = 0
    for code in codes:
        held = portal.app.steps_of(code)
        lost += len(set(range(1, steps + 1)) - set(held))
        dup += len(held) - len(set(held))
    return lost, dup


def test_503s_are_retried_until_taken():
    p = Portal(Faults(error_5xx=1.0, budget=3))
    try:
        with p.client(retries=4) as c:
            _push_all(c, ["A-1"], 12)
        assert p.app.stats["fault_5xx"] == 3 and _count(p, ["A-1"], 12) == (0, 0)
    finally:
        p.close()


@pytest.mark.parametrize("keep_duplicates", [False, True], ids=["deduplicating portal", "naive portal"])
def test_dropped_answers_lose_nothing_and_duplicate_nothing(keep_duplicates):
    """Half the pushes are applied and then their connection is dropped unanswered: the client cannot know
    they were taken. It asks the portal what it holds before sending again, so even a portal that appends
    whatever it is sent holds every step once."""
    p = Portal(Faults(drop_after=0.5, seed=7), keep_duplicates=keep_duplicates)
    codes = [f"D-{i}" for i in range(6)]
    try:
        with p.client(retries=8, failure_threshold=50) as c:
            _push_all(c, codes, 25)
        assert p.app.stats["fault_drop_after"] >= 5
        assert _count(p, codes, 25) == (0, 0)
        assert p.app.stats["duplicate_steps"] == 0
        assert p.app.stats["creates"] == 6  # a create whose answer was lost came back "already exists"
    finally:
        p.close()


def test_connections_dropped_before_the_push_are_retried():
    p = Portal(Faults(drop=0.5, seed=3))
    codes = [f"E-{i}" for i in range(4)]
    try:
        with p.client(retries=8, failure_threshold=50) as c:
            _push_all(c, codes, 15)
        assert p.app.stats["fault_drop"] >= 3 and _count(p, codes, 15) == (0, 0)
    finally:
        p.close()


def test_a_push_applied_twice_is_detected_and_held_once():
    """An integration platform that replays a push: the portal sees every step of it twice, counts them, and
    (deduplicating by seq) holds each once."""
    p = Portal(Faults(apply_twice=1.0))
    try:
        with p.client() as c:
            _push_all(c, ["F-1"], 12)
        assert p.app.stats["fault_apply_twice"] == 3  # the create and the two progress pushes
        assert p.app.stats["duplicate_steps"] == 12 and p.app.stats["already_exists"] == 1
        assert _count(p, ["F-1"], 12) == (0, 0)
    finally:
        p.close()


def test_a_naive_portal_replaying_a_push_holds_the_steps_twice_and_says_so():
    """What the counting is for: a naive portal that appends a replayed push holds duplicates, and the reference
    portal counts them (the client cannot prevent a replay behind the portal's door)."""
    p = Portal(Faults(apply_twice=1.0), keep_duplicates=True)
    try:
        with p.client() as c:
            _push_all(c, ["G-1"], 3)
        assert _count(p, ["G-1"], 3) == (0, 3) and p.app.stats["duplicate_steps"] == 3
    finally:
        p.close()


def test_an_answer_written_twice_does_not_answer_the_next_request():
    """The portal writes its answer twice on the connection. A kept-alive connection would then hold a stale answer
    that the next push reads as its own (it did: the third create below read "created"); the client opens a
    connection per push, so each push gets its own answer."""
    p = Portal(Faults(reply_twice=1.0))
    try:
        with p.client(retries=0) as c:
            assert c.create(_record(code="H-1")) == "created"
            assert c.create(_record(code="H-2")) == "created"
            assert c.create(_record(code="H-1", state=4)) == "updated"
            prog = c.progress("H-1", _steps(10))
            assert (prog.accepted, prog.duplicates) == (10, 0)
            assert set(c.status(["H-1", "H-2"])) == {"H-1", "H-2"}
        assert p.app.stats["fault_reply_twice"] == 5
        assert (p.app.stats["creates"], p.app.stats["updates"]) == (2, 1) and _count(p, ["H-1"], 10) == (0, 0)
    finally:
        p.close()


def test_a_slow_answer_times_out_and_the_retry_leaves_each_step_once():
    p = Portal(Faults(slow=1.0, slow_seconds=0.6, budget=1))
    try:
        with p.client(timeout=0.2, retries=3) as c:
            c.create(_record(code="S-1"))
            time.sleep(0.7)  # the slow create finishes server-side
            c.progress("S-1", _steps(10))
        assert p.app.stats["fault_slow"] == 1 and p.app.stats["creates"] == 1
        assert _count(p, ["S-1"], 10) == (0, 0)
    finally:
        p.close()


def test_the_rate_limit_answers_429_with_retry_after_and_the_client_waits():
    p = Portal(rate=1, burst=1)  # one a second: the second of two pushes in a row is refused on any machine
    try:
        r1 = httpx.post(p.url + wire.PATH_CREATE, json=_record(code="R-0").to_wire(), headers={"Authorization": f"Bearer {TOKEN}"})
        r2 = httpx.post(p.url + wire.PATH_CREATE, json=_record(code="R-00").to_wire(), headers={"Authorization": f"Bearer {TOKEN}"})
        assert r1.status_code == 200 and r2.status_code == 429
        assert r2.headers["Retry-After"] == "1" and 0 < int(r2.headers["X-Retry-After-Ms"]) <= 1000
        assert r2.json()["error_code"] == wire.RATE_LIMITED
        with p.client(retries=5) as c:
            for i in range(3):
                c.create(_record(code=f"R-{i + 1}"))
        assert p.app.stats["rate_limited"] >= 2 and len(p.app.dossiers) == 4
    finally:
        p.close()


def test_the_circuit_opens_when_the_portal_is_down_and_fails_fast():
    p = Portal(Faults(error_5xx=1.0))
    try:
        c = p.client(retries=1, failure_threshold=3, reset_timeout=60)
        for _ in range(2):
            with pytest.raises(PortalUnavailable):
                c.create(_record())
        hits = p.app.stats["fault_5xx"]
        assert hits == 3 and c.breaker.state == "open"
        with pytest.raises(PortalUnavailable, match="circuit open"):
            c.create(_record())
        assert p.app.stats["fault_5xx"] == hits
    finally:
        p.close()


def test_a_portal_that_is_not_there_is_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = PortalClient(f"http://127.0.0.1:{port}", TOKEN, retries=1, backoff_base=0.01)
    with pytest.raises(PortalUnavailable, match="ConnectError"):
        c.create(_record())
    assert c.health() is False


def test_faults_are_set_and_read_through_the_control_endpoint(portal):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.post(portal.url + wire.PATH_CONTROL_FAULTS, json={"error_5xx": 1.0, "budget": 2}, headers=headers)
    assert r.status_code == 200 and r.json()["faults"]["error_5xx"] == 1.0
    with portal.client(retries=3) as c:
        c.create(_record())
    r = httpx.get(portal.url + wire.PATH_CONTROL_STATS, headers=headers)
    assert r.json()["stats"]["fault_5xx"] == 2 and r.json()["dossiers"] == 1
    r = httpx.post(portal.url + wire.PATH_CONTROL_FAULTS, json={"explode": 1}, headers=headers)
    assert (r.status_code, r.json()["error_code"]) == (400, wire.INVALID)
    assert httpx.post(portal.url + wire.PATH_CONTROL_FAULTS, json={}).status_code == 401


def test_portal_serve_command_runs_with_faults_and_stops(tmp_path):
    """`lienthong portal-serve` as a real process: it answers through its faults and stops on SIGTERM."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "portal-serve", "--port", str(port), "--token", TOKEN,
                             "--fault-5xx", "0.3", "--fault-drop-after", "0.3", "--seed", "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert "listening on" in proc.stdout.readline()
        with PortalClient(f"http://127.0.0.1:{port}", TOKEN, retries=8, backoff_base=0.01, failure_threshold=50) as c:
            c.create(_record(code="P-1"))
            c.progress("P-1", _steps(14))
            got = c.status(["P-1"])["P-1"]
        assert (got.state, got.last_seq) == (_steps(14)[-1].state, 14)
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
    stats = json.loads(proc.stdout.read().strip().splitlines()[-1])["stats"]
    assert stats["steps"] == 14 and stats.get("duplicate_steps", 0) == 0


def test_portal_serve_and_the_client_import_no_django():
    """portal-serve runs without Django (and without its database)."""
    code = ("import sys, lienthong.nationalportal.wire, lienthong.nationalportal.client, lienthong.nationalportal.server; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_progress_through_the_rate_limit_waits_and_loses_nothing():
    p = Portal(rate=4, burst=1)
    try:
        with p.client(retries=6) as c:
            c.create(_record(code="L-1"))
            prog = c.progress("L-1", _steps(35))
        assert (prog.accepted, prog.calls) == (35, 4) and p.app.stats["rate_limited"] >= 1
        assert _count(p, ["L-1"], 35) == (0, 0)
    finally:
        p.close()


def test_an_answer_that_is_not_the_portals_shape_is_an_error_not_a_success():
    """A proxy before the portal answering 200 with its own page must not count as the portal taking the push."""
    from lienthong.nationalportal.wire import PortalError

    def proxy(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html>LGSP maintenance</html>"]

    from waitress import create_server

    server = create_server(proxy, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with PortalClient(f"http://127.0.0.1:{server.effective_port}", TOKEN, retries=0) as c:
            with pytest.raises(PortalError, match="not JSON"):
                c.create(_record())
    finally:
        stop_in_thread(server, thread)

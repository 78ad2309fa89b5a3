"""The national portal's dispatcher (onestop.portal_sync) against the reference portal on a real port: the outbox
written with each change reaches the portal once — through a portal that is down, drops its answers, writes them
twice, or already has the dossier — and the reconciliation finds every dossier whose state there differs."""
from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections  # noqa: F401 - connection: the skipif condition
from threaded_servers import stop_in_thread

from lienthong.nationalportal.client import PortalClient
from lienthong.nationalportal.server import Faults, PortalApp, make_server
from lienthong.onestop import lifecycle, portal_sync
from lienthong.onestop.models import Channel, Dossier, PortalOutbox, State
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db
TOKEN = "thu-nghiem-cong-quoc-gia"


class Portal:
    """The reference portal in a thread of this process, on a loopback port (0: a free one)."""

    def __init__(self, faults: Faults = Faults(), port: int = 0, **kw):
        self.app = PortalApp(TOKEN, faults, **kw)
        self.server = make_server(self.app, port=port)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def client(self, **kw) -> PortalClient:
        return client_for(self.url, **kw)

    def close(self):
        stop_in_thread(self.server, self.thread)


def client_for(url: str, **kw) -> PortalClient:
    kw.setdefault("backoff_base", 0.01)
    kw.setdefault("seed", 1)
    kw.setdefault("retries", 2)
    return PortalClient(url, TOKEN, **kw)


@pytest.fixture
def portal():
    p = Portal()
    yield p
    p.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def receive(officer, centre, procedure, applicant, at="2026-12-01T08:10:00") -> Dossier:
    return lifecycle.create_dossier(officer, agency=centre, procedure=procedure, channel=Channel.COUNTER,
                                    applicant=applicant, at=vn(at))


def walk(dossier, officer, n_handoffs: int = 0, finish: bool = True) -> Dossier:
    """assign, hand it on n times, finish, return the result: 3 + n steps after the receipt."""
    lifecycle.step(dossier, officer, "assign", department="Bộ phận Hộ tịch", at=vn("2026-12-01T09:00:00"))
    for i in range(n_handoffs):
        lifecycle.step(dossier, officer, "hand_off", department=f"Tổ {i + 1}", at=vn("2026-12-01T09:30:00") + timedelta(minutes=i))
    if finish:
        lifecycle.step(dossier, officer, "finish", at=vn("2026-12-02T10:00:00"))
        lifecycle.step(dossier, officer, "return_result", at=vn("2026-12-02T15:00:00"))
    dossier.refresh_from_db()
    return dossier


def unsent() -> int:
    return PortalOutbox.objects.filter(sent_at__isnull=True).count()


def assert_exactly_once(portal: Portal, dossiers: list[Dossier], ordered: bool = True) -> None:
    """Each dossier at the portal, in our state, with its steps 1..n each once (the portal keeps duplicates when
    it is naive, so a duplicate would show here), in order unless two workers sent them."""
    for d in dossiers:
        d.refresh_from_db()
        held = portal.app.steps_of(d.code)
        assert (held if ordered else sorted(held)) == list(range(1, d.steps.count() + 1)), d.code
        assert portal.app.dossiers[d.code].state == d.state
    assert portal.app.stats["creates"] == len(dossiers)


def test_a_dossier_and_its_steps_reach_the_portal_once(portal, centre, marriage, centre_officer, applicant):
    d = walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=2)
    assert list(PortalOutbox.objects.values_list("kind", flat=True)) == [
        "create", "step", "step", "step", "step", "step", "result", "step", "result"]
    summary = portal_sync.push_due(portal.client())
    assert (summary.sent, summary.failed, summary.dossiers) == (9, 0, 1)
    assert unsent() == 0
    assert_exactly_once(portal, [d])
    held = portal.app.dossiers[d.code]
    assert held.state == State.RETURNED and held.record.procedure_code == "1.000894.000.00.00.H56"
    assert held.record.received_at == vn("2026-12-01T08:10:00") and held.record.finished_at == vn("2026-12-02T10:00:00")
    assert [s.unit for s in held.steps][:3] == ["", "Bộ phận Hộ tịch", "Tổ 1"]
    assert Dossier.objects.get().portal_code == d.code  # what the portal knows it by, from now on
    assert portal_sync.push_due(portal.client()).sent == 0  # nothing twice


def test_steps_go_to_the_portal_ten_at_a_time(portal, centre, marriage, centre_officer, applicant):
    d = walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=20)  # 24 steps
    portal_sync.push_due(portal.client())
    assert_exactly_once(portal, [d])
    assert d.steps.count() == 24
    # One create for the three record rows (create, two results: the same record), then 10 + 10 + 4 steps.
    assert (portal.app.stats["200"], portal.app.stats["creates"], portal.app.stats["steps"]) == (4, 1, 24)


def test_portal_down_rows_stay_and_all_go_once_when_it_comes_back(clock, centre, marriage, centre_officer, applicant):
    port = free_port()
    c = client_for(f"http://127.0.0.1:{port}", retries=1)
    dossiers = [walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=i) for i in range(3)]
    rows = unsent()
    summary = portal_sync.push_due(c)
    assert summary.sent == 0 and summary.failed > 0 and "PortalUnavailable" in summary.stopped
    assert unsent() == rows  # nothing lost
    failed = PortalOutbox.objects.filter(attempts=1)
    assert failed.count() == summary.failed and all("ConnectError" in r.last_error for r in failed)
    first = PortalOutbox.objects.filter(attempts=1).first()
    assert first.next_attempt_at - datetime.now(VN_TZ) > timedelta(seconds=25)
    # The rows not tried were given back, due at once; a second push while it is still down: still all kept.
    portal_sync.push_due(client_for(f"http://127.0.0.1:{port}", retries=0))
    assert unsent() == rows
    p = Portal(port=port)  # the portal comes back
    try:
        assert portal_sync.push_due(c).sent < rows  # the failed rows wait for their next attempt
        clock.shift(31)
        while portal_sync.push_due(c).sent:
            clock.shift(31)
        assert unsent() == 0
        assert_exactly_once(p, dossiers)
        assert p.app.stats["duplicate_steps"] == 0
    finally:
        p.close()


def test_dropped_connections_and_answers_written_twice_leave_no_duplicates(clock, centre, marriage, centre_officer, applicant):
    """A naive portal (it stores a step sent twice) that applies pushes and then drops the connection, drops others
    before applying, and writes answers twice: after enough runs every row is sent and the portal holds each step
    exactly once."""
    p = Portal(Faults(drop_after=0.3, drop=0.2, reply_twice=0.2, seed=11), keep_duplicates=True)
    try:
        dossiers = [walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=4 + 3 * i)
                    for i in range(5)]
        c = p.client(retries=1, failure_threshold=1000)
        for _ in range(60):
            portal_sync.push_due(c)
            if not unsent():
                break
            clock.shift(3700)
        assert unsent() == 0
        assert p.app.stats["fault_drop_after"] >= 3 and p.app.stats["fault_drop"] >= 2 and p.app.stats["fault_reply_twice"] >= 2
        assert_exactly_once(p, dossiers)
        assert p.app.stats["duplicate_steps"] == 0
    finally:
        p.close()


def test_every_fault_at_once_loses_nothing(clock, centre, marriage, centre_officer, applicant):
    """503s, connections dropped before and after the push, answers too slow for the client, pushes applied twice,
    answers written twice — all at once, on a portal that keeps each seq once: after enough runs every row is
    sent, nothing is lost, and each dossier is in our state at the portal."""
    p = Portal(Faults(error_5xx=0.1, drop=0.1, drop_after=0.15, slow=0.15, slow_seconds=0.4, apply_twice=0.1,
                      reply_twice=0.1, seed=23))
    try:
        dossiers = [walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=2 + 5 * (i % 3))
                    for i in range(8)]
        c = p.client(retries=2, timeout=0.25, failure_threshold=1000)
        for _ in range(80):
            portal_sync.push_due(c)
            if not unsent():
                break
            clock.shift(3700)
        assert unsent() == 0
        faults = {k: v for k, v in p.app.stats.items() if k.startswith("fault_")}
        assert set(faults) == {"fault_5xx", "fault_drop", "fault_drop_after", "fault_slow", "fault_apply_twice",
                               "fault_reply_twice"}, faults
        time.sleep(0.5)  # a slow push still sleeping server-side lands before the count
        assert_exactly_once(p, dossiers)
    finally:
        p.close()


def test_a_batch_whose_answer_was_lost_is_not_sent_again_on_the_next_run(clock, portal, centre, marriage, centre_officer,
                                                                          applicant):
    d = walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=1)
    portal.app.keep_duplicates = True
    c = portal.client(retries=0)
    c.create(portal_sync.record_of(d))  # the record is there; now the progress push is taken and its answer lost
    PortalOutbox.objects.exclude(kind="step").update(sent_at=datetime.now(VN_TZ))
    portal.app.set_faults(Faults(drop_after=1.0, budget=1))
    summary = portal_sync.push_due(c)
    assert (summary.sent, summary.failed) == (0, 5)
    assert portal.app.steps_of(d.code) == [1, 2, 3, 4, 5]  # taken, though we could not know
    clock.shift(31)
    summary = portal_sync.push_due(c)
    assert (summary.sent, summary.failed) == (5, 0)
    assert portal.app.steps_of(d.code) == [1, 2, 3, 4, 5] and portal.app.stats["duplicate_steps"] == 0


def test_already_exists_at_the_portal_is_answered_by_an_update(portal, centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    stale = portal_sync.record_of(d)
    walk(d, centre_officer, finish=False)
    portal.client().create(stale)  # the portal got it from elsewhere, in an older state
    portal_sync.push_due(portal.client())
    assert (portal.app.stats["already_exists"], portal.app.stats["updates"]) == (1, 1)
    assert portal.app.dossiers[d.code].state == State.PROCESSING == Dossier.objects.get().state


def test_a_step_before_its_create_creates_the_dossier(portal, centre, marriage, centre_officer, applicant):
    """The create row waits for a retry (or another worker has it) while a later step goes: the step's push
    creates the dossier first."""
    d = walk(receive(centre_officer, centre, marriage, applicant), centre_officer, finish=False)
    PortalOutbox.objects.filter(kind="create").update(next_attempt_at=datetime.now(VN_TZ) + timedelta(hours=1))
    portal_sync.push_due(portal.client())
    assert portal.app.steps_of(d.code) == [1, 2] and portal.app.stats["creates"] == 1
    assert unsent() == 1


def test_a_refused_payload_is_kept_with_the_portals_reason(portal, centre, marriage, centre_officer, applicant):
    receive(centre_officer, centre, marriage, applicant)
    marriage.code = ""  # (a catalogue entry saved without its code, say)
    marriage.save()
    summary = portal_sync.push_due(portal.client())
    assert summary.failed == 2 and summary.stopped == ""
    row = PortalOutbox.objects.get(kind="create")
    assert row.last_error.startswith("refused by the portal (3): procedure_code is required")
    assert row.next_attempt_at - datetime.now(VN_TZ) > timedelta(minutes=59) and row.sent_at is None


@pytest.mark.skipif("connection.vendor != 'postgresql'")  # the SQLite test database is one in-memory connection
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_row_once(centre, marriage, centre_officer, applicant, empties_the_audit_log_after):
    p = Portal(keep_duplicates=True)
    try:
        dossiers = [walk(receive(centre_officer, centre, marriage, applicant), centre_officer, n_handoffs=i % 4)
                    for i in range(12)]
        barrier, errors = threading.Barrier(2), []

        def worker():
            try:
                barrier.wait()
                while portal_sync.push_due(p.client(), limit=7).sent:
                    pass
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and unsent() == 0
        # A dossier's rows may be split between the two claims: both then push its record ("already exists" →
        # update, harmless); no step reaches the portal twice.
        assert p.app.stats["duplicate_steps"] == 0 and p.app.stats["steps"] == sum(d.steps.count() for d in dossiers)
        assert_exactly_once(p, dossiers, ordered=False)
    finally:
        p.close()


def test_the_job_worker_pushes_when_a_portal_is_configured(portal, settings, centre, marriage, centre_officer, applicant,
                                                          monkeypatch):
    from lienthong.sync import worker

    d = receive(centre_officer, centre, marriage, applicant)
    settings.PORTAL_URL, settings.PORTAL_TOKEN = portal.url, TOKEN
    portal_sync.reset_client()
    monkeypatch.setattr(portal_sync, "_last_push", [-1e9])
    try:
        assert worker.work("test-worker", once=True) == 1  # one pass that pushed, one that found nothing due
    finally:
        portal_sync.reset_client()
    assert unsent() == 0 and portal.app.steps_of(d.code) == [1]


def test_no_portal_configured_keeps_every_row(settings, centre, marriage, centre_officer, applicant):
    settings.PORTAL_URL = ""
    portal_sync.reset_client()
    receive(centre_officer, centre, marriage, applicant)
    summary = portal_sync.push_due()
    assert summary.sent == 0 and "LIENTHONG_PORTAL_URL" in summary.stopped and unsent() == 2


# --- reconciliation ----------------------------------------------------------------------------------------
@pytest.fixture
def drifted(portal, centre, other_centre, marriage, centre_officer, make_user, applicant):
    """Four dossiers: `same` in step with the portal; `behind` moved on here since its last push; `absent` never
    pushed; `elsewhere` (another centre, never pushed) outside the Rạch Giá officer's scope."""
    c = portal.client()
    same = receive(centre_officer, centre, marriage, applicant)
    behind = receive(centre_officer, centre, marriage, applicant)
    portal_sync.push_due(c)
    walk(behind, centre_officer, finish=False)  # assign: not pushed yet
    PortalOutbox.objects.filter(sent_at__isnull=True).update(sent_at=datetime.now(VN_TZ))  # (as if lost)
    absent = receive(centre_officer, centre, marriage, applicant)
    pq = make_user("tn_phuquoc", "centre", communes=("31078",))
    elsewhere = receive(pq, other_centre, marriage, applicant)
    PortalOutbox.objects.filter(dossier__in=[absent, elsewhere]).update(attempts=2, last_error="HTTP 503",
                                                                        next_attempt_at=datetime.now(VN_TZ) + timedelta(hours=1))
    return {"same": same, "behind": behind, "absent": absent, "elsewhere": elsewhere, "pq": pq}


def test_reconciliation_lists_every_dossier_that_differs_within_the_scope(portal, drifted, centre_officer):
    found = portal_sync.differences(Dossier.objects.visible_to(centre_officer), portal.client())
    assert [(d.dossier.code, d.ours, d.theirs, d.missing_steps, d.pending) for d in found] == [
        (drifted["behind"].code, State.PROCESSING, State.RECEIVED, 1, 0),
        (drifted["absent"].code, State.RECEIVED, None, 1, 2),
    ]
    assert found[1].last_error == "HTTP 503" and found[1].missing
    everyone = portal_sync.differences(Dossier.objects.all(), portal.client())
    assert [d.dossier.code for d in everyone] == [drifted[k].code for k in ("behind", "absent", "elsewhere")]


def test_push_again_sends_what_the_portal_lacks_and_the_differences_are_gone(portal, drifted, centre_officer):
    from lienthong.accounts.models import AuditEvent

    c = portal.client()
    for d in portal_sync.differences(Dossier.objects.visible_to(centre_officer), c):
        portal_sync.push_again(d.dossier, centre_officer, d.held)
    event = AuditEvent.objects.filter(object_id=drifted["behind"].code).latest("id")
    assert event.username == "tn_rachgia" and event.detail["action"] == "portal_push_again"
    portal_sync.push_due(c)
    assert portal_sync.differences(Dossier.objects.visible_to(centre_officer), c) == []
    assert portal.app.steps_of(drifted["behind"].code) == [1, 2] and portal.app.stats["duplicate_steps"] == 0


def test_the_reconciliation_page_lists_the_differences_and_pushes_again(portal, drifted, settings, client_for,
                                                                        centre_officer):
    settings.PORTAL_URL, settings.PORTAL_TOKEN = portal.url, TOKEN
    portal_sync.reset_client()
    try:
        web = client_for(centre_officer)
        page = web.get("/mot-cua/cong-quoc-gia/")
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count('data-testid="difference-row"') == 2
        assert drifted["behind"].code in html and drifted["absent"].code in html and drifted["elsewhere"].code not in html
        assert 'data-testid="backlog-rows">2<' in html  # the absent dossier's two rows (the other centre's are not ours)
        r = web.post(f"/mot-cua/cong-quoc-gia/{drifted['absent'].code}/gui-lai/")
        assert r.status_code == 302 and r["Location"] == "/mot-cua/cong-quoc-gia/"
        assert PortalOutbox.objects.filter(dossier=drifted["absent"], sent_at__isnull=True, next_attempt_at__isnull=True).count() == 3
        assert web.post(f"/mot-cua/cong-quoc-gia/{drifted['elsewhere'].code}/gui-lai/").status_code == 404
        assert web.get(f"/mot-cua/cong-quoc-gia/{drifted['absent'].code}/gui-lai/").status_code == 405
    finally:
        portal_sync.reset_client()


def test_the_reconciliation_page_is_for_dossier_officers_only(client_for, viewer_user, settings):
    settings.PORTAL_URL = ""
    assert client_for(viewer_user).get("/mot-cua/cong-quoc-gia/").status_code == 403


def test_the_page_says_when_no_portal_is_configured_or_it_does_not_answer(settings, client_for, centre, marriage,
                                                                           centre_officer, applicant):
    receive(centre_officer, centre, marriage, applicant)
    settings.PORTAL_URL = ""
    portal_sync.reset_client()
    html = client_for(centre_officer).get("/mot-cua/cong-quoc-gia/").content.decode()
    assert 'data-testid="not-configured"' in html
    settings.PORTAL_URL, settings.PORTAL_TOKEN = f"http://127.0.0.1:{free_port()}", TOKEN
    portal_sync.reset_client()
    try:
        html = client_for(centre_officer).get("/mot-cua/cong-quoc-gia/").content.decode()
        assert 'data-testid="portal-error"' in html and "ConnectError" in html
        assert 'data-testid="backlog-rows">2<' in html
    finally:
        portal_sync.reset_client()


def test_portal_reconcile_and_portal_push_commands(portal, drifted, settings, capsys):
    from lienthong import cli

    settings.PORTAL_URL, settings.PORTAL_TOKEN = portal.url, TOKEN
    portal_sync.reset_client()
    try:
        assert cli.main(["portal-reconcile"]) == 1
        out = capsys.readouterr().out.splitlines()
        assert [line.split("\t")[0] for line in out[:-1]] == [drifted[k].code for k in ("behind", "absent", "elsewhere")]
        assert out[-1].startswith("3 ")
        assert cli.main(["portal-reconcile", "--push-again"]) == 1
        capsys.readouterr()
        assert cli.main(["portal-push"]) == 0
        assert "Đã gửi" in capsys.readouterr().out
        assert cli.main(["portal-reconcile"]) == 0
    finally:
        portal_sync.reset_client()


def test_the_outbox_is_readable_in_the_admin_and_never_edited_there(client_for, make_user, centre, marriage, centre_officer,
                                                                     applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    web = client_for(make_user("sieuquantri", "admin", is_staff=True, is_superuser=True))
    page = web.get("/quan-tri/onestop/portaloutbox/")
    assert page.status_code == 200 and page.content.decode().count(d.code) == 2  # the create and the step
    row = PortalOutbox.objects.first()
    assert web.get(f"/quan-tri/onestop/portaloutbox/{row.pk}/change/").status_code == 200  # a read-only view
    assert web.post(f"/quan-tri/onestop/portaloutbox/{row.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_page_checks_open_and_recent_dossiers_the_command_all(portal, clock, settings, client_for, centre, marriage,
                                                                  centre_officer, applicant, capsys):
    from lienthong import cli

    old = walk(receive(centre_officer, centre, marriage, applicant), centre_officer)  # returned: final, never pushed
    clock.shift(91 * 86400)
    settings.PORTAL_URL, settings.PORTAL_TOKEN = portal.url, TOKEN
    portal_sync.reset_client()
    try:
        html = client_for(centre_officer).get("/mot-cua/cong-quoc-gia/").content.decode()
        assert 'data-testid="difference-count">0<' in html and old.code not in html
        assert cli.main(["portal-reconcile", "--days", "90"]) == 0
        assert cli.main(["portal-reconcile"]) == 1
        assert capsys.readouterr().out.splitlines()[-2].startswith(old.code + "\t")
    finally:
        portal_sync.reset_client()

"""The dossier core: codes, the ten states, steps (form 05's rows), due dates, timeliness, scope and the outbox."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection, connections  # noqa: F401 - connection: the skipif condition

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import lifecycle, timeliness
from lienthong.onestop.errors import DossierError
from lienthong.onestop.models import Channel, Dossier, DossierStep, PortalOutbox, State
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def receive(officer, centre, procedure, applicant, at="2026-12-01T08:10:00", **kw):
    return lifecycle.create_dossier(officer, agency=centre, procedure=procedure, channel=Channel.COUNTER,
                                    applicant=applicant, at=vn(at), **kw)


def test_counter_dossier_is_received_with_code_due_date_step_audit_and_outbox(centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant,
                components=[lifecycle.ComponentIn("Tờ khai đăng ký kết hôn", originals=1)])
    assert d.code == "000.00.06.H56-261201-0001"
    assert d.state == State.RECEIVED and d.received_by == centre_officer
    # Tue 1 Dec 2026 + 5 working days, counting from Wed 2 Dec: 2, 3, 4, 7, 8 Dec, at the office's close.
    assert d.due_at.astimezone(VN_TZ) == vn("2026-12-08T17:00:00")
    assert [(s.action, s.from_state, s.to_state) for s in d.steps.all()] == [("receive", None, 2)]
    assert list(PortalOutbox.objects.filter(dossier=d).values_list("kind", flat=True)) == ["create", "step"]
    event = AuditEvent.objects.get(object_type="dossier", object_id=d.code)
    assert event.action == "create" and event.username == "tn_rachgia"
    assert d.components.get().name == "Tờ khai đăng ký kết hôn"


def test_codes_count_per_agency_and_restart_each_day_in_vietnam_time(centre, other_centre, marriage, centre_officer,
                                                                    make_user, applicant):
    a = receive(centre_officer, centre, marriage, applicant, at="2026-12-01T08:00:00")
    b = receive(centre_officer, centre, marriage, applicant, at="2026-12-01T16:59:00")
    pq = make_user("tn_phuquoc", "centre", communes=("31078",))
    c = receive(pq, other_centre, marriage, applicant, at="2026-12-01T09:00:00")
    # 00:30 on 2 Dec in Việt Nam is 1 Dec in UTC: the new day's sequence starts.
    d = receive(centre_officer, centre, marriage, applicant, at="2026-12-02T00:30:00")
    assert [a.code, b.code, c.code, d.code] == [
        "000.00.06.H56-261201-0001", "000.00.06.H56-261201-0002", "000.00.31.H56-261201-0001",
        "000.00.06.H56-261202-0001"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")  # the SQLite test database is one in-memory connection
@pytest.mark.django_db(transaction=True)
def test_twenty_counters_at_once_never_share_a_code(centre, marriage, centre_officer, applicant, empties_the_audit_log_after):
    codes, errors = [], []
    barrier = threading.Barrier(20)

    def counter():
        try:
            barrier.wait()
            codes.append(receive(centre_officer, centre, marriage, applicant).code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=counter) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(codes) == [f"000.00.06.H56-261201-{n:04d}" for n in range(1, 21)]


def test_hours_counted_procedure_is_due_within_the_office_hours(centre, certification, centre_officer, applicant):
    d = receive(centre_officer, centre, certification, applicant, at="2026-12-01T15:00:00")
    # 2 h left on Tuesday (to 17:00), then 6 h of Wednesday's sessions (07:00–11:30, 13:30–15:00).
    assert d.due_at.astimezone(VN_TZ) == vn("2026-12-02T15:00:00")
    assert d.fee_amount == 2000


def test_online_dossier_waits_new_and_its_clock_starts_at_acceptance(centre, marriage, centre_officer, applicant):
    d = lifecycle.create_dossier(None, agency=centre, procedure=marriage, channel=Channel.ONLINE,
                                 applicant=applicant, at=vn("2026-12-04T20:00:00"))
    assert (d.state, d.received_at, d.due_at) == (State.NEW, None, None)
    assert d.submitted_at == vn("2026-12-04T20:00:00")
    lifecycle.step(d, centre_officer, "accept", at=vn("2026-12-07T07:30:00"))
    d.refresh_from_db()
    assert d.state == State.RECEIVED and d.received_by == centre_officer
    assert d.due_at.astimezone(VN_TZ) == vn("2026-12-14T17:00:00")  # Mon 7 Dec + 5: 8, 9, 10, 11, 14 Dec


def test_a_volunteer_needs_the_citizens_consent(centre, marriage, make_user, applicant):
    volunteer = make_user("tnv_an", "volunteer")
    with pytest.raises(DossierError) as err:
        lifecycle.create_dossier(None, agency=centre, procedure=marriage, channel=Channel.ONLINE,
                                 applicant=applicant, helped_by=volunteer, consent=False)
    assert err.value.code == "needs_consent"
    assert Dossier.objects.count() == 0
    d = lifecycle.create_dossier(None, agency=centre, procedure=marriage, channel=Channel.ONLINE, applicant=applicant,
                                 helped_by=volunteer, consent=True)
    assert d.helped_by == volunteer and d.consent_at is not None
    assert list(Dossier.objects.visible_to(volunteer)) == [d]


def test_the_whole_path_to_the_returned_result(centre, marriage, centre_officer, make_user, applicant):
    handler = make_user("cb_tuphap", "centre", communes=("30742",))
    d = receive(centre_officer, centre, marriage, applicant)
    lifecycle.step(d, centre_officer, "assign", handed_to=handler, department="Tư pháp - Hộ tịch", at=vn("2026-12-01T09:00:00"))
    lifecycle.step(d, handler, "finish", at=vn("2026-12-04T10:00:00"))
    lifecycle.step(d, centre_officer, "return_result", at=vn("2026-12-04T14:00:00"))
    d.refresh_from_db()
    assert d.state == State.RETURNED and d.assigned_to == handler
    assert [s.action for s in d.steps.all()] == ["receive", "assign", "finish", "return_result"]
    assert timeliness.of(d, vn("2026-12-10T00:00:00")) == timeliness.EARLY
    assert PortalOutbox.objects.filter(dossier=d, kind="result").count() == 2


def test_steps_outside_the_state_machine_are_refused_and_change_nothing(centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    steps_before = DossierStep.objects.count()
    with pytest.raises(DossierError) as err:
        lifecycle.step(d, centre_officer, "return_result")
    assert err.value.code == "bad_transition"
    with pytest.raises(DossierError) as err:
        lifecycle.step(d, centre_officer, "refuse", note="  ")
    assert err.value.code == "needs_reason"
    d.refresh_from_db()
    assert d.state == State.RECEIVED and DossierStep.objects.count() == steps_before


def test_officers_of_another_commune_and_other_roles_cannot_touch_it(centre, marriage, centre_officer, make_user,
                                                                   applicant, viewer_user):
    d = receive(centre_officer, centre, marriage, applicant)
    outsider = make_user("tn_phuquoc", "centre", communes=("31078",))
    for user in (outsider, viewer_user, make_user("tnv", "volunteer")):
        assert not Dossier.objects.visible_to(user).exists()
        with pytest.raises(DossierError) as err:
            lifecycle.step(d, user, "assign", department="Tư pháp")
        assert err.value.code == "not_allowed"
    with pytest.raises(DossierError):
        receive(viewer_user, centre, marriage, applicant)
    assert Dossier.objects.count() == 1


def test_supplement_restarts_the_clock_at_resubmission(centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    lifecycle.step(d, centre_officer, "request_supplement", note="Thiếu giấy xác nhận tình trạng hôn nhân",
                   at=vn("2026-12-01T10:00:00"))
    d.refresh_from_db()
    assert d.state == State.SUPPLEMENT
    assert timeliness.of(d, vn("2026-12-20T00:00:00")) is None  # waiting on the citizen: not late
    lifecycle.step(d, None, "resubmit", citizen=True, at=vn("2026-12-03T15:00:00"))
    d.refresh_from_db()
    assert d.state == State.RECEIVED
    assert d.due_at.astimezone(VN_TZ) == vn("2026-12-10T17:00:00")  # Thu 3 Dec + 5: 4, 7, 8, 9, 10 Dec
    assert d.steps.last().actor_name == "Nguyễn Thị Ánh"


def test_citizen_cannot_take_an_officers_step(centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    with pytest.raises(DossierError) as err:
        lifecycle.step(d, None, "finish", citizen=True)
    assert err.value.code == "not_allowed"


def test_late_and_apology_keep_the_legal_due_date(centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    lifecycle.step(d, centre_officer, "assign", department="Tư pháp - Hộ tịch")
    assert timeliness.of(d, vn("2026-12-08T16:59:00")) == timeliness.ON_TIME
    with pytest.raises(DossierError) as err:
        lifecycle.apologise(d, centre_officer, new_due=vn("2026-12-05T17:00:00"), reason="Chờ xác minh")
    assert err.value.code == "date_not_later"
    lifecycle.apologise(d, centre_officer, new_due=vn("2026-12-11T17:00:00"), reason="Chờ xác minh từ địa phương khác",
                        at=vn("2026-12-07T09:00:00"))
    d.refresh_from_db()
    assert d.appointment_at == vn("2026-12-11T17:00:00") and d.due_at == vn("2026-12-08T17:00:00")
    assert d.steps.last().detail == {"before_due": True}
    assert timeliness.of(d, vn("2026-12-09T08:00:00")) == timeliness.LATE
    assert list(Dossier.objects.filter(timeliness.late_q(vn("2026-12-09T08:00:00")))) == [d]
    lifecycle.step(d, centre_officer, "finish", at=vn("2026-12-10T08:00:00"))
    d.refresh_from_db()
    assert timeliness.of(d, vn("2026-12-20T08:00:00")) == timeliness.LATE
    assert Dossier.objects.filter(timeliness.late_q(vn("2026-12-20T08:00:00"))).count() == 1


def test_finished_on_the_due_day_is_on_time(centre, marriage, centre_officer, applicant):
    d = receive(centre_officer, centre, marriage, applicant)
    lifecycle.step(d, centre_officer, "finish", at=vn("2026-12-08T16:00:00"))
    d.refresh_from_db()
    assert timeliness.of(d, vn("2026-12-20T00:00:00")) == timeliness.ON_TIME
    assert not Dossier.objects.filter(timeliness.late_q(vn("2026-12-20T00:00:00"))).exists()


def test_a_procedure_the_agency_does_not_handle_is_refused(other_centre, certification, make_user, applicant):
    officer = make_user("tn_phuquoc", "centre", communes=("31078",))
    with pytest.raises(DossierError) as err:
        receive(officer, other_centre, certification, applicant)
    assert err.value.code == "no_agency"


@pytest.mark.skipif("connection.vendor != 'postgresql'")  # SQLite has no row locks (it locks the whole database)
def test_a_step_locks_the_dossier_row_only(centre, marriage, centre_officer, applicant):
    """Locking the joined procedure row as well deadlocked PostgreSQL under 20 counters (bench/centre.py): a new
    dossier's commit checks its procedure key while another step held that row and waited for the audit lock."""
    from django.test.utils import CaptureQueriesContext

    d = receive(centre_officer, centre, marriage, applicant)
    with CaptureQueriesContext(connection) as queries:
        lifecycle.step(d, centre_officer, "assign", department="Tư pháp - Hộ tịch")
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locks and all(sql.rstrip().endswith('FOR UPDATE OF "onestop_dossier"') for sql in locks), locks

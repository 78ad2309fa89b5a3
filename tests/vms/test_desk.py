"""The duty desk's steps: each one audited, in order, refused where it makes no sense; the port's departure rule
reads the alerts."""
from __future__ import annotations

import pytest

from lienthong.accounts.models import AuditEvent
from lienthong.vms import desk
from lienthong.vms.models import Alert, AlertState, StepKind

from .conftest import IN_FORBIDDEN, SEA, at


@pytest.fixture
def gap_alert(store):
    store([("KG-90001-TS", at(14), SEA), ("KG-90001-TS", at(2), SEA)])
    return Alert.objects.get()


def test_acknowledge_call_report_escalate_close_each_audited(gap_alert, officer):
    desk.acknowledge(officer, gap_alert)
    desk.call(officer, gap_alert, "Gọi chủ tàu: thiết bị hỏng, tàu đang về")
    desk.position_report(officer, gap_alert, at(1), 9.9, 104.8, "báo qua bộ đàm")
    desk.escalate(officer, gap_alert, "báo Chi cục trưởng")
    desk.close(officer, gap_alert, "Tàu về bến, thay thiết bị")
    gap_alert.refresh_from_db()
    assert gap_alert.state == AlertState.CLOSED
    assert [s.kind for s in gap_alert.steps.all()] == [StepKind.OPENED, StepKind.ACKNOWLEDGE, StepKind.CALL,
                                                       StepKind.POSITION_REPORT, StepKind.ESCALATE, StepKind.CLOSE]
    events = AuditEvent.objects.filter(object_type="vms_alert", object_id=str(gap_alert.pk)).order_by("at", "pk")
    assert [e.detail["step"] for e in events] == ["acknowledge", "call", "position_report", "escalate", "close"]
    assert all(e.username == "thuysan" for e in events)
    report = gap_alert.steps.get(kind=StepKind.POSITION_REPORT)
    assert (report.latitude, report.longitude, report.reported_at) == (9.9, 104.8, at(1))
    with pytest.raises(desk.DeskError) as refused:
        desk.add_note(officer, gap_alert, "sau khi đóng")
    assert refused.value.code == "closed"


def test_refusals(gap_alert, officer, make_user, store):
    with pytest.raises(desk.DeskError, match="note_required"):
        desk.close(officer, gap_alert, "  ")
    with pytest.raises(desk.DeskError, match="report_in_future"):
        desk.position_report(officer, gap_alert, at(-1), 9.9, 104.8)
    with pytest.raises(desk.DeskError, match="forbidden"):
        desk.acknowledge(make_user("xa", "commune", ("31078",)), gap_alert)
    store([("KG-90002-TS", at(3), IN_FORBIDDEN)])
    zone = Alert.objects.get(kind="inside_forbidden_zone")
    with pytest.raises(desk.DeskError, match="report_on_gap_only"):
        desk.position_report(officer, zone, at(1), 9.9, 104.8)
    desk.escalate(officer, zone)
    with pytest.raises(desk.DeskError, match="already_escalated"):
        desk.escalate(officer, zone)


def _departure(vessel):
    from datetime import date

    from lienthong.port.checks import DepartureContext, vms_watch

    return vms_watch(DepartureContext(vessel=vessel, departure_date=date(2026, 12, 1), return_date=date(2026, 12, 5),
                                      zone="offshore", gear="trawl", people=[]), {"min_length_m": 15})


def test_the_departure_rule_refuses_an_open_breach_and_a_device_still_silent(store, fleet, officer):
    from lienthong.vms import evaluate

    assert _departure(fleet["big"]).status == "passed"
    store([("KG-90002-TS", at(5), IN_FORBIDDEN), ("KG-90002-TS", at(3), SEA)])
    refused = _departure(fleet["other"])
    assert refused.status == "failed" and "vùng" in refused.message and refused.details
    desk.close(officer, Alert.objects.get(vessel=fleet["other"]), "Đã lập biên bản")
    assert _departure(fleet["other"]).status == "passed"
    store([("KG-90001-TS", at(10), SEA)], now=at(9))
    evaluate.sweep(at(0))
    assert _departure(fleet["big"]).status == "failed"  # the device silent at sea, not repaired
    assert _departure(fleet["small"]).status == "not_applicable"

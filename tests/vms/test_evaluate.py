"""Alerts as positions arrive: a silence at sea, a zone breach, the silence the clock alone opens, a late position
that disproves an alert, escalation when due."""
from __future__ import annotations

from datetime import timedelta

from lienthong.vms import evaluate
from lienthong.vms.models import Alert, AlertState, StepKind

from .conftest import IN_FORBIDDEN, NOW, OUTSIDE, PORT, SEA, at


def _kinds(vessel=None):
    qs = Alert.objects.exclude(withdrawn=True).order_by("started_at", "kind")
    if vessel is not None:
        qs = qs.filter(vessel=vessel)
    return [(a.kind, a.started_at, a.ended_at) for a in qs]


def test_a_silence_at_sea_raises_a_gap_alert_ended_by_the_next_position(store, fleet):
    out = store([("KG-90001-TS", at(14), SEA), ("KG-90001-TS", at(12), SEA), ("KG-90001-TS", at(2), SEA)])
    assert out.alerts_opened == 1
    assert _kinds() == [("gap_over_6h", at(12) + timedelta(hours=6), at(2))]
    alert = Alert.objects.get()
    assert alert.escalate_at == alert.started_at + timedelta(hours=24)
    assert [s.kind for s in alert.steps.all()] == [StepKind.OPENED]


def test_a_silence_in_port_raises_nothing(store):
    store([("KG-90001-TS", at(30), PORT), ("KG-90001-TS", at(2), PORT)])
    assert _kinds() == []


def test_the_clock_alone_opens_a_silence_and_then_the_ten_day_one(store, fleet, clock):
    store([("KG-90001-TS", at(9), SEA), ("KG-90002-TS", at(9), PORT)], now=at(8))
    assert _kinds() == []
    assert evaluate.sweep(NOW) == 1  # 9 hours since the last position at sea; the one in port stays quiet
    assert _kinds() == [("gap_over_6h", at(9) + timedelta(hours=6), None)]
    assert evaluate.sweep(NOW) == 0  # raised once
    later = NOW + timedelta(days=11)
    assert evaluate.sweep(later) == 1
    assert [k for k, _s, _e in _kinds()] == ["gap_over_6h", "gap_over_10d"]
    store([("KG-90001-TS", later, SEA)], now=later)
    assert all(end == later for _k, _s, end in _kinds())  # the signal back ends both


def test_a_forbidden_zone_is_that_breach_only_and_outside_the_allowed_area_is_another(store, fleet):
    store([("KG-90003-TS", at(6), SEA), ("KG-90003-TS", at(5), IN_FORBIDDEN), ("KG-90003-TS", at(4), IN_FORBIDDEN),
           ("KG-90003-TS", at(3), SEA), ("KG-90003-TS", at(2), OUTSIDE), ("KG-90003-TS", at(1), OUTSIDE)])
    got = _kinds(fleet["small"])  # zone rules apply to a boat of any length
    assert got == [("inside_forbidden_zone", at(5), at(3)), ("outside_allowed_zone", at(2), None)]
    zone = Alert.objects.get(kind="inside_forbidden_zone")
    assert zone.zone_code == "MPA-1" and zone.escalate_at == at(5) + timedelta(hours=12)


def test_positions_that_arrive_late_extend_an_episode_or_withdraw_an_alert(store, fleet):
    store([("KG-90001-TS", at(20), SEA), ("KG-90001-TS", at(2), SEA)])
    assert [k for k, _s, _e in _kinds()] == ["gap_over_6h"]
    store([("KG-90001-TS", at(15), SEA), ("KG-90001-TS", at(10), SEA), ("KG-90001-TS", at(5), SEA)])
    assert _kinds() == []  # the device reported all along: the feed was late
    alert = Alert.objects.get()
    assert alert.withdrawn and alert.state == AlertState.CLOSED
    assert [s.kind for s in alert.steps.all()] == [StepKind.OPENED, StepKind.WITHDRAWN]
    # a zone run that a late position continues stays one episode
    store([("KG-90002-TS", at(8), IN_FORBIDDEN), ("KG-90002-TS", at(4), SEA)])
    store([("KG-90002-TS", at(6), IN_FORBIDDEN)])
    assert _kinds(fleet["other"]) == [("inside_forbidden_zone", at(8), at(4))]


def test_an_alert_still_going_on_escalates_when_due_and_an_ended_one_waits_for_the_officer(store, fleet):
    store([("KG-90001-TS", at(40), SEA)], now=at(40))
    evaluate.sweep(NOW)  # silent 40 h at sea: the alert started 34 h ago
    store([("KG-90002-TS", at(40), SEA), ("KG-90002-TS", at(20), SEA)])  # ended 20 h ago
    assert evaluate.escalate_due(NOW) == 1
    escalated = Alert.objects.get(state=AlertState.ESCALATED)
    assert escalated.vessel == fleet["big"]
    assert escalated.steps.last().kind == StepKind.ESCALATE and escalated.steps.last().by is None
    assert evaluate.escalate_due(NOW) == 0


def test_the_desk_lists_big_vessels_without_a_device_or_silent_away_from_port(store, fleet):
    from lienthong.fleet.models import Vessel

    Vessel.objects.create(registration_number="KG-90004-TS", reg_key="KG90004TS", length_m=18)  # no device
    store([("KG-90001-TS", at(30), SEA), ("KG-90002-TS", at(30), PORT)], now=at(29))
    got = {(u.registration_number, u.reason) for u in evaluate.unreported_vessels(NOW)}
    assert got == {("KG-90004-TS", "no_device"), ("KG-90001-TS", "silent")}

from __future__ import annotations

import random
from datetime import UTC, timedelta

from lienthong.monitoring.episodes import GAP_6H, GAP_10D, INSIDE_FORBIDDEN, OUTSIDE_ALLOWED, evaluate_vessel, unreported, window_start
from lienthong.monitoring.thresholds import Thresholds

from .conftest import FORBIDDEN, FORBIDDEN_OUTSIDE, OUTSIDE, PORT, SEA, T0, track


def run(world, steps, now_h, length=20.0):
    ports, zones, th = world
    times, lat, lon = track(*steps)
    return evaluate_vessel("KG-91234-TS", times, lat, lon, length, ports, zones, th, T0 + timedelta(hours=now_h))


def test_a_silence_at_sea_is_a_gap_from_six_hours_on_and_ends_at_the_next_position(world):
    eps = run(world, [(0, SEA), (2, SEA), (10, SEA), (12, SEA)], 12)
    assert [(e.kind, e.start, e.end) for e in eps] == [(GAP_6H, T0 + timedelta(hours=8), T0 + timedelta(hours=10))]
    assert "9.8000, 104.8000" in eps[0].detail


def test_a_silence_in_port_is_no_gap(world):
    assert run(world, [(0, SEA), (2, PORT), (40, PORT), (42, SEA)], 42) == []


def test_a_silence_reaching_now_is_an_open_gap_and_six_hours_exactly_is_none(world):
    assert run(world, [(0, SEA)], 6) == []
    eps = run(world, [(0, SEA)], 6.5)
    assert [(e.kind, e.start, e.end) for e in eps] == [(GAP_6H, T0 + timedelta(hours=6), None)]


def test_a_twelve_day_silence_is_both_gap_kinds(world):
    eps = run(world, [(0, SEA), (12 * 24, SEA)], 12 * 24)
    assert sorted((e.kind, e.start) for e in eps) == [(GAP_10D, T0 + timedelta(days=10)), (GAP_6H, T0 + timedelta(hours=6))]
    assert all(e.end == T0 + timedelta(days=12) for e in eps)


def test_gap_rules_skip_short_vessels_but_not_unknown_lengths(world):
    steps = [(0, SEA), (8, SEA)]
    assert run(world, steps, 8, length=12.0) == []
    assert [e.kind for e in run(world, steps, 8, length=None)] == [GAP_6H]


def test_consecutive_positions_in_a_forbidden_zone_are_one_episode_and_not_also_outside_allowed(world):
    eps = run(world, [(0, SEA), (2, FORBIDDEN), (4, FORBIDDEN), (6, FORBIDDEN), (8, SEA), (10, FORBIDDEN)], 10)
    assert [(e.kind, e.start, e.end, e.zone_code) for e in eps] == [
        (INSIDE_FORBIDDEN, T0 + timedelta(hours=2), T0 + timedelta(hours=8), "ND"),
        (INSIDE_FORBIDDEN, T0 + timedelta(hours=10), None, "ND"),
    ]
    assert "Vùng cấm Nam Du" in eps[0].detail


def test_a_forbidden_zone_outside_the_allowed_one_is_that_breach_only(world):
    eps = run(world, [(0, OUTSIDE), (2, FORBIDDEN_OUTSIDE), (4, FORBIDDEN_OUTSIDE), (6, SEA)], 6)
    assert [(e.kind, e.start, e.end, e.zone_code) for e in eps] == [
        (OUTSIDE_ALLOWED, T0, T0 + timedelta(hours=2), ""),
        (INSIDE_FORBIDDEN, T0 + timedelta(hours=2), T0 + timedelta(hours=6), "BG"),
    ]


def test_outside_the_allowed_zone_merges_and_a_port_ends_it(world):
    eps = run(world, [(0, OUTSIDE), (2, OUTSIDE), (4, PORT), (5, OUTSIDE)], 5)
    assert [(e.kind, e.start, e.end) for e in eps] == [
        (OUTSIDE_ALLOWED, T0, T0 + timedelta(hours=4)), (OUTSIDE_ALLOWED, T0 + timedelta(hours=5), None)]


def test_unsorted_duplicated_and_late_positions_give_the_same_episodes(world):
    steps = [(0, SEA), (2, FORBIDDEN), (4, FORBIDDEN), (13, OUTSIDE), (15, SEA), (17, PORT)]
    expected = run(world, steps, 20)
    assert [e.kind for e in expected] == [INSIDE_FORBIDDEN, GAP_6H, OUTSIDE_ALLOWED]
    shuffled = steps + steps[1:3]
    random.Random(4).shuffle(shuffled)
    assert run(world, shuffled, 20) == expected


def test_offsets_name_the_same_instants(world):
    ports, zones, th = world
    times, lat, lon = track((0, SEA), (9, SEA))
    in_utc = [t.astimezone(UTC) for t in times]
    now = T0 + timedelta(hours=9)
    a = evaluate_vessel("X", times, lat, lon, 20.0, ports, zones, th, now)
    b = evaluate_vessel("X", in_utc, lat, lon, 20.0, ports, zones, th, now.astimezone(UTC))
    assert a == b and len(a) == 1


def test_incremental_window_gives_the_stored_episodes_back(world):
    ports, zones, th = world
    steps = [(h, FORBIDDEN if 20 <= h <= 30 else SEA) for h in range(0, 40, 2)]
    times, lat, lon = track(*steps)
    everything = evaluate_vessel("X", times, lat, lon, 20.0, ports, zones, th, times[-1])
    # positions from hour 26 on arrive late: re-evaluate from the window and replace episodes starting in it
    stored = evaluate_vessel("X", times[:13], lat[:13], lon[:13], 20.0, ports, zones, th, times[-1])
    w = window_start(times[:13], times[13], stored)
    assert w == T0 + timedelta(hours=20)
    keep = [i for i, t in enumerate(times) if t >= w]
    fresh = evaluate_vessel("X", [times[i] for i in keep], [lat[i] for i in keep], [lon[i] for i in keep], 20.0,
                            ports, zones, th, times[-1])
    merged = [e for e in stored if e.start < w] + [e for e in fresh if e.start >= w]
    assert merged == everything


def test_unreported_lists_silent_vessels_at_sea_and_those_without_a_device(world):
    ports, _zones, th = world
    now = T0 + timedelta(hours=30)
    vessels = {"A": (20.0, True), "B": (20.0, True), "C": (20.0, False), "D": (10.0, True), "E": (None, True)}
    last = {"A": (T0, *SEA), "B": (T0, *PORT), "D": (T0, *SEA)}
    assert [(x.registration_number, x.reason) for x in unreported(vessels, last, ports, th, now)] == [
        ("A", "silent"), ("C", "no_device"), ("E", "no_position")]


def test_thresholds_round_trip_as_data():
    th = Thresholds(gap_at_sea=timedelta(hours=4))
    assert Thresholds.from_json(th.to_json()) == th
    assert th.to_dict()["gap_at_sea_hours"] == 4

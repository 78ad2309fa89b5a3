"""The pure evaluation: positions in, alert episodes out. No database, no clock: `now` is an argument.

Semantics (thresholds at their defaults; see thresholds.Thresholds):

- Positions are deduplicated on (vessel, time): of several positions at one instant one is kept, the same whatever
  the input order (the smallest latitude, then longitude: identical duplicates are the usual case and any choice
  fits them). They are taken in time order; positions later than `now` are not seen.
- A position is *at sea* when it is outside every port's radius (haversine; geometry.Ports).
- `gap_over_6h`: the last position before a silence was at sea, and the next position (or `now`, when none came
  yet) is more than 6 h later. start = that position's time + 6 h, the moment the rule is breached; end = the time
  of the next position, None while the silence lasts. `gap_over_10d` likewise with 10 days: a 12-day silence is
  both a 6-hour and a 10-day episode. A silence that starts in port is no alert (a vessel at home may switch off).
  Gap rules apply to vessels of 15 m and over, and to vessels of unknown length: a vessel that sends VMS positions
  carries a device, and a registry with a length missing must not silence its alerts.
- `inside_forbidden_zone`: consecutive at-sea positions inside one forbidden zone merge into one episode; start =
  the first position inside, end = the first position after it that is not inside (in port, elsewhere at sea, or in
  another forbidden zone, which starts its own episode), None when the last position is still inside.
- `outside_allowed_zone`: the same for at-sea positions outside every allowed zone and inside no forbidden zone (a
  position in a forbidden zone is that breach only). No allowed zone given: nothing to leave, no such episode.
- Positions in port break nothing and end a zone episode. Zone rules apply to every vessel whatever its length.

The episode key is (registration_number, kind, start): stable across re-evaluations of the same positions, so the
caller reconciles stored episodes with fresh ones by it (insert the new keys, update the end and detail of the
known ones, close or delete the stored ones the fresh evaluation no longer gives).

Incremental use (the Django app, on each batch of ingested positions of one vessel): a new position at time T only
changes the silence around T and the zone run around T. Re-evaluate with the vessel's positions from a window start
W = the earlier of (a) the time of its last stored position before the earliest new one, and (b) the start of any
stored zone episode still open or ending after that position (the run it may extend) — `window_start` computes it.
The fresh episodes with start >= W replace the stored episodes with start >= W; the stored ones starting before W
are untouched by the new positions. Call it again without new positions (e.g. every minute) to open the gaps that
`now` has reached.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import numpy as np

from .geometry import Placement, Ports, Zones, place
from .thresholds import Thresholds

__all__ = [
    "GAP_6H", "GAP_10D", "OUTSIDE_ALLOWED", "INSIDE_FORBIDDEN", "KINDS", "Episode", "NoSignal",
    "evaluate_vessel", "evaluate_fleet", "window_start", "unreported", "to_micros", "from_micros", "LOCAL",
]

GAP_6H, GAP_10D = "gap_over_6h", "gap_over_10d"
OUTSIDE_ALLOWED, INSIDE_FORBIDDEN = "outside_allowed_zone", "inside_forbidden_zone"
KINDS = (GAP_6H, GAP_10D, OUTSIDE_ALLOWED, INSIDE_FORBIDDEN)
ZONE_KINDS = (OUTSIDE_ALLOWED, INSIDE_FORBIDDEN)
LOCAL = timezone(timedelta(hours=7), "+07")  # Asia/Ho_Chi_Minh: no daylight saving since 1975
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact: arrays of them sort and compare)."""
    if moment.tzinfo is None:
        raise ValueError(f"thời điểm {moment.isoformat()} thiếu múi giờ")
    return (moment - _EPOCH) // _US


def from_micros(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(us))


@dataclass(frozen=True)
class Episode:
    registration_number: str
    kind: str
    start: datetime
    end: datetime | None  # None: still going on at `now`
    detail: str
    zone_code: str = ""  # the forbidden zone of an inside_forbidden_zone episode
    latitude: float = math.nan  # the position the episode is about: the last before a silence, the first in a zone
    longitude: float = math.nan

    @property
    def key(self) -> tuple[str, str, datetime]:
        return (self.registration_number, self.kind, self.start)

    def escalates_at(self, thresholds: Thresholds = Thresholds()) -> datetime:
        """When the duty desk escalates the episode if it is still open: 24 h, 12 h after a zone breach."""
        after = thresholds.escalate_after_zone if self.kind in ZONE_KINDS else thresholds.escalate_after
        return self.start + after


def _local(us: int) -> str:
    return from_micros(us).astimezone(LOCAL).strftime("%d/%m/%Y %H:%M")


def _where(lat: float, lon: float) -> str:
    return f"{lat:.4f}, {lon:.4f}"


def _gap_requirement(length_m: float | None, thresholds: Thresholds) -> bool:
    return length_m is None or (isinstance(length_m, float) and math.isnan(length_m)) or length_m >= thresholds.min_length_m


def _episodes(names: Sequence[str], codes: np.ndarray, t: np.ndarray, lat: np.ndarray, lon: np.ndarray,
              placed: Placement, required: np.ndarray, zones: Zones, thresholds: Thresholds, now_us: int) -> list[Episode]:
    """Episodes of positions already sorted by (vessel code, time), deduplicated, none after now."""
    n = len(t)
    out: list[Episode] = []
    if not n:
        return out
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = codes[1:] == codes[:-1]
    next_t = np.where(same_next, np.roll(t, -1), now_us)
    silence = next_t - t
    at_sea = placed.at_sea
    for kind, limit in ((GAP_6H, thresholds.gap_at_sea), (GAP_10D, thresholds.long_gap)):
        limit_us = limit // _US
        for i in np.flatnonzero(at_sea & required[codes] & (silence > limit_us)):
            end = from_micros(next_t[i]) if same_next[i] else None
            out.append(Episode(names[codes[i]], kind, from_micros(t[i] + limit_us), end,
                               f"mất tín hiệu trên biển; vị trí cuối {_where(lat[i], lon[i])} lúc {_local(t[i])}",
                               "", float(lat[i]), float(lon[i])))
    # Zone state per position: -1 none, 0 outside every allowed zone, k + 1 inside forbidden zone k.
    state = np.where(at_sea & (placed.forbidden >= 0), placed.forbidden + 1, np.where(at_sea & ~placed.allowed, 0, -1))
    first = np.ones(n, dtype=bool)
    first[1:] = (codes[1:] != codes[:-1]) | (state[1:] != state[:-1])
    starts = np.flatnonzero(first)
    after = np.append(starts[1:], n)
    for s, e in zip(starts, after):
        if state[s] < 0:
            continue
        end = from_micros(t[e]) if e < n and codes[e] == codes[s] else None
        if state[s] == 0:
            kind, code, detail = OUTSIDE_ALLOWED, "", f"ngoài vùng được phép khai thác; vị trí đầu {_where(lat[s], lon[s])}"
        else:
            zone = zones.forbidden[state[s] - 1]
            kind, code, detail = INSIDE_FORBIDDEN, zone.code, f"trong vùng cấm {zone.name} ({zone.code}); vị trí đầu {_where(lat[s], lon[s])}"
        out.append(Episode(names[codes[s]], kind, from_micros(t[s]), end, detail, code, float(lat[s]), float(lon[s])))
    out.sort(key=lambda ep: (ep.registration_number, ep.start, KINDS.index(ep.kind)))
    return out


def evaluate_fleet(vessels: np.ndarray, times_us: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                   lengths: Mapping[str, float | None], ports: Ports, zones: Zones, thresholds: Thresholds,
                   now: datetime) -> list[Episode]:
    """Every vessel's episodes from arrays of positions in any order (registration numbers, aware times as
    to_micros integers, latitudes, longitudes): deduplicated, placed once for all positions (the vectorised part),
    then grouped by vessel. A vessel not in `lengths` has an unknown length (gap rules apply)."""
    names, codes = np.unique(np.asarray(vessels, dtype=str), return_inverse=True)
    t = np.asarray(times_us, dtype=np.int64)
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    now_us = to_micros(now)
    order = np.lexsort((lon, lat, t, codes))
    codes, t, lat, lon = codes[order], t[order], lat[order], lon[order]
    keep = t <= now_us
    keep[1:] &= (codes[1:] != codes[:-1]) | (t[1:] != t[:-1])
    codes, t, lat, lon = codes[keep], t[keep], lat[keep], lon[keep]
    required = np.array([_gap_requirement(lengths.get(name), thresholds) for name in names], dtype=bool)
    names = [str(x) for x in names]
    return _episodes(names, codes, t, lat, lon, place(lat, lon, ports, zones), required, zones, thresholds, now_us)


def evaluate_vessel(registration_number: str, times: Sequence[datetime], lat: Sequence[float], lon: Sequence[float],
                    length_m: float | None, ports: Ports, zones: Zones, thresholds: Thresholds,
                    now: datetime) -> list[Episode]:
    """One vessel's episodes over the positions given (any order, duplicates allowed; aware datetimes). The
    episodes are those the positions of the window show: see the module's note for choosing the window."""
    n = len(times)
    if not (n == len(lat) == len(lon)):
        raise ValueError("times, lat và lon phải cùng độ dài")
    us = np.fromiter((to_micros(x) for x in times), dtype=np.int64, count=n)
    return evaluate_fleet(np.full(n, registration_number, dtype=object).astype(str), us, np.asarray(lat, float),
                          np.asarray(lon, float), {registration_number: length_m}, ports, zones, thresholds, now)


def window_start(stored_times: Iterable[datetime], earliest_new: datetime,
                 stored_episodes: Iterable[Episode] = ()) -> datetime:
    """Where the re-evaluation of one vessel after new positions (the earliest at `earliest_new`) must start: its
    last stored position before them, or earlier, the start of a stored zone episode that position may extend."""
    before = [x for x in stored_times if x < earliest_new]
    start = max(before) if before else earliest_new
    for ep in stored_episodes:
        if ep.kind in ZONE_KINDS and ep.start <= start and (ep.end is None or ep.end >= start):
            start = min(start, ep.start)
    return start


@dataclass(frozen=True)
class NoSignal:
    registration_number: str
    reason: str  # "no_device" | "no_position" | "silent"
    last_time: datetime | None
    detail: str


def unreported(vessels: Mapping[str, tuple[float | None, bool]], last_positions: Mapping[str, tuple[datetime, float, float]],
               ports: Ports, thresholds: Thresholds, now: datetime) -> list[NoSignal]:
    """The duty desk's list of vessels of 15 m and over (unknown length: listed too) that carry no device, or that
    sent no position in the last 24 hours while not in port (their last position at sea, or none at all).
    `vessels`: registration number → (length, has a device); `last_positions`: → (time, latitude, longitude)."""
    out = []
    for reg in sorted(vessels):
        length, has_device = vessels[reg]
        if not _gap_requirement(length, thresholds):
            continue
        last = last_positions.get(reg)
        if not has_device:
            out.append(NoSignal(reg, "no_device", last[0] if last else None, "tàu từ 15 m trở lên chưa lắp thiết bị giám sát"))
        elif last is None:
            out.append(NoSignal(reg, "no_position", None, "chưa có vị trí nào"))
        elif now - last[0] > thresholds.no_signal:
            in_port = ports.port_of(np.array([last[1]]), np.array([last[2]]))[0] >= 0
            if not in_port:
                out.append(NoSignal(reg, "silent", last[0], f"không có vị trí trong {thresholds.no_signal / timedelta(hours=1):g} giờ; "
                                                            f"vị trí cuối {_where(last[1], last[2])} lúc {_local(to_micros(last[0]))}"))
    return out

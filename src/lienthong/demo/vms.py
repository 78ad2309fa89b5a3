"""A month of VMS positions for the demo fleet's vessels of 15 m and over, with the outages and breaches injected
and their truth: what a duty officer watching the feed would call an alert.

Geography (An Giang's sea is the Gulf of Thailand; coordinates approximate): the fishing ports, an allowed area
(Vietnam's waters of the Gulf, roughly), three forbidden areas (the Phú Quốc marine protected area's northern and
An Thới zones, a seasonal closure around the Nam Du islands). A trip leaves port, steams at about 8 knots to a
fishing ground inside the allowed area, fishes there for days (a random walk), and steams home; the device reports
every ~2 hours (Decree 37/2024) with jitter. In port, half the vessels keep reporting, the others fall silent
after their arrival report until they leave. The feed as providers send it: times in +07:00, Z or +00:00, some
rows sent twice, some sent late (out of order).

Injected, on chosen trips: device outages at sea (7 hours to 12 days), a trip to fish inside a forbidden area, a
trip to fish outside the allowed area (Cambodian, Thai, Malaysian waters). Normal routes and grounds are drawn
away from the forbidden areas, the boundary and the land, so a breach is only where one was injected.

truth.csv (`registration_number,kind,start,end`): an outage is the silence the officer sees, from the last report
before it (at sea) to the next report (or none by the feed's last report): `gap_over_6h` from 6 hours in, and
`gap_over_10d` too when it lasted over 10 days; a breach trip is the time the vessel's true track (sampled every 5
minutes, not its reports) spent inside the forbidden area, or outside the allowed one. Deterministic for a seed.
"""
from __future__ import annotations

import bisect
import csv
import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import shapely
from shapely.geometry import LineString, Point, Polygon, box

__all__ = ["PORTS", "DemoVessel", "VmsFiles", "synthetic_fleet", "fleet_from_registry", "write_vms", "zones_geojson"]

VN = timezone(timedelta(hours=7))
KNOT_KMH = 1.852
KM_PER_DEG = 111.2
# code, name, latitude, longitude, radius km
PORTS = (
    ("RG", "Cảng cá Rạch Giá", 10.010, 105.075, 3.0),
    ("TC", "Cảng cá Tắc Cậu", 9.870, 105.105, 3.0),
    ("AT", "Cảng cá An Thới", 10.020, 104.010, 2.5),
    ("HT", "Cảng cá Hà Tiên", 10.380, 104.480, 2.5),
    ("HS", "Cảng cá Hòn Sơn", 9.800, 104.630, 2.0),
    ("TCH", "Cảng cá Thổ Châu", 9.300, 103.480, 2.0),
    ("HTR", "Cảng cá Hòn Tre", 9.965, 104.845, 2.0),
    ("XN", "Cảng cá Xẻo Nhàu", 9.720, 104.990, 2.5),
)
_PORT_BY_NAME = {name.removeprefix("Cảng cá "): code for code, name, *_ in PORTS}
_PORT_BY_NAME.update({"Bình An": "TC", "Mũi Gành Dầu": "AT"})  # near ports of the registry not drawn here
ALLOWED = Polygon([(105.40, 10.50), (104.45, 10.45), (104.05, 10.52), (103.60, 10.40), (103.30, 9.95), (102.90, 9.60),
                   (102.90, 9.00), (103.40, 8.30), (104.20, 7.90), (104.80, 8.50), (105.40, 8.60)])
FORBIDDEN = (
    ("KBTB-PQ-BAC", "Khu bảo tồn biển Phú Quốc (vùng lõi phía Bắc)", box(103.68, 10.18, 103.80, 10.32)),
    ("KBTB-PQ-ANTHOI", "Khu bảo tồn biển Phú Quốc (quần đảo An Thới)", box(103.93, 9.84, 104.06, 9.95)),
    ("CAM-NAMDU", "Vùng cấm khai thác có thời hạn quần đảo Nam Du", box(104.30, 9.62, 104.42, 9.72)),
)
# Rough land, only to keep grounds and routes at sea: the mainland coast from Hà Tiên to Cà Mau, and Phú Quốc.
LAND = shapely.union(Polygon([(104.48, 10.38), (104.85, 10.15), (105.08, 10.01), (105.05, 9.60), (104.85, 9.00),
                              (104.72, 8.60), (105.6, 8.6), (105.6, 10.7), (104.48, 10.7)]),
                     Polygon([(103.84, 10.43), (104.05, 10.35), (104.08, 10.05), (104.00, 10.00), (103.92, 10.20)]))
OUTSIDE_GROUNDS = ((103.45, 10.60), (102.50, 9.50), (102.40, 8.90), (103.70, 7.50))
STEAM_KN = 8.0


def zones_geojson() -> dict:
    def feature(kind, code, name, geom):
        return {"type": "Feature", "properties": {"kind": kind, "code": code, "name": name},
                "geometry": shapely.geometry.mapping(geom)}
    features = [feature("allowed", "VN-VINH-TL", "Vùng biển Việt Nam trong vịnh Thái Lan (được phép khai thác)", ALLOWED)]
    features += [feature("forbidden", code, name, geom) for code, name, geom in FORBIDDEN]
    return {"type": "FeatureCollection", "features": json.loads(json.dumps(features))}


@dataclass(frozen=True)
class DemoVessel:
    registration_number: str
    length_m: float
    home_port: str  # a PORTS code
    has_device: bool = True


@dataclass(frozen=True)
class VmsFiles:
    ports: Path
    zones: Path
    vessels: Path
    positions: Path
    truth: Path
    positions_written: int


def fleet_from_registry(rows: list[dict]) -> list[DemoVessel]:
    """The registry's vessels of 15 m and over (the registry's values dicts; a damaged length is skipped)."""
    out = []
    for values in rows:
        length = getattr(values.get("length_m"), "value", values.get("length_m"))
        if not isinstance(length, int | float) or length < 15:
            continue
        port = str(values.get("home_port") or "").removeprefix("Cảng cá ").strip()
        out.append(DemoVessel(str(values["registration_number"]), float(length), _PORT_BY_NAME.get(port, "RG"),
                              bool(values.get("vms_device_id"))))
    return out


def synthetic_fleet(count: int, seed: int = 20261101) -> list[DemoVessel]:
    """`count` vessels of 15 m and over for the bench, numbered as the registry numbers them."""
    rng = random.Random(f"{seed}:fleet")
    weights = {"RG": 25, "TC": 25, "AT": 15, "HT": 8, "HS": 8, "TCH": 4, "HTR": 8, "XN": 7}
    return [DemoVessel(f"KG-9{i:04d}-TS", round(rng.uniform(15, 34), 2),
                       rng.choices(list(weights), weights=list(weights.values()))[0]) for i in range(count)]


# --- geography helpers (degrees; the scale is a few tens of kilometres, where a flat map will do) -------------
def _km(lat0, lon0, lat1, lon1) -> float:
    dy = (lat1 - lat0) * KM_PER_DEG
    dx = (lon1 - lon0) * KM_PER_DEG * math.cos(math.radians((lat0 + lat1) / 2))
    return math.hypot(dx, dy)


def _deg(km: float) -> float:
    return km / KM_PER_DEG


_NO_GO = shapely.union_all([g for *_, g in FORBIDDEN])


def _route_clean(port, ground, *, into=None) -> bool:
    """The straight route from port to ground stays in the allowed area, off land and clear of forbidden areas
    (but the one it is sent into)."""
    line = LineString([(port[3], port[2]), ground])
    # Leaving the port: its first kilometres may cross the rough coastline.
    line = line.difference(Point(port[3], port[2]).buffer(_deg(8)))
    others = shapely.union_all([g for _, _, g in FORBIDDEN if g is not into]) if into is not None else _NO_GO
    if line.intersects(others.buffer(_deg(4))) or line.intersects(LAND):
        return False
    return into is not None or line.within(ALLOWED)


def _normal_grounds(rng: random.Random, port, count=60, radius_km=15.0) -> list[tuple[float, float]]:
    inner = ALLOWED.buffer(-_deg(radius_km + 5))
    keep_off = shapely.union(_NO_GO.buffer(_deg(radius_km + 6)), LAND.buffer(_deg(radius_km + 3)))
    minx, miny, maxx, maxy = inner.bounds
    grounds = []
    for _ in range(count * 200):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        pt = Point(lon, lat)
        if (inner.contains(pt) and not keep_off.contains(pt) and 20 < _km(port[2], port[3], lat, lon) < 260
                and _route_clean(port, (lon, lat))):
            grounds.append((lon, lat))
            if len(grounds) == count:
                break
    return grounds


# --- one vessel's month -----------------------------------------------------------------------------------------
@dataclass
class _Leg:
    t0: float  # seconds since the epoch
    t1: float
    a: tuple[float, float]  # (lat, lon) at t0
    b: tuple[float, float]
    in_port: bool


@dataclass
class _Trip:
    depart: float
    fish_start: float
    fish_end: float
    arrive: float
    kind: str  # "normal" | "forbidden" | "outside"
    target: object = None  # the forbidden zone's geometry, for the truth


class _Track:
    def __init__(self):
        self.legs: list[_Leg] = []
        self.starts: list[float] = []

    def add(self, leg: _Leg):
        self.legs.append(leg)
        self.starts.append(leg.t0)

    def at(self, t: float) -> tuple[float, float, bool, float, float]:
        """(lat, lon, in port, speed kn, course deg) at t."""
        leg = self.legs[max(0, bisect.bisect_right(self.starts, t) - 1)]
        f = 0.0 if leg.t1 <= leg.t0 else min(1.0, max(0.0, (t - leg.t0) / (leg.t1 - leg.t0)))
        lat = leg.a[0] + f * (leg.b[0] - leg.a[0])
        lon = leg.a[1] + f * (leg.b[1] - leg.a[1])
        km = _km(*leg.a, *leg.b)
        hours = (leg.t1 - leg.t0) / 3600 or 1
        course = math.degrees(math.atan2((leg.b[1] - leg.a[1]) * math.cos(math.radians(lat)), leg.b[0] - leg.a[0])) % 360
        return lat, lon, leg.in_port, km / hours / KNOT_KMH, course


def _walk(rng, track: _Track, t0: float, t1: float, centre: tuple[float, float], radius_km: float) -> tuple[float, float]:
    """Fishing: waypoints every 2 hours, a random walk kept within radius_km of the ground's centre."""
    pos = centre
    t = t0
    while t < t1:
        nxt = min(t1, t + 7200)
        dlat, dlon = rng.gauss(0, _deg(4)), rng.gauss(0, _deg(4))
        cand = (pos[0] + dlat, pos[1] + dlon)
        off = _km(centre[0], centre[1], *cand)
        if off > radius_km:  # pulled back inside the ground
            k = radius_km / off * 0.9
            cand = (centre[0] + (cand[0] - centre[0]) * k, centre[1] + (cand[1] - centre[1]) * k)
        track.add(_Leg(t, nxt, pos, cand, False))
        pos, t = cand, nxt
    return pos


def _vessel_month(rng: random.Random, port, grounds, start: float, end: float, plan: str):
    """The vessel's track and trips over [start, end); `plan` is the breach injected ("forbidden", "outside" or "")."""
    track, trips = _Track(), []
    home = (port[2], port[3])
    t = start
    first_departure = start + rng.uniform(0, 5 * 86400)
    track.add(_Leg(t, first_departure, home, home, True))
    t = first_departure
    breach_done = not plan
    while t < end:
        kind, target, radius = "normal", None, 15.0
        if not breach_done and t > start + 3 * 86400 and rng.random() < 0.5:
            kind = plan
        if kind != "normal" and t + 3 * 86400 > end - 86400:
            kind = "normal"  # no breach the month's end would cut: its truth must be whole
        into = None
        if kind == "forbidden":
            options = [(g, z) for _, _, z in FORBIDDEN for g in [(z.centroid.x, z.centroid.y)] if _route_clean(port, g, into=z)]
            if options:
                centre, target = rng.choice(options)
                radius, into = 2.5, target
            else:
                kind = "normal"
        elif kind == "outside":
            options = [g for g in OUTSIDE_GROUNDS if _route_clean(port, g, into=ALLOWED.boundary)]
            if options:
                centre, radius, into = rng.choice(options), 6.0, ALLOWED.boundary
            else:
                kind = "normal"
        if kind == "normal":
            centre = rng.choice(grounds)
        lat_c, lon_c = centre[1], centre[0]
        out_h = _km(*home, lat_c, lon_c) / (STEAM_KN * KNOT_KMH)
        fish_days = rng.uniform(0.5, 2.0) if kind != "normal" else rng.uniform(4, 16)
        fish_start = t + out_h * 3600
        fish_end = fish_start + fish_days * 86400
        track.add(_Leg(t, fish_start, home, (lat_c, lon_c), False))
        last = _walk(rng, track, fish_start, fish_end, (lat_c, lon_c), radius)
        back_from = fish_end
        if not _route_clean(port, (last[1], last[0]), into=into):
            # The straight way home would clip a forbidden area: back through the ground's centre, whose way is clear.
            back_from = fish_end + _km(*last, lat_c, lon_c) / (STEAM_KN * KNOT_KMH) * 3600
            track.add(_Leg(fish_end, back_from, last, (lat_c, lon_c), False))
            last = (lat_c, lon_c)
        arrive = back_from + _km(*last, *home) / (STEAM_KN * KNOT_KMH) * 3600
        track.add(_Leg(back_from, arrive, last, home, False))
        trips.append(_Trip(t, fish_start, fish_end, arrive, kind, target))
        if kind != "normal":
            breach_done = True
        t = arrive + rng.uniform(1, 4) * 86400
        track.add(_Leg(arrive, t, home, home, True))
    return track, trips


def _zone_truth(track: _Track, trip: _Trip, ports_xy) -> tuple[float, float] | None:
    """When the true track was inside the forbidden area (or outside the allowed one): 5-minute samples."""
    ts = [trip.depart + k * 300 for k in range(int((trip.arrive - trip.depart) / 300) + 1)]
    pts = [track.at(t) for t in ts]
    lon = [p[1] for p in pts]
    lat = [p[0] for p in pts]
    if trip.kind == "forbidden":
        inside = shapely.contains_xy(trip.target, lon, lat)
    else:
        inside = ~shapely.intersects_xy(ALLOWED, lon, lat) & ~shapely.contains_xy(_NO_GO, lon, lat)
    hits = [t for t, x in zip(ts, inside) if x]
    return (hits[0], hits[-1] + 300) if hits else None


def write_vms(out_dir: Path | str, fleet: list[DemoVessel], *, end: datetime = datetime(2026, 12, 1, tzinfo=VN),
              days: int = 30, seed: int = 20261101, outage_share: float = 0.12, forbidden_share: float = 0.04,
              outside_share: float = 0.04) -> VmsFiles:
    """ports.csv, zones.geojson, vessels.csv, positions.csv and truth.csv in out_dir (the demo's vms/ folder)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = VmsFiles(out / "ports.csv", out / "zones.geojson", out / "vessels.csv", out / "positions.csv",
                     out / "truth.csv", 0)
    with open(files.ports, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("port_code", "name", "latitude", "longitude", "radius_km"))
        w.writerows(PORTS)
    files.zones.write_text(json.dumps(zones_geojson(), ensure_ascii=False, indent=1), encoding="utf-8")
    with open(files.vessels, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("registration_number", "length_m"))
        w.writerows((v.registration_number, f"{v.length_m:g}") for v in fleet)

    rng = random.Random(f"{seed}:vms")
    start_s, end_s = (end - timedelta(days=days)).timestamp(), end.timestamp()
    ports = {p[0]: p for p in PORTS}
    grounds = {code: _normal_grounds(random.Random(f"{seed}:grounds:{code}"), p) for code, p in ports.items()}
    reports: list[tuple[float, str, float, float, float, float, int]] = []  # t, reg, lat, lon, speed, course, style
    outages: list[tuple[str, float, float]] = []
    breaches: list[tuple[str, str, float, float]] = []
    for v in fleet:
        if not v.has_device:
            continue
        vr = random.Random(f"{seed}:vessel:{v.registration_number}")
        roll = vr.random()
        plan = "forbidden" if roll < forbidden_share else "outside" if roll < forbidden_share + outside_share else ""
        port = ports[v.home_port]
        track, trips = _vessel_month(vr, port, grounds[v.home_port], start_s, end_s, plan)
        silent_in_port = vr.random() < 0.5
        style = vr.choices((0, 1, 2), weights=(60, 25, 15))[0]  # the provider's offset: +07:00, Z, +00:00
        off = None
        normal = [tr for tr in trips if tr.kind == "normal" and tr.fish_end - tr.fish_start > 86400 and tr.fish_start < end_s]
        if normal and vr.random() < outage_share:
            tr = vr.choice(normal)
            a = vr.uniform(tr.fish_start + 7200, (tr.fish_start + tr.fish_end) / 2)
            off = (a, a + math.exp(vr.uniform(math.log(7 * 3600), math.log(12 * 86400))))
        for tr in trips:
            if tr.kind != "normal":
                span = _zone_truth(track, tr, None)
                if span:
                    kind = "inside_forbidden_zone" if tr.kind == "forbidden" else "outside_allowed_zone"
                    breaches.append((v.registration_number, kind, *span))
        # Report instants: every ~2 hours, plus the arrival and the departure (devices log them).
        instants = []
        t = start_s + vr.uniform(0, 7200)
        while t < end_s:
            instants.append(t)
            t += vr.uniform(6300, 7500)
        instants += [tr.arrive for tr in trips if tr.arrive < end_s] + [tr.depart for tr in trips]
        instants.sort()
        kept = []
        for t in instants:
            lat, lon, in_port, speed, course = track.at(t)
            if in_port:
                if silent_in_port and not any(abs(t - tr.arrive) < 1 or abs(t - tr.depart) < 1 for tr in trips):
                    continue
                lat += vr.uniform(-0.003, 0.003)
                lon += vr.uniform(-0.003, 0.003)
                speed = 0.0
            if off and off[0] <= t <= off[1]:
                continue
            kept.append(t)
            reports.append((t, v.registration_number, lat, lon, speed, course, style))
        if off:
            before = [t for t in kept if t < off[0]]
            after = [t for t in kept if t > off[1]]
            outages.append((v.registration_number, before[-1], after[0] if after else math.nan))
    now = max(r[0] for r in reports)
    truth = list(breaches)
    for reg, last, nxt in outages:
        silence = (now if math.isnan(nxt) else nxt) - last
        for kind, limit in (("gap_over_6h", 6 * 3600), ("gap_over_10d", 10 * 86400)):
            if silence > limit:
                truth.append((reg, kind, last + limit, nxt))
    truth.sort(key=lambda x: (x[0], x[2], x[1]))
    with open(files.truth, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("registration_number", "kind", "start", "end"))
        for reg, kind, s, e in truth:
            w.writerow((reg, kind, _iso(s, 0), "" if math.isnan(e) else _iso(e, 0)))

    # The feed: in time order as sent, some rows twice, some late (held back and sent hours later).
    reports.sort(key=lambda r: r[0])
    rows = []
    for r in reports:
        rows.append(r)
        if rng.random() < 0.015:
            rows.append(r)
    late = [i for i in range(len(rows)) if rng.random() < 0.03]
    for i in reversed(late):
        row = rows.pop(i)
        rows.insert(min(len(rows), i + rng.randint(50, 5000)), row)
    with open(files.positions, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("registration_number", "time", "latitude", "longitude", "speed_knots", "course_deg"))
        for t, reg, lat, lon, speed, course, style in rows:
            w.writerow((reg, _iso(t, style), f"{lat:.5f}", f"{lon:.5f}", f"{speed:.1f}", f"{course:.0f}"))
    return VmsFiles(files.ports, files.zones, files.vessels, files.positions, files.truth, len(rows))


_STYLES = (VN, UTC, UTC)


def _iso(t: float, style: int) -> str:
    text = datetime.fromtimestamp(round(t), _STYLES[style]).isoformat()
    return text.replace("+00:00", "Z") if style == 1 else text

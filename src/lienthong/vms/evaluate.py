"""The rules run on the stored positions, as they arrive: new positions of some vessels → their episodes
re-evaluated over the window those positions can change (lienthong.monitoring.episodes: window_start), and the
stored alerts reconciled with them by key (vessel, kind, start): new episodes raised, ended ones given their end,
episodes the late positions disprove withdrawn. Once a minute the clock alone opens silences (`sweep`) and
escalates what fell due (`escalate_due`)."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.fleet.models import Vessel
from lienthong.monitoring.episodes import GAP_6H, ZONE_KINDS, evaluate_fleet, to_micros
from lienthong.monitoring.geometry import Port, Ports, Zones, zones_from_geojson
from lienthong.monitoring.thresholds import Thresholds

from .areas import thresholds
from .models import Alert, AlertState, AlertStep, Harbour, Position, StepKind, Zone

CHUNK = 300  # vessels per query: the window's OR of (vessel, time) pairs stays a short statement


def ports() -> Ports:
    return Ports([Port(h.code, h.name, h.latitude, h.longitude, h.radius_km) for h in Harbour.objects.all()])


_zones_cache: dict[tuple, Zones] = {}


def zones() -> Zones:
    """The stored zones as shapely geometry, read again only when the zones change."""
    rows = list(Zone.objects.order_by("pk").values_list("pk", "code", "name", "kind", "geometry", "uploaded_at"))
    key = tuple((pk, at) for pk, _c, _n, _k, _g, at in rows)
    if key not in _zones_cache:
        _zones_cache.clear()
        _zones_cache[key] = zones_from_geojson({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": code, "name": name, "kind": kind}, "geometry": geometry}
            for _pk, code, name, kind, geometry, _at in rows]}, "zones")
    return _zones_cache[key]


def chunks(items, size=CHUNK):
    """`items` in lists of `size` (the vessels of one query, the rows of one insert)."""
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _last_before(earliest: dict[int, datetime]) -> dict[int, datetime]:
    """Each vessel's last stored position before its earliest new one (one index lookup per vessel, in SQL)."""
    out: dict[int, datetime] = {}
    adapt = connection.ops.adapt_datetimefield_value
    cast = "CAST(%s AS bigint), CAST(%s AS timestamptz)" if connection.vendor == "postgresql" else "%s, %s"
    for chunk in chunks(earliest.items()):
        values = ", ".join(f"({cast})" for _ in chunk)
        params = [x for v, t in chunk for x in (v, adapt(t))]
        with connection.cursor() as cursor:
            cursor.execute(f"""WITH e(vessel_id, t) AS (VALUES {values})
                               SELECT e.vessel_id, (SELECT p.id FROM vms_position p WHERE p.vessel_id = e.vessel_id
                                                    AND p.time < e.t ORDER BY p.time DESC LIMIT 1) FROM e""", params)
            ids = {pid: vid for vid, pid in cursor.fetchall() if pid is not None}
        for pid, t in Position.objects.filter(pk__in=ids).values_list("pk", "time"):
            out[ids[pid]] = t
    return out


def evaluate_new(earliest: dict[int, datetime], *, now: datetime) -> tuple[int, int]:
    """Re-evaluate these vessels (vessel id → the time of its earliest new position). Returns (alerts raised,
    alerts whose episode ended)."""
    if not earliest:
        return 0, 0
    rules, harbours, zone_set = thresholds(), ports(), zones()
    window = dict(earliest)
    window.update(_last_before(earliest))
    for v, started, ended in Alert.objects.filter(vessel_id__in=list(earliest), kind__in=ZONE_KINDS).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=min(window.values()))).values_list(
            "vessel_id", "started_at", "ended_at"):
        if started <= window[v] and (ended is None or ended >= window[v]):
            window[v] = started  # the zone run the first position may extend
    regs, times, lats, lons = [], [], [], []
    for chunk in chunks(window.items()):
        q = Q()
        for v, t in chunk:
            q |= Q(vessel_id=v, time__gte=t)
        for v, t, lat, lon in Position.objects.filter(q).values_list("vessel_id", "time", "latitude", "longitude"):
            regs.append(str(v))
            times.append(to_micros(t))
            lats.append(lat)
            lons.append(lon)
    lengths = {str(pk): (float(length) if isinstance(length, Decimal) else length)
               for pk, length in Vessel.objects.filter(pk__in=list(window)).values_list("pk", "length_m")}
    episodes = evaluate_fleet(np.array(regs, dtype=str), np.array(times, dtype=np.int64), np.array(lats, dtype=float),
                              np.array(lons, dtype=float), lengths, harbours, zone_set, rules, now)
    return _reconcile(window, episodes, rules, now)


def _reconcile(window: dict[int, datetime], episodes, rules: Thresholds, now: datetime) -> tuple[int, int]:
    fresh = {(int(ep.registration_number), ep.kind, ep.start): ep for ep in episodes
             if ep.start >= window[int(ep.registration_number)]}
    stored: dict[tuple, Alert] = {}
    for chunk in chunks(window.items()):
        q = Q()
        for v, t in chunk:
            q |= Q(vessel_id=v, started_at__gte=t)
        for alert in Alert.objects.filter(q).exclude(withdrawn=True):
            stored[(alert.vessel_id, alert.kind, alert.started_at)] = alert
    opened = ended = 0
    with transaction.atomic():
        new = [Alert(vessel_id=v, kind=kind, started_at=start, ended_at=ep.end,
                     latitude=None if np.isnan(ep.latitude) else ep.latitude,
                     longitude=None if np.isnan(ep.longitude) else ep.longitude, zone_code=ep.zone_code,
                     escalate_at=ep.escalates_at(rules))
               for (v, kind, start), ep in fresh.items() if (v, kind, start) not in stored]
        Alert.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            made = Alert.objects.filter(Q(*[Q(vessel_id=a.vessel_id, kind=a.kind, started_at=a.started_at)
                                            for a in new], _connector=Q.OR))
            AlertStep.objects.bulk_create([AlertStep(alert=a, kind=StepKind.OPENED, at=now) for a in made])
            opened = len(new)
        for key, alert in stored.items():
            ep = fresh.get(key)
            if ep is None:
                if alert.state != AlertState.CLOSED:
                    alert.withdrawn, alert.state = True, AlertState.CLOSED
                    alert.save(update_fields=["withdrawn", "state"])
                    AlertStep.objects.create(alert=alert, kind=StepKind.WITHDRAWN, at=now)
                    record(None, AuditAction.UPDATE, object_type="vms_alert", object_id=alert.pk,
                           summary=msg(gettext_noop("Alert withdrawn: later positions filled it")))
            elif ep.end != alert.ended_at:
                if alert.ended_at is None:
                    ended += 1
                    AlertStep.objects.create(alert=alert, kind=StepKind.ENDED, at=now, reported_at=ep.end)
                alert.ended_at = ep.end
                alert.save(update_fields=["ended_at"])
    return opened, ended


def last_positions(vessel_ids=None) -> dict[int, datetime]:
    qs = Position.objects.filter(vessel__isnull=False)
    if vessel_ids is not None:
        qs = qs.filter(vessel_id__in=list(vessel_ids))
    return dict(qs.values("vessel_id").annotate(last=Max("time")).values_list("vessel_id", "last"))


def sweep(now: datetime) -> int:
    """The silences the clock alone opens: a vessel whose last position lies more than the gap threshold ago and
    has no alert for that silence yet is evaluated from that position (its gap episodes then exist). Returns the
    alerts raised."""
    rules = thresholds()
    limit = now - rules.gap_at_sea
    quiet = {v: t for v, t in last_positions().items() if t < limit}
    if not quiet:
        return 0
    known = set(Alert.objects.filter(vessel_id__in=list(quiet), kind=GAP_6H, started_at__gt=limit - rules.long_gap
                                     - timedelta(days=30)).values_list("vessel_id", "started_at"))
    long_known = set(Alert.objects.filter(vessel_id__in=list(quiet), kind="gap_over_10d").values_list(
        "vessel_id", "started_at"))
    at_sea = set()
    for chunk in chunks(quiet.items()):
        rows = list(Position.objects.filter(Q(*[Q(vessel_id=v, time=t) for v, t in chunk], _connector=Q.OR))
                    .values_list("vessel_id", "latitude", "longitude"))
        if rows:
            where = ports().port_of(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
            at_sea.update(r[0] for r, port in zip(rows, where) if port < 0)
    todo = {}
    for v, t in quiet.items():
        if v not in at_sea:
            continue  # silent in port: no alert (a vessel at home may switch off)
        if (v, t + rules.gap_at_sea) not in known or (now - t > rules.long_gap and (v, t + rules.long_gap)
                                                       not in long_known):
            todo[v] = t + timedelta(microseconds=1)
    return evaluate_new(todo, now=now)[0] if todo else 0


def escalate_due(now: datetime) -> int:
    """Open alerts still going on whose escalation time passed (24 h, 12 h after a zone breach), not escalated yet
    (one whose episode ended — the signal back, the zone left — waits for the officer to close it, unescalated)."""
    due = list(Alert.objects.filter(state__in=(AlertState.NEW, AlertState.ACKNOWLEDGED), escalate_at__lte=now,
                                    withdrawn=False, ended_at__isnull=True))
    for alert in due:
        with transaction.atomic():
            alert.state = AlertState.ESCALATED
            alert.save(update_fields=["state"])
            AlertStep.objects.create(alert=alert, kind=StepKind.ESCALATE, at=now,
                                     note="tự động: quá hạn xử lý")
            record(None, AuditAction.UPDATE, object_type="vms_alert", object_id=alert.pk,
                   summary=msg(gettext_noop("Alert escalated: not closed in time")))
    return len(due)


def steps_by_alert(alerts) -> dict[int, list[AlertStep]]:
    out: dict[int, list[AlertStep]] = defaultdict(list)
    for step in AlertStep.objects.filter(alert__in=alerts).select_related("by"):
        out[step.alert_id].append(step)
    return out


def last_fixes(vessel_ids=None) -> dict[int, tuple[datetime, float, float]]:
    """Each vessel's last position: (time, latitude, longitude)."""
    items = list(last_positions(vessel_ids).items())
    out = {}
    for chunk in chunks(items):
        for v, t, lat, lon in Position.objects.filter(Q(*[Q(vessel_id=v, time=t) for v, t in chunk],
                                                        _connector=Q.OR)).values_list("vessel_id", "time",
                                                                                      "latitude", "longitude"):
            out[v] = (t, lat, lon)
    return out


def unreported_vessels(now: datetime):
    """The desk's list: vessels of 15 m and over (unknown length too) active in the registry that carry no device,
    never reported, or sent nothing for 24 hours while not in port (monitoring.episodes.unreported)."""
    from lienthong.monitoring.episodes import unreported

    rules = thresholds()
    vessels = {}
    by_reg = {}
    for pk, reg, length, device in Vessel.objects.filter(status="active").exclude(
            length_m__lt=rules.min_length_m).values_list("pk", "registration_number", "length_m", "vms_device_id"):
        vessels[reg] = (float(length) if length is not None else None, bool((device or "").strip()))
        by_reg[reg] = pk
    fixes = last_fixes(list(by_reg.values()))
    last = {reg: fixes[pk] for reg, pk in by_reg.items() if pk in fixes}
    return unreported(vessels, last, ports(), rules, now)

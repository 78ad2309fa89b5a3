"""The map's data (web/static/web/map/map.js reads it): zones, port areas, each vessel's last position with its worst open
alert, the tracks of a period, the alerts — positions only, no person's data. Times shown in Asia/Ho_Chi_Minh."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.fleet.models import Vessel

from .evaluate import chunks
from .models import OPEN_STATES, Alert, AlertKind, Harbour, Position, Zone

TRACK_LIMIT = 5000  # points per track drawn: a month of one vessel is ~360
SEVERITY = {AlertKind.INSIDE_FORBIDDEN: 4, AlertKind.OUTSIDE_ALLOWED: 3, AlertKind.GAP_10D: 2, AlertKind.GAP_6H: 1}


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def labels() -> dict[str, str]:
    """Every word map.js shows (its LABEL KEYS), in the reader's language."""
    return {"zone_allowed": _("Allowed fishing area"), "zone_forbidden": _("Forbidden area"), "port": _("Port area"),
            "vessel": _("Vessel (last position)"), "alert": _("Alert"), "last_position": _("Last position"),
            "track": _("Track"), "zones": _("Zones"), "ports": _("Ports"), "vessels": _("Vessels"),
            "tracks": _("Tracks"), "alerts": _("Alerts"), "legend": _("Legend"),
            "vessel_ok": _("Vessel, no open alert"), "vessel_gap": _("Vessel, lost signal"),
            "vessel_zone": _("Vessel, zone breach"), "land": _("Land"),
            "reg": _("Registration number"), "name": _("Vessel name"), "time": _("Time"), "speed": _("Speed"),
            "speed_unit": _("knots"), "course": _("Course (°)"), "radius_km": _("Radius (km)"), "start": _("Start"),
            "end": _("End"), "code": _("Code"), "details": _("Details")}


def build(*, start: datetime, end: datetime, vessel: Vessel | None = None, alert: Alert | None = None) -> dict:
    vessels_qs = Vessel.objects.all() if vessel is None else Vessel.objects.filter(pk=vessel.pk)
    open_alerts = list(Alert.objects.filter(state__in=OPEN_STATES, withdrawn=False, vessel__in=vessels_qs)
                       .select_related("vessel"))
    worst: dict[int, Alert] = {}
    for a in open_alerts:
        if a.vessel_id not in worst or SEVERITY[a.kind] > SEVERITY[worst[a.vessel_id].kind]:
            worst[a.vessel_id] = a
    last = dict(Position.objects.filter(vessel__in=vessels_qs, time__lte=end).values("vessel_id")
                .annotate(t=Max("time")).values_list("vessel_id", "t"))
    rows = []
    for chunk in chunks(last.items()):  # a short OR per statement (SQLite's expression depth)
        q = Q(*[Q(vessel_id=v, time=t) for v, t in chunk], _connector=Q.OR)
        rows += list(Position.objects.filter(q).select_related("vessel"))
    out_vessels = []
    for p in rows:
        a = worst.get(p.vessel_id)
        out_vessels.append({"reg": p.vessel.registration_number, "name": p.vessel.name, "lat": p.latitude,
                            "lon": p.longitude, "time": _when(p.time), "speed": p.speed_knots, "course": p.course_deg,
                            "alert": a.kind if a else None, "alert_label": a.get_kind_display() if a else "",
                            "url": reverse("vms:vessel", args=[p.vessel.registration_number])})
    tracks = []
    if vessel is not None:
        points = list(Position.objects.filter(vessel=vessel, time__gte=start, time__lte=end).order_by("time")
                      .values_list("latitude", "longitude", "time")[:TRACK_LIMIT])
        tracks.append({"reg": vessel.registration_number, "points": [[la, lo, _when(t)] for la, lo, t in points]})
    shown_alerts = Alert.objects.filter(withdrawn=False, vessel__in=vessels_qs, started_at__lte=end).exclude(
        ended_at__lt=start).select_related("vessel")
    if vessel is None:
        shown_alerts = shown_alerts.filter(state__in=OPEN_STATES)
    alerts = [{"id": a.pk, "reg": a.vessel.registration_number, "kind": a.kind, "label": a.get_kind_display(),
               "lat": a.latitude, "lon": a.longitude, "start": _when(a.started_at),
               "end": _when(a.ended_at) if a.ended_at else "", "url": reverse("vms:alert", args=[a.pk])}
              for a in shown_alerts[:2000] if a.latitude is not None]
    zones = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": z.kind, "code": z.code, "name": z.name}, "geometry": z.geometry}
        for z in Zone.objects.all()]}
    ports = [{"code": h.code, "name": h.name, "lat": h.latitude, "lon": h.longitude, "radius_km": h.radius_km}
             for h in Harbour.objects.all()]
    return {"zones": zones, "ports": ports, "vessels": out_vessels, "tracks": tracks, "alerts": alerts,
            "labels": labels()}

"""The places the rules read: the zones (a GeoJSON upload replaces them whole, checked by
lienthong.monitoring.geometry before anything is changed), the port areas and the thresholds; each change
audited."""
from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_watch_vessels
from lienthong.monitoring.errors import InputError
from lienthong.monitoring.geometry import zones_from_geojson
from lienthong.monitoring.inputs import read_ports
from lienthong.monitoring.thresholds import Thresholds

from .models import Harbour, RuleSet, Zone


def replace_zones(request_or_user, data: bytes | str, name: str) -> int:
    """All zones replaced by those of the file (InputError naming the file and the feature: nothing changed)."""
    user = getattr(request_or_user, "user", request_or_user)
    if not can_watch_vessels(user):
        raise PermissionError("zones")
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{name}: JSON hỏng ({exc})") from None
    zones = zones_from_geojson(parsed, name)
    geometry = {str((f.get("properties") or {}).get("code")).strip(): f["geometry"] for f in parsed["features"]}
    with transaction.atomic():
        Zone.objects.all().delete()
        Zone.objects.bulk_create([Zone(code=z.code, name=z.name, kind=z.kind, geometry=geometry[z.code],
                                       uploaded_by=user if getattr(user, "pk", None) else None) for z in zones.zones])
        record(request_or_user, AuditAction.IMPORT, object_type="vms_zone", object_id=name[:64],
               summary=msg(gettext_noop("Monitoring zones replaced from %(name)s (%(n)s zones)"), name=name[:80], n=len(zones)),
               detail={"codes": [z.code for z in zones.zones]})
    return len(zones)


def load_harbours(path) -> int:
    """The port areas from a P.csv (`port_code,name,latitude,longitude,radius_km`): added or updated by code."""
    ports = read_ports(path, thresholds())
    with transaction.atomic():
        for p in ports.ports:
            Harbour.objects.update_or_create(code=p.code, defaults={"name": p.name, "latitude": p.latitude,
                                                                    "longitude": p.longitude, "radius_km": p.radius_km})
    return len(ports)


def thresholds() -> Thresholds:
    latest = RuleSet.objects.first()
    return Thresholds.from_dict(latest.values) if latest else Thresholds()


def set_thresholds(request_or_user, values: dict) -> Thresholds:
    user = getattr(request_or_user, "user", request_or_user)
    if not can_watch_vessels(user):
        raise PermissionError("thresholds")
    rules = Thresholds.from_dict(values)
    RuleSet.objects.create(values=rules.to_dict(), changed_by=user)
    record(request_or_user, AuditAction.UPDATE, object_type="vms_rules", object_id="",
           summary=msg(gettext_noop("Monitoring thresholds changed")), detail=rules.to_dict())
    return rules

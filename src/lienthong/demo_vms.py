"""`lienthong demo-setup`'s vessel monitoring (beside demo_campaigns: it writes with lienthong.demo, which the
vms app sits below). The demo's vessel monitoring: the month of positions lienthong.demo.vms writes for the registry's vessels of 15 m
and over, ending now (so the demo's alerts are current whenever it is set up), loaded through the same ingest a
provider's file takes, then evaluated; the port areas and zones of the demo geography; a provider's API login."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from lienthong.fleet.models import Vessel
from lienthong.vms import areas, ingest
from lienthong.vms.evaluate import evaluate_new
from lienthong.vms.models import Alert, AlertStep, Position

PROVIDER = ("vms_nhacungcap", "Nhà cung cấp dịch vụ giám sát hành trình (chỉ dùng API)")
DAYS = 30
CHUNK = 50_000


CLOSING = {"gap_over_6h": "Đã gọi chủ tàu: thiết bị mất nguồn, tàu báo vị trí qua bộ đàm; tín hiệu đã có lại.",
           "gap_over_10d": "Tàu đã về bến, thay thiết bị giám sát hành trình.",
           "outside_allowed_zone": "Đã yêu cầu tàu quay về vùng được phép; chuyển hồ sơ xử lý vi phạm.",
           "inside_forbidden_zone": "Đã yêu cầu tàu rời vùng cấm; lập biên bản vi phạm."}


def _history(officer) -> None:
    """The desk's past weeks: an alert whose episode ended over a day ago was handled then (acknowledged, a call,
    closed two hours after it ended), as a duty desk that keeps up would have; the recent ones are left open. The
    steps bear their own times; the demo writes them as history, not through the desk's functions (which stamp
    now)."""
    # evaluated at setup, raised as the episodes began (as a live desk raises them within the minute)
    AlertStep.objects.filter(kind="opened").update(
        at=Subquery(Alert.objects.filter(pk=OuterRef("alert_id")).values("started_at")[:1]))
    if officer is None:
        return
    cutoff = timezone.now() - timedelta(days=1)
    steps = []
    for alert in Alert.objects.filter(ended_at__lt=cutoff, state="new", withdrawn=False):
        seen = min(alert.started_at + timedelta(minutes=20), alert.ended_at)
        done = alert.ended_at + timedelta(hours=2)
        steps += [AlertStep(alert=alert, kind="acknowledge", at=seen, by=officer),
                  AlertStep(alert=alert, kind="call", at=seen + timedelta(minutes=10), by=officer,
                            note="Gọi chủ tàu theo số điện thoại trong sổ đăng ký."),
                  AlertStep(alert=alert, kind="close", at=done, by=officer, note=CLOSING[alert.kind])]
    AlertStep.objects.bulk_create(steps)
    Alert.objects.filter(ended_at__lt=cutoff, state="new", withdrawn=False).update(state="closed")


@dataclass
class DemoVms:
    vessels: int
    positions: int
    alerts: int
    seconds: float


def setup_vms(files_dir: Path, password: str, *, days: int = DAYS) -> DemoVms:
    from lienthong.accounts.models import User
    from lienthong.demo.vms import _PORT_BY_NAME, DemoVessel, write_vms

    started = time.monotonic()
    provider, _ = User.objects.get_or_create(username=PROVIDER[0], defaults={"role": "vms_provider"})
    provider.role, provider.first_name = "vms_provider", PROVIDER[1]
    provider.set_password(password)
    provider.save()
    fleet = [DemoVessel(v.registration_number, float(v.length_m),
                        _PORT_BY_NAME.get((v.home_port or "").removeprefix("Cảng cá ").strip(), "RG"),
                        bool((v.vms_device_id or "").strip()))
             for v in Vessel.objects.filter(length_m__gte=15).order_by("registration_number")]
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    files = write_vms(Path(files_dir) / "vms", fleet, end=end, days=days)
    areas.load_harbours(files.ports)
    n_positions = 0
    if not Position.objects.exists():  # a re-run keeps the positions (append-only) and their alerts
        with open(files.zones, "rb") as fh:
            areas.replace_zones(User.objects.filter(role="fisheries").first() or provider, fh.read(), "zones.geojson")
        rows = ingest.rows_from_csv(files.positions.read_bytes(), files.positions.name)
        for i in range(0, len(rows), CHUNK):
            ingest.store(rows[i:i + CHUNK], source="demo", name=f"{files.positions.name} ({i // CHUNK + 1})",
                         provider=provider, evaluate=False)
        n_positions = len(rows)
        first = Position.objects.filter(vessel__isnull=False).values("vessel_id").annotate(t=Min("time"))
        evaluate_new({r["vessel_id"]: r["t"] - timedelta(microseconds=1) for r in first}, now=timezone.now())
        _history(User.objects.filter(role="fisheries").order_by("pk").first())
    return DemoVms(len(fleet), n_positions, Alert.objects.count(), time.monotonic() - started)

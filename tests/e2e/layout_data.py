"""Run in a demo site's environment (`python layout_data.py`) after `lienthong demo-setup` and a finished sync
run: builds the worklists and gives every kind of page something to show (trips in each state, an answered
worklist item, a VNFishbase export, a reminder), through the same domain functions the pages call."""
from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from lienthong.accounts.models import User  # noqa: E402
from lienthong.fleet.models import Vessel  # noqa: E402
from lienthong.port import services as port  # noqa: E402
from lienthong.port.models import Port, Species  # noqa: E402
from lienthong.sync import actions  # noqa: E402
from lienthong.sync.models import WorklistItem  # noqa: E402


def sync_campaign() -> None:
    officer = User.objects.get(username="thuysan")
    actions.build_worklists(officer)
    item = WorklistItem.objects.filter(worklist__commune_code="31078", worklist__kind="commune").first()
    if item is not None:
        # Nobody's CCCD; a name and birth date in case the vessel has no owner to check it against.
        actions.answer_item(User.objects.get(username="xa_phuquoc"), item, "091085999999", "Nguyễn Văn Thử", "01/01/1985")
        actions.remind(officer, item.worklist)
    actions.build_export(officer)


def trips() -> None:
    """Four trips at the demo port officer's port: awaiting checks, cleared, refused, and returned."""
    officer = User.objects.get(username="cang")
    rach_gia = Port.objects.get(code="rach-gia")
    vessels = (Vessel.objects.filter(status="active", owner__isnull=False).exclude(gear="")
               .order_by("registration_number")[:4])
    start = timezone.now() + timedelta(hours=2)
    made = []
    for i, vessel in enumerate(vessels):
        made.append(port.declare(
            registration_number=vessel.registration_number, port=rach_gia, user=officer,
            captain=port.CrewInput("Nguyễn Văn Tư", "091085001234"),
            crew=[port.CrewInput("Trần Văn Hải", "091090100000"), port.CrewInput("Lê Văn Bảy", "091092100007")],
            zone=vessel.fishing_zone or "inshore", gear=vessel.gear,
            # The cleared trip left an hour ago (its page shows the arrival form), the returned one yesterday:
            # an arrival is never recorded ahead of time.
            departure_at={1: timezone.now() - timedelta(hours=1), 3: timezone.now() - timedelta(hours=20)}
            .get(i, start) + timedelta(minutes=i),
            expected_return_at=start + timedelta(days=3)))
    _, cleared, refused, returned = made
    reason = "Kiểm tra giấy tờ trực tiếp tại cảng, đủ điều kiện xuất bến."
    for trip in (cleared, returned):
        port.decide(trip, officer, action="clear", override_reason=reason)
    port.decide(refused, officer, action="refuse", refusal_code=port.OTHER_REASON, note="Thiếu thuyền viên")
    species = list(Species.objects.all()[:3])
    port.record_arrival(returned, officer, returned_at=timezone.now() - timedelta(hours=1), zone_fished="offshore",
                        catches=[(s, Decimal("1250.5")) for s in species])


def lockouts_and_a_running_import() -> None:
    """A locked address and a locked account for the administrator's lockouts page (neither is one the check logs in
    as or from), and an import the job worker is running, with 7-digit figures, for the import's progress page."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.test import RequestFactory

    from lienthong.accounts import audit
    from lienthong.accounts.models import AuditAction
    from lienthong.fleet.models import RegistryImport

    request = RequestFactory().post("/dang-nhap/", REMOTE_ADDR="203.0.113.250")
    for i in range(settings.LOCKOUT_ADDRESS_FAILURES):
        audit.record(request, AuditAction.LOGIN_FAILED, object_type="user", summary=f"khong-co-tai-khoan-{i}",
                     detail={"username": f"khong-co-tai-khoan-{i}"})
    AccessAttempt.objects.create(username="mot-ten-dang-nhap-rat-dai-cua-can-bo-xa", ip_address="203.0.113.251",
                                 user_agent="", http_accept="", path_info="/dang-nhap/", get_data="", post_data="",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT)
    # No process named: a record of no known process stays "running" for importer.abandoned.STALE_AFTER.
    RegistryImport.objects.create(file_name="so-dang-ky-toan-tinh-2026.xlsx", status="running", rows_read=1_234_567,
                                  rows_in_sheet=2_000_000, imported_by=User.objects.get(username="thuysan"))


def dossiers() -> None:
    """One-stop dossiers at the Phú Quốc centre (the demo commune officer's area) in several states, for the desk's
    list and dossier pages: late with an apology, assigned, awaiting a supplement, refused, new online."""
    from lienthong.onestop import lifecycle
    from lienthong.onestop.models import Agency, Channel, Procedure, ProcedureComponent

    centre, _ = Agency.objects.get_or_create(code="000.00.31.H56", defaults={
        "name": "Trung tâm Phục vụ hành chính công đặc khu Phú Quốc", "commune_code": "31078"})
    procedure, _ = Procedure.objects.get_or_create(code="1.000894.000.00.00.H56", defaults={
        "national_code": "1.000894", "name": "Đăng ký kết hôn", "field": "Hộ tịch", "processing_days": 5})
    procedure.agencies.add(centre)
    if not procedure.components.exists():
        ProcedureComponent.objects.create(procedure=procedure, position=1, name="Tờ khai đăng ký kết hôn")
        ProcedureComponent.objects.create(procedure=procedure, position=2, name="Giấy xác nhận tình trạng hôn nhân")
    officer = User.objects.get(username="xa_phuquoc")
    now = timezone.now()
    person = lifecycle.Applicant(cccd="091085001234", full_name="Nguyễn Thị Ánh", phone="0912345678",
                                 address="Tổ 3, khu phố 7, đặc khu Phú Quốc, tỉnh An Giang")

    def receive(days_ago: int):
        return lifecycle.create_dossier(officer, agency=centre, procedure=procedure, channel=Channel.COUNTER,
                                        applicant=person, at=now - timedelta(days=days_ago))

    late = receive(12)
    lifecycle.apologise(late, officer, new_due=now + timedelta(days=3), reason="Chờ xác minh tình trạng hôn nhân")
    lifecycle.step(receive(2), officer, "assign", department="Phòng Văn hóa - Xã hội", step_due_at=now + timedelta(days=1))
    lifecycle.step(receive(1), officer, "request_supplement", note="Bản sao trích lục ghi chú ly hôn",
                   detail={"missing": ["Giấy xác nhận tình trạng hôn nhân"], "text": "Bản sao trích lục ghi chú ly hôn"})
    lifecycle.step(receive(1), officer, "refuse", note="Một bên chưa đủ tuổi kết hôn")
    lifecycle.create_dossier(None, agency=centre, procedure=procedure, channel=Channel.ONLINE, applicant=person, at=now)


def hall_counter() -> dict[str, str]:
    """The province administrator at counter 8 of the Rạch Giá hall: one citizen served (not rated yet), one
    called now, three waiting (one with priority), so that the counter's work screen and its rating screen show
    something; the rating screen's ticket for the samples."""
    from lienthong.hall import services as hall
    from lienthong.hall.models import Counter, PriorityGroup, Service

    officer = User.objects.get(username="quantri")
    rach_gia = Service.objects.filter(agency__commune_code="30742")
    counter = Counter.objects.get(agency__commune_code="30742", number=8)
    hall.open_counter(officer, counter, list(rach_gia))
    a, b = rach_gia.get(letter="A"), rach_gia.get(letter="B")
    hall.take_ticket(a.agency, a)
    served = hall.finish(officer, hall.start(officer, hall.call_next(officer)))
    for service in (a, b, a):
        hall.take_ticket(a.agency, service)
    hall.call_next(officer)
    hall.take_ticket(a.agency, b, priority=PriorityGroup.objects.filter(active=True).first())
    return {"hall:counter_rate.pk": str(served.pk)}


def hall_tickets() -> None:
    """The demo hall's morning so far: tickets waiting in two services, one called to counter 3 (the display and the
    phone pages have something to show)."""
    from lienthong.hall import services as hall
    from lienthong.hall.models import Counter, Service
    from lienthong.onestop.demo import CENTRE_CODE

    a, b = (Service.objects.get(agency__code=CENTRE_CODE, letter=letter) for letter in "AB")
    for service, n in ((a, 4), (b, 2)):
        for _ in range(n):
            hall.take_ticket(service.agency, service)
    officer = User.objects.get(username="tn_rachgia")
    if hall.current_session(officer) is None:  # the board's data may have opened counter 1 already
        hall.open_counter(officer, Counter.objects.get(agency=a.agency, number=3), [a, b])
    hall.call_next(officer)


def samples() -> dict[str, str]:
    """Values for URL arguments that no page links to (a captain's receipt and the QR's verification page
    are reached from outside), by argument name; read by the layout check."""
    import hall_kiosk_data  # beside this script: the hall's board (opened by its key), a ticket taken there

    from lienthong.onestop.models import Procedure
    from lienthong.onestop.public.services import online_procedures
    from lienthong.port.models import Trip

    trip = Trip.objects.order_by("-pk").first()
    # A vessel of the demo commune's area, so that the commune and police officers see its page too.
    vessel = (Vessel.objects.filter(commune_code="31078").order_by("registration_number").first()
              or Vessel.objects.order_by("registration_number").first())
    from lienthong.fleet.models import RegistryImport
    from lienthong.hall.demo import DISPLAY_KEY
    from lienthong.hall.models import Ticket
    from lienthong.onestop.models import Dossier
    from lienthong.signing.models import SignedDocument
    from lienthong.sync.models import SyncRun

    kiosk = hall_kiosk_data.samples()  # first: the board's tickets, counter 1 open
    hall_tickets()
    ticket_token = Ticket.objects.filter(state="waiting").order_by("-pk").values_list("token", flat=True).first() or "x"
    # The run's progress box is polled only while a run is active (the layout site's run is done): no link names it.
    # The portal's confirmation is reached only right after a submission (else it sends the visitor to tracking).
    return {"token": trip.public_token, "reference": trip.reference, "registration_number": vessel.registration_number,
            "code": SignedDocument.objects.order_by("-pk").values_list("code", flat=True).first(),
            "sync-run-progress.pk": str(SyncRun.objects.order_by("-pk").values_list("pk", flat=True).first()),
            # Polled by htmx only (no link names it), and "pk" alone now means other objects too (procedures, papers).
            "fleet-import-progress.pk": str(RegistryImport.objects.filter(status="running").order_by("-pk")
                                            .values_list("pk", flat=True).first()),
            # The catalogue's pages are not in the site's menu yet: its detail, by a procedure demo-setup imported.
            "onestop:procedure.pk": str(Procedure.objects.order_by("code").values_list("pk", flat=True).first()),
            "public:submitted.code": Dossier.objects.order_by("pk").values_list("code", flat=True).first() or "x",
            # Linked from the portal's home; the walk may reach that home two links away, where it stops following.
            "public:submit.code": online_procedures().order_by("code").values_list("code", flat=True).first() or "x",
            # The hall's display and a ticket's phone page are opened from a device's key and a ticket's QR.
            "hall:display.key": DISPLAY_KEY, "hall:display_events.key": DISPLAY_KEY,
            "hall:phone.token": ticket_token, "hall:phone_status.token": ticket_token, **kiosk}


def vms_alert() -> dict:
    """An alert still going on, so the alert page shows its forms: a vessel silent at sea for 8 hours (the demo's
    older alerts were closed as history)."""
    from lienthong.vms import evaluate, ingest
    from lienthong.vms.models import Alert

    vessel = Vessel.objects.filter(length_m__gte=15).exclude(vms_device_id="").order_by("-registration_number").first()
    when = timezone.now() - timedelta(hours=8)
    rows = ingest.rows_from_json([{"registration_number": vessel.registration_number, "time": when.isoformat(),
                                   "latitude": 9.5, "longitude": 104.5}], "layout")
    ingest.store(rows, source="api", name="layout")
    evaluate.sweep(timezone.now())
    alert = Alert.objects.filter(vessel=vessel, ended_at__isnull=True).order_by("-started_at").first()
    return {"vms:alert.pk": (alert or Alert.objects.order_by("pk").first()).pk}


if __name__ == "__main__":
    from django.conf import settings

    sync_campaign()
    trips()
    lockouts_and_a_running_import()
    import onestop_data  # noqa: E402 - beside this script: the one-stop centres' dossiers for the indicators page

    onestop_data.indicators()
    dossiers()
    made = samples()  # the board's first (it takes its tickets in an empty hall), then the administrator's counter
    made.update(hall_counter())
    made.update(vms_alert())
    Path(settings.DATA_DIR, "layout-samples.json").write_text(json.dumps(made))

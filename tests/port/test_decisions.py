"""Clearing, refusing, overriding (audited), arrivals, and who may do it; the signature of the clearance."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from lienthong.accounts.models import AuditEvent
from lienthong.port import services
from lienthong.port.models import Species, Trip, TripFlag, TripStatus
from lienthong.port.services import PortError
from lienthong.signing import keys as signing

from .conftest import CREW


def test_clear_signs_a_valid_clearance_and_audits(declare_trip, port_officer):
    trip = declare_trip(crew=2)
    before = AuditEvent.objects.count()
    trip = services.decide(trip, port_officer, action="clear")
    assert trip.status == TripStatus.CLEARED and trip.overridden is False and trip.decided_by == port_officer
    assert [r["status"] for r in trip.checks].count("passed") == 9
    pdf = bytes(trip.clearance_pdf)
    assert pdf.startswith(b"%PDF-") and len(trip.clearance_sha256) == 64
    check = signing.validate(pdf)
    assert (check.valid, check.intact, check.trusted, check.coverage_whole_file) == (True, True, True, True)
    assert "Ban quan ly cang ca (TEST)" in check.signer
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.object_id, e.summary) for e in events] == [
        ("update", "trip", trip.reference, "Cho KG-91234-TS xuất bến")]  # stored as issued (vi); shown per reader


def test_signature_invalid_after_one_byte_changes(declare_trip, port_officer):
    trip = services.decide(declare_trip(), port_officer, action="clear")
    pdf = bytearray(trip.clearance_pdf)
    # A byte inside the signed range (the page content, well before the signature dictionary).
    at = pdf.index(b"stream", 200) + 20
    pdf[at] ^= 0x01
    check = signing.validate(bytes(pdf))
    assert check.valid is False
    assert check.message in ("Chữ ký số không hợp lệ: nội dung tài liệu đã bị thay đổi",) or \
        check.message.startswith("Không đọc được chữ ký")


def test_signature_from_another_ca_is_not_trusted(declare_trip, port_officer, tmp_path):
    trip = services.decide(declare_trip(), port_officer, action="clear")
    other = signing.ensure_test_ca(tmp_path / "other-ca")
    check = signing.validate(bytes(trip.clearance_pdf), config=other)
    assert (check.valid, check.intact, check.trusted) == (False, True, False)
    assert check.message == "Chữ ký số không do cơ quan được tin cậy cấp"


def test_unsigned_pdf_is_invalid(declare_trip):
    from lienthong.port.documents import clearance_pdf

    trip = services.load_trip(declare_trip())
    trip.decided_at = timezone.now()
    check = signing.validate(clearance_pdf(trip, "http://x/"))
    assert (check.valid, check.message) == (False, "Tài liệu không có chữ ký số")


def test_pdf_embeds_a_font_with_vietnamese_glyphs(declare_trip, port_officer):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    trip = services.decide(declare_trip(), port_officer, action="clear")
    reader = PdfFileReader(io.BytesIO(bytes(trip.clearance_pdf)))
    page = reader.root["/Pages"]["/Kids"][0]
    fonts = page["/Resources"]["/Font"]
    base_fonts = sorted(str(fonts[k]["/BaseFont"]).split("+")[-1] for k in fonts)
    assert base_fonts == ["DejaVuSansBold", "DejaVuSansBook"]
    for k in fonts:  # embedded (subset), so a reader without DejaVu shows the same letters
        descendant = fonts[k]["/DescendantFonts"][0]
        assert "/FontFile2" in descendant["/FontDescriptor"]
    assert reader.trailer["/Info"]["/Title"] == f"Giấy xác nhận xuất bến {trip.reference}"


def test_clear_with_blocking_failure_needs_a_written_reason(declare_trip, port_officer, vessel):
    vessel.vms_device_id = ""
    vessel.save()
    trip = declare_trip()
    before = AuditEvent.objects.count()
    with pytest.raises(PortError) as err:
        services.decide(trip, port_officer, action="clear", override_reason="ok")
    assert list(err.value.errors) == ["override_reason"]
    trip.refresh_from_db()
    assert (trip.status, trip.clearance_pdf, AuditEvent.objects.count()) == (TripStatus.DECLARED, None, before)


def test_override_is_recorded_with_reason_and_failed_rules(declare_trip, port_officer, vessel):
    vessel.vms_device_id = ""
    vessel.save()
    trip = declare_trip()
    reason = "Thiết bị VMS đang bảo hành, đã có biên bản lắp thiết bị thay thế số 12/BB"
    trip = services.decide(trip, port_officer, action="clear", override_reason=reason)
    assert (trip.status, trip.overridden, trip.override_reason) == (TripStatus.CLEARED, True, reason)
    event = AuditEvent.objects.filter(object_type="trip", object_id=trip.reference).latest("id")
    assert event.username == "canbo_rachgia"
    assert event.summary == "VƯỢT QUYỀN: cho KG-91234-TS xuất bến dù 1 điều kiện bắt buộc không đạt"
    assert {k: v for k, v in event.detail.items() if k != "summary_msg"} == {
        "override": True, "reason": reason, "failed": ["vms_device"]}
    assert signing.validate(bytes(trip.clearance_pdf)).valid


def test_warning_failure_clears_without_override(declare_trip, port_officer, vessel):
    vessel.owner.identity_status = "unverified"
    vessel.owner.save()
    trip = services.decide(declare_trip(), port_officer, action="clear")
    assert (trip.status, trip.overridden) == (TripStatus.CLEARED, False)


def test_refuse_with_a_failed_rule_or_a_written_other_reason(declare_trip, port_officer, vessel):
    vessel.licences.all().delete()
    trip = declare_trip()
    with pytest.raises(PortError) as err:
        services.decide(trip, port_officer, action="refuse", refusal_code="vms_device")  # it passed
    assert list(err.value.errors) == ["refusal_code"]
    with pytest.raises(PortError) as err:
        services.decide(trip, port_officer, action="refuse", refusal_code="other")
    assert list(err.value.errors) == ["note"]
    trip = services.decide(trip, port_officer, action="refuse", refusal_code="fishing_licence", note="Hết hạn")
    assert (trip.status, trip.refusal_code, trip.clearance_pdf) == (TripStatus.REFUSED, "fishing_licence", None)
    event = AuditEvent.objects.filter(object_type="trip").latest("id")
    assert event.summary == "Từ chối KG-91234-TS: fishing_licence"
    with pytest.raises(PortError):
        services.decide(trip, port_officer, action="clear")  # decided once


def test_officer_of_another_port_cannot_decide_and_is_logged(declare_trip, other_port_officer, viewer_user):
    trip = declare_trip()
    with pytest.raises(PortError):
        services.decide(trip, other_port_officer, action="clear")
    with pytest.raises(PortError):
        services.decide(trip, viewer_user, action="clear")
    trip.refresh_from_db()
    assert trip.status == TripStatus.DECLARED
    denied = AuditEvent.objects.filter(action="denied", object_id=trip.reference)
    assert sorted(denied.values_list("username", flat=True)) == ["canbo_anthoi", "xem"]


def test_declaration_needs_the_owners_cccd_and_one_waiting_at_a_time(ports, vessel, population, declare_trip):
    start = timezone.now() + dt.timedelta(hours=1)
    kwargs = dict(registration_number="kg 91234 ts", port=ports["rach-gia"],
                  captain=services.CrewInput("Nguyễn Văn Tư", "091085001234"), crew=[], zone="offshore",
                  gear="trawl", departure_at=start, expected_return_at=start + dt.timedelta(days=2))
    with pytest.raises(PortError) as err:
        services.declare(owner_cccd="091085009999", **kwargs)
    assert err.value.errors == {"registration_number": "Không tìm thấy tàu với số đăng ký và số định danh chủ tàu này"}
    assert AuditEvent.objects.filter(action="denied", object_id="KG-91234-TS").count() == 1
    trip = services.declare(owner_cccd="91085001234", **kwargs)  # Excel-damaged form of the same number
    assert (trip.vessel, trip.crew.count(), trip.status) == (vessel, 0, TripStatus.DECLARED)
    with pytest.raises(PortError) as err:
        services.declare(owner_cccd="091085001234", **kwargs)
    assert err.value.errors == {"registration_number": "Tàu đã có một tờ khai đang chờ kiểm tra"}


def test_declaration_validation(ports, vessel, population):
    start = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(PortError) as err:
        services.declare(registration_number="KG-91234-TS", port=ports["rach-gia"], owner_cccd="091085001234",
                         captain=services.CrewInput("", ""), crew=[services.CrewInput("A", "")], zone="moon",
                         gear="dynamite", departure_at=start, expected_return_at=start - dt.timedelta(hours=1))
    assert sorted(err.value.errors) == ["captain", "crew", "expected_return_at", "gear", "zone"]
    assert Trip.objects.count() == 0


def test_arrival_closes_the_trip_and_flags_anomalies(clock, declare_trip, port_officer):
    trip = services.decide(declare_trip(days=2), port_officer, action="clear")
    clock.shift(dt.timedelta(days=6))  # the vessel is back: an arrival is never recorded ahead of time
    tuna, shrimp = Species.objects.get(code="ca-ngu"), Species.objects.get(code="tom")
    trip = services.record_arrival(
        trip, port_officer, returned_at=trip.departure_at + dt.timedelta(days=5), zone_fished="high_seas",
        catches=[(shrimp, Decimal("300")), (tuna, Decimal("50.5"))])
    assert (trip.status, trip.zone_fished) == (TripStatus.RETURNED, "high_seas")
    assert sorted(TripFlag.objects.filter(trip=trip).values_list("rule_code", flat=True)) == [
        "catch_gear", "trip_duration", "zone_match"]
    assert [(c.species.code, c.weight_kg) for c in trip.catches.all()] == [("tom", Decimal("300.0")),
                                                                           ("ca-ngu", Decimal("50.5"))]
    flag = TripFlag.objects.get(trip=trip, rule_code="zone_match")
    with pytest.raises(PortError):
        services.resolve_flag(flag, port_officer, "  ")
    services.resolve_flag(flag, port_officer, "Đã xác minh qua VMS: trú bão")
    assert TripFlag.objects.filter(trip=trip, resolved_at__isnull=True).count() == 2


def test_arrival_only_for_a_cleared_trip_after_departure(declare_trip, port_officer):
    trip = declare_trip()
    with pytest.raises(PortError):
        services.record_arrival(trip, port_officer, returned_at=timezone.now() + dt.timedelta(days=1))
    trip = services.decide(trip, port_officer, action="clear")
    with pytest.raises(PortError) as err:
        services.record_arrival(trip, port_officer, returned_at=trip.departure_at - dt.timedelta(hours=1))
    assert list(err.value.errors) == ["returned_at"]
    assert CREW  # the crew fixture data is shared with the bench


def test_guessing_the_owners_cccd_is_stopped_after_five_wrong_tries(ports, vessel, population, port_officer, clock):
    start = timezone.now() + dt.timedelta(hours=1)
    kwargs = dict(registration_number="KG-91234-TS", port=ports["rach-gia"],
                  captain=services.CrewInput("Nguyễn Văn Tư", "091085001234"), crew=[], zone="offshore",
                  gear="trawl", departure_at=start, expected_return_at=start + dt.timedelta(days=2))
    for guess in range(5):
        with pytest.raises(PortError) as err:
            services.declare(owner_cccd=f"09108500{guess:04d}", **kwargs)
        assert "Không tìm thấy tàu" in err.value.errors["registration_number"]
    # The sixth try (from the same address: here none) is refused even with the right number, and says until when.
    with pytest.raises(PortError) as err:
        services.declare(owner_cccd="091085001234", **kwargs)
    assert err.value.errors == {"registration_number": "Nhập sai số định danh quá nhiều lần từ kết nối này: hãy thử "
                                                       "lại sau 00:51 01/12/2026, hoặc nhận mã xác nhận gửi tới điện "
                                                       "thoại chủ tàu"}
    assert Trip.objects.count() == 0
    # A port officer is not held up by strangers' guesses.
    assert services.declare(user=port_officer, **kwargs).status == TripStatus.DECLARED
    Trip.objects.all().delete()
    # After the window the owner can declare again.
    clock.shift(dt.timedelta(minutes=16))
    later = timezone.now()
    kwargs.update(departure_at=later + dt.timedelta(hours=1), expected_return_at=later + dt.timedelta(days=2))
    assert services.declare(owner_cccd="091085001234", **kwargs).status == TripStatus.DECLARED


def test_a_refusal_reason_reads_as_the_unmet_condition(declare_trip, port_officer, vessel, client_for):
    vessel.vms_device_id = ""
    vessel.save()
    trip = declare_trip()
    html = client_for(port_officer).get(f"/cang/chuyen/{trip.reference}/").content.decode()
    options = re.findall(r'<option value="vms_device"[^>]*>([^<]*)</option>', html)
    assert options and options[0].startswith("Không đạt: "), options

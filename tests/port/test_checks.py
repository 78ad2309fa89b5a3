"""Every check rule, passing and failing, and the rules as data (disabled, parameters, severity)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lienthong.port import checks, services
from lienthong.port.models import CheckRule, Species, Trip, TripStatus

from .conftest import CAPTAIN, CREW


def result(trip, code):
    trip = services.load_trip(trip)
    found = [r for r in services.run_departure_checks(trip) if r["code"] == code]
    assert len(found) == 1
    return found[0]


def test_all_rules_pass_for_a_vessel_in_order(declare_trip):
    trip = declare_trip(crew=3)
    results = services.run_departure_checks(services.load_trip(trip))
    assert [(r["code"], r["status"]) for r in results] == [
        ("vessel_active", "passed"), ("fishing_licence", "passed"), ("safety_certificate", "passed"),
        ("vms_device", "passed"), ("vms_watch", "passed"), ("owner_identity", "passed"),
        ("crew_cccd_valid", "passed"), ("crew_population", "passed"), ("no_open_violation", "passed")]
    assert checks.blocking_failures(results) == []
    assert results[7]["message"] == "4 người khớp với cơ sở dữ liệu dân cư"


# --- vessel registered and active ----------------------------------------------------------------
def test_vessel_not_active_fails(declare_trip, vessel):
    trip = declare_trip()
    vessel.status = "suspended"
    vessel.save()
    r = result(trip, "vessel_active")
    assert (r["status"], r["severity"]) == ("failed", "blocking")
    assert r["message"] == "Tàu KG-91234-TS không ở trạng thái hoạt động (tạm dừng)"


# --- fishing licence -----------------------------------------------------------------------------
def test_licence_passes_for_zone_gear_and_date(declare_trip):
    r = result(declare_trip(), "fishing_licence")
    assert r["status"] == "passed" and r["message"].startswith("Giấy phép GP-001/2025 còn hiệu lực đến")


def test_licence_expired_fails(declare_trip, vessel):
    lic = vessel.licences.get()
    lic.expires_on = timezone.localdate() - dt.timedelta(days=1)
    lic.save()
    r = result(declare_trip(), "fishing_licence")
    assert r["status"] == "failed"
    assert r["details"] == [f"Giấy phép GP-001/2025: hết hạn {lic.expires_on:%d/%m/%Y}"]


def test_licence_for_another_zone_or_gear_fails(declare_trip):
    r = result(declare_trip(zone="high_seas", gear="gillnet"), "fishing_licence")
    assert r["status"] == "failed"
    assert r["details"] == ["Giấy phép GP-001/2025: vùng Vùng khơi, khai báo Vùng biển cả; nghề Lưới kéo, khai báo Lưới rê"]


def test_missing_licence_fails(declare_trip, vessel):
    vessel.licences.all().delete()
    r = result(declare_trip(), "fishing_licence")
    assert (r["status"], r["message"]) == ("failed", "Không có giấy phép khai thác thủy sản")


def test_licence_whole_trip_parameter(declare_trip, vessel):
    lic = vessel.licences.get()
    lic.expires_on = timezone.localdate() + dt.timedelta(days=3)
    lic.save()
    trip = declare_trip(days=10)
    assert result(trip, "fishing_licence")["status"] == "passed"  # valid on the departure date
    CheckRule.objects.filter(code="fishing_licence").update(parameters={"whole_trip": True})
    assert result(trip, "fishing_licence")["status"] == "failed"


# --- safety certificate (12 m and over) ----------------------------------------------------------
def test_safety_certificate_valid_passes(declare_trip):
    assert result(declare_trip(), "safety_certificate")["status"] == "passed"


def test_safety_certificate_expired_fails(declare_trip, vessel):
    vessel.safety_certificates.update(expires_on=timezone.localdate() - dt.timedelta(days=2))
    r = result(declare_trip(), "safety_certificate")
    assert r["status"] == "failed" and r["message"].startswith("Giấy chứng nhận an toàn kỹ thuật không còn hạn (hết hạn")


def test_safety_certificate_missing_fails_and_not_applicable_under_12m(declare_trip, vessel):
    vessel.safety_certificates.all().delete()
    trip = declare_trip()
    assert result(trip, "safety_certificate")["message"] == "Tàu dài 16,5 m không có giấy chứng nhận an toàn kỹ thuật"
    vessel.length_m = Decimal("11.90")
    vessel.save()
    r = result(trip, "safety_certificate")
    assert (r["status"], r["message"]) == ("not_applicable", "Tàu dài 11,9 m, dưới 12 m: không bắt buộc")


def test_safety_certificate_threshold_is_a_parameter(declare_trip, vessel):
    vessel.safety_certificates.all().delete()
    CheckRule.objects.filter(code="safety_certificate").update(parameters={"min_length_m": 18})
    assert result(declare_trip(), "safety_certificate")["status"] == "not_applicable"


def test_unknown_length_fails_the_length_rules(declare_trip, vessel):
    vessel.length_m = None
    vessel.save()
    trip = declare_trip()
    assert result(trip, "safety_certificate")["status"] == "failed"
    assert result(trip, "vms_device")["status"] == "failed"


# --- VMS (15 m and over) -------------------------------------------------------------------------
def test_vms_registered_passes_missing_fails_small_vessel_not_applicable(declare_trip, vessel):
    trip = declare_trip()
    assert result(trip, "vms_device")["message"] == "Thiết bị giám sát hành trình VMS-778899 đã đăng ký"
    vessel.vms_device_id = "  "
    vessel.save()
    r = result(trip, "vms_device")
    assert (r["status"], r["message"]) == ("failed", "Tàu dài 16,5 m chưa đăng ký thiết bị giám sát hành trình")
    vessel.length_m = Decimal("14.99")
    vessel.save()
    assert result(trip, "vms_device")["status"] == "not_applicable"


# --- owner identity ------------------------------------------------------------------------------
def test_owner_identity_unverified_fails_as_warning(declare_trip, vessel):
    trip = declare_trip()
    vessel.owner.identity_status = "review"
    vessel.owner.save()
    r = result(trip, "owner_identity")
    assert (r["status"], r["severity"]) == ("failed", "warning")
    assert r["message"] == "Định danh chủ tàu chưa được xác thực (trạng thái: cần xem xét)"


def test_owner_missing_fails_and_organisation_not_applicable(declare_trip, vessel):
    trip = declare_trip()
    owner = vessel.owner
    owner.kind = "organisation"
    owner.save()
    assert result(trip, "owner_identity")["status"] == "not_applicable"
    vessel.owner = None
    vessel.save()
    assert result(trip, "owner_identity")["message"] == "Tàu không có chủ tàu trong sổ đăng ký"


# --- captain and crew CCCDs ----------------------------------------------------------------------
def test_crew_cccd_structure_fails_for_bad_numbers(declare_trip):
    bad = [("Lê Văn Một", "12345", None), ("Lê Văn Hai", "999085001234", None), ("Lê Văn Ba", "123456789", None)]
    r = result(declare_trip(crew_rows=bad), "crew_cccd_valid")
    assert r["status"] == "failed" and r["message"] == "3 số định danh không hợp lệ"
    assert r["details"] == [
        "Thuyền viên số 1 Lê Văn Một (12345): Số định danh quá ngắn (5 chữ số)",
        "Thuyền viên số 2 Lê Văn Hai (999085001234): Mã tỉnh 999 không tồn tại",
        "Thuyền viên số 3 Lê Văn Ba (123456789): CMND 9 số, cần số định danh cá nhân 12 số",
    ]
    assert r["people"] == [1, 2, 3]


def test_crew_cccd_duplicate_and_birth_year_mismatch_fail(declare_trip):
    rows = [CREW[0], (CREW[1][0], CREW[0][1], None), ("Phạm Văn Sai", "091070123456", dt.date(1971, 1, 1))]
    r = result(declare_trip(crew_rows=rows), "crew_cccd_valid")
    assert r["details"] == [
        f"Thuyền viên số 2 {CREW[1][0]} ({CREW[0][1]}): trùng số với {CREW[0][0]}",
        "Thuyền viên số 3 Phạm Văn Sai (091070123456): năm sinh 1971 không khớp với số định danh",
    ]
    assert r["people"] == [2, 3]


def test_crew_cmnd_allowed_by_parameter(declare_trip):
    CheckRule.objects.filter(code="crew_cccd_valid").update(parameters={"allow_cmnd": True})
    assert result(declare_trip(crew_rows=[("Lê Văn Ba", "123456789", None)]), "crew_cccd_valid")["status"] == "passed"


def test_crew_population_name_mismatch_fails(declare_trip):
    rows = [("Võ Thị Khác", CREW[0][1], None), CREW[1]]
    r = result(declare_trip(crew_rows=rows), "crew_population")
    assert (r["status"], r["message"]) == ("failed", "1 người không khớp với cơ sở dữ liệu dân cư")
    assert r["details"] == [f"Thuyền viên số 1 Võ Thị Khác ({CREW[0][1]}): số định danh thuộc người có họ tên khác"]


def test_crew_population_birth_date_mismatch_fails(declare_trip):
    name, cccd, birth = CREW[2]
    r = result(declare_trip(crew_rows=[(name, cccd, birth + dt.timedelta(days=3))]), "crew_population")
    assert r["details"] == [f"Thuyền viên số 1 {name} ({cccd}): ngày sinh khác với cơ sở dữ liệu dân cư"]


def test_crew_unknown_to_population_passes_unless_required(declare_trip):
    stranger = ("Đặng Văn Lạ", "091088999999", None)
    trip = declare_trip(crew_rows=[CREW[0], stranger])
    r = result(trip, "crew_population")
    assert (r["status"], r["message"]) == ("passed", "2 người khớp với cơ sở dữ liệu dân cư, 1 người chưa có dữ liệu")
    CheckRule.objects.filter(code="crew_population").update(parameters={"require_found": True})
    r = result(trip, "crew_population")
    assert r["status"] == "failed"
    assert r["details"] == ["Thuyền viên số 2 Đặng Văn Lạ (091088999999): không có trong cơ sở dữ liệu dân cư"]


def test_crew_check_fails_when_nobody_is_known_to_the_population(declare_trip):
    """Passing with "0 người khớp" said "Đạt" for a crew list the population database knows nothing of."""
    strangers = [("Đặng Văn Lạ", "091088999999", None), ("Phan Văn Mới", "091088999998", None)]
    trip = declare_trip(crew_rows=strangers, captain=("Lý Văn Xa", "091088999997", None))
    r = result(trip, "crew_population")
    assert (r["status"], r["message"]) == ("failed", "Không người nào khớp với cơ sở dữ liệu dân cư")
    assert r["people"] == [0, 1, 2]


# --- open violations -----------------------------------------------------------------------------
def test_unreturned_previous_trip_fails(declare_trip, vessel):
    first = declare_trip(start=timezone.now() - dt.timedelta(hours=20))
    Trip.objects.filter(pk=first.pk).update(status=TripStatus.CLEARED)
    second = declare_trip()
    r = result(second, "no_open_violation")
    assert (r["status"], r["message"]) == ("failed", "Tàu còn vi phạm chưa xử lý")
    assert r["details"] == [f"Chuyến {first.reference} xuất bến "
                            f"{timezone.localtime(first.departure_at):%d/%m/%Y} chưa khai báo về cảng"]
    Trip.objects.filter(pk=first.pk).update(status=TripStatus.RETURNED)
    assert result(second, "no_open_violation")["status"] == "passed"


def test_open_anomaly_blocks_only_when_the_parameter_says_so(declare_trip):
    from lienthong.port.models import TripFlag

    first = declare_trip(start=timezone.now() - dt.timedelta(hours=20))
    Trip.objects.filter(pk=first.pk).update(status=TripStatus.RETURNED)
    TripFlag.objects.create(trip=first, rule_code="catch_gear", message="Sản lượng phù hợp với nghề: sai")
    second = declare_trip()
    assert result(second, "no_open_violation")["status"] == "passed"
    CheckRule.objects.filter(code="no_open_violation").update(parameters={"open_flags_block": True})
    assert result(second, "no_open_violation")["details"] == [f"Chuyến {first.reference}: Sản lượng phù hợp với nghề: sai"]


# --- rules as data -------------------------------------------------------------------------------
def test_disabled_rule_is_shown_not_applicable(declare_trip, vessel):
    vessel.vms_device_id = ""
    vessel.save()
    CheckRule.objects.filter(code="vms_device").update(enabled=False)
    r = result(declare_trip(), "vms_device")
    assert (r["status"], r["message"]) == ("not_applicable", "Quy tắc đang tắt")


def test_rule_without_evaluator_is_refused_by_validation():
    from django.core.exceptions import ValidationError

    rule = CheckRule(code="no_such_rule", stage="departure", name="x")
    with pytest.raises(ValidationError) as err:
        rule.full_clean()
    assert "code" in err.value.message_dict


def test_every_default_rule_has_an_evaluator_of_its_stage(db):
    rules = list(CheckRule.objects.all())
    assert sorted(r.code for r in rules) == sorted(checks.EVALUATORS)
    assert all(checks.EVALUATORS[r.code].stage == r.stage for r in rules)


# --- arrival rules -------------------------------------------------------------------------------
def arrival(trip, *, hours, zone="", catches=()):
    ctx = checks.ArrivalContext(trip, trip.departure_at + dt.timedelta(hours=hours), zone, list(catches))
    return {r["code"]: r for r in checks.evaluate_arrival(ctx)}


def test_trip_duration(declare_trip):
    trip = declare_trip(days=4)  # limit: 4 × 1.5 days + 24 h = 7 days
    assert arrival(trip, hours=7 * 24)["trip_duration"]["status"] == "passed"
    r = arrival(trip, hours=7 * 24 + 1)["trip_duration"]
    assert (r["status"], r["message"]) == ("failed", "Chuyến biển dài 7,0 ngày, khai báo 4,0 ngày")


def test_zone_match(declare_trip):
    trip = declare_trip()
    assert arrival(trip, hours=10)["zone_match"]["status"] == "not_applicable"
    assert arrival(trip, hours=10, zone="offshore")["zone_match"]["status"] == "passed"
    r = arrival(trip, hours=10, zone="high_seas")["zone_match"]
    assert (r["status"], r["message"]) == ("failed", "Khai thác ở Vùng biển cả, khai báo Vùng khơi")


def test_catch_reported_and_catch_gear(declare_trip):
    trip = declare_trip(gear="trawl")
    tuna, shrimp = Species.objects.get(code="ca-ngu"), Species.objects.get(code="tom")
    empty = arrival(trip, hours=10)
    assert (empty["catch_reported"]["status"], empty["catch_gear"]["status"]) == ("failed", "not_applicable")
    ok = arrival(trip, hours=10, catches=[(shrimp, Decimal("120.5"))])
    assert ok["catch_reported"]["message"] == "Đã khai báo 1 loài, tổng 120,5 kg"
    assert ok["catch_gear"]["status"] == "passed"
    odd = arrival(trip, hours=10, catches=[(shrimp, Decimal("100")), (tuna, Decimal("900"))])["catch_gear"]
    assert (odd["status"], odd["details"]) == ("failed", ["Cá ngừ (900 kg)"])


def test_the_species_gear_table_is_data(declare_trip):
    trip = declare_trip(gear="trawl")
    tuna = Species.objects.get(code="ca-ngu")
    tuna.gears = [*tuna.gears, "trawl"]
    tuna.save()
    assert arrival(trip, hours=10, catches=[(tuna, Decimal("5"))])["catch_gear"]["status"] == "passed"


def test_fifteen_crew_are_verified_in_one_batch(declare_trip, django_assert_max_num_queries):
    trip = services.load_trip(declare_trip(crew=15))
    ctx = services.departure_context(trip)
    with django_assert_max_num_queries(8):
        results = checks.evaluate_departure(ctx)
    assert {r["code"]: r["status"] for r in results}["crew_population"] == "passed"
    assert [r for r in results if r["code"] == "crew_population"][0]["message"] == \
        "16 người khớp với cơ sở dữ liệu dân cư"
    assert CAPTAIN[1] == trip.captain_cccd

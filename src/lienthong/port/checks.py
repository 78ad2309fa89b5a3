"""The port checks: one evaluator per rule code; the CheckRule rows (data) say which run, how hard, with what.

An evaluator takes a context and the rule's parameters and answers passed / failed / not applicable with
a message in Vietnamese (the language of the record: the results are frozen on the trip and printed on
the clearance). `evaluate_departure` / `evaluate_arrival` run the enabled rules in their table order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from lienthong.fleet.classes import GEARS, SAFETY_CERT_MIN_LENGTH, VMS_MIN_LENGTH, ZONES
from lienthong.identity.cccd import consistent_with, parse_id_number
from lienthong.population.source import PopulationError, PopulationSource, VerifyQuery, VerifyResult

from .numbers import vi_number

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str
    details: tuple[str, ...] = ()
    people: tuple[int, ...] = ()  # the rows (0 the captain, 1… the crew as declared) this outcome fails


@dataclass(frozen=True)
class Evaluator:
    code: str
    stage: str
    fn: Callable


EVALUATORS: dict[str, Evaluator] = {}


def evaluator(code: str, stage: str = "departure"):
    def register(fn):
        EVALUATORS[code] = Evaluator(code, stage, fn)
        return fn

    return register


# --- contexts ------------------------------------------------------------------------------------
@dataclass
class Person:
    role: str  # "captain" / "crew"
    full_name: str
    cccd: str
    birth_date: date | None = None
    row: int = 0  # 0 for the captain, 1… for the crew in the order declared: how the officer finds them


@dataclass
class DepartureContext:
    vessel: object  # fleet.models.Vessel with owner, licences and safety_certificates loaded
    departure_date: date
    return_date: date
    zone: str
    gear: str
    people: list[Person]
    population: PopulationSource | None = None
    trip_id: int | None = None
    _verified: list | None = field(default=None, repr=False)
    _population_error: str | None = field(default=None, repr=False)

    def verifications(self) -> tuple[list[tuple[Person, VerifyResult]], str | None]:
        """(person, result) for each person with a structurally valid CCCD, asked in one batch."""
        if self._verified is None:
            askable = [p for p in self.people if parse_id_number(p.cccd, self.departure_date).valid]
            self._verified = []
            if self.population is None:
                self._population_error = "Chưa cấu hình nguồn dữ liệu dân cư"
            elif askable:
                try:
                    results = self.population.verify_many(
                        [VerifyQuery(parse_id_number(p.cccd).digits, p.full_name, p.birth_date) for p in askable])
                    self._verified = list(zip(askable, results))
                except PopulationError as exc:  # the service is down: say so, do not guess
                    self._population_error = f"Không hỏi được cơ sở dữ liệu dân cư ({type(exc).__name__})"
        return self._verified, self._population_error


@dataclass
class ArrivalContext:
    trip: object  # port.models.Trip
    returned_at: datetime
    zone_fished: str
    catches: list[tuple[object, Decimal]]  # (Species, weight_kg)


def _who(p: Person) -> str:
    """The person as the check list names them: the crew by their row number, so the officer finds the line."""
    who = "Thuyền trưởng" if p.role == "captain" else f"Thuyền viên số {p.row}"
    return f"{who} {p.full_name} ({p.cccd})"


def _length(vessel) -> Decimal | None:
    return Decimal(str(vessel.length_m)) if vessel.length_m is not None else None


# --- departure rules -----------------------------------------------------------------------------
@evaluator("vessel_active")
def vessel_active(ctx: DepartureContext, params: dict) -> Outcome:
    if ctx.vessel.status == "active":
        return Outcome(PASSED, f"Tàu {ctx.vessel.registration_number} đã đăng ký, đang hoạt động")
    from django.utils import translation

    with translation.override("vi"):  # the record is in Vietnamese whatever the officer's language
        status = str(ctx.vessel.get_status_display())
    return Outcome(FAILED, f"Tàu {ctx.vessel.registration_number} không ở trạng thái hoạt động ({status})")


@evaluator("fishing_licence")
def fishing_licence(ctx: DepartureContext, params: dict) -> Outcome:
    """Valid on the departure date (or, with whole_trip, until the expected return) for the zone and gear."""
    until = ctx.return_date if params.get("whole_trip") else ctx.departure_date
    licences = list(ctx.vessel.licences.all())
    if not licences:
        return Outcome(FAILED, "Không có giấy phép khai thác thủy sản")
    problems = []
    for lic in licences:
        wrong = []
        if lic.issued_on and lic.issued_on > ctx.departure_date:
            wrong.append(f"chưa có hiệu lực (cấp {lic.issued_on:%d/%m/%Y})")
        if lic.expires_on is None:
            wrong.append("không có ngày hết hạn")
        elif lic.expires_on < until:
            wrong.append(f"hết hạn {lic.expires_on:%d/%m/%Y}")
        if lic.zone != ctx.zone:
            wrong.append(f"vùng {ZONES.get(lic.zone, lic.zone or '—')}, khai báo {ZONES.get(ctx.zone, ctx.zone)}")
        if lic.gear != ctx.gear:
            wrong.append(f"nghề {GEARS.get(lic.gear, (lic.gear or '—',))[0]}, khai báo {GEARS.get(ctx.gear, (ctx.gear,))[0]}")
        if not wrong:
            return Outcome(PASSED, f"Giấy phép {lic.number} còn hiệu lực đến {lic.expires_on:%d/%m/%Y}, "
                                   f"đúng vùng và nghề khai báo")
        problems.append(f"Giấy phép {lic.number}: " + "; ".join(wrong))
    return Outcome(FAILED, "Không có giấy phép hợp lệ cho chuyến đi", tuple(problems))


@evaluator("safety_certificate")
def safety_certificate(ctx: DepartureContext, params: dict) -> Outcome:
    minimum = Decimal(str(params.get("min_length_m", SAFETY_CERT_MIN_LENGTH)))
    length = _length(ctx.vessel)
    if length is None:
        return Outcome(FAILED, "Chưa rõ chiều dài tàu: không xác định được có phải có giấy chứng nhận an toàn kỹ thuật")
    if length < minimum:
        return Outcome(NOT_APPLICABLE, f"Tàu dài {vi_number(length)} m, dưới {vi_number(minimum)} m: không bắt buộc")
    certs = list(ctx.vessel.safety_certificates.all())
    valid = [c for c in certs if c.expires_on is not None and c.expires_on >= ctx.departure_date]
    if valid:
        best = max(valid, key=lambda c: c.expires_on)
        return Outcome(PASSED, f"Giấy chứng nhận an toàn kỹ thuật {best.number or ''} còn hạn đến {best.expires_on:%d/%m/%Y}")
    if certs:
        latest = max((c.expires_on for c in certs if c.expires_on), default=None)
        when = f" (hết hạn {latest:%d/%m/%Y})" if latest else ""
        return Outcome(FAILED, f"Giấy chứng nhận an toàn kỹ thuật không còn hạn{when}")
    return Outcome(FAILED, f"Tàu dài {vi_number(length)} m không có giấy chứng nhận an toàn kỹ thuật")


@evaluator("vms_device")
def vms_device(ctx: DepartureContext, params: dict) -> Outcome:
    minimum = Decimal(str(params.get("min_length_m", VMS_MIN_LENGTH)))
    length = _length(ctx.vessel)
    if length is None:
        return Outcome(FAILED, "Chưa rõ chiều dài tàu: không xác định được có phải lắp thiết bị giám sát hành trình")
    if length < minimum:
        return Outcome(NOT_APPLICABLE, f"Tàu dài {vi_number(length)} m, dưới {vi_number(minimum)} m: không bắt buộc")
    if (ctx.vessel.vms_device_id or "").strip():
        return Outcome(PASSED, f"Thiết bị giám sát hành trình {ctx.vessel.vms_device_id} đã đăng ký")
    return Outcome(FAILED, f"Tàu dài {vi_number(length)} m chưa đăng ký thiết bị giám sát hành trình")


@evaluator("vms_watch")
def vms_watch(ctx: DepartureContext, params: dict) -> Outcome:
    """The monitoring desk's alerts (lienthong.vms): a zone breach not closed, or a device silent at sea and not
    repaired (a lost-signal alert still going on and not closed), keeps the vessel in port."""
    from lienthong.vms.models import OPEN_STATES, ZONE_KINDS, Alert

    minimum = Decimal(str(params.get("min_length_m", VMS_MIN_LENGTH)))
    length = _length(ctx.vessel)
    if length is not None and length < minimum:
        return Outcome(NOT_APPLICABLE, f"Tàu dài {vi_number(length)} m, dưới {vi_number(minimum)} m: không giám sát")
    open_alerts = list(Alert.objects.filter(vessel=ctx.vessel, state__in=OPEN_STATES, withdrawn=False)
                       .order_by("started_at"))
    breaches = [a for a in open_alerts if a.kind in ZONE_KINDS]
    silent = [a for a in open_alerts if a.kind not in ZONE_KINDS and a.ended_at is None]
    details = tuple(f"Cảnh báo #{a.pk}: {a.get_kind_display()} từ {a.started_at.astimezone(VN):%H:%M %d/%m/%Y}"
                    for a in breaches + silent)
    if breaches:
        return Outcome(FAILED, "Tàu có vi phạm vùng khai thác chưa được trực ban giám sát xử lý xong", details)
    if silent:
        return Outcome(FAILED, "Thiết bị giám sát hành trình không hoạt động (mất tín hiệu, chưa khắc phục)", details)
    return Outcome(PASSED, "Không có cảnh báo giám sát hành trình đang mở")


@evaluator("owner_identity")
def owner_identity(ctx: DepartureContext, params: dict) -> Outcome:
    owner = ctx.vessel.owner
    if owner is None:
        return Outcome(FAILED, "Tàu không có chủ tàu trong sổ đăng ký")
    if owner.kind == "organisation":
        return Outcome(NOT_APPLICABLE, "Chủ tàu là tổ chức: không đối chiếu với cơ sở dữ liệu dân cư")
    accepted = params.get("accepted_statuses", ["verified", "matched"])
    if owner.identity_status in accepted:
        return Outcome(PASSED, "Định danh chủ tàu đã được xác thực với cơ sở dữ liệu dân cư")
    from django.utils import translation

    with translation.override("vi"):  # the record is in Vietnamese whatever the officer's language
        status = str(owner.get_identity_status_display())
    return Outcome(FAILED, f"Định danh chủ tàu chưa được xác thực (trạng thái: {status})")


@evaluator("crew_cccd_valid")
def crew_cccd_valid(ctx: DepartureContext, params: dict) -> Outcome:
    """Structure of each number, its birth year against the declared birth date, and no number twice."""
    if not ctx.people:
        return Outcome(FAILED, "Chưa khai báo thuyền trưởng và thuyền viên")
    allow_cmnd = bool(params.get("allow_cmnd", False))
    problems, seen, rows = [], {}, []
    for p in ctx.people:
        check = parse_id_number(p.cccd, ctx.departure_date)
        before = len(problems)
        if not check.valid:
            problems.append(f"{_who(p)}: {check.reason}")
        elif check.kind == "cmnd" and not allow_cmnd:
            problems.append(f"{_who(p)}: CMND 9 số, cần số định danh cá nhân 12 số")
        else:
            if p.birth_date and consistent_with(check, birth_year=p.birth_date.year) is False:
                problems.append(f"{_who(p)}: năm sinh {p.birth_date.year} không khớp với số định danh")
            if check.digits in seen:
                problems.append(f"{_who(p)}: trùng số với {seen[check.digits]}")
            seen[check.digits] = p.full_name
        if len(problems) > before:
            rows.append(p.row)
    if problems:
        return Outcome(FAILED, f"{len(problems)} số định danh không hợp lệ", tuple(problems), tuple(rows))
    return Outcome(PASSED, f"{len(ctx.people)} số định danh đúng cấu trúc")


@evaluator("crew_population")
def crew_population(ctx: DepartureContext, params: dict) -> Outcome:
    """Where the population source knows the number, the name (and birth date) declared must be its holder's."""
    verified, error = ctx.verifications()
    if error:
        return Outcome(NOT_APPLICABLE, error)
    if not verified:
        return Outcome(NOT_APPLICABLE, "Không có số định danh hợp lệ để đối chiếu")
    problems, unknown, agreed, rows, unknown_rows = [], [], 0, [], []
    for p, r in verified:
        if not r.found:
            unknown.append(f"{_who(p)}: không có trong cơ sở dữ liệu dân cư")
            unknown_rows.append(p.row)
        elif r.name_agrees is False:
            problems.append(f"{_who(p)}: số định danh thuộc người có họ tên khác")
            rows.append(p.row)
        elif r.birth_date_agrees is False:
            problems.append(f"{_who(p)}: ngày sinh khác với cơ sở dữ liệu dân cư")
            rows.append(p.row)
        else:
            agreed += 1
    if unknown and not agreed and not problems:
        # Nobody on board is known to the population database: "0 người khớp" is not a pass.
        return Outcome(FAILED, "Không người nào khớp với cơ sở dữ liệu dân cư", tuple(unknown),
                       tuple(sorted(unknown_rows)))
    if params.get("require_found") and unknown:
        problems.extend(unknown)
        rows.extend(unknown_rows)
        unknown = []
    if problems:
        return Outcome(FAILED, f"{len(problems)} người không khớp với cơ sở dữ liệu dân cư", tuple(problems + unknown),
                       tuple(sorted(rows)))
    return Outcome(PASSED, f"{agreed} người khớp với cơ sở dữ liệu dân cư"
                           + (f", {len(unknown)} người chưa có dữ liệu" if unknown else ""), tuple(unknown))


@evaluator("no_open_violation")
def no_open_violation(ctx: DepartureContext, params: dict) -> Outcome:
    from .models import Trip, TripFlag, TripStatus

    others = Trip.objects.filter(vessel=ctx.vessel, status=TripStatus.CLEARED)
    if ctx.trip_id:
        others = others.exclude(pk=ctx.trip_id)
    from django.utils import timezone

    # The database gives UTC; the date on the record is the port's (a 00:36 departure on 1/12 is "01/12").
    problems = [f"Chuyến {t.reference} xuất bến {timezone.localtime(t.departure_at):%d/%m/%Y} chưa khai báo về cảng"
                for t in others.order_by("departure_at")[:5]]
    if params.get("open_flags_block"):
        flags = TripFlag.objects.filter(trip__vessel=ctx.vessel, resolved_at__isnull=True).select_related("trip")
        problems += [f"Chuyến {f.trip.reference}: {f.message}" for f in flags[:5]]
    if problems:
        return Outcome(FAILED, "Tàu còn vi phạm chưa xử lý", tuple(problems))
    return Outcome(PASSED, "Không có chuyến chưa về hay vi phạm đang mở")


# --- arrival rules -------------------------------------------------------------------------------
@evaluator("trip_duration", stage="arrival")
def trip_duration(ctx: ArrivalContext, params: dict) -> Outcome:
    trip = ctx.trip
    declared = trip.expected_return_at - trip.departure_at
    actual = ctx.returned_at - trip.departure_at
    factor = float(params.get("factor", 1.5))
    grace = timedelta(hours=float(params.get("grace_hours", 24)))
    limit = declared * factor + grace
    days = actual.total_seconds() / 86400
    declared_days = declared.total_seconds() / 86400
    message = f"Chuyến biển dài {vi_number(days, 1)} ngày, khai báo {vi_number(declared_days, 1)} ngày"
    return Outcome(FAILED if actual > limit else PASSED, message)


@evaluator("zone_match", stage="arrival")
def zone_match(ctx: ArrivalContext, params: dict) -> Outcome:
    if not ctx.zone_fished:
        return Outcome(NOT_APPLICABLE, "Chưa khai báo vùng khai thác thực tế")
    if ctx.zone_fished == ctx.trip.zone:
        return Outcome(PASSED, f"Khai thác đúng vùng khai báo ({ZONES[ctx.zone_fished]})")
    return Outcome(FAILED, f"Khai thác ở {ZONES.get(ctx.zone_fished, ctx.zone_fished)}, "
                           f"khai báo {ZONES.get(ctx.trip.zone, ctx.trip.zone)}")


@evaluator("catch_reported", stage="arrival")
def catch_reported(ctx: ArrivalContext, params: dict) -> Outcome:
    if ctx.catches:
        total = sum((w for _, w in ctx.catches), Decimal(0))
        return Outcome(PASSED, f"Đã khai báo {len(ctx.catches)} loài, tổng {vi_number(total)} kg")
    return Outcome(FAILED, "Không khai báo sản lượng khai thác")


@evaluator("catch_gear", stage="arrival")
def catch_gear(ctx: ArrivalContext, params: dict) -> Outcome:
    """A species the species table says this gear does not take (e.g. squid in a trap) is flagged."""
    if not ctx.catches:
        return Outcome(NOT_APPLICABLE, "Không có sản lượng để đối chiếu")
    gear = ctx.trip.gear
    odd = [f"{s.name} ({vi_number(w)} kg)" for s, w in ctx.catches if s.gears and gear not in s.gears]
    gear_name = GEARS.get(gear, (gear,))[0]
    if odd:
        return Outcome(FAILED, f"Loài không phù hợp với nghề {gear_name}", tuple(odd))
    return Outcome(PASSED, f"Sản lượng phù hợp với nghề {gear_name}")


# --- running the rules ---------------------------------------------------------------------------
def _run(stage: str, ctx, rules=None) -> list[dict]:
    from .models import CheckRule

    if rules is None:
        rules = CheckRule.objects.filter(stage=stage)
    results = []
    for rule in rules:
        base = {"code": rule.code, "name": rule.name, "description": rule.description,
                "severity": rule.severity, "details": []}
        ev = EVALUATORS.get(rule.code)
        if not rule.enabled:
            results.append({**base, "status": NOT_APPLICABLE, "message": "Quy tắc đang tắt"})
            continue
        if ev is None or ev.stage != stage:
            results.append({**base, "status": NOT_APPLICABLE, "message": "Chưa có bộ kiểm tra cho mã quy tắc này"})
            continue
        out = ev.fn(ctx, rule.parameters or {})
        results.append({**base, "status": out.status, "message": out.message, "details": list(out.details),
                        "people": list(out.people)})
    return results


def evaluate_departure(ctx: DepartureContext, rules=None) -> list[dict]:
    return _run("departure", ctx, rules)


def evaluate_arrival(ctx: ArrivalContext, rules=None) -> list[dict]:
    return _run("arrival", ctx, rules)


def blocking_failures(results: list[dict]) -> list[dict]:
    return [r for r in results if r["status"] == FAILED and r["severity"] == "blocking"]


# --- the default rules (loaded by the data migration; the administrator edits them afterwards) ---------
DEFAULT_RULES = [
    # code, stage, order, name, description / legal basis, severity, parameters
    ("vessel_active", "departure", 10, "Tàu đã đăng ký và đang hoạt động",
     "Luật Thủy sản 2017, Điều 71: tàu cá phải được đăng ký. Tàu bị đình chỉ hoặc xóa đăng ký không được xuất bến.",
     "blocking", {}),
    ("fishing_licence", "departure", 20, "Giấy phép khai thác còn hiệu lực, đúng vùng và nghề",
     "Luật Thủy sản 2017, Điều 50: khai thác thủy sản phải có giấy phép, đúng vùng và nghề được cấp.",
     "blocking", {"whole_trip": False}),
    ("safety_certificate", "departure", 30, "Giấy chứng nhận an toàn kỹ thuật (tàu từ 12 m)",
     "Luật Thủy sản 2017, Điều 69: tàu cá có chiều dài từ 12 m trở lên phải được đăng kiểm.",
     "blocking", {"min_length_m": 12}),
    ("vms_device", "departure", 40, "Thiết bị giám sát hành trình (tàu từ 15 m)",
     "Luật Thủy sản 2017, Điều 44; Nghị định 26/2019/NĐ-CP: tàu cá từ 15 m trở lên phải lắp thiết bị giám sát hành trình.",
     "blocking", {"min_length_m": 15}),
    ("vms_watch", "departure", 45, "Giám sát hành trình: không có vi phạm vùng, thiết bị hoạt động",
     "Nghị định 37/2024/NĐ-CP: thiết bị giám sát hành trình hoạt động liên tục; tàu vi phạm vùng khai thác hoặc mất "
     "tín hiệu chưa được xử lý không được xuất bến.", "blocking", {"min_length_m": 15}),
    ("owner_identity", "departure", 50, "Định danh chủ tàu đã được xác thực",
     "Chiến dịch đồng bộ số định danh chủ tàu với cơ sở dữ liệu quốc gia về dân cư.",
     "warning", {"accepted_statuses": ["verified", "matched"]}),
    ("crew_cccd_valid", "departure", 60, "Số định danh thuyền trưởng, thuyền viên hợp lệ",
     "Danh sách thuyền viên khai báo khi xuất bến (Luật Thủy sản 2017, Điều 81): số định danh cá nhân 12 số.",
     "blocking", {"allow_cmnd": False}),
    ("crew_population", "departure", 70, "Thuyền trưởng, thuyền viên khớp cơ sở dữ liệu dân cư",
     "Đối chiếu số định danh với họ tên, ngày sinh trong cơ sở dữ liệu quốc gia về dân cư, khi có dữ liệu.",
     "blocking", {"require_found": False}),
    ("no_open_violation", "departure", 80, "Không có vi phạm đang mở",
     "Chống khai thác IUU: tàu chưa khai báo về cảng chuyến trước không được xuất bến chuyến mới.",
     "blocking", {"open_flags_block": False}),
    ("trip_duration", "arrival", 110, "Thời gian chuyến biển so với khai báo",
     "Chuyến biển dài hơn nhiều so với khai báo cần được xác minh (hệ số và số giờ cho phép là tham số).",
     "warning", {"factor": 1.5, "grace_hours": 24}),
    ("zone_match", "arrival", 120, "Vùng khai thác đúng khai báo",
     "Luật Thủy sản 2017, Điều 50: khai thác đúng vùng được cấp phép.", "warning", {}),
    ("catch_reported", "arrival", 130, "Có khai báo sản lượng",
     "Nhật ký và báo cáo khai thác (Thông tư 21/2018/TT-BNNPTNT): khai báo sản lượng khi cập cảng.", "warning", {}),
    ("catch_gear", "arrival", 140, "Sản lượng phù hợp với nghề",
     "Loài khai thác được đối chiếu với bảng loài – nghề (dữ liệu do quản trị viên cập nhật).", "warning", {}),
]

# code, Vietnamese name, gears that normally take it. Empty gears = any gear (no check).
DEFAULT_SPECIES = [
    ("ca-ngu", "Cá ngừ", ["hook_line", "gillnet", "purse_seine"]),
    ("muc-ong", "Mực ống", ["squid_net", "hook_line", "lift_net", "trawl"]),
    ("muc-nang", "Mực nang", ["trawl", "trap", "hook_line", "squid_net"]),
    ("tom", "Tôm", ["trawl", "trap", "gillnet"]),
    ("ghe", "Ghẹ", ["trap", "gillnet", "trawl"]),
    ("ca-com", "Cá cơm", ["purse_seine", "lift_net", "trawl"]),
    ("ca-nuc", "Cá nục", ["purse_seine", "gillnet", "lift_net", "trawl"]),
    ("ca-thu", "Cá thu", ["gillnet", "hook_line", "purse_seine"]),
    ("ca-tap", "Cá tạp", ["trawl", "gillnet", "trap", "purse_seine", "lift_net"]),
]

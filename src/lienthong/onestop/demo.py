"""The one-stop centre's demo (called by `lienthong demo-setup`): the procedure catalogue imported from the shipped
workbook through the same importer an administrator uses, and about thirty working days of dossiers at the Rạch
Giá ward centre, made only through lifecycle.create_dossier and lifecycle.step, as the counter and the desk make
them, for applicants taken from the demo population file (so the population source knows them).

Deterministic for a clock: the same instant gives the same dossiers. Idempotent: a centre that already has
dossiers gets no more (the catalogue re-import changes nothing).
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lienthong.workdays import VN_TZ

from . import lifecycle
from .catalogue import import_catalogue, shipped_workbook
from .models import Agency, Channel, Dossier, Procedure
from .provider import current_calendar

CENTRE_CODE = "000.00.06.H56"  # Trung tâm Phục vụ hành chính công phường Rạch Giá
RACH_GIA = "30742"
RECEIVER, HANDLER, VOLUNTEER = "tn_rachgia", "cb_rachgia", "tnv_rachgia"
WORKING_DAYS = 30
PER_DAY = (6, 11)  # dossiers a day at the demo centre (the real one takes 300+; the demo stays fast)

# national code -> weight: what a ward centre mostly receives (copies and births, then marriages and deaths…)
MIX = {
    "2.000815": 24, "1.001193": 14, "2.000884": 10, "1.000894": 8, "2.000635": 7, "1.000656": 5, "1.004873": 6,
    "2.001035": 5, "1.004859": 3, "1.004194": 4, "1.004222": 4, "1.001612": 3, "1.004884": 1, "1.004746": 1,
    "2.001019": 1, "2.001406": 1, "2.000913": 1, "2.000908": 1,
}
DEPARTMENT = {"Hộ tịch": "Tư pháp - Hộ tịch", "Chứng thực": "Tư pháp - Chứng thực", "Thủy sản": "Chi cục Thủy sản"}
FISHERIES_AGENCY = "000.00.13.H56"  # Sở Nông nghiệp và Môi trường: the vessel procedures
FISHERIES_OFFICER = "thuysan"
VESSEL_DOSSIERS = 24
SUPPLEMENT_NOTES = (
    "Thiếu bản chính Giấy chứng sinh; đề nghị bổ sung.",
    "Tờ khai chưa có chữ ký của người yêu cầu; đề nghị ký và nộp lại.",
    "Bản sao giấy tờ tùy thân không rõ số; đề nghị nộp bản chụp rõ nét.",
    "Thiếu giấy tờ chứng minh chỗ ở hợp pháp.",
)
OUTCOMES = {  # what becomes of a dossier, weights
    "returned": 64, "uncollected": 5, "supplement_pending": 5, "supplement_resubmitted": 5, "payment_pending": 3,
    "paid": 4, "refused": 4, "withdrawn": 3, "stopped": 2, "apologised": 3,
}
TIMING = {"early": 60, "on_time": 25, "late": 15}


@dataclass
class DemoCentre:
    procedures: int
    dossiers: int  # at the Rạch Giá centre
    vessel_dossiers: int = 0  # at the Sở Nông nghiệp và Môi trường
    seconds: float = 0.0


@dataclass(frozen=True)
class Person:
    cccd: str
    full_name: str
    birth_date: date
    gender: str
    address: str


def applicants(population_csv: Path, wanted: int = 400, *, adult_on: date) -> list[Person]:
    """Adults of the demo population, Rạch Giá residents first (the centre takes anyone from the province)."""
    local: list[Person] = []
    others: list[Person] = []
    limit = adult_on.replace(year=adult_on.year - 18)
    with open(population_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            born = date.fromisoformat(row["birth_date"])
            if born > limit:
                continue
            person = Person(row["cccd"], row["full_name"], born, "Nữ" if row["gender"] == "nữ" else "Nam", row["address"])
            if row["commune_code"] == RACH_GIA:
                local.append(person)
            elif len(others) < wanted:
                others.append(person)
            if len(local) >= wanted:
                break
    return (local + others)[:wanted]


def load_catalogue(files_dir: Path) -> int:
    """The shipped catalogue as the xlsx an administrator would upload, imported by the one importer."""
    result = import_catalogue(shipped_workbook(files_dir / "thu-tuc-hanh-chinh.xlsx"))
    return result.procedures


class _Clock:
    """Office-hour arithmetic of the demo (the centre's calendar: weekends, holidays, day swaps)."""

    def __init__(self, now: datetime):
        self.now = now
        self.calendar = current_calendar()

    def after(self, at: datetime, hours: float) -> datetime:
        return self.calendar.add_working_hours(at, max(hours, 0.05)).at

    def working_days(self, count: int) -> list[date]:
        """The last `count` working days that have begun (today once the office has opened)."""
        local = self.now.astimezone(VN_TZ)
        day = local.date() if local.time() >= self.calendar.office_hours.sessions[0][0] else local.date() - timedelta(days=1)
        days = []
        while len(days) < count:
            if self.calendar.is_working_day(day):
                days.append(day)
            day -= timedelta(days=1)
        return days[::-1]

    def office_moment(self, day: date, rng: random.Random) -> datetime:
        sessions = self.calendar.office_hours.sessions
        start, end = sessions[rng.randrange(len(sessions))]
        first = start.hour * 60 + start.minute
        last = end.hour * 60 + end.minute - 10
        minute = rng.randrange(first, last)
        return datetime.combine(day, time(minute // 60, minute % 60), VN_TZ)


class _Run:
    """One dossier's story: each step happens only if its time has come (≤ now); the first that has not ends it."""

    def __init__(self, dossier: Dossier, clock: _Clock):
        self.dossier, self.clock, self.at, self.open = dossier, clock, dossier.submitted_at or dossier.received_at, True

    def step(self, by, action: str, after: float | datetime, **kw) -> bool:
        """Take `action` `after` working hours from the last step (or at a moment: a datetime)."""
        if not self.open:
            return False
        at = self.clock.after(self.at, after) if not isinstance(after, datetime) else after
        if at > self.clock.now:
            self.open = False
            return False
        lifecycle.step(self.dossier, by, action, at=at, **kw)
        self.at = at
        if action in ("accept", "resubmit"):  # the clock restarts: the new receipt and due time
            self.dossier.refresh_from_db(fields=["received_at", "due_at"])
        return True

    def by_fraction(self, fraction: float) -> datetime:
        """The office moment at `fraction` of the dossier's legal time (past 1: late), after the last step."""
        received, due = self.dossier.received_at, self.dossier.due_at
        target = self.clock.after(received + (due - received) * fraction, 0.02)  # into the office's hours
        return target if target > self.at else self.clock.after(self.at, 0.2)


def make_dossiers(people: list[Person], *, now: datetime | None = None, seed: int = 20251201) -> int:
    """About thirty working days of the Rạch Giá centre's dossiers (60 % online, some helped by the volunteer)."""
    from lienthong.accounts.models import User

    now = now or timezone.now()
    centre = Agency.objects.get(code=CENTRE_CODE)
    if Dossier.objects.filter(agency=centre).exists():
        return 0
    receiver, handler = User.objects.get(username=RECEIVER), User.objects.get(username=HANDLER)
    volunteer = User.objects.get(username=VOLUNTEER)
    procedures = {p.national_code: p for p in centre.procedures.filter(active=True).prefetch_related("components")}
    mix = [(procedures[c], w) for c, w in MIX.items() if c in procedures]
    rng = random.Random(f"{seed}:{now.astimezone(VN_TZ).date()}")
    clock = _Clock(now)
    days = clock.working_days(WORKING_DAYS)
    made = 0
    with transaction.atomic():  # one commit: the demo's thousand steps in a few seconds on SQLite
        for index, day in enumerate(days):
            last_day = index == len(days) - 1
            moments = sorted(clock.office_moment(day, rng) for _ in range(rng.randint(*PER_DAY)))
            for at in moments:
                if at > now:
                    continue
                procedure = rng.choices([p for p, _ in mix], weights=[w for _, w in mix])[0]
                person = people[rng.randrange(len(people))]
                _one(rng, clock, centre, procedure, person, at, receiver, handler, volunteer, last_day)
                made += 1
    return made


def _one(rng, clock, centre, procedure, person, at, receiver, handler, volunteer, last_day, data=None) -> None:
    online = rng.random() < 0.6
    helped = online and volunteer is not None and rng.random() < 0.25
    components = [lifecycle.ComponentIn(c.name, procedure_component_id=c.pk, originals=c.originals,
                                        photocopies=c.copies) for c in procedure.components.all() if c.required]
    applicant = lifecycle.Applicant(cccd=person.cccd, full_name=person.full_name, birth_date=person.birth_date,
                                    gender=person.gender, address=person.address, verified_at=at)
    dossier = lifecycle.create_dossier(
        None if online else receiver, agency=centre, procedure=procedure,
        channel=Channel.ONLINE if online else Channel.COUNTER, applicant=applicant, components=components,
        helped_by=volunteer if helped else None, consent=helped, at=at, data=data)
    run = _Run(dossier, clock)
    outcome = rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]
    if not procedure.fee_amount and outcome in ("payment_pending", "paid"):
        outcome = "returned"
    elif procedure.fee_amount and outcome == "returned":  # fees are paid after the request (state 6), most at once
        outcome = rng.choices(["returned", "paid", "payment_pending"], weights=[60, 30, 10])[0]
    if online:
        if last_day and rng.random() < 0.5:
            return  # submitted today: waits for an officer (state 1)
        if outcome == "refused":
            run.step(receiver, "refuse", rng.uniform(0.5, 4), note="Thủ tục không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận.")
            return
        if outcome == "supplement_pending" and rng.random() < 0.5:
            run.step(receiver, "request_supplement", rng.uniform(0.5, 4), note=rng.choice(SUPPLEMENT_NOTES))
            return
        if not run.step(receiver, "accept", rng.uniform(0.3, 6)):
            return
    if last_day and rng.random() < 0.4:
        return  # received today, not yet handed to the desk (state 2)
    department = DEPARTMENT.get(procedure.field, "Văn phòng")
    hours_procedure = procedure.processing_hours is not None
    if outcome == "refused":
        run.step(handler if rng.random() < 0.5 else receiver, "refuse", rng.uniform(0.5, 3),
                 note="Hồ sơ không đủ điều kiện giải quyết theo quy định.")
        return
    if outcome == "withdrawn":
        run.step(None, "withdraw", rng.uniform(1, 8), citizen=True, note="Người yêu cầu rút hồ sơ.")
        return
    if not run.step(receiver, "assign", rng.uniform(0.1, 1.5), handed_to=handler, department=department):
        return
    if outcome in ("supplement_pending", "supplement_resubmitted"):
        run.step(handler, "request_supplement", run.by_fraction(rng.uniform(0.1, 0.4)), note=rng.choice(SUPPLEMENT_NOTES))
        if outcome == "supplement_pending":
            return
        if not run.step(None, "resubmit", rng.uniform(4, 24), citizen=True):
            return
        if not run.step(receiver, "assign", rng.uniform(0.1, 1), handed_to=handler, department=department):
            return
    if outcome == "stopped":
        run.step(handler, "stop", run.by_fraction(rng.uniform(0.3, 0.7)),
                 note="Có văn bản của cơ quan có thẩm quyền đề nghị tạm dừng giải quyết.")
        return
    if outcome in ("payment_pending", "paid"):
        run.step(handler, "request_payment", run.by_fraction(rng.uniform(0.1, 0.3)))
        if outcome == "payment_pending" or not run.step(None, "paid", rng.uniform(0.5, 6), citizen=True):
            return
    timing = rng.choices(list(TIMING), weights=list(TIMING.values()))[0]
    if outcome == "apologised":
        timing = "late"
        apology_at = run.by_fraction(0.9)
        if apology_at <= clock.now:
            lifecycle.apologise(run.dossier, handler, new_due=clock.after(run.dossier.due_at, 16 if not hours_procedure else 4),
                                reason="Cần xác minh thêm thông tin với cơ quan khác.", at=apology_at)
            run.at = apology_at
    if hours_procedure:  # early: the same day; on time: by the due hour the next day; late: past it
        due = run.dossier.due_at
        finish = {"early": lambda: clock.after(run.at, rng.uniform(0.5, 3)),
                  "on_time": lambda: run.by_fraction(rng.uniform(0.85, 0.99)),
                  "late": lambda: clock.after(due, rng.uniform(1, 8))}[timing]()
        finish = finish if finish > run.at else clock.after(run.at, 0.2)
    else:
        finish = run.by_fraction({"early": rng.uniform(0.1, 0.55), "on_time": rng.uniform(0.8, 0.98),
                                  "late": rng.uniform(1.1, 1.5)}[timing])
    if not run.step(handler, "finish", finish):
        return
    if outcome == "uncollected":
        return
    run.step(receiver, "return_result", rng.uniform(0.2, 2 if hours_procedure else 12))


def make_vessel_dossiers(population_csv: Path, *, now: datetime | None = None, seed: int = 20251201) -> int:
    """A few vessel dossiers at the Sở Nông nghiệp và Môi trường, for owners of registry vessels whom the population
    file knows, each naming its vessel (the registry prefills it); the fisheries officer receives and handles them."""
    from lienthong.accounts.models import User
    from lienthong.fleet.models import Vessel

    now = now or timezone.now()
    agency = Agency.objects.filter(code=FISHERIES_AGENCY).first()
    officer = User.objects.filter(username=FISHERIES_OFFICER).first()
    if agency is None or officer is None or Dossier.objects.filter(agency=agency).exists():
        return 0
    vessels = {}
    for reg, cccd in (Vessel.objects.filter(owner__id_kind="cccd").exclude(owner__id_number="")
                      .order_by("id").values_list("registration_number", "owner__id_number")[:400]):
        vessels.setdefault(cccd, reg)
    owners: list[tuple[Person, str]] = []
    with open(population_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["cccd"] in vessels:
                owners.append((Person(row["cccd"], row["full_name"], date.fromisoformat(row["birth_date"]),
                                      "Nữ" if row["gender"] == "nữ" else "Nam", row["address"]), vessels[row["cccd"]]))
                if len(owners) >= VESSEL_DOSSIERS:
                    break
    procedures = list(agency.procedures.filter(active=True, prefill=Procedure.Prefill.VESSEL).prefetch_related("components"))
    if not owners or not procedures:
        return 0
    rng = random.Random(f"{seed}:vessels:{now.astimezone(VN_TZ).date()}")
    clock = _Clock(now)
    days = clock.working_days(WORKING_DAYS)
    made = 0
    with transaction.atomic():
        for person, registration in owners:
            index = rng.randrange(len(days))
            at = clock.office_moment(days[index], rng)
            if at > now:
                continue
            _one(rng, clock, agency, rng.choice(procedures), person, at, officer, officer, None, index == len(days) - 1,
                 data={"vessel": registration})
            made += 1
    return made


def setup_centre(files_dir: Path, population_csv: Path, *, now: datetime | None = None) -> DemoCentre:
    import time as timer

    started = timer.perf_counter()
    procedures = load_catalogue(files_dir)
    now = now or timezone.now()
    people = applicants(population_csv, adult_on=now.astimezone(VN_TZ).date())
    made = make_dossiers(people, now=now) if people else 0
    vessels = make_vessel_dossiers(population_csv, now=now)
    return DemoCentre(procedures, made, vessels, timer.perf_counter() - started)


__all__ = ["setup_centre", "load_catalogue", "make_dossiers", "make_vessel_dossiers", "applicants", "DemoCentre", "CENTRE_CODE"]

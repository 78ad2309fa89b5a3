"""Digital literacy by unit: the staff register (the latest campaign of profile "staff") against the learning
platform's completions.

An official has completed the basic framework when a basic course's completion carries their CCCD (the one the
population database confirmed, else the valid one their unit wrote), or — for a completion without a usable ID —
their name and their unit, when exactly one official of that unit bears that name. Everything is computed on
reading: a link an officer fixes in the register, or a new list, shows at once (a province's staff is tens of
thousands: a second's work).
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from lienthong.campaigns.models import Campaign, Person
from lienthong.identity.cccd import parse_id_number
from lienthong.identity.text import fold

from .models import Completion, Reminder
from .targets import Milestone, standing

_NON_WORD = re.compile(r"[^a-z0-9]+")
_UBND = re.compile(r"\buy ban nhan dan\b|\bubnd\b")


def unit_key(text: str) -> str:
    """The same unit however it is written: "UBND phường Rạch Giá", "Ủy ban nhân dân Phường Rạch Giá"."""
    folded = _UBND.sub("ubnd", fold(text))
    return _NON_WORD.sub(" ", folded).strip()


@dataclass
class Official:
    person_pk: int
    record_pk: int
    record_id: str
    name: str
    unit: str
    unit_key: str
    commune_code: str
    position: str
    cccd: str  # linked, or the valid one written; "" when neither
    linked: bool
    done: list = field(default_factory=list)  # the basic completions matched to them
    matched_by: str = ""  # "id" or "name_unit"


@dataclass
class UnitRow:
    unit: str
    key: str
    commune_code: str
    officials: list[Official]
    required: Milestone | None
    next: Milestone | None
    reminded_at: object = None

    @property
    def staff(self) -> int:
        return len(self.officials)

    @property
    def completed(self) -> int:
        return sum(1 for o in self.officials if o.done)

    @property
    def share(self) -> float:
        return self.completed / self.staff if self.staff else 0.0

    @property
    def status(self) -> str:
        if self.required and self.share < self.required.share:
            return "behind"
        if self.next and self.share < self.next.share:
            return "on_way"
        return "reached"

    @property
    def to_next(self) -> int:
        """Officials still to complete for the next target (or the last, when every one is past)."""
        target = self.next or self.required
        return max(0, math.ceil(target.share * self.staff - 1e-9) - self.completed) if target else 0


@dataclass
class Literacy:
    campaign: Campaign | None
    units: list[UnitRow]
    unmatched: list[Completion]  # basic completions of nobody on the register
    required: Milestone | None
    next: Milestone | None

    @property
    def staff(self) -> int:
        return sum(u.staff for u in self.units)

    @property
    def completed(self) -> int:
        return sum(u.completed for u in self.units)

    @property
    def share(self) -> float:
        return self.completed / self.staff if self.staff else 0.0


def staff_campaign() -> Campaign | None:
    return Campaign.objects.filter(profile="staff").order_by("-created_at", "-pk").first()


def officials(campaign: Campaign, commune_codes: set[str] | None = None) -> list[Official]:
    people = (Person.objects.filter(record__campaign=campaign, role="official", record__duplicate_of="")
              .select_related("record").order_by("record__row_no"))
    if commune_codes is not None:
        people = people.filter(record__commune_code__in=commune_codes)
    out = []
    for p in people:
        data = p.record.data
        cccd = p.person_id if p.linked and p.person_id else ""
        if not cccd:
            check = parse_id_number(p.id_number)
            cccd = check.digits if check.valid and check.kind == "cccd" else ""
        unit = (data.get("unit") or "").strip()
        out.append(Official(p.pk, p.record.pk, p.record.record_id, p.name, unit, unit_key(unit), p.record.commune_code,
                            data.get("position") or "", cccd, p.linked))
    return out


def match(staff: list[Official], completions) -> list:
    """Attach each basic completion to its official; returns the completions of nobody on the register."""
    by_cccd = {o.cccd: o for o in staff if o.cccd}
    by_name_unit: dict[tuple[str, str], list[Official]] = defaultdict(list)
    for o in staff:
        by_name_unit[(fold(o.name), o.unit_key)].append(o)
    unmatched = []
    for c in completions:
        official = by_cccd.get(c.id_number) if c.id_number else None
        how = "id"
        if official is None:
            # No usable ID, or one nobody on the register holds: the only official of that name in that unit, when
            # the population database has not confirmed another CCCD for them (their unit may have mistyped it).
            namesakes = by_name_unit.get((c.name_folded, c.unit_key), [])
            if len(namesakes) == 1 and not (c.id_number and namesakes[0].linked):
                official, how = namesakes[0], "name_unit"
        if official is None:
            unmatched.append(c)
            continue
        official.done.append(c)
        if official.matched_by != "id":
            official.matched_by = how
    return unmatched


def literacy(today: date, commune_codes: set[str] | None = None) -> Literacy:
    """Every unit's standing on `today` (the completions of that day and before; a commune officer's: their
    communes' units only, `commune_codes`)."""
    now = standing(today)
    campaign = staff_campaign()
    if campaign is None:
        return Literacy(None, [], [], now.required, now.next)
    staff = officials(campaign, commune_codes)
    done = Completion.objects.filter(basic=True, completed_on__lte=today).order_by("completed_on", "pk")
    unmatched = match(staff, done)
    grouped: dict[str, list[Official]] = defaultdict(list)
    for o in staff:
        grouped[o.unit_key].append(o)
    last_reminder = {}
    for r in Reminder.objects.filter(unit_key__in=grouped).order_by("sent_at"):
        last_reminder[r.unit_key] = r.sent_at
    units = [UnitRow(members[0].unit, key, members[0].commune_code, members, now.required, now.next,
                     last_reminder.get(key)) for key, members in grouped.items()]
    units.sort(key=lambda u: (-u.share, -u.staff, u.key))
    if commune_codes is not None:
        unmatched = []  # the province's list: not a commune's to see
    return Literacy(campaign, units, unmatched, now.required, now.next)

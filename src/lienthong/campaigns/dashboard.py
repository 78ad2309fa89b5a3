"""The province's cross-department board: for every registry being cleaned (the fleet's owners and each registry
campaign) and every commune, how many records are clean, in review, waiting on a commune, and overdue — read
straight from the database (aggregate queries, no cache).

The fleet is counted from its own campaign (lienthong.sync) in the same four states: a vessel is clean when its
owner is linked to the population database, waiting when a worklist item about it is open at a commune or the
police, overdue when that item's worklist is past its deadline, and in review otherwise."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.fleet.models import Vessel
from lienthong.geo.units import commune_name
from lienthong.identity.collation import vi_sort_key
from lienthong.sync.models import WorkItemState, WorklistItem

from .models import Profile, Record, RecordState

STATES = ("clean", "review", "commune", "overdue")
FLEET = "fleet"
LINKED = ("verified", "matched")


@dataclass
class Row:
    code: str  # a commune code, or a registry
    name: str
    clean: int = 0
    review: int = 0
    commune: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.clean + self.review + self.commune

    @property
    def share(self) -> float:
        return round(100.0 * self.clean / self.total, 1) if self.total else 0.0


@dataclass
class Registry:
    code: str
    name: str
    deadline: date | None
    total: Row
    communes: list[Row] = field(default_factory=list)


def _campaign_rows(profile: str, campaigns, today: date) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    qs = (Record.objects.filter(campaign__in=campaigns).order_by().values_list("commune_code")
          .annotate(clean=Count("id", filter=Q(state=RecordState.CLEAN)),
                    review=Count("id", filter=Q(state=RecordState.REVIEW)),
                    commune=Count("id", filter=Q(state=RecordState.COMMUNE)),
                    overdue=Count("id", filter=~Q(state=RecordState.CLEAN) & Q(campaign__deadline__lt=today)))
          .values_list("commune_code", "clean", "review", "commune", "overdue"))
    for code, clean, review, commune, overdue in qs:
        rows[code] = Row(code, commune_name(code), clean, review, commune, overdue)
    return rows


def _fleet_rows(today: date) -> dict[str, Row]:
    rows: dict[str, Row] = defaultdict(lambda: Row("", ""))
    open_items = WorklistItem.objects.filter(state=WorkItemState.OPEN)
    waiting = set(open_items.values_list("vessel_id", flat=True))
    late = set(open_items.filter(worklist__deadline__lt=today).values_list("vessel_id", flat=True))
    for pk, code, status in Vessel.objects.order_by().values_list("pk", "commune_code", "owner__identity_status"):
        row = rows[code or ""]
        if status in LINKED:
            row.clean += 1
        elif pk in waiting:
            row.commune += 1
            row.overdue += pk in late
        else:
            row.review += 1
    for code, row in rows.items():
        row.code, row.name = code, commune_name(code)
    return dict(rows)


def _registry(code: str, name, deadline, rows: dict[str, Row]) -> Registry:
    total = Row(code, str(name))
    for r in rows.values():
        for s in STATES:
            setattr(total, s, getattr(total, s) + getattr(r, s))
        if not r.code:
            r.name = str(_("Not placed in a commune"))
    communes = sorted(rows.values(), key=lambda r: (r.code == "", vi_sort_key(r.name)))
    return Registry(code, str(name), deadline, total, communes)


def build(campaigns, *, fleet: bool, today: date | None = None) -> list[Registry]:
    """One Registry per profile with visible campaigns (and the fleet when `fleet`), in the profiles' order."""
    today = today or timezone.localdate()
    out = []
    if fleet:
        out.append(_registry(FLEET, _("Fishing fleet (vessel owners)"), None, _fleet_rows(today)))
    campaigns = list(campaigns)
    for profile in Profile:
        mine = [c for c in campaigns if c.profile == profile.value]
        if mine:
            # The nearest deadline of the registry's campaigns: the one the department must meet first.
            out.append(_registry(profile.value, profile.label, min(c.deadline for c in mine),
                                 _campaign_rows(profile.value, [c.pk for c in mine], today)))
    return out

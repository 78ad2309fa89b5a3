"""The vessel list: which vessels a filter selects, in which order, and the dashboard's counts.

One definition of every filter, used by the list page, its Excel export and the overview's counts, so the
number beside "Fishing licence expired" on the overview is the number of rows the list shows for it.
Row-level scope comes first (`accounts.scopes`): a commune officer's list, counts and export only ever
hold their area.

Papers are judged by each vessel's latest paper (the highest expiry date): older papers have always expired.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count as CountOf
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from lienthong.accounts.scopes import can_see_personal_data
from lienthong.fleet.classes import LENGTH_CLASSES
from lienthong.fleet.models import FishingLicence, IdentityStatus, SafetyCertificate, Vessel

from .collation_db import ViCollate

SOON_DAYS = 30  # "expiring": within this many days (the same window as a paper's badge)
UNKNOWN = "unknown"  # the length-class filter value for vessels without a known length

LENGTH_CODES = tuple(code for code, *_rest in LENGTH_CLASSES)
PAPER_STATES = ("expired", "expiring", "missing")
IDENTITY_STATUSES = tuple(value for value, _label in IdentityStatus.choices)


@dataclass(frozen=True)
class VesselFilter:
    """What the officer asked for; empty strings mean "any". Values are validated by the form."""

    commune: str = ""  # 2025 commune code of the vessel's home commune
    length_class: str = ""  # a length-class code or UNKNOWN
    licence: str = ""  # expired / expiring / missing (latest fishing licence)
    safety: str = ""  # expired / expiring / missing (latest technical safety certificate)
    identity: str = ""  # the owner's identity status
    home_port: str = ""  # home port as recorded
    departure_port: str = ""  # pk of the port of the vessel's last departure

    def as_query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def owner_name_expression():
    """The owner's name as the list shows it: the normalised name, else the name as recorded."""
    return Coalesce(NullIf(F("owner__full_name"), Value("")), F("owner__raw_name"))


def _latest(model) -> Subquery:
    """The latest expiry date among a vessel's papers of one kind (NULL: none, or none with a date)."""
    return Subquery(
        model.objects.filter(vessel=OuterRef("pk")).order_by().values("vessel").annotate(m=Max("expires_on")).values("m")[:1]
    )


def _paper_condition(field: str, state: str, today: dt.date) -> Q:
    soon = today + dt.timedelta(days=SOON_DAYS)
    if state == "expired":
        return Q(**{f"{field}__lt": today})
    if state == "expiring":
        return Q(**{f"{field}__gte": today, f"{field}__lte": soon})
    return Q(**{f"{field}__isnull": True})


def trip_model():
    """The port app's trips, looked up by name: the port app builds on the fleet, not the other way round."""
    try:
        return apps.get_model("port", "Trip")
    except LookupError:  # a deployment without the port app
        return None


def with_columns(qs: QuerySet) -> QuerySet:
    """The per-row values the list shows and sorts by, each a correlated subquery (one query per page)."""
    qs = qs.annotate(last_licence=_latest(FishingLicence), last_safety=_latest(SafetyCertificate))
    trips = trip_model()
    if trips is not None:
        qs = qs.annotate(last_departure_port=Subquery(
            trips.objects.filter(vessel=OuterRef("pk")).order_by("-departure_at", "-pk").values("port_id")[:1]
        ))
    return qs


def visible_vessels(user) -> QuerySet:
    return Vessel.objects.visible_to(user)


def apply_filter(qs: QuerySet, flt: VesselFilter, today: dt.date | None = None) -> QuerySet:
    """`qs` (already scoped and annotated by `with_columns`) narrowed by `flt`."""
    today = today or timezone.localdate()
    if flt.commune:
        qs = qs.filter(commune_code=flt.commune)
    if flt.length_class == UNKNOWN:
        qs = qs.exclude(length_class__in=LENGTH_CODES)
    elif flt.length_class:
        qs = qs.filter(length_class=flt.length_class)
    if flt.licence:
        qs = qs.filter(_paper_condition("last_licence", flt.licence, today))
    if flt.safety:
        qs = qs.filter(_paper_condition("last_safety", flt.safety, today))
    if flt.identity:
        qs = qs.filter(owner__identity_status=flt.identity)
    if flt.home_port:
        qs = qs.filter(home_port=flt.home_port)
    if flt.departure_port:
        qs = qs.filter(last_departure_port=flt.departure_port)
    return qs


# Sort keys: (expression(s), whether it needs personal data). The registration key breaks every tie, so
# pages never overlap or skip a row.
SORTS = ("reg", "name", "owner", "length", "licence")


def ordering(sort: str, user) -> list:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "owner" and not can_see_personal_data(user):
        key = "reg"
    if key == "name":
        exprs = [ViCollate(F("name"))]
    elif key == "owner":
        exprs = [ViCollate(owner_name_expression())]
    elif key == "length":
        exprs = [F("length_m")]
    elif key == "licence":
        exprs = [F("last_licence")]
    else:
        exprs = []
    # Empty values last in both directions (an officer sorting by expiry wants the dates, not the blanks).
    ordered = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in exprs]
    reg = F("reg_key").desc() if descending and key == "reg" else F("reg_key").asc()
    return [*ordered, reg]


def vessel_list(user, flt: VesselFilter, sort: str = "reg", today: dt.date | None = None) -> QuerySet:
    """The vessels `user` may see that `flt` selects, in `sort` order, with owner and row values loaded."""
    qs = apply_filter(with_columns(visible_vessels(user)), flt, today)
    return qs.select_related("owner").order_by(*ordering(sort, user))


def owner_count(qs: QuerySet) -> int:
    """Distinct owners of the vessels in `qs` (what the overview's identity counts count)."""
    return qs.exclude(owner=None).order_by().values("owner").distinct().count()


# --- the overview's counts, each the size of one list --------------------------------------------
@dataclass(frozen=True)
class Count:
    key: str
    flt: VesselFilter
    n: int

    def query(self) -> str:
        """The list's query string for this figure ("licence=expired")."""
        return urlencode(self.flt.as_query())


def overview_counts(user, today: dt.date | None = None) -> dict[str, list[Count] | dict[str, Count]]:
    """The overview's figures, each with the filter of the list it summarises.

    Identity statuses count owners (of the vessels the user may see), as the overview's heading says; the
    list for one status shows those owners' vessels and says how many owners they are."""
    today = today or timezone.localdate()
    base = with_columns(visible_vessels(user))

    def size(flt: VesselFilter) -> int:
        return apply_filter(base, flt, today).count()

    lengths = [Count(code, VesselFilter(length_class=code), size(VesselFilter(length_class=code)))
               for code in (*LENGTH_CODES, UNKNOWN)]
    papers = {}
    for key, flt in (
        ("licence_expired", VesselFilter(licence="expired")),
        ("licence_expiring", VesselFilter(licence="expiring")),
        ("licence_missing", VesselFilter(licence="missing")),
        ("safety_expired", VesselFilter(safety="expired")),
        ("safety_expiring", VesselFilter(safety="expiring")),
    ):
        papers[key] = Count(key, flt, size(flt))
    by_status = dict(
        base.exclude(owner=None).order_by().values_list("owner__identity_status").annotate(n=CountOf("owner", distinct=True))
    )
    statuses = [Count(value, VesselFilter(identity=value), by_status.get(value, 0)) for value in IDENTITY_STATUSES]
    return {"lengths": lengths, "papers": papers, "statuses": statuses}


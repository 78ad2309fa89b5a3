"""Decision 766/QĐ-TTg's five groups (transparency, progress, digitisation, online, satisfaction; 100 points),
computed from the dossiers themselves for a period, per centre (agency), per commune and for the whole scope.

The weights, the sub-indicators and the rating bands are data (onestop/data/indicators_766.json, each number
marked verified or not, with its source): a change of the rules is an edit of that file, not of this code.

Each sub-indicator is a ratio with its numerator and denominator, and earns
``points = max_points × min(1, ratio / target)``.

**No data is not zero.** A sub-indicator whose denominator is 0 (no dossier received in the period, no
complaint, no rating), or that measures something this system does not hold yet (procedures published on the
national database, electronic results, online payments), shows "no data" and is *left out*: its points count
neither as earned nor as available. The total is then shown both ways, never as a silent zero:

- ``earned / available`` (e.g. 48.5 / 71): what the data can say;
- ``score`` = earned / available × 100, the figure the rating band is read from, marked *provisional* while
  ``available`` < 100; no band at all while fewer than ``min_available_for_band`` points (data file: 50) have
  data — a centre measured on 6 points of 100 gets a score, not a rating.

Rescaling rather than counting the missing points as lost: most missing data is missing for every centre alike
(no system in the province records procedure publication yet), and a score out of 100 that drops for data nobody
holds would rank centres by what the software lacks. A centre's own empty measure (no ratings yet) is visible
as "no data" on its row, and the provisional mark says the band rests on fewer than 100 points.

Dossiers of a period are those **received** in it (received_at, Asia/Ho_Chi_Minh; an online dossier counts once
an officer accepts it); late / on time is the timeliness module's rule evaluated *now* (live), so the late
count is exactly the desk's list filtered with ``?timeliness=late`` and the same dates and agency.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse

from lienthong.accounts.models import Role
from lienthong.geo.units import commune_name
from lienthong.workdays import VN_TZ

from .. import timeliness
from ..models import Agency, Channel, Complaint, Dossier, DossierComponent, PortalOutbox, Procedure, Rating

WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "data" / "indicators_766.json"
DESK_PATH = "/mot-cua/ho-so/"  # onestop:desk, when the desk's url module does not name it (yet)

# The dossiers the progress group counts: timeliness.of gives them a verdict (finished, or running with a due date).
COUNTED_STATES = (*timeliness.RUNNING, *timeliness.FINISHED)


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def weights(path: Path | None = None) -> dict:
    """The decision's groups, sub-indicators, points and bands (onestop/data/indicators_766.json)."""
    return _load(str(path or WEIGHTS_FILE))


# --- periods ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A month, quarter or year in Việt Nam time: [start, end) as aware datetimes, first and last day."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int  # month 1–12, quarter 1–4, 1 for a year

    @property
    def first_day(self) -> date:
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return date(self.year, month, 1)

    @property
    def next_first_day(self) -> date:
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        m = self.first_day.month - 1 + months
        return date(self.year + m // 12, m % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), tzinfo=VN_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.next_first_day, datetime.min.time(), tzinfo=VN_TZ)

    @property
    def value(self) -> str:
        """The period as the page's ?ky= writes it: 2026-12, 2026-Q4, 2026."""
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-Q{self.number}",
                "year": f"{self.year}"}[self.kind]

    @property
    def label(self) -> str:
        """Vietnamese, as on the exported workbook: Tháng 12/2026, Quý 4/2026, Năm 2026."""
        return {"month": f"Tháng {self.number:02d}/{self.year}", "quarter": f"Quý {self.number}/{self.year}",
                "year": f"Năm {self.year}"}[self.kind]

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        number = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "year": 1}[kind]
        return cls(kind, day.year, number)

    @classmethod
    def parse(cls, value: str | None, today: date) -> Period:
        """?ky=2026-12 | 2026-Q4 | 2026; the current month for anything else."""
        text = (value or "").strip().upper()
        try:
            if len(text) == 4 and text.isdigit():
                return cls("year", int(text), 1)
            year, _, rest = text.partition("-")
            if rest.startswith("Q") and rest[1:] in ("1", "2", "3", "4"):
                return cls("quarter", int(year), int(rest[1:]))
            if rest.isdigit() and 1 <= int(rest) <= 12:
                return cls("month", int(year), int(rest))
        except ValueError:
            pass
        return cls.containing("month", today)

    def choices(self, today: date) -> list[Period]:
        """The periods offered on the page: the last 12 months, the last 8 quarters, the last 3 years."""
        out = []
        m = date(today.year, today.month, 1)
        for _ in range(12):
            out.append(Period.containing("month", m))
            m = (m - timedelta(days=1)).replace(day=1)
        q = Period.containing("quarter", today)
        for _ in range(8):
            out.append(q)
            q = Period.containing("quarter", q.first_day - timedelta(days=1))
        out += [Period("year", today.year - i, 1) for i in range(3)]
        return out


# --- results ------------------------------------------------------------------------------------------------
@dataclass
class Measure:
    """One sub-indicator: numerator / denominator → ratio → points (None: no data)."""

    key: str
    name: str
    max_points: float
    verified: bool
    target: float = 1.0
    numerator: int | None = None
    denominator: int | None = None
    no_source: bool = False  # the system holds no data for it at all
    unit: str = "dossiers"
    numerator_link: str = ""
    denominator_link: str = ""

    @property
    def has_data(self) -> bool:
        return not self.no_source and bool(self.denominator)

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.has_data else None

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else round(100 * self.ratio, 1)

    @property
    def points(self) -> float | None:
        if not self.has_data:
            return None
        return round(self.max_points * min(1.0, self.ratio / (self.target or 1.0)), 2)


@dataclass
class Group:
    key: str
    name: str
    max_points: float
    measures: list[Measure]

    @property
    def available(self) -> float:
        return sum(m.max_points for m in self.measures if m.has_data)

    @property
    def points(self) -> float | None:
        if not self.available:
            return None
        return round(sum(m.points for m in self.measures if m.has_data), 2)

    @property
    def has_data(self) -> bool:
        return bool(self.available)


@dataclass
class Scorecard:
    """The five groups for one centre, one commune or the whole scope."""

    level: str  # "agency" | "commune" | "scope"
    key: str  # agency code, commune code, "" for the scope
    name: str
    groups: list[Group]
    commune_code: str = ""
    bands: list[dict] = field(default_factory=list)
    min_available_for_band: float = 0

    @property
    def earned(self) -> float:
        return round(sum(g.points or 0 for g in self.groups), 2)

    @property
    def available(self) -> float:
        return sum(g.available for g in self.groups)

    @property
    def score(self) -> float | None:
        """Earned over available, rescaled to 100 (None: nothing measurable)."""
        return round(100 * self.earned / self.available, 2) if self.available else None

    @property
    def provisional(self) -> bool:
        return self.available < 100

    @property
    def too_little_data(self) -> bool:
        return self.available < self.min_available_for_band

    @property
    def band(self) -> str:
        if self.score is None or self.too_little_data:
            return ""
        for b in sorted(self.bands, key=lambda b: -b["min"]):
            if self.score >= b["min"]:
                return b["name"]
        return ""

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)


# --- counting -----------------------------------------------------------------------------------------------
COUNT_KEYS = ("received", "counted", "late", "online", "digitised", "reused", "portal_known", "portal_current",
              "procedures", "online_procedures", "complaints", "complaints_on_time", "complaints_satisfied",
              "ratings", "ratings_satisfied")


def _dossier_counts(dossiers, period: Period, now: datetime) -> dict[int, dict[str, int]]:
    """Per agency id: the dossier counts of the period, in one grouped query."""
    undigitised = DossierComponent.objects.filter(dossier=OuterRef("pk"), digitised=False, held_by_state="")
    qs = (dossiers.filter(received_at__gte=period.start, received_at__lt=period.end)
          .annotate(has_parts=Exists(DossierComponent.objects.filter(dossier=OuterRef("pk"))),
                    undigitised=Exists(undigitised),
                    reuses=Exists(DossierComponent.objects.filter(dossier=OuterRef("pk")).exclude(held_by_state="")),
                    known=Exists(PortalOutbox.objects.filter(dossier=OuterRef("pk"), kind=PortalOutbox.Kind.CREATE,
                                                             sent_at__isnull=False)),
                    pending=Exists(PortalOutbox.objects.filter(dossier=OuterRef("pk"), sent_at__isnull=True)))
          .order_by().values("agency_id")
          .annotate(received=Count("pk"),
                    counted=Count("pk", filter=Q(state__in=COUNTED_STATES, due_at__isnull=False)),
                    late=Count("pk", filter=timeliness.late_q(now)),
                    online=Count("pk", filter=Q(channel=Channel.ONLINE)),
                    digitised=Count("pk", filter=Q(has_parts=True, undigitised=False)),
                    reused=Count("pk", filter=Q(reuses=True)),
                    portal_known=Count("pk", filter=Q(known=True)),
                    portal_current=Count("pk", filter=Q(known=True, pending=False))))
    return {row.pop("agency_id"): row for row in qs}


def _procedure_counts(agency_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (Procedure.objects.filter(active=True, agencies__in=agency_ids).order_by()
            .values("agencies").annotate(procedures=Count("pk"),
                                         online_procedures=Count("pk", filter=~Q(online_level=Procedure.OnlineLevel.NONE))))
    return {r.pop("agencies"): r for r in rows}


def _complaint_counts(agency_ids: list[int], period: Period, now: datetime) -> dict[int, dict[str, int]]:
    """Complaints received in the period that are decided: answered, or past their due time unanswered (one
    still open within its time can yet be answered on time: it waits, outside the ratio)."""
    on_time = Q(answered_at__isnull=False, answered_at__lte=F("due_at"))
    rows = (Complaint.objects.filter(agency_id__in=agency_ids, received_at__gte=period.start, received_at__lt=period.end)
            .filter(Q(answered_at__isnull=False) | Q(due_at__lt=now)).order_by().values("agency_id")
            .annotate(complaints=Count("pk"), complaints_on_time=Count("pk", filter=on_time),
                      complaints_satisfied=Count("pk", filter=on_time & Q(dissatisfied=False))))
    return {r.pop("agency_id"): r for r in rows}


def _rating_counts(agency_ids: list[int], period: Period, satisfied_score: int) -> dict[int, dict[str, int]]:
    rows = (Rating.objects.filter(dossier__agency_id__in=agency_ids, at__gte=period.start, at__lt=period.end)
            .order_by().values("dossier__agency_id")
            .annotate(ratings=Count("pk"),
                      ratings_satisfied=Count("pk", filter=Q(reception__gte=satisfied_score,
                                                             handling__gte=satisfied_score))))
    return {r.pop("dossier__agency_id"): r for r in rows}


# Ratings of the centre's service kept by the apps built on this one (the service hall's ratings at the counter)
# join the dossier ratings in the satisfaction group. Each source is a function (agency ids, period, rules) →
# {agency id: {"ratings": n, "ratings_satisfied": m}}, registered by its app's AppConfig.ready: onestop imports
# none of the apps above it.
RATING_SOURCES: list = []


def register_rating_source(source) -> None:
    if source not in RATING_SOURCES:
        RATING_SOURCES.append(source)


# --- scope --------------------------------------------------------------------------------------------------
def can_view(user) -> bool:
    """Province administrators see every centre; centre and commune officers their communes' centres."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.role in (Role.ADMIN, Role.CENTRE, Role.COMMUNE)


def visible_agencies(user):
    """The centres whose indicators `user` may see (the dossier rule of accounts.scopes, for agencies)."""
    if not can_view(user):
        return Agency.objects.none()
    qs = Agency.objects.filter(active=True)
    if user.is_superuser or user.role == Role.ADMIN:
        return qs
    return qs.filter(commune_code__in=user.commune_codes())


# --- links --------------------------------------------------------------------------------------------------
def desk_url() -> str:
    try:
        return reverse("onestop:desk")
    except NoReverseMatch:
        return DESK_PATH


def _link(base: dict, **extra) -> str:
    params = list(base.items())
    for k, v in extra.items():
        for one in (v if isinstance(v, (list, tuple)) else [v]):
            params.append((k, one))
    return f"{desk_url()}?{urlencode(params)}"


def _day(text: str):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def desk_filter(qs, params, now: datetime):
    """The dossiers a desk link names: the same rules as the counts above, so a list opened from a figure has
    exactly that many rows. `params`: a QueryDict (or a dict of lists). The desk's list page may call this for the
    parameters it does not define itself:

    agency (agency code), commune (2025 commune code), from / to (received date, yyyy-mm-dd, inclusive, Việt Nam
    time), state (repeatable), channel, timeliness (repeatable: early, on_time, late — evaluated at `now`),
    digitised=1, reused=1, portal=known|current.
    """
    get = params.getlist if hasattr(params, "getlist") else (lambda k: list(params.get(k, [])))
    one = lambda k: (get(k) or [""])[0]  # noqa: E731
    if one("agency"):
        qs = qs.filter(agency__code=one("agency"))
    if one("commune"):
        qs = qs.filter(agency__commune_code=one("commune"))
    start, end = _day(one("from")), _day(one("to"))
    if start:
        qs = qs.filter(received_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=VN_TZ))
    if end:
        qs = qs.filter(received_at__lt=datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=VN_TZ))
    states = [int(s) for s in get("state") if s.isdigit()]
    if states:
        qs = qs.filter(state__in=states)
    if one("channel").isdigit():
        qs = qs.filter(channel=int(one("channel")))
    verdicts = set(get("timeliness")) & {timeliness.EARLY, timeliness.ON_TIME, timeliness.LATE}
    if verdicts:
        late = timeliness.late_q(now)
        finished_early = Q(state__in=timeliness.FINISHED, finished_at__isnull=False, due_at__isnull=False) & ~late
        rules = {timeliness.LATE: late,
                 # early / on time need the day comparison of timeliness.of: done in Python on the few candidates.
                 timeliness.EARLY: finished_early, timeliness.ON_TIME: Q(state__in=COUNTED_STATES, due_at__isnull=False) & ~late}
        candidate = Q()
        for v in verdicts:
            candidate |= rules[v]
        qs = qs.filter(candidate)
        if verdicts != {timeliness.EARLY, timeliness.ON_TIME, timeliness.LATE} and verdicts - {timeliness.LATE}:
            keep = [d.pk for d in qs.only("pk", "state", "due_at", "finished_at") if timeliness.of(d, now) in verdicts]
            qs = qs.filter(pk__in=keep)
    if one("digitised") == "1":
        qs = qs.filter(Exists(DossierComponent.objects.filter(dossier=OuterRef("pk")))).exclude(
            Exists(DossierComponent.objects.filter(dossier=OuterRef("pk"), digitised=False, held_by_state="")))
    if one("reused") == "1":
        qs = qs.filter(Exists(DossierComponent.objects.filter(dossier=OuterRef("pk")).exclude(held_by_state="")))
    if one("portal") in ("known", "current"):
        qs = qs.filter(Exists(PortalOutbox.objects.filter(dossier=OuterRef("pk"), kind=PortalOutbox.Kind.CREATE,
                                                          sent_at__isnull=False)))
        if one("portal") == "current":
            qs = qs.exclude(Exists(PortalOutbox.objects.filter(dossier=OuterRef("pk"), sent_at__isnull=True)))
    return qs


# --- the report ---------------------------------------------------------------------------------------------
@dataclass
class Report:
    period: Period
    now: datetime
    scope: Scorecard
    communes: list[Scorecard]
    agencies: list[Scorecard]
    weights: dict


def _sum(rows: Iterable[dict]) -> dict[str, int]:
    out = dict.fromkeys(COUNT_KEYS, 0)
    for r in rows:
        for k in COUNT_KEYS:
            out[k] += r.get(k, 0)
    return out


def scorecard(counts: dict[str, int], *, level: str, key: str, name: str, period: Period, link_base: dict,
              rules: dict, commune_code: str = "") -> Scorecard:
    """The five groups from additive counts (a centre's, a commune's or the scope's sum)."""
    base = {**link_base, "from": period.first_day.isoformat(), "to": period.last_day.isoformat()}
    counted_states = [int(s) for s in COUNTED_STATES]
    c = counts
    measured = {
        "portal_known": (c["portal_known"], c["received"], _link(base, portal="known"), _link(base)),
        "portal_current": (c["portal_current"], c["received"], _link(base, portal="current"), _link(base)),
        "on_time": (c["counted"] - c["late"], c["counted"],
                    _link(base, state=counted_states, timeliness=[timeliness.EARLY, timeliness.ON_TIME]),
                    _link(base, state=counted_states)),
        "digitised": (c["digitised"], c["received"], _link(base, digitised="1"), _link(base)),
        "reused": (c["reused"], c["received"], _link(base, reused="1"), _link(base)),
        "online_dossiers": (c["online"], c["received"], _link(base, channel=int(Channel.ONLINE)), _link(base)),
        "online_procedures": (c["online_procedures"], c["procedures"], "", ""),
        "complaints_on_time": (c["complaints_on_time"], c["complaints"], "", ""),
        "complaints_satisfied": (c["complaints_satisfied"], c["complaints"], "", ""),
        "ratings": (c["ratings_satisfied"], c["ratings"], "", ""),
    }
    units = {"online_procedures": "procedures", "complaints_on_time": "complaints",
             "complaints_satisfied": "complaints", "ratings": "ratings"}
    groups = []
    for g in rules["groups"]:
        measures = []
        for ind in g["indicators"]:
            m = Measure(key=ind["key"], name=ind["name"], max_points=ind["points"], verified=ind.get("verified", False),
                        target=ind.get("target") or 1.0, unit=units.get(ind["measure"], "dossiers"))
            if ind["measure"] in measured:
                m.numerator, m.denominator, m.numerator_link, m.denominator_link = measured[ind["measure"]]
            else:
                m.no_source = True
            measures.append(m)
        groups.append(Group(g["key"], g["name"], g["points"], measures))
    return Scorecard(level, key, name, groups, commune_code=commune_code, bands=rules["bands"],
                     min_available_for_band=rules.get("min_available_for_band", 0))


def late_link(card: Scorecard, period: Period) -> str:
    """The desk's list of the late dossiers behind a scorecard's progress group."""
    base = {"agency": card.key} if card.level == "agency" else {"commune": card.key} if card.level == "commune" else {}
    return _link({**base, "from": period.first_day.isoformat(), "to": period.last_day.isoformat()},
                 timeliness=timeliness.LATE)


def compute(user, period: Period, now: datetime, *, rules: dict | None = None) -> Report:
    """The indicators `user` may see for `period`, evaluated at `now`: the scope's total, each commune's and each
    centre's (only the agencies visible_agencies gives, and only dossiers Dossier.visible_to gives)."""
    agencies = list(visible_agencies(user).order_by("commune_code", "name"))
    scope_name = ("Toàn tỉnh" if (user.is_superuser or user.role == Role.ADMIN)
                  else ", ".join(commune_name(c) for c in user.commune_codes()))
    return _report(agencies, Dossier.objects.visible_to(user), period, now, rules or weights(), scope_name)


def totals(period: Period, now: datetime, communes: set[str] | None = None) -> Report:
    """The same figures with no one's dossiers read: the province's centres (or those of `communes`), counted, for
    the steering board, which shows the totals only."""
    agencies = Agency.objects.filter(active=True)
    if communes is not None:
        agencies = agencies.filter(commune_code__in=communes)
    scope_name = "Toàn tỉnh" if communes is None else ", ".join(commune_name(c) for c in sorted(communes))
    return _report(list(agencies.order_by("commune_code", "name")), Dossier.objects.all(), period, now, weights(),
                   scope_name)


def _report(agencies: list, dossiers, period: Period, now: datetime, rules: dict, scope_name: str) -> Report:
    ids = [a.pk for a in agencies]
    per: dict[int, dict[str, int]] = {a.pk: dict.fromkeys(COUNT_KEYS, 0) for a in agencies}
    dossiers = dossiers.filter(agency_id__in=ids)
    for source in (_dossier_counts(dossiers, period, now), _procedure_counts(ids),
                   _complaint_counts(ids, period, now), _rating_counts(ids, period, rules.get("satisfied_score", 4))):
        for agency_id, row in source.items():
            if agency_id in per:
                per[agency_id].update(row)
    for source in RATING_SOURCES:
        for agency_id, row in source(ids, period, rules).items():
            if agency_id in per:
                per[agency_id]["ratings"] += row.get("ratings", 0)
                per[agency_id]["ratings_satisfied"] += row.get("ratings_satisfied", 0)
    cards = [scorecard(per[a.pk], level="agency", key=a.code, name=a.name, period=period, link_base={"agency": a.code},
                       rules=rules, commune_code=a.commune_code) for a in agencies]
    by_commune: dict[str, list[int]] = {}
    for a in agencies:
        if a.commune_code:
            by_commune.setdefault(a.commune_code, []).append(a.pk)
    communes = [scorecard(_sum(per[i] for i in members), level="commune", key=code, name=commune_name(code),
                          period=period, link_base={"commune": code}, rules=rules, commune_code=code)
                for code, members in by_commune.items()]
    communes.sort(key=lambda s: (s.score is None, -(s.score or 0), s.name))
    scope = scorecard(_sum(per.values()), level="scope", key="", name=scope_name, period=period, link_base={},
                      rules=rules)
    return Report(period, now, scope, communes, cards, rules)

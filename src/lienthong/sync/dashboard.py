"""Province dashboard figures, straight from the database (aggregate queries, no cache)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from lienthong.fleet.classes import LENGTH_CLASSES
from lienthong.fleet.labels import length_class_label
from lienthong.fleet.models import IdentityStatus, Vessel
from lienthong.sync.models import AnswerOutcome, ReviewState, SyncItem, WorkItemState, WorklistItem, WorklistKind

LINKED = ("verified", "matched")
OPEN = (WorkItemState.OPEN, WorkItemState.ANSWERED)


@dataclass
class Dashboard:
    total: int
    linked: int
    by_status: list[tuple[str, str, int]]
    by_commune: list[dict]
    by_length: list[dict]
    over_time: list[tuple[date, int]]
    waiting_commune: list[tuple[str, int]]
    waiting_police: int
    open_reviews: int
    oldest_item: WorklistItem | None
    extra: dict = field(default_factory=dict)

    @property
    def share(self) -> float:
        return round(100.0 * self.linked / self.total, 1) if self.total else 0.0


def vessel_status_counts() -> Counter:
    """Vessels by their owner's identity status; a vessel without an owner counts as no_data."""
    c = Counter(dict(Vessel.objects.filter(owner__isnull=False).values_list("owner__identity_status")
                     .annotate(n=Count("id")).values_list("owner__identity_status", "n")))
    c["no_data"] += Vessel.objects.filter(owner__isnull=True).count()
    return +c


def _share_rows(field_name: str) -> dict[str, dict]:
    rows = {}
    for key, n, linked in (Vessel.objects.values_list(field_name).annotate(
            n=Count("id"), linked=Count("id", filter=Q(owner__identity_status__in=LINKED)))
            .values_list(field_name, "n", "linked")):
        rows[key or ""] = {"n": n, "linked": linked, "share": round(100.0 * linked / n, 1) if n else 0.0}
    return rows


def over_time(days: int = 60, today: date | None = None) -> list[tuple[date, int]]:
    """Vessels whose owner is linked, by the date of the link, cumulated (one point per day)."""
    today = today or timezone.localdate()
    per_day = dict(Vessel.objects.filter(owner__identity_status__in=LINKED, owner__verified_at__isnull=False)
                   .annotate(d=TruncDate("owner__verified_at")).values_list("d").annotate(n=Count("id"))
                   .values_list("d", "n"))
    if not per_day:
        return []
    start = max(min(per_day), today - timedelta(days=days - 1))
    before = sum(n for d, n in per_day.items() if d < start)
    out, acc, d = [], before, start
    while d <= today:
        acc += per_day.get(d, 0)
        out.append((d, acc))
        d += timedelta(days=1)
    return out


def build(today: date | None = None) -> Dashboard:
    from lienthong.geo.units import commune_name
    from lienthong.identity.collation import vi_sort_key

    counts = vessel_status_counts()
    total = Vessel.objects.count()
    by_status = [(v, str(label), counts.get(v, 0)) for v, label in IdentityStatus.choices]
    communes = _share_rows("commune_code")
    by_commune = sorted(({"code": k, "name": commune_name(k) or _("(unknown)"), **v} for k, v in communes.items()),
                        key=lambda r: (r["share"], -r["n"], vi_sort_key(r["name"])))
    lengths = _share_rows("length_class")
    by_length = [{"code": code, "name": str(length_class_label(code)),
                  **lengths.get(code, {"n": 0, "linked": 0, "share": 0.0})} for code, *_rest in LENGTH_CLASSES]
    if "" in lengths:
        by_length.append({"code": "", "name": _("Length unknown"), **lengths[""]})
    open_items = WorklistItem.objects.filter(state__in=OPEN)
    waiting = (open_items.filter(worklist__kind=WorklistKind.COMMUNE).values_list("worklist__commune_code")
               .annotate(n=Count("id")).order_by("-n", "worklist__commune_code").values_list("worklist__commune_code", "n"))
    oldest = open_items.select_related("vessel", "worklist").order_by("created_at", "id").first()
    reviews = SyncItem.objects.filter(review=ReviewState.OPEN).values("owner_id").distinct().count()
    return Dashboard(total, sum(counts.get(s, 0) for s in LINKED), by_status, by_commune, by_length,
                     over_time(today=today), list(waiting),
                     open_items.filter(worklist__kind=WorklistKind.POLICE).count(), reviews, oldest,
                     extra={"outcomes": reported_outcomes()})


def reported_outcomes() -> list[tuple[str, str, int]]:
    """Vessels the communes or police reported moved away, deceased or sold (the registry has to act):
    (code, label, vessels), one row per outcome."""
    got = dict(WorklistItem.objects.filter(state=WorkItemState.REPORTED).values_list("outcome")
               .annotate(n=Count("vessel_id", distinct=True)).values_list("outcome", "n"))
    return [(code, str(label), got.get(code, 0)) for code, label in AnswerOutcome.choices if code != AnswerOutcome.CCCD]


def chart_svg(points: list[tuple[date, int]], total: int, width: int = 640, height: int = 180) -> str:
    """A line chart of linked vessels over time as inline SVG (no chart library needed for one line)."""
    if not points or not total:
        return ""
    pad_l, pad_b, pad_t, pad_r = 44, 22, 10, 10
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    n = len(points)

    def xy(i, v):
        x = pad_l + (w * i / (n - 1) if n > 1 else w / 2)
        return x, pad_t + h - h * v / total

    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, (_, v) in enumerate(points)))
    last_x, last_y = xy(n - 1, points[-1][1])
    first, last = points[0][0].strftime("%d/%m"), points[-1][0].strftime("%d/%m")
    return (
        f'<svg class="sync-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(_("Verified vessels by day: %(n)s of %(total)s") % {"n": points[-1][1], "total": total})}">'
        f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l + w}" y2="{pad_t}" class="grid"/>'
        f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" class="axis"/>'
        f'<text x="{pad_l - 4}" y="{pad_t + 4}" text-anchor="end">{total}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + h}" text-anchor="end">0</text>'
        f'<text x="{pad_l}" y="{height - 4}">{first}</text>'
        f'<text x="{pad_l + w}" y="{height - 4}" text-anchor="end">{last}</text>'
        f'<polyline points="{coords}" class="line"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" class="dot"/></svg>'
    )

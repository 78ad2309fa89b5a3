"""The indicators dashboard (/mot-cua/chi-so/): Decision 766's total and groups for the officer's scope, the
communes' and centres' comparison, refreshed every 60 s by htmx, and its Excel export (audited).
The page shows counts only, no person's data; the export is audited as every export is."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.ratelimit import limit_public
from lienthong.workdays import VN_TZ

from ..errors import DossierError
from . import compute, excel, feedback
from .charts import TOO_LITTLE, points_bars
from .compute import Period, Scorecard
from .forms import RatingForm


def _allowed(request) -> None:
    if not compute.can_view(request.user):
        record(request, AuditAction.DENIED, object_type="indicators",
               summary=msg(gettext_noop("Indicators page %(path)s"), path=request.path))
        raise PermissionDenied


def _report(request):
    now = timezone.now()
    today = now.astimezone(VN_TZ).date()
    period = Period.parse(request.GET.get("ky"), today)
    return compute.compute(request.user, period, now), today


def band_class(card: Scorecard) -> str:
    names = [b["name"] for b in sorted(card.bands, key=lambda b: -b["min"])]
    return f"band-{names.index(card.band)}" if card.band in names else "band-none"


@login_required
@require_GET
def dashboard(request):
    _allowed(request)
    report, today = _report(request)
    focus = report.scope
    wanted, commune = request.GET.get("agency", ""), request.GET.get("commune", "")
    if wanted:
        focus = next((a for a in report.agencies if a.key == wanted), report.scope)
    elif commune:
        focus = next((c for c in report.communes if c.key == commune), report.scope)
    cls = band_class(focus)
    group_chart = points_bars([(g.name, g.points, g.max_points, cls) for g in focus.groups],
                              title=_("Points of each group"))
    rows = report.communes if len(report.communes) > 1 else report.agencies
    compare_chart = points_bars([(c.name, None, 100, TOO_LITTLE) if c.too_little_data else (c.name, c.score, 100, band_class(c))
                                 for c in rows],
                                title=_("Score out of 100"), label_w=190) if len(rows) > 1 else ""
    context = {
        "report": report, "period": report.period, "focus": focus, "focus_class": cls,
        "late_link": compute.late_link(focus, report.period), "group_chart": group_chart,
        "compare_chart": compare_chart, "compare_rows": rows,
        "communes": [(c, band_class(c)) for c in report.communes],
        "agencies": [(a, band_class(a)) for a in report.agencies],
        "choices": report.period.choices(today), "agency": wanted, "commune": commune if focus.level == "commune" else "",
        "province": len(report.communes) > 1,
    }
    template = "onestop/indicators/_board.html" if request.headers.get("HX-Request") else "onestop/indicators/dashboard.html"
    return render(request, template, context)


@login_required
@require_GET
def export(request):
    _allowed(request)
    report, _today = _report(request)
    content = excel.workbook(report)
    record(request, AuditAction.EXPORT, object_type="indicators", object_id=report.period.value,
           summary=msg(gettext_noop("Indicators of %(period)s exported (%(centres)s centres)"),
                       period=report.period.label, centres=len(report.agencies)),
           detail={"period": report.period.value, "agencies": [a.key for a in report.agencies]})
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="chi-so-766-{report.period.value}.xlsx"'
    return response


# --- public: the citizen rates a finished dossier ----------------------------------------------------------
@limit_public
@require_http_methods(["GET", "POST"])
def rate(request):
    done = False
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                feedback.rate(request, **form.cleaned_data)
                done = True
            except DossierError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        form = RatingForm(initial={"code": request.GET.get("ma", "")})
    return render(request, "onestop/indicators/rate.html", {"form": form, "done": done},
                  status=400 if request.method == "POST" and not done else 200)

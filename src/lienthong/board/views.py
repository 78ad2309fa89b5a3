"""The board's pages. Thin: literacy.literacy computes, importing imports, reminders reminds, exports writes."""
from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.redaction import mask_id_number
from lienthong.accounts.scopes import board_communes, can_import_budget, can_keep_staff_register, can_see_personal_data, is_volunteer, sees_board
from lienthong.campaigns.importing import ImportRefused
from lienthong.geo.units import commune_name
from lienthong.identity.collation import vi_sorted
from lienthong.onestop.indicators import compute as indicators
from lienthong.textsearch.rows import rank
from lienthong.typed_input import whole_number

from . import budget, exports, overview, reminders, report, volunteers
from .importing import import_completions
from .literacy import literacy
from .models import CompletionList, HelpVisit

STATUSES = ("behind", "on_way", "reached")


def _refuse(request, object_type: str, msgid: str):
    """Log the refusal (the audit log keeps denials too) and answer 403."""
    record(request, AuditAction.DENIED, object_type=object_type, summary=msg(msgid))
    raise PermissionDenied


def _board_user(request):
    if not sees_board(request.user):
        _refuse(request, "literacy_unit", gettext_noop("Board refused"))
    return board_communes(request.user)


def _today():
    return timezone.localdate()


@login_required
def home(request):
    communes = _board_user(request)
    data = literacy(_today(), communes)
    status = request.GET.get("tinh-trang", "")
    units = [u for u in data.units if u.status == status] if status in STATUSES else data.units
    q = request.GET.get("q", "").strip()[:100]
    if q:  # as officers type a unit ("so tu phap", "ubnd rach gia"): ranked, in the ranking's order when equal
        units = rank(units, q, name=lambda u: u.unit, field=lambda u: commune_name(u.commune_code))
    counts = {s: sum(1 for u in data.units if u.status == s) for s in STATUSES}
    return render(request, "board/literacy.html", {
        "data": data, "units": units, "status": status, "counts": counts, "today": _today(), "q": q,
        "can_keep": can_keep_staff_register(request.user), "lists": CompletionList.objects.all()[:5],
        "scoped": communes is not None})


def _unit(request, slug: str):
    communes = _board_user(request)
    data = literacy(_today(), communes)
    unit = next((u for u in data.units if u.key.replace(" ", "-") == slug), None)
    if unit is None:
        raise Http404
    return data, unit


@login_required
def unit(request, slug: str):
    data, row = _unit(request, slug)
    personal = can_see_personal_data(request.user) or can_keep_staff_register(request.user)
    only = request.GET.get("chua", "") == "1"
    officials = [o for o in row.officials if not (only and o.done)]
    shown = [(o, o.cccd if personal else mask_id_number(o.cccd), o.done[0] if o.done else None) for o in officials]
    record(request, AuditAction.VIEW, object_type="literacy_unit", object_id=row.key,
           summary=msg(gettext_noop("Viewed the digital literacy of %(unit)s (%(n)s officials)"), unit=row.unit,
                       n=len(officials)))
    return render(request, "board/unit.html", {"data": data, "row": row, "shown": shown, "only": only,
                                               "personal": personal})


@login_required
def export(request):
    communes = _board_user(request)
    data = literacy(_today(), communes)
    record(request, AuditAction.EXPORT, object_type="literacy_unit",
           summary=msg(gettext_noop("Exported the digital literacy of %(n)s units"), n=len(data.units)))
    return _xlsx(exports.ranking(data, _today()), f"binh-dan-hoc-vu-so-{_today():%Y%m%d}.xlsx")


@login_required
def export_unit(request, slug: str):
    data, row = _unit(request, slug)
    personal = can_see_personal_data(request.user) or can_keep_staff_register(request.user)
    record(request, AuditAction.EXPORT, object_type="literacy_unit", object_id=row.key,
           summary=msg(gettext_noop("Exported the digital literacy of %(unit)s (%(n)s officials)"), unit=row.unit,
                       n=row.staff))
    return _xlsx(exports.unit(row, _today(), personal), f"binh-dan-hoc-vu-so-{slug}-{_today():%Y%m%d}.xlsx")


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _import_page(request, template: str, importer, missing: str, context: dict):
    """An import page: the form, and on POST the file through `importer` (refused: the message, status 400)."""
    context = {"error": "", "result": None, **context}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"], status = missing, 400
        else:
            try:
                context["result"] = importer(upload.read(), upload.name, request.user)
            except ImportRefused as exc:
                context["error"], status = str(exc), 400
    return render(request, template, context, status=status)


@login_required
def import_list(request):
    if not can_keep_staff_register(request.user):
        _refuse(request, "completion_list", gettext_noop("Completion list import refused"))
    return _import_page(request, "board/import.html", import_completions,
                        _("Choose the file exported by the learning platform."),
                        {"lists": CompletionList.objects.select_related("imported_by")[:20]})


@login_required
@require_POST
def remind(request):
    if not can_keep_staff_register(request.user):
        _refuse(request, "literacy_reminder", gettext_noop("Reminder to units refused"))
    sent = reminders.remind_behind(literacy(_today()), request.user, request)
    messages.success(request, _("%(n)s units behind their target were reminded.") % {"n": sent})
    return redirect("board:literacy")


# --- budget ------------------------------------------------------------------------------------------------------
@login_required
def budget_page(request):
    communes = _board_user(request)
    if communes is not None:  # a commune's officer: the departments' budget is not theirs to read
        raise PermissionDenied
    known = budget.years()
    chosen = whole_number(request.GET.get("nam", "")) or (known[0] if known else _today().year)
    data = budget.year(chosen)
    rows = [(b, budget.share_of(b), budget.spent_of(b)) for b in data.lines]
    return render(request, "board/budget.html", {
        "data": data, "rows": rows, "years": known, "chosen": chosen, "can_import": can_import_budget(request.user),
        "line_pct": data.line * 100})


@login_required
def budget_export(request):
    if board_communes(request.user) is not None or not sees_board(request.user):
        raise PermissionDenied
    chosen = whole_number(request.GET.get("nam", "")) or _today().year
    record(request, AuditAction.EXPORT, object_type="budget",
           summary=msg(gettext_noop("Exported the digital transformation budget of %(year)s"), year=chosen))
    return _xlsx(exports.budget(budget.year(chosen)), f"ngan-sach-chuyen-doi-so-{chosen}.xlsx")


@login_required
def budget_import(request):
    if not can_import_budget(request.user):
        _refuse(request, "budget", gettext_noop("Budget import refused"))
    return _import_page(request, "board/budget_import.html", budget.import_budget, _("Choose the finance sheet."), {})


# --- youth volunteers' visits ----------------------------------------------------------------------------------------
TIME_FORMAT = "%d/%m/%Y %H:%M"


def _parse_time(text: str):
    try:
        return timezone.make_aware(datetime.strptime(text.strip(), TIME_FORMAT))
    except (ValueError, TypeError):
        return None


@login_required
def visit_log(request):
    """The volunteer's phone form: it works without the page's script (a plain POST, named by a hidden client id
    so a double tap stores one visit); with it, visits wait on the phone while offline and are sent when back."""
    if not (is_volunteer(request.user) or request.user.is_superuser or request.user.role == "admin"):
        _refuse(request, "help_visit", gettext_noop("Visit log refused"))
    wants_json = "application/json" in request.headers.get("Accept", "")
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("client_id", "commune_code", "household", "people", "minutes",
                                                         "visited_at")}
        values["topics"] = request.POST.getlist("topics")
        try:
            _visit, created = volunteers.log_visit(
                request.user, client_id=values["client_id"], commune_code=values["commune_code"],
                household=values["household"], people=values["people"], topics=values["topics"],
                minutes=values["minutes"], visited_at=_parse_time(values["visited_at"]), request=request)
        except volunteers.VisitError as exc:
            if wants_json:
                return JsonResponse({"ok": False, "errors": exc.errors}, status=400)
            errors = exc.errors
        else:
            if wants_json:
                return JsonResponse({"ok": True, "created": created})
            messages.success(request, _("Visit saved.") if created else _("This visit was already saved."))
            return redirect("board:visits")
    last = HelpVisit.objects.filter(volunteer=request.user).order_by("-received_at").first()
    context = {
        "communes": volunteers.communes(), "topics": HelpVisit.Topic.choices, "errors": errors,
        "values": values or {"commune_code": last.commune_code if last else "", "people": "1", "minutes": "30"},
        "client_id": uuid.uuid4(), "now": timezone.localtime().strftime(TIME_FORMAT),
        "recent": HelpVisit.objects.filter(volunteer=request.user).order_by("-visited_at")[:10]}
    return render(request, "board/visits.html", context, status=400 if errors else 200)


@login_required
def visit_totals(request):
    communes = _board_user(request)
    today = _today()
    starts, table = volunteers.weekly(today, 8, communes)
    rows = []
    for code, weeks in vi_sorted(table.items(), key=lambda kv: commune_name(kv[0])):
        cells = [weeks.get(s) for s in starts]
        rows.append((code, commune_name(code), cells, sum(w.visits for w in cells if w), sum(w.people for w in cells if w)))
    totals = volunteers.province_weeks(starts, table)
    return render(request, "board/visit_totals.html", {
        "starts": starts, "rows": rows, "totals": totals, "topics": HelpVisit.Topic.choices})


# --- the steering committee's page and monthly report -------------------------------------------------------------
@login_required
def overview_page(request):
    communes = _board_user(request)
    period = overview.month_period(request.GET.get("thang"), _today())
    data = overview.overview(period, communes)
    months = [p for p in indicators.Period.containing("month", _today()).choices(_today()) if p.kind == "month"]
    week_max = max([w.people for w in data.weeks] + [1])
    return render(request, "board/overview.html", {
        "o": data, "months": months, "scoped": communes is not None, "week_max": week_max,
        "can_indicators": indicators.can_view(request.user), "top": data.literacy.units[:5],
        "bottom": data.literacy.units[-5:][::-1] if len(data.literacy.units) > 5 else []})


@login_required
def monthly_report(request):
    communes = _board_user(request)
    period = overview.month_period(request.GET.get("thang"), _today())
    data = overview.overview(period, communes)
    record(request, AuditAction.EXPORT, object_type="board_report",
           summary=msg(gettext_noop("Printed the steering board's report of %(month)s"), month=period.label))
    response = HttpResponse(report.render(data, _today()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-chuyen-doi-so-{period.year}-{period.number:02d}.pdf"'
    return response

"""The hall's statistics page (/sanh/thong-ke/) and its Excel export, for the centre's officers (their communes'
centres) and the province's administrators. Counts and minutes only; officers are named (the director compares
counters and officers). Every figure is derived from the tickets' periods (figures.py)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction, Role
from lienthong.onestop.models import Agency
from lienthong.workdays import VN_TZ

from . import excel, figures
from .charts import busiest_hours
from .forms import PeriodForm


def visible_agencies(user):
    """Centres whose hall statistics `user` may read: a centre officer's communes' centres; administrators all."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return Agency.objects.none()
    qs = Agency.objects.filter(active=True, hall_services__isnull=False).distinct().order_by("name")
    if user.is_superuser or user.role == Role.ADMIN:
        return qs
    if user.role == Role.CENTRE:
        return qs.filter(commune_code__in=user.commune_codes())
    return Agency.objects.none()


def _form(request):
    agencies = list(visible_agencies(request.user))
    if not agencies:
        record(request, AuditAction.DENIED, object_type="hall_stats",
               summary=msg(gettext_noop("Hall statistics %(path)s"), path=request.path))
        raise PermissionDenied
    today = timezone.now().astimezone(VN_TZ).date()
    first, last = figures.this_week(today)
    form = PeriodForm(request.GET, agencies, first, last)
    if form.is_valid():
        first, last = form.cleaned_data["date_from"] or first, form.cleaned_data["date_to"] or last
    return form, form.chosen_agency(), first, last


@login_required
@require_GET
def page(request):
    form, agency, first, last = _form(request)
    data = figures.compute(agency, first, last) if form.is_valid() else None
    context = {"form": form, "agency": agency, "first": first, "last": last, "figures": data,
               "chart": busiest_hours(data.busiest, title=_("Tickets taken per hour of day")) if data else "",
               "groups": [(_("By service"), "service", data.by_service), (_("By counter"), "counter", data.by_counter),
                          (_("By officer"), "officer", data.by_officer), (_("By hour of day"), "hour", data.by_hour),
                          (_("By day of week"), "weekday", data.by_weekday)] if data else [],
               "query": request.GET.urlencode()}
    return render(request, "hall/stats/page.html", context, status=200 if data else 400)


@login_required
@require_GET
def export(request):
    form, agency, first, last = _form(request)
    if not form.is_valid():
        return render(request, "hall/stats/page.html", {"form": form, "agency": agency, "figures": None}, status=400)
    data = figures.compute(agency, first, last)
    content = excel.workbook(data, agency.name)
    record(request, AuditAction.EXPORT, object_type="hall_stats", object_id=agency.code,
           summary=msg(gettext_noop("Hall statistics of %(centre)s from %(first)s to %(last)s exported"),
                       centre=agency.name, first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}"),
           detail={"agency": agency.code, "from": first.isoformat(), "to": last.isoformat()})
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-sanh-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
    return response

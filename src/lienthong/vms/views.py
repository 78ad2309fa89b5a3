"""The vessel-monitoring desk's pages. Thin: the rules in lienthong.monitoring, storing and evaluating in ingest and
evaluate, the officer's steps in desk (each audited), the zones in areas, the map's data in mapdata.

Who may: the province's fisheries officers and administrators (accounts.scopes.can_watch_vessels); a vessel's owner
(name, phone) is personal data, shown to the desk with the view audited."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from lienthong.accounts import audit
from lienthong.accounts.scopes import can_watch_vessels
from lienthong.fleet.models import Vessel
from lienthong.monitoring.errors import InputError

from . import areas, evaluate, ingest, labels, mapdata
from . import desk as steps
from .forms import NoteForm, ReportForm, UploadForm
from .models import OPEN_STATES, Alert, AlertKind, AlertState, Batch, Harbour, Position, Zone

PAGE_SIZE = 50
REPORT_EVERY = timedelta(hours=6)
THRESHOLD_WORDS = {
    "gap_at_sea_hours": gettext_lazy("Lost signal at sea after (hours)"),
    "long_gap_days": gettext_lazy("Long silence: must return after (days)"),
    "no_signal_hours": gettext_lazy("Not reporting after (hours)"),
    "min_length_m": gettext_lazy("Vessels monitored from (m)"),
    "escalate_after_hours": gettext_lazy("Escalate a lost signal after (hours)"),
    "escalate_after_zone_hours": gettext_lazy("Escalate a zone breach after (hours)"),
    "default_port_radius_km": gettext_lazy("Default port radius (km)"),
}
UNREPORTED_SHOWN = 50


def _desk_officer(request) -> None:
    if not can_watch_vessels(request.user):
        raise PermissionDenied


def _period(request, default_days: int) -> tuple[datetime, datetime, str, str]:
    """The period of the map and the tracks: ?tu=dd/mm/yyyy&den=dd/mm/yyyy (whole days, local time)."""
    today = timezone.localdate()

    def day(name, fallback):
        text = (request.GET.get(name) or "").strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return fallback

    end_day = day("den", today)
    start_day = day("tu", end_day - timedelta(days=default_days - 1))
    if start_day > end_day:
        start_day, end_day = end_day, start_day
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(start_day, time.min), tz)
    end = timezone.make_aware(datetime.combine(end_day, time.max), tz)
    return start, end, start_day.isoformat(), end_day.isoformat()


@login_required
def desk(request):
    _desk_officer(request)
    now = timezone.now()
    evaluate.escalate_due(now)  # the page shows what is due even when no worker runs
    state = request.GET.get("trang-thai", "open")
    kind = request.GET.get("loai", "")
    alerts = Alert.objects.filter(withdrawn=False).select_related("vessel")
    if state == "open":
        alerts = alerts.filter(state__in=OPEN_STATES)
    elif state in AlertState.values:
        alerts = alerts.filter(state=state)
    if kind in AlertKind.values:
        alerts = alerts.filter(kind=kind)
    page = Paginator(alerts.order_by("-started_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("trang"))
    counts = {s: Alert.objects.filter(withdrawn=False, state=s).count() for s in AlertState.values}
    unreported = evaluate.unreported_vessels(now)
    regs = {v.registration_number: v for v in Vessel.objects.filter(
        registration_number__in=[u.registration_number for u in unreported[:UNREPORTED_SHOWN]])}
    return render(request, "vms/desk.html", {
        "page": page, "state": state, "kind": kind, "kinds": AlertKind.choices,
        "states": [(value, label, counts[value]) for value, label in AlertState.choices],
        "open_count": sum(counts[s] for s in OPEN_STATES), "now": now, "overdue_ids": {a.pk for a in page if a.is_open and a.escalate_at <= now},
        "unreported": [(u, labels.NO_SIGNAL[u.reason], regs.get(u.registration_number))
                       for u in unreported[:UNREPORTED_SHOWN]],
        "unreported_total": len(unreported),
        "batches": Batch.objects.select_related("provider")[:5],
        "positions_total": Position.objects.count(),
    })


def _alert(request, pk) -> Alert:
    _desk_officer(request)
    return get_object_or_404(Alert.objects.select_related("vessel", "vessel__owner"), pk=pk)


@login_required
def alert(request, pk: int):
    a = _alert(request, pk)
    owner = a.vessel.owner
    if owner is not None:
        audit.record(request, "view", object_type="owner", object_id=owner.pk,
                     summary=audit.msg(gettext_noop("Viewed the owner of %(reg)s from a monitoring alert"),
                                       reg=a.vessel.registration_number))
    start = a.started_at - timedelta(days=1)
    end = (a.ended_at or timezone.now()) + timedelta(hours=6)
    data_url = reverse("vms:map-data") + "?" + "&".join([
        f"tau={a.vessel.registration_number}", f"tu={timezone.localtime(start):%d/%m/%Y}",
        f"den={timezone.localtime(end):%d/%m/%Y}"])
    report_due = None
    if a.is_open and not a.is_zone and a.ended_at is None:
        # Decree 37/2024: with the device broken the captain reports every 6 hours by other means
        last = steps.last_report(a)
        report_due = (last.reported_at if last else a.started_at - areas.thresholds().gap_at_sea) + REPORT_EVERY
    return render(request, "vms/alert.html", {
        "alert": a, "steps": a.steps.select_related("by"), "owner": owner, "data_url": data_url,
        "report_due": report_due,
        "note_form": NoteForm(), "report_form": ReportForm(initial={"reported_at": timezone.localtime()}),
        "now": timezone.now(),
    })


OPS = {"acknowledge", "call", "report", "escalate", "note", "close"}


@login_required
@require_POST
def alert_act(request, pk: int, op: str):
    a = _alert(request, pk)
    if op not in OPS:
        raise PermissionDenied
    note = (request.POST.get("note") or "").strip()
    try:
        if op == "acknowledge":
            steps.acknowledge(request, a, note)
        elif op == "call":
            steps.call(request, a, note)
        elif op == "escalate":
            steps.escalate(request, a, note)
        elif op == "note":
            steps.add_note(request, a, note)
        elif op == "close":
            steps.close(request, a, note)
        else:
            form = ReportForm(request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: "
                                            f"{' '.join(errors)}")
                return redirect("vms:alert", pk=a.pk)
            steps.position_report(request, a, form.cleaned_data["reported_at"], form.cleaned_data["latitude"],
                                 form.cleaned_data["longitude"], form.cleaned_data["note"])
    except steps.DeskError as exc:
        messages.error(request, str(labels.REFUSALS.get(exc.code, exc.code)))
        return redirect("vms:alert", pk=a.pk)
    messages.success(request, _("Saved."))
    return redirect("vms:alert", pk=a.pk)


@login_required
def vessel(request, registration_number: str):
    _desk_officer(request)
    v = get_object_or_404(Vessel, registration_number=registration_number)
    start, end, tu, den = _period(request, 7)
    alerts = Alert.objects.filter(vessel=v, withdrawn=False).order_by("-started_at")[:100]
    last = Position.objects.filter(vessel=v).order_by("-time").first()
    data_url = reverse("vms:map-data") + f"?tau={v.registration_number}&tu={tu}&den={den}"
    return render(request, "vms/vessel.html", {"vessel": v, "alerts": alerts, "last": last, "tu": tu, "den": den,
                                               "data_url": data_url,
                                               "count": Position.objects.filter(vessel=v, time__gte=start,
                                                                                time__lte=end).count()})


@login_required
def map_page(request):
    _desk_officer(request)
    _start, _end, tu, den = _period(request, 1)
    reg = (request.GET.get("tau") or "").strip()
    data_url = reverse("vms:map-data") + f"?tu={tu}&den={den}" + (f"&tau={reg}" if reg else "")
    return render(request, "vms/map.html", {"tu": tu, "den": den, "reg": reg, "data_url": data_url})


@login_required
def map_data(request):
    _desk_officer(request)
    start, end, _tu, _den = _period(request, 1)
    reg = (request.GET.get("tau") or "").strip()
    vessel_obj = Vessel.objects.filter(registration_number=reg).first() if reg else None
    return JsonResponse(mapdata.build(start=start, end=end, vessel=vessel_obj))


@login_required
def zones(request):
    _desk_officer(request)
    form = UploadForm()
    if request.method == "POST" and request.POST.get("what") == "thresholds":
        values = {}
        try:
            for key in areas.thresholds().to_dict():
                text = (request.POST.get(key) or "").strip()
                try:
                    values[key] = float(text.replace(",", "."))
                except ValueError:
                    raise ValueError(f"{THRESHOLD_WORDS.get(key, key)}: {text!r}") from None
            areas.set_thresholds(request, values)
        except ValueError as exc:
            messages.error(request, _("Thresholds not changed: %(why)s") % {"why": exc})
        else:
            messages.success(request, _("Thresholds changed; the next evaluation uses them."))
            return redirect("vms:zones")
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                n = areas.replace_zones(request, upload.read(), upload.name)
            except InputError as exc:
                messages.error(request, _("Nothing changed: %(why)s") % {"why": exc})
            else:
                messages.success(request, _("%(n)s zones loaded; the rules read them from now on.") % {"n": n})
                return redirect("vms:zones")
    return render(request, "vms/zones.html", {"zones": Zone.objects.all(), "harbours": Harbour.objects.all(),
                                              "rules": [(key, value, THRESHOLD_WORDS.get(key, key)) for key, value
                                                        in areas.thresholds().to_dict().items()],
                                              "form": form})


@login_required
def upload(request):
    """An officer loads a provider's file by hand (the same check as the API and the drop folder)."""
    _desk_officer(request)
    form, refused = UploadForm(), None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            data = f.read()
            try:
                rows = (ingest.rows_from_json if f.name.lower().endswith(".json") else ingest.rows_from_csv)(data, f.name)
                outcome = ingest.store(rows, source="file", name=f.name, provider=request.user)
            except ingest.BatchRefused as exc:
                refused = {"name": exc.name, "total": exc.total,
                           "problems": [labels.problem_text(p) for p in exc.problems],
                           "more": exc.total - len(exc.problems)}
            else:
                b = outcome.batch
                messages.success(request, _("%(name)s: %(stored)s positions stored, %(dup)s already stored; "
                                            "%(opened)s alerts raised, %(ended)s ended.")
                                 % {"name": f.name, "stored": b.stored, "dup": b.duplicates,
                                    "opened": outcome.alerts_opened, "ended": outcome.alerts_ended})
                return redirect("vms:desk")
    return render(request, "vms/upload.html", {"form": form, "refused": refused})

"""Port pages: the fishers' pre-declaration (public, phone-sized), the officer's desk, the trip, the
statistics, the rules, and the public verification page with its signature check."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.ratelimit import limit_public
from lienthong.accounts.scopes import can_use_port
from lienthong.fleet.models import Vessel
from lienthong.signing.services import verify_document
from lienthong.signing.views import check_upload
from lienthong.typed_input import bounded, whole_number
from lienthong.vms import mapdata as vms_mapdata
from lienthong.vms.models import Alert as VmsAlert

from . import charts, ownerproof, services
from .checks import FAILED
from .forms import DeclarationForm, RuleForm, catch_from_post, catch_rows_shown, crew_from_post, parse_local_datetime
from .models import CheckRule, Port, Species, Trip, TripFlag, TripStatus
from .services import PortError


def _officer(request):
    if not can_use_port(request.user):
        record(request, AuditAction.DENIED, object_type="trip", summary=msg(gettext_noop("Port page %(path)s"), path=request.path))
        raise PermissionDenied
    return request.user


def _trip_for(request, reference: str) -> Trip:
    trip = Trip.objects.visible_to(request.user).filter(reference=reference).first()
    if trip is None:
        raise Http404
    return services.load_trip(trip)


# --- public: pre-declaration, receipt, verification ------------------------------------------------
@limit_public
def declare(request):
    form = DeclarationForm(request.POST or None)
    crew, crew_rows = crew_from_post(request.POST) if request.method == "POST" else ([], [])
    errors = {}
    offer_code = code_notice = None
    if request.method == "POST" and "send_code" in request.POST:
        # The owner asks for a one-time code (offered after strangers' guesses closed the CCCD alone).
        vessel = Vessel.objects.select_related("owner").filter(
            reg_key=services.registration_key(request.POST.get("registration_number", ""))).first()
        sent = ownerproof.send_code(vessel, request)
        offer_code = True
        code_notice = sent.message
        form = DeclarationForm(initial=request.POST.dict())  # shown again as typed, without errors
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            trip = services.declare(
                registration_number=d["registration_number"], port=d["port"],
                captain=services.CrewInput(d["captain_name"], d["captain_cccd"], d["captain_birth_date"]),
                crew=crew, zone=d["zone"], gear=d["gear"], departure_at=d["departure_at"],
                expected_return_at=d["expected_return_at"], owner_cccd=d["owner_cccd"], owner_code=d["owner_code"],
                contact_phone=d["contact_phone"], user=request.user, request=request,
                via="officer" if can_use_port(request.user) else "web")
        except PortError as exc:
            errors = exc.errors
            offer_code = exc.offer_code
        else:
            return redirect("port-receipt", token=trip.public_token)
    while len(crew_rows) < 3:
        crew_rows.append({"name": "", "cccd": "", "birth": ""})
    show_code = bool(offer_code or request.POST.get("owner_code"))
    return render(request, "port/declare.html", {"form": form, "errors": errors, "crew_rows": crew_rows,
                                                 "is_officer": can_use_port(request.user), "offer_code": offer_code,
                                                 "show_code": show_code, "code_notice": code_notice})


@limit_public
def receipt(request, token: str):
    trip = get_object_or_404(Trip.objects.select_related("vessel", "port"), public_token=token)
    return render(request, "port/receipt.html", {"trip": trip})


@limit_public
def clearance_public(request, token: str):
    trip = get_object_or_404(Trip, public_token=token, clearance_pdf__isnull=False)
    return _pdf_response(trip)


def _pdf_response(trip: Trip) -> HttpResponse:
    response = HttpResponse(bytes(trip.clearance_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="xuat-ben-{trip.reference}.pdf"'
    return response


@limit_public
def verify(request, token: str):
    """The QR code's target: what the clearance says, whether the stored document's signature holds,
    and a check of any PDF someone holds (upload) against the signature and the stored document. The checks
    are the shared signing service's (the same as the site's verification page, /xac-minh/)."""
    trip = get_object_or_404(Trip.objects.select_related("vessel", "port"), public_token=token)
    stored = verify_document(bytes(trip.clearance_pdf)) if trip.clearance_pdf else None
    uploaded = upload_error = None
    same_as_stored = None
    if request.method == "POST":
        form, uploaded = check_upload(request)
        if uploaded is None:
            upload_error = " ".join(form.errors.get("document", []))
        else:
            same_as_stored = uploaded.sha256 == trip.clearance_sha256
    return render(request, "port/verify.html", {"trip": trip, "stored": stored, "uploaded": uploaded,
                                                "upload_error": upload_error, "same_as_stored": same_as_stored})


# --- officers --------------------------------------------------------------------------------------
@login_required
def desk(request):
    user = _officer(request)
    trips = Trip.objects.visible_to(user).select_related("vessel", "port")
    now = timezone.now()
    return render(request, "port/desk.html", {
        "ports": Port.objects.visible_to(user),
        "waiting": trips.filter(status=TripStatus.DECLARED).order_by("departure_at")[:100],
        # Cleared ahead of the declared departure: still in port until that time.
        "leaving": trips.filter(status=TripStatus.CLEARED, departure_at__gt=now).order_by("departure_at")[:100],
        "at_sea": trips.filter(status=TripStatus.CLEARED, departure_at__lte=now).order_by("expected_return_at")[:100],
        "overdue_count": trips.filter(status=TripStatus.CLEARED, expected_return_at__lt=now).count(),
        "recent": trips.exclude(status__in=[TripStatus.DECLARED, TripStatus.CLEARED])
                       .order_by("-decided_at", "-id")[:20],
        "open_flags": TripFlag.objects.filter(trip__in=trips, resolved_at__isnull=True)
                                      .select_related("trip__vessel")[:50],
        "now": now,
    })


@login_required
def trip_detail(request, reference: str):
    user = _officer(request)
    trip = _trip_for(request, reference)
    results = services.run_departure_checks(trip)
    # The page shows the crew's CCCDs: a read of personal data.
    record(request, AuditAction.VIEW, object_type="trip", object_id=trip.reference,
           summary=msg(gettext_noop("Port trip %(reg)s"), reg=trip.vessel.registration_number))
    return _render_trip(request, trip, results, can_decide=services.can_decide(user, trip.port))


def _person_marks(results) -> dict[int, list[dict]]:
    """Row (0 the captain, 1… the crew) → the failed checks that name that person, to mark them on the list."""
    marks: dict[int, list[dict]] = defaultdict(list)
    for r in results:
        if r["status"] == FAILED:
            for row in r.get("people", ()):  # results frozen before the rows were recorded have none
                marks[row].append(r)
    return dict(marks)


def _trip_window(trip):
    """The trip at sea as vessel monitoring sees it: from departure to arrival (or now), None before it leaves."""
    now = timezone.now()
    if trip.departure_at > now or trip.status not in ("cleared", "returned"):
        return None
    return trip.departure_at, trip.returned_at or now


def _render_trip(request, trip, results, *, can_decide, errors=None, form_values=None, catch_rows=(), status=200):
    failed = [r for r in results if r["status"] == FAILED]
    window = _trip_window(trip)
    vms_alerts = (list(VmsAlert.objects.filter(vessel=trip.vessel, withdrawn=False, started_at__lte=window[1])
                       .exclude(ended_at__lt=window[0]).order_by("started_at")) if window else [])
    errors = dict(errors or {})
    values = form_values or {}
    arrival_port = values.get("arrival_port") or str(services.default_arrival_port(trip, request.user).pk)
    marks = _person_marks(results)
    return render(request, "port/trip.html", {
        "trip": trip, "results": results, "failed": failed,
        "captain_marks": marks.get(0, []),
        "crew_marks": [(c, marks.get(i, [])) for i, c in enumerate(trip.crew.all(), start=1)],
        "blocking": [r for r in failed if r["severity"] == "blocking"],
        "can_decide": can_decide, "errors": errors, "values": values,
        "species": Species.objects.all(), "ports": Port.objects.filter(active=True),
        "arrival_port": arrival_port, "catch_rows": catch_rows_shown(list(catch_rows)),
        "now": timezone.localtime(),
        "vms_window": window, "vms_alerts": vms_alerts,
    }, status=status)


@login_required
def trip_track(request, reference: str):
    """The trip's track and alerts for the map of the trip page (vms.mapdata, the vessel alone)."""
    _officer(request)
    trip = _trip_for(request, reference)
    window = _trip_window(trip)
    if window is None:
        raise Http404
    return JsonResponse(vms_mapdata.build(start=window[0], end=window[1], vessel=trip.vessel))


@login_required
@require_POST
def trip_decide(request, reference: str):
    user = _officer(request)
    trip = _trip_for(request, reference)
    action = request.POST.get("action", "")
    try:
        services.decide(trip, user, action=action, refusal_code=request.POST.get("refusal_code", ""),
                        note=request.POST.get("note", ""), override_reason=request.POST.get("override_reason", ""),
                        request=request)
    except PortError as exc:
        trip = services.load_trip(trip)
        return _render_trip(request, trip, services.run_departure_checks(trip),
                            can_decide=services.can_decide(user, trip.port), errors=exc.errors,
                            form_values=request.POST, status=400)
    messages.success(request, _("Departure cleared.") if action == "clear" else _("Departure refused."))
    return redirect("port-trip", reference=trip.reference)


@login_required
@require_POST
def trip_arrival(request, reference: str):
    user = _officer(request)
    trip = _trip_for(request, reference)
    errors = {}
    returned_at = parse_local_datetime(request.POST.get("returned_at", ""))
    if returned_at is None:
        errors["returned_at"] = _("Enter the time of arrival.")
    elif problem := services.arrival_time_error(trip, returned_at):
        errors["returned_at"] = problem  # shown with the catch errors, all at once
    catches, catch_rows, catch_errors = catch_from_post(request.POST, {s.code: s for s in Species.objects.all()})
    if catch_errors:
        errors["catch"] = "\n".join(catch_errors)
    raw_port = request.POST.get("arrival_port", "")
    port_pk = whole_number(raw_port)
    port = Port.objects.filter(pk=port_pk, active=True).first() if port_pk is not None else None
    if raw_port and port is None:
        errors["arrival_port"] = _("Choose a port from the list.")
    try:
        if errors:
            raise PortError(errors)
        services.record_arrival(trip, user, returned_at=returned_at, port=port,
                                zone_fished=request.POST.get("zone_fished", ""), catches=catches, request=request)
    except PortError as exc:
        return _render_trip(request, trip, services.run_departure_checks(trip),
                            can_decide=services.can_decide(user, trip.port), errors=exc.errors,
                            form_values=request.POST, catch_rows=catch_rows, status=400)
    messages.success(request, _("Arrival recorded."))
    return redirect("port-trip", reference=trip.reference)


@login_required
@require_POST
def flag_resolve(request, pk: int):
    user = _officer(request)
    flag = get_object_or_404(TripFlag.objects.select_related("trip__port"), pk=pk,
                             trip__in=Trip.objects.visible_to(user))
    try:
        services.resolve_flag(flag, user, request.POST.get("resolution", ""), request=request)
    except PortError as exc:
        messages.error(request, str(exc))
    return redirect("port-trip", reference=flag.trip.reference)


@login_required
def trip_pdf(request, reference: str):
    _officer(request)
    trip = _trip_for(request, reference)
    if not trip.clearance_pdf:
        raise Http404
    return _pdf_response(trip)


@login_required
def stats(request):
    user = _officer(request)
    trips = Trip.objects.visible_to(user)
    now = timezone.now()
    ports = list(Port.objects.visible_to(user))
    names = {p.pk: p.name for p in ports}
    at_sea = Counter(trips.filter(status=TripStatus.CLEARED, departure_at__lte=now).values_list("port_id", flat=True))
    overdue = list(trips.filter(status=TripStatus.CLEARED, expected_return_at__lt=now)
                   .select_related("vessel", "port").order_by("expected_return_at")[:200])
    rule_names = dict(CheckRule.objects.values_list("code", "name"))
    refusals = Counter(trips.filter(status=TripStatus.REFUSED).values_list("refusal_code", flat=True))
    refusal_rows = sorted((((_("Not met: %(name)s") % {"name": rule_names[code]}) if code in rule_names else _("Other reason"), n)
                           for code, n in refusals.items()),
                          key=lambda r: (-r[1], r[0]))
    days = bounded(request.GET.get("days"), 14, 1, 60)
    today = timezone.localdate()
    day_list = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    since = timezone.make_aware(timezone.datetime.combine(day_list[0], timezone.datetime.min.time()))
    per_port = defaultdict(Counter)
    departures = trips.filter(status__in=[TripStatus.CLEARED, TripStatus.RETURNED], departure_at__gte=since)
    for port_id, when in departures.values_list("port_id", "departure_at"):
        per_port[port_id][timezone.localtime(when).date()] += 1
    labels = [f"{d:%d/%m}" for d in day_list]
    port_days = []
    for p in ports:
        values = [per_port[p.pk][d] for d in day_list]
        port_days.append({"port": p, "values": list(zip(labels, values)), "total": sum(values),
                          "chart": charts.columns(labels, values, title=p.name)})
    at_sea_rows = [(names[pid], n) for pid, n in sorted(at_sea.items(), key=lambda kv: -kv[1]) if pid in names]
    return render(request, "port/stats.html", {
        "at_sea_total": sum(at_sea.values()), "at_sea_rows": at_sea_rows,
        "at_sea_chart": charts.hbar(at_sea_rows, title=_("Vessels at sea")),
        "overdue": overdue, "now": now,
        "refusal_rows": refusal_rows, "refusal_chart": charts.hbar(refusal_rows, title=_("Refusals by reason")),
        "port_days": port_days, "days": days,
    })


@login_required
def rules(request):
    user = _officer(request)
    editable = services.can_edit_rules(user)
    errors = {}
    if request.method == "POST":
        if not editable:
            record(request, AuditAction.DENIED, object_type="check_rule", summary=msg(gettext_noop("Rule change refused")))
            raise PermissionDenied
        rule = get_object_or_404(CheckRule, code=request.POST.get("code", ""))
        form = RuleForm(request.POST)
        if form.is_valid():
            before = {f: getattr(rule, f) for f in form.cleaned_data}
            for field, value in form.cleaned_data.items():
                setattr(rule, field, value)
            rule.save()
            record(request, AuditAction.UPDATE, object_type="check_rule", object_id=rule.code,
                   summary=msg(gettext_noop("Check rule %(code)s changed"), code=rule.code),
                   detail={"before": before, "after": form.cleaned_data})
            messages.success(request, _("Rule saved."))
            return redirect("port-rules")
        errors[rule.code] = form.errors
    return render(request, "port/rules.html", {
        "rules": CheckRule.objects.all(), "editable": editable, "errors": errors,
        "species": Species.objects.all(),
    })

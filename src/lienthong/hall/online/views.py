"""Booking a visit to the hall online, phone first, no login (as the citizens' portal): choose the service, a
day and a time, give a phone number, get a code to type at the board (texted too). The confirmation page's
address carries the booking's token (the secret) and lets the citizen cancel. Anonymous requests are rate-limited
per address as every public page is (accounts.ratelimit). The officers' list shows a centre's bookings of a day,
phone numbers masked (an officer need not call them: the text went out by itself)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.accounts.audit import AuditAction, msg, record
from lienthong.accounts.ratelimit import limit_public
from lienthong.accounts.redaction import mask_phone
from lienthong.workdays import VN_TZ

from .. import booking
from .. import services as hall
from ..errors import HallError
from ..models import Appointment, Ticket
from .forms import BookForm, DayForm

SESSION_KEY = "hall_bookings"  # the tokens of the visits booked in this browser (a volunteer books for several)
REMEMBERED = 20


def _remember(request, token: str) -> None:
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    request.session[SESSION_KEY] = [token, *tokens][:REMEMBERED]


def _day(text: str, days: list[date]) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day in days else None


@require_GET
@limit_public
def start(request):
    groups: dict = {}
    for service in booking.bookable_services():
        groups.setdefault(service.agency, []).append(service)
    mine = list(Appointment.objects.filter(token__in=request.session.get(SESSION_KEY, []), cancelled_at__isnull=True,
                                           starts_at__gte=timezone.now())
                .select_related("service", "agency").order_by("starts_at"))
    return render(request, "hall/online/start.html", {"groups": groups, "mine": mine})


@require_http_methods(["GET", "HEAD", "POST"])
@limit_public
def book(request, pk: int):
    service = get_object_or_404(booking.bookable_services(), pk=pk)
    now = timezone.now()
    offered = booking.offer(service, now)
    days = offered.days
    day = (_day(request.POST.get("ngay", "") or request.GET.get("ngay", ""), [d for d, _free in days])
           or offered.first_day(timezone.localdate(now)))
    slots = offered.slots.get(day, [])
    form = BookForm(request.POST or None, slots=slots)
    general = ""
    if request.method == "POST" and form.is_valid():
        try:
            appointment = hall.book_appointment(request, service, form.cleaned_data["starts_at"],
                                                form.cleaned_data["phone"], at=now)
        except HallError as exc:
            if exc.field in ("phone", "starts_at"):
                form.add_error(exc.field, exc.message)
            else:
                general = exc.message
            slots = booking.slots(service, day, now)  # a slot may have filled meanwhile
        else:
            _remember(request, appointment.token)
            return redirect("hall:booked", token=appointment.token)
    chosen = request.POST.get("starts_at", "")
    return render(request, "hall/online/book.html", {
        "service": service, "days": days, "day": day, "slots": slots, "form": form, "chosen": chosen,
        "general": general, "grace": int(hall.appointment_grace().total_seconds() // 60),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@limit_public
def booked(request, token: str):
    appointment = Appointment.objects.select_related("agency", "service").filter(token=token).first()
    if appointment is None:
        raise Http404
    now = timezone.now()
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            hall.cancel_appointment(request, appointment, at=now)
        except HallError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your visit has been cancelled."))
        return redirect("hall:booked", token=token)
    state = booking.state_of(appointment, now, checked_in=Ticket.objects.filter(appointment=appointment).exists())
    if state == "late":  # to the citizen still a booking: the board takes the code until the day ends
        state = "booked"
    return render(request, "hall/online/booked.html", {
        "appointment": appointment, "state": state, "masked_phone": mask_phone(appointment.phone),
        "can_cancel": state == "booked" and appointment.starts_at >= now,
        "grace": int(hall.appointment_grace().total_seconds() // 60),
    })


@login_required
@require_GET
def bookings(request):
    agencies = list(hall.agencies_for(request.user).filter(hall_services__isnull=False).distinct().order_by("name"))
    if not agencies:
        record(request, AuditAction.DENIED, object_type="hall_appointment",
               summary=msg(gettext_noop("Hall bookings %(path)s"), path=request.path))
        raise PermissionDenied
    agency = next((a for a in agencies if str(a.pk) == request.GET.get("co-quan")), agencies[0])
    today = timezone.now().astimezone(VN_TZ).date()
    form = DayForm(request.GET or None, initial={"ngay": today})
    day = (form.cleaned_data["ngay"] if form.is_valid() else None) or today
    rows = []
    start = datetime.combine(day, time(0), VN_TZ)
    qs = (Appointment.objects.filter(agency=agency, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
          .select_related("service")
          .order_by("starts_at", "service__order", "code"))
    tickets = {t.appointment_id: t for t in Ticket.objects.filter(appointment__in=qs).only("code", "state",
                                                                                           "appointment_id")}
    now = timezone.now()
    for a in qs:
        ticket = tickets.get(a.pk)
        state = booking.state_of(a, now, checked_in=ticket is not None)
        rows.append({"appointment": a, "ticket": ticket, "state": state, "phone": mask_phone(a.phone)})
    counts = {s: sum(1 for r in rows if r["state"] == s) for s in ("booked", "checked_in", "late", "passed", "cancelled")}
    return render(request, "hall/online/bookings.html", {
        "agencies": agencies, "agency": agency, "day": day, "rows": rows, "counts": counts, "today": today,
        "form": form}, status=200 if form.is_valid() or not form.is_bound else 400)

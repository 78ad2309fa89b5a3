"""The electronic board (kiosk): a full-screen touch page opened once with the device's key (no login). The
citizen finds their service (buttons by field, or a search word without diacritics), says whether they belong
to a priority group, and takes a ticket — or checks in an appointment booked online with its code. The ticket
page shows the number, prints itself (the board's browser, 80 mm) or is printed on the network printer, and goes
back to the board. Staff see the boards' printers and print failed tickets again (devices page)."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.identity.text import fold
from lienthong.onestop.catalogue import finder
from lienthong.typed_input import whole_number

from .. import services as hall
from ..errors import HallError
from ..estimates import estimate
from ..models import Device, PriorityGroup, Service, Ticket
from . import printer

REFRESH_SECONDS = 25  # the board's counts: one small request per board every 25 s, not a polling storm
BACK_SECONDS = 8  # the ticket page goes back to the board after this (longer when the printer failed)
BACK_SECONDS_FAILED = 25
STEP_SECONDS = 60  # an unfinished choice (the priority step) goes back to the board after this


# --- the estimate, said honestly -----------------------------------------------------------------------------
def _round5(minutes: float, up: bool) -> int:
    import math

    return int(math.ceil(minutes / 5) * 5) if up else int(math.floor(minutes / 5) * 5)


def wait_text(service: Service, ahead: int, counters_open: int, at) -> str:
    """What the board says about the wait: never a false precision. No counter open: said so. The estimate with
    its known error as a range rounded to 5 minutes, or "about N minutes" while its error is not known."""
    if not counters_open:
        return _("No counter is open for this service now")
    if ahead <= 0:
        return _("No wait: you will be called next")
    est = estimate(service, ahead, at)
    if est.error_minutes > 0:
        low, high = max(0, _round5(est.minutes - est.error_minutes, False)), _round5(est.minutes + est.error_minutes, True)
        if high > 120:
            return _("Over %(hours)s hours") % {"hours": 2} if low >= 120 else _("%(low)s minutes to over 2 hours") % {"low": low}
        if low <= 0:
            return _("Under %(high)s minutes") % {"high": max(5, high)}
        return _("%(low)s–%(high)s minutes") % {"low": low, "high": high}
    if est.minutes > 120:
        return _("Over %(hours)s hours") % {"hours": 2}
    return _("About %(minutes)s minutes") % {"minutes": max(5, int(round(est.minutes / 5) * 5))}


def waiting_text(n: int) -> str:
    return ngettext("%(n)s person waiting", "%(n)s people waiting", n) % {"n": n} if n else _("Nobody waiting")


@dataclass
class Row:
    service: Service
    waiting: int
    counters_open: int
    waiting_text: str
    wait_text: str
    search: str  # the folded words the search box matches

    def as_json(self) -> dict:
        return {"waiting": self.waiting, "open": self.counters_open, "waiting_text": self.waiting_text,
                "wait_text": self.wait_text}


def _rows(agency, at) -> list[Row]:
    waiting = hall.waiting_by_service(agency, at)
    counters = hall.open_counters_by_service(agency)
    rows = []
    for s in Service.objects.filter(agency=agency, active=True).order_by("order", "letter").prefetch_related("procedures"):
        n, c = waiting.get(s.pk, 0), counters.get(s.pk, 0)
        words = " ".join([s.letter, s.name, s.field, *(p.name for p in s.procedures.all() if p.active)])
        rows.append(Row(s, n, c, waiting_text(n), wait_text(s, n, c, at), fold(words)))
    return rows


def _groups(rows: list[Row]) -> OrderedDict:
    groups: OrderedDict[str, list[Row]] = OrderedDict()
    for r in rows:
        groups.setdefault(r.service.field or r.service.name, []).append(r)
    return groups


# --- the board -----------------------------------------------------------------------------------------------
def _device(key: str):
    try:
        return hall.device_by_key(key, Device.Kind.KIOSK)
    except HallError:
        return None


def _unknown(request) -> HttpResponse:
    return render(request, "hall/kiosk/unknown.html", {"message": HallError("bad_device").message}, status=404)


def _board(request, device, *, status: int = 200, error: str = "", code_error: str = "", code: str = ""):
    at = timezone.now()
    rows = _rows(device.agency, at)
    q = (request.GET.get("q") or "").strip()[:60]
    # As typed, the board's script shows the services holding the folded words; sent, the query is read as citizens
    # ask (textsearch: typos, their own words) and the services ranked.
    shown = finder.rank(rows, q, name=lambda r: r.service.name, field=lambda r: r.service.field,
                        keywords=lambda r: r.search)
    chosen = None
    letter = (request.GET.get("dich-vu") or "").strip().upper()[:2]
    if letter and not error:
        chosen = next((r for r in rows if r.service.letter == letter), None)
    return render(request, "hall/kiosk/board.html", {
        "device": device, "agency": device.agency, "groups": _groups(shown), "q": q, "found": len(shown),
        "chosen": chosen, "priorities": PriorityGroup.objects.filter(active=True) if chosen else [],
        "error": error, "code_error": code_error, "code": code,
        "refresh_seconds": REFRESH_SECONDS, "step_seconds": STEP_SECONDS,
        "counts_url": reverse("hall:kiosk_counts", kwargs={"key": device.key}),
        "board_url": reverse("hall:kiosk", kwargs={"key": device.key}),
    }, status=status)


@never_cache
@require_GET
def board(request, key: str):
    with translation.override("vi"):  # the hall's board speaks Vietnamese, whatever a browser asks for
        device = _device(key)
        if device is None:
            return _unknown(request)
        return _board(request, device)


@never_cache
@require_GET
def counts(request, key: str):
    """The board's figures, fetched every REFRESH_SECONDS: people waiting and the wait, per service letter."""
    with translation.override("vi"):
        device = _device(key)
        if device is None:
            return JsonResponse({"error": "bad_device"}, status=404)
        at = timezone.now()
        return JsonResponse({"services": {r.service.letter: r.as_json() for r in _rows(device.agency, at)},
                             "at": printer.local_time(at)})


def _after_taking(request, device, ticket: Ticket):
    if device.printer_host:
        printer.print_ticket(ticket, device=device)
    return _see_other(reverse("hall:kiosk_ticket", kwargs={"key": device.key, "token": ticket.token}))


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@require_POST
def take(request, key: str):
    with translation.override("vi"):
        device = _device(key)
        if device is None:
            return _unknown(request)
        letter = (request.POST.get("service") or "").strip().upper()[:2]
        service = Service.objects.filter(agency=device.agency, letter=letter, active=True).first()
        code = (request.POST.get("priority") or "").strip()[:30]
        priority = PriorityGroup.objects.filter(code=code).first() if code else None
        try:
            if service is None:
                raise HallError("bad_service", "service")
            if code and priority is None:
                raise HallError("bad_priority", "priority")
            ticket = hall.take_ticket(device.agency, service, priority=priority, device=device)
        except HallError as exc:
            return _board(request, device, status=400, error=exc.message)
        return _after_taking(request, device, ticket)


@require_POST
def check_in(request, key: str):
    with translation.override("vi"):
        device = _device(key)
        if device is None:
            return _unknown(request)
        code = (request.POST.get("code") or "").strip()[:20]
        try:
            if not code:
                raise HallError("no_appointment", "code")
            ticket = hall.check_in(device.agency, code, device=device)
        except HallError as exc:
            return _board(request, device, status=400, code_error=exc.message, code=code)
        return _after_taking(request, device, ticket)


@never_cache
@require_GET
def ticket(request, key: str, token: str):
    with translation.override("vi"):
        device = _device(key)
        if device is None:
            return _unknown(request)
        t = (Ticket.objects.select_related("service", "agency", "priority", "appointment")
             .filter(token=token, agency=device.agency).first())
        if t is None:
            return render(request, "hall/kiosk/unknown.html", {"message": _("There is no such ticket."),
                                                               "board_url": reverse("hall:kiosk", kwargs={"key": key})},
                          status=404)
        at = timezone.now()
        ahead = printer.people_ahead(t, at) if t.state == Ticket.State.WAITING else 0
        counters = hall.open_counters_by_service(device.agency).get(t.service_id, 0)
        import segno

        url = printer.phone_url(t)
        failed = t.print_state == Ticket.Print.FAILED
        return render(request, "hall/kiosk/ticket.html", {
            "device": device, "ticket": t, "agency": device.agency, "taken": printer.local_time(t.taken_at),
            "ahead": ahead, "waiting": t.state == Ticket.State.WAITING,
            # Next with a counter open: "you are next" says it all.
            "wait_text": wait_text(t.service, ahead, counters, at) if ahead or not counters else "", "phone_url": url,
            "qr": segno.make(url, error="m").svg_inline(omitsize=True, border=2, svgclass="k-qr-svg", lineclass=None),
            "printed": t.print_state == Ticket.Print.PRINTED, "failed": failed,
            "browser_print": t.print_state == Ticket.Print.BROWSER or failed,
            "back_seconds": BACK_SECONDS_FAILED if failed else BACK_SECONDS,
            "board_url": reverse("hall:kiosk", kwargs={"key": device.key}),
        })


# --- staff: the boards and their printers --------------------------------------------------------------------
def _staff(request):
    if not can_handle_dossiers(request.user):
        raise PermissionDenied
    return list(hall.agencies_for(request.user))


@login_required
@require_GET
def devices(request):
    agencies = _staff(request)
    at = timezone.now()
    centres = []
    for agency in agencies:
        boards = list(Device.objects.filter(agency=agency, kind=Device.Kind.KIOSK).order_by("name"))
        if not boards and not Service.objects.filter(agency=agency).exists():
            continue
        for b in boards:
            b.error_text = printer.error_text(b.printer_error)
        failed = list(printer.failed_tickets(agency, at))
        for t in failed:
            t.error_text = printer.error_text(t.print_error)
            t.taken = printer.local_time(t.taken_at)
        centres.append({"agency": agency, "boards": boards, "failed": failed})
    return render(request, "hall/kiosk/devices.html", {"centres": centres})


def _own_ticket(request, pk) -> Ticket:
    agencies = _staff(request)
    t = Ticket.objects.select_related("service", "device", "agency").filter(
        pk=whole_number(str(pk)) or 0, agency__in=agencies).first()
    if t is None:
        raise PermissionDenied
    return t


@login_required
@require_POST
def reprint(request, pk: int):
    t = _own_ticket(request, pk)
    device = t.device if t.device is not None and t.device.printer_host else None
    if device is None:
        device = Device.objects.filter(agency=t.agency, kind=Device.Kind.KIOSK, active=True).exclude(
            printer_host="").first()
    if device is None:
        messages.error(request, _("No board of this centre has a network printer."))
    elif printer.reprint(request, t, device=device):
        messages.success(request, _("Ticket %(ticket)s printed on %(device)s.") % {"ticket": t.code, "device": device.name})
    else:
        messages.error(request, _("Ticket %(ticket)s was not printed: %(error)s") % {
            "ticket": t.code, "error": printer.error_text(t.print_error)})
    return redirect("hall:kiosk_devices")


@login_required
@require_POST
def check_device(request, pk: int):
    agencies = _staff(request)
    device = Device.objects.filter(pk=whole_number(str(pk)) or 0, agency__in=agencies, kind=Device.Kind.KIOSK).first()
    if device is None:
        raise PermissionDenied
    if not device.printer_host:
        messages.info(request, _("%(device)s has no network printer: its browser prints the tickets.") % {
            "device": device.name})
    elif printer.check_printer(device):
        messages.success(request, _("The printer of %(device)s answers and has paper.") % {"device": device.name})
    else:
        messages.error(request, _("The printer of %(device)s: %(error)s") % {
            "device": device.name, "error": printer.error_text(device.printer_error)})
    return redirect("hall:kiosk_devices")

"""The officer's counter, /sanh/quay/: open a counter with the services handled there, then one work screen — the
ticket at the counter and its buttons (call next, recall, start, finish, no-show, transfer, receive a dossier),
the queue ahead and the day's counts — and the rating screen the citizen sees after the service (turned round,
or on the counter's own citizen-facing tablet, /sanh/quay/may-danh-gia/, which shows it by itself).

htmx posts each action and swaps the work panel; without it each action is a whole page (303 back, or the page
with the refusal). Refusals are the engine's HallError codes, shown in the reader's language next to the action.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from lienthong.accounts.audit import AuditAction, msg, record
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.onestop.counter import services as intake
from lienthong.typed_input import whole_number
from lienthong.workdays import VN_TZ

from .. import services
from ..errors import HallError
from ..kiosk import printer
from ..models import Counter, CounterSession, HallRating, Service, Ticket, TicketPeriod

S = Ticket.State
QUEUE_SHOWN = 6  # the next tickets listed by code
RATING_WINDOW = timedelta(minutes=15)  # how long after the service the tablet still offers the rating
SKIPPED_KEY = "hall_rating_skipped"  # tickets whose rating the citizen skipped (this browser's session)
# The rating screen's faces: level → (face, colour class); read without reading.
FACES = {1: "very-happy", 2: "happy", 3: "neutral", 4: "sad"}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _officer(request):
    """A dossier handler at some centre; anyone else is refused (403) and the attempt logged."""
    user = request.user
    if not (can_handle_dossiers(user) and services.agencies_for(user).exists()):
        record(request, AuditAction.DENIED, object_type="hall_counter",
               summary=msg(gettext_noop("Hall counter page %(path)s"), path=request.path))
        raise PermissionDenied
    return user


def _day_start(now: datetime) -> datetime:
    return datetime.combine(services.local_day(now), time.min, tzinfo=VN_TZ)


# --- what the screens show -------------------------------------------------------------------------------
def _current(session: CounterSession) -> Ticket | None:
    return (Ticket.objects.select_related("service", "priority", "appointment")
            .filter(counter=session.counter, state__in=(S.CALLED, S.SERVING)).order_by("-pk").first())


def _to_rate(request, session: CounterSession, now: datetime) -> Ticket | None:
    """The ticket just served at this counter, not rated, not skipped, while nobody else has been called."""
    if _current(session) is not None:
        return None
    period = (TicketPeriod.objects.select_related("ticket", "ticket__service")
              .filter(counter=session.counter, state=S.DONE, started_at__gte=max(session.opened_at, now - RATING_WINDOW))
              .order_by("-started_at", "-pk").first())
    if period is None:
        return None
    ticket = period.ticket
    if ticket.state != S.DONE or HallRating.objects.filter(ticket=ticket).exists():
        return None
    if ticket.pk in request.session.get(SKIPPED_KEY, []):
        return None
    # A ticket called after it at this counter (and since sent on) ends the offer too.
    if TicketPeriod.objects.filter(counter=session.counter, state=S.CALLED, started_at__gt=period.started_at).exists():
        return None
    return ticket


def _queue(session: CounterSession, now: datetime) -> dict:
    qs = services.queue_of(session, now)
    mine = list(session.services.all())
    counts = dict(qs.order_by().values_list("service_id").annotate(n=Count("pk")).values_list("service_id", "n"))
    nxt = list(qs.select_related("service", "priority", "appointment")[:QUEUE_SHOWN])
    return {"by_service": [(s, counts.get(s.pk, 0)) for s in mine], "next": nxt, "total": sum(counts.values())}


def _today(session: CounterSession, now: datetime) -> dict:
    periods = TicketPeriod.objects.filter(counter=session.counter, started_at__gte=_day_start(now))
    by_state = dict(periods.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    mean = (periods.filter(state=S.SERVING, ended_at__isnull=False)
            .aggregate(m=Avg(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())))["m"])
    return {"served": by_state.get(S.DONE, 0), "no_show": by_state.get(S.NO_SHOW, 0),
            "called": by_state.get(S.CALLED, 0),
            "mean_minutes": round(mean.total_seconds() / 60) if mean else None}


def _minutes(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds() // 60)


def _work_context(request, session: CounterSession, *, error: str = "", action: str = "") -> dict:
    now = timezone.now()
    current = _current(session)
    context = {"session": session, "counter": session.counter, "current": current, "error": error, "action": action,
               "queue": _queue(session, now), "today": _today(session, now),
               "to_rate": _to_rate(request, session, now), "mine": list(session.services.all())}
    if current is not None:
        waited = services.times_of(current, now)
        since = (TicketPeriod.objects.filter(ticket=current, ended_at__isnull=True).values_list("started_at", flat=True)
                 .first())
        context.update(
            waited=_minutes(waited.waited), since=_minutes(now - since) if since else None,
            dossiers=list(current.dossiers.select_related("procedure").order_by("pk")),
            transfer_services=[s for s in Service.objects.filter(agency_id=session.counter.agency_id, active=True)
                               if s.pk != current.service_id],
            transfer_counters=list(Counter.objects.filter(agency_id=session.counter.agency_id, active=True,
                                                          sessions__closed_at__isnull=True)
                                   .exclude(pk=session.counter_id).distinct().order_by("number")))
    return context


def _open_context(request, user, *, error: str = "", chosen: dict | None = None) -> dict:
    agencies = list(services.agencies_for(user).order_by("name"))
    pk = whole_number(request.GET.get("agency") or request.POST.get("agency") or "")
    with_counters = [a for a in agencies if a.hall_counters.filter(active=True).exists()]
    agency = next((a for a in agencies if a.pk == pk), None) or (with_counters or agencies)[0]
    busy = dict(CounterSession.objects.filter(counter__agency=agency, closed_at__isnull=True)
                .values_list("counter_id", "officer__username"))
    counters = [(c, busy.get(c.pk)) for c in Counter.objects.filter(agency=agency, active=True).order_by("number")]
    last = (CounterSession.objects.filter(officer=user, counter__agency=agency).prefetch_related("services")
            .order_by("-opened_at").first())
    chosen = chosen or {"counter": last.counter_id if last else None,
                        "services": {s.pk for s in last.services.all()} if last else set()}
    return {"agencies": agencies, "agency": agency, "counters": counters, "error": error, "chosen": chosen,
            "services_offered": list(Service.objects.filter(agency=agency, active=True).order_by("order", "letter"))}


# --- the page ----------------------------------------------------------------------------------------------
@login_required
@require_GET
def counter(request):
    user = _officer(request)
    session = services.current_session(user)
    if session is None:
        return render(request, "hall/counters/open.html", _open_context(request, user))
    context = _work_context(request, session)
    context["thanks"] = request.GET.get("cam-on") == "1"
    context["printer_problems"] = printer.problems(session.counter.agency)  # shown to staff, never lost
    return render(request, "hall/counters/counter.html", context)


@login_required
@require_GET
def work(request):
    """The work panel alone (htmx refreshes it every few seconds so the queue stays true)."""
    user = _officer(request)
    session = services.current_session(user)
    if session is None:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("hall:counter")
        return response
    return render(request, "hall/counters/_work.html", _work_context(request, session))


@login_required
@require_POST
def open_counter(request):
    user = _officer(request)
    counter = Counter.objects.select_related("agency").filter(pk=whole_number(request.POST.get("counter") or "")).first()
    picked = [whole_number(v) for v in request.POST.getlist("services")]
    chosen_services = list(Service.objects.filter(pk__in=[p for p in picked if p is not None]))
    try:
        if counter is None:
            raise HallError("not_allowed", "counter")
        services.open_counter(request, counter, chosen_services)
    except HallError as exc:
        context = _open_context(request, user, error=exc.message,
                                chosen={"counter": counter.pk if counter else None,
                                        "services": {s.pk for s in chosen_services}})
        return render(request, "hall/counters/open.html", context, status=400)
    return redirect("hall:counter")


@login_required
@require_POST
def close_counter(request):
    user = _officer(request)
    session = services.current_session(user)
    if session is not None:
        services.close_counter(request, session)
    return redirect("hall:counter")


def _after(request, user, *, action: str, error: str = ""):
    """The answer to an action: the work panel (htmx), else the page again (303), or with the refusal (400)."""
    session = services.current_session(user)
    if session is None:
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("hall:counter")
            return response
        return redirect("hall:counter")
    if _is_htmx(request):
        return render(request, "hall/counters/_work.html", _work_context(request, session, error=error, action=action))
    if not error:
        return redirect("hall:counter")
    return render(request, "hall/counters/counter.html", _work_context(request, session, error=error, action=action),
                  status=400)


@login_required
@require_POST
def call_next(request):
    user = _officer(request)
    try:
        session = services.current_session(user)
        current = _current(session) if session is not None else None
        if current is not None:  # the citizen at the counter first: finished, sent on or marked absent
            raise HallError("bad_state", state=current.get_state_display())
        services.call_next(request)
    except HallError as exc:
        return _after(request, user, action="call", error=exc.message)
    return _after(request, user, action="call")


def _ticket(pk: int) -> Ticket:
    ticket = Ticket.objects.select_related("service", "counter").filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


ACTIONS = {"goi-lai": ("recall", services.recall), "bat-dau": ("start", services.start),
           "hoan-thanh": ("finish", services.finish), "vang-mat": ("no_show", services.no_show)}


@login_required
@require_POST
def ticket_action(request, pk: int, action: str):
    user = _officer(request)
    if action not in ACTIONS:
        raise Http404
    name, step = ACTIONS[action]
    ticket = _ticket(pk)
    try:
        step(request, ticket)
    except HallError as exc:
        return _after(request, user, action=name, error=exc.message)
    return _after(request, user, action=name)


@login_required
@require_POST
def transfer(request, pk: int):
    """To another service's queue ("s<pk>") or to another open counter ("c<pk>"), from the small form."""
    user = _officer(request)
    ticket = _ticket(pk)
    target = request.POST.get("to", "")
    service = counter = None
    number = whole_number(target[1:]) if target[:1] in ("s", "c") else None
    if number is not None and target[0] == "s":
        service = Service.objects.filter(pk=number, agency_id=ticket.agency_id).first()
    elif number is not None:
        counter = Counter.objects.filter(pk=number, agency_id=ticket.agency_id).first()
    try:
        if service is None and counter is None:
            raise HallError("bad_transfer", "to")
        services.transfer(request, ticket, service=service, counter=counter)
    except HallError as exc:
        return _after(request, user, action="transfer", error=exc.message)
    return _after(request, user, action="transfer")


@login_required
@require_POST
def receive_dossier(request, pk: int):
    """The dossier intake (/mot-cua/tiep-nhan/) for the citizen at the counter: the ticket's centre and its
    service's procedures carried over, the dossier linked to the ticket once received (handover.py). A citizen
    only called is at the counter now: the service starts."""
    user = _officer(request)
    ticket = _ticket(pk)
    try:
        if ticket.state == S.CALLED:
            ticket = services.start(request, ticket)
        elif ticket.state != S.SERVING or services.current_session(user) is None \
                or ticket.counter_id != services.current_session(user).counter_id:
            raise HallError("not_yours")
    except HallError as exc:
        return _after(request, user, action="intake", error=exc.message)
    token = intake.carry_token(user, agency=ticket.agency, procedures=list(ticket.service.procedures.filter(
        active=True, agencies=ticket.agency).values_list("pk", flat=True)),
        label=f"Vé {ticket.code} · {ticket.service.name}", back=reverse("hall:counter"),
        ref={"hall_ticket": ticket.pk})
    target = f"{reverse('onestop:counter')}?{intake.CARRY_PARAM}={token}"
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


# --- the rating ----------------------------------------------------------------------------------------------
def _rating_ticket(request, user, pk: int) -> Ticket:
    """A ticket served at the officer's open counter (nobody rates another counter's service)."""
    session = services.current_session(user)
    ticket = Ticket.objects.select_related("service", "counter").filter(pk=pk).first()
    if ticket is None or session is None or ticket.counter_id != session.counter_id:
        raise Http404
    return ticket


def _rating_context(ticket: Ticket, *, tablet: bool, error: str = "", values=None) -> dict:
    levels = [(value, label, FACES[value]) for value, label in HallRating.Level.choices]
    return {"ticket": ticket, "levels": levels, "tablet": tablet, "error": error, "values": values or {}}


@login_required
def rate(request, pk: int):
    """The citizen's screen: four faces, an optional reason, "skip"; back to the officer's screen (or the
    tablet's waiting screen) afterwards."""
    user = _officer(request)
    ticket = _rating_ticket(request, user, pk)
    tablet = (request.POST.get("from") or request.GET.get("from")) == "tablet"
    back = reverse("hall:counter_tablet") if tablet else reverse("hall:counter")
    if request.method == "POST":
        if "skip" in request.POST:
            request.session[SKIPPED_KEY] = [*request.session.get(SKIPPED_KEY, [])[-20:], ticket.pk]
            return redirect(back)
        try:
            services.rate(ticket, whole_number(request.POST.get("level") or "") or 0, request.POST.get("reason", ""))
        except HallError as exc:
            if exc.code in ("already_rated", "not_finished"):
                return redirect(back)
            return render(request, "hall/counters/rate.html",
                          _rating_context(ticket, tablet=tablet, error=exc.message, values=request.POST), status=400)
        return redirect(f"{back}?cam-on=1")
    if ticket.state != S.DONE or HallRating.objects.filter(ticket=ticket).exists():
        return redirect(back)
    return render(request, "hall/counters/rate.html", _rating_context(ticket, tablet=tablet))


@login_required
@require_GET
def tablet(request):
    """The counter's citizen-facing tablet, logged in as the officer and left open: a greeting, and the rating
    screen by itself once a service is finished (tablet_state, asked every few seconds)."""
    user = _officer(request)
    return render(request, "hall/counters/tablet.html", _tablet_context(request, user))


@login_required
@require_GET
def tablet_state(request):
    """The tablet's screen now. Asked with `ve` (the ticket whose rating it shows): nothing (204, htmx keeps the
    screen and what the citizen is typing) while that ticket is still to be rated; else the screen that follows
    (rated or skipped at the officer's screen, or the next citizen called)."""
    user = _officer(request)
    context = _tablet_context(request, user)
    showing = whole_number(request.GET.get("ve") or "")
    if showing is not None and context.get("ticket") is not None and context["ticket"].pk == showing:
        return HttpResponse(status=204)
    return render(request, "hall/counters/_tablet_state.html", context)


def _tablet_context(request, user) -> dict:
    session = services.current_session(user)
    ticket = _to_rate(request, session, timezone.now()) if session is not None else None
    context = {"session": session, "thanks": request.GET.get("cam-on") == "1"}
    if ticket is not None:
        context.update(_rating_context(ticket, tablet=True))
    return context

"""The counter's pages: scan the card (or type it), see the applicant checked, choose the procedure, tick the
papers handed in, receive, print form 01. htmx swaps the steps in place; without it each step is a whole page.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.identity.cccd_qr import QrError
from lienthong.typed_input import bounded, whole_number

from ..errors import DossierError
from ..models import Dossier, Procedure
from . import services
from .documents import receipt_pdf

MANUAL_FIELDS = ("cccd", "old_id", "full_name", "birth_date", "gender", "address", "issue_date")


def _officer(request):
    if not can_handle_dossiers(request.user):
        record(request, AuditAction.DENIED, object_type="dossier",
               summary=msg(gettext_noop("Counter page %(path)s"), path=request.path))
        raise PermissionDenied
    return request.user


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _agency(request, agencies):
    """The agency chosen on the page (one of the officer's), else the one chosen last, else the first."""
    by_pk = {a.pk: a for a in agencies}
    pk = whole_number(request.POST.get("agency") or request.GET.get("agency") or "")
    if pk is None:
        pk = request.session.get("counter_agency")
    agency = by_pk.get(pk) or (agencies[0] if agencies else None)
    if agency is not None and request.session.get("counter_agency") != agency.pk:
        request.session["counter_agency"] = agency.pk
    return agency


def _carry(request):
    """A visit carried in (the hall's ticket, services.Carry), good for this officer; else None."""
    token = request.POST.get(services.CARRY_PARAM) or request.GET.get(services.CARRY_PARAM) or ""
    return services.read_carry(token, request.user)


def _draft(request):
    token = request.POST.get("draft") or request.GET.get("draft") or ""
    return services.read_draft(token) if token else None


def _procedure(agency, raw) -> Procedure | None:
    pk = whole_number(raw or "")
    if agency is None or pk is None:
        return None
    return agency.procedures.filter(pk=pk, active=True).prefetch_related("components").first()


def _chosen_vessels(request, user, draft, procedure):
    """The vessels ticked on the page, among the applicant's (never another's, whatever was posted)."""
    if draft is None or procedure is None or procedure.prefill != Procedure.Prefill.VESSEL:
        return [], []
    mine = services.vessels_of(user, draft.card)
    if len(mine) == 1 and "vessels_shown" not in request.POST and "vessels_shown" not in request.GET:
        return mine, mine  # one vessel: chosen without asking
    ticked = set((request.POST or request.GET).getlist("vessel"))
    return mine, [v for v in mine if str(v.pk) in ticked]


def _lines_from_post(post, procedure, vessels):
    lines = services.checklist(procedure, vessels)
    for ln in lines:
        if ln.held_by_state:
            continue
        pk = ln.component.pk
        ln.received = post.get(f"c{pk}") == "1"
        ln.originals = bounded(post.get(f"c{pk}_originals"), ln.originals, 0, 99)
        ln.certified_copies = bounded(post.get(f"c{pk}_certified"), ln.certified_copies, 0, 99)
        ln.photocopies = bounded(post.get(f"c{pk}_photocopies"), ln.photocopies, 0, 99)
    return lines


def _page(request, context, status=200, template="onestop/counter/counter.html"):
    return render(request, template, context, status=status)


def _intake_context(request, agency, draft, *, errors=None, values=None, procedure=None, lines=None):
    user = request.user
    values = values if values is not None else {}
    carry = _carry(request)
    only = carry.procedure_ids if carry else ()
    if procedure is None and len(only) == 1 and not errors:  # the visit's one procedure: chosen already
        procedure = _procedure(agency, str(only[0]))
    all_vessels, chosen = _chosen_vessels(request, user, draft, procedure)
    if lines is None and procedure is not None:
        lines = services.checklist(procedure, chosen)
    labels = {"full_name": _("full name"), "birth_date": _("birth date"), "gender": _("gender")}
    return {
        "differs_label": ", ".join(str(labels[f]) for f in draft.check.differs) if draft else "",
        "agency": agency, "draft": draft, "token": request.POST.get("draft") or request.GET.get("draft") or "",
        "procedures": services.procedures_for(agency, limit=8, only=only) if agency else [],
        "procedure": procedure, "lines": lines or [], "vessels": all_vessels, "chosen": {v.pk for v in chosen},
        "errors": errors or {}, "values": values, "carry": carry,
    }


@login_required
def counter(request):
    user = _officer(request)
    agencies = services.agencies_for(user)
    carry = _carry(request)
    if carry is not None and request.method == "GET" and "agency" not in request.GET:
        request.session["counter_agency"] = carry.agency_id  # the visit's centre, if it is one of the officer's
    agency = _agency(request, agencies)
    context = {"agencies": agencies, "agency": agency, "manual_fields": MANUAL_FIELDS, "scan_errors": {}, "manual": {},
               "carry": carry}
    if request.method == "POST":
        if agency is None:
            raise PermissionDenied
        if request.POST.get("step") == "receive":
            return _receive(request, agency, context)
        return _scan(request, agency, context)
    code = request.GET.get("ma", "")
    if code:
        context["done"] = Dossier.objects.visible_to(user).select_related("procedure").filter(code=code).first()
    return _page(request, context)


def _scan(request, agency, context):
    """The card read from its QR code (field "qr") or typed by hand (fields "m_*"), then checked."""
    qr = request.POST.get("qr", "")
    manual = {f: request.POST.get(f"m_{f}", "") for f in MANUAL_FIELDS}
    how = "qr" if qr.strip() or not any(v.strip() for v in manual.values()) else "manual"
    try:
        card = services.read_card(qr) if how == "qr" else services.card_typed(**manual)
    except QrError as exc:
        errors = services.qr_problems(exc)
        context.update(scan_errors=errors, manual=manual, how=how, open_manual=how == "manual")
        if _is_htmx(request):
            return render(request, "onestop/counter/_scan_errors.html", context)
        return _page(request, context, status=400)
    check = services.check_applicant(request, card, agency=agency)
    token = services.draft_token(card, check, how)
    request.POST = request.POST.copy()
    request.POST["draft"] = token
    context.update(_intake_context(request, agency, services.Draft(card, check, how)))
    context["token"] = token
    if _is_htmx(request):
        return render(request, "onestop/counter/_intake.html", context)
    return _page(request, context)


def _receive(request, agency, context):
    post = request.POST
    errors = {}
    try:
        draft = _draft(request)
        if draft is None:
            raise DossierError("stale_draft", "qr")
    except DossierError as exc:
        context["scan_errors"] = {"qr": exc.message}
        if _is_htmx(request):
            return render(request, "onestop/counter/_scan_errors.html", context)
        return _page(request, context, status=400)
    procedure = _procedure(agency, post.get("procedure"))
    all_vessels, vessels = _chosen_vessels(request, request.user, draft, procedure)
    lines = _lines_from_post(post, procedure, vessels) if procedure else None
    if procedure is None:
        errors["procedure"] = DossierError("choose_procedure").message
    elif procedure.prefill == Procedure.Prefill.VESSEL and all_vessels and not vessels:
        errors["vessels"] = DossierError("choose_vessel").message
    if not errors:
        try:
            dossier = services.intake(request, agency=agency, procedure=procedure, card=draft.card, check=draft.check,
                                      lines=lines, vessels=vessels, phone=post.get("phone", ""),
                                      email=post.get("email", ""), owner_name=post.get("owner_name", ""),
                                      sets=bounded(post.get("sets"), 1, 0, 99), how=draft.how)
        except DossierError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            done = reverse("onestop:counter") + f"?ma={dossier.code}"
            carry = _carry(request)
            if carry is not None:
                services.received.send(sender=Dossier, dossier=dossier, carry=carry, user=request.user)
                done += f"&{services.CARRY_PARAM}={carry.token}"
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = done
                return response
            return redirect(done)
    context.update(_intake_context(request, agency, draft, errors=errors, values=post, procedure=procedure, lines=lines))
    if _is_htmx(request):
        return render(request, "onestop/counter/_intake.html", context)
    return _page(request, context, status=400)


@login_required
@require_GET
def procedures(request):
    """The procedure list, filtered by what the officer types (without diacritics)."""
    user = _officer(request)
    agency = _agency(request, services.agencies_for(user))
    carry = _carry(request)
    rows = services.procedures_for(agency, request.GET.get("q", "")[:100],
                                   only=carry.procedure_ids if carry else ()) if agency else []
    # The procedure already chosen stays in the list, chosen: a search typed after the choice does not undo it.
    chosen = _procedure(agency, request.GET.get("procedure"))
    if chosen is not None and chosen not in rows:
        rows = [chosen, *rows]
    return render(request, "onestop/counter/_procedures.html",
                  {"procedures": rows, "procedure": chosen, "q": request.GET.get("q", "")})


@login_required
@require_GET
def components(request):
    """The chosen procedure's checklist, with the applicant's vessels for a procedure the fleet registry serves."""
    user = _officer(request)
    agency = _agency(request, services.agencies_for(user))
    try:
        draft = _draft(request)
    except DossierError:
        draft = None
    procedure = _procedure(agency, request.GET.get("procedure"))
    context = _intake_context(request, agency, draft, procedure=procedure)
    return render(request, "onestop/counter/_components.html", context)


@login_required
def receipt(request, code: str):
    """Form 01 of a dossier the officer may see (A5 PDF); anything else is missing (404), the attempt audited."""
    _officer(request)
    try:
        dossier = services.receipt_for(request, code)
    except DossierError:
        raise Http404 from None
    response = HttpResponse(receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response

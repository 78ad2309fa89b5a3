"""The officers' dossier pages: the list (filters, totals, Excel), the detail with the actions its state allows,
and forms 02–06 as PDFs. Thin: listing selects, lifecycle/results/services change, documents print.

Every page reads through Dossier.objects.visible_to and is audited (VIEW / EXPORT, object "dossier" and the code);
a dossier outside the officer's communes answers 404 and the attempt is logged (DENIED); a user who does not
handle dossiers gets 403, logged too.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.redaction import redact_applicant
from lienthong.accounts.scopes import can_handle_dossiers, can_see_applicants
from lienthong.typed_input import whole_number

from .. import lifecycle, results, timeliness
from ..errors import DossierError
from ..models import Dossier, DossierStep, State
from . import documents, exports, listing, services
from .forms import DeskListForm, RegisterForm, parse_local

PAGE_SIZE = 50
# What the desk offers, in the order the page shows them; each only when lifecycle.TRANSITIONS allows it.
OFFICER_ACTIONS = ("accept", "assign", "hand_off", "request_supplement", "request_payment", "finish", "return_result",
                   "refuse", "stop")
APPLICANT_FIELDS = ("applicant_name", "applicant_cccd", "applicant_old_id", "applicant_birth_date", "applicant_gender",
                    "applicant_address", "applicant_phone", "applicant_email")


def _officer(request):
    if not can_handle_dossiers(request.user):
        record(request, AuditAction.DENIED, object_type="dossier",
               summary=msg(gettext_noop("Dossier page %(path)s"), path=request.path))
        raise PermissionDenied
    return request.user


def _dossier_for(request, code: str) -> Dossier:
    dossier = (Dossier.objects.visible_to(request.user).select_related("procedure", "agency", "assigned_to", "received_by")
               .filter(code=code).first())
    if dossier is None:
        if Dossier.objects.filter(code=code).exists():
            # Another centre's dossier: logged, and answered as if it did not exist.
            record(request, AuditAction.DENIED, object_type="dossier", object_id=code,
                   summary=msg(gettext_noop("Dossier %(code)s outside the officer's area"), code=code))
        raise Http404
    return dossier


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the list ------------------------------------------------------------------------------------------------
@login_required
@require_GET
def desk(request):
    user = _officer(request)
    form = DeskListForm(request.GET, user)
    now = timezone.now()
    page = None
    rows = []
    flt = form.desk_filter() if form.is_valid() else None
    personal = can_see_applicants(user)
    if flt is not None:
        qs = listing.dossier_list(user, flt, now)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        for d in page.object_list:
            d.verdict = timeliness.of(d, now)
            d.verdict_label = timeliness.LABELS[d.verdict] if d.verdict else ""
            d.applicant = redact_applicant({f: getattr(d, f) for f in APPLICANT_FIELDS}, personal)
            rows.append(d)
        if rows:
            record(request, AuditAction.VIEW, object_type="dossier_list", summary=_query_without(request)[:255],
                   detail={"filters": flt.as_query(), "page": page.number, "rows": len(rows),
                           "codes": [d.code for d in rows]})
    today = timezone.localdate()
    register_form = RegisterForm(None, user, initial={"date_from": today.replace(day=1), "date_to": today})
    return render(request, "onestop/desk/list.html", {
        "form": form, "filter": flt, "page": page, "rows": rows, "personal": personal,
        "query": _query_without(request, "page"), "active": bool(flt and flt.as_query()),
        "register_form": register_form,
    })


@login_required
@require_GET
def desk_export(request):
    """The same list (same filters and order, every page) as a workbook; the export is audited."""
    user = _officer(request)
    form = DeskListForm(request.GET, user)
    if not form.is_valid():
        return redirect(f"{reverse('onestop:desk')}?{request.GET.urlencode()}")
    flt = form.desk_filter()
    now = timezone.now()
    personal = can_see_applicants(user)
    content, count = exports.dossier_workbook(listing.dossier_list(user, flt, now), personal=personal, now=now)
    record(request, AuditAction.EXPORT, object_type="dossier_list", summary=_query_without(request)[:255],
           detail={"filters": flt.as_query(), "rows": count, "personal": personal})
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ho-so-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def register_pdf(request):
    """Form 06 for an agency and a date range (A4 landscape)."""
    user = _officer(request)
    form = RegisterForm(request.GET, user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("onestop:desk")
    agency, day_from, day_to = form.cleaned_data["agency"], form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    dossiers = listing.register_rows(user, agency, day_from, day_to)
    content, count = documents.register(agency, dossiers, day_from, day_to)
    record(request, AuditAction.EXPORT, object_type="dossier_register", object_id=agency.code,
           summary=msg(gettext_noop("Dossier register %(agency)s %(first)s–%(last)s"), agency=agency.code,
                       first=f"{day_from:%d/%m/%Y}", last=f"{day_to:%d/%m/%Y}"),
           detail={"rows": count, "codes": [d.code for d in dossiers][:500]})
    return _pdf(content, f"so-theo-doi-{agency.code}-{day_from:%Y%m%d}-{day_to:%Y%m%d}.pdf")


# --- the detail and its actions --------------------------------------------------------------------------------
def _allowed(dossier: Dossier) -> list[str]:
    return [a for a in OFFICER_ACTIONS if (dossier.state, a) in lifecycle.TRANSITIONS]


def _render(request, dossier: Dossier, *, errors=None, values=None, status=200):
    now = timezone.now()
    user = request.user
    personal = can_see_applicants(user)
    allowed = _allowed(dossier)
    rows = services.step_rows(dossier, now)
    verdict = timeliness.of(dossier, now)
    last = {}
    for action in ("request_supplement", "refuse", "apologise"):
        last[action] = dossier.steps.filter(action=action).order_by("-at", "-id").first()
    return render(request, "onestop/desk/detail.html", {
        "dossier": dossier, "applicant": redact_applicant({f: getattr(dossier, f) for f in APPLICANT_FIELDS}, personal),
        "personal": personal, "components": dossier.components.select_related("procedure_component"),
        "procedure_components": dossier.procedure.components.all(), "rows": rows,
        "verdict": verdict, "verdict_label": timeliness.LABELS[verdict] if verdict else "", "allowed": allowed,
        "apology": services.apology_offered(dossier, now), "officers": services.officers_for(dossier),
        "departments": services.departments_for(dossier), "errors": errors or {}, "values": values or {},
        "last": last, "now": now, "data_items": sorted((dossier.data or {}).items()),
    }, status=status)


@login_required
@require_GET
def dossier_detail(request, code: str):
    _officer(request)
    dossier = _dossier_for(request, code)
    # The page shows the applicant's personal data: a read, logged.
    record(request, AuditAction.VIEW, object_type="dossier", object_id=dossier.code,
           summary=msg(gettext_noop("Dossier %(code)s"), code=dossier.code))
    return _render(request, dossier)


DONE_MESSAGES = {
    "accept": gettext_noop("Dossier accepted: the processing time starts now."),
    "assign": gettext_noop("Dossier handed over for processing."),
    "hand_off": gettext_noop("Dossier handed over for processing."),
    "request_supplement": gettext_noop("Supplement requested: print form 02 for the citizen."),
    "refuse": gettext_noop("Dossier refused: print form 03 for the citizen."),
    "request_payment": gettext_noop("Payment requested."),
    "stop": gettext_noop("Processing stopped."),
    "finish": gettext_noop("Dossier done: the result can be returned."),
    "return_result": gettext_noop("Result returned to the citizen."),
    "apologise": gettext_noop("New appointment recorded: print form 04 for the citizen."),
}


def _act(request, dossier: Dossier, action: str) -> None:
    """Run one action through lifecycle (or results/services); DossierError goes back to the field."""
    post = request.POST
    note = post.get("note", "")
    if action == "apologise":
        new_due = parse_local(post.get("new_due", ""))
        if post.get("new_due") and new_due is None:
            raise DossierError("bad_date", "new_due")
        lifecycle.apologise(dossier, request, new_due=new_due, reason=note)
    elif action == "request_supplement":
        ids = [whole_number(v) for v in post.getlist("missing")]
        if None in ids:
            raise DossierError("needs_missing", "missing")
        services.request_supplement(dossier, request, missing_ids=ids, text=note)
    elif action == "finish":
        upload = request.FILES.get("result")
        if upload is not None and upload.size > results.MAX_RESULT_BYTES:
            raise DossierError("result_not_pdf", "result")
        results.finish_with_result(dossier, request, content=upload.read() if upload else None, note=note)
    elif action in ("assign", "hand_off"):
        handed_to = None
        if post.get("handed_to"):
            pk = whole_number(post["handed_to"])
            handed_to = services.officers_for(dossier).filter(pk=pk).first() if pk is not None else None
            if handed_to is None:
                raise DossierError("bad_assignee", "handed_to")
        step_due = None
        if post.get("step_due_at"):
            step_due = parse_local(post["step_due_at"])
            if step_due is None:
                raise DossierError("bad_date", "step_due_at")
        lifecycle.step(dossier, request, action, note=note, handed_to=handed_to,
                       department=post.get("department", "").strip(), step_due_at=step_due)
    else:
        lifecycle.step(dossier, request, action, note=note)


@login_required
@require_POST
def dossier_act(request, code: str):
    _officer(request)
    dossier = _dossier_for(request, code)
    action = request.POST.get("action", "")
    if action not in (*OFFICER_ACTIONS, "apologise"):
        raise Http404
    try:
        _act(request, dossier, action)
    except DossierError as exc:
        dossier.refresh_from_db()
        field = exc.field or "general"
        return _render(request, dossier, errors={"action": action, field: exc.message}, values=request.POST, status=400)
    messages.success(request, _(DONE_MESSAGES[action]))
    return redirect("onestop:dossier", code=dossier.code)


# --- printed forms ----------------------------------------------------------------------------------------------
def _form_step(dossier: Dossier, action: str, request) -> DossierStep:
    steps = dossier.steps.select_related("actor").filter(action=action)
    pk = whole_number(request.GET.get("buoc", ""))
    step = (steps.filter(pk=pk) if pk is not None else steps.order_by("-at", "-id")).first()
    if step is None:
        raise Http404
    return step


FORMS = {"02": ("request_supplement", documents.form_02, "phieu-yeu-cau-bo-sung"),
         "03": ("refuse", documents.form_03, "phieu-tu-choi"),
         "04": ("apologise", documents.form_04, "phieu-xin-loi")}


@login_required
@require_GET
def dossier_form(request, code: str, number: str):
    _officer(request)
    dossier = _dossier_for(request, code)
    if number == "05":
        content = documents.form_05(dossier, services.step_rows(dossier, timezone.now()))
        slug = "phieu-kiem-soat"
    elif number in FORMS:
        action, draw, slug = FORMS[number]
        content = draw(dossier, _form_step(dossier, action, request))
    else:
        raise Http404
    record(request, AuditAction.EXPORT, object_type="dossier", object_id=dossier.code,
           summary=msg(gettext_noop("Form %(form)s of dossier %(code)s printed"), form=number, code=dossier.code),
           detail={"form": number})
    return _pdf(content, f"{slug}-{dossier.code}.pdf")


@login_required
@require_GET
def dossier_result(request, code: str):
    _officer(request)
    dossier = _dossier_for(request, code)
    if not dossier.result_file or dossier.state not in (State.DONE, State.RETURNED):
        raise Http404
    record(request, AuditAction.EXPORT, object_type="dossier", object_id=dossier.code,
           summary=msg(gettext_noop("Result of dossier %(code)s downloaded"), code=dossier.code), detail={"form": "result"})
    return FileResponse(dossier.result_file.open("rb"), content_type="application/pdf",
                        filename=f"ket-qua-{dossier.code}.pdf", as_attachment=False)

"""The citizens' portal (/dich-vu-cong/), phone first: the procedures offered online, the online submission with
its files, the confirmation, tracking by dossier code and ID number (state, timeline, due date, what is
missing, the supplement, the signed result). No login: anonymous requests are rate-limited per address; a
logged-in youth volunteer may submit for a citizen, with the citizen's consent.

A dossier the visitor proved (code + ID number) or submitted in this browser is remembered in the session
(SESSION_KEY), so the tracking page, the supplement and the result download need the ID number only once.
"""
from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.accounts.ratelimit import body_limit, limit_public
from lienthong.accounts.scopes import is_volunteer

from ..errors import DossierError
from ..models import Dossier, State
from . import services, uploads
from .forms import SubmitForm, TrackForm

SESSION_KEY = "onestop_public_dossiers"
REMEMBERED = 20  # dossiers one browser session keeps (a volunteer helps several citizens a day)


def _remember(request, code: str) -> None:
    codes = [c for c in request.session.get(SESSION_KEY, []) if c != code]
    request.session[SESSION_KEY] = [code, *codes][:REMEMBERED]


def _remembered(request, code: str) -> bool:
    return bool(code) and code in request.session.get(SESSION_KEY, [])


def _limits() -> dict:
    return {"file_limit": uploads.megabytes(uploads.file_limit()), "dossier_limit": uploads.megabytes(uploads.dossier_limit()),
            "max_file_bytes": uploads.file_limit()}


@require_GET
@limit_public
def home(request):
    q = request.GET.get("q", "").strip()[:100]
    field = request.GET.get("linh-vuc", "").strip()[:200]
    found = services.search_procedures(q, field)
    groups: dict[str, list] = {}
    for p in found:
        groups.setdefault(p.field, []).append(p)
    return render(request, "onestop/public/home.html", {
        "q": q, "field": field, "fields": services.fields(), "groups": groups, "count": len(found),
        "track_form": TrackForm()})


@body_limit(uploads.body_limit_kb)
@limit_public
def submit(request, code: str):
    procedure = services.submittable(code)
    if procedure is None:
        raise Http404
    volunteer = is_volunteer(request.user)
    components = list(procedure.components.all())
    form = SubmitForm(request.POST or None, procedure=procedure, volunteer=volunteer)
    collected = uploads.Collected({}, {})
    general = ""
    if request.method == "POST":
        dropped = {c.pk for c in components if request.POST.get(f"drop-{c.pk}")}
        collected = uploads.collect(components, request.FILES, request.POST.get("staged", ""), dropped=dropped)
        if form.is_valid() and not collected.errors:
            d = form.cleaned_data
            for_citizen = bool(d.get("for_citizen"))
            try:
                if for_citizen and not d.get("consent"):
                    raise DossierError("needs_consent", "consent")
                applicant = services.verify_applicant(
                    request, cccd=d["cccd"], full_name=d["full_name"], birth_date=d["birth_date"], procedure=procedure,
                    contact=services.Contact(d["phone"], d["email"], d["address"]))
                dossier = services.submit_online(
                    request, procedure=procedure, agency=d["agency"], applicant=applicant, files=collected.files,
                    data={"request": d["request_text"]} if d["request_text"] else {},
                    for_citizen=for_citizen, consent=bool(d.get("consent")))
            except DossierError as exc:
                if exc.field and exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    general = exc.message
            else:
                _remember(request, dossier.code)
                return redirect("public:submitted", code=dossier.code)
    rows = [{"component": c, "field": uploads.field_name(c.pk), "error": collected.errors.get(uploads.field_name(c.pk)),
             "staged": collected.files.get(c.pk), "required": c.required} for c in components]
    status = 400 if request.method == "POST" else 200
    return render(request, "onestop/public/submit.html", {
        "procedure": procedure, "form": form, "rows": rows, "staged_token": collected.token, "general": general,
        "files_error": collected.errors.get("files"), "has_file_errors": bool(collected.errors), "volunteer": volunteer,
        "consent_text": services.consent_text(request.user) if volunteer else "", **_limits()}, status=status)


@require_GET
@limit_public
def submitted(request, code: str):
    if not _remembered(request, code):
        return redirect(f"{reverse('public:track')}?ma={code}")
    dossier = Dossier.objects.select_related("procedure", "agency").filter(code=code).first()
    if dossier is None:
        raise Http404
    return render(request, "onestop/public/submitted.html", {"dossier": dossier})


@body_limit(uploads.body_limit_kb)
@limit_public
def track(request):
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip()[:60]
    form = TrackForm(request.POST if request.POST.get("action") == "track" else None, initial={"ma": code})
    if request.method == "POST" and request.POST.get("action") == "track":
        if form.is_valid():
            try:
                dossier = services.find_for_tracking(request, form.cleaned_data["ma"], form.cleaned_data["cccd"])
            except DossierError as exc:
                form.add_error(None, exc.message)
            else:
                _remember(request, dossier.code)
                return redirect(f"{reverse('public:track')}?ma={dossier.code}")
        return render(request, "onestop/public/track_form.html", {"form": form}, status=400)
    if not _remembered(request, code):
        return render(request, "onestop/public/track_form.html", {"form": form})
    dossier = Dossier.objects.select_related("procedure", "agency").filter(code=code).first()
    if dossier is None:
        raise Http404
    collected = uploads.Collected({}, {})
    missing = services.missing(dossier)
    if request.method == "POST" and request.POST.get("action") == "resubmit" and missing is not None:
        catalogue = list(dossier.procedure.components.all())
        required = {c.pk for c in missing.components}
        dropped = {c.pk for c in catalogue if request.POST.get(f"drop-{c.pk}")}
        collected = uploads.collect(catalogue, request.FILES, request.POST.get("staged", ""), dropped=dropped,
                                    required_ids=required, need_one=True)
        if not collected.errors:
            try:
                services.resubmit_online(request, dossier, collected.files)
            except DossierError as exc:
                collected.errors["files"] = exc.message
            else:
                return redirect(f"{reverse('public:track')}?ma={dossier.code}&bo-sung=1")
    services.audit_view(request, dossier)
    context = {**_track_context(dossier, missing, collected), "resubmitted": "bo-sung" in request.GET}
    return render(request, "onestop/public/track.html", context, status=400 if collected.errors else 200)


def _track_context(dossier: Dossier, missing, collected) -> dict:
    rows = []
    if missing is not None:
        wanted = {c.pk for c in missing.components}
        for c in dossier.procedure.components.all():
            field = uploads.field_name(c.pk)
            rows.append({"component": c, "field": field, "error": collected.errors.get(field),
                         "staged": collected.files.get(c.pk), "required": c.pk in wanted})
        rows.sort(key=lambda r: not r["required"])
    return {
        "dossier": dossier, "state_text": services.STATE_TEXT.get(dossier.state, ""), "timeline": services.timeline(dossier),
        "missing": missing, "rows": rows, "staged_token": collected.token, "files_error": collected.errors.get("files"),
        "result_available": _result_file(dossier) is not None, "State": State, **_limits()}


def _result_file(dossier: Dossier):
    """The signed result the desk stored with the dossier (onestop.results), once it is done."""
    if dossier.state not in (State.DONE, State.RETURNED) or not dossier.result_file:
        return None
    return dossier.result_file


@require_GET
@limit_public
def result(request, code: str):
    if not _remembered(request, code):
        return redirect(f"{reverse('public:track')}?ma={code}")
    dossier = Dossier.objects.filter(code=code).first()
    stored = _result_file(dossier) if dossier is not None else None
    if stored is None:
        raise Http404(_("No result to download."))
    services.audit_download(request, dossier)
    return FileResponse(stored.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"ket-qua-{dossier.code}.pdf")

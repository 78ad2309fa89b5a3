"""Registry campaign pages. Thin: the import in importing, the officers' acts in actions, the board in dashboard.

Who sees what is accounts.scopes (visible_campaigns, visible_campaign_records, visible_campaign_questions); every
page that shows a person's data and every export is audited."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lienthong.accounts import audit
from lienthong.accounts.models import Role
from lienthong.accounts.scopes import WORKLIST_KIND_OF_ROLE, can_run_campaigns, is_province
from lienthong.geo.units import commune_name
from lienthong.identity.collation import vi_sort_key
from lienthong.identity.text import fold
from lienthong.registries.sheets import HEADERS, INFORMATIVE_FLAGS, holding_flags, role_word

from . import actions, dashboard, exports, files, states
from .forms import AnswerForm, NewCampaignForm
from .importing import ImportRefused, import_campaign
from .labels import flag_label
from .models import Campaign, Decision, Person, Profile, Question, QuestionKind, QuestionState, Record, RecordState

PAGE_SIZE = 50


def _runner(request) -> None:
    if not can_run_campaigns(request.user):
        raise PermissionDenied


def _campaign(request, pk) -> Campaign:
    _runner(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    if not Campaign.objects.visible_to(request.user).filter(pk=pk).exists():
        audit.record(request, "denied", object_type="campaign", object_id=pk,
                     summary=audit.msg(gettext_noop("Registry campaign outside the officer's registry")))
        raise PermissionDenied
    return campaign


def _profiles(user) -> list[str]:
    return list(Profile.values) if (user.is_superuser or user.role == Role.ADMIN) else [user.registry]


@login_required
def board(request):
    user = request.user
    if not can_run_campaigns(user):
        if user.role in WORKLIST_KIND_OF_ROLE:
            return redirect("campaigns:questions")
        raise PermissionDenied
    today = timezone.localdate()
    campaigns = list(Campaign.objects.visible_to(user))
    for c in campaigns:
        c.counts = states.counts(c, today)
    registries = dashboard.build(campaigns, fleet=is_province(user), today=today)
    chosen = request.GET.get("so") or (registries[0].code if registries else "")
    detail = next((r for r in registries if r.code == chosen), registries[0] if registries else None)
    return render(request, "campaigns/board.html", {
        "registries": registries, "detail": detail, "campaigns": campaigns, "today": today,
        "open_questions": Question.objects.visible_to(user).filter(state=QuestionState.OPEN).count(),
    })


@login_required
def new(request):
    _runner(request)
    form = NewCampaignForm(request.POST or None, request.FILES or None, profiles=_profiles(request.user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            campaign = import_campaign(upload.read(), upload.name, profile=form.cleaned_data["profile"],
                                       title=form.cleaned_data["title"], department=form.cleaned_data["department"],
                                       deadline=form.cleaned_data["deadline"], user=request.user, request=request)
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("%(n)s records imported and checked against the population database.")
                             % {"n": campaign.records})
            return redirect("campaigns:campaign", pk=campaign.pk)
    return render(request, "campaigns/new.html", {
        "form": form, "headers": [(p, Profile(p).label, HEADERS[p]) for p in _profiles(request.user) if p in HEADERS],
        "status": 400 if request.method == "POST" else 200,
    }, status=400 if request.method == "POST" else 200)


def _filtered(campaign, request):
    qs = campaign.items.all()
    state = request.GET.get("tt", "")
    if state == "overdue":
        qs = qs.exclude(state=RecordState.CLEAN) if timezone.localdate() > campaign.deadline else qs.none()
    elif state in RecordState.values:
        qs = qs.filter(state=state)
    commune = request.GET.get("xa", "")
    if commune:
        qs = qs.filter(commune_code="" if commune == "none" else commune)
    flag = request.GET.get("co", "")
    if flag == "duplicate":
        qs = qs.exclude(duplicate_of="")
    elif flag:
        qs = qs.filter(flags__contains=[flag]) if _json_contains() else qs.filter(flags__icontains=f'"{flag}"')
    typed = request.GET.get("q", "").strip()[:100]
    if typed:
        qs = qs.filter(Q(record_id__icontains=typed) | Q(pk__in=_person_matches(campaign, typed)))
    return qs.order_by("row_no")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _person_matches(campaign, typed: str):
    """Records with a person whose name holds the words typed, with or without diacritics ("nguyen" finds
    "Nguyễn"), or whose ID number holds the digits typed."""
    people = Person.objects.filter(record__campaign=campaign)
    by_name = people
    for word in fold(typed).split():
        by_name = by_name.filter(name_folded__contains=word)
    return (by_name | people.filter(id_number__contains=typed)).values("record_id")


@login_required
def campaign(request, pk):
    c = _campaign(request, pk)
    page = Paginator(_filtered(c, request).prefetch_related("people"), PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.flag_words = [flag_label(f) for f in r.flags]
    flags = sorted({f for fl in c.items.exclude(flags=[]).values_list("flags", flat=True) for f in fl})
    audit.record(request, "view", object_type="campaign", object_id=c.pk,
                 summary=audit.msg(gettext_noop("Viewed registry campaign %(title)s"), title=c.title),
                 detail={"records": [r.pk for r in page.object_list], "query": request.GET.dict()})
    communes = sorted({code for code in c.items.values_list("commune_code", flat=True)},
                      key=lambda code: (code == "", vi_sort_key(commune_name(code))))
    return render(request, "campaigns/campaign.html", {
        "c": c, "page": page, "counts": states.counts(c), "flags": flags, "communes": communes,
        "unresolved": actions.unresolved(c).count(), "today": timezone.localdate(),
        "states": RecordState.choices, "flag_choices": [(f, flag_label(f)) for f in flags],
        "repeats_held": len(actions.repeats_held(c)),
    })


@login_required
def record(request, pk, record_pk):
    c = _campaign(request, pk)
    r = get_object_or_404(Record, pk=record_pk, campaign=c)
    people = list(r.people.prefetch_related("questions"))
    known = actions.citizens({p.person_id for p in people} | {x["cccd"] for p in people for x in p.candidates})
    for p in people:
        p.role_word = role_word(p.role)
        p.citizen = known.get(p.person_id)
        p.others = [known.get(x["cccd"]) for x in p.candidates if x["cccd"] != p.person_id
                    and known.get(x["cccd"])]
        p.open_question = next((q for q in p.questions.all() if q.state == QuestionState.OPEN), None)
    duplicate = c.items.filter(record_id=r.duplicate_of).first() if r.duplicate_of else None
    audit.record(request, "view", object_type="campaign_record", object_id=r.pk,
                 summary=audit.msg(gettext_noop("Viewed record %(record)s of registry campaign %(campaign)s"),
                                   record=r.record_id, campaign=c.pk))
    fields = [(HEADERS.get(c.profile, {}).get(k, k), v) for k, v in r.data.items()]
    r.flag_words = [(f, flag_label(f), f not in INFORMATIVE_FLAGS) for f in r.flags]
    r.needs_check = bool(holding_flags(r.flags) or r.duplicate_of
                         or any(p.decision == Decision.UNRESOLVABLE for p in people))
    linked_ids = {p.person_id for p in people if p.linked and p.person_id}
    elsewhere = {}
    for other in (Person.objects.filter(record__campaign=c, person_id__in=linked_ids, status__in=("verified", "matched"))
                  .exclude(record=r).select_related("record")[:50]):
        elsewhere.setdefault(other.person_id, []).append(other.record)
    for p in people:
        p.elsewhere = elsewhere.get(p.person_id, []) if p.linked else []
    return render(request, "campaigns/record.html", {
        "c": c, "r": r, "people": people, "fields": fields, "duplicate": duplicate,
        "overdue": states.is_overdue(c.deadline, r.state),
    })


@require_POST
@login_required
def person_act(request, pk, person_pk, op):
    c = _campaign(request, pk)
    person = get_object_or_404(Person.objects.select_related("record"), pk=person_pk, record__campaign=c)
    try:
        if op == "xac-nhan":  # the proposal shown on the page
            actions.confirm(person, request)
            messages.success(request, _("Link confirmed."))
        elif op == "lien-ket":  # a CCCD the officer gives
            if not request.POST.get("cccd", "").strip():
                raise actions.CampaignError("no_cccd")
            actions.confirm(person, request, cccd=request.POST["cccd"], anyway=bool(request.POST.get("anyway")))
            messages.success(request, _("Link confirmed."))
        elif op == "tu-choi":
            actions.reject(person, request)
            messages.success(request, _("Proposal rejected: ask the commune next."))
        elif op == "hoan-tac":
            actions.undo(person, request)
            messages.success(request, _("Decision undone."))
        elif op in ("hoi-xa", "hoi-cong-an"):
            kind = QuestionKind.COMMUNE if op == "hoi-xa" else QuestionKind.POLICE
            actions.ask(Person.objects.filter(pk=person.pk), request, kind=kind)
            messages.success(request, _("Question sent."))
        else:
            raise Http404
    except actions.CampaignError as exc:
        messages.error(request, exc.message())
    return redirect("campaigns:record", pk=c.pk, record_pk=person.record_id)


@require_POST
@login_required
def record_check(request, pk, record_pk):
    c = _campaign(request, pk)
    r = get_object_or_404(Record, pk=record_pk, campaign=c)
    actions.check_record(r, request, request.POST.get("note", "")[:1000])
    messages.success(request, _("Flags marked as checked."))
    return redirect("campaigns:record", pk=c.pk, record_pk=r.pk)


@login_required
def ask_all(request, pk):
    c = _campaign(request, pk)
    if request.method != "POST":  # a bulk act is confirmed on its own page first
        return render(request, "campaigns/confirm_bulk.html", {
            "c": c, "n": actions.unresolved(c).count(), "action": reverse("campaigns:ask-all", args=[c.pk]),
            "what": _("Send every person not yet linked to the People's Committee of their record's commune."),
            "button": _("Send to the communes")})
    made = actions.ask(actions.unresolved(c), request, kind=QuestionKind.COMMUNE)
    messages.success(request, _("%(n)s persons sent to their communes.") % {"n": len(made)})
    return redirect("campaigns:campaign", pk=c.pk)


@login_required
def check_repeats(request, pk):
    c = _campaign(request, pk)
    if request.method != "POST":
        return render(request, "campaigns/confirm_bulk.html", {
            "c": c, "n": len(actions.repeats_held(c)), "action": reverse("campaigns:check-repeats", args=[c.pk]),
            "what": _("Mark as checked every record that repeats an earlier one and carries no other flag: they no "
                      "longer hold the campaign. Open a few of them first to see that they really are repeats."),
            "button": _("Accept the repeated records")})
    n = actions.check_duplicates(c, request)
    messages.success(request, _("%(n)s repeated records marked as checked.") % {"n": n})
    return redirect("campaigns:campaign", pk=c.pk)


@login_required
def export(request, pk, fmt):
    c = _campaign(request, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    data, n = (exports.as_xlsx if fmt == "xlsx" else exports.as_csv)(c)
    audit.record(request, "export", object_type="campaign", object_id=c.pk,
                 summary=audit.msg(gettext_noop("Exported %(n)s rows of registry campaign %(title)s"), n=n, title=c.title),
                 detail={"format": fmt, "rows": n})
    content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                    else "text/csv; charset=utf-8")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (f'attachment; filename="lam-sach-{exports.FILE_WORDS.get(c.profile, c.profile)}-'
                                       f'{c.pk}-{timezone.localdate():%Y%m%d}.{fmt}"')
    return response


@login_required
def questions(request):
    user = request.user
    _answerer(request)
    qs = Question.objects.visible_to(user)
    state = request.GET.get("tt", QuestionState.OPEN)
    if state in QuestionState.values:
        qs = qs.filter(state=state)
    communes = sorted(set(qs.values_list("commune_code", flat=True)),
                      key=lambda code: (code == "", vi_sort_key(commune_name(code))))
    commune = request.GET.get("xa", "")
    if commune:
        qs = qs.filter(commune_code="" if commune == "none" else commune)
    kind = request.GET.get("loai", "")
    if kind in QuestionKind.values:
        qs = qs.filter(kind=kind)
    qs = qs.select_related("person__record__campaign").order_by("person__record__campaign__deadline", "asked_at", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "view", object_type="campaign_question", object_id="",
                 summary=audit.msg(gettext_noop("Viewed the registry questions of the officer's communes")),
                 detail={"questions": [q.pk for q in page.object_list]})
    for q in page.object_list:
        q.role_word = role_word(q.person.role)
        q.overdue = q.state == QuestionState.OPEN and timezone.localdate() > q.person.record.campaign.deadline
        q.result = _(actions.ANSWER_RESULTS[q.answer_result]) if q.answer_result else ""
    return render(request, "campaigns/questions.html", {
        "page": page, "state": state, "states": QuestionState.choices, "communes": communes, "kinds": QuestionKind.choices,
        "runner": can_run_campaigns(user)})


def _answerer(request):
    if not can_run_campaigns(request.user) and request.user.role not in WORKLIST_KIND_OF_ROLE:
        raise PermissionDenied


@login_required
def questions_file(request):
    _answerer(request)
    qs = (Question.objects.visible_to(request.user).filter(state=QuestionState.OPEN)
          .select_related("person__record__campaign").order_by("commune_code", "person__record__campaign__deadline", "id"))
    data = files.questions_xlsx(qs)
    audit.record(request, "export", object_type="campaign_question", object_id="",
                 summary=audit.msg(gettext_noop("Downloaded %(n)s open registry questions"), n=qs.count()),
                 detail={"questions": list(qs.values_list("pk", flat=True))[:5000]})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="cau-hoi-so-dang-ky.xlsx"'
    return response


@require_POST
@login_required
def questions_upload(request):
    _answerer(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in Excel file."))
        return redirect("campaigns:questions")
    try:
        answers = files.read_answers(upload.read(), upload.name, Question.objects.visible_to(request.user))
    except files.UploadRefused as exc:
        for problem in exc.problems[:50]:
            messages.error(request, problem)
        if len(exc.problems) > 50:
            messages.error(request, _("… and %(n)s more rows.") % {"n": len(exc.problems) - 50})
        messages.error(request, _("Nothing was stored: correct the rows named and upload the file again."))
        return redirect("campaigns:questions")
    n = files.apply(answers, request)
    messages.success(request, _("%(n)s answers stored and checked against the population database.") % {"n": n})
    return redirect("campaigns:questions")


@login_required
def question(request, question_pk):
    q = get_object_or_404(Question.objects.select_related("person__record__campaign"), pk=question_pk)
    if not Question.objects.visible_to(request.user).filter(pk=q.pk).exists():
        audit.record(request, "denied", object_type="campaign_question", object_id=question_pk,
                     summary=audit.msg(gettext_noop("Registry question outside the officer's area")))
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.answer(q, request, cccd=form.cleaned_data["cccd"], note=form.cleaned_data["note"],
                               unresolvable=form.cleaned_data["unresolvable"])
            except actions.CampaignError as exc:
                form.add_error("cccd" if exc.code in ("bad_cccd", "not_in_population") else None, exc.message())
            else:
                messages.success(request, _(actions.ANSWER_RESULTS[q.answer_result]) + ".")
                return redirect(reverse("campaigns:questions"))
    else:
        audit.record(request, "view", object_type="campaign_question", object_id=q.pk,
                     summary=audit.msg(gettext_noop("Viewed registry question %(n)s"), n=q.pk))
    p, r = q.person, q.person.record
    fields = [(HEADERS.get(r.campaign.profile, {}).get(k, k), v) for k, v in r.data.items()]
    candidates = actions.citizens([p.person_id] + [x["cccd"] for x in p.candidates])
    proposals = [candidates[x] for x in dict.fromkeys([p.person_id] + [x["cccd"] for x in p.candidates]) if x in candidates]
    return render(request, "campaigns/question.html", {
        "question": q, "p": p, "r": r, "c": r.campaign, "fields": fields, "form": form, "proposals": proposals[:3],
        "overdue": q.state == QuestionState.OPEN and timezone.localdate() > r.campaign.deadline,
        "role_word": role_word(p.role),
        "result": _(actions.ANSWER_RESULTS[q.answer_result]) if q.answer_result else "",
    }, status=status)

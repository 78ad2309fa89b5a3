"""Sync campaign pages. Thin: domain functions in engine, actions, files, dashboard.

Messages to the officer are translated; audit summaries stay Vietnamese: they are stored records,
written once in the province's working language, not text of the page.
"""
from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lienthong.accounts import audit
from lienthong.accounts.scopes import is_province
from lienthong.fleet.classes import LENGTH_CLASSES
from lienthong.fleet.labels import length_class_label
from lienthong.sync import actions, engine, explain, files, identity_changes
from lienthong.sync import dashboard as dash
from lienthong.sync.models import (
    AnswerOutcome,
    AnswerResult,
    ChangeState,
    Export,
    IdentityChange,
    IdentityDecision,
    SourceKind,
    SyncItem,
    SyncRun,
    WorkItemState,
    Worklist,
    WorklistItem,
)
from lienthong.sync.review_cards import decision_summary, review_card
from lienthong.typed_input import whole_number

DEADLINE_DAYS = (1, 90)  # a worklist's answer time, as the form's number field allows


def province_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_province(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


# --- dashboard -------------------------------------------------------------------------------------
@login_required
def dashboard(request):
    if request.user.is_area_scoped:
        return redirect("sync-worklists")
    d = dash.build()
    return render(request, "sync/dashboard.html", {
        "d": d, "chart": dash.chart_svg(d.over_time, d.total), "province": is_province(request.user),
        "run": SyncRun.objects.first(),
    })


# --- runs ------------------------------------------------------------------------------------------
@province_only
def runs(request):
    if request.method == "POST":
        try:
            run = engine.plan_run(request.user, source=request.POST.get("source") or SourceKind.LOCAL,
                                  commune=request.POST.get("commune", "").strip(),
                                  length_class=request.POST.get("length_class", ""),
                                  unverified=bool(request.POST.get("unverified")))
        except engine.RunRefused as exc:
            messages.error(request, str(exc))
            return redirect("sync-runs")
        audit.record(request, "create", object_type="sync_run", object_id=run.pk,
                     summary=audit.msg(gettext_noop("Started sync run %(run)s: %(n)s vessels"), run=run.pk, n=run.total),
                     detail={"filters": run.filters})
        return redirect("sync-run", pk=run.pk)
    from lienthong.fleet.models import Vessel
    from lienthong.geo.units import commune_name
    from lienthong.identity.collation import vi_sort_key

    codes = sorted({c for c in Vessel.objects.exclude(commune_code="").values_list("commune_code", flat=True)},
                   key=lambda c: vi_sort_key(commune_name(c)))
    return render(request, "sync/runs.html", {
        "runs": SyncRun.objects.all()[:30], "communes": [(c, commune_name(c)) for c in codes],
        "length_classes": [(c[0], length_class_label(c[0])) for c in LENGTH_CLASSES], "sources": SourceKind.choices,
    })


@province_only
def run_detail(request, pk):
    run = get_object_or_404(SyncRun, pk=pk)
    return render(request, "sync/run.html", {"run": run})


@province_only
def run_progress(request, pk):
    run = get_object_or_404(SyncRun, pk=pk)
    response = render(request, "sync/_progress.html", {"run": run})
    if not run.active:
        response["HX-Trigger"] = "sync-run-finished"
    return response


@require_POST
@province_only
def run_control(request, pk, op):
    if op not in ("pause", "resume"):
        raise Http404
    run = get_object_or_404(SyncRun, pk=pk)
    done = engine.pause(run) if op == "pause" else engine.resume(run)
    if done:
        audit.record(request, "update", object_type="sync_run", object_id=run.pk,
                     summary=audit.msg(gettext_noop("Paused sync run %(run)s") if op == "pause"
                                       else gettext_noop("Resumed sync run %(run)s"), run=run.pk))
    run.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "sync/_progress.html", {"run": run})
    return redirect("sync-run", pk=run.pk)


# --- review queue ------------------------------------------------------------------------------------
def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _pending_message(change: IdentityChange) -> str:
    return _("Vessel %(reg)s: this changes an identity already verified; it awaits a second officer's approval "
             "(list “Awaiting approval”).") % {"reg": change.vessel.registration_number if change.vessel_id else "—"}


@province_only
def review(request):
    page = actions.review_page(request.GET.get("page"))
    items = [review_card(item) for item in page.object_list]
    pending = set(IdentityChange.objects.filter(state=ChangeState.PENDING, owner_id__in=[i.item.owner_id for i in items])
                  .values_list("owner_id", flat=True))
    for card in items:
        card.pending = card.item.owner_id in pending
    for n, card in enumerate(items, start=page.start_index()):
        card.position = explain.fmt_number(n)
    current = whole_number(request.GET.get("current"))
    if items and not any(i.item.pk == current for i in items):
        current = items[0].item.pk
    if items:
        audit.record(request, "view", object_type="review_queue",
                     summary=audit.msg(gettext_noop("Viewed the review queue (%(n)s proposals)"), n=len(items)),
                     detail={"owners": [i.item.owner_id for i in items], "page": page.number})
    decided = None
    if (pk := whole_number(request.GET.get("decided"))) is not None:
        decided = actions.review_decisions().filter(pk=pk, undone_at__isnull=True).first()
        if decided is not None and not actions.can_undo(request.user, decided):
            decided = None
    return render(request, "sync/review.html", {
        "page": page, "items": items, "total": page.paginator.count, "current": current,
        "counts": {"start": explain.fmt_number(page.start_index()), "end": explain.fmt_number(page.end_index()),
                   "total": explain.fmt_number(page.paginator.count)},
        "decided": decided, "decided_summary": decision_summary(decided) if decided else "",
        "threshold": explain.fmt_weight(Decimal(str(explain.auto_weight())), signed=False),
    })


@require_POST
@province_only
def review_decide(request, pk):
    item = get_object_or_404(SyncItem, pk=pk)
    action = request.POST.get("action", "")
    try:
        decision = actions.decide_review(request, item, action, request.POST.get("cccd") or None)
    except actions.ActionError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect("sync-review")
    if isinstance(decision, IdentityChange):
        msg = _pending_message(decision)
        if _wants_json(request):
            return JsonResponse({"ok": True, "pending": True, "change": decision.pk, "message": msg})
        messages.warning(request, msg)
        return redirect(f"{reverse('sync-review')}?{urlencode({'page': request.POST.get('page') or 1})}")
    owner = decision.owner
    if _wants_json(request):
        return JsonResponse({"ok": True, "status": owner.identity_status, "cccd": owner.verified_cccd,
                             "decision": decision.pk, "undo_url": reverse("sync-review-undo", args=[decision.pk]),
                             "summary": decision_summary(decision)})
    messages.success(request, _("Decision recorded for vessel %(reg)s.") % {"reg": item.vessel.registration_number})
    return redirect(f"{reverse('sync-review')}?{urlencode({'page': request.POST.get('page') or 1, 'decided': decision.pk})}")


@require_POST
@province_only
def review_undo(request, pk):
    decision = get_object_or_404(IdentityDecision, pk=pk, via="review")
    try:
        done = actions.undo_decision(request, decision)
    except actions.ActionError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect(request.POST.get("next") or "sync-review-decided")
    if isinstance(done, IdentityChange):
        msg = _pending_message(done)
        if _wants_json(request):
            return JsonResponse({"ok": True, "pending": True, "change": done.pk, "message": msg})
        messages.warning(request, msg)
        return redirect("sync-review-decided")
    reg = decision.sync_item.vessel.registration_number if decision.sync_item else ""
    msg = _("Decision undone: vessel %(reg)s is back in the review queue.") % {"reg": reg}
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": msg, "item": decision.sync_item_id})
    messages.success(request, msg)
    nxt = request.POST.get("next") or ""
    if nxt == "review":
        return redirect(f"{reverse('sync-review')}?{urlencode({'current': decision.sync_item_id})}")
    return redirect("sync-review-decided")


@province_only
def review_decided(request):
    from django.core.paginator import Paginator

    page = Paginator(actions.review_decisions(), 50).get_page(request.GET.get("page"))
    rows = [(d, decision_summary(d), actions.can_undo(request.user, d)) for d in page.object_list]
    return render(request, "sync/review_decided.html", {"page": page, "rows": rows})


# --- worklists -----------------------------------------------------------------------------------------
@login_required
def worklists(request):
    user = request.user
    if request.method == "POST":
        if not is_province(user):
            raise PermissionDenied
        days = whole_number(request.POST.get("days") or "14")
        if days is None or not DEADLINE_DAYS[0] <= days <= DEADLINE_DAYS[1]:
            messages.error(request, _("Answer within: a whole number of days from %(low)d to %(high)d.")
                           % {"low": DEADLINE_DAYS[0], "high": DEADLINE_DAYS[1]})
            return redirect("sync-worklists")
        made = actions.build_worklists(request, deadline_days=days)
        messages.success(request, _("%(n)d new lists made.") % {"n": len(made)} if made
                         else _("No vessel needs to go on a new list."))
        return redirect("sync-worklists")
    qs = Worklist.objects.visible_to(user)
    if not is_province(user) and not user.is_area_scoped:
        raise PermissionDenied
    from django.db.models import Count, Q

    qs = qs.annotate(n=Count("items"), open_n=Count("items", filter=Q(items__state__in=actions.OPEN_STATES)),
                     resolved_n=Count("items", filter=Q(items__state=WorkItemState.RESOLVED)))
    return render(request, "sync/worklists.html", {
        "worklists": qs, "province": is_province(user), "today": timezone.localdate(),
        "unlisted": actions.unresolved_vessels().count() if is_province(user) else None,
    })


def _worklist_for(request, pk) -> Worklist:
    wl = get_object_or_404(Worklist, pk=pk)
    if not Worklist.objects.visible_to(request.user).filter(pk=pk).exists():
        audit.record(request, "denied", object_type="worklist", object_id=pk, summary=audit.msg(gettext_noop("Worklist outside the officer's area")))
        raise PermissionDenied
    return wl


@login_required
def worklist(request, pk):
    wl = _worklist_for(request, pk)
    items = list(wl.items.select_related("vessel", "owner", "answered_by").order_by("state", "id"))
    pending = set(IdentityChange.objects.filter(state=ChangeState.PENDING, owner_id__in=[i.owner_id for i in items])
                  .values_list("owner_id", flat=True))
    for it in items:
        it.pending = it.owner_id in pending
        it.message = capfirst(answer_message(it)) if it.result_code else it.answer_result
        it.level = {messages.ERROR: "error", messages.WARNING: "warning"}.get(_RESULT_LEVEL.get(it.result_code), "")
    audit.record(request, "view", object_type="worklist", object_id=wl.pk,
                 summary=audit.msg(gettext_noop("Viewed worklist %(title)s"),
                                   title=audit.in_site_language(lambda: files.worklist_title(wl))),
                 detail={"items": len(items)})
    return render(request, "sync/worklist.html", {
        "wl": wl, "items": items, "title": files.worklist_title(wl), "today": timezone.localdate(),
        "open_n": sum(1 for i in items if i.state in actions.OPEN_STATES),
        "outcomes": AnswerOutcome.choices,
    })


# The banner of an answer: an error is an error (red), a CCCD right but with no owner to attach it to is a
# warning, a verification or a reported outcome is a success. The words come from the code, translated here.
_RESULT_LEVEL = {AnswerResult.VERIFIED: messages.SUCCESS, AnswerResult.REPORTED: messages.SUCCESS,
                 AnswerResult.NO_OWNER: messages.WARNING, AnswerResult.PENDING: messages.WARNING,
                 AnswerResult.OTHER_PERSON: messages.ERROR, AnswerResult.NOT_FOUND: messages.ERROR,
                 AnswerResult.MISMATCH: messages.ERROR}


def answer_message(item: WorklistItem) -> str:
    """What an answer came to, in the officer's language (the stored answer_result stays Vietnamese)."""
    if item.result_code == AnswerResult.REPORTED:
        text = _("answer recorded: %(outcome)s") % {"outcome": item.get_outcome_display()}
    else:
        text = str(item.get_result_code_display() or item.answer_result)
    if item.answer_cccd_typed:
        text += " " + _("(the leading zero Excel dropped was restored: %(typed)s → %(cccd)s)") % {
            "typed": item.answer_cccd_typed, "cccd": item.answer_cccd}
    return text


@require_POST
@login_required
def answer(request, pk, item_pk):
    wl = _worklist_for(request, pk)
    item = get_object_or_404(WorklistItem, pk=item_pk, worklist=wl)
    try:
        item = actions.answer_item(request, item, request.POST.get("cccd", ""), request.POST.get("name", ""),
                                   request.POST.get("birth_date", ""), request.POST.get("note", ""),
                                   outcome=request.POST.get("outcome", "") or AnswerOutcome.CCCD)
    except actions.ActionError as exc:
        messages.error(request, _("Vessel %(reg)s: %(msg)s") % {"reg": item.vessel.registration_number, "msg": exc})
    else:
        messages.add_message(request, _RESULT_LEVEL.get(item.result_code, messages.INFO),
                             _("Vessel %(reg)s: %(msg)s") % {"reg": item.vessel.registration_number,
                                                             "msg": answer_message(item)})
    return redirect("sync-worklist", pk=wl.pk)


@require_POST
@login_required
def upload(request, pk):
    wl = _worklist_for(request, pk)
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("No file chosen."))
        return redirect("sync-worklist", pk=wl.pk)
    try:
        rows = files.read_answers(f.read())
    except ValueError as exc:
        messages.error(request, _("%(file)s: %(msg)s") % {"file": f.name, "msg": exc})
        return redirect("sync-worklist", pk=wl.pk)
    items = {i.pk: i for i in wl.items.select_related("vessel", "owner")}
    resolved = answered = reported = 0
    problems, repaired = [], []
    for row in rows:
        item = items.get(row["item"])
        where = {"file": f.name, "row": row["row"]}
        if item is None:
            problems.append(_("%(file)s, row %(row)s: item %(item)s is not on this list") % {**where, "item": row["item"]})
            continue
        where["reg"] = item.vessel.registration_number
        if row["error"]:
            problems.append(_("%(file)s, row %(row)s (%(reg)s): %(msg)s") % {**where, "msg": row["error"]})
            continue
        if item.state == WorkItemState.RESOLVED:
            continue
        try:
            item = actions.answer_item(request, item, row["cccd"], row["name"], row["birth_date"], row["note"],
                                       via="upload", outcome=row["outcome"])
        except actions.CheckLimitReached as exc:  # the rows after this one are not checked either
            problems.insert(0, _("%(file)s, row %(row)s (%(reg)s) and the rows after it: %(msg)s") % {**where, "msg": exc})
            break
        except actions.ActionError as exc:
            column = files.OUTCOME_HEADER if row["outcome"] != AnswerOutcome.CCCD else "CCCD đúng (12 số)"
            problems.append(_("%(file)s, row %(row)s, column “%(column)s” (%(reg)s): %(msg)s")
                            % {**where, "column": column, "msg": exc})
            continue
        answered += 1
        resolved += item.state == WorkItemState.RESOLVED
        reported += item.state == WorkItemState.REPORTED
        if item.answer_cccd_typed:
            repaired.append(_("%(file)s, row %(row)s (%(reg)s): the leading zero Excel dropped was restored "
                              "(%(typed)s → %(cccd)s)") % {**where, "typed": item.answer_cccd_typed, "cccd": item.answer_cccd})
    audit.record(request, "import", object_type="worklist", object_id=wl.pk,
                 summary=audit.msg(gettext_noop("Uploaded answers: %(file)s"), file=f.name),
                 detail={"answered": answered, "resolved": resolved, "reported": reported, "problems": problems[:50]})
    unmatched = answered - resolved - reported
    level = messages.SUCCESS if not problems and not unmatched else messages.WARNING
    messages.add_message(request, level, _(
        "%(answered)d answers read: %(resolved)d vessels verified, %(reported)d reported moved away, deceased or "
        "sold, %(unmatched)d not matching.") % {"answered": answered, "resolved": resolved, "reported": reported,
                                                "unmatched": unmatched})
    for r in repaired[:20]:
        messages.info(request, r)
    for p in problems[:20]:
        messages.error(request, p)
    if len(problems) > 20:
        messages.error(request, _("… and %(n)d more rows with problems.") % {"n": len(problems) - 20})
    return redirect("sync-worklist", pk=wl.pk)


@login_required
def worklist_file(request, pk, fmt):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    wl = _worklist_for(request, pk)
    name = f"danh-sach-{wl.kind}-{wl.commune_code or 'tinh'}-{wl.pk}"
    audit.record(request, "export", object_type="worklist", object_id=wl.pk,
                 summary=audit.msg(gettext_noop("Downloaded worklist %(title)s as %(fmt)s"), fmt=fmt,
                                   title=audit.in_site_language(lambda: files.worklist_title(wl))))
    if fmt == "xlsx":
        resp = HttpResponse(files.worklist_xlsx(wl),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        resp = HttpResponse(files.worklist_pdf(wl), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@province_only
def reminders(request):
    if request.method == "POST":
        if request.POST.get("retry"):
            done = actions.retry_reminders(request)
            sent = sum(1 for m in done if m.status == "sent")
            level = messages.SUCCESS if sent == len(done) else messages.ERROR
            messages.add_message(request, level, _("%(sent)d of %(n)d failed reminders sent again.")
                                 % {"sent": sent, "n": len(done)})
            return redirect("sync-reminders")
        if (pk := whole_number(request.POST.get("worklist"))) is None:
            raise Http404
        wl = get_object_or_404(Worklist, pk=pk)
        try:
            message = actions.remind(request, wl)
        except actions.ActionError as exc:
            messages.error(request, _("%(title)s: %(msg)s") % {"title": files.worklist_title(wl), "msg": exc})
            return redirect("sync-reminders")
        if message.status == "sent":
            messages.success(request, _("Reminder sent to %(to)s: %(title)s.")
                             % {"to": ", ".join(message.recipients), "title": files.worklist_title(wl)})
        else:
            messages.error(request, _("The reminder to %(title)s could not be sent (%(error)s); it will be retried.")
                           % {"title": files.worklist_title(wl), "error": message.last_error})
        return redirect("sync-reminders")
    from django.db.models import Count, Q

    from lienthong.notify.models import Message

    today = timezone.localdate()
    overdue = actions.overdue_worklists(today).annotate(
        open_n=Count("items", filter=Q(items__state__in=actions.OPEN_STATES)))
    soon = (Worklist.objects.filter(deadline__gte=today, deadline__lte=today + timezone.timedelta(days=3),
                                    items__state__in=actions.OPEN_STATES).distinct()
            .annotate(open_n=Count("items", filter=Q(items__state__in=actions.OPEN_STATES))))
    overdue = list(overdue)
    last = {}
    for m in Message.objects.filter(ref__in=[f"worklist:{wl.pk}" for wl in overdue]).order_by("created_at", "id"):
        last[m.ref] = m
    rows = [(wl, files.worklist_title(wl), (today - wl.deadline).days, last.get(f"worklist:{wl.pk}")) for wl in overdue]
    sent = Message.objects.filter(ref__startswith="worklist:").select_related("created_by")[:30]
    return render(request, "sync/reminders.html", {
        "rows": rows, "soon": [(wl, files.worklist_title(wl)) for wl in soon], "today": today, "sent": sent,
        "failed_n": Message.objects.filter(status="failed", retryable=True).count(),
    })


@login_required
def worklists_zip(request):
    """Every worklist the officer may see that still has open vessels (or all of them: ?all=1), as one zip of
    Excel and PDF files."""
    qs = Worklist.objects.visible_to(request.user)
    if not is_province(request.user) and not request.user.is_area_scoped:
        raise PermissionDenied
    if not request.GET.get("all"):
        qs = qs.filter(items__state__in=actions.OPEN_STATES).distinct()
    worklists = list(qs.order_by("kind", "commune_code", "pk"))
    if not worklists:
        messages.info(request, _("No list to download."))
        return redirect("sync-worklists")
    data = files.worklists_zip(worklists)
    audit.record(request, "export", object_type="worklist", object_id=worklists[0].pk,
                 summary=audit.msg(gettext_noop("Downloaded %(n)s worklists in one zip"), n=len(worklists)),
                 detail={"worklists": [w.pk for w in worklists]})
    resp = HttpResponse(data, content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="danh-sach-xac-minh-{timezone.localdate():%Y%m%d}.zip"'
    return resp


# --- export ------------------------------------------------------------------------------------------------
@province_only
def exports(request):
    if request.method == "POST":
        export = actions.build_export(request)
        if export is None:
            messages.info(request, _("Nothing has changed since the previous export."))
        else:
            messages.success(request, _("Export %(n)s created: %(rows)s vessels.") % {"n": export.pk, "rows": export.rows})
        return redirect("sync-exports")
    return render(request, "sync/exports.html", {"exports": Export.objects.all()[:50],
                                                 "pending": len(actions.pending_export_lines())})


@province_only
def export_file(request, pk, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    export = get_object_or_404(Export, pk=pk)
    audit.record(request, "export", object_type="sync_export", object_id=export.pk,
                 summary=audit.msg(gettext_noop("Downloaded export %(id)s (%(fmt)s)"), id=export.pk, fmt=fmt))
    name = f"vnfishbase-cap-nhat-{export.pk}-{export.created_at:%Y%m%d}"
    if fmt == "xlsx":
        resp = HttpResponse(files.export_xlsx(export),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        resp = HttpResponse(files.export_csv(export), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


# --- pending identity changes (two-person rule) -----------------------------------------------------------
@login_required
def identity_change_list(request):
    """“Chờ duyệt”: the changes of resolved identities the officer may approve or reject (their own shown, not
    decidable)."""
    if not is_province(request.user) and not request.user.is_area_scoped:
        raise PermissionDenied
    rows = [(c, identity_changes.can_decide(request.user, c)) for c in identity_changes.pending_visible_to(request.user)]
    if rows:
        audit.record(request, "view", object_type="identity_change",
                     summary=audit.msg(gettext_noop("Viewed %(n)s identity changes awaiting approval"), n=len(rows)),
                     detail={"changes": [c.pk for c, _d in rows]})
    return render(request, "sync/identity_changes.html", {"rows": rows})


@require_POST
@login_required
def identity_change_decide(request, pk, op):
    if op not in ("approve", "reject"):
        raise Http404
    change = get_object_or_404(IdentityChange, pk=pk)
    decide = identity_changes.approve if op == "approve" else identity_changes.reject
    try:
        decide(request, change, request.POST.get("note", ""))
    except actions.ActionError as exc:
        if not IdentityChange.objects.visible_to(request.user).filter(pk=pk).exists():
            raise PermissionDenied from exc  # out of the officer's reach (the refusal is audited)
        messages.error(request, str(exc))
    else:
        reg = change.vessel.registration_number if change.vessel_id else "—"
        messages.success(request, (_("Change approved and applied: vessel %(reg)s.") if op == "approve"
                                   else _("Change rejected: the identity of vessel %(reg)s stays as it was."))
                         % {"reg": reg})
    return redirect("sync-identity-changes")

"""The write paths of the campaign: review decisions, worklists, answers, exports. Every one audited."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lienthong.accounts import audit
from lienthong.fleet.models import Owner, Vessel, VesselChange
from lienthong.geo.address import resolve
from lienthong.identity.cccd import parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.text import nfc
from lienthong.sync import identity_changes
from lienthong.sync.answer_checks import check_answer
from lienthong.sync.errors import ActionError, CheckLimitReached
from lienthong.sync.models import (
    AnswerOutcome,
    AnswerResult,
    Export,
    ExportLine,
    IdentityChange,
    IdentityDecision,
    ReviewState,
    SyncItem,
    WorkItemState,
    Worklist,
    WorklistItem,
    WorklistKind,
)

if TYPE_CHECKING:
    from lienthong.notify.models import Message

__all__ = ["ActionError", "CheckLimitReached"]  # re-exported: views and tests catch them from here

UNRESOLVED = ("not_found", "no_data", "conflict")
LINKED = ("verified", "matched")
OPEN_STATES = (WorkItemState.OPEN, WorkItemState.ANSWERED)


def _user(request_or_user):
    return getattr(request_or_user, "user", request_or_user)


def _set_verified(owner: Owner, cccd: str, name: str, now) -> None:
    owner.identity_status, owner.verified_cccd, owner.verified_name, owner.verified_at = "verified", cccd, name, now
    owner.save(update_fields=["identity_status", "verified_cccd", "verified_name", "verified_at", "updated_at"])


# --- review queue ----------------------------------------------------------------------------------
REVIEW_PAGE_SIZE = 100


def review_queue_ids() -> list[int]:
    """Open proposals, one per owner (the newest run's), oldest owner first: their sync item ids."""
    newest = {}
    for pk, owner_id in (SyncItem.objects.filter(review=ReviewState.OPEN).order_by("owner_id", "-run_id", "vessel_id")
                         .values_list("pk", "owner_id")):
        newest.setdefault(owner_id, pk)
    return list(newest.values())


def review_queue(limit: int = REVIEW_PAGE_SIZE, offset: int = 0):
    """(one slice of the queue, the true number of owners awaiting review)."""
    ids = review_queue_ids()
    return (SyncItem.objects.filter(pk__in=ids).select_related("owner", "vessel").order_by("owner_id")
            [offset:offset + limit], len(ids))


def review_page(number, per_page: int | None = None):
    """The queue as Django pages (page.paginator.count is the true count, never the page's)."""
    from django.core.paginator import Paginator

    per_page = per_page or REVIEW_PAGE_SIZE
    items = SyncItem.objects.filter(pk__in=review_queue_ids()).select_related("owner", "vessel").order_by("owner_id")
    return Paginator(items, per_page).get_page(number)


_identity_state = identity_changes.identity_state


def decide_review(request_or_user, item: SyncItem, action: str, cccd: str | None = None
                  ) -> IdentityDecision | IdentityChange:
    """confirm (the preselected candidate: only when the engine's threshold is reached), choose
    (a candidate: cccd), reject (nobody). Returns the decision, which keeps what it replaced (undo); or, when
    it would change an identity already resolved, the pending change a second officer decides."""
    from lienthong.sync.explain import default_candidate

    now = timezone.now()
    with transaction.atomic():
        item = SyncItem.objects.select_for_update(of=("self",)).select_related("owner", "vessel").get(pk=item.pk)
        if item.review != ReviewState.OPEN or item.owner is None:
            raise ActionError(_("This proposal has already been decided."))
        owner = Owner.objects.select_for_update().get(pk=item.owner_id)
        cands = {c["cccd"]: c for c in item.candidates}
        if action == "confirm":
            default = default_candidate(item.candidates)
            if default is None:
                raise ActionError(_("No candidate reaches the threshold for an automatic link: choose one."))
            cccd = default["cccd"]
        if action in ("confirm", "choose"):
            if not cccd or cccd not in cands:
                raise ActionError(_("The person chosen is not among the candidates."))
            after = {"identity_status": "verified", "verified_cccd": cccd, "verified_name": cands[cccd]["name"]}
        elif action == "reject":
            cccd = ""
            after = {"identity_status": "conflict" if item.status == "conflict" else "not_found",
                     "verified_cccd": "", "verified_name": ""}
        else:
            raise ActionError(_("Unknown action."))
        if identity_changes.needs_approval(owner, after["identity_status"], cccd):
            return identity_changes.request(request_or_user, owner, via="review", action=action, after=after,
                                            params={"sync_item": item.pk, "cccd": cccd}, vessel=item.vessel)
        return _apply_review(request_or_user, item, owner, action, cccd, _user(request_or_user), now)


def _apply_review(request_or_user, item: SyncItem, owner: Owner, action: str, cccd: str, user, now
                  ) -> IdentityDecision:
    """A review decision's effect (inside the caller's transaction, item and owner locked); `user` decided."""
    previous = _identity_state(owner)
    if action in ("confirm", "choose"):
        name = next(c["name"] for c in item.candidates if c["cccd"] == cccd)
        _set_verified(owner, cccd, name, now)
        item.review = ReviewState.CONFIRMED
    else:
        owner.identity_status = "conflict" if item.status == "conflict" else "not_found"
        owner.verified_cccd, owner.verified_name, owner.verified_at = "", "", None
        owner.save(update_fields=["identity_status", "verified_cccd", "verified_name", "verified_at", "updated_at"])
        item.review = ReviewState.REJECTED
    item.save(update_fields=["review"])
    others = SyncItem.objects.filter(owner=owner, review=ReviewState.OPEN).exclude(pk=item.pk)
    previous["reopen"] = list(others.values_list("pk", flat=True))
    others.update(review="")
    decision = IdentityDecision.objects.create(owner=owner, user=user, at=now, via="review", action=action,
                                               cccd=cccd, status=owner.identity_status, sync_item=item,
                                               previous=previous)
    audit.record(request_or_user, "update", object_type="owner", object_id=owner.pk,
                 summary=audit.msg(gettext_noop("Owner identity review %(reg)s: %(action)s"), reg=item.vessel.registration_number,
                                   action=action),
                 detail={"action": action, "cccd": cccd, "status": owner.identity_status, "sync_item": item.pk,
                         "proposed": item.person_cccd, "decision": decision.pk, "previous": previous})
    return decision


def can_undo(user, decision: IdentityDecision) -> bool:
    """Who may undo: the officer who decided, or an administrator."""
    return bool(user.is_superuser or user.role == "admin" or decision.user_id == user.pk)


def undo_decision(request_or_user, decision: IdentityDecision) -> IdentityDecision | IdentityChange:
    """Put the owner's identity and the proposal back exactly as they were before a review decision.

    Refused when it is not the owner's latest decision or the owner's identity changed since (a
    worklist answer, an edit): undoing would then overwrite what came after. Undoing a decision that left
    the owner verified changes a resolved identity: it becomes a pending change for a second officer."""
    user = _user(request_or_user)
    now = timezone.now()
    with transaction.atomic():
        decision = IdentityDecision.objects.select_for_update().get(pk=decision.pk)
        _check_undoable(decision)
        if not can_undo(user, decision):
            raise ActionError(_("Only the officer who decided or an administrator can undo this decision."))
        owner = Owner.objects.select_for_update().get(pk=decision.owner_id)
        _check_undoable(decision, owner)
        prev = decision.previous
        if identity_changes.needs_approval(owner, prev["identity_status"], prev["verified_cccd"]):
            return identity_changes.request(
                request_or_user, owner, via="undo", action="undo", params={"decision": decision.pk},
                after={k: prev[k] for k in ("identity_status", "verified_cccd", "verified_name")},
                vessel=decision.sync_item.vessel)
        return _apply_undo(request_or_user, decision, owner, user, now)


def _check_undoable(decision: IdentityDecision, owner: Owner | None = None) -> None:
    if decision.via != "review" or decision.sync_item_id is None or not decision.previous:
        raise ActionError(_("Only review decisions can be undone."))
    if decision.undone:
        raise ActionError(_("This decision has already been undone."))
    if owner is None:
        return
    later = IdentityDecision.objects.filter(owner=owner, undone_at__isnull=True).exclude(pk=decision.pk) \
        .filter(Q(at__gt=decision.at) | Q(at=decision.at, pk__gt=decision.pk)).exists()
    if later or (owner.identity_status, owner.verified_cccd) != (decision.status, decision.cccd):
        raise ActionError(_("The owner's identity has changed since this decision; it can no longer be undone."))


def _apply_undo(request_or_user, decision: IdentityDecision, owner: Owner, user, now) -> IdentityDecision:
    """An undo's effect (inside the caller's transaction, decision and owner locked); `user` undid it."""
    after = _identity_state(owner)
    prev = decision.previous
    owner.identity_status, owner.verified_cccd, owner.verified_name = (
        prev["identity_status"], prev["verified_cccd"], prev["verified_name"])
    owner.verified_at = parse_datetime(prev["verified_at"]) if prev.get("verified_at") else None
    owner.save(update_fields=["identity_status", "verified_cccd", "verified_name", "verified_at", "updated_at"])
    SyncItem.objects.filter(pk=decision.sync_item_id).update(review=ReviewState.OPEN)
    SyncItem.objects.filter(pk__in=prev.get("reopen") or [], review="").update(review=ReviewState.OPEN)
    decision.undone_at, decision.undone_by = now, user
    decision.save(update_fields=["undone_at", "undone_by"])
    reg = decision.sync_item.vessel.registration_number
    audit.record(request_or_user, "update", object_type="owner", object_id=owner.pk,
                 summary=audit.msg(gettext_noop("Undid the review decision on owner %(reg)s: %(action)s"), reg=reg,
                                   action=decision.action),
                 detail={"undo": decision.pk, "action": decision.action, "cccd": decision.cccd,
                         "decided_by": decision.user.username if decision.user else "",
                         "decided_at": decision.at.isoformat(), "undone_state": after, "restored": prev,
                         "sync_item": decision.sync_item_id})
    return decision


def review_decisions():
    """Review decisions, newest first (the decided list)."""
    return (IdentityDecision.objects.filter(via="review").select_related("owner", "user", "undone_by", "sync_item__vessel")
            .order_by("-at", "-id"))


# --- worklists -------------------------------------------------------------------------------------------
def route_commune(owner: Owner | None, vessel: Vessel) -> str:
    """The 2025 commune whose office gets the vessel: the owner's (old address through the conversion
    table); a split old commune goes to the home-port commune when it is one of the candidates, and
    otherwise to the province for triage (""). Vessels without an owner go to the home-port commune."""
    if owner is None:
        return vessel.commune_code or ""
    r = resolve(owner.raw_address or owner.address) if (owner.raw_address or owner.address) else None
    if r is not None and r.status == "resolved" and r.commune_code:
        return r.commune_code
    candidates = list(r.candidates) if r is not None else []
    if candidates:
        return vessel.commune_code if vessel.commune_code in candidates else ""
    return owner.commune_code or vessel.commune_code or ""


# What a listed vessel lacks, as codes (the page translates them) and, for the files sent to communes and the
# stored record, in Vietnamese. "{}" takes the detail (the unusable number, the run's reason).
MISSING_WORDS = {"no_owner": "Tàu chưa có chủ tàu trong sổ", "no_id": "thiếu CCCD", "bad_id": "CCCD không dùng được ({})",
                 "no_birth": "thiếu ngày sinh", "id_of_other": "CCCD ghi trong sổ là của người khác",
                 "not_found": "không tìm thấy trong CSDL dân cư", "reason": "{}", "recheck": "cần xác minh lại"}


def missing_codes(owner: Owner | None, last: SyncItem | None) -> list[list[str]]:
    if owner is None:
        return [["no_owner"]]
    parts = []
    if not owner.id_number:
        parts.append(["no_id"] if not owner.raw_id_number else ["bad_id", owner.raw_id_number])
    if not owner.birth_date and not owner.birth_year:
        parts.append(["no_birth"])
    status = owner.identity_status
    if status == "conflict":
        parts.append(["id_of_other"])
    elif status == "not_found":
        parts.append(["not_found"])
    if last is not None and last.reason and status == "no_data":
        parts.append(["reason", last.reason])
    return parts or [["recheck"]]


def missing_words(codes: list[list[str]]) -> str:
    return "; ".join(dict.fromkeys(MISSING_WORDS[c[0]].format(*c[1:]) for c in codes))


def _missing(owner: Owner | None, last: SyncItem | None) -> str:
    return missing_words(missing_codes(owner, last))


def unresolved_vessels():
    return (Vessel.objects.filter(Q(owner__isnull=True) | Q(owner__identity_status__in=UNRESOLVED))
            .exclude(owner__kind="organisation").select_related("owner"))


def build_worklists(request_or_user, *, deadline_days: int = 14, today: date | None = None) -> list[Worklist]:
    """List every unresolved vessel not yet on an open worklist: to its commune's office, and to the
    police when the ID is missing or belongs to someone else."""
    user = _user(request_or_user)
    today = today or timezone.localdate()
    listed = defaultdict(set)
    # A vessel reported moved away / deceased / sold waits for the registry, not for another list.
    for kind, vessel_id in (WorklistItem.objects.filter(state__in=(*OPEN_STATES, WorkItemState.REPORTED))
                            .values_list("worklist__kind", "vessel_id")):
        listed[kind].add(vessel_id)
    vessels = list(unresolved_vessels())
    last = {}
    for it in (SyncItem.objects.filter(vessel_id__in=[v.pk for v in vessels], state="done")
               .order_by("vessel_id", "-run_id")):
        last.setdefault(it.vessel_id, it)
    groups = defaultdict(list)
    for v in vessels:
        commune = route_commune(v.owner, v)
        if v.pk not in listed[WorklistKind.COMMUNE]:
            groups[(WorklistKind.COMMUNE, commune)].append(v)
        police = v.owner is None or v.owner.identity_status == "conflict" or not v.owner.id_number
        if police and v.pk not in listed[WorklistKind.POLICE]:
            groups[(WorklistKind.POLICE, commune)].append(v)
    made = []
    with transaction.atomic():
        for (kind, commune), vs in sorted(groups.items()):
            wl = Worklist.objects.create(kind=kind, commune_code=commune, created_by=user,
                                         deadline=today + timedelta(days=deadline_days))
            WorklistItem.objects.bulk_create([
                WorklistItem(worklist=wl, vessel=v, owner=v.owner,
                             problem=v.owner.identity_status if v.owner else "no_data",
                             missing=missing_words(codes := missing_codes(v.owner, last.get(v.pk))),
                             missing_codes=codes) for v in vs])
            made.append(wl)
        if made:
            audit.record(request_or_user, "create", object_type="worklist", object_id=made[0].pk,
                         summary=audit.msg(gettext_noop("Made %(n)s worklists for communes and police"), n=len(made)),
                         detail={"worklists": [w.pk for w in made], "items": sum(len(v) for v in groups.values())})
    return made


def population_source():
    """The process's shared source for answers (see population.provider.answers_source)."""
    from lienthong.population.provider import answers_source

    return answers_source()


def _birth_iso(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    p = parse_date(text)
    if p is None or p.year is None:
        raise ActionError(f"Ngày sinh không đọc được: {text}")
    return p.date.isoformat() if p.precision == "day" and p.date else str(p.year)


def clean_answer_cccd(typed: str) -> tuple[str, str]:
    """(12-digit CCCD, repair note) from what a commune typed or its Excel kept. The same reading as the
    registry import (identity.cccd.parse_id_number): an 11-digit number whose leading zero Excel dropped
    is repaired, and the repair is said; anything else that is not a valid 12-digit CCCD is refused."""
    check = parse_id_number(typed)
    if check.code == "missing":
        raise ActionError("Chưa nhập CCCD.")
    if not check.valid or check.kind != "cccd" or not check.digits or len(check.digits) != 12:
        reason = check.reason if not check.valid else "CCCD phải gồm đúng 12 chữ số"
        raise ActionError(f"CCCD {str(typed).strip()}: {reason}.")
    return check.digits, (check.reason if check.code == "lost_leading_zero_repaired" else "")


def _record_in_history(item: WorklistItem, user, old_status: str, new_status: str, answer: str, note: str) -> None:
    """The answer in the vessel's history of changes, beside the imports and edits (the owner's history)."""
    changes = {"owner.identity_answer": [None, answer]}
    if note:
        changes["owner.identity_note"] = [None, note]
    if old_status != new_status:
        changes["owner.identity_status"] = [old_status, new_status]
    VesselChange.objects.create(vessel=item.vessel, user=user, kind="updated", changes=changes)


def answer_item(request_or_user, item: WorklistItem, cccd: str = "", name: str = "", birth_date: str = "",
                note: str = "", via: str = "worklist", source=None, outcome: str = AnswerOutcome.CCCD) -> WorklistItem:
    """Record an answer. A CCCD is checked at once against the population source, and the answer says only
    whether it fits the owner on the list (sync.answer_checks: audited, limited per officer per day); "moved
    away", "deceased" and "vessel sold" (each with a note) close the item for the commune and tell the
    registry. A CCCD that would change an identity already resolved waits for a second officer."""
    outcome = outcome or AnswerOutcome.CCCD
    if outcome not in AnswerOutcome.values:
        raise ActionError("Kết quả trả lời không hợp lệ.")
    note = nfc((note or "").strip())
    if outcome != AnswerOutcome.CCCD:
        return _report_outcome(request_or_user, item, outcome, note, via)
    user = _user(request_or_user)
    typed = (cccd or "").strip()
    cccd, repair = clean_answer_cccd(typed)
    name = nfc((name or "").strip())
    birth = _birth_iso(birth_date)
    item = WorklistItem.objects.select_related("owner", "vessel", "worklist").get(pk=item.pk)
    owner = item.owner
    check = check_answer(request_or_user, item, cccd, name, birth, source or population_source())
    now = timezone.now()
    with transaction.atomic():
        item = WorklistItem.objects.select_for_update(of=("self",)).select_related("vessel", "worklist").get(pk=item.pk)
        item.answer_cccd, item.answer_name, item.answer_birth_date, item.answer_note = cccd, name, birth_date.strip(), note
        item.answer_cccd_typed = typed if repair else ""
        item.outcome = AnswerOutcome.CCCD
        item.answered_by, item.answered_at = user, now
        old_status = owner.identity_status if owner else "no_data"
        if check.fits and owner is not None:
            owner = Owner.objects.select_for_update().get(pk=owner.pk)
            old_status = owner.identity_status
            person = check.person
            if identity_changes.needs_approval(owner, "verified", person.cccd):
                identity_changes.request(
                    request_or_user, owner, via=via, action="answer", note=note, vessel=item.vessel,
                    after={"identity_status": "verified", "verified_cccd": person.cccd, "verified_name": person.full_name},
                    params={"worklist_item": item.pk}, kind=item.worklist.kind, commune_code=item.worklist.commune_code)
                item.state, item.result_code = WorkItemState.ANSWERED, AnswerResult.PENDING
                item.answer_result = "CCCD khớp chủ tàu; thay đổi danh tính đã xác minh chờ cán bộ thứ hai duyệt"
            else:
                _resolve_by_answer(item, owner, person.cccd, person.full_name, user, via, note, now)
        elif check.fits:
            item.state, item.result_code = WorkItemState.ANSWERED, AnswerResult.NO_OWNER
            item.answer_result = "CCCD đúng, nhưng tàu chưa có chủ trong sổ: cần cập nhật sổ"
        else:
            # One result whether nobody or someone else holds the number: the form is no population lookup.
            item.state, item.result_code = WorkItemState.ANSWERED, AnswerResult.MISMATCH
            item.answer_result = "CCCD không khớp chủ tàu trong danh sách (họ tên, ngày sinh)"
        if repair:
            item.answer_result = f"{item.answer_result} ({repair}: {typed} → {cccd})"[:255]
        item.save()
        new_status = owner.identity_status if owner else "no_data"
        _record_in_history(item, user, old_status, new_status, item.answer_result, note)
        audit.record(request_or_user, "update", object_type="owner", object_id=owner.pk if owner else "",
                     summary=audit.msg(gettext_noop("Worklist answer, vessel %(reg)s: %(state)s"),
                                       reg=item.vessel.registration_number, state=audit.in_site_language(item.get_state_display)),
                     detail={"worklist_item": item.pk, "via": via, "outcome": item.outcome, "cccd": cccd,
                             "cccd_typed": typed if repair else None, "result": item.result_code, "note": note})
    return item


def _resolve_by_answer(item: WorklistItem, owner: Owner, cccd: str, name: str, user, via: str, note: str, now) -> None:
    """An answer that fits verifies the owner (inside the caller's transaction, owner locked); `user` answered."""
    _set_verified(owner, cccd, name, now)
    IdentityDecision.objects.create(owner=owner, user=user, at=now, via=via, action="answer", cccd=cccd,
                                    status="verified", outcome=AnswerOutcome.CCCD, note=note)
    item.state, item.result_code = WorkItemState.RESOLVED, AnswerResult.VERIFIED
    item.answer_result = f"Đã xác minh: {name}"
    # The same owner on other lists (police, other vessels) is resolved too.
    (WorklistItem.objects.filter(owner=owner, state__in=OPEN_STATES).exclude(pk=item.pk)
     .update(state=WorkItemState.RESOLVED, result_code=AnswerResult.VERIFIED_ELSEWHERE,
             answer_result="Đã xác minh qua danh sách khác", answered_at=now))
    SyncItem.objects.filter(owner=owner, review=ReviewState.OPEN).update(review="")


# --- approved identity changes (sync.identity_changes.approve calls these; the owner is locked) ---------
def _approve_answer(request_or_user, change: IdentityChange, owner: Owner, now) -> dict:
    item = WorklistItem.objects.select_for_update(of=("self",)).select_related("vessel").get(
        pk=change.params["worklist_item"])
    old_status = owner.identity_status
    _resolve_by_answer(item, owner, change.after["verified_cccd"], change.after["verified_name"], change.requested_by,
                       change.via, change.note, now)
    item.save()
    _record_in_history(item, _user(request_or_user), old_status, owner.identity_status, item.answer_result, change.note)
    return {"worklist_item": item.pk}


def _approve_review(request_or_user, change: IdentityChange, owner: Owner, now) -> dict:
    item = SyncItem.objects.select_for_update(of=("self",)).select_related("vessel").get(pk=change.params["sync_item"])
    if item.review != ReviewState.OPEN:
        raise ActionError(_("This proposal has already been decided."))
    decision = _apply_review(request_or_user, item, owner, change.action, change.params["cccd"], change.requested_by,
                             now)
    return {"decision": decision.pk}


def _approve_undo(request_or_user, change: IdentityChange, owner: Owner, now) -> dict:
    decision = IdentityDecision.objects.select_for_update().get(pk=change.params["decision"])
    _check_undoable(decision, owner)
    _apply_undo(request_or_user, decision, owner, change.requested_by, now)
    return {"undone": decision.pk}


def _approve_edit(request_or_user, change: IdentityChange, owner: Owner, now) -> dict:
    after = change.after
    owner.identity_status, owner.verified_cccd, owner.verified_name = (
        after["identity_status"], after["verified_cccd"], after["verified_name"])
    owner.verified_at = now if after["verified_cccd"] else None
    owner.save(update_fields=["identity_status", "verified_cccd", "verified_name", "verified_at", "updated_at"])
    IdentityDecision.objects.create(owner=owner, user=change.requested_by, at=now, via="admin", action="edit",
                                    cccd=after["verified_cccd"], status=after["identity_status"], note=change.note)
    return {}


APPLY = {"answer": _approve_answer, "confirm": _approve_review, "choose": _approve_review,
         "reject": _approve_review, "undo": _approve_undo, "edit": _approve_edit}


# Vietnamese words of the coded outcomes, for the stored record (answer_result, history): the record keeps
# the language it was made in; pages translate the code.
_OUTCOME_RECORD = {AnswerOutcome.MOVED_AWAY: "Đã chuyển đi nơi khác", AnswerOutcome.DECEASED: "Chủ tàu đã chết",
                   AnswerOutcome.SOLD: "Chủ tàu đã bán tàu"}


def _report_outcome(request_or_user, item: WorklistItem, outcome: str, note: str, via: str) -> WorklistItem:
    if not note:
        raise ActionError("Cần ghi chú kèm theo (chuyển đi đâu, mất năm nào, bán cho ai…).")
    user = _user(request_or_user)
    now = timezone.now()
    with transaction.atomic():
        item = WorklistItem.objects.select_for_update(of=("self",)).select_related("vessel", "owner").get(pk=item.pk)
        if item.state == WorkItemState.RESOLVED:
            raise ActionError("Tàu này đã được xác minh.")
        item.outcome, item.answer_note, item.answered_by, item.answered_at = outcome, note, user, now
        item.answer_cccd = item.answer_name = item.answer_birth_date = item.answer_cccd_typed = ""
        item.state, item.result_code = WorkItemState.REPORTED, AnswerResult.REPORTED
        item.answer_result = _OUTCOME_RECORD[outcome]
        item.save()
        owner = item.owner
        status = owner.identity_status if owner else "no_data"
        if owner is not None:
            IdentityDecision.objects.create(owner=owner, user=user, at=now, via=via, action="report", status=status,
                                            outcome=outcome, note=note)
        _record_in_history(item, user, status, status, item.answer_result, note)
        audit.record(request_or_user, "update", object_type="owner", object_id=owner.pk if owner else "",
                     summary=audit.msg(gettext_noop("Worklist answer, vessel %(reg)s: %(state)s"),
                                       reg=item.vessel.registration_number, state=audit.in_site_language(lambda: item.answer_result)),
                     detail={"worklist_item": item.pk, "via": via, "outcome": outcome, "result": item.result_code,
                             "note": note})
    return item


def reminder_recipients(worklist: Worklist) -> list[str]:
    """The officers who answer the list: active accounts of the list's kind (commune officers or police)
    whose area holds its commune; their e-mail address, else their login name (the outbox shows it)."""
    from lienthong.accounts.models import User

    users = User.objects.filter(is_active=True, role=worklist.kind, area_scopes__commune_code=worklist.commune_code)
    return sorted({u.email or u.username for u in users.distinct()})


def _reminder_text(worklist: Worklist, open_n: int) -> tuple[str, str]:
    """Subject and text in Vietnamese: the message is a record sent to a Vietnamese office."""
    from django.conf import settings
    from django.utils import translation

    from lienthong.sync.files import worklist_title

    with translation.override("vi"):
        title = worklist_title(worklist)
    deadline = worklist.deadline.strftime("%d/%m/%Y")
    late = (timezone.localdate() - worklist.deadline).days
    when = f"đã quá hạn {late} ngày (hạn {deadline})" if late > 0 else f"hạn trả lời {deadline}"
    subject = f"Nhắc hạn: danh sách tàu cá cần bổ sung thông tin chủ tàu — {title}"
    body = (f"Kính gửi {title},\n\n{settings.AGENCY_NAME} đề nghị quý cơ quan trả lời danh sách số {worklist.pk}: "
            f"còn {open_n} tàu chưa có trả lời, {when}.\n"
            "Vui lòng trả lời từng tàu trên trang danh sách, hoặc điền tệp Excel và tải lên.\n")
    return subject[:200], body


def remind(request_or_user, worklist: Worklist) -> Message:
    """Send a reminder to the officers of the list through the notification adapter. The message record
    (notify.Message, ref "worklist:<pk>") keeps when, to whom and the delivery result; the list counts
    only reminders that were delivered. Refused when nobody can receive it."""
    from lienthong.notify import services as notify

    to = reminder_recipients(worklist)
    if not to:
        raise ActionError("Chưa có tài khoản cán bộ nào nhận danh sách này: không gửi được lời nhắc.")
    open_n = worklist.items.filter(state__in=OPEN_STATES).count()
    subject, body = _reminder_text(worklist, open_n)
    message = notify.send(request_or_user, to=to, subject=subject, body=body, ref=f"worklist:{worklist.pk}")
    mark_reminded(message)
    audit.record(request_or_user, "update", object_type="worklist", object_id=worklist.pk,
                 summary=audit.msg(gettext_noop("Deadline reminder, worklist %(kind)s %(area)s: %(status)s"),
                                   kind=audit.in_site_language(worklist.get_kind_display),
                                   area=worklist.commune_code or audit.in_site_language(gettext_lazy("the province")),
                                   status=audit.in_site_language(message.get_status_display)),
                 detail={"message": message.pk, "recipients": to, "status": message.status, "error": message.last_error})
    return message


def mark_reminded(message) -> None:
    """A delivered reminder counts on its worklist (when it was sent, how many times)."""
    if message.status != "sent" or not message.ref.startswith("worklist:"):
        return
    Worklist.objects.filter(pk=int(message.ref.split(":", 1)[1])).update(
        last_reminded_at=message.sent_at, reminders=F("reminders") + 1)


def retry_reminders(request_or_user=None) -> list:
    """Send the failed reminders again (job worker, or the button on the reminders page)."""
    from lienthong.notify import services as notify

    done = notify.retry_failed()
    for message in done:
        mark_reminded(message)
    return done


def overdue_worklists(today: date | None = None):
    today = today or timezone.localdate()
    return (Worklist.objects.filter(deadline__lt=today, items__state__in=OPEN_STATES).distinct()
            .order_by("deadline", "commune_code"))


# --- export for VNFishbase ------------------------------------------------------------------------------
def pending_export_lines() -> list[tuple[Vessel, str, str]]:
    """(vessel, cccd, name) for each vessel whose verified owner differs from what was last exported."""
    last = {}
    for vessel_id, cccd, name in ExportLine.objects.order_by("export_id", "id").values_list("vessel_id", "cccd", "full_name"):
        last[vessel_id] = (cccd, name)
    out = []
    for v in (Vessel.objects.filter(owner__identity_status__in=LINKED).exclude(owner__verified_cccd="")
              .select_related("owner").order_by("registration_number")):
        now = (v.owner.verified_cccd, v.owner.verified_name)
        if last.get(v.pk) != now:
            out.append((v, *now))
    return out


def build_export(request_or_user) -> Export | None:
    """A new export with only the changes since the previous one; None when nothing changed."""
    with transaction.atomic():
        lines = pending_export_lines()
        if not lines:
            return None
        export = Export.objects.create(created_by=_user(request_or_user), rows=len(lines))
        ExportLine.objects.bulk_create([ExportLine(export=export, vessel=v, registration_number=v.registration_number,
                                                   cccd=c, full_name=n) for v, c, n in lines], batch_size=2000)
        audit.record(request_or_user, "export", object_type="sync_export", object_id=export.pk,
                     summary=audit.msg(gettext_noop("VNFishbase update exported: %(n)s vessels"), n=len(lines)), detail={"rows": len(lines)})
    return export

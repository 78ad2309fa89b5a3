"""The two-person rule for owners' identities (issue 9): once an owner's identity is resolved (verified or
matched against the population database), an officer's change of it (a worklist answer, a review decision,
an undo, an administrator's edit) is not applied at once. It becomes a pending IdentityChange that a
different officer with the same reach approves or rejects; request, approval and rejection are audited.

This module is the one gate: the write paths in sync.actions (and the owner admin in sync.admin) ask
`needs_approval` and call `request`; `approve` applies the change through sync.actions.APPLY.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.fleet.models import Owner
from lienthong.fleet.owner_identity import LINKED
from lienthong.sync.errors import ActionError
from lienthong.sync.models import ChangeState, IdentityChange

OBJECT_TYPE = "identity_change"


def _user(request_or_user):
    return getattr(request_or_user, "user", request_or_user)


def identity_state(owner: Owner) -> dict:
    return {"identity_status": owner.identity_status, "verified_cccd": owner.verified_cccd,
            "verified_name": owner.verified_name,
            "verified_at": owner.verified_at.isoformat() if owner.verified_at else None}


def is_resolved(owner: Owner) -> bool:
    return owner.identity_status in LINKED and bool(owner.verified_cccd)


def needs_approval(owner: Owner, status: str, cccd: str) -> bool:
    """True when the owner's identity is resolved and (status, cccd) would change the person: linking the same
    CCCD again is no change."""
    return is_resolved(owner) and not (status in LINKED and cccd == owner.verified_cccd)


def pending_for(owner_id) -> IdentityChange | None:
    return IdentityChange.objects.filter(owner_id=owner_id, state=ChangeState.PENDING).first()


def _reg(change: IdentityChange) -> str:
    return change.vessel.registration_number if change.vessel_id else f"#{change.owner_id}"


def _detail(change: IdentityChange, **more) -> dict:
    return {"change": change.pk, "owner": change.owner_id, "via": change.via, "action": change.action,
            "before": change.before, "after": change.after, "params": change.params,
            "requested_by": change.requested_by.get_username() if change.requested_by else "", **more}


def request(request_or_user, owner: Owner, *, via: str, action: str, after: dict, params: dict, kind: str = "",
            commune_code: str = "", vessel=None, note: str = "") -> IdentityChange:
    """Record the change as pending (call inside the caller's transaction, the owner's row locked)."""
    if pending_for(owner.pk) is not None:
        raise ActionError(_("A change of this owner's identity is already awaiting approval."))
    change = IdentityChange.objects.create(
        owner=owner, vessel=vessel, kind=kind, commune_code=commune_code or owner.commune_code, via=via,
        action=action, params=params, before=identity_state(owner), after=after, note=note,
        requested_by=_user(request_or_user), requested_at=timezone.now())
    audit.record(request_or_user, "create", object_type=OBJECT_TYPE, object_id=change.pk,
                 summary=audit.msg(gettext_noop("Requested a change of the verified identity of the owner of "
                                                "%(reg)s (awaiting a second officer)"), reg=_reg(change)),
                 detail=_detail(change))
    return change


def can_decide(user, change: IdentityChange) -> bool:
    """Another officer who may see the change (accounts.scopes.visible_identity_changes)."""
    return (change.state == ChangeState.PENDING and change.requested_by_id != getattr(user, "pk", None)
            and IdentityChange.objects.visible_to(user).filter(pk=change.pk).exists())


def _fresh(change: IdentityChange, lock: bool = False) -> IdentityChange:
    qs = IdentityChange.objects.select_related("vessel", "requested_by")
    return (qs.select_for_update(of=("self",)) if lock else qs).get(pk=change.pk)


def _refuse_unless_allowed(request_or_user, change: IdentityChange, verb: str) -> None:
    user = _user(request_or_user)
    if change.state != ChangeState.PENDING:
        raise ActionError(_("This change has already been decided."))
    reason = ""
    if not IdentityChange.objects.visible_to(user).filter(pk=change.pk).exists():
        reason = "scope"
    elif change.requested_by_id == user.pk:
        reason = "same_officer"
    if reason:
        summary = (gettext_noop("Refused to approve a change of the identity of the owner of %(reg)s")
                   if verb == "approve" else
                   gettext_noop("Refused to reject a change of the identity of the owner of %(reg)s"))
        audit.record(request_or_user, "denied", object_type=OBJECT_TYPE, object_id=change.pk,
                     summary=audit.msg(summary, reg=_reg(change)), detail=_detail(change, reason=reason, verb=verb))
        if reason == "same_officer":
            raise ActionError(_("A second officer must decide: you requested this change yourself."))
        raise ActionError(_("This change is outside your area."))


def approve(request_or_user, change: IdentityChange, note: str = "") -> IdentityChange:
    """Apply a pending change: refused to its requester, to officers out of its reach, and when the owner's
    identity moved since the request (the change would overwrite what came after: reject it)."""
    from lienthong.sync.actions import APPLY

    user = _user(request_or_user)
    _refuse_unless_allowed(request_or_user, _fresh(change), "approve")  # outside: the refusal's audit stays
    with transaction.atomic():
        change = _fresh(change, lock=True)
        if change.state != ChangeState.PENDING:
            raise ActionError(_("This change has already been decided."))
        owner = Owner.objects.select_for_update().get(pk=change.owner_id)
        if identity_state(owner) != change.before:
            raise ActionError(_("The owner's identity has changed since this request; reject it and ask again."))
        now = timezone.now()
        applied = APPLY[change.action](request_or_user, change, owner, now)
        change.state, change.decided_by, change.decided_at, change.decision_note = (
            ChangeState.APPROVED, user, now, (note or "").strip())
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        owner.refresh_from_db()
        audit.record(request_or_user, "update", object_type=OBJECT_TYPE, object_id=change.pk,
                     summary=audit.msg(gettext_noop("Approved the change of the identity of the owner of %(reg)s"),
                                       reg=_reg(change)),
                     detail=_detail(change, applied=applied, now=identity_state(owner), note=change.decision_note))
    return change


def reject(request_or_user, change: IdentityChange, note: str = "") -> IdentityChange:
    """Close a pending change without touching the identity (the same reach as approving)."""
    user = _user(request_or_user)
    _refuse_unless_allowed(request_or_user, _fresh(change), "reject")
    with transaction.atomic():
        change = _fresh(change, lock=True)
        if change.state != ChangeState.PENDING:
            raise ActionError(_("This change has already been decided."))
        change.state, change.decided_by, change.decided_at, change.decision_note = (
            ChangeState.REJECTED, user, timezone.now(), (note or "").strip())
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(request_or_user, "update", object_type=OBJECT_TYPE, object_id=change.pk,
                     summary=audit.msg(gettext_noop("Rejected the change of the identity of the owner of %(reg)s"),
                                       reg=_reg(change)),
                     detail=_detail(change, rejected=True, note=change.decision_note))
    return change


def pending_visible_to(user):
    return (IdentityChange.objects.visible_to(user).filter(state=ChangeState.PENDING)
            .select_related("owner", "vessel", "requested_by").order_by("requested_at", "pk"))

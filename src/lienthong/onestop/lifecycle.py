"""The dossier's write paths: creating one (at the counter or online) and every step after, as the national
portal's ten states allow. Each step is a DossierStep row (form 05), an audit event and, in the same
transaction, an outbox row for the national portal (portal_sync sends it).

Views, the API, the intake and the public portal call these functions; none changes a dossier's state itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.identity.text import nfc

from . import notices
from .codes import next_code
from .errors import DossierError
from .models import Agency, Channel, Dossier, DossierComponent, DossierStep, PortalOutbox, Procedure, State
from .provider import current_calendar

S = State
# (state, action) → new state. Steps not listed are refused (DossierError "bad_transition").
TRANSITIONS: dict[tuple[int, str], int] = {
    (S.NEW, "accept"): S.RECEIVED, (S.NEW, "refuse"): S.REFUSED, (S.NEW, "request_supplement"): S.SUPPLEMENT,
    (S.NEW, "withdraw"): S.WITHDRAWN,
    (S.RECEIVED, "assign"): S.PROCESSING, (S.RECEIVED, "refuse"): S.REFUSED,
    (S.RECEIVED, "request_supplement"): S.SUPPLEMENT, (S.RECEIVED, "withdraw"): S.WITHDRAWN, (S.RECEIVED, "finish"): S.DONE,
    (S.PROCESSING, "hand_off"): S.PROCESSING, (S.PROCESSING, "request_supplement"): S.SUPPLEMENT,
    (S.PROCESSING, "request_payment"): S.PAYMENT, (S.PROCESSING, "stop"): S.STOPPED, (S.PROCESSING, "finish"): S.DONE,
    (S.PROCESSING, "refuse"): S.REFUSED, (S.PROCESSING, "withdraw"): S.WITHDRAWN,
    (S.SUPPLEMENT, "resubmit"): S.RECEIVED, (S.SUPPLEMENT, "withdraw"): S.WITHDRAWN, (S.SUPPLEMENT, "stop"): S.STOPPED,
    (S.PAYMENT, "paid"): S.PROCESSING, (S.PAYMENT, "withdraw"): S.WITHDRAWN, (S.PAYMENT, "stop"): S.STOPPED,
    (S.DONE, "return_result"): S.RETURNED,
}
# Actions the citizen takes themselves (through the public portal): no officer's role is asked.
CITIZEN_ACTIONS = frozenset({"resubmit", "withdraw", "paid"})
# Actions that must say why (the refusal and the supplement request are sent to the citizen in writing).
NEEDS_NOTE = frozenset({"refuse", "request_supplement", "stop"})

AUDIT_TEXT = {
    "receive": gettext_noop("Dossier %(code)s received at the counter: %(procedure)s"),
    "submit": gettext_noop("Dossier %(code)s submitted online: %(procedure)s"),
    "accept": gettext_noop("Dossier %(code)s accepted"),
    "refuse": gettext_noop("Dossier %(code)s refused"),
    "assign": gettext_noop("Dossier %(code)s assigned for processing"),
    "hand_off": gettext_noop("Dossier %(code)s handed on"),
    "request_supplement": gettext_noop("Supplement requested for dossier %(code)s"),
    "resubmit": gettext_noop("Dossier %(code)s supplemented"),
    "request_payment": gettext_noop("Payment requested for dossier %(code)s"),
    "paid": gettext_noop("Fee paid for dossier %(code)s"),
    "withdraw": gettext_noop("Dossier %(code)s withdrawn"),
    "stop": gettext_noop("Processing of dossier %(code)s stopped"),
    "finish": gettext_noop("Dossier %(code)s done"),
    "return_result": gettext_noop("Result of dossier %(code)s returned"),
    "apologise": gettext_noop("Apology and new appointment for dossier %(code)s"),
}


@dataclass
class Applicant:
    cccd: str
    full_name: str
    birth_date: date | None = None
    gender: str = ""
    address: str = ""
    old_id: str = ""
    phone: str = ""
    email: str = ""
    verified_at: datetime | None = None


@dataclass
class ComponentIn:
    name: str
    procedure_component_id: int | None = None
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    held_by_state: str = ""
    extra: dict = field(default_factory=dict)


def _user(by):
    return getattr(by, "user", by)


def due_after(procedure: Procedure, received_at: datetime) -> datetime:
    """The result's due time: the procedure's working days (counting from the next working day) or hours."""
    calendar = current_calendar()
    if procedure.processing_hours:
        return calendar.add_working_hours(received_at, procedure.processing_hours).at
    return calendar.add_working_days(received_at, procedure.processing_days or 0).at


def _audit(by, action: str, dossier: Dossier, detail: dict | None = None) -> None:
    audit_action = AuditAction.CREATE if action in ("receive", "submit") else AuditAction.UPDATE
    record(by, audit_action, object_type="dossier", object_id=dossier.code,
           summary=msg(AUDIT_TEXT[action], code=dossier.code, procedure=dossier.procedure.national_code),
           detail={"action": action, "state": dossier.state, **(detail or {})})


def _step(dossier: Dossier, by, action: str, from_state: int | None, *, at: datetime, note: str = "",
          handed_to=None, department: str = "", step_due_at=None, detail: dict | None = None,
          actor_name: str = "") -> DossierStep:
    user = _user(by)
    user = user if getattr(user, "is_authenticated", False) else None
    step = DossierStep.objects.create(
        dossier=dossier, at=at, action=action, from_state=from_state, to_state=dossier.state, actor=user,
        actor_name=actor_name or (user.get_full_name() or user.get_username() if user else ""),
        handed_to=handed_to, department=department, note=nfc(note), step_due_at=step_due_at, detail=detail or {})
    PortalOutbox.objects.create(dossier=dossier, kind=PortalOutbox.Kind.STEP, step=step)
    return step


def create_dossier(by, *, agency: Agency, procedure: Procedure, channel: int, applicant: Applicant,
                   data: dict | None = None, components: list[ComponentIn] = (), owner_name: str = "",
                   sets: int = 1, helped_by=None, consent: bool = False, at: datetime | None = None) -> Dossier:
    """A new dossier with its code. At the counter (and by post) it is received at once, with its due date;
    online it waits, new, for an officer to accept it. `by`: the request or user (None: the citizen online).
    A volunteer submitting for a citizen needs the citizen's consent, recorded with the dossier."""
    at = at or timezone.now()
    counter = channel != Channel.ONLINE
    if counter and not can_handle_dossiers(_user(by)):
        raise DossierError("not_allowed")
    if not procedure.active:
        raise DossierError("inactive_procedure", "procedure")
    if not procedure.agencies.filter(pk=agency.pk).exists():
        raise DossierError("no_agency", "procedure")
    if helped_by is not None and not consent:
        raise DossierError("needs_consent", "consent")
    with transaction.atomic():
        dossier = Dossier(
            code=next_code(agency, at), agency=agency, procedure=procedure, channel=channel,
            state=S.RECEIVED if counter else S.NEW,
            applicant_cccd=applicant.cccd, applicant_old_id=applicant.old_id, applicant_name=nfc(applicant.full_name),
            applicant_birth_date=applicant.birth_date, applicant_gender=applicant.gender,
            applicant_address=nfc(applicant.address), applicant_phone=applicant.phone, applicant_email=applicant.email,
            applicant_verified_at=applicant.verified_at, owner_name=nfc(owner_name or applicant.full_name),
            data=data or {}, sets=sets, fee_amount=procedure.fee_amount, submitted_at=None if counter else at,
            received_at=at if counter else None, due_at=due_after(procedure, at) if counter else None,
            received_by=_user(by) if counter else None, helped_by=helped_by, consent_at=at if helped_by else None)
        dossier.save(force_insert=True)
        for c in components:
            DossierComponent.objects.create(
                dossier=dossier, procedure_component_id=c.procedure_component_id, name=nfc(c.name),
                originals=c.originals, certified_copies=c.certified_copies, photocopies=c.photocopies,
                held_by_state=c.held_by_state)
        action = "receive" if counter else "submit"
        PortalOutbox.objects.create(dossier=dossier, kind=PortalOutbox.Kind.CREATE)
        _step(dossier, by, action, None, at=at, actor_name="" if counter else dossier.applicant_name,
              detail={"helped_by": helped_by.get_username()} if helped_by else None)
        _audit(by if by is not None else helped_by, action, dossier,
               {"channel": channel, "helped_by": helped_by.get_username() if helped_by else ""})
        notices.after_change(dossier, action)  # the citizen's SMS/e-mail, sent once this commits
    return dossier


def step(dossier: Dossier, by, action: str, *, note: str = "", handed_to=None, department: str = "",
         at: datetime | None = None, step_due_at=None, detail: dict | None = None, citizen: bool = False) -> DossierStep:
    """Move the dossier by `action` (TRANSITIONS). Officers need a role that handles dossiers and must see this
    one; the citizen's own actions (CITIZEN_ACTIONS, citizen=True) are taken by whoever proved to be them."""
    at = at or timezone.now()
    user = _user(by)
    if citizen:
        if action not in CITIZEN_ACTIONS:
            raise DossierError("not_allowed")
    elif not (can_handle_dossiers(user) and Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists()):
        raise DossierError("not_allowed")
    if action in NEEDS_NOTE and not note.strip():
        raise DossierError("needs_reason", "note")
    if action in ("assign", "hand_off") and handed_to is None and not department.strip():
        raise DossierError("needs_assignee", "handed_to")
    with transaction.atomic():
        # Lock the dossier row only: locking the joined procedure too made PostgreSQL deadlock under load (a new
        # dossier's commit checks its procedure key while holding the audit chain's lock; bench/centre.py found it).
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=dossier.pk)
        target = TRANSITIONS.get((dossier.state, action))
        if target is None:
            raise DossierError("bad_transition")
        before = dossier.state
        dossier.state = target
        if action in ("accept", "resubmit"):
            # Counting starts again from the receipt of the complete dossier (the supplement restarts the clock).
            dossier.received_at = at
            dossier.due_at = due_after(dossier.procedure, at)
            dossier.rescheduled_due_at = None
            if action == "accept" and user is not None and getattr(user, "is_authenticated", False):
                dossier.received_by = user
        if action in ("assign", "hand_off"):
            dossier.assigned_to = handed_to
            dossier.department = nfc(department)
        if action == "paid":
            dossier.fee_paid_at = at
        if target == S.DONE:
            dossier.finished_at = at
        if target == S.RETURNED:
            dossier.returned_at = at
        dossier.save()
        row = _step(dossier, by, action, before, at=at, note=note, handed_to=handed_to, department=department,
                    step_due_at=step_due_at, detail=detail, actor_name=dossier.applicant_name if citizen else "")
        if target in (S.DONE, S.RETURNED):
            PortalOutbox.objects.create(dossier=dossier, kind=PortalOutbox.Kind.RESULT, step=row)
        _audit(by, action, dossier, {"from": before, **({"note": note[:200]} if note else {})})
        notices.after_change(dossier, action, row)
    return row


def apologise(dossier: Dossier, by, *, new_due: datetime, reason: str, at: datetime | None = None) -> DossierStep:
    """Form 04: the centre apologises and gives a new date. The legal due date (due_at) stays: the dossier still
    counts as late if it is finished after it; the citizen's appointment becomes the new date."""
    at = at or timezone.now()
    user = _user(by)
    if not (can_handle_dossiers(user) and Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists()):
        raise DossierError("not_allowed")
    if not reason.strip():
        raise DossierError("needs_reason", "note")
    if new_due is None:
        raise DossierError("needs_date", "new_due")
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=dossier.pk)
        if dossier.state not in (S.RECEIVED, S.PROCESSING) or dossier.due_at is None:
            raise DossierError("bad_transition")
        if new_due <= dossier.appointment_at:
            raise DossierError("date_not_later", "new_due")
        dossier.rescheduled_due_at = new_due
        dossier.save(update_fields=["rescheduled_due_at", "updated_at"])
        row = _step(dossier, by, "apologise", dossier.state, at=at, note=reason, step_due_at=new_due,
                    detail={"before_due": at <= dossier.due_at})
        _audit(by, "apologise", dossier, {"new_due": new_due.isoformat()})
        notices.after_change(dossier, "apologise", row)
    return row

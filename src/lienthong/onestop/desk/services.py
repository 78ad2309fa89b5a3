"""The desk's domain helpers: who a dossier can be handed to, the supplement request (form 02) that lists at once
all that is missing, when an apology (form 04) is due, and each step's early / on time / late (form 05).

State changes go through onestop.lifecycle (and results.finish_with_result); nothing here sets a state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Role
from lienthong.identity.text import nfc

from .. import lifecycle, timeliness
from ..errors import DossierError
from ..models import Dossier, DossierStep, State
from ..provider import current_calendar

# Steps that hand the dossier to someone (form 05's rows) and whose deadline is judged when the next step comes.
HAND_OVERS = ("receive", "accept", "assign", "hand_off", "resubmit", "paid")


def officers_for(dossier: Dossier):
    """The active officers a dossier can be handed to: for a commune centre its communes' centre and commune
    officers; for a provincial agency the province's administrators and fisheries officers."""
    users = get_user_model().objects.filter(is_active=True)
    if dossier.agency.commune_code:
        users = users.filter(role__in=(Role.CENTRE, Role.COMMUNE), area_scopes__commune_code=dossier.agency.commune_code)
    else:
        users = users.filter(Q(role__in=(Role.ADMIN, Role.FISHERIES)) | Q(is_superuser=True))
    return users.distinct().order_by("last_name", "first_name", "username")


def departments_for(dossier: Dossier) -> list[str]:
    """Departments the agency's dossiers were handed to before (the form offers them; any name may be typed)."""
    names = (DossierStep.objects.filter(dossier__agency=dossier.agency).exclude(department="")
             .order_by().values_list("department", flat=True).distinct())
    return sorted(set(names))[:50]


def request_supplement(dossier: Dossier, by, *, missing_ids: list[int], text: str, at=None) -> DossierStep:
    """Form 02: one request naming everything missing — the ticked components of the procedure and the officer's
    own words. The list is kept in the step (detail["missing"]) so form 02 prints exactly what was asked."""
    components = {c.pk: c for c in dossier.procedure.components.all()}
    chosen = [components[i] for i in missing_ids if i in components]
    if len(chosen) != len(set(missing_ids)):
        raise DossierError("needs_missing", "missing")
    text = nfc(text).strip()
    if not chosen and not text:
        raise DossierError("needs_missing", "missing")
    missing = [c.name for c in chosen]
    note = text or "; ".join(missing)
    return lifecycle.step(dossier, by, "request_supplement", note=note, at=at,
                          detail={"missing": missing, "missing_ids": [c.pk for c in chosen], "text": text})


def apology_offered(dossier: Dossier, now: datetime) -> bool:
    """Form 04 is offered for a dossier in handling that is late, or whose appointment falls within one working
    day (the apology must reach the citizen before the promised date passes)."""
    if dossier.state not in (State.RECEIVED, State.PROCESSING) or dossier.appointment_at is None:
        return False
    return dossier.appointment_at <= current_calendar().add_working_days(now, 1).at


ACTION_LABELS = {
    "receive": _("Received at the counter"), "submit": _("Submitted online"), "accept": _("Accepted"),
    "refuse": _("Refused"), "assign": _("Assigned for processing"), "hand_off": _("Handed on"),
    "request_supplement": _("Supplement requested"), "resubmit": _("Supplemented by the citizen"),
    "request_payment": _("Payment requested"), "paid": _("Fee paid"), "withdraw": _("Withdrawn by the citizen"),
    "stop": _("Processing stopped"), "finish": _("Done"), "return_result": _("Result returned"),
    "apologise": _("Apology and new appointment"),
}


@dataclass
class StepRow:
    step: DossierStep
    verdict: str | None  # timeliness.EARLY / ON_TIME / LATE, None when the step has no deadline to judge
    done_at: datetime | None  # when the step's work ended (the next step), None while it is still under way

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.step.action, self.step.action))

    @property
    def verdict_label(self) -> str:
        return str(timeliness.LABELS[self.verdict]) if self.verdict else ""


def _verdict(done: datetime | None, due: datetime | None, now: datetime) -> str | None:
    if due is None:
        return None
    if done is None:
        return timeliness.LATE if now > due else None
    if done > due:
        return timeliness.LATE
    return timeliness.EARLY if done.astimezone(timeliness.VN_TZ).date() < due.astimezone(timeliness.VN_TZ).date() \
        else timeliness.ON_TIME


def step_rows(dossier: Dossier, now: datetime) -> list[StepRow]:
    """Form 05's rows: each step with its verdict. A hand-over with a step deadline is judged by the time the next
    step came; the finish is judged against the dossier's legal due date (as timeliness.of judges the dossier)."""
    steps = list(dossier.steps.select_related("actor", "handed_to").order_by("at", "id"))
    rows = []
    for i, s in enumerate(steps):
        # The step's work ends with the next step that moves the dossier (an apology only promises a new date).
        following = next((t.at for t in steps[i + 1:] if t.action != "apologise"), None)
        if s.action == "finish":
            verdict = _verdict(s.at, dossier.due_at, now)
            rows.append(StepRow(s, verdict, s.at))
        elif s.step_due_at and s.action in HAND_OVERS:
            rows.append(StepRow(s, _verdict(following, s.step_due_at, now), following))
        else:
            rows.append(StepRow(s, None, following))
    return rows

"""The citizens' portal's domain functions: who the applicant is (checked against the population database),
the online submission and the supplement (through lifecycle, the one write path), tracking a dossier by its
code and the applicant's ID number, and what the citizen is shown of a dossier.

There is no national single sign-on here: the applicant proves who they are with the ID number, full name and
birth date, checked against the population source (each check audited, wrong ones limited per address); the
tracking page asks for the dossier code and the ID number, and answers a wrong pair with one message that does
not say which of the two was wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from lienthong.accounts import ratelimit
from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import is_volunteer
from lienthong.identity.cccd import parse_id_number
from lienthong.identity.text import fold, nfc

from .. import lifecycle
from ..catalogue import finder
from ..errors import DossierError
from ..models import Agency, Channel, Dossier, DossierComponent, DossierStep, Procedure, ProcedureComponent, State
from . import uploads

IDENTITY_BUCKET = "onestop-identity"
TRACK_BUCKET = "onestop-track"


# --- the catalogue ----------------------------------------------------------------------------------------
def online_procedures():
    """Procedures a citizen may submit online: active, offered online, received by at least one active agency."""
    return (Procedure.objects.filter(active=True, agencies__active=True)
            .exclude(online_level=Procedure.OnlineLevel.NONE).distinct().prefetch_related("components"))


def search_procedures(q: str = "", field: str = "") -> list[Procedure]:
    """The online procedures that answer `q` as citizens ask it ("lam giay ket hon" finds "Đăng ký kết hôn"), best
    first (catalogue.finder), in the field `field` if given. Ranked in Python: a centre's catalogue is a few hundred
    procedures, read whole anyway to group them by field."""
    rows = [p for p in online_procedures().order_by("field", "name") if not field or p.field == field]
    return finder.rank(rows, q)


def fields() -> list[str]:
    return sorted(set(online_procedures().values_list("field", flat=True)), key=fold)


def submittable(code: str) -> Procedure | None:
    return online_procedures().filter(code=code).first()


# --- who the applicant is ----------------------------------------------------------------------------------
def population_source():
    """The national service when the deployment has one (LIENTHONG_POPULATION_URL), else the local extract."""
    from lienthong.population.provider import local_source, remote_source

    return remote_source() if settings.POPULATION_URL else local_source()


def clean_cccd(typed: str) -> str:
    """The 12-digit ID number a citizen typed (spaces and dots allowed between digits), or DossierError."""
    digits = re.sub(r"[\s.\-]", "", typed or "")
    check = parse_id_number(digits)
    if len(digits) != 12 or not digits.isdigit() or not check.valid or check.kind != "cccd":
        raise DossierError("bad_cccd", "cccd")
    return digits


def _subject(request) -> str:
    """Whose wrong tries are counted: a logged-in volunteer's own, else the client address's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ratelimit.client_subject(request)


def _take_try(request, bucket: str) -> tuple[str, ratelimit.Take]:
    subject = _subject(request)
    taken = ratelimit.take(bucket, subject, limit=settings.ONESTOP_WRONG_TRIES, window=settings.ONESTOP_WRONG_WINDOW)
    if not taken.allowed:
        ratelimit.audit_refusal(request, bucket, subject, taken, limit=settings.ONESTOP_WRONG_TRIES)
        raise DossierError("too_many_tries", "", time=timezone.localtime(taken.retry_at).strftime("%H:%M %d/%m/%Y"))
    return subject, taken


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""
    address: str = ""


def verify_applicant(request, *, cccd: str, full_name: str, birth_date: date, contact: Contact = Contact(),
                     procedure: Procedure | None = None, source=None) -> lifecycle.Applicant:
    """The applicant as the population database knows them, if the ID number, name and birth date agree with
    it; else DossierError "identity_mismatch" (one answer for an unknown number and a wrong name or date).
    Every check is audited (it reads personal data); wrong ones count against the address (or the volunteer)."""
    from lienthong.population.source import PopulationError

    number = clean_cccd(cccd)
    subject, taken = _take_try(request, IDENTITY_BUCKET)
    try:
        r = (source or population_source()).verify(number, nfc(full_name.strip()), birth_date)
    except PopulationError as exc:
        ratelimit.give_back(IDENTITY_BUCKET, subject, taken)  # nothing was compared
        raise DossierError("population_unavailable") from exc
    fits = bool(r.found and r.name_agrees and r.birth_date_agrees)
    record(request, AuditAction.VIEW, object_type="online_applicant_check", object_id=number,
           summary=msg(gettext_noop("Online submission: the applicant's identity checked against the population "
                                    "database")),
           detail={"fits": fits, "procedure": procedure.code if procedure else ""})
    if not fits:
        raise DossierError("identity_mismatch", "cccd")
    ratelimit.give_back(IDENTITY_BUCKET, subject, taken)
    person = r.person
    return lifecycle.Applicant(
        cccd=person.cccd, full_name=person.full_name, birth_date=person.birth_date, gender=person.gender,
        address=nfc(contact.address.strip()) or person.address, old_id=person.old_id_number,
        phone=contact.phone.strip(), email=contact.email.strip(), verified_at=timezone.now())


# --- submission --------------------------------------------------------------------------------------------
CONSENT_TEXT = gettext_lazy(
    "I, the citizen named below, agree that the youth volunteer %(volunteer)s submits this dossier for me with the "
    "papers I handed over, and may follow its progress. My personal data is used only to handle this procedure.")


def consent_text(user) -> str:
    return str(CONSENT_TEXT) % {"volunteer": user.get_full_name() or user.get_username()}


def _store(dossier: Dossier, component: DossierComponent, staged: uploads.Staged) -> None:
    """Move a staged upload onto the dossier's component (the storage names it; the citizen's file name is kept
    aside, never used as a path)."""
    position = component.procedure_component.position if component.procedure_component else 0
    name = f"{dossier.code}-{position:02d}.{uploads.EXTENSION[staged.content_type]}"
    with open(staged.path, "rb") as fh:
        component.file.save(name, File(fh), save=False)
    component.original_name, component.content_type = staged.original_name, staged.content_type
    component.size, component.sha256 = staged.size, staged.sha256
    component.save(update_fields=["file", "original_name", "content_type", "size", "sha256"])


def submit_online(request, *, procedure: Procedure, agency: Agency, applicant: lifecycle.Applicant,
                  files: dict[int, uploads.Staged], data: dict | None = None, owner_name: str = "",
                  for_citizen: bool = False, consent: bool = False) -> Dossier:
    """The online dossier (state NEW, channel ONLINE) with the uploaded files on its components. A volunteer
    submitting for a citizen (`for_citizen`) needs the citizen's consent: recorded with the dossier (helped_by,
    consent_at, and the text consented to in its data)."""
    user = getattr(request, "user", None)
    helped_by = user if for_citizen and is_volunteer(user) else None
    data = dict(data or {})
    if helped_by is not None and consent:
        data["consent"] = {"text": consent_text(helped_by), "volunteer": helped_by.get_username()}
    by_pk = {c.pk: c for c in procedure.components.all()}
    components = [lifecycle.ComponentIn(c.name, procedure_component_id=c.pk, originals=1 if c.pk in files else 0)
                  for c in by_pk.values() if c.pk in files]
    stored = []
    try:
        with transaction.atomic():
            dossier = lifecycle.create_dossier(
                request, agency=agency, procedure=procedure, channel=Channel.ONLINE, applicant=applicant, data=data,
                components=components, owner_name=owner_name, helped_by=helped_by, consent=consent)
            for component in dossier.components.select_related("procedure_component"):
                _store(dossier, component, files[component.procedure_component_id])
                stored.append(component.file.name)
    except Exception:
        from django.core.files.storage import default_storage

        for name in stored:  # the transaction rolled back: leave no file without its row
            default_storage.delete(name)
        raise
    uploads.discard(files)
    return dossier


# --- tracking ----------------------------------------------------------------------------------------------
def find_for_tracking(request, code: str, cccd: str) -> Dossier:
    """The dossier with this code whose applicant has this ID number; DossierError "track_not_found" for a wrong
    code, a wrong number or both alike. Wrong tries count against the address; each look is audited."""
    code = (code or "").strip()
    digits = re.sub(r"[\s.\-]", "", cccd or "")
    subject, taken = _take_try(request, TRACK_BUCKET)
    dossier = None
    if code and len(digits) == 12 and digits.isdigit():
        dossier = Dossier.objects.select_related("procedure", "agency").filter(code=code, applicant_cccd=digits).first()
    if dossier is None:
        record(request, AuditAction.DENIED, object_type="dossier", object_id=code[:64],
               summary=msg(gettext_noop("Public tracking: no dossier with this code and ID number")))
        raise DossierError("track_not_found", "ma")
    ratelimit.give_back(TRACK_BUCKET, subject, taken)
    return dossier


def audit_view(request, dossier: Dossier) -> None:
    record(request, AuditAction.VIEW, object_type="dossier", object_id=dossier.code,
           summary=msg(gettext_noop("Dossier %(code)s looked up on the public portal"), code=dossier.code))


# What the citizen reads: each state in plain words, each step by what happened (never who did it).
STATE_TEXT = {
    State.NEW: gettext_lazy("Submitted. The centre has not yet checked and received it."),
    State.RECEIVED: gettext_lazy("Received by the centre: waiting to be handled."),
    State.REFUSED: gettext_lazy("Refused. The reason is given below."),
    State.PROCESSING: gettext_lazy("Being handled."),
    State.SUPPLEMENT: gettext_lazy("Papers are missing: see below what to add, and send them."),
    State.PAYMENT: gettext_lazy("Waiting for the fee to be paid."),
    State.WITHDRAWN: gettext_lazy("Withdrawn at your request."),
    State.STOPPED: gettext_lazy("Handling was stopped. The reason is given below."),
    State.DONE: gettext_lazy("The result is ready."),
    State.RETURNED: gettext_lazy("The result has been handed over."),
}
STEP_TEXT = {
    "submit": gettext_lazy("Submitted online"),
    "receive": gettext_lazy("Received at the counter"),
    "accept": gettext_lazy("Received by the centre"),
    "refuse": gettext_lazy("Refused"),
    "assign": gettext_lazy("Passed on for handling"),
    "hand_off": gettext_lazy("Passed on for handling"),
    "request_supplement": gettext_lazy("Supplement requested"),
    "resubmit": gettext_lazy("Missing papers sent"),
    "request_payment": gettext_lazy("Fee requested"),
    "paid": gettext_lazy("Fee paid"),
    "withdraw": gettext_lazy("Withdrawn"),
    "stop": gettext_lazy("Handling stopped"),
    "finish": gettext_lazy("Result ready"),
    "return_result": gettext_lazy("Result handed over"),
    "apologise": gettext_lazy("Apology and new appointment"),
}
# Steps whose note is written to the citizen (the reason, what is missing); other notes are the officers'.
NOTE_FOR_CITIZEN = frozenset({"refuse", "request_supplement", "stop", "apologise"})


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    text: str
    note: str
    due: datetime | None


def timeline(dossier: Dossier) -> list[TimelineRow]:
    rows = []
    for s in dossier.steps.order_by("at", "id"):
        note = s.note if s.action in NOTE_FOR_CITIZEN else ""
        due = s.step_due_at if s.action == "apologise" else None
        rows.append(TimelineRow(s.at, str(STEP_TEXT.get(s.action, s.action)), note, due))
    return rows


@dataclass(frozen=True)
class Missing:
    """What a supplement request asks for: the officer's words, and the components named (when it names them)."""

    note: str
    components: list[ProcedureComponent]
    names: list[str]  # named components that are not in the catalogue (free text)
    at: datetime


def missing(dossier: Dossier) -> Missing | None:
    """The last supplement request, while the dossier waits for it. Its detail may name components under
    "missing" (or "components"): catalogue ids, names, or {"id"/"component": id, "name": …} items; and
    "missing_ids" and "text" as the desk's form 02 writes them (desk.services.request_supplement)."""
    if dossier.state != State.SUPPLEMENT:
        return None
    step = dossier.steps.filter(action="request_supplement").order_by("-at", "-id").first()
    if step is None:
        return None
    detail = step.detail or {}
    items = detail.get("missing") or detail.get("components") or []
    ids = [i for i in detail.get("missing_ids") or [] if isinstance(i, int)]  # the desk's form 02 (desk.services)
    names = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            pk = item.get("id") or item.get("component")
            if isinstance(pk, int):
                ids.append(pk)
            elif item.get("name"):
                names.append(str(item["name"]))
        elif isinstance(item, int):
            ids.append(item)
        elif isinstance(item, str) and item.strip():
            names.append(item.strip())
    catalogue = list(dossier.procedure.components.all())
    by_name = {fold(c.name): c for c in catalogue}
    named = [c for c in catalogue if c.pk in ids]
    for name in list(names):
        c = by_name.get(fold(name))
        if c is not None:  # a catalogue paper named by its name: listed once, as the catalogue's
            names.remove(name)
            if c not in named:
                named.append(c)
    # The desk keeps the officer's own words apart ("text"); its note then repeats the list, shown once here.
    note = detail["text"] if isinstance(detail.get("text"), str) else step.note
    return Missing(note, named, names, step.at)


def resubmit_online(request, dossier: Dossier, files: dict[int, uploads.Staged]) -> DossierStep:
    """The citizen sends what was missing: the files become components of the dossier, and the dossier goes back
    to RECEIVED with a new due date (lifecycle: the supplement restarts the clock)."""
    catalogue = {c.pk: c for c in dossier.procedure.components.all()}
    stored = []
    try:
        with transaction.atomic():
            row = lifecycle.step(dossier, request, "resubmit", citizen=True,
                                 detail={"components": [catalogue[pk].name for pk in files if pk in catalogue]})
            for pk, staged in files.items():
                c = catalogue.get(pk)
                if c is None:
                    continue
                component = DossierComponent.objects.create(dossier=dossier, procedure_component=c, name=c.name,
                                                            originals=1)
                _store(dossier, component, staged)
                stored.append(component.file.name)
    except Exception:
        from django.core.files.storage import default_storage

        for name in stored:
            default_storage.delete(name)
        raise
    uploads.discard(files)
    return row


def audit_download(request, dossier: Dossier) -> None:
    record(request, AuditAction.EXPORT, object_type="dossier", object_id=dossier.code,
           summary=msg(gettext_noop("Result of dossier %(code)s downloaded on the public portal"), code=dossier.code))

"""Intake at the counter: the card read (its QR code or typed by hand), the applicant checked against the
population source, what the state already holds filled in (the vessel's papers for a fishery procedure), and
the dossier created through lifecycle.create_dossier with the channel "at the counter".

Every population lookup is audited (object type "applicant_check"); a source that cannot answer does not stop
the counter: the dossier is received, marked unverified.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Q
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import applicant_vessels, receiving_agencies
from lienthong.fleet.models import Vessel
from lienthong.identity.cccd_qr import CardData, QrError, card_from_fields, parse_card_qr

from .. import lifecycle
from ..catalogue import finder
from ..errors import DossierError
from ..models import Agency, Channel, Dossier, Procedure, ProcedureComponent
from . import prefill

CHECK_OBJECT = "applicant_check"
# What the applicant check found (Dossier.data["applicant_check"]["status"]).
VERIFIED, DIFFERS, NOT_FOUND, UNAVAILABLE = "verified", "differs", "not_found", "unavailable"
CHECK_SUMMARY = {
    VERIFIED: gettext_noop("Applicant at the counter verified with the population database"),
    DIFFERS: gettext_noop("Applicant at the counter differs from the population database"),
    NOT_FOUND: gettext_noop("Applicant at the counter not found in the population database"),
    UNAVAILABLE: gettext_noop("Population database unavailable for an applicant at the counter"),
}
# How long the signed intake draft (the card and its check, carried by the page between steps) stays good.
DRAFT_MAX_AGE = 3600
_DRAFT_SALT = "lienthong.onestop.counter.draft"
# Where the tracking page is, until the public portal's url module names it (reverse("public:track")).
TRACK_PATH = "/dich-vu-cong/tra-cuu/"


def _user(by):
    return getattr(by, "user", by)


# --- the card ------------------------------------------------------------------------------------
def read_card(text: str) -> CardData:
    """The scanned QR text → the card's fields (raises QrError naming each field at fault)."""
    return parse_card_qr(text, today=timezone.localdate())


def card_typed(**fields) -> CardData:
    """The card's fields typed by hand (no readable code), with the same checks."""
    return card_from_fields(today=timezone.localdate(), **fields)


# --- the population check ------------------------------------------------------------------------
@dataclass(frozen=True)
class ApplicantCheck:
    status: str                      # VERIFIED, DIFFERS, NOT_FOUND, UNAVAILABLE
    at: datetime | None = None
    differs: tuple[str, ...] = ()    # "full_name", "birth_date", "gender": where the card and the source disagree
    population_name: str = ""        # the source's spelling of the name, once verified

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED

    def to_data(self) -> dict:
        return {"status": self.status, "at": self.at.isoformat() if self.at else None, "differs": list(self.differs),
                "source": "population"}

    @classmethod
    def from_data(cls, d: dict) -> ApplicantCheck:
        at = d.get("at")
        return cls(d["status"], datetime.fromisoformat(at) if at else None, tuple(d.get("differs") or ()),
                   d.get("population_name", ""))


def population_source():
    """The national population service when this deployment reaches it (LIENTHONG_POPULATION_URL, through the
    province's integration platform), else the extract in this database. One per process (population.provider)."""
    from lienthong.population.provider import local_source, remote_source

    return remote_source() if settings.POPULATION_URL else local_source()


def check_applicant(by, card: CardData, *, agency: Agency | None = None, source=None) -> ApplicantCheck:
    """Ask the population source about the card's holder; audited (a read of a person's data). A source that
    cannot answer gives UNAVAILABLE: the counter still receives, the dossier marked unverified."""
    from lienthong.population.source import PopulationError

    source = source if source is not None else population_source()
    now = timezone.now()
    try:
        result = source.verify(card.cccd, card.full_name, card.birth_date)
    except PopulationError as exc:
        check = ApplicantCheck(UNAVAILABLE)
        detail = {"error": type(exc).__name__}
    except (OSError, RuntimeError) as exc:  # a misconfigured or unreachable service: the counter goes on
        check = ApplicantCheck(UNAVAILABLE)
        detail = {"error": type(exc).__name__}
    else:
        detail = {}
        if not result.found:
            check = ApplicantCheck(NOT_FOUND)
        else:
            person = result.person
            differs = tuple(name for name, agrees in (
                ("full_name", result.name_agrees), ("birth_date", result.birth_date_agrees),
                ("gender", person.gender == card.gender)) if agrees is False)
            # Verified: the population database's spelling of the name is kept (a name typed by hand without
            # diacritics agrees with it). Differing: only WHICH fields differ, never what the database holds
            # instead: the manual path takes any number typed, and must not become a population lookup (issue 9).
            check = (ApplicantCheck(DIFFERS, None, differs) if differs
                     else ApplicantCheck(VERIFIED, now, population_name=person.full_name))
    record(by, AuditAction.VIEW, object_type=CHECK_OBJECT, object_id=card.cccd,
           summary=msg(CHECK_SUMMARY[check.status]),
           detail={"agency": agency.code if agency else "", "status": check.status, "differs": list(check.differs),
                   **detail})
    return check


# --- the intake draft the page carries between its steps -----------------------------------------------
def draft_token(card: CardData, check: ApplicantCheck, how: str) -> str:
    """The card and its check, signed: the page carries them from the scan to the receipt without a second
    lookup, and the officer's browser cannot change what the check said."""
    return signing.dumps({
        "card": {"cccd": card.cccd, "old_id": card.old_id, "full_name": card.full_name,
                 "birth_date": card.birth_date.isoformat(), "gender": card.gender, "address": card.address,
                 "issue_date": card.issue_date.isoformat() if card.issue_date else ""},
        "check": {**check.to_data(), "population_name": check.population_name},
        "how": how,
    }, salt=_DRAFT_SALT, compress=True)


@dataclass(frozen=True)
class Draft:
    card: CardData
    check: ApplicantCheck
    how: str  # "qr" or "manual"


def read_draft(token: str) -> Draft:
    from datetime import date

    try:
        d = signing.loads(token or "", salt=_DRAFT_SALT, max_age=DRAFT_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is one
        raise DossierError("stale_draft", "qr") from exc
    c = d["card"]
    card = CardData(cccd=c["cccd"], old_id=c["old_id"], full_name=c["full_name"],
                    birth_date=date.fromisoformat(c["birth_date"]), gender=c["gender"], address=c["address"],
                    issue_date=date.fromisoformat(c["issue_date"]) if c["issue_date"] else None)
    return Draft(card, ApplicantCheck.from_data(d["check"]), d.get("how", "qr"))


# --- a visit carried in from elsewhere ----------------------------------------------------------
# The service hall's counter opens the intake from a called ticket: what it carries (the centre, the procedures
# of the ticket's service, where to go back) comes signed in the address, so nothing is typed twice; once the
# dossier is received, `received` tells the sender (with its own `ref`), who links it. The dossier app does not
# know the hall (the hall builds on it): this is the whole of the hand-over's contract.
_CARRY_SALT = "lienthong.onestop.counter.carry"
CARRY_PARAM = "chuyen"
received = Signal()  # sender=Dossier; dossier, carry, user


@dataclass(frozen=True)
class Carry:
    token: str
    agency_id: int
    procedure_ids: tuple[int, ...]  # the choice is limited to them (none: the centre's whole catalogue)
    label: str                      # what the page says it came from ("Vé A023 · Hộ tịch")
    back: str                       # the path the officer goes back to
    ref: dict                       # the sender's own data, given back with `received`
    user_id: int


def carry_token(user, *, agency: Agency, procedures: Sequence[int] = (), label: str = "", back: str = "",
                ref: dict | None = None) -> str:
    return signing.dumps({"a": agency.pk, "p": [int(p) for p in procedures], "l": label, "b": back,
                          "r": ref or {}, "u": _user(user).pk}, salt=_CARRY_SALT, compress=True)


def read_carry(token: str, user) -> Carry | None:
    """The carried visit, when the token is good, not stale and was made for this officer; else None."""
    if not token:
        return None
    try:
        d = signing.loads(token, salt=_CARRY_SALT, max_age=DRAFT_MAX_AGE)
    except signing.BadSignature:
        return None
    if d.get("u") != _user(user).pk:
        return None
    back = d.get("b") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = ""
    return Carry(token, d["a"], tuple(d.get("p") or ()), d.get("l", ""), back, d.get("r") or {}, d["u"])


# --- what the officer chooses --------------------------------------------------------------------
def agencies_for(user) -> list[Agency]:
    return list(receiving_agencies(Agency.objects.all(), user).order_by("name"))


def procedures_for(agency: Agency, query: str = "", limit: int = 12, only: Sequence[int] = ()) -> list[Procedure]:
    """The agency's procedures, most received there first; with a `query`, the best answers to it first, read as
    citizens ask ("lam giay ket hon" finds "Đăng ký kết hôn": catalogue.finder). A centre's catalogue is a few
    hundred rows: ranked here.
    `only`: these procedures alone (those of a visit carried in, see Carry), when there are any."""
    rows = agency.procedures.filter(pk__in=only) if only else agency.procedures
    rows = (rows.filter(active=True)
            .annotate(used=Count("dossiers", filter=Q(dossiers__agency=agency)))
            .order_by("-used", "field", "name"))
    return finder.rank(list(rows), query)[:limit]


def vessels_of(by, card: CardData) -> list[Vessel]:
    """The applicant's vessels in the fleet registry (by the ID numbers on the card; accounts.scopes)."""
    qs = applicant_vessels(Vessel.objects.all(), _user(by), card.cccd, card.old_id)
    return list(qs.select_related("owner").prefetch_related("licences", "safety_certificates")
                .order_by("registration_number"))


@dataclass
class ComponentLine:
    """One line of the checklist: the procedure's paper, what was handed in, or which registry holds it."""

    component: ProcedureComponent
    received: bool = True
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    held_by_state: str = ""
    held_label: str = ""  # registration numbers, for the page and the receipt
    extra: dict = field(default_factory=dict)


def checklist(procedure: Procedure, vessels: Sequence[Vessel] = ()) -> list[ComponentLine]:
    """The procedure's papers with the counts it asks for; those the state already holds (a vessel's papers in
    the fleet registry, for procedures whose data it keeps) marked, not asked again."""
    lines = []
    for c in procedure.components.all():
        held, label = ("", "")
        if procedure.prefill == Procedure.Prefill.VESSEL and vessels:
            held, label = prefill.held_by_fleet(c.name, vessels)
        lines.append(ComponentLine(c, received=c.required or bool(held), originals=0 if held else c.originals,
                                   certified_copies=0 if held else c.copies, held_by_state=held, held_label=label))
    return lines


_PHONE = re.compile(r"^\+?[0-9 .\-]{8,20}$")


def _contact(phone: str, email: str) -> tuple[str, str]:
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and (not _PHONE.match(phone) or not 9 <= sum(ch.isdigit() for ch in phone) <= 15):
        raise DossierError("bad_phone", "phone")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DossierError("bad_email", "email") from exc
    return re.sub(r"[ .\-]", "", phone), email


def intake(by, *, agency: Agency, procedure: Procedure, card: CardData, check: ApplicantCheck,
           lines: Sequence[ComponentLine] | None = None, vessels: Sequence[Vessel] = (), phone: str = "",
           email: str = "", owner_name: str = "", sets: int = 1, how: str = "qr", at: datetime | None = None) -> Dossier:
    """Receive the dossier at the counter: lifecycle.create_dossier (code, due date, step, audit, portal outbox)
    with the card's data, the check's outcome and, for a procedure the fleet registry serves, the chosen vessels'
    registration and papers (each with its source). `lines` default to the procedure's checklist."""
    user = _user(by)
    if not receiving_agencies(Agency.objects.filter(pk=agency.pk), user).exists():
        raise DossierError("not_allowed")
    phone, email = _contact(phone, email)
    if not 1 <= sets <= 20:
        raise DossierError("bad_sets", "sets")
    at = at or timezone.now()
    vessels = list(vessels) if procedure.prefill == Procedure.Prefill.VESSEL else []
    expected = checklist(procedure, vessels)
    if lines is None:
        lines = expected
    else:  # what the registry holds is decided here, never taken from the page
        held = {ln.component.pk: ln for ln in expected if ln.held_by_state}
        lines = [held.get(ln.component.pk, ln) for ln in lines]
    given = {ln.component.pk for ln in lines if ln.received}
    for ln in expected:
        if ln.component.required and ln.component.pk not in given:
            raise DossierError("missing_component", "components", name=ln.component.name)
    data = {"applicant_check": check.to_data(),
            "card": {"source": how, "issue_date": card.issue_date.isoformat() if card.issue_date else None}}
    if vessels:
        data["vessels"] = [prefill.vessel_data(v, at) for v in vessels]
    components = [lifecycle.ComponentIn(ln.component.name, ln.component.pk, originals=ln.originals,
                                        certified_copies=ln.certified_copies, photocopies=ln.photocopies,
                                        held_by_state=ln.held_by_state)
                  for ln in lines if ln.received]
    name = check.population_name if check.verified and check.population_name else card.full_name
    applicant = lifecycle.Applicant(
        cccd=card.cccd, full_name=name, birth_date=card.birth_date, gender=card.gender_label,
        address=card.address, old_id=card.old_id, phone=phone, email=email,
        verified_at=check.at if check.verified else None)
    return lifecycle.create_dossier(by, agency=agency, procedure=procedure, channel=Channel.COUNTER,
                                    applicant=applicant, data=data, components=components,
                                    owner_name=owner_name or name, sets=sets, at=at)


# --- after the intake ------------------------------------------------------------------------------
def public_base() -> str:
    """LIENTHONG_PUBLIC_URL without its last slash: the address links and QR codes are built on."""
    return (settings.PUBLIC_URL or "").rstrip("/")


def tracking_url(code: str) -> str:
    """The public tracking page of the dossier (the receipt's QR code), under LIENTHONG_PUBLIC_URL."""
    base = public_base()
    try:
        path = reverse("public:track")
    except NoReverseMatch:  # the public portal's page is not mounted in this build yet
        path = TRACK_PATH
    return f"{base}{path}?ma={quote(code, safe='')}"


def receipt_for(request_or_user, code: str) -> Dossier:
    """The dossier whose receipt `user` may print (Dossier.objects.visible_to). One outside the officer's scope
    is answered as missing (Http404 at the edge) and the attempt audited DENIED; a print is audited VIEW."""
    user = _user(request_or_user)
    dossier = (Dossier.objects.visible_to(user).select_related("agency", "procedure", "received_by")
               .prefetch_related("components").filter(code=code).first())
    if dossier is None:
        if Dossier.objects.filter(code=code).exists():
            record(request_or_user, AuditAction.DENIED, object_type="dossier", object_id=code,
                   summary=msg(gettext_noop("Receipt of dossier %(code)s outside the officer's scope"), code=code))
        raise DossierError("not_found")
    record(request_or_user, AuditAction.VIEW, object_type="dossier", object_id=code,
           summary=msg(gettext_noop("Receipt (form 01) of dossier %(code)s printed"), code=code))
    return dossier


def qr_problems(exc: QrError) -> dict[str, str]:
    """field → message (the active language) for each problem of a card read."""
    from ..errors import qr_message

    out: dict[str, str] = {}
    for p in exc.problems:
        out.setdefault(p.field, qr_message(p.code))
    return out

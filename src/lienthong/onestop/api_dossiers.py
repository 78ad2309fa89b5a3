"""Dossier API (mounted on /api/v1/ under /dossiers/): intake from a counter system (a kiosk, a queue system, a
commune's own software) with an API token of a dossier handler, as the counter page does it: the card's QR text
and the procedure's code in, the dossier's code, due date and receipt out.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.api_errors import INVALID, NOT_FOUND, TEXT_PATTERN, UNAUTHORIZED, ErrorOut
from lienthong.identity.cccd_qr import QrError

from .counter import services
from .counter.documents import receipt_pdf
from .errors import DossierError
from .models import Procedure

router = Router(tags=["dossiers"])


def _text(max_length: int, default=..., **kw):
    return Field(default, max_length=max_length, pattern=TEXT_PATTERN, **kw)


class IntakeIn(Schema):
    qr: str = _text(1000, description="the text of the QR code on the chip ID card, as the scanner reads it")
    procedure: str = _text(40, description="procedure code, e.g. 1.000894.000.00.00.H56")
    agency: str | None = _text(40, None, description="agency code; needed when the caller receives at several")
    vessels: list[str] | None = Field(None, max_length=20, description=(
        "registration numbers of the applicant's vessels the dossier is about (procedures whose data the fleet "
        "registry holds); by default the applicant's only vessel"))
    phone: str = _text(20, "")
    email: str = _text(254, "")
    sets: int = Field(1, ge=1, le=20)


class ComponentOut(Schema):
    name: str
    originals: int
    certified_copies: int
    photocopies: int
    held_by_state: str = Field(..., description='"fleet:<paper>:<registration numbers>" when not asked for')


class IntakeOut(Schema):
    code: str
    state: int
    applicant_check: str = Field(..., description="verified / differs / not_found / unavailable")
    received_at: datetime
    due_at: datetime
    due_date: date
    receipt_url: str = Field(..., description="form 01 (A5 PDF) for an officer's browser session")
    receipt_pdf_url: str = Field(..., description="form 01 with this API's token")
    tracking_url: str
    components: list[ComponentOut]


def _reg_key(text: str) -> str:
    """As fleet keys registration numbers: upper-case letters and digits only ("kg 91234-ts" → "KG91234TS")."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()


def _invalid(errors: dict[str, str]):
    return Status(400, {"detail": "invalid", "errors": errors})


@router.post("/intake", response={201: IntakeOut, 400: ErrorOut, **UNAUTHORIZED, 403: ErrorOut, **INVALID},
             summary="Receive a dossier at a counter")
def intake(request, body: IntakeIn):
    """Reads the card, checks the applicant against the population database (audited; a database that cannot
    answer leaves the dossier unverified), fills in what the fleet registry holds, receives the dossier with the
    procedure's papers at their usual counts and answers its code and due date (Việt Nam time)."""
    user = request.user
    if not can_handle_dossiers(user):
        raise HttpError(403, "Forbidden")
    agencies = services.agencies_for(user)
    if body.agency:
        agency = next((a for a in agencies if a.code == body.agency), None)
        if agency is None:
            return _invalid({"agency": _("You do not receive dossiers at this agency.")})
    elif len(agencies) == 1:
        agency = agencies[0]
    else:
        return _invalid({"agency": _("Give the agency's code: you receive at several.") if agencies
                         else str(DossierError("no_counter").message)})
    procedure = (agency.procedures.filter(code=body.procedure, active=True).prefetch_related("components").first())
    if procedure is None:
        return _invalid({"procedure": str(DossierError("no_agency").message)})
    try:
        card = services.read_card(body.qr)
    except QrError as exc:
        return _invalid({("qr" if f == "qr" else f"qr.{f}"): m for f, m in services.qr_problems(exc).items()})
    vessels = []
    if procedure.prefill == Procedure.Prefill.VESSEL:
        mine = services.vessels_of(request, card)
        if body.vessels is None:
            vessels = mine if len(mine) == 1 else []
            if len(mine) > 1:
                return _invalid({"vessels": DossierError("choose_vessel").message})
        else:
            wanted = {_reg_key(r) for r in body.vessels}
            vessels = [v for v in mine if v.reg_key in wanted]
            if len(vessels) != len(wanted):
                return _invalid({"vessels": _("Not a vessel of this applicant in the fleet registry.")})
    check = services.check_applicant(request, card, agency=agency)
    try:
        dossier = services.intake(request, agency=agency, procedure=procedure, card=card, check=check, vessels=vessels,
                                  phone=body.phone, email=body.email, sets=body.sets, how="api")
    except DossierError as exc:
        return _invalid({exc.field or "request": exc.message})
    base = services.public_base()
    return Status(201, {
        "code": dossier.code, "state": dossier.state, "applicant_check": check.status,
        "received_at": timezone.localtime(dossier.received_at), "due_at": timezone.localtime(dossier.due_at),
        "due_date": timezone.localtime(dossier.due_at).date(),
        "receipt_url": base + reverse("onestop:receipt", args=[dossier.code]),
        "receipt_pdf_url": base + reverse("api-v1:dossier_receipt", args=[dossier.code]),
        "tracking_url": services.tracking_url(dossier.code),
        "components": list(dossier.components.values("name", "originals", "certified_copies", "photocopies",
                                                     "held_by_state")),
    })


@router.get("/{code}/receipt.pdf", response={200: None, **UNAUTHORIZED, **NOT_FOUND, **INVALID},
            url_name="dossier_receipt", summary="Form 01 of a dossier (A5 PDF)")
def receipt(request, code: str = Path(..., max_length=60, pattern=TEXT_PATTERN)):
    """A dossier outside the caller's scope answers 404 (the attempt audited)."""
    try:
        dossier = services.receipt_for(request, code)
    except DossierError:
        raise HttpError(404, "Not found") from None
    response = HttpResponse(receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response

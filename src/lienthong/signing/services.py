"""The one signing service: every document this site signs (port clearances, one-stop results, digitised copies)
is signed here, registered, and verified by the one public page.

API (what port and the dossier app call):

    sign_document(pdf: bytes, *, kind: str, title: str, reason: str, object_ref: str = "",
                  signer: SignerProfile | None = None, location: str = "", appearance: bool = True,
                  field_box: FieldBox | tuple[int, float, float, float, float] | None = None,
                  code: str | None = None, detail_url: str = "", by=None) -> SignedResult
        PAdES B-B signature with the deployment's key (LIENTHONG_SIGNING_KEY and LIENTHONG_SIGNING_CERT). With
        `appearance` (needs `signer`) the signature field is visible and shows the Decree 30/2020 block
        (appearance.signature_block): title,
        the signer's blue signature image, the agency's red seal over its left third, the name, the agency and
        the signing time "2026-12-01T09:15:00+07:00". `field_box` = (page, x, y, w, h): page index (-1 the last),
        the box's top left corner and size in millimetres from the page's top left (fpdf2's convention); default
        DEFAULT_BOX (last page, bottom right, BLOCK_W × BLOCK_H = 90 × 70 mm). The block keeps its size (the seal
        is printed at its real size) centred in a larger box; a smaller box shrinks it, so leave the caller's
        document room of at least BLOCK_W × BLOCK_H. Without `appearance` the signature is
        invisible. `code`: the public verification code when the caller printed it (QR) before signing
        (new_code()); else one is made. The document is registered (SignedDocument: kind, object_ref, title,
        sha256, signer, signed_at, code, detail_url). `by` (a request or a user) audits the signing; a caller
        whose own action is audited (the port's clearance decision) passes nothing.
        Raises SigningError (code: not_pdf, no_signer, inactive_signer, box_off_page).

    sign_digitised_copy(pdf: bytes, *, agency: str, kind: str, title: str, object_ref: str = "",
                        signer: SignerProfile | None = None, reason: str = ..., code=None, detail_url="", by=None)
        -> SignedResult
        A digitised copy (a scan): no image, the line "<agency> <ISO 8601 time>" in Times 10 at the top right of
        page 1 (stamped as an incremental update), then an invisible signature of the same time.

    verify_document(pdf: bytes) -> Verification
        valid / intact / trusted, signer_name (the registered signer's name and agency, else the certificate's
        subject), signed_at (Asia/Ho_Chi_Minh, +07:00), document (the SignedDocument whose sha256 it has, or None),
        problems (codes: no_signature, unreadable, modified, untrusted, appended), message (the reader's language).

    document_for_code(code: str) -> SignedDocument | None
    verify_url(code: str) -> str           the public page of a registered document (LIENTHONG_PUBLIC_URL)
    new_code() -> str                      a fresh verification code, to print before signing
    signer_for_agency(agency_code: str) -> SignerProfile | None   the agency's active signer

    SignedResult(pdf: bytes, sha256: str, signed_at: datetime (+07:00), document: SignedDocument); .code, .verify_url
    Verification(valid, intact, trusted, signer_name, signed_at, document, problems, message, certificate_subject,
                 sha256); .signed_at_iso ("2026-12-01T09:15:00+07:00")

The dossier app, e.g. for a result:

    code = new_code()                                       # print verify_url(code) as the result's QR code
    pdf = draw_result(dossier, qr=verify_url(code))         # leaving BLOCK_W × BLOCK_H mm where it is signed
    signed = sign_document(pdf, kind="onestop_result", object_ref=dossier.code, title=f"Kết quả hồ sơ {dossier.code}",
                           reason="Ký kết quả giải quyết thủ tục hành chính", location=agency.name,
                           signer=signer_for_agency(agency.code), field_box=(-1, 105, 190, 90, 70), code=code,
                           detail_url=..., by=request)
    dossier.result_pdf, dossier.result_sha256 = signed.pdf, signed.sha256
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction

from . import appearance as look
from . import keys
from .models import SignedDocument, SignerProfile, new_code

MESSAGES = {
    "not_pdf": _("The file is not a PDF document."),
    "no_signer": _("A visible signature needs a signer profile."),
    "inactive_signer": _("This signer profile is not active."),
    "box_off_page": _("The signature box does not fit on the page."),
}


class SigningError(ValueError):
    """A refused signing: `code` (stable, for callers and tests); `message` in the reader's language."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES.get(self.code, self.code))


@dataclass(frozen=True)
class FieldBox:
    """Where a visible signature goes: page index (-1 the last) and the box in millimetres, x and y of its top
    left corner from the page's top left."""

    page: int
    x: float
    y: float
    w: float
    h: float


# Bottom right of the last page: 15 mm from the right edge of an A4 page, 20 mm above its bottom edge.
DEFAULT_BOX = FieldBox(-1, 210 - 15 - look.BLOCK_W, 297 - 20 - look.BLOCK_H, look.BLOCK_W, look.BLOCK_H)


@dataclass(frozen=True)
class SignedResult:
    pdf: bytes
    sha256: str
    signed_at: dt.datetime  # aware, in Asia/Ho_Chi_Minh
    document: SignedDocument

    @property
    def code(self) -> str:
        return self.document.code

    @property
    def verify_url(self) -> str:
        return verify_url(self.document.code)


@dataclass(frozen=True)
class Verification:
    valid: bool
    intact: bool
    trusted: bool
    signer_name: str
    signed_at: dt.datetime | None  # in Asia/Ho_Chi_Minh (+07:00)
    document: SignedDocument | None
    problems: tuple[str, ...]
    message: str
    certificate_subject: str = ""
    sha256: str = ""

    @property
    def signed_at_iso(self) -> str:
        return look.iso_time(self.signed_at) if self.signed_at else ""


def verify_url(code: str) -> str:
    """The public verification page of a registered document, under LIENTHONG_PUBLIC_URL (a QR code's target)."""
    from django.urls import reverse

    return (getattr(settings, "PUBLIC_URL", "") or "").rstrip("/") + reverse("signing-verify-code", args=[code])


def document_for_code(code: str) -> SignedDocument | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return SignedDocument.objects.select_related("signer").filter(code=code).first()


def signer_for_agency(agency_code: str) -> SignerProfile | None:
    return SignerProfile.objects.filter(agency_code=agency_code, active=True).order_by("id").first()


def _now() -> dt.datetime:
    return timezone.now().astimezone(look.VN).replace(microsecond=0)


def _box_points(pdf: bytes, box: FieldBox) -> tuple[int, tuple[float, float, float, float]]:
    """(page, (x1, y1, x2, y2)) in PDF points from the page's lower left, as pyHanko wants the field's box."""
    width, height = keys.page_size(pdf, box.page)
    x1, top = box.x * look.MM, height - box.y * look.MM
    x2, y1 = x1 + box.w * look.MM, top - box.h * look.MM
    if box.w <= 0 or box.h <= 0 or x1 < 0 or y1 < 0 or x2 > width + 0.5 or top > height + 0.5:
        raise SigningError("box_off_page")
    return box.page, (x1, y1, x2, top)


def _register(signed: bytes, *, kind, title, object_ref, signer, signed_at, code, detail_url, by) -> SignedResult:
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        document = SignedDocument.objects.create(
            kind=kind, object_ref=object_ref, title=title, sha256=digest, signer=signer, signed_at=signed_at,
            code=code or new_code(), detail_url=detail_url)
        if by is not None:
            record(by, AuditAction.CREATE, object_type="signed_document", object_id=document.code,
                   summary=msg(gettext_noop("Signed %(title)s"), title=title), detail={"kind": kind, "sha256": digest})
    return SignedResult(signed, digest, signed_at, document)


def _check_pdf(pdf: bytes) -> None:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise SigningError("not_pdf")


def sign_document(pdf: bytes, *, kind: str, title: str, reason: str, object_ref: str = "",
                  signer: SignerProfile | None = None, location: str = "", appearance: bool = True,
                  field_box: FieldBox | tuple | None = None, code: str | None = None, detail_url: str = "",
                  by=None) -> SignedResult:
    """See the module's docstring."""
    _check_pdf(pdf)
    if appearance and signer is None:
        raise SigningError("no_signer")
    if signer is not None and not signer.active:
        raise SigningError("inactive_signer")
    signed_at = _now()
    page, box, stamp = -1, None, None
    if appearance:
        field = FieldBox(*field_box) if isinstance(field_box, tuple) else (field_box or DEFAULT_BOX)
        page, box = _box_points(pdf, field)
        stamp = look.signature_block(title="\n".join(signer.title_lines), full_name=signer.full_name,
                                     agency=signer.agency_name, signed_at=signed_at,
                                     signature_png=bytes(signer.signature_image) or None,
                                     seal_png=bytes(signer.seal_image) or None)
    signed = keys.sign_pdf(pdf, reason=reason, location=location, page=page, box=box, appearance=stamp,
                           signing_time=signed_at)
    return _register(signed, kind=kind, title=title, object_ref=object_ref, signer=signer, signed_at=signed_at,
                     code=code, detail_url=detail_url, by=by)


# The reason is written into the signature of an official Vietnamese document: Vietnamese by design.
def sign_digitised_copy(pdf: bytes, *, agency: str, kind: str, title: str, object_ref: str = "",
                        signer: SignerProfile | None = None, reason: str = "Số hóa bản sao từ bản chính",
                        code: str | None = None, detail_url: str = "", by=None) -> SignedResult:
    """See the module's docstring."""
    _check_pdf(pdf)
    signed_at = _now()
    line, _text = look.digitised_copy_line(agency=agency, signed_at=signed_at)
    width, height = keys.page_size(pdf, 0)
    line_w, line_h = keys.page_size(line, 0)
    # Top right of page 1: 15 mm from the right edge, 5 mm from the top (inside the 20-25 mm top margin Decree
    # 30/2020 gives an administrative document).
    marked = keys.stamp_page(pdf, line, page=0, x=width - 15 * look.MM - line_w, y=height - 5 * look.MM - line_h)
    signed = keys.sign_pdf(marked, reason=reason, location=agency, signing_time=signed_at)
    return _register(signed, kind=kind, title=title, object_ref=object_ref, signer=signer, signed_at=signed_at,
                     code=code, detail_url=detail_url, by=by)


def verify_document(pdf: bytes) -> Verification:
    """See the module's docstring. Any error in the file is an answer (invalid), never an exception."""
    check = keys.validate(pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    document = SignedDocument.objects.select_related("signer").filter(sha256=digest).first()
    signed_at = check.signed_at.astimezone(look.VN) if check.signed_at else None
    if document is not None and document.signer is not None:
        name = f"{document.signer.full_name} — {document.signer.agency_name}"
    else:
        name = check.signer
    return Verification(check.valid, check.intact, check.trusted, name, signed_at, document,
                        (check.problem,) if check.problem else (), check.message, check.signer, digest)

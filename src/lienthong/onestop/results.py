"""A dossier's result document: the PDF an officer uploads when the dossier is done, signed by the shared signing
service, kept with the dossier, handed over at the counter or downloaded by the citizen online.

`finish_with_result` is the one write path: it checks the file, signs it (`sign_result`), stores it and moves the
dossier to "done" through lifecycle.step, all or nothing.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from . import lifecycle
from .errors import DossierError
from .models import Channel, Dossier, DossierStep

MAX_RESULT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class SignedPdf:
    pdf: bytes
    code: str  # the signing service's verification code; "" while the document is not signed


def sign_result(dossier: Dossier, pdf_bytes: bytes, by) -> SignedPdf:
    """The result signed by the shared signing service (PAdES, registered, verifiable on the public page).

    With the agency's signer profile (signing.signer_for_agency) the signature is visible: the Decree 30 block at
    the bottom right of the last page. Without one, or when the uploaded page has no room for the block (a page
    smaller than A4), the document is still signed with the deployment's key, invisibly. The signing is audited
    by the finish step itself (lifecycle), so `by` is not passed on."""
    from lienthong.signing import services as signing

    options = {"kind": "onestop_result", "object_ref": dossier.code, "title": f"Kết quả hồ sơ {dossier.code}",
               "reason": "Ký kết quả giải quyết thủ tục hành chính", "location": dossier.agency.name}
    signer = signing.signer_for_agency(dossier.agency.code)
    if signer is not None:
        try:
            signed = signing.sign_document(pdf_bytes, signer=signer, **options)
            return SignedPdf(signed.pdf, signed.code)
        except signing.SigningError as exc:
            if exc.code != "box_off_page":
                raise
    signed = signing.sign_document(pdf_bytes, appearance=False, signer=signer, **options)
    return SignedPdf(signed.pdf, signed.code)


def _check_pdf(content: bytes) -> None:
    if not content:
        raise DossierError("needs_result", "result")
    if len(content) > MAX_RESULT_BYTES or not content.lstrip()[:5] == b"%PDF-":
        raise DossierError("result_not_pdf", "result")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        if len(PdfReader(io.BytesIO(content)).pages) < 1:
            raise DossierError("result_not_pdf", "result")
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DossierError("result_not_pdf", "result") from exc


def finish_with_result(dossier: Dossier, by, *, content: bytes | None, note: str = "", at=None) -> DossierStep:
    """Finish the dossier (lifecycle "finish") with its result PDF. The PDF is needed for a dossier submitted
    online (its result is downloaded); at the counter a paper result may be handed over without one."""
    if content:
        _check_pdf(content)
    elif dossier.channel == Channel.ONLINE:
        raise DossierError("needs_result", "result")
    stored = None
    try:
        with transaction.atomic():
            if content:
                signed = sign_result(dossier, content, by)
                digest = hashlib.sha256(signed.pdf).hexdigest()
                dossier.result_file.save(f"{dossier.code}.pdf", ContentFile(signed.pdf), save=False)
                stored = dossier.result_file.name
                Dossier.objects.filter(pk=dossier.pk).update(result_file=stored, result_sha256=digest,
                                                             result_signed_code=signed.code)
                detail = {"result_sha256": digest, "signed": bool(signed.code)}
            else:
                detail = {"result": "paper"}
            return lifecycle.step(dossier, by, "finish", note=note, at=at, detail=detail)
    except Exception:
        if stored:
            dossier.result_file.storage.delete(stored)
        raise

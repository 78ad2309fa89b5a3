"""The public verification page (no login, phone-first): any PDF this site signed, uploaded or reached by its
verification code (the QR code on the document), is checked here: valid or not, who signed and when (+07:00),
which document it is, changed or not. The port's clearance page (/cang/xac-minh/<token>/) shows the trip and
checks copies with the same service and the same result panel."""
from __future__ import annotations

from django.shortcuts import render

from lienthong.accounts.ratelimit import limit_public

from . import services
from .forms import VerifyUploadForm


def check_upload(request) -> tuple[VerifyUploadForm, services.Verification | None]:
    """The upload form of a POST and the verification of its PDF (None when the form has an error)."""
    form = VerifyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    return form, services.verify_document(form.cleaned_data["document"])


@limit_public
def verify(request, code: str | None = None):
    document = services.document_for_code(code) if code else None
    if code and document is None:
        return render(request, "signing/verify.html", {"unknown_code": True, "form": VerifyUploadForm()}, status=404)
    form, result = check_upload(request) if request.method == "POST" else (VerifyUploadForm(), None)
    same = result is not None and document is not None and result.sha256 == document.sha256
    return render(request, "signing/verify.html", {"document": document, "form": form, "result": result,
                                                   "same_as_registered": same})

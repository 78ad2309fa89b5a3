"""The officers' pages for digitised components: the search over dossiers by their scanned text, and the scan and
its searchable copy as PDF. Thin: scope, audit and the search itself are onestop.digitising's."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.identity.text import nfc

from .. import digitising
from ..errors import DossierError

RESULTS_LIMIT = 50


@login_required
@require_GET
def text_search(request):
    if not can_handle_dossiers(request.user):  # officers of the dossier roles; a volunteer or a viewer has no use for it
        record(request, AuditAction.DENIED, object_type="dossier",
               summary=msg(gettext_noop("One-stop page %(path)s"), path=request.path))
        raise PermissionDenied
    q = nfc(request.GET.get("q", ""))[:200]
    hits = digitising.search_text(request, q, limit=RESULTS_LIMIT + 1) if q else []
    # The query is "text_q" in the context: base.html fills the header's vessel search box with "q".
    return render(request, "onestop/desk/text_search.html", {
        "text_q": q, "hits": hits[:RESULTS_LIMIT], "more": len(hits) > RESULTS_LIMIT, "limit": RESULTS_LIMIT,
        "terms": digitising.text_terms(q),
    })


@login_required
@require_GET
def scan_file(request, pk: int, searchable: bool = False):
    try:
        component, data = digitising.open_scan(request, pk, searchable=searchable)
    except DossierError:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/pdf")
    # Shown in the browser, named after the dossier and the component's position (no personal data in the name).
    suffix = "-ocr" if searchable else ""
    response["Content-Disposition"] = f'inline; filename="{component.dossier.code}-{component.pk}{suffix}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

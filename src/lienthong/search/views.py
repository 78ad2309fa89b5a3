"""The search pages: the results page and the drop-down under the header's search box. Thin: the query, ranking
and area scoping are the index's (search.index); the pages check roles, log the search and render."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_see_personal_data
from lienthong.fleet.models import Vessel
from lienthong.identity.collation import vi_sort_key
from lienthong.identity.text import nfc

from . import spelling
from .index import search_vessels

SUGGEST_LIMIT = 8
RESULTS_LIMIT = 100


def _search(q: str, user, limit: int) -> list[Vessel]:
    return list(search_vessels(q, user, limit=limit))


SORTS = {
    "reg": lambda v: vi_sort_key(v.registration_number),
    "name": lambda v: vi_sort_key(v.name),
    "owner": lambda v: vi_sort_key(str(v.owner) if v.owner else ""),
}


@login_required
@require_GET
def search(request):
    q = nfc(request.GET.get("q", ""))[:200]
    sort = request.GET.get("sort", "")
    results: list[Vessel] = []
    show_personal = can_see_personal_data(request.user)
    more = False
    instead = None  # the corrected query the results are for, when the typed one found nothing
    if q:
        # One more than shown: whether the cap cut the list off, so the page never calls 100 "all found".
        results = _search(q, request.user, RESULTS_LIMIT + 1)
        if not results:
            instead = spelling.corrected(q)
            results = _search(instead, request.user, RESULTS_LIMIT + 1) if instead else []
        more = len(results) > RESULTS_LIMIT
        results = results[:RESULTS_LIMIT]
        if sort in SORTS and (sort != "owner" or show_personal):
            results.sort(key=SORTS[sort])
        # The query may be a CCCD and the results name owners: a personal-data access, logged once per page.
        audit.record(request, AuditAction.SEARCH, object_type="vessel", summary=q,
                     detail={"q": q, "results": len(results), **({"more": True} if more else {}),
                             **({"corrected": instead} if instead else {})})
    return render(request, "search/search.html", {
        "q": q, "results": results, "sort": sort, "show_personal": show_personal, "limit": RESULTS_LIMIT, "more": more,
        "instead": instead if results else None,
    })


@login_required
@require_GET
def search_suggest(request):
    """The drop-down under the header search box (htmx). Owners' names appear only for roles that may see
    personal data, and then the request is logged like a search (marked as a suggestion)."""
    q = nfc(request.GET.get("q", ""))[:200]
    results = _search(q, request.user, SUGGEST_LIMIT) if len(q) >= 2 else []
    show_personal = can_see_personal_data(request.user)
    if results and show_personal:
        audit.record(request, AuditAction.SEARCH, object_type="vessel", summary=q,
                     detail={"q": q, "results": len(results), "suggest": True})
    return render(request, "search/_suggest.html", {"q": q, "results": results, "show_personal": show_personal})

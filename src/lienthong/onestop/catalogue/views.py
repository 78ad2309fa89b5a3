"""The catalogue's pages. Thin: the list filters in Python, the import is services.import_catalogue."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.identity.text import fold

from ..errors import DossierError
from ..models import Procedure
from . import finder
from .services import LAYOUT, CatalogueImportError, can_import_catalogue, import_catalogue

PER_PAGE = 50


@login_required
def procedures(request):
    """Search as citizens ask ("lam giay ket hon" finds "Đăng ký kết hôn", best first: finder), filter by field and
    level. Ranked in Python: a province's catalogue is a few thousand rows, read once per page."""
    q = request.GET.get("q", "").strip()[:100]
    field = request.GET.get("linh_vuc", "")[:200]
    level = request.GET.get("cap", "")
    qs = Procedure.objects.filter(active=True).prefetch_related("agencies")
    fields = sorted(set(qs.values_list("field", flat=True)), key=fold)
    if field:
        qs = qs.filter(field=field)
    if level in Procedure.Level.values:
        qs = qs.filter(level=level)
    rows = finder.rank(list(qs.order_by("field", "name")), q)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "onestop/catalogue/list.html", {
        "page": page, "total": len(rows), "search": q, "field": field, "level": level, "fields": fields,
        "levels": Procedure.Level.choices, "can_import": can_import_catalogue(request.user)})


@login_required
def procedure(request, pk: int):
    item = get_object_or_404(Procedure.objects.prefetch_related("components", "agencies"), pk=pk)
    return render(request, "onestop/catalogue/detail.html", {
        "procedure": item, "components": list(item.components.all()), "agencies": list(item.agencies.order_by("level", "name"))})


@login_required
def import_page(request):
    if not can_import_catalogue(request.user):
        record(request, AuditAction.DENIED, object_type="procedure_catalogue",
               summary=msg(gettext_noop("Procedure catalogue import refused")))
        raise PermissionDenied
    context = {"layout": LAYOUT, "error": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["missing"] = True
            return render(request, "onestop/catalogue/import.html", context, status=400)
        try:
            result = import_catalogue(upload, file_name=upload.name, by=request)
        except CatalogueImportError as exc:
            context["error"] = exc
            return render(request, "onestop/catalogue/import.html", context, status=400)
        except DossierError as exc:  # pragma: no cover - the role was checked above
            raise PermissionDenied from exc
        messages.success(request, _("%(file)s imported: %(count)s procedures (%(created)s new, %(updated)s changed, "
                                    "%(unchanged)s unchanged).") % {
            "file": result.file_name, "count": result.procedures, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged})
        return redirect("onestop:procedures")
    return render(request, "onestop/catalogue/import.html", context)

"""The fleet's pages: overview, vessel record, registry import (the search pages are the search app's).
Thin: access checks, one query each, then a template.

Every page needs a logged-in user; row-level reach comes from `accounts.scopes`.
"""
from __future__ import annotations

import csv
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction
from lienthong.accounts.redaction import redact_changes
from lienthong.accounts.scopes import can_see_personal_data, can_write_registry
from lienthong.fleet.columns import COLUMNS
from lienthong.fleet.models import FishingLicence, IdentityStatus, ImportStatus, Owner, RegistryImport, SafetyCertificate, Vessel
from lienthong.fleet.owner_identity import owner_identity, pending_identity_change, verification_provenance
from lienthong.geo.units import commune_name
from lienthong.printing import cells

from . import labels, listing
from .forms import ImportForm

# Roles whose work is elsewhere land there instead of the fleet overview: port officers at their desk (issue 8,
# item 14), the one-stop centre's officers at their dossiers, a youth volunteer on the citizens' portal.
ROLE_LANDING = {"port": "port-desk", "centre": "onestop:desk", "volunteer": "public:home",
                "department": "campaigns:board"}  # a department officer keeps a registry, not the fleet


@login_required
@require_GET
def home(request):
    """The overview: each figure is the size of a vessel list (`listing.overview_counts`) and links to it."""
    user = request.user
    landing = ROLE_LANDING.get(getattr(user, "role", ""))
    if landing:
        return redirect(landing)
    counts = listing.overview_counts(user)
    # Rows keep the code ("" for an unknown length) the list's filter takes as listing.UNKNOWN.
    lengths = [("" if c.key == listing.UNKNOWN else c.key, labels.length_class_label("" if c.key == listing.UNKNOWN else c.key), c.n)
               for c in counts["lengths"]]
    statuses = [(c.key, IdentityStatus(c.key).label, c.n) for c in counts["statuses"]]
    return render(request, "fleet/home.html", {
        "vessel_total": sum(c.n for c in counts["lengths"]),
        "length_rows": lengths,
        "papers": {key: c.n for key, c in counts["papers"].items()},
        "paper_queries": {key: c.query() for key, c in counts["papers"].items()},
        "owner_total": sum(c.n for c in counts["statuses"]),
        "status_rows": statuses,
        "scoped_communes": user.commune_codes() if user.is_area_scoped else [],
    })


def _reg_key(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


@login_required
@require_GET
def vessel_detail(request, registration_number: str):
    visible = Vessel.objects.select_related("owner").visible_to(request.user)
    vessel = visible.filter(registration_number=registration_number).first()
    if vessel is None:  # "kg 91234 ts" or "KG91234TS" typed by hand still finds KG-91234-TS
        vessel = get_object_or_404(visible, reg_key=_reg_key(registration_number))
        return redirect("fleet-vessel", registration_number=vessel.registration_number)

    owner = vessel.owner
    show_personal = owner is not None and can_see_personal_data(request.user)
    if show_personal:
        audit.record(request, AuditAction.VIEW, object_type="owner", object_id=owner.pk,
                     summary=vessel.registration_number, detail={"vessel": vessel.registration_number})

    changes = []
    for change in vessel.changes.select_related("user", "source_import")[:50]:
        fields = []
        shown, masked = redact_changes(change.changes, show_personal)  # the one rule pages, API and exports use
        for key, values in shown.items():
            if key in masked:  # the owner changed: said, without whom to whom
                fields.append((_field_label(key), None, None, True))
                continue
            old, new = (list(values) + [None, None])[:2] if isinstance(values, (list, tuple)) else (None, values)
            fields.append((_field_label(key), _value_display(key, old), _value_display(key, new), False))
        changes.append({"change": change, "fields": fields})

    other_vessels = []
    if show_personal:
        other_vessels = list(owner.vessels.exclude(pk=vessel.pk).visible_to(request.user)
                             .values_list("registration_number", flat=True))
    return render(request, "fleet/vessel.html", {
        "vessel": vessel,
        "owner": owner,
        "identity": owner_identity(owner) if show_personal else None,
        "verified_by": _verified_by(verification_provenance(owner)) if show_personal else "",
        "pending_change": pending_identity_change(owner) if show_personal and owner else None,
        "show_personal": show_personal,
        "licences": list(vessel.licences.all()),
        "certificates": list(vessel.safety_certificates.all()),
        "changes": changes,
        "other_vessels": other_vessels,
    })


def _verified_by(provenance) -> str:
    """By what an identity was verified, in words: "sync run no. 3", "review decision (thuysan)"…"""
    if provenance is None:
        return ""
    if provenance.via == "sync":
        return _("sync run no. %(run)s") % {"run": provenance.run_id}
    if provenance.via == "review":
        return _("review decision (%(user)s)") % {"user": provenance.user or "—"}
    if provenance.via == "worklist":
        return _("answer from the commune or the police (%(user)s)") % {"user": provenance.user or "—"}
    if provenance.via == "upload":
        return _("answer in an uploaded worklist file (%(user)s)") % {"user": provenance.user or "—"}
    return _("population database check")


_CHANGE_PREFIXES = {
    "owner": (Owner, _l("Owner")),
    "licence": (FishingLicence, _l("Fishing licence")),
    "safety_certificate": (SafetyCertificate, _l("Technical safety certificate")),
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# History keys that are not model fields: a commune's or police's worklist answer (sync.actions).
_EXTRA_LABELS = {"identity_answer": _l("answer of the commune or police"), "identity_note": _l("note with the answer")}


def _field_label(key: str) -> str:
    """A history key ("length_m", "licence.expires_on", "owner") as words in the user's language."""
    prefix, _dot, name = key.rpartition(".")
    if not prefix and name in _CHANGE_PREFIXES:
        return str(_CHANGE_PREFIXES[name][1])
    model, prefix_label = _CHANGE_PREFIXES.get(prefix, (Vessel, ""))
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - not a model field: fall back to the registry column header
        label = str(_EXTRA_LABELS[name]) if name in _EXTRA_LABELS else (COLUMNS[name][0] if name in COLUMNS else name)
    return f"{prefix_label}: {label}" if prefix_label else capfirst(label)


def _value_display(key: str, value):
    """Codes in the history shown as the page shows them elsewhere (labels, commune names, dd/mm/yyyy)."""
    if value is None or value == "":
        return None
    name = key.rpartition(".")[2]
    text = str(value)
    if name == "gear":
        return labels.gear_label(text) or text
    if name in ("fishing_zone", "zone"):
        return labels.zone_label(text) or text
    if name == "length_class":
        return labels.length_class_label(text)
    if name == "commune_code":
        return commune_name(text)
    if name == "identity_status" and text in IdentityStatus.values:
        return IdentityStatus(text).label
    match = _ISO_DATE.match(text)
    if match:
        return f"{match[3]}/{match[2]}/{match[1]}"
    return text


def _require_writer(request) -> None:
    if not can_write_registry(request.user):
        raise PermissionDenied(_("Only fisheries officers and administrators may import registry files."))


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    _require_writer(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            from lienthong.fleet.importer import import_registry
            from lienthong.fleet.importer.jobs import queue_import, runs_in_background

            upload = form.cleaned_data["file"]
            mapping = form.cleaned_data["mapping"]
            options = {"file_name": upload.name, "user": request.user, "mapping": mapping.mapping if mapping else None,
                       "sheet": form.cleaned_data["sheet"] or None}
            # A large file goes to the job worker; the page returns at once to the import's progress.
            result = queue_import(upload, **options) if runs_in_background(upload) else import_registry(upload, **options)
            # The file carries owners' personal data: who loaded what, and with which outcome, is logged
            # (a queued import's outcome is logged again by the worker when it ends).
            audit.record(request, AuditAction.IMPORT, object_type="registry_import", object_id=result.pk,
                         summary=upload.name, detail={
                             "status": result.status, "rows_total": result.rows_total,
                             "rows_created": result.rows_created, "rows_updated": result.rows_updated,
                             "rows_unchanged": result.rows_unchanged, "rows_rejected": result.rows_rejected,
                         })
            return redirect("fleet-import-detail", pk=result.pk)
    else:
        form = ImportForm()
    from lienthong.fleet.importer.abandoned import fail_abandoned_imports

    fail_abandoned_imports()  # why here: see importer.abandoned
    # The list never needs the stored problems (up to IMPORT_MAX_PROBLEMS each): left in the database.
    runs = RegistryImport.objects.select_related("imported_by").defer("errors", "warnings", "mapping")
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(request, "fleet/import.html", {"form": form, "page": page})


PROBLEMS_PER_PAGE = 100


@login_required
@require_GET
def import_detail(request, pk: int):
    _require_writer(request)
    from lienthong.fleet.importer.abandoned import fail_abandoned_imports
    from lienthong.fleet.importer.report import import_report

    fail_abandoned_imports()
    run = get_object_or_404(RegistryImport.objects.select_related("imported_by"), pk=pk)
    report = import_report(run)
    page = Paginator(report.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "fleet/import_detail.html", {
        "run": run, "report": report, "page": page,
        # While the worker has it, the progress is asked for every 2 s (htmx; without scripts the page reloads).
        "refresh_seconds": 2 if report.outcome in ("queued", "running") else None,
    })


@login_required
@require_GET
def import_progress(request, pk: int):
    """The progress box of a queued or running import (polled by its page); once the import has ended, htmx is
    told to reload the page, which then shows the report."""
    _require_writer(request)
    from lienthong.fleet.importer.abandoned import fail_abandoned_imports
    from lienthong.fleet.importer.report import import_report

    fail_abandoned_imports()
    run = get_object_or_404(RegistryImport.objects.defer("errors", "warnings", "mapping"), pk=pk)
    if run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):  # (no problems are stored before the end)
        return render(request, "fleet/_import_progress.html", {"run": run, "report": import_report(run), "oob": True})
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def import_errors_csv(request, pk: int):
    """The row problems as a CSV that Excel opens with Vietnamese intact (UTF-8 with a byte-order mark)."""
    from lienthong.fleet.importer.report import import_report

    _require_writer(request)
    run = get_object_or_404(RegistryImport, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="loi-nhap-{run.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)

    def writerow(row):  # the file name, columns and messages quote the uploaded file: no field may start a formula
        writer.writerow(cells.csv_row(row))

    writerow([_("File"), _("Row"), _("Column"), pgettext("import report", "Problem"), _("Row imported?")])
    report = import_report(run)
    for item in report.problems:
        writerow([run.file_name, item.get("row", ""), item.get("column", ""), item.get("message", ""),
                  _("yes, with a warning") if item["imported"] else pgettext("row imported", "no")])
    if report.capped:  # said in the file too: whoever opens it may not have seen the page
        writerow([run.file_name, "", "", _("Only the first %(shown)s of %(total)s problems were kept; correct "
                                           "these rows, then import the file again to see the others.")
                  % {"shown": number_format(len(report.problems), force_grouping=True),
                     "total": number_format(report.total, force_grouping=True)}, ""])
    return response

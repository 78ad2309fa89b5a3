"""Map the columns of a registry file whose headers differ from the usual ones, save the mapping under a
name for the next file of the same shape, and import with it.

The upload is kept in the data directory between the two steps (preview, then map-and-import) under a
random token tied to the session, and removed after the import.
"""
from __future__ import annotations

import secrets
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction
from lienthong.fleet.columns import COLUMNS, REQUIRED, label
from lienthong.fleet.models import ColumnMapping

from .forms import IMPORT_EXTENSIONS, clean_registry_upload
from .views import _require_writer

SESSION_KEY = "lienthong_mapping_upload"


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


class MappingUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Registry file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS), "data-testid": "mapping-file"}),
    )
    sheet = forms.CharField(required=False, max_length=100, label=gettext_lazy("Sheet name (Excel)"),
                            widget=forms.TextInput(attrs={"data-testid": "mapping-sheet"}))

    def clean_file(self):
        return clean_registry_upload(self.cleaned_data["file"])


def _column_choices() -> list[tuple[str, str]]:
    return [("", _("— ignore this column —"))] + [(key, label(key)) for key in COLUMNS]


def _stored_upload(request) -> dict | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or not (_upload_dir() / stored["token"]).is_file():
        return None
    return stored


@login_required
@require_http_methods(["GET", "POST"])
def mapping_page(request):
    """Step 1 (upload → preview of the headers) and step 2 (chosen mapping → saved → imported)."""
    _require_writer(request)
    from lienthong.fleet.importer import import_registry, preview_headers

    if request.method == "POST" and "file" in request.FILES:
        form = MappingUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = secrets.token_hex(16) + PurePath(upload.name).suffix.lower()
            with open(_upload_dir() / token, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            request.session[SESSION_KEY] = {"token": token, "name": upload.name, "sheet": form.cleaned_data["sheet"]}
            return redirect("fleet-import-mapping")
        return render(request, "fleet/import_mapping.html", {"form": form})

    stored = _stored_upload(request)
    if stored is None:
        return render(request, "fleet/import_mapping.html", {"form": MappingUploadForm()})
    path = _upload_dir() / stored["token"]
    preview = preview_headers(path, stored["name"], sheet=stored["sheet"] or None)
    if not preview.headers:
        # No header row could be found at all: nothing to map. Start again with another file.
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
        form = MappingUploadForm()
        return render(request, "fleet/import_mapping.html", {"form": form, "file_error": preview.message})

    errors: list[str] = []
    chosen = {h: (preview.mapping.get(h) or "") for h in preview.headers}
    name = ""
    if request.method == "POST":
        known = set(COLUMNS)
        chosen = {h: request.POST.get(f"col-{i}", "") for i, h in enumerate(preview.headers)}
        chosen = {h: (k if k in known else "") for h, k in chosen.items()}
        name = request.POST.get("name", "").strip()
        picked = [k for k in chosen.values() if k]
        for key in REQUIRED:
            if key not in picked:
                errors.append(_('Choose which column holds "%(label)s".') % {"label": label(key)})
        twice = sorted({label(k) for k in picked if picked.count(k) > 1})
        if twice:
            errors.append(_("Each field may come from one column only: %(labels)s.") % {"labels": ", ".join(twice)})
        if not name:
            errors.append(_("Give the mapping a name, e.g. the office or system the file comes from."))
        if not errors:
            mapping = {h: (k or None) for h, k in chosen.items()}
            with transaction.atomic():
                saved, _created = ColumnMapping.objects.update_or_create(
                    name=name, defaults={"mapping": mapping, "created_by": request.user}
                )
            result = import_registry(path, file_name=stored["name"], user=request.user, mapping=saved,
                                     sheet=stored["sheet"] or None)
            audit.record(request, AuditAction.IMPORT, object_type="registry_import", object_id=result.pk,
                         summary=stored["name"], detail={"status": result.status, "rows_total": result.rows_total,
                                                         "rows_rejected": result.rows_rejected, "mapping": saved.name})
            path.unlink(missing_ok=True)
            request.session.pop(SESSION_KEY, None)
            return redirect("fleet-import-detail", pk=result.pk)

    rows = [{"index": i, "header": h, "chosen": chosen.get(h, "")} for i, h in enumerate(preview.headers)]
    return render(request, "fleet/import_mapping.html", {
        "preview": preview, "rows": rows, "choices": _column_choices(), "errors": errors, "name": name,
        "file_name": stored["name"],
    })

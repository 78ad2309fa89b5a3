from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import AuditAction
from lienthong.fleet.models import ColumnMapping

from .sorting import vi_sorted

IMPORT_EXTENSIONS = (".csv", ".xlsx", ".xls")
MAX_IMPORT_BYTES = 50 * 1024 * 1024  # a province registry is a few MB; this stops accidental uploads of backups


def clean_registry_upload(upload):
    """The checks every registry upload gets before it is read: its kind by extension, and its size."""
    if PurePath(upload.name).suffix.lower() not in IMPORT_EXTENSIONS:
        raise forms.ValidationError(_("Choose a CSV, .xlsx or .xls file."))
    if upload.size > MAX_IMPORT_BYTES:
        raise forms.ValidationError(_("The file is larger than 50 MB."))
    return upload


class MappingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ColumnMapping) -> str:
        return obj.name


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file"),
        help_text=_("CSV, Excel .xlsx or .xls, with one vessel per row and a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS), "id": "import-file",
                                               "data-testid": "import-file"}),
    )
    mapping = MappingChoiceField(
        queryset=ColumnMapping.objects.none(),
        required=False,
        label=_("Saved column mapping"),
        empty_label=_("— Recognise the headers automatically —"),
        widget=forms.Select(attrs={"id": "import-mapping", "data-testid": "import-mapping"}),
    )
    sheet = forms.CharField(
        required=False,
        max_length=100,
        label=_("Sheet name (Excel)"),
        help_text=_("Leave empty to read the first sheet."),
        widget=forms.TextInput(attrs={"id": "import-sheet", "data-testid": "import-sheet"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        field.queryset = ColumnMapping.objects.all()
        # Vietnamese-aware order for the drop-down (the database collation does not fold diacritics).
        ordered = vi_sorted(field.queryset, key=lambda m: m.name)
        field.choices = [("", field.empty_label)] + [(m.pk, m.name) for m in ordered]

    def clean_file(self):
        return clean_registry_upload(self.cleaned_data["file"])


DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=150, label=_("User"),
                           widget=forms.TextInput(attrs={"id": "audit-user", "data-testid": "audit-user"}))
    action = forms.ChoiceField(required=False, label=_("Action"),
                               choices=[("", _("All actions"))] + list(AuditAction.choices),
                               widget=forms.Select(attrs={"id": "audit-action", "data-testid": "audit-action"}))
    object = forms.CharField(required=False, max_length=64, label=_("Object"),
                             help_text=_("Object type or identifier, e.g. owner or 42."),
                             widget=forms.TextInput(attrs={"id": "audit-object", "data-testid": "audit-object"}))
    # Plain text in dd/mm/yyyy, as officers write dates: a browser date picker follows the PC's locale and
    # shows mm/dd/yyyy on English Windows. ISO dates are accepted too (links, scripts).
    date_from = forms.DateField(required=False, label=_("From"), input_formats=DATE_INPUTS,
                                widget=forms.DateInput(attrs={"id": "audit-from", "data-testid": "audit-from",
                                                              "placeholder": "dd/mm/yyyy", "inputmode": "numeric"},
                                                       format="%d/%m/%Y"))
    date_to = forms.DateField(required=False, label=_("To"), input_formats=DATE_INPUTS,
                              widget=forms.DateInput(attrs={"id": "audit-to", "data-testid": "audit-to",
                                                            "placeholder": "dd/mm/yyyy", "inputmode": "numeric"},
                                                     format="%d/%m/%Y"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

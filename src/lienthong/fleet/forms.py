from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.fleet.models import ColumnMapping
from lienthong.identity.collation import vi_sorted

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

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.fleet.labels import GEAR_LABELS, ZONE_LABELS

from .models import Port, Severity
from .services import CrewInput

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DeclarationForm(forms.Form):
    registration_number = forms.CharField(label=_("Registration number"), max_length=32)
    owner_cccd = forms.CharField(label=_("Owner's CCCD"), max_length=16, required=False,
                                 help_text=_("As in the vessel registry; proves the declaration comes from the owner."))
    port = forms.ModelChoiceField(label=_("Port of departure"), queryset=Port.objects.filter(active=True))
    captain_name = forms.CharField(label=_("Captain's full name"), max_length=200)
    captain_cccd = forms.CharField(label=_("Captain's CCCD"), max_length=16)
    captain_birth_date = forms.DateField(label=_("Captain's birth date"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}))
    zone = forms.ChoiceField(label=_("Intended zone"), choices=list(ZONE_LABELS.items()))
    gear = forms.ChoiceField(label=_("Gear"), choices=list(GEAR_LABELS.items()))
    departure_at = forms.DateTimeField(label=_("Departure"), input_formats=DT_FORMATS, widget=DateTimeLocal())
    expected_return_at = forms.DateTimeField(label=_("Expected return"), input_formats=DT_FORMATS,
                                             widget=DateTimeLocal())
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)


def crew_from_post(data) -> tuple[list[CrewInput], list[dict]]:
    """Crew rows crew-N-name / crew-N-cccd / crew-N-birth; blank rows are skipped. Also returns the rows
    as typed, to show the form again after an error."""
    crew, rows = [], []
    indexes = sorted({int(k.split("-")[1]) for k in data if k.startswith("crew-") and k.split("-")[1].isdigit()})
    for i in indexes:
        name = data.get(f"crew-{i}-name", "").strip()
        cccd = data.get(f"crew-{i}-cccd", "").strip()
        birth = data.get(f"crew-{i}-birth", "").strip()
        if not (name or cccd or birth):
            continue
        rows.append({"name": name, "cccd": cccd, "birth": birth})
        try:
            birth_date = date.fromisoformat(birth) if birth else None
        except ValueError:
            birth_date = None
        crew.append(CrewInput(name, cccd, birth_date))
    return crew, rows


class RuleForm(forms.Form):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description and legal basis"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    parameters = forms.JSONField(label=_("Parameters (JSON)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def clean_parameters(self):
        value = self.cleaned_data.get("parameters")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Parameters must be a JSON object."))
        return value

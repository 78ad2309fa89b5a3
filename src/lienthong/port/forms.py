from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienthong.fleet.labels import GEAR_LABELS, ZONE_LABELS
from lienthong.typed_input import whole_number

from .models import Port, Severity
from .numbers import NumberError, local_number, parse_decimal
from .services import MAX_CATCH_WEIGHT, CrewInput

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def parse_local_datetime(text: str):
    """A date and time typed on a page, in the site's time zone (Asia/Ho_Chi_Minh); None if unreadable."""
    from datetime import datetime

    from django.utils import timezone

    for fmt in DT_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime((text or "").strip(), fmt))
        except ValueError:
            continue
    return None


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DeclarationForm(forms.Form):
    registration_number = forms.CharField(label=_("Registration number"), max_length=32)
    owner_cccd = forms.CharField(label=_("Owner's CCCD"), max_length=16, required=False,
                                 help_text=_("As in the vessel registry; proves the declaration comes from the owner."))
    owner_code = forms.CharField(label=_("One-time code"), max_length=8, required=False,
                                 help_text=_("Sent to the owner's phone when the page offers it."),
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
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


def _row_indexes(data, prefix: str) -> list[int]:
    """The N of the fields named prefix + "N-…"; a field with anything else there (crew-²-name) is not a row."""
    found = (whole_number(key[len(prefix):].split("-", 1)[0]) for key in data if key.startswith(prefix))
    return sorted({n for n in found if n is not None})


def crew_from_post(data) -> tuple[list[CrewInput], list[dict]]:
    """Crew rows crew-N-name / crew-N-cccd / crew-N-birth; blank rows are skipped. Also returns the rows
    as typed, to show the form again after an error."""
    crew, rows = [], []
    indexes = _row_indexes(data, "crew-")
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


CATCH_ROWS_SHOWN = 6
MAX_CATCH_LINES = 60  # one line per species: more than any hold carries


def catch_from_post(data, species: dict) -> tuple[list, list[dict], list[str]]:
    """Catch rows catch-N-species / catch-N-kg. Returns (catches, rows as typed, errors): the rows come back
    exactly as typed, every one of them, so that an error anywhere on the form loses nothing; blank rows are
    skipped and the errors name the line as the officer counts them (1, 2, …, blank rows not counted)."""
    catches, rows, errors = [], [], []
    indexes = _row_indexes(data, "catch-")
    for i in indexes:
        code = data.get(f"catch-{i}-species", "").strip()
        text = data.get(f"catch-{i}-kg", "").strip()
        if not code and not text:
            continue
        rows.append({"species": code, "kg": text})
        line = len(rows)
        if line > MAX_CATCH_LINES:
            errors.append(gettext("At most %(n)s catch lines") % {"n": MAX_CATCH_LINES})
            break
        if code not in species:
            errors.append(gettext("Line %(n)s: choose a species") % {"n": line})
            continue
        try:
            weight = parse_decimal(text)
        except NumberError as exc:
            if exc.code == "ambiguous":
                a, b = exc.readings
                errors.append(gettext("Line %(n)s: “%(text)s” could be %(a)s or %(b)s kg: write it clearly, "
                                      "e.g. %(c)s or %(d)s") % {
                    "n": line, "text": text, "a": local_number(a), "b": local_number(b),
                    "c": local_number(a, grouping=False), "d": local_number(b, grouping=False)})
            else:
                errors.append(gettext("Line %(n)s: invalid weight: %(text)s") % {"n": line, "text": text or "—"})
            continue
        if weight <= 0 or weight > MAX_CATCH_WEIGHT or weight != round(weight, 1):
            errors.append(gettext("Line %(n)s: the weight must be more than 0 and at most %(max)s kg, "
                                  "with at most one decimal") % {"n": line, "max": local_number(MAX_CATCH_WEIGHT)})
            continue
        catches.append((species[code], weight))
    return catches, rows, errors


def catch_rows_shown(rows: list[dict]) -> list[dict]:
    """The rows to draw: those typed, then blank ones up to at least CATCH_ROWS_SHOWN (and one spare)."""
    shown = list(rows)
    while len(shown) < max(CATCH_ROWS_SHOWN, len(rows) + 1):
        shown.append({"species": "", "kg": ""})
    return shown


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

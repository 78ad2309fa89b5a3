"""The desk's forms: the list's filters (from the query string) and the register's date range."""
from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.workdays import VN_TZ

from ..models import Agency, Channel, Dossier, Procedure, State
from . import listing

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
TIMELINESS_CHOICES = [("", _("Any")), ("early", _("Early")), ("on_time", _("On time")), ("late", _("Late")),
                      (listing.DUE_SOON, _("Due within 2 working days"))]
DATE_FIELD_CHOICES = [("received", _("Received")), ("due", _("Due")), ("finished", _("Finished"))]


def visible_agencies(user):
    """Agencies whose register the user may print: an area-scoped officer's communes' centres; administrators all;
    others the agencies of the dossiers they see."""
    if user.is_superuser or user.role == "admin":
        return Agency.objects.all()
    if user.is_area_scoped:
        return Agency.objects.filter(commune_code__in=user.commune_codes())
    return Agency.objects.filter(pk__in=Dossier.objects.visible_to(user).values("agency_id"))


class DeskListForm(forms.Form):
    q = forms.CharField(label=_("Code, ID number or name"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    timeliness = forms.ChoiceField(label=_("Timeliness"), required=False, choices=TIMELINESS_CHOICES)
    date_field = forms.ChoiceField(label=_("Date"), required=False, choices=DATE_FIELD_CHOICES)
    date_from = forms.DateField(label=_("From"), required=False, input_formats=DATE_INPUTS,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, input_formats=DATE_INPUTS,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, data, user):
        super().__init__(data)
        self.user = user
        self.fields["state"].choices = [("", _("Any")), *((str(v), f"{v}. {label}") for v, label in State.choices)]
        self.fields["channel"].choices = [("", _("Any")), *((str(v), label) for v, label in Channel.choices)]
        procedures = Procedure.objects.filter(
            pk__in=Dossier.objects.visible_to(user).values("procedure_id")).order_by("name")
        self.fields["procedure"].choices = [("", _("Any")), *((str(p.pk), f"{p.national_code} {p.name}") for p in procedures)]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"desk-{name}")
            field.widget.attrs["data-testid"] = f"filter-{name}"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def desk_filter(self) -> listing.DeskFilter:
        d = self.cleaned_data
        return listing.DeskFilter(state=d.get("state") or "", procedure=d.get("procedure") or "",
                                  channel=d.get("channel") or "", mine=bool(d.get("mine")),
                                  timeliness=d.get("timeliness") or "", date_field=d.get("date_field") or "received",
                                  date_from=d.get("date_from"), date_to=d.get("date_to"), q=(d.get("q") or "").strip())


class RegisterForm(forms.Form):
    """Form 06's range and agency."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), to_field_name="code")
    date_from = forms.DateField(label=_("From"), input_formats=DATE_INPUTS,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), input_formats=DATE_INPUTS,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, data, user, initial=None):
        super().__init__(data, initial=initial)
        self.fields["agency"].queryset = visible_agencies(user).order_by("name")
        self.fields["agency"].empty_label = None
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"register-{name}")
            field.widget.attrs["data-testid"] = f"register-{name}"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to"):
            if data["date_from"] > data["date_to"]:
                self.add_error("date_to", _("The end of the range is before its start."))
            elif (data["date_to"] - data["date_from"]).days > 366:
                self.add_error("date_to", _("The register covers at most one year at a time."))
        return data


def parse_local(text: str) -> datetime | None:
    """A datetime-local input ("2026-12-10T16:00") or "10/12/2026 16:00", read as Việt Nam time."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=VN_TZ)
        except ValueError:
            continue
    return None

"""The forms of the campaign pages: a new campaign (its file) and a commune's answer."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Profile

DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]

# The department that keeps each registry, proposed as the campaign's department.
DEPARTMENTS = {"marriage": "Sở Tư pháp", "student": "Sở Giáo dục và Đào tạo", "land": "Sở Nông nghiệp và Môi trường",
               "martyr": "Sở Nội vụ", "staff": "Sở Nội vụ"}


def _date_widget(testid: str):
    # Plain text in dd/mm/yyyy, as officers write dates (a browser date picker follows the PC's locale).
    return forms.DateInput(attrs={"data-testid": testid, "placeholder": "dd/mm/yyyy", "inputmode": "numeric"},
                           format="%d/%m/%Y")


class NewCampaignForm(forms.Form):
    profile = forms.ChoiceField(label=_("Registry"), choices=Profile.choices,
                                widget=forms.Select(attrs={"data-testid": "campaign-profile"}))
    title = forms.CharField(label=_("Title"), max_length=200,
                            widget=forms.TextInput(attrs={"data-testid": "campaign-title"}))
    department = forms.CharField(label=_("Department"), max_length=200, required=False,
                                 help_text=_("Left empty: the department that keeps this registry."),
                                 widget=forms.TextInput(attrs={"data-testid": "campaign-department"}))
    deadline = forms.DateField(label=_("Deadline"), input_formats=DATE_INPUTS, widget=_date_widget("campaign-deadline"),
                               help_text=_("Day/month/year, e.g. 30/09/2027."),
                               error_messages={"invalid": _("Enter a real date as day/month/year, e.g. 30/09/2027.")})
    file = forms.FileField(label=_("Registry file (Excel .xlsx or CSV in UTF-8)"),
                           widget=forms.ClearableFileInput(attrs={"data-testid": "campaign-file",
                                                                  "accept": ".xlsx,.csv"}))

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if profiles is not None:
            self.fields["profile"].choices = [c for c in Profile.choices if c[0] in profiles]

    def clean_deadline(self):
        from django.utils import timezone

        value = self.cleaned_data["deadline"]
        if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("Enter a date between 01/01/2000 and 31/12/2100."))
        if value < timezone.localdate():
            raise forms.ValidationError(_("The deadline has already passed: communes could not answer in time."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("profile") and not data.get("department"):
            data["department"] = DEPARTMENTS.get(data["profile"], "")
        return data


class AnswerForm(forms.Form):
    cccd = forms.CharField(label=_("The person's CCCD (12 digits)"), max_length=32, required=False,
                           widget=forms.TextInput(attrs={"data-testid": "answer-cccd", "inputmode": "numeric",
                                                         "autocomplete": "off"}))
    unresolvable = forms.BooleanField(label=_("The person cannot be found (moved away, deceased, unknown)"),
                                      required=False, widget=forms.CheckboxInput(attrs={"data-testid": "answer-unresolvable"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2, "data-testid": "answer-note"}))

    def clean(self):
        data = super().clean()
        if not data.get("unresolvable") and not (data.get("cccd") or "").strip():
            raise forms.ValidationError(_("Give the CCCD, or say that the person cannot be found."))
        return data

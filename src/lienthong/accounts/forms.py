"""The audit log's filter form."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction

DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
# The dates a filter may name: 31/12/9999 + 1 day overflowed, and 01/01/0001 at midnight in Việt Nam is before the
# first instant the database can hold in UTC (both were 500s, issue 9).
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(9998, 12, 31))


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

    def _in_range(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
            raise forms.ValidationError(_("Enter a date between %(start)s and %(end)s.") % {
                "start": f"{DATE_RANGE[0]:%d/%m/%Y}", "end": f"{DATE_RANGE[1]:%d/%m/%Y}"})
        return value

    def clean_date_from(self):
        return self._in_range("date_from")

    def clean_date_to(self):
        return self._in_range("date_to")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

"""The statistics page's period (dd/mm/yyyy, Việt Nam days) and centre."""
from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_DAYS = 366


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), input_formats=DATE_INPUTS, required=False,
                                widget=forms.DateInput(format="%d/%m/%Y", attrs={
                                    "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                                    "data-testid": "stats-from", "size": 10}))
    date_to = forms.DateField(label=_("To"), input_formats=DATE_INPUTS, required=False,
                              widget=forms.DateInput(format="%d/%m/%Y", attrs={
                                  "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                                  "data-testid": "stats-to", "size": 10}))
    agency = forms.ChoiceField(label=_("Centre"), required=False, widget=forms.Select(attrs={"data-testid": "stats-agency"}))

    def __init__(self, data, agencies, default_from, default_to):
        data = data.copy() if data else {}
        data.setdefault("date_from", default_from.strftime("%d/%m/%Y"))
        data.setdefault("date_to", default_to.strftime("%d/%m/%Y"))
        super().__init__(data)
        self.agencies = list(agencies)
        self.fields["agency"].choices = [(a.code, a.name) for a in self.agencies]
        if len(self.agencies) <= 1:
            self.fields["agency"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last:
            if first > last:
                self.add_error("date_to", _("The end of the range is before its start."))
            elif last - first > timedelta(days=MAX_DAYS):
                self.add_error("date_to", _("Choose at most a year."))
        return data

    def chosen_agency(self):
        code = self.cleaned_data.get("agency") if self.is_bound and hasattr(self, "cleaned_data") else ""
        return next((a for a in self.agencies if a.code == code), self.agencies[0] if self.agencies else None)

"""The portal's forms: the applicant and the dossier's answers (the files are checked by uploads.collect),
and the tracking question."""
from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.identity.text import nfc

from ..models import Agency

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
_PHONE = re.compile(r"(0|\+84)[0-9]{9,10}")


class SubmitForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Submit to"), queryset=Agency.objects.none(), empty_label=None,
                                    error_messages={"required": _("Choose where to submit the dossier.")})
    cccd = forms.CharField(label=_("ID number (CCCD)"), max_length=20,
                           help_text=_("12 digits, as on your chip ID card."),
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    # Typed as dd/mm/yyyy, not a date picker: a phone's picker scrolls decade by decade to a birth year, and shows
    # the browser's own date order.
    birth_date = forms.DateField(label=_("Date of birth"), input_formats=DATE_FORMATS,
                                 help_text=_("Day/month/year, e.g. 14/03/1985."),
                                 widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                               "autocomplete": "bday"}, format="%d/%m/%Y"))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            help_text=_("We send the dossier's news to this number by SMS."),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail (optional)"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Contact address (if not your permanent address)"), max_length=400,
                              required=False)
    request_text = forms.CharField(label=_("What you ask for, notes for the centre (optional)"), max_length=2000,
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))
    for_citizen = forms.BooleanField(label=_("I am submitting for a citizen"), required=False)
    consent = forms.BooleanField(label=_("The citizen has read this and agrees"), required=False)

    def __init__(self, *args, procedure, volunteer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = procedure.agencies.filter(active=True).order_by("name")
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first().pk
        if not volunteer:
            del self.fields["for_citizen"]
            del self.fields["consent"]

    def clean_full_name(self):
        return nfc(" ".join(self.cleaned_data["full_name"].split()))

    def clean_phone(self):
        phone = re.sub(r"[\s.\-()]", "", self.cleaned_data["phone"])
        if not _PHONE.fullmatch(phone):
            raise forms.ValidationError(_("Enter a mobile number such as 0912 345 678."))
        return phone


class TrackForm(forms.Form):
    ma = forms.CharField(label=_("Dossier code"), max_length=60,
                         help_text=_("As on the receipt, e.g. 000.00.06.H56-261201-0001."),
                         widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    cccd = forms.CharField(label=_("ID number (CCCD) of the applicant"), max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

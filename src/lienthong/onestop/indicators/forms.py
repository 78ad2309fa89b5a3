"""The citizen's rating form (public, phone-first)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [(5, _("5 · very satisfied")), (4, _("4 · satisfied")), (3, _("3 · acceptable")),
          (2, _("2 · dissatisfied")), (1, _("1 · very dissatisfied"))]


class RatingForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    cccd = forms.CharField(label=_("Applicant's ID number"), max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    reception = forms.TypedChoiceField(label=_("How were you received?"), choices=SCORES, coerce=int,
                                       widget=forms.RadioSelect)
    handling = forms.TypedChoiceField(label=_("How was your dossier handled?"), choices=SCORES, coerce=int,
                                      widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything to add (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    """The captain's position by radio or phone (the device broken): when, where."""

    reported_at = forms.DateTimeField(label=_("Position time"), input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"],
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

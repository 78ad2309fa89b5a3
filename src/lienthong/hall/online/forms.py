"""The booking form: one of the day's open times and the citizen's phone number (the code is texted to it)."""
from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from ..booking import Slot
from ..stats.forms import DATE_INPUTS


def slot_value(slot: Slot) -> str:
    return slot.starts_at.isoformat()


class BookForm(forms.Form):
    starts_at = forms.ChoiceField(label=_("Time"), widget=forms.RadioSelect,
                                  error_messages={"required": _("Choose a time."),
                                                  "invalid_choice": _("This time can no longer be booked: choose another.")})
    phone = forms.CharField(label=_("Your phone number"), max_length=20,
                            error_messages={"required": _("Give a phone number: the code is sent to it.")},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                                          "data-testid": "book-phone"}))

    def __init__(self, *args, slots: list[Slot], **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.fields["starts_at"].choices = [(slot_value(s), s.local_start.strftime("%H:%M")) for s in slots if s.free]

    def clean_starts_at(self) -> datetime:
        return datetime.fromisoformat(self.cleaned_data["starts_at"])


class DayForm(forms.Form):
    """The officers' list: the day shown (dd/mm/yyyy as typed in Việt Nam; today when blank)."""

    ngay = forms.DateField(label=_("Day"), input_formats=DATE_INPUTS, required=False,
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={
                               "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                               "data-testid": "bookings-day", "size": 10}))

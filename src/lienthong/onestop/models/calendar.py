"""The one-stop centre's data. So far its working-day calendar: what the government and the province decide
each year on top of the Labour Code's holidays (lienthong.workdays computes with both)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.workdays import WorkCalendar


class CalendarDay(models.Model):
    """A date the calendar treats apart from the Labour Code's, with the decision that says so."""

    date = models.DateField(_("date"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, help_text=_("The decision or announcement, with its number and date."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class DaySwap(CalendarDay):
    """One day of a swap the government announced (e.g. Fri 2 May 2025 off, worked on Sat 26 Apr 2025): a row
    for the day taken off and a row for the make-up day, both naming the announcement."""

    class Kind(models.TextChoices):
        WORKING = "working", _("make-up working day")
        OFF = "off", _("day off in exchange")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta(CalendarDay.Meta):
        verbose_name = _("day swap")
        verbose_name_plural = _("day swaps")

    def clean(self) -> None:
        # Against the Labour Code's calendar alone: a make-up day is one that would be off, a swapped day off one
        # that would be worked; anything else is a typing mistake (a Tuesday "made working").
        if self.date is None:
            return
        try:
            statutory_working = WorkCalendar().is_working_day(self.date)
        except ValueError:  # outside the years the holiday tables cover
            raise ValidationError({"date": _("This year is outside the calendar.")}) from None
        if self.kind == self.Kind.WORKING and statutory_working:
            raise ValidationError({"date": _("This day is already a working day.")})
        if self.kind == self.Kind.OFF and not statutory_working:
            raise ValidationError({"date": _("This day is already a day off.")})


class DayOff(CalendarDay):
    """An extra day the offices close, decided outside the yearly swaps (the government, the province, a storm)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("decided by the government")
        PROVINCE = "province", _("decided by the province")
        DISASTER = "disaster", _("natural disaster or emergency")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta(CalendarDay.Meta):
        verbose_name = _("extra day off")
        verbose_name_plural = _("extra days off")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"

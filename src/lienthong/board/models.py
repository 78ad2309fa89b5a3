"""What the board stores: the learning platform's completion lists as imported, and the reminders sent to units.
Staff come from the staff register (campaigns, profile "staff"); targets from data/literacy_targets.csv."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CompletionList(models.Model):
    """One file exported by the national learning platform, imported whole or not at all."""

    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, unique=True)  # the same file twice is refused
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("new completions"), default=0)  # rows not already held (certificate)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ("-imported_at",)
        verbose_name = _("completion list")
        verbose_name_plural = _("completion lists")

    def __str__(self) -> str:
        return self.file_name


class Completion(models.Model):
    """A course completed on the platform, as its export says it: personal data (an ID number and a name)."""

    source = models.ForeignKey(CompletionList, on_delete=models.CASCADE, related_name="completions")
    row_no = models.PositiveIntegerField()
    id_number = models.CharField(max_length=12, blank=True, db_index=True)  # a valid CCCD, else ""
    id_typed = models.CharField(max_length=32, blank=True)  # as the file had it
    name = models.CharField(max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True)
    unit = models.CharField(max_length=255, blank=True)  # as the learner typed it
    unit_key = models.CharField(max_length=255, blank=True)
    course = models.CharField(max_length=255)
    basic = models.BooleanField(default=False)  # the course counts toward the basic digital-skills framework
    completed_on = models.DateField()
    certificate = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=("name_folded", "unit_key"))]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")

    def __str__(self) -> str:
        return f"{self.name} — {self.course}"


class Reminder(models.Model):
    """A unit behind its target, reminded: what it stood at when reminded, and by whom."""

    unit_key = models.CharField(max_length=255, db_index=True)
    unit = models.CharField(max_length=255)
    commune_code = models.CharField(max_length=5, blank=True, db_index=True)
    staff = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()
    target = models.FloatField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ("-sent_at",)
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")


class BudgetLine(models.Model):
    """A department's budget for one year, as the finance sheet gives it (millions of đồng): its total spending, and
    of it the digital transformation's, planned and spent. A year's sheet replaces that year's lines whole."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    department = models.CharField(_("department"), max_length=255)
    department_key = models.CharField(max_length=255)
    total = models.DecimalField(_("total spending (million VND)"), max_digits=14, decimal_places=1)
    planned = models.DecimalField(_("digital transformation planned (million VND)"), max_digits=14, decimal_places=1)
    spent = models.DecimalField(_("digital transformation spent (million VND)"), max_digits=14, decimal_places=1)
    file_name = models.CharField(max_length=255)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.UniqueConstraint(fields=("year", "department_key"), name="budget_line_once")]
        ordering = ("year", "department")


class HelpVisit(models.Model):
    """A youth volunteer's visit to a household ("Bình dân học vụ số" at home): who was helped with what, how long.
    Made on the volunteer's phone, perhaps offline, and sent when the connection returns: the phone names each visit
    (client_id), so a visit sent twice is stored once."""

    class Topic(models.TextChoices):
        VNEID = "vneid", _("VNeID (electronic identity)")
        CASHLESS = "cashless", _("cashless payment")
        PUBLIC_SERVICES = "public_services", _("online public services")
        NEWS = "news", _("reading news, spotting false news")
        OTHER = "other", _("other digital skills")

    client_id = models.UUIDField(unique=True)
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="help_visits")
    commune_code = models.CharField(_("commune"), max_length=5, db_index=True)
    household = models.CharField(_("household"), max_length=255)  # as the volunteer names it: a house, a hamlet
    people = models.PositiveSmallIntegerField(_("people helped"))
    topics = models.JSONField(_("help given"), default=list)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    visited_at = models.DateTimeField(_("visited"))
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-visited_at",)
        verbose_name = _("volunteer's visit")
        verbose_name_plural = _("volunteers' visits")

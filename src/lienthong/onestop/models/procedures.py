"""The procedure catalogue: the agencies that receive dossiers, and the administrative procedures they handle,
in the national procedure database's terms (code, field, level, processing time, fees, components)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A receiving agency as the national portal knows it: a commune centre or a provincial department.

    `code` is the agency identifier that starts every dossier code (e.g. 000.00.06.H56)."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("commune")
        PROVINCE = "province", _("province")

    code = models.CharField(_("agency code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.COMMUNE)
    # The 2025 commune the centre serves; blank for a provincial agency. Area-scoped officers see the dossiers
    # of the agencies in their communes (accounts.scopes.visible_dossiers).
    commune_code = models.CharField(_("commune (2025)"), max_length=5, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """One administrative procedure: the national code (N.NNNNNN) plus the local suffix make `code`."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("commune level")
        PROVINCE = "province", _("province level")
        CENTRAL = "central", _("central level")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("fully online")
        PARTIAL = "partial", _("partly online")
        NONE = "none", _("not online")

    class Prefill(models.TextChoices):
        """What registry already holds this procedure's data (asked of nobody twice)."""
        NONE = "", _("none")
        VESSEL = "vessel", _("fishing vessel registry")

    code = models.CharField(_("procedure code"), max_length=40, unique=True)
    national_code = models.CharField(_("national code"), max_length=12, db_index=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.COMMUNE)
    # Exactly one of the two is set: most procedures count working days, some (certifications) working hours.
    processing_days = models.PositiveSmallIntegerField(_("processing time (working days)"), null=True, blank=True)
    processing_hours = models.PositiveSmallIntegerField(_("processing time (working hours)"), null=True, blank=True)
    fee_amount = models.PositiveIntegerField(_("fee (VND)"), default=0)
    fee_text = models.CharField(_("fees and charges"), max_length=500, blank=True)
    result_type = models.CharField(_("result"), max_length=300, blank=True)
    online_level = models.CharField(_("online service"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL)
    prefill = models.CharField(_("data held by"), max_length=16, choices=Prefill.choices, blank=True, default="")
    agencies = models.ManyToManyField(Agency, related_name="procedures", blank=True, verbose_name=_("agencies"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["field", "name"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(processing_days__isnull=False, processing_hours__isnull=True)
                           | models.Q(processing_days__isnull=True, processing_hours__isnull=False)),
                name="procedure_one_processing_time"),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} {self.name}"

    @property
    def online(self) -> bool:
        return self.online_level != self.OnlineLevel.NONE


class ProcedureComponent(models.Model):
    """A paper the dossier holds (thành phần hồ sơ), with how many originals and copies are asked."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    required = models.BooleanField(_("required"), default=True)
    template_file = models.CharField(_("template file"), max_length=300, blank=True)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")

    def __str__(self) -> str:
        return self.name

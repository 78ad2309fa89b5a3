"""Fishing ports, port officers, the check rules (data), trips (departure → decision → arrival) and catches.

A trip is one declared departure. Its states: declared (waiting for the officer), cleared, refused,
returned (arrival recorded). The check results and the decision are frozen on the trip when the officer
decides, so the clearance says what was checked then, whatever the rules become later.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import scopes
from lienthong.fleet.classes import GEARS, ZONES
from lienthong.fleet.models import Vessel

GEAR_CHOICES = [(k, v[0]) for k, v in GEARS.items()]
ZONE_CHOICES = list(ZONES.items())


class PortQuerySet(models.QuerySet):
    def visible_to(self, user) -> PortQuerySet:
        """Ports whose desk `user` works (the rule: accounts.scopes.visible_ports)."""
        return scopes.visible_ports(self, user)


class Port(models.Model):
    objects = PortQuerySet.as_manager()
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=160)
    commune_code = models.CharField(_("commune (2025)"), max_length=5)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("fishing port")
        verbose_name_plural = _("fishing ports")

    def __str__(self) -> str:
        return self.name


class PortAssignment(models.Model):
    """A port officer works at these ports and sees only their trips."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="port_assignments")
    port = models.ForeignKey(Port, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "port"], name="unique_user_port")]
        verbose_name = _("port assignment")
        verbose_name_plural = _("port assignments")

    def __str__(self) -> str:
        return f"{self.user} @ {self.port}"


class Stage(models.TextChoices):
    DEPARTURE = "departure", _("departure")
    ARRIVAL = "arrival", _("arrival")


class Severity(models.TextChoices):
    BLOCKING = "blocking", _("blocking")
    WARNING = "warning", _("warning")


class CheckRule(models.Model):
    """One rule an administrator controls: whether it runs, how hard it is, and its parameters.

    What the rule does is the evaluator registered for its code in port.checks; the row carries everything
    a province may want to change without a release (thresholds, severity, wording, legal basis)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.DEPARTURE)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description and legal basis"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.BLOCKING)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "order", "code"]
        verbose_name = _("check rule")
        verbose_name_plural = _("check rules")

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def clean(self):
        from .checks import EVALUATORS

        if self.code not in EVALUATORS:
            raise ValidationError({"code": _("No evaluator is registered for this code.")})
        if EVALUATORS[self.code].stage != self.stage:
            raise ValidationError({"stage": _("This rule belongs to another stage.")})
        if not isinstance(self.parameters, dict):
            raise ValidationError({"parameters": _("Parameters must be a JSON object.")})


class Species(models.Model):
    """A species as declared in catches, and the gears that normally take it (data for the catch-gear check)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    gears = models.JSONField(_("gears that take it"), default=list, blank=True)  # gear codes (fleet.classes.GEARS)

    class Meta:
        ordering = ["name"]
        verbose_name = _("species")
        verbose_name_plural = _("species")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        unknown = [g for g in self.gears or [] if g not in GEARS]
        if unknown:
            raise ValidationError({"gears": _("Unknown gear codes: %(codes)s") % {"codes": ", ".join(unknown)}})


class TripStatus(models.TextChoices):
    DECLARED = "declared", _("declared, waiting for the officer")
    CLEARED = "cleared", _("cleared, at sea")
    REFUSED = "refused", _("refused")
    RETURNED = "returned", _("returned")


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_reference() -> str:
    # Short enough to read out at the counter; unguessable enough with the token kept for public links.
    return secrets.token_hex(4).upper()


class TripQuerySet(models.QuerySet):
    def visible_to(self, user) -> TripQuerySet:
        """Trips (declarations, clearances, arrivals) `user` may see (the rule: accounts.scopes.visible_trips)."""
        return scopes.visible_trips(self, user)


class Trip(models.Model):
    objects = TripQuerySet.as_manager()
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    public_token = models.CharField(max_length=32, unique=True, default=new_token)
    vessel = models.ForeignKey(Vessel, on_delete=models.PROTECT, related_name="trips")
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="trips")
    status = models.CharField(_("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.DECLARED,
                              db_index=True)
    # Declaration
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    declared_via = models.CharField(max_length=8, default="web")  # web / api / officer
    captain_name = models.CharField(_("captain"), max_length=200)
    captain_cccd = models.CharField(_("captain's CCCD"), max_length=16)
    captain_birth_date = models.DateField(_("captain's birth date"), null=True, blank=True)
    zone = models.CharField(_("intended zone"), max_length=12, choices=ZONE_CHOICES)
    gear = models.CharField(_("gear"), max_length=16, choices=GEAR_CHOICES)
    departure_at = models.DateTimeField(_("departure"))
    expected_return_at = models.DateTimeField(_("expected return"))
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    # Decision
    checks = models.JSONField(default=list, blank=True)  # results frozen at the decision
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    refusal_code = models.CharField(_("refusal reason"), max_length=40, blank=True, db_index=True)
    decision_note = models.TextField(_("note"), blank=True)
    overridden = models.BooleanField(_("cleared despite failed checks"), default=False)
    override_reason = models.TextField(_("override reason"), blank=True)
    clearance_pdf = models.BinaryField(null=True, blank=True, editable=False)
    clearance_sha256 = models.CharField(max_length=64, blank=True)
    # Arrival
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    arrival_port = models.ForeignKey(Port, null=True, blank=True, on_delete=models.PROTECT, related_name="arrivals")
    zone_fished = models.CharField(_("zone fished"), max_length=12, blank=True, choices=ZONE_CHOICES)
    arrival_checks = models.JSONField(default=list, blank=True)
    arrival_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        indexes = [models.Index(fields=["port", "status", "departure_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.vessel_id}"

    @property
    def at_sea(self) -> bool:
        return self.status == TripStatus.CLEARED and self.departure_at <= timezone.now()

    @property
    def leaves_later(self) -> bool:
        """Cleared ahead of the declared departure: still in port, so not "at sea" and no arrival yet."""
        return self.status == TripStatus.CLEARED and self.departure_at > timezone.now()

    @property
    def overdue(self) -> bool:
        return self.status == TripStatus.CLEARED and self.expected_return_at < timezone.now()


class CrewMember(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="crew")
    full_name = models.CharField(_("full name"), max_length=200)
    cccd = models.CharField(_("CCCD"), max_length=16)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    class Meta:
        ordering = ["id"]


class CatchLine(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="catches")
    species = models.ForeignKey(Species, on_delete=models.PROTECT, related_name="+")
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=1)

    class Meta:
        ordering = ["id"]


class TripFlag(models.Model):
    """An anomaly found at arrival, kept open for follow-up until someone closes it with a note."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="flags")
    rule_code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class OwnerCode(models.Model):
    """A one-time code sent to the owner's phone on record (port.ownerproof), for declaring when strangers'
    wrong guesses have closed the CCCD proof for the vessel. Only a keyed hash of the code is kept."""

    vessel = models.ForeignKey(Vessel, on_delete=models.CASCADE, related_name="+")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["vessel", "expires_at"], name="ownercode_vessel_expires")]

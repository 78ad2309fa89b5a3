"""Vessel monitoring's data: the ports' areas and the zones the rules read, the positions the providers send
(append-only, kept at least 36 months: database triggers, vms.triggers), the alerts (episodes of
lienthong.monitoring) and the duty desk's steps on them."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienthong.fleet.models import Vessel


class Harbour(models.Model):
    """A port as monitoring sees it: a point and a radius (inside it a vessel is in port, not at sea). The
    province's port desks and the ports of other provinces its vessels land at alike (port.Port is the desks)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=160)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    radius_km = models.FloatField(_("radius (km)"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("port area")
        verbose_name_plural = _("port areas")

    def __str__(self) -> str:
        return self.name


class ZoneKind(models.TextChoices):
    ALLOWED = "allowed", _("allowed fishing area")
    FORBIDDEN = "forbidden", _("forbidden area")


class Zone(models.Model):
    """A zone of the last upload (GeoJSON geometry as sent; shapely reads it: lienthong.monitoring.geometry)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ZoneKind.choices)
    geometry = models.JSONField(_("geometry"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("monitoring zone")
        verbose_name_plural = _("monitoring zones")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleSet(models.Model):
    """The thresholds as data (lienthong.monitoring.thresholds.Thresholds.to_dict); the latest row applies."""

    values = models.JSONField(_("thresholds"))
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-changed_at", "-pk"]


class Batch(models.Model):
    """One delivery of positions: an API call or a dropped file."""

    SOURCES = (("api", "API"), ("file", _("file")), ("demo", _("demo")))
    source = models.CharField(_("source"), max_length=8, choices=SOURCES)
    name = models.CharField(_("name"), max_length=255, blank=True)
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unknown_vessels = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]


class Position(models.Model):
    """One position report. Never updated, never deleted within 36 months (vms.triggers); a vessel is known by its
    registration key (fleet.Vessel.reg_key: letters and digits), so "KG-91234-TS" and "KG 91234 TS" are one."""

    # The evidence table takes a month of a fleet's positions at ≥ 20,000 rows/s (issue 13): each index and each
    # foreign-key check is paid per row, so it keeps only what is read. vessel_id alone is covered by the
    # (vessel, time) index (its leading column); batch_id is never searched (a batch's counts are on Batch).
    # The foreign keys are not the database's to check: the one write path (vms.ingest.store) takes vessel ids
    # just read from fleet.Vessel (vessels are never deleted: PROTECT here and at the ORM) and the Batch row it
    # has just created in the same transaction (nothing deletes batches: PROTECT); the checks cost ~23 µs a row
    # on PostgreSQL, more than the insert itself.
    reg_key = models.CharField(max_length=32)
    vessel = models.ForeignKey(Vessel, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False)
    time = models.DateTimeField(_("time"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    speed_knots = models.FloatField(_("speed (knots)"), null=True, blank=True)
    course_deg = models.FloatField(_("course (°)"), null=True, blank=True)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+", db_index=False,
                              db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reg_key", "time"], name="vms_position_once")]
        indexes = [models.Index(fields=["vessel", "time"])]


class AlertKind(models.TextChoices):
    GAP_6H = "gap_over_6h", _("no signal at sea for over 6 hours")
    GAP_10D = "gap_over_10d", _("no signal for over 10 days: must return to port")
    OUTSIDE_ALLOWED = "outside_allowed_zone", _("outside the allowed fishing area")
    INSIDE_FORBIDDEN = "inside_forbidden_zone", _("inside a forbidden area")


ZONE_KINDS = (AlertKind.OUTSIDE_ALLOWED, AlertKind.INSIDE_FORBIDDEN)


class AlertState(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ESCALATED = "escalated", _("escalated")
    CLOSED = "closed", pgettext_lazy("vms alert", "closed")


OPEN_STATES = (AlertState.NEW, AlertState.ACKNOWLEDGED, AlertState.ESCALATED)


class Alert(models.Model):
    """An episode (lienthong.monitoring.episodes.Episode) and the desk's handling of it. `ended_at` is the
    episode's end (the signal back, the zone left); `state` the desk's: an alert stays open until an officer
    closes it, ended or not."""

    vessel = models.ForeignKey(Vessel, on_delete=models.PROTECT, related_name="vms_alerts")
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    zone_code = models.CharField(max_length=40, blank=True)
    state = models.CharField(_("state"), max_length=14, choices=AlertState.choices, default=AlertState.NEW,
                             db_index=True)
    escalate_at = models.DateTimeField(_("escalate at"))
    withdrawn = models.BooleanField(default=False)  # late positions showed no such episode
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["vessel", "kind", "started_at"], name="vms_alert_once")]
        verbose_name = _("vessel monitoring alert")
        verbose_name_plural = _("vessel monitoring alerts")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_zone(self) -> bool:
        return self.kind in ZONE_KINDS


class StepKind(models.TextChoices):
    OPENED = "opened", _("alert raised")
    ACKNOWLEDGE = "acknowledge", _("acknowledged")
    CALL = "call", _("phone call")
    POSITION_REPORT = "position_report", _("captain's position report")
    ESCALATE = "escalate", _("escalated")
    NOTE = "note", _("note")
    CLOSE = "close", pgettext_lazy("vms alert", "closed")
    ENDED = "ended", _("episode ended")
    WITHDRAWN = "withdrawn", _("withdrawn: later positions filled it")


class AlertStep(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    note = models.TextField(_("note"), blank=True)
    reported_at = models.DateTimeField(_("position time"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

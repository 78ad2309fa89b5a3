"""The fishing-fleet registry: vessels, owners, papers, and the history of every change.

Owners keep the fields exactly as they came (raw_*) beside the normalised ones, so an officer can always
see what the registry said and the linkage can work from either.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import scopes

from .classes import GEARS, LENGTH_CLASSES, ZONES


class IdentityStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("not yet checked")
    VERIFIED = "verified", _("verified")
    MATCHED = "matched", _("matched")
    REVIEW = "review", _("needs review")
    CONFLICT = "conflict", _("ID belongs to someone else")
    NOT_FOUND = "not_found", _("not found")
    NO_DATA = "no_data", _("no data")


class OwnerKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class OwnerQuerySet(models.QuerySet):
    def visible_to(self, user) -> OwnerQuerySet:
        """Owners whose records `user` may see (the rule: accounts.scopes.visible_owners)."""
        return scopes.visible_owners(self, user)


class Owner(models.Model):
    objects = OwnerQuerySet.as_manager()
    kind = models.CharField(_("kind"), max_length=12, choices=OwnerKind.choices, default=OwnerKind.PERSON)
    # As the registry file had them (after legacy-encoding decoding, which is lossless).
    raw_name = models.CharField(_("name as recorded"), max_length=255, blank=True)
    raw_id_number = models.CharField(_("ID as recorded"), max_length=64, blank=True)
    raw_birth_date = models.CharField(_("birth date as recorded"), max_length=64, blank=True)
    raw_gender = models.CharField(_("gender as recorded"), max_length=32, blank=True)
    raw_address = models.CharField(_("address as recorded"), max_length=500, blank=True)
    # Normalised.
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, blank=True, db_index=True)
    id_number = models.CharField(_("CCCD/CMND"), max_length=12, blank=True, db_index=True)
    id_kind = models.CharField(max_length=8, blank=True)  # "cccd", "cmnd" or "" when missing/invalid
    id_problem = models.CharField(max_length=255, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=4, blank=True)  # "nam" / "nữ" / ""
    address = models.CharField(_("address"), max_length=500, blank=True)
    commune_code = models.CharField(_("commune (2025)"), max_length=5, blank=True, db_index=True)
    commune_candidates = models.JSONField(default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Identity against the population database (filled by the sync campaign).
    identity_status = models.CharField(
        _("identity"), max_length=12, choices=IdentityStatus.choices, default=IdentityStatus.UNVERIFIED, db_index=True
    )
    verified_cccd = models.CharField(_("verified CCCD"), max_length=12, blank=True, db_index=True)
    verified_name = models.CharField(_("name in population database"), max_length=255, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        indexes = [models.Index(fields=["name_folded", "birth_year"])]

    @property
    def current_name(self) -> str:
        """The name officers should read: the population database's once verified, the registry's before
        (fleet.owner_identity tells the whole identity; lists and search results show this)."""
        linked = self.identity_status in (IdentityStatus.VERIFIED, IdentityStatus.MATCHED) and self.verified_cccd
        return (self.verified_name if linked and self.verified_name else "") or self.full_name or self.raw_name

    def __str__(self) -> str:
        return self.current_name


class VesselStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    DEREGISTERED = "deregistered", _("deregistered")


class VesselQuerySet(models.QuerySet):
    def visible_to(self, user) -> VesselQuerySet:
        """Vessels `user` may see (the rule: accounts.scopes.visible_vessels)."""
        return scopes.visible_vessels(self, user)


class Vessel(models.Model):
    objects = VesselQuerySet.as_manager()
    registration_number = models.CharField(_("registration number"), max_length=32, unique=True)
    reg_key = models.CharField(max_length=32, unique=True)  # upper-case letters and digits only
    name = models.CharField(_("vessel name"), max_length=120, blank=True)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.PROTECT, related_name="vessels")
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    home_port = models.CharField(_("home port"), max_length=120, blank=True)
    commune_code = models.CharField(_("home commune (2025)"), max_length=5, blank=True, db_index=True)
    length_m = models.DecimalField(_("length (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    length_class = models.CharField(
        _("length class"), max_length=6, blank=True, db_index=True, choices=[(c[0], c[3]) for c in LENGTH_CLASSES]
    )
    engine_kw = models.DecimalField(_("engine power (kW)"), max_digits=8, decimal_places=1, null=True, blank=True)
    # Gross tonnage (GT) is written with two decimals in the registry ("2,06"); stored exactly as written.
    tonnage = models.DecimalField(_("gross tonnage"), max_digits=8, decimal_places=2, null=True, blank=True)
    hull_material = models.CharField(_("hull material"), max_length=60, blank=True)
    gear = models.CharField(_("gear"), max_length=16, blank=True, choices=[(k, v[0]) for k, v in GEARS.items()])
    gear_raw = models.CharField(_("gear as recorded"), max_length=120, blank=True)
    fishing_zone = models.CharField(_("fishing zone"), max_length=12, blank=True, choices=list(ZONES.items()))
    vms_device_id = models.CharField(_("VMS device"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=VesselStatus.choices, default=VesselStatus.ACTIVE)
    source_import = models.ForeignKey("RegistryImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration_number"]
        verbose_name = _("vessel")
        verbose_name_plural = _("vessels")

    def __str__(self) -> str:
        return self.registration_number


class PaperState(models.TextChoices):
    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("expires within 30 days")
    EXPIRED = "expired", _("expired")
    UNKNOWN = "unknown", _("no expiry date")


def paper_state(expiry, today=None) -> str:
    if expiry is None:
        return PaperState.UNKNOWN
    today = today or timezone.localdate()
    if expiry < today:
        return PaperState.EXPIRED
    if (expiry - today).days <= 30:
        return PaperState.EXPIRING
    return PaperState.VALID


class FishingLicence(models.Model):
    vessel = models.ForeignKey(Vessel, on_delete=models.CASCADE, related_name="licences")
    number = models.CharField(_("licence number"), max_length=64, db_index=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    zone = models.CharField(_("zone"), max_length=12, blank=True, choices=list(ZONES.items()))
    gear = models.CharField(_("gear"), max_length=16, blank=True, choices=[(k, v[0]) for k, v in GEARS.items()])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vessel", "number"], name="unique_vessel_licence")]
        ordering = ["-expires_on"]
        verbose_name = _("fishing licence")
        verbose_name_plural = _("fishing licences")

    @property
    def state(self) -> str:
        return paper_state(self.expires_on)


class SafetyCertificate(models.Model):
    vessel = models.ForeignKey(Vessel, on_delete=models.CASCADE, related_name="safety_certificates")
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-expires_on"]
        verbose_name = _("technical safety certificate")
        verbose_name_plural = _("technical safety certificates")

    @property
    def state(self) -> str:
        return paper_state(self.expires_on)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for the background worker")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    DONE_WITH_ERRORS = "partial", _("done, some rows rejected")
    FAILED = "failed", _("failed")


class RegistryImport(models.Model):
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": 12, "column": "Ngày sinh", "message": "..."}]
    mapping = models.JSONField(default=dict, blank=True)  # header as in file -> column key
    message = models.TextField(blank=True)
    # Where the data was found and what was set aside, for the officer reading the report.
    source_format = models.CharField(max_length=40, blank=True)  # "xlsx", "csv utf-8", "xls; tcvn3 ×12"...
    sheet = models.CharField(max_length=120, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)  # row number as in Excel
    ignored_columns = models.JSONField(default=list, blank=True)  # headers not mapped to any key
    warnings = models.JSONField(default=list, blank=True)  # same shape as errors; the row was imported
    owners_created = models.PositiveIntegerField(default=0)
    duration_s = models.FloatField(null=True, blank=True)
    # errors/warnings keep the first IMPORT_MAX_PROBLEMS problems; these count them all.
    errors_total = models.PositiveIntegerField(default=0)
    warnings_total = models.PositiveIntegerField(default=0)
    # The process writing a running import ("host pid start"), so a dead one can be told (importer.abandoned).
    process = models.CharField(max_length=120, blank=True)
    # A large upload is a background job (importer.jobs): the file kept under DATA_DIR/imports until the worker
    # has run it, the choices made on the form, and the progress the page shows (data rows read of those in the sheet).
    stored_file = models.CharField(max_length=80, blank=True)
    options = models.JSONField(default=dict, blank=True)  # {"mapping": {header: key}, "sheet": name}
    rows_read = models.PositiveIntegerField(default=0)
    rows_in_sheet = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")


class ColumnMapping(models.Model):
    """A saved header mapping, for files whose headers differ from the usual ones."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    mapping = models.JSONField(default=dict)  # header as in file -> column key (see fleet.columns)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")


class VesselChange(models.Model):
    """A snapshot of what changed on a vessel (or its owner and papers), and by what."""

    vessel = models.ForeignKey(Vessel, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    source_import = models.ForeignKey(RegistryImport, null=True, blank=True, on_delete=models.SET_NULL)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=10)  # "created", "updated"
    changes = models.JSONField(default=dict)  # {"field": [old, new]}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("vessel change")
        verbose_name_plural = _("vessel changes")

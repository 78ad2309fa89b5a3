"""Users with a role and an area, and the append-only audit log of personal-data access."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Province administrator")
    FISHERIES = "fisheries", _("Fisheries officer")
    PORT = "port", _("Port officer")
    COMMUNE = "commune", _("Commune officer")
    POLICE = "police", _("Police officer")
    VIEWER = "viewer", _("Read-only viewer")
    CENTRE = "centre", _("One-stop centre officer")
    VOLUNTEER = "volunteer", _("Youth volunteer")
    DEPARTMENT = "department", _("Department officer (a registry's keeper)")
    VMS_PROVIDER = "vms_provider", _("VMS data provider (API only)")


# Roles whose reach is limited to the communes listed in their AreaScope rows.
SCOPED_ROLES = frozenset({Role.COMMUNE, Role.POLICE, Role.CENTRE})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    # The registry a department officer keeps and cleans (a campaigns profile: "marriage", "student", "land",
    # "martyr", "staff"); empty for every other role.
    registry = models.CharField(_("registry kept (department officers)"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_area_scoped(self) -> bool:
        return self.role in SCOPED_ROLES and not self.is_superuser

    def commune_codes(self) -> list[str]:
        """The 2025 commune codes this user may see (empty for unscoped roles: they see everything)."""
        if not hasattr(self, "_commune_codes"):
            self._commune_codes = sorted(self.area_scopes.values_list("commune_code", flat=True))
        return self._commune_codes


class AreaScope(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="area_scopes")
    commune_code = models.CharField(_("commune code (2025)"), max_length=5)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "commune_code"], name="unique_user_commune")]
        verbose_name = _("area scope")


class AuditAction(models.TextChoices):
    VIEW = "view", _("view")
    SEARCH = "search", _("search")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    IMPORT = "import", _("import")
    EXPORT = "export", _("export")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    DENIED = "denied", _("access denied")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D401 - the log is append-only
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One read or change of personal data. Append-only: enforced here and by database triggers."""

    # Set by accounts.audit.record before hashing (not auto_now_add, which would change it after).
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # PROTECT: rows are immutable (triggers), so a user with history is deactivated, never deleted.
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(_("who"), max_length=150, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True, db_index=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("what"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    # Tamper evidence (accounts.chain): SHA-256 of this event's fields and of the event before it.
    prev_hash = models.CharField(max_length=64, blank=True)
    row_hash = models.CharField(max_length=64, blank=True)
    # SHA-256 of the event's own fields; row_hash links it to prev_hash (chain.link). Blank on events written
    # before it existed, whose row_hash hashes fields and link at once.
    content_hash = models.CharField(max_length=64, blank=True, db_default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}:{self.object_id}"


class AuditSeal(models.Model):
    """One verification of the audit chain (accounts.chain.verify): its outcome and the head it reached."""

    at = models.DateTimeField(default=timezone.now)
    by = models.CharField(max_length=150, blank=True)
    full = models.BooleanField(default=True)  # the whole chain, or only what came after the last seal
    intact = models.BooleanField()
    checked = models.PositiveBigIntegerField(default=0)
    last_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    broken_at = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=16, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit chain check")
        verbose_name_plural = _("audit chain checks")


class RateCounter(models.Model):
    """Requests counted for one subject (an address, a vessel) in one bucket ("public-page", "owner-proof-address")
    within its current window (accounts.ratelimit). One row per (bucket, subject): a window starts at the first hit
    after the previous one ended, so there is no calendar boundary at which a client gets twice the limit."""

    bucket = models.CharField(max_length=32)
    subject = models.CharField(max_length=64)
    n = models.PositiveIntegerField(default=0)
    window_end = models.BigIntegerField()  # Unix seconds: the same integer on every backend
    audited = models.BooleanField(default=False)  # the window's first refusal is audited, later ones are not

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "subject"], name="ratecounter_bucket_subject")]
        indexes = [models.Index(fields=["window_end"], name="ratecounter_window_end")]

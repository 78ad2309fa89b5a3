from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VmsConfig(AppConfig):
    name = "lienthong.vms"
    label = "vms"
    verbose_name = _("Vessel monitoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"vms_alert": _("vessel monitoring alert"), "vms_batch": _("batch of positions"),
                               "vms_zone": _("monitoring zone"), "vms_rules": _("monitoring thresholds")})

    def run_background_jobs(self, limit) -> int:
        """The job worker's step (sync.worker.run_app_jobs): files dropped by providers ingested, and once a minute
        the silences that the clock alone opens (no position arrives to say a vessel went quiet) and the
        escalations that fall due."""
        from .jobs import background_step

        return background_step(limit)

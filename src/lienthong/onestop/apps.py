from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "lienthong.onestop"
    label = "onestop"
    verbose_name = _("One-stop centre")

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"day_swap": _("day swap"), "day_off": _("extra day off"), "dossier": _("dossier"),
                                "dossier_list": _("dossier list"), "dossier_register": _("dossier register"),
                                "procedure": _("procedure"), "complaint": _("complaint"), "indicators": _("indicators"),
                                "applicant_check": _("applicant check at the counter"),
                                "online_applicant_check": _("identity check of an online applicant"),
                                "procedure_catalogue": _("procedure catalogue")})
        checks.register(check_office_hours)

    def run_background_jobs(self, limit: int | None = 1) -> int:
        """The job worker's step for this app (sync.worker.run_app_jobs finds it here): OCR of up to `limit`
        scanned components waiting for it, and the national portal's outbox (portal_sync.worker_tick, paced by
        itself); returns how many jobs were done."""
        from .digitising import run_pending_digitisations
        from .portal_sync import worker_tick

        return run_pending_digitisations(limit) + worker_tick()


def check_office_hours(app_configs=None, **kwargs):
    """A mistyped LIENTHONG_OFFICE_HOURS stops the start, not the first due date computed."""
    from django.conf import settings

    from lienthong.workdays import OfficeHours

    try:
        OfficeHours.parse(settings.OFFICE_HOURS)
    except ValueError as exc:
        return [checks.Error(str(exc), hint="LIENTHONG_OFFICE_HOURS, e.g. 07:00-11:30,13:30-17:00", id="onestop.E001")]
    return []

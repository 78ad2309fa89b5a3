from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "lienthong.hall"
    label = "hall"
    verbose_name = _("Service hall")

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"hall_ticket": _("hall ticket"), "hall_counter": _("hall counter"),
                               "hall_device": _("hall device"), "hall_appointment": _("hall appointment"),
                               "hall_stats": _("hall statistics")})
        from lienthong.onestop.indicators.compute import register_rating_source

        from .ratings import rating_counts

        register_rating_source(rating_counts)
        from .counters.handover import connect

        connect()  # a dossier received from a called ticket is linked to it

    def run_background_jobs(self, limit: int | None = 1) -> int:
        """The job worker's step for this app (sync.worker.run_app_jobs): the phone numbers of visits booked for a
        day that has passed are erased (paced by itself); returns how many were erased."""
        from .services import erase_past_booking_phones

        return erase_past_booking_phones()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "lienthong.sync"
    label = "sync"
    verbose_name = _("Population sync")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"sync_run": _("sync run"), "review_queue": _("review queue"),
                               "worklist": _("worklist"), "sync_export": _("VNFishbase export"),
                               "population_check": _("population check of an answer"),
                               "identity_change": _("identity change awaiting approval")})

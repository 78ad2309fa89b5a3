from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FleetConfig(AppConfig):
    name = "lienthong.fleet"
    label = "fleet"
    verbose_name = _("Fishing fleet")

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        from .collation_db import connect

        register_object_types({"owner": _("owner"), "vessel": _("vessel"), "registry_import": _("registry import"),
                               "vessel_list": _("vessel list")})
        connect()

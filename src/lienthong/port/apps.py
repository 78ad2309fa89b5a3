from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortConfig(AppConfig):
    name = "lienthong.port"
    label = "port"
    verbose_name = _("Port control")

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"trip": _("trip"), "check_rule": _("check rule")})

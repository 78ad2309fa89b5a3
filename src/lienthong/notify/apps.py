from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "lienthong.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"notification": _("notification")})

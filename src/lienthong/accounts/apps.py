from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lienthong.accounts"
    label = "accounts"
    verbose_name = _("Users, roles and audit")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login audit receivers
        from .audit import register_object_types

        register_object_types({"user": _("user")})

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lienthong.accounts"
    label = "accounts"
    verbose_name = _("Users, roles and audit")

    def ready(self) -> None:
        from . import lockout, signals  # noqa: F401 - connect the login audit and lockout receivers
        from .audit import register_object_types

        register_object_types({"user": _("user"), "address": _("network address")})


from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "lienthong.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login audit receivers

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortConfig(AppConfig):
    name = "lienthong.port"
    label = "port"
    verbose_name = _("Port control")

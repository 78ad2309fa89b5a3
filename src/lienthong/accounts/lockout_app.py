"""django-axes installed under a translatable name: its admin section reads "Khóa đăng nhập", not "Axes"."""
from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LockoutConfig(AxesConfig):
    verbose_name = _("Login lockout")

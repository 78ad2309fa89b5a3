from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "lienthong.board"
    label = "board"
    verbose_name = _("Digital transformation board")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"completion_list": _("learning platform completion list"),
                               "literacy_unit": _("unit's digital literacy"), "literacy_reminder": _("reminder to a unit"),
                               "budget": _("digital transformation budget"), "help_visit": _("volunteer's visit"),
                               "board_report": _("steering board's monthly report")})

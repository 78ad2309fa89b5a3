from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "lienthong.campaigns"
    label = "campaigns"
    verbose_name = _("Registry campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"campaign": _("registry campaign"), "campaign_record": _("registry campaign record"),
                               "campaign_person": _("person of a registry record"),
                               "campaign_question": _("question to a commune about a registry record")})

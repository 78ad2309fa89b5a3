from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "lienthong.signing"
    label = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from lienthong.accounts.audit import register_object_types

        register_object_types({"signed_document": _("signed document"), "signer_profile": _("signer profile")})

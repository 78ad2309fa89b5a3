"""Signer profiles, edited in the admin with their two PNG images uploaded (and previewed); the register of
signed documents, read-only (a row is written only by the signing service)."""
from __future__ import annotations

import base64
import io

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import SignedDocument, SignerProfile

MAX_IMAGE_BYTES = 1024 * 1024


def _png_upload(upload) -> bytes:
    """The uploaded file's bytes if it is a PNG image with an alpha channel (a transparent background)."""
    from PIL import Image, UnidentifiedImageError

    data = upload.read()
    if len(data) > MAX_IMAGE_BYTES:
        raise forms.ValidationError(gettext("The image is larger than 1 MB."))
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            fmt, has_alpha = im.format, im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise forms.ValidationError(gettext("The file is not an image.")) from exc
    if fmt != "PNG":
        raise forms.ValidationError(gettext("The image must be a PNG file."))
    if not has_alpha:
        raise forms.ValidationError(gettext("The image must have a transparent background."))
    return data


class SignerProfileForm(forms.ModelForm):
    signature_upload = forms.FileField(label=_("signature image (PNG)"), required=False,
                                       help_text=_("Handwritten signature, blue, transparent background"))
    seal_upload = forms.FileField(label=_("seal image (PNG)"), required=False,
                                  help_text=_("The agency's seal, red, transparent background"))

    class Meta:
        model = SignerProfile
        fields = ["agency_name", "agency_code", "title", "full_name", "active"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean_signature_upload(self):
        f = self.cleaned_data.get("signature_upload")
        return _png_upload(f) if f else None

    def clean_seal_upload(self):
        f = self.cleaned_data.get("seal_upload")
        return _png_upload(f) if f else None

    def save(self, commit=True):
        profile = super().save(commit=False)
        if self.cleaned_data.get("signature_upload"):
            profile.signature_image = self.cleaned_data["signature_upload"]
        if self.cleaned_data.get("seal_upload"):
            profile.seal_image = self.cleaned_data["seal_upload"]
        if commit:
            profile.save()
        return profile


def _preview(data) -> str:
    if not data:
        return "—"
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    return format_html('<img src="data:image/png;base64,{}" alt="" style="max-height:90px;background:#fff">', encoded)


@admin.register(SignerProfile)
class SignerProfileAdmin(admin.ModelAdmin):
    form = SignerProfileForm
    list_display = ("full_name", "agency_name", "agency_code", "active")
    list_filter = ("active",)
    search_fields = ("full_name", "agency_name", "agency_code")
    readonly_fields = ("signature_preview", "seal_preview")
    fields = ("agency_name", "agency_code", "title", "full_name", "signature_upload", "signature_preview",
              "seal_upload", "seal_preview", "active")

    @admin.display(description=_("signature image (PNG)"))
    def signature_preview(self, obj):
        return _preview(obj.signature_image if obj else b"")

    @admin.display(description=_("seal image (PNG)"))
    def seal_preview(self, obj):
        return _preview(obj.seal_image if obj else b"")


@admin.register(SignedDocument)
class SignedDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "object_ref", "signer", "signed_at", "code")
    list_filter = ("kind",)
    search_fields = ("title", "object_ref", "code", "sha256")
    readonly_fields = [f.name for f in SignedDocument._meta.fields]

    def has_add_permission(self, request):  # written by the signing service only
        return False

    def has_change_permission(self, request, obj=None):
        return False

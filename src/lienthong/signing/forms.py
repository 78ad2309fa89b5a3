from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class VerifyUploadForm(forms.Form):
    """A PDF someone holds, to check its signature: no larger than any anonymous upload may be
    (LIENTHONG_PUBLIC_UPLOAD_MAX_KB; web.middleware refuses larger bodies before they are read), and a PDF
    by its content, not its name."""

    document = forms.FileField(label=_("PDF document"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))

    def clean_document(self) -> bytes:
        f = self.cleaned_data.get("document")
        cap = settings.PUBLIC_UPLOAD_MAX_KB * 1024
        if f is None:
            raise forms.ValidationError(gettext("Choose a PDF file (at most %(size)s).") % {"size": filesizeformat(cap)})
        if f.size > cap:
            raise forms.ValidationError(gettext("The file is too large: at most %(size)s.") % {"size": filesizeformat(cap)})
        data = f.read()
        if not data.lstrip()[:5] == b"%PDF-":
            raise forms.ValidationError(gettext("The file is not a PDF document."))
        return data

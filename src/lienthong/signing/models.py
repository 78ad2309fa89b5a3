"""Who signs (a signer profile: the agency, the signer's title and name, the signature and seal images a visible
signature shows) and what was signed (a register of signed documents, so the public verification page can say
which document a PDF is)."""
from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerProfile(models.Model):
    """One person who signs for one agency (Decree 30/2020: the title, e.g. "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    between which and the name the handwritten signature stands; the agency's seal over its left third). The
    images are PNG with a transparent background, kept in the database (no media storage to serve or back up
    apart from it). The cryptographic key is the deployment's (LIENTHONG_SIGNING_KEY and LIENTHONG_SIGNING_CERT), not the profile's."""

    agency_name = models.CharField(_("agency"), max_length=200)
    agency_code = models.CharField(_("agency code"), max_length=40, blank=True, db_index=True,
                                   help_text=_("The agency's identifier (e.g. 000.00.06.H56), to find its signer"))
    title = models.CharField(_("signer's title"), max_length=200,
                             help_text=_("One line per line as printed, e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH on two lines"))
    full_name = models.CharField(_("signer's full name"), max_length=120)
    signature_image = models.BinaryField(_("signature image (PNG)"), blank=True, default=b"", editable=True)
    seal_image = models.BinaryField(_("seal image (PNG)"), blank=True, default=b"", editable=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency_name", "full_name"]
        verbose_name = _("signer profile")
        verbose_name_plural = _("signer profiles")

    def __str__(self) -> str:
        return f"{self.full_name} — {self.agency_name}"

    @property
    def title_lines(self) -> list[str]:
        return [line.strip() for line in self.title.replace(" / ", "\n").splitlines() if line.strip()]


def new_code() -> str:
    """A public verification code: 16 characters from an unambiguous alphabet (no 0/O, 1/I/L), typed from paper
    if needs be; 80 bits, so a document's page cannot be guessed."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class SignedDocument(models.Model):
    """A document this site signed: which kind and object it is, the SHA-256 of the signed PDF (an uploaded copy
    is recognised by it), who signed and when, and its public verification code (the QR code's target)."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    object_ref = models.CharField(_("object"), max_length=120, blank=True)
    title = models.CharField(_("document"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, unique=True)
    signer = models.ForeignKey(SignerProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="documents",
                               verbose_name=_("signer"))
    signed_at = models.DateTimeField(_("signed at"))
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_code)
    detail_url = models.CharField(_("public page of the object"), max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        indexes = [models.Index(fields=["kind", "object_ref"])]

    def __str__(self) -> str:
        return self.title

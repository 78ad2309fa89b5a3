"""The signing key and the low-level PAdES operations (pyHanko): load the configured signer, sign a PDF
(invisible, or visible with an appearance drawn elsewhere), validate a PDF against the configured trust roots.
Callers use lienthong.signing.services (sign_document, verify_document); this module knows no models.

The deployment configures the signer through the environment:
  LIENTHONG_SIGNING_KEY         PEM private key of the agency's signing certificate
  LIENTHONG_SIGNING_CERT        PEM certificate of that key
  LIENTHONG_SIGNING_PASSPHRASE  passphrase of the key (optional)
  LIENTHONG_SIGNING_CHAIN       PEM intermediate/CA certificates to embed (optional)
  LIENTHONG_SIGNING_TRUST_ROOT  PEM certificate(s) the verification page trusts (default: the chain)
Without them (development, demo, tests) a test CA and signer are generated once into
DATA_DIR/signing/; in production (LIENTHONG_ENV=production) missing settings are an error instead.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

_lock = threading.Lock()
TEST_PASSPHRASE = b"lienthong-test-signer"  # the generated test key only; it signs nothing real


@dataclass(frozen=True)
class SigningConfig:
    key: Path
    cert: Path
    passphrase: bytes | None
    chain: tuple[Path, ...]
    trust_roots: tuple[Path, ...]


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def signing_config() -> SigningConfig:
    key, cert = _env_path("LIENTHONG_SIGNING_KEY"), _env_path("LIENTHONG_SIGNING_CERT")
    if key and cert:
        passphrase = os.environ.get("LIENTHONG_SIGNING_PASSPHRASE")
        chain = tuple(Path(p) for p in os.environ.get("LIENTHONG_SIGNING_CHAIN", "").split(os.pathsep) if p)
        roots = tuple(Path(p) for p in os.environ.get("LIENTHONG_SIGNING_TRUST_ROOT", "").split(os.pathsep) if p)
        return SigningConfig(key, cert, passphrase.encode() if passphrase else None, chain, roots or chain)
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("Document signing needs LIENTHONG_SIGNING_KEY and LIENTHONG_SIGNING_CERT.")
    return ensure_test_ca(Path(settings.DATA_DIR) / "signing")


def ensure_test_ca(directory: Path) -> SigningConfig:
    """A test CA and a signer certificate it issued, generated once (with `cryptography`) into directory."""
    directory = Path(directory)
    ca_cert_path, key_path, cert_path = directory / "test-ca.pem", directory / "signer-key.pem", directory / "signer.pem"
    with _lock:
        if not (ca_cert_path.exists() and key_path.exists() and cert_path.exists()):
            directory.mkdir(parents=True, exist_ok=True)
            _generate(ca_cert_path, key_path, cert_path)
    return SigningConfig(key_path, cert_path, TEST_PASSPHRASE, (ca_cert_path,), (ca_cert_path,))


def _generate(ca_cert_path: Path, key_path: Path, cert_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lienthong TEST - khong co gia tri phap ly"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("Lienthong Test CA")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(name("Ban quan ly cang ca (TEST)")).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_cert_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(TEST_PASSPHRASE)))
    os.chmod(key_path, 0o600)


_signers: dict[SigningConfig, object] = {}


def _signer(config: SigningConfig):
    from pyhanko.sign import signers

    with _lock:
        if config not in _signers:
            signer = signers.SimpleSigner.load(str(config.key), str(config.cert),
                                               ca_chain_files=[str(p) for p in config.chain] or None,
                                               key_passphrase=config.passphrase)
            if signer is None:
                raise ImproperlyConfigured("Could not load the signing key and certificate.")
            _signers[config] = signer
        return _signers[config]


def check_signer() -> None:
    """Load the configured signer now (`lienthong serve` in production): a wrong passphrase or a key that does
    not match its certificate stops the start instead of an officer's first clearance. Raises
    ImproperlyConfigured."""
    config = signing_config()
    try:
        _signer(config)
    except Exception as error:  # a wrong passphrase, a file that is no PEM key, a key not the certificate's
        raise ImproperlyConfigured(f"Could not load the signing key {config.key} with its certificate {config.cert} "
                                   "(LIENTHONG_SIGNING_KEY, LIENTHONG_SIGNING_CERT, LIENTHONG_SIGNING_PASSPHRASE)") from error


def sign_pdf(pdf: bytes, *, reason: str, location: str = "", config: SigningConfig | None = None,
             field_name: str = "ChuKySo", page: int = -1, box: tuple[float, float, float, float] | None = None,
             appearance: bytes | None = None, signing_time: dt.datetime | None = None) -> bytes:
    """The PDF with a PAdES baseline signature (B-B) by the configured signer, in a new field `field_name`.

    Invisible unless `box` (x1, y1, x2, y2 in PDF points from the page's lower left corner, on page index `page`,
    -1 the last) is given; then `appearance`, a one-page PDF the size of the box, is the field's appearance
    (imported as a form XObject by pyHanko's StaticStampStyle). `signing_time` (aware) is the signing time the
    signature states; default: now."""
    import tempfile

    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    config = config or signing_config()
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason or None, location=location or None,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    with tempfile.TemporaryDirectory(prefix="lienthong-sign-") as tmp:
        style = spec = None
        if box is not None:
            spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=tuple(round(v) for v in box))
            if appearance is not None:
                stamp_file = Path(tmp) / "appearance.pdf"
                stamp_file.write_bytes(appearance)
                style = StaticStampStyle.from_pdf_file(
                    str(stamp_file), border_width=0, background_opacity=1.0,
                    background_layout=layout.SimpleBoxLayoutRule(
                        x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                        margins=layout.Margins.uniform(0)))
        pdf_signer = _pinned_time_signer_class()(meta, signer=_signer(config), stamp_style=style, new_field_spec=spec,
                                       signing_time=signing_time)
        out = pdf_signer.sign_pdf(writer)
    return out.getvalue()


@functools.cache
def _pinned_time_signer_class():
    from pyhanko.sign import signers

    class PinnedTimeSigner(signers.PdfSigner):
        """pyHanko takes the signing time from the clock inside its signing session; the visible appearance,
        drawn before, states a time too: this pins the session's time to that one so the two never differ."""

        def __init__(self, *args, signing_time: dt.datetime | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self._signing_time = signing_time

        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            if self._signing_time is not None:
                session.system_time = self._signing_time
            return session

    return PinnedTimeSigner


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    intact: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None
    coverage_whole_file: bool
    message: str
    # Why it is not valid, as a code a caller can branch on: "" (valid), no_signature, unreadable, modified,
    # untrusted, appended (something was added after the signature).
    problem: str = ""


def validate(pdf: bytes, config: SigningConfig | None = None) -> SignatureCheck:
    """Validate the document's signatures against the trust roots; any error is an invalid answer."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    config = config or signing_config()
    roots = []
    for path in config.trust_roots:
        for _type, _headers, der in pem.unarmor(Path(path).read_bytes(), multiple=True):
            roots.append(asn1_x509.Certificate.load(der))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
        if not sigs:
            return SignatureCheck(False, False, False, "", None, False, _("The document has no digital signature"),
                                  "no_signature")
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sigs[-1], context)
    except Exception as exc:  # a damaged file is an answer ("invalid"), not a server error
        return SignatureCheck(False, False, False, "", None, False,
                              _("The signature cannot be read: %(error)s") % {"error": type(exc).__name__}, "unreadable")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    valid = bool(status.intact and status.valid and status.trusted and whole)
    if valid:
        message, problem = _("Valid digital signature: the document has not been changed since it was signed"), ""
    elif not (status.intact and status.valid):
        message, problem = _("Invalid digital signature: the document's content has been changed"), "modified"
    elif not status.trusted:
        message, problem = _("The digital signature was not issued by a trusted authority"), "untrusted"
    else:
        message, problem = _("Something was added to the document after it was signed"), "appended"
    return SignatureCheck(valid, bool(status.intact), bool(status.trusted), signer, status.signer_reported_dt,
                          whole, message, problem)


def stamp_page(pdf: bytes, stamp: bytes, *, page: int, x: float, y: float) -> bytes:
    """The PDF with `stamp` (a one-page PDF) drawn onto page index `page` (-1 the last) with its lower left corner
    at (x, y) PDF points from the page's lower left, as an incremental update (pyHanko's StaticContentStamp):
    the original bytes stay as they were, so a signature already on them still covers them."""
    import tempfile

    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import StaticStampStyle
    from pyhanko.stamp.static import StaticContentStamp

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if page < 0:
        page += int(writer.root["/Pages"]["/Count"])
    with tempfile.TemporaryDirectory(prefix="lienthong-stamp-") as tmp:
        stamp_file = Path(tmp) / "stamp.pdf"
        stamp_file.write_bytes(stamp)
        style = StaticStampStyle.from_pdf_file(
            str(stamp_file), border_width=0, background_opacity=1.0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins.uniform(0)))
        width, height = page_size(stamp, 0)
        StaticContentStamp(writer=writer, style=style, box=layout.BoxConstraints(width=width, height=height)).apply(
            page, round(x), round(y))
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


def page_size(pdf: bytes, page: int) -> tuple[float, float]:
    """Width and height in PDF points of page index `page` (-1 the last), from its MediaBox."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    node = reader.find_page_for_modification(page % count)[0].get_object()
    while "/MediaBox" not in node and "/Parent" in node:  # inherited from the page tree
        node = node["/Parent"]
    x1, y1, x2, y2 = (float(v) for v in node["/MediaBox"])
    return abs(x2 - x1), abs(y2 - y1)

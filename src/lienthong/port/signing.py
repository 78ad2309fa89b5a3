"""PAdES signatures on clearance documents (pyHanko), and their validation against the configured trust root.

The deployment configures the signer through the environment:
  LIENTHONG_SIGNING_KEY         PEM private key of the port authority's signing certificate
  LIENTHONG_SIGNING_CERT        PEM certificate of that key
  LIENTHONG_SIGNING_PASSPHRASE  passphrase of the key (optional)
  LIENTHONG_SIGNING_CHAIN       PEM intermediate/CA certificates to embed (optional)
  LIENTHONG_SIGNING_TRUST_ROOT  PEM certificate(s) the verification page trusts (default: the chain)
Without them (development, demo, tests) a test CA and signer are generated once into
DATA_DIR/signing/; in production (LIENTHONG_ENV=production) missing settings are an error instead.
"""
from __future__ import annotations

import datetime as dt
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
        raise ImproperlyConfigured("Clearance signing needs LIENTHONG_SIGNING_KEY and LIENTHONG_SIGNING_CERT.")
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


# The reason is written into the signature of an official Vietnamese document: Vietnamese by design.
def sign_pdf(pdf: bytes, *, reason: str = "Cấp giấy xác nhận xuất bến", location: str = "",
             config: SigningConfig | None = None) -> bytes:
    """The PDF with a PAdES baseline signature (B-B) by the configured signer."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    config = config or signing_config()
    meta = signers.PdfSignatureMetadata(field_name="ChuKyCang", reason=reason, location=location or None,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.PdfSigner(meta, signer=_signer(config)).sign_pdf(writer)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    intact: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None
    coverage_whole_file: bool
    message: str


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
            return SignatureCheck(False, False, False, "", None, False, _("The document has no digital signature"))
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sigs[-1], context)
    except Exception as exc:  # a damaged file is an answer ("invalid"), not a server error
        return SignatureCheck(False, False, False, "", None, False,
                              _("The signature cannot be read: %(error)s") % {"error": type(exc).__name__})
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    valid = bool(status.intact and status.valid and status.trusted and whole)
    if valid:
        message = _("Valid digital signature: the document has not been changed since it was signed")
    elif not (status.intact and status.valid):
        message = _("Invalid digital signature: the document's content has been changed")
    elif not status.trusted:
        message = _("The digital signature was not issued by a trusted authority")
    else:
        message = _("Something was added to the document after it was signed")
    return SignatureCheck(valid, bool(status.intact), bool(status.trusted), signer, status.signer_reported_dt,
                          whole, message)

"""The files a citizen uploads with an online dossier (or a supplement): one file per component, checked and
kept between the form's attempts.

- Type from the content, never from the name: a PDF starts %PDF-, a JPEG FF D8 FF, a PNG its 8-byte
  signature. Hand-written (three fixed signatures, read from the first bytes) rather than a dependency; the
  digitisation (onestop.digitising, digitise/) reads the stored file later and does its own full checks.
- Size: at most ONESTOP_FILE_MAX_MB per file and ONESTOP_DOSSIER_MAX_MB for the files of one submission.
- A refused file is never written anywhere. An accepted one is staged (written under MEDIA_ROOT/onestop-staging
  with a random name) so that the form, shown again for another mistake, keeps it: the page carries a signed
  token listing the staged files (Django's signing, so nobody can point it at another file), valid
  STAGED_HOURS. Staged files nobody carried on for that long are deleted when a form is next checked.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
STAGED_HOURS = 2
_SALT = "lienthong.onestop.public.staged"
_STAGED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")


def sniff(head: bytes) -> str | None:
    """The file's type from its first bytes: PDF, JPEG or PNG; None for anything else."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def megabytes(size: float) -> str:
    """A size the Vietnamese way: 30 MB, 1,5 MB, 0,2 MB."""
    mb = size / 1048576
    text = f"{mb:.0f}" if mb >= 10 or mb == int(mb) else f"{mb:.1f}"
    return text.replace(".", ",") + " MB"


def file_limit() -> int:
    return int(settings.ONESTOP_FILE_MAX_MB * 1048576)


def dossier_limit() -> int:
    return int(settings.ONESTOP_DOSSIER_MAX_MB * 1048576)


def body_limit_kb() -> float:
    """What one submission may send without a login: the dossier's files and room for the form's fields."""
    return settings.ONESTOP_DOSSIER_MAX_MB * 1024 + 512


@dataclass(frozen=True)
class Staged:
    """An accepted file waiting for its dossier: `name` is its random file name in the staging directory."""

    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        return staging_dir() / self.name


def staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "onestop-staging"


def _touch(path: Path) -> None:
    """Mark a staged file as used now (the clock the pruning reads: time.time(), not the file system's)."""
    now = time.time()
    os.utime(path, (now, now))


def _prune(keep=()) -> None:
    """Delete staged files nobody used for STAGED_HOURS (forms left half-done), never those in `keep`."""
    cutoff = time.time() - STAGED_HOURS * 3600
    for old in staging_dir().glob("*"):
        try:
            if old.name not in keep and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _stage(upload, kind: str, digest: str) -> Staged:
    folder = staging_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{EXTENSION[kind]}"
    with open(folder / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    _touch(folder / name)
    original = Path(upload.name or "").name[:255]
    return Staged(name, original, kind, upload.size, digest)


def _digest(upload) -> str:
    h = hashlib.sha256()
    for chunk in upload.chunks():
        h.update(chunk)
    upload.seek(0)
    return h.hexdigest()


def token(staged: dict[int, Staged]) -> str:
    """The signed list of staged files the page carries (component id → file)."""
    return signing.dumps({str(k): asdict(v) for k, v in staged.items()}, salt=_SALT, compress=True) if staged else ""


def from_token(text: str) -> dict[int, Staged]:
    """The staged files a page's token lists that still exist; an altered or expired token lists none."""
    if not text:
        return {}
    try:
        data = signing.loads(text, salt=_SALT, max_age=STAGED_HOURS * 3600)
    except signing.BadSignature:
        return {}
    out = {}
    for key, value in data.items():
        s = Staged(**value)
        if _STAGED_NAME.fullmatch(s.name) and s.path.exists():
            out[int(key)] = s
    return out


def discard(staged: dict[int, Staged]) -> None:
    for s in staged.values():
        s.path.unlink(missing_ok=True)


@dataclass
class Collected:
    """The outcome for a form: the files kept (staged), and one message per component field that failed."""

    files: dict[int, Staged]
    errors: dict[str, str]

    @property
    def token(self) -> str:
        return token(self.files)


def field_name(component_id: int) -> str:
    return f"component-{component_id}"


def collect(components, uploaded, staged_token: str = "", *, dropped=(), required_ids=None,
            need_one: bool = False) -> Collected:
    """Check the files sent for `components` (ProcedureComponents) in `uploaded` (request.FILES), keeping
    those staged before (`staged_token`) that were neither replaced nor `dropped` (component ids). Required:
    the components' own flag, or `required_ids` when given (a supplement asks for what is missing).
    need_one: at least one file in all (a supplement without a file supplements nothing)."""
    kept = from_token(staged_token)
    for component_id in dropped:
        if component_id in kept:
            kept.pop(component_id).path.unlink(missing_ok=True)
    for s in kept.values():
        _touch(s.path)  # carried on: another STAGED_HOURS from now
    _prune(keep={s.name for s in kept.values()})
    errors: dict[str, str] = {}
    limit = file_limit()
    for c in components:
        field = field_name(c.pk)
        upload = uploaded.get(field)
        if upload is None or not upload.size:
            required = c.required if required_ids is None else c.pk in required_ids
            if required and c.pk not in kept:
                errors[field] = _("%(component)s: attach the file (required).") % {"component": c.name}
            continue
        if upload.size > limit:
            errors[field] = _("%(component)s: the file is %(size)s, larger than the %(limit)s allowed for one file.") % {
                "component": c.name, "size": megabytes(upload.size), "limit": megabytes(limit)}
            continue
        head = upload.read(16)
        upload.seek(0)
        kind = sniff(head)
        if kind is None:
            errors[field] = _("%(component)s: the file is not a PDF, JPEG or PNG (its content was checked, not its "
                              "name); scan or save the paper as PDF, JPEG or PNG.") % {"component": c.name}
            continue
        if c.pk in kept:  # replaced by the new file
            kept.pop(c.pk).path.unlink(missing_ok=True)
        kept[c.pk] = _stage(upload, kind, _digest(upload))
    total = sum(s.size for s in kept.values())
    if total > dossier_limit():
        errors["files"] = _("The files together are %(size)s, more than the %(limit)s allowed for one dossier: send "
                            "smaller scans (a lower resolution or black and white).") % {
            "size": megabytes(total), "limit": megabytes(dossier_limit())}
    if need_one and not kept and not errors:
        errors["files"] = _("Attach at least one file.")
    return Collected(kept, errors)

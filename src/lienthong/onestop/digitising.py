"""Digitising a dossier's components: the scan stored as a PDF at intake, OCR in Vietnamese in the background, and
a search over the dossiers by the text read from them.

- `attach_scan` (intake, inside the request): lienthong.digitise checks the upload (its real type, size, pages,
  pixels) and makes the PDF; it is stored in the component's `file` (named by the server) and the component is
  marked digitised and "pending" for OCR. Nothing waits for OCR.
- The job worker (sync.worker, the one worker for every background job, which finds this step through
  `OnestopConfig.run_background_jobs`) claims a pending component with a conditional UPDATE (pending → running,
  naming its process), as fleet.importer.jobs claims a queued import, and `digitise_component` reads it: the text
  of each page (NFC) into `ocr_text`, its folded form (identity.text.fold) into `ocr_folded`, the searchable PDF
  into `searchable_file`. A failure is recorded with its code (OCR_UNAVAILABLE: "OCR not available") and the scan
  stays stored. OCR is idempotent: a component left running by a dead worker goes back to pending.
- `search_text` / `dossiers_with_text`: dossiers the user may see (Dossier.objects.visible_to) whose scanned text
  holds every word typed, with or without diacritics ("nguyen" finds "Nguyễn").
"""
from __future__ import annotations

import logging
import string
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong import digitise
from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.fleet.importer.abandoned import process_alive, this_process
from lienthong.identity.text import fold

from .errors import DossierError
from .models import Dossier, DossierComponent

__all__ = ["attach_scan", "claim_component", "retry_when_available", "digitise_component", "run_pending_digitisations", "requeue_abandoned",
           "text_terms", "components_with_text", "dossiers_with_text", "search_text", "snippet_words", "TextHit", "open_scan",
           "STALE_AFTER"]

logger = logging.getLogger(__name__)

OCR = DossierComponent.OcrState
# A component "running" this long (from another host, whose process cannot be checked) has no live worker behind it:
# OCR is bounded per page (digitise.ocr's page_timeout) and a component by digitise.Limits.max_pages.
STALE_AFTER = timedelta(minutes=30)
MAX_TERMS = 6
SNIPPET_WORDS = (6, 10)  # words shown before and after the first word found

AUDIT_TEXT = {
    "attach": gettext_noop("Scan of %(component)s attached to dossier %(code)s"),
    "done": gettext_noop("%(component)s of dossier %(code)s digitised: %(pages)s page(s) read"),
    "failed": gettext_noop("OCR of %(component)s of dossier %(code)s failed"),
    "open": gettext_noop("Scan of %(component)s of dossier %(code)s opened"),
}


def _user(by):
    return getattr(by, "user", by)


# --- intake --------------------------------------------------------------------------------------------------------
def attach_scan(component: DossierComponent, by, *, data: bytes, file_name: str, citizen: bool = False,
                limits: digitise.Limits = digitise.Limits()) -> DossierComponent:
    """Store the scan of one component as a PDF and queue its OCR; returns the component, "pending". Officers need a
    role that handles dossiers and must see the dossier; `citizen=True`: the citizen's own upload (the caller proved
    who they are). A refused file raises DossierError "scan_<digitise code>" on the field "file", storing nothing.
    A second scan of the same component replaces the first (its files are deleted once the change is committed)."""
    user = _user(by)
    if not citizen and not (can_handle_dossiers(user)
                            and Dossier.objects.visible_to(user).filter(pk=component.dossier_id).exists()):
        raise DossierError("not_allowed")
    try:
        scan = digitise.accept(data, file_name, limits)
    except digitise.DigitiseError as exc:
        raise DossierError(f"scan_{exc.code}", "file", file=exc.file_name, detail=exc.message,
                           limit_mb=limits.max_bytes // (1024 * 1024), limit_pages=limits.max_pages) from exc
    with transaction.atomic():
        component = DossierComponent.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=component.pk)
        replaced = [f.name for f in (component.file, component.searchable_file) if f]
        # Named by the server (the declared name, which may hold a citizen's name, stays in original_name).
        component.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(scan.pdf), save=False)
        component.searchable_file = ""
        component.original_name = scan.name
        component.content_type = "application/pdf"
        component.size = len(scan.pdf)
        component.sha256 = scan.sha256  # of the file as handed in
        component.pages = scan.pages
        component.digitised = True
        component.ocr_state = OCR.PENDING
        component.ocr_text = component.ocr_folded = component.ocr_error = component.ocr_message = component.ocr_claimed_by = ""
        component.ocr_claimed_at = component.ocr_finished_at = None
        component.save()
        record(by, AuditAction.UPDATE, object_type="dossier", object_id=component.dossier.code,
               summary=msg(AUDIT_TEXT["attach"], component=component.name, code=component.dossier.code),
               detail={"action": "attach_scan", "component": component.pk, "file": scan.name, "kind": str(scan.kind),
                       "pages": scan.pages, "size": len(scan.data), "sha256": scan.sha256, "citizen": citizen})
        if replaced:
            storage = component.file.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in replaced])
    return component


# --- the background step -------------------------------------------------------------------------------------------
def requeue_abandoned() -> int:
    """Components left "running" by a worker that died (or, from another host, for longer than STALE_AFTER) go back
    to pending; returns how many. OCR is redone from the stored scan, so nothing is lost."""
    stale = timezone.now() - STALE_AFTER
    back = 0
    for pk, claimed_by, claimed_at in (DossierComponent.objects.filter(ocr_state=OCR.RUNNING)
                                       .values_list("pk", "ocr_claimed_by", "ocr_claimed_at")):
        alive = process_alive(claimed_by)
        if alive is False or (alive is None and (claimed_at is None or claimed_at < stale)):
            back += DossierComponent.objects.filter(pk=pk, ocr_state=OCR.RUNNING, ocr_claimed_by=claimed_by).update(
                ocr_state=OCR.PENDING, ocr_claimed_by="", ocr_claimed_at=None)
    return back


RETRY_UNAVAILABLE_EVERY = 60.0  # seconds between checks whether OCR has become available
_last_availability_check = [-RETRY_UNAVAILABLE_EVERY]


def retry_when_available(*, force: bool = False, **ocr_options) -> int:
    """Components that failed only because OCR was not available (tesseract or its Vietnamese model not installed)
    go back to pending once it is; returns how many. Checked at most every RETRY_UNAVAILABLE_EVERY seconds, and
    only while such components exist."""
    now = time.monotonic()
    if not force and now - _last_availability_check[0] < RETRY_UNAVAILABLE_EVERY:
        return 0
    _last_availability_check[0] = now
    waiting = DossierComponent.objects.filter(ocr_state=OCR.FAILED, ocr_error=digitise.errors.OCR_UNAVAILABLE)
    if not waiting.exists():
        return 0
    try:
        digitise.check_ocr(ocr_options.get("languages", digitise.LANGUAGES), tesseract=ocr_options.get("tesseract", "tesseract"))
    except digitise.DigitiseError:
        return 0
    return waiting.update(ocr_state=OCR.PENDING, ocr_error="", ocr_message="", ocr_finished_at=None)


def claim_component() -> DossierComponent | None:
    """The oldest pending component, now running in this process; None when none waits. The UPDATE is conditional
    on it still being pending, so of two workers only one gets it."""
    requeue_abandoned()
    for pk in (DossierComponent.objects.filter(ocr_state=OCR.PENDING).order_by("pk").values_list("pk", flat=True)[:5]):
        if DossierComponent.objects.filter(pk=pk, ocr_state=OCR.PENDING).update(
                ocr_state=OCR.RUNNING, ocr_claimed_by=this_process(), ocr_claimed_at=timezone.now()):
            return DossierComponent.objects.select_related("dossier").get(pk=pk)
    return None


def digitise_component(component: DossierComponent, *, languages=digitise.LANGUAGES, page_timeout: float = 120.0,
                       tesseract: str = "tesseract") -> DossierComponent:
    """OCR a claimed (running) component's stored scan and record the outcome: done with its text, folded text and
    searchable PDF, or failed with the digitise error code and message. Audited as the system. If the scan was
    replaced meanwhile, this result is dropped (the new scan is pending again)."""
    claimed_by, file_name = component.ocr_claimed_by, component.file.name
    outcome: dict = {}
    try:
        with component.file.open("rb") as f:
            data = f.read()
        scan = digitise.accept(data, component.original_name or component.name)
        result = digitise.ocr(scan, languages=languages, page_timeout=page_timeout, tesseract=tesseract)
    except digitise.DigitiseError as exc:
        outcome = {"ocr_state": OCR.FAILED, "ocr_error": exc.code, "ocr_message": exc.message[:500]}
    except OSError as exc:  # the stored file is gone
        outcome = {"ocr_state": OCR.FAILED, "ocr_error": digitise.errors.CORRUPT,
                   "ocr_message": f"{component.original_name}: không đọc được tệp đã lưu ({exc.strerror or exc})"[:500]}
    except Exception as exc:  # anything else: failed with the reason; the worker goes on
        logger.exception("OCR of dossier component %s failed", component.pk)
        outcome = {"ocr_state": OCR.FAILED, "ocr_error": digitise.errors.OCR_FAILED,
                   "ocr_message": f"{component.original_name}: {type(exc).__name__}: {exc}"[:500]}
    else:
        outcome = {"ocr_state": OCR.DONE, "ocr_text": result.text, "ocr_folded": result.folded, "pages": len(result.pages),
                   "ocr_error": "", "ocr_message": ""}
    with transaction.atomic():
        current = DossierComponent.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=component.pk)
        if current.ocr_state != OCR.RUNNING or current.ocr_claimed_by != claimed_by or current.file.name != file_name:
            return current  # replaced or requeued meanwhile: this result is not the current scan's
        for key, value in outcome.items():
            setattr(current, key, value)
        if outcome["ocr_state"] == OCR.DONE:
            current.searchable_file.save(f"{uuid.uuid4().hex}-ocr.pdf", ContentFile(result.searchable_pdf), save=False)
        current.ocr_finished_at = timezone.now()
        current.ocr_claimed_by = ""
        current.save()
        done = outcome["ocr_state"] == OCR.DONE
        detail = {"action": "ocr", "component": current.pk, "state": current.ocr_state}
        if done:
            detail.update(pages=current.pages, characters=len(current.ocr_text), seconds=result.seconds,
                          languages=result.languages)
        else:
            detail.update(error=current.ocr_error, message=current.ocr_message)
        record(None, AuditAction.UPDATE, object_type="dossier", object_id=current.dossier.code,
               summary=msg(AUDIT_TEXT["done" if done else "failed"], component=current.name, code=current.dossier.code,
                           pages=current.pages), detail=detail)
    return current


def run_pending_digitisations(limit: int | None = None, **ocr_options) -> int:
    """Digitise pending components one after another until none waits (or `limit` were run); returns how many. The
    worker calls it between its other jobs (OnestopConfig.run_background_jobs); tests call it in-process."""
    retry_when_available(**{k: v for k, v in ocr_options.items() if k in ("languages", "tesseract")})
    done = 0
    while limit is None or done < limit:
        component = claim_component()
        if component is None:
            break
        digitise_component(component, **ocr_options)
        done += 1
    return done


# --- search --------------------------------------------------------------------------------------------------------
def text_terms(query: str) -> list[str]:
    """The words to find: folded (no diacritics, lower case, đ→d), punctuation trimmed from their ends (a code
    such as KG-91234-TS stays whole), each once, at most MAX_TERMS."""
    terms: list[str] = []
    for word in fold(query).split():
        term = word.strip(string.punctuation)
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def components_with_text(user, query: str) -> QuerySet[DossierComponent]:
    """Read components of dossiers `user` may see whose text holds every term of the query (substrings of the
    folded text: "nguyen" finds "Nguyễn", "anh" also "Ánh" and "Anh")."""
    terms = text_terms(query)
    components = DossierComponent.objects.filter(ocr_state=OCR.DONE, dossier__in=Dossier.objects.visible_to(user))
    if not terms:
        return components.none()
    for term in terms:
        components = components.filter(ocr_folded__contains=term)
    return components


def dossiers_with_text(user, query: str) -> QuerySet[Dossier]:
    """Dossiers `user` may see with at least one component whose text holds every term (for filtering lists)."""
    return Dossier.objects.visible_to(user).filter(pk__in=components_with_text(user, query).values("dossier_id"))


@dataclass(frozen=True)
class TextHit:
    dossier: Dossier
    component: DossierComponent
    words: tuple[tuple[str, bool], ...]  # the words around the first term found, as read, each with "holds a term"

    @property
    def snippet(self) -> str:
        """The words as one line, "…" where words were left out."""
        return " ".join(word for word, _ in self.words)


def search_text(by, query: str, *, limit: int = 50) -> list[TextHit]:
    """One hit per component found, newest dossiers first, at most `limit`. The text may hold names and ID numbers:
    each search that is run is audited with the query and the number of hits, as the vessel search is."""
    user = _user(by)
    terms = text_terms(query)
    if not terms:
        return []
    components = (components_with_text(user, query).select_related("dossier", "dossier__procedure")
                  .order_by("-dossier__created_at", "-dossier_id", "pk")[:limit])
    hits = [TextHit(c.dossier, c, snippet_words(c.ocr_text, terms)) for c in components]
    if getattr(user, "is_authenticated", False):
        record(by, AuditAction.SEARCH, object_type="dossier", summary=query[:255],
               detail={"q": query[:500], "results": len(hits), "in": "scanned text"})
    return hits


def snippet_words(text: str, terms: list[str]) -> tuple[tuple[str, bool], ...]:
    """The words of `text` around the first word holding a term, each with whether it holds one (for <mark>), and
    ("…", False) where words were left out."""
    words = text.split()
    found = [any(t in fold(w) for t in terms) for w in words]
    at = found.index(True) if True in found else 0  # a term spanning words ("kg 912" typed as one): the start
    start, end = max(0, at - SNIPPET_WORDS[0]), min(len(words), at + SNIPPET_WORDS[1] + 1)
    shown = list(zip(words[start:end], found[start:end]))
    return tuple(([("…", False)] if start else []) + shown + ([("…", False)] if end < len(words) else []))


# --- the scan itself -----------------------------------------------------------------------------------------------
def open_scan(by, component_id: int, *, searchable: bool = False) -> tuple[DossierComponent, bytes]:
    """The stored scan (or its searchable copy) of a component of a dossier `by` may see, audited as a view of the
    dossier; DossierError "not_found" when there is none to see (not visible, no such component, no such file)."""
    user = _user(by)
    component = (DossierComponent.objects.select_related("dossier")
                 .filter(pk=component_id, dossier__in=Dossier.objects.visible_to(user)).first())
    field = None if component is None else (component.searchable_file if searchable else component.file)
    if not field:
        raise DossierError("not_found")
    with field.open("rb") as f:
        data = f.read()
    record(by, AuditAction.VIEW, object_type="dossier", object_id=component.dossier.code,
           summary=msg(AUDIT_TEXT["open"], component=component.name, code=component.dossier.code),
           detail={"action": "open_scan", "component": component.pk, "searchable": searchable})
    return component, data

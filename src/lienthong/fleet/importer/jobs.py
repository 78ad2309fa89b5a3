"""Large registry uploads as background jobs.

An upload above IMPORT_BACKGROUND_MB or IMPORT_BACKGROUND_ROWS is not imported inside the request: the file is
kept under DATA_DIR/imports (named by the server, never by the officer), its RegistryImport is written
"queued" with the choices made on the form, and the page returns at once to the import's page, which shows the
progress. The job worker beside `lienthong serve` (sync.worker, the one worker for every background job) claims
queued imports with a conditional UPDATE (queued → running, naming its process), so two workers never take the
same one, and runs the same `import_into` as a small upload: all rows written in one transaction or none.

A worker killed while importing leaves the record "running" with its dead process: `abandoned` marks it failed
at the next start or page load, as for any import (the queued file is then deleted: it holds personal data).
"""
from __future__ import annotations

import hashlib
import logging
import time
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.utils import timezone

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction

from ..models import ImportStatus, RegistryImport
from ..readers import ReadError, estimated_rows
from .abandoned import this_process
from .limits import check_source_size, import_limits
from .run import import_into, import_registry

__all__ = ["runs_in_background", "queue_import", "claim_import", "run_import", "run_queued_imports", "upload_dir",
           "remove_stored_file"]

logger = logging.getLogger(__name__)


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def runs_in_background(upload) -> bool:
    """Whether this upload is imported by the worker: larger than IMPORT_BACKGROUND_MB, or holding (by what the
    file declares, without parsing it) more than IMPORT_BACKGROUND_ROWS rows."""
    size = upload.size
    if size > settings.IMPORT_BACKGROUND_MB * 1048576:
        return True
    upload.seek(0)
    rows = estimated_rows(upload.read(), import_limits())
    upload.seek(0)
    return rows is not None and rows > settings.IMPORT_BACKGROUND_ROWS


def queue_import(upload, *, file_name: str, user=None, mapping: dict | None = None, sheet: str | None = None) -> RegistryImport:
    """Keep the uploaded file and queue its import; returns the queued record. A file past the import limits is
    refused here at once (a failed record, as a small upload gets), never queued."""
    try:
        check_source_size(upload, file_name, import_limits())
    except ReadError:
        return import_registry(upload, file_name=file_name, user=user, mapping=mapping, sheet=sheet)
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}{PurePath(file_name).suffix.lower()[:8]}"
    digest = hashlib.sha256()
    upload.seek(0)
    with open(folder / stored, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return RegistryImport.objects.create(
        file_name=file_name, sha256=digest.hexdigest(), imported_by=user, status=ImportStatus.QUEUED,
        stored_file=stored, options={"mapping": mapping or {}, "sheet": sheet or ""},
    )


def claim_import() -> RegistryImport | None:
    """The oldest queued import, now running in this process; None when none waits. The UPDATE is conditional
    on the record still being queued, so of two workers only one gets it."""
    for pk in (RegistryImport.objects.filter(status=ImportStatus.QUEUED).order_by("started_at", "pk")
               .values_list("pk", flat=True)[:5]):
        if RegistryImport.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(
                status=ImportStatus.RUNNING, process=this_process()):
            return RegistryImport.objects.select_related("imported_by").get(pk=pk)
    return None


def run_import(record: RegistryImport) -> RegistryImport:
    """Import a claimed record's stored file (all or nothing), audit the outcome, delete the file."""
    started = time.perf_counter()
    try:
        data = (upload_dir() / record.stored_file).read_bytes()
    except OSError as exc:
        record.status, record.finished_at = ImportStatus.FAILED, timezone.now()
        record.message = f"{record.file_name}: tệp đã tải lên không còn trên máy chủ, không nhập được ({exc.strerror or exc}); hãy tải lại tệp"
        record.save()
    else:
        try:
            options = record.options or {}
            record = import_into(record, data, user=record.imported_by, mapping=options.get("mapping") or None,
                                 sheet=options.get("sheet") or None, started=started)
        except Exception as exc:  # import_into reports a bad file itself; this is anything else: failed, nothing saved
            logger.exception("background registry import %s failed", record.pk)
            RegistryImport.objects.filter(pk=record.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.FAILED, finished_at=timezone.now(),
                message=f"{record.file_name}: lỗi khi nhập, không có thay đổi nào được lưu ({type(exc).__name__}: {exc})")
            record.refresh_from_db()
    remove_stored_file(record)
    # Who loaded what and with which outcome, as the upload page logs a small import (the officer is the user).
    audit.record(record.imported_by, AuditAction.IMPORT, object_type="registry_import", object_id=record.pk,
                 summary=record.file_name, detail={
                     "status": record.status, "background": True, "rows_total": record.rows_total,
                     "rows_created": record.rows_created, "rows_updated": record.rows_updated,
                     "rows_unchanged": record.rows_unchanged, "rows_rejected": record.rows_rejected})
    return record


def remove_stored_file(record: RegistryImport) -> None:
    if not record.stored_file:
        return
    (upload_dir() / PurePath(record.stored_file).name).unlink(missing_ok=True)
    RegistryImport.objects.filter(pk=record.pk).update(stored_file="")
    record.stored_file = ""


def run_queued_imports(limit: int | None = None) -> int:
    """Run queued imports one after another until none waits (or `limit` were run); returns how many. The
    worker calls this between its other jobs; tests call it to run the worker's import step in-process."""
    done = 0
    while limit is None or done < limit:
        record = claim_import()
        if record is None:
            break
        run_import(record)
        done += 1
    return done

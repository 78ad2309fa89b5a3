"""`import_registry()`: read the file, find the header, read every row, write the good ones, keep the report."""
from __future__ import annotations

import hashlib
import logging
import os
import time
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from ..models import ColumnMapping, ImportStatus, RegistryImport
from ..readers import ReadError, read_bytes, read_workbook
from .abandoned import this_process
from .headers import find_layout, source_format
from .limits import ProblemLog, check_source_size, import_limits
from .problems import ImportRefused, problem
from .rows import Row, RowReader
from .writer import write_rows

__all__ = ["import_registry", "import_into", "Source"]

logger = logging.getLogger(__name__)

Source = str | os.PathLike | BinaryIO | bytes


def import_registry(
    source: Source,
    *,
    file_name: str,
    user=None,
    mapping: dict | ColumnMapping | None = None,
    sheet: str | None = None,
) -> RegistryImport:
    """Import a registry file; returns the saved RegistryImport (status done, partial or failed).

    source: a path, a binary file object or bytes. mapping: header as in file -> column key (a
    saved ColumnMapping also works); headers it does not name are matched as usual. sheet: the
    worksheet to read (default: the first one with a header row).
    Never raises for a bad file: a file that cannot be read, or whose header is missing, gives
    status "failed" with the reason in .message and changes nothing.
    """
    started = time.perf_counter()
    limits = import_limits()
    try:
        check_source_size(source, file_name, limits)  # before the bytes are read into memory
        data = read_bytes(source)
    except ReadError as exc:
        record = RegistryImport.objects.create(file_name=file_name, sha256="", imported_by=user)
        return _fail(record, exc.message, started)
    except OSError as exc:
        record = RegistryImport.objects.create(file_name=file_name, sha256="", imported_by=user)
        return _fail(record, f"{file_name}: không đọc được tệp ({exc.strerror or exc})", started)
    record = RegistryImport.objects.create(
        file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), imported_by=user, status=ImportStatus.RUNNING,
        process=this_process(),
    )
    return import_into(record, data, user=user, mapping=mapping, sheet=sheet, started=started)


def import_into(record: RegistryImport, data: bytes, *, user=None, mapping: dict | ColumnMapping | None = None,
                sheet: str | None = None, started: float | None = None) -> RegistryImport:
    """The import proper, on a record already marked running by this process (by `import_registry`, or by the
    background worker for a queued upload: importer.jobs). Progress (rows read of the rows in the sheet) is
    written on the record as the rows are read, outside the write transaction, so the page can show it."""
    started = time.perf_counter() if started is None else started
    file_name = record.file_name
    limits = import_limits()
    try:
        workbook = read_workbook(data, file_name, limits)
        layout = find_layout(workbook, file_name, mapping, sheet)
        record.source_format = source_format(workbook)
    except (ReadError, ImportRefused) as exc:
        return _fail(record, exc.message, started)

    record.sheet = layout.sheet.name[:120]
    record.header_row = layout.header_row_number
    record.mapping = {h: k for h, k in layout.mapping.items() if k}
    record.ignored_columns = layout.unknown

    reader = RowReader(file_name, layout)
    good: list[Row] = []
    problems = ProblemLog()
    first_row_of: dict[str, int] = {}
    total = rejected = 0
    try:
        data_rows = layout.sheet.rows[layout.header_row + 1:]
    except ReadError as exc:  # a sheet past the row limit found while reading it (no <dimension> to tell)
        return _fail(record, exc.message, started)
    progress = Progress(record, len(data_rows))
    for number, values in data_rows:
        progress.step()
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # blank spacer rows are not data
        total += 1
        row, row_errors, row_warnings = reader.read(number, values)
        if row is not None:
            if row.reg_key in first_row_of:
                row_errors.append(problem(
                    file_name, number, reader.header("registration_number"),
                    f"số đăng ký {row.registration_number} trùng với dòng {first_row_of[row.reg_key]}",
                ))
                row = None
            else:
                first_row_of[row.reg_key] = number
        if row is None:
            rejected += 1
            problems.add_row(row_errors, row_warnings)
        else:
            problems.add_row([], row_warnings)
            good.append(row)
    record.source_format = source_format(workbook)  # legacy cell counts are known once rows are read
    if total == 0:
        return _fail(record, f"{file_name}: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {record.header_row})", started)
    progress.finish()  # every row read: the page now says the rows are being written

    try:
        with transaction.atomic():
            counts = write_rows(record, user, good)
            record.rows_total = total
            record.rows_created = counts["created"]
            record.rows_updated = counts["updated"]
            record.rows_unchanged = counts["unchanged"]
            record.rows_rejected = rejected
            record.owners_created = counts["owners_created"]
            _keep_problems(record, problems)
            record.status = ImportStatus.DONE_WITH_ERRORS if rejected else ImportStatus.DONE
            record.message = (
                f"{file_name}: {counts['created']} tàu mới, {counts['updated']} tàu cập nhật, "
                f"{counts['unchanged']} tàu không đổi, {rejected} dòng bị từ chối"
            )
            record.finished_at = timezone.now()
            record.duration_s = round(time.perf_counter() - started, 3)
            record.save()
    except Exception as exc:  # anything unexpected: the transaction rolled back, say so and keep the record
        logger.exception("registry import %s (%s) failed", record.pk, file_name)
        record.rows_created = record.rows_updated = record.rows_unchanged = record.owners_created = 0
        record.rows_total, record.rows_rejected = total, rejected
        _keep_problems(record, problems)
        return _fail(record, f"{file_name}: lỗi khi ghi dữ liệu, không có thay đổi nào được lưu ({type(exc).__name__}: {exc})",
                     started)
    return record


class Progress:
    """Rows read so far, written on the record every PROGRESS_EVERY rows (an UPDATE of two columns, outside any
    transaction the import holds: the write transaction comes after the reading)."""

    PROGRESS_EVERY = 250

    def __init__(self, record: RegistryImport, rows_in_sheet: int):
        self.record, self.read = record, 0
        record.rows_in_sheet, record.rows_read = rows_in_sheet, 0
        self._save()

    def step(self) -> None:
        self.read += 1
        if self.read % self.PROGRESS_EVERY == 0:
            self._save()

    def finish(self) -> None:
        self.read = self.record.rows_in_sheet or self.read
        self._save()

    def _save(self) -> None:
        self.record.rows_read = self.read
        RegistryImport.objects.filter(pk=self.record.pk).update(rows_read=self.read, rows_in_sheet=self.record.rows_in_sheet)


def _keep_problems(record: RegistryImport, problems: ProblemLog) -> None:
    record.errors, record.warnings = problems.errors, problems.warnings
    record.errors_total, record.warnings_total = problems.errors_total, problems.warnings_total


def _fail(record: RegistryImport, message: str, started: float) -> RegistryImport:
    record.status = ImportStatus.FAILED
    record.message = message
    record.finished_at = timezone.now()
    record.duration_s = round(time.perf_counter() - started, 3)
    record.save()
    return record

"""What the import report page and its CSV show: the outcome of a RegistryImport and its row problems.

Errors (the row was not imported) and warnings (the row was imported, a value set aside) are one list,
sorted by row then column, so an officer fixing the file goes down it once. The list holds the problems
stored with the import (the first IMPORT_MAX_PROBLEMS, whole rows); the counts are the true totals.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import ImportStatus, RegistryImport

__all__ = ["ImportReport", "import_report", "ERROR", "WARNING"]

ERROR, WARNING = "error", "warning"


@dataclass
class ImportReport:
    run: RegistryImport
    problems: list[dict[str, Any]]  # {"row", "column", "message", "kind": ERROR | WARNING, "imported": bool}
    error_count: int  # every error the import found, stored or not
    warning_count: int

    @property
    def total(self) -> int:
        return self.error_count + self.warning_count

    @property
    def capped(self) -> bool:
        """Only the first problems were kept: the page and the CSV say so."""
        return len(self.problems) < self.total

    @property
    def last_row(self) -> int | None:
        """The last row whose problems are listed (a capped list holds every problem up to it)."""
        return max((p.get("row") or 0 for p in self.problems), default=None)

    @property
    def outcome(self) -> str:
        """queued | running | done | partial | failed_file (nothing read: see run.message) | failed_write (rows read,
        none saved)."""
        status = self.run.status
        if status == ImportStatus.FAILED:
            return "failed_write" if self.run.rows_total else "failed_file"
        if status == ImportStatus.DONE_WITH_ERRORS:
            return "partial"
        if status == ImportStatus.DONE:
            return "done"
        if status == ImportStatus.QUEUED:
            return "queued"
        return "running"

    @property
    def percent(self) -> int:
        """Of the rows in the sheet, the share read (0 until the worker has opened the file)."""
        return min(100, 100 * self.run.rows_read // self.run.rows_in_sheet) if self.run.rows_in_sheet else 0

    @property
    def saved(self) -> bool:
        """Whether the import wrote anything (done or partial): the counts describe the registry."""
        return self.outcome in ("done", "partial")


def _key(problem: dict[str, Any]) -> tuple:
    return (problem.get("row") or 0, problem["kind"] != ERROR, str(problem.get("column") or ""))


def import_report(run: RegistryImport) -> ImportReport:
    rejected = {p.get("row") for p in run.errors or []}
    # A warning on a rejected row is still worth fixing, but that row was not imported either.
    imported = run.status in (ImportStatus.DONE, ImportStatus.DONE_WITH_ERRORS)
    errors = [dict(p, kind=ERROR, imported=False) for p in run.errors or []]
    warnings = [dict(p, kind=WARNING, imported=imported and p.get("row") not in rejected) for p in run.warnings or []]
    # Records from before the cap have no totals: their lists were complete.
    return ImportReport(run, sorted(errors + warnings, key=_key),
                        max(run.errors_total, len(errors)), max(run.warnings_total, len(warnings)))

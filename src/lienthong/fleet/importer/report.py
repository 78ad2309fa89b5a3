"""What the import report page and its CSV show: the outcome of a RegistryImport and its row problems.

Errors (the row was not imported) and warnings (the row was imported, a value set aside) are one list,
sorted by row then column, so an officer fixing the file goes down it once.
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
    error_count: int
    warning_count: int

    @property
    def outcome(self) -> str:
        """running | done | partial | failed_file (nothing read: see run.message) | failed_write (rows read, none saved)."""
        status = self.run.status
        if status == ImportStatus.FAILED:
            return "failed_write" if self.run.rows_total else "failed_file"
        if status == ImportStatus.DONE_WITH_ERRORS:
            return "partial"
        if status == ImportStatus.DONE:
            return "done"
        return "running"

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
    return ImportReport(run, sorted(errors + warnings, key=_key), len(errors), len(warnings))

"""How much one import may read and keep: the file's size and rows (refused before parsing), and the
row problems stored for the report (the first IMPORT_MAX_PROBLEMS kept, the true totals counted).

Why a cap on stored problems and not a table of them all: a file whose every row is bad is nearly
always one mistake repeated (a wrong column, a shifted sheet); the first thousand problems show it,
and the report says plainly how many there were and that only those are listed (page and CSV alike).
"""
from __future__ import annotations

import os
from typing import Any, BinaryIO

from django.conf import settings

from ..readers import Limits

__all__ = ["import_limits", "check_source_size", "ProblemLog"]


def import_limits() -> Limits:
    return Limits(max_bytes=int(settings.IMPORT_MAX_MB * 1048576), max_rows=settings.IMPORT_MAX_ROWS)


def _source_size(source: str | os.PathLike | BinaryIO | bytes) -> int | None:
    if isinstance(source, bytes | bytearray):
        return len(source)
    if isinstance(source, str | os.PathLike):
        try:
            return os.stat(source).st_size
        except OSError:
            return None  # reading it will say why
    size = getattr(source, "size", None)  # Django's UploadedFile knows it without reading
    if isinstance(size, int):
        return size
    try:
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
        return end
    except (AttributeError, OSError, ValueError):
        return None


def check_source_size(source, file_name: str, limits: Limits) -> None:
    """Refuse a file larger than the limit before its bytes are read into memory."""
    size = _source_size(source)
    if size is not None:
        limits.check_bytes(size, file_name, uncompressed=False)


class ProblemLog:
    """Errors and warnings of an import, kept up to `cap` in row order; every one is counted.

    A row's problems are kept together or not at all, so the stored list is exactly the problems of
    the rows up to `last_row` (the report can say "up to row N")."""

    def __init__(self, cap: int | None = None):
        self.cap = settings.IMPORT_MAX_PROBLEMS if cap is None else cap
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.errors_total = 0
        self.warnings_total = 0
        self.full = False

    def add_row(self, errors: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> None:
        self.errors_total += len(errors)
        self.warnings_total += len(warnings)
        if not (errors or warnings) or self.full:
            return
        if len(self.errors) + len(self.warnings) + len(errors) + len(warnings) > self.cap:
            self.full = True
            return
        self.errors.extend(errors)
        self.warnings.extend(warnings)


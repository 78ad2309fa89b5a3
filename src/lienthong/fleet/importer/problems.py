"""How a bad cell or a refused file is reported: file, Excel row, header as written, Vietnamese message."""
from __future__ import annotations

from typing import Any

__all__ = ["ImportRefused", "format_problem", "problem", "lower_first"]


class ImportRefused(Exception):
    """The whole file is refused (no header row, missing required column, bad mapping)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def format_problem(problem: dict[str, Any]) -> str:
    """'registry.xlsx, dòng 17, cột "Ngày hết hạn": ngày 31/02/2024 không tồn tại'."""
    return f'{problem["file"]}, dòng {problem["row"]}, cột "{problem["column"]}": {problem["message"]}'


def problem(file_name: str, row: int, column: str, message: str) -> dict[str, Any]:
    """One row problem as stored in RegistryImport.errors / .warnings."""
    entry = {"file": file_name, "row": row, "column": column, "message": message}
    entry["text"] = format_problem(entry)
    return entry


def lower_first(text: str) -> str:
    """Messages from identity.* start with a capital; inside a sentence they do not."""
    return text[:1].lower() + text[1:] if text else text

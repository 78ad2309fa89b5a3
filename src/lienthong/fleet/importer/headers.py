"""Find the header row of a registry sheet and map its headers to column keys (fleet.columns).

Officers put title rows above the header, name columns their own way and sometimes keep several
sheets; the header is the first row (of the first sheet that has one) naming the required columns.
Headers are matched by an explicit mapping first, then the usual names, then saved mappings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lienthong.identity.text import fold

from ..columns import COLUMNS, REQUIRED, header_index, label
from ..models import ColumnMapping
from ..normalise import cell_text
from ..readers import ReadError, Sheet, Workbook, read_bytes, read_workbook
from .problems import ImportRefused

__all__ = ["HeaderPreview", "Layout", "find_layout", "preview_headers", "source_format", "HEADER_SCAN_ROWS"]

HEADER_SCAN_ROWS = 30  # title rows officers put above the header
_IGNORE = ""  # mapping value meaning "this header is deliberately ignored"


@dataclass
class HeaderPreview:
    """What the upload page shows before importing: where the header is and how it maps."""

    file_name: str
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int | None = None  # row number as in Excel
    headers: list[str] = field(default_factory=list)  # header cells as written, in file order
    mapping: dict[str, str | None] = field(default_factory=dict)  # header -> column key, None when unknown
    unknown: list[str] = field(default_factory=list)  # headers that will be ignored
    missing_required: list[str] = field(default_factory=list)  # labels of required columns not found
    source_format: str = ""
    message: str = ""  # why the file cannot be imported as it is; "" when it can

    @property
    def ok(self) -> bool:
        return not self.message


@dataclass
class Layout:
    """Where the data is: the sheet, the header row and which positions hold which column key."""

    sheet: Sheet
    header_row: int  # index into sheet.rows
    headers: list[str]
    columns: dict[str, list[int]]  # key -> column positions (several when two headers map to one key)
    mapping: dict[str, str | None]
    unknown: list[str]

    @property
    def header_row_number(self) -> int:
        """The header's row number as Excel shows it."""
        return self.sheet.rows[self.header_row][0]


def clean_header(value: object) -> str:
    text = cell_text(value).strip()
    # "Số đăng ký (*)", "Số đăng ký:" -> "Số đăng ký"
    for suffix in ("(*)", "*", ":"):
        text = text.removesuffix(suffix).strip()
    return text


def _saved_index() -> dict[str, str]:
    """fold(header) -> key from every saved ColumnMapping (older ones first, newer ones win)."""
    index: dict[str, str] = {}
    for saved in ColumnMapping.objects.order_by("created_at", "id"):
        for header, key in (saved.mapping or {}).items():
            if key in COLUMNS:
                index[fold(clean_header(header))] = key
    return index


def _explicit_index(mapping: dict | ColumnMapping | None) -> dict[str, str] | None:
    if mapping is None:
        return None
    if isinstance(mapping, ColumnMapping):
        mapping = mapping.mapping
    index: dict[str, str] = {}
    for header, key in mapping.items():
        if key in (None, "", "ignore"):
            index[fold(clean_header(header))] = _IGNORE
        elif key in COLUMNS:
            index[fold(clean_header(header))] = key
        else:
            raise ImportRefused(f'Ánh xạ cột không hợp lệ: "{header}" trỏ tới "{key}", không phải cột nào của sổ đăng ký')
    return index


def _map_row(values: list[object], lookups: list[dict[str, str]]) -> tuple[list[str], dict[str, list[int]], dict[str, str | None], list[str]]:
    headers = [clean_header(v) for v in values]
    columns: dict[str, list[int]] = {}
    mapping: dict[str, str | None] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        folded = fold(header)
        key: str | None = None
        for lookup in lookups:
            if folded in lookup:
                key = lookup[folded] or None
                break
        mapping[header] = key
        if key is None:
            unknown.append(header)
        else:
            columns.setdefault(key, []).append(position)
    return headers, columns, mapping, unknown


def find_layout(workbook: Workbook, file_name: str, mapping, sheet_name: str | None) -> Layout:
    """The header row and its mapping; ImportRefused (with the reason) when there is none."""
    explicit = _explicit_index(mapping)
    lookups = [lk for lk in (explicit, header_index(), _saved_index()) if lk is not None]
    if sheet_name:
        try:
            sheets = [workbook.sheet(sheet_name)]
        except KeyError:
            names = ", ".join(f'"{s.name}"' for s in workbook.sheets)
            raise ImportRefused(f'{file_name}: không có trang tính "{sheet_name}" (các trang: {names})') from None
    else:
        sheets = workbook.sheets
    best: Layout | None = None
    for sheet in sheets:
        for index, (_number, values) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            headers, columns, row_mapping, unknown = _map_row(values, lookups)
            if not columns:
                continue
            candidate = Layout(sheet, index, headers, columns, row_mapping, unknown)
            if len(columns) >= 2 and all(k in columns for k in REQUIRED):
                return candidate
            if best is None or len(columns) > len(best.columns):
                best = candidate
    if best is not None and len(best.columns) >= 2:
        missing = [f'"{label(k)}"' for k in REQUIRED if k not in best.columns]
        raise ImportRefused(
            f"{file_name}: dòng tiêu đề (dòng {best.header_row_number}) thiếu cột bắt buộc {', '.join(missing)}; "
            "hãy đổi tên cột hoặc chọn ánh xạ cột"
        )
    where = f' trong trang "{sheets[0].name}"' if len(sheets) == 1 and workbook.format != "csv" else ""
    raise ImportRefused(
        f'{file_name}: không tìm thấy dòng tiêu đề có cột "{label(REQUIRED[0])}"{where} '
        f"trong {HEADER_SCAN_ROWS} dòng đầu; hãy kiểm tra tệp hoặc chọn ánh xạ cột"
    )


def _is_label(value: object) -> bool:
    text = cell_text(value).strip()
    return bool(text) and not text.replace(",", ".").replace(".", "", 1).replace("-", "").replace("/", "").isdigit()


def _guess_header_row(workbook: Workbook, sheet_name: str | None) -> tuple[str, int, list[str]] | None:
    """For a file none of whose headers is known: the row (among the first ones) with the most text cells,
    followed by a non-empty row, is taken for the header row. Returns (sheet, Excel row number, headers)."""
    try:
        sheet = workbook.sheet(sheet_name) if sheet_name else workbook.sheets[0]
    except (KeyError, IndexError):
        return None
    rows = sheet.rows[: HEADER_SCAN_ROWS + 1]
    best: tuple[int, int] | None = None  # (label cells, index)
    for index, (_number, values) in enumerate(rows[:-1]):
        labels = sum(1 for v in values if _is_label(v))
        if labels >= 2 and any(cell_text(v).strip() for v in rows[index + 1][1]) and (best is None or labels > best[0]):
            best = (labels, index)
    if best is None:
        return None
    number, values = rows[best[1]]
    headers = [h for h in (clean_header(v) for v in values) if h]
    return sheet.name, number, headers


def source_format(workbook: Workbook) -> str:
    """'xlsx', 'csv utf-8', 'xls; tcvn3 ×12': what the report says about the file (max 40 characters)."""
    parts = [workbook.format + (f" {workbook.encoding}" if workbook.encoding else "")]
    parts += [f"{enc} ×{n}" for enc, n in sorted(workbook.legacy.items()) if n]
    return "; ".join(parts)[:40]


def preview_headers(source, file_name: str, *, sheet: str | None = None, mapping: dict | None = None) -> HeaderPreview:
    """The detected header row and the proposed mapping, without importing anything."""
    preview = HeaderPreview(file_name=file_name)
    from .limits import check_source_size, import_limits

    limits = import_limits()
    try:
        check_source_size(source, file_name, limits)
        workbook = read_workbook(read_bytes(source), file_name, limits)
        preview.sheets = [s.name for s in workbook.sheets]
        layout = find_layout(workbook, file_name, mapping, sheet)
    except ReadError as exc:
        preview.message = exc.message
        return preview
    except ImportRefused as exc:
        preview.message = exc.message
        guessed = _guess_header_row(workbook, sheet)
        if guessed is not None:  # headers nobody knows yet: offer them for mapping by hand
            preview.sheet, preview.header_row, preview.headers = guessed
            preview.mapping = {h: None for h in preview.headers}
            preview.unknown = list(preview.headers)
            preview.missing_required = [label(k) for k in REQUIRED]
            preview.source_format = source_format(workbook)
        return preview
    preview.sheet = layout.sheet.name
    preview.header_row = layout.header_row_number
    preview.headers = [h for h in layout.headers if h]
    preview.mapping = layout.mapping
    preview.unknown = layout.unknown
    preview.missing_required = [label(k) for k in REQUIRED if k not in layout.columns]
    preview.source_format = source_format(workbook)
    return preview

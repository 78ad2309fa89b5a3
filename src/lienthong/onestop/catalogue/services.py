"""The procedure catalogue's import: an Excel workbook laid out as the national procedure database's lists
(Cơ sở dữ liệu quốc gia về thủ tục hành chính) become Procedure, ProcedureComponent and Agency rows.

The layout. The national database's procedure pages use the headers below ("Mã thủ tục", "Tên thủ tục",
"Lĩnh vực", "Cấp thực hiện", "Thời hạn giải quyết", "Phí, lệ phí", "Kết quả thực hiện", "Mức độ DVC"); no public
description of its Excel export was found, so the workbook's layout is ours, documented here and in the shipped
file (data/*.csv, written to xlsx by `write_workbook`). Four sheets, each with its header on one of its first
rows, headers matched by name (case, diacritics, "(*)" and trailing colons do not matter):

- "Thủ tục": Mã thủ tục* (N.NNNNNN, or with its local suffix, e.g. 1.000894.000.00.00.H56), Mã địa phương (the
  suffix, when the code has none), Tên thủ tục*, Lĩnh vực*, Cấp thực hiện* (Cấp xã / Cấp tỉnh / Cấp bộ),
  Thời hạn giải quyết* ("05 ngày làm việc", "03 ngày", "08 giờ làm việc", "Trong ngày"), Phí, lệ phí (a single
  amount is read as VND, the text is always kept), Kết quả thực hiện, Mức độ DVC (Toàn trình / Một phần /
  Cung cấp thông tin, or the old Mức độ 4/3/2), Dữ liệu sẵn có ("tàu cá": the fleet registry prefills it).
- "Thành phần hồ sơ" (optional): Mã thủ tục*, STT, Tên giấy tờ*, Bản chính, Bản sao, Bắt buộc (Có/Không),
  Mẫu đơn, tờ khai.
- "Cơ quan" (optional): Mã cơ quan*, Tên cơ quan*, Cấp (Xã/Tỉnh), Mã xã (2025 commune code), Địa chỉ, Điện thoại.
- "Nơi tiếp nhận" (optional): Mã thủ tục*, Mã cơ quan* — the agencies that receive each procedure.

Other columns are ignored (the shipped file has "Xác minh", which says what was checked against public sources).
When a sheet is present it is the whole truth for the procedures of the file: their components, and the agencies
receiving them, become exactly those listed. Re-importing the same file changes nothing.

Everything is read and checked first; only a file without a single problem is written, in one transaction, and
audited. Problems name the file, sheet, row and column, in Vietnamese (the stored and printed language).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_noop
from openpyxl.utils import get_column_letter

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction, Role
from lienthong.fleet.importer.headers import clean_header
from lienthong.fleet.importer.limits import check_source_size, import_limits
from lienthong.fleet.normalise import cell_text
from lienthong.fleet.readers import ReadError, Sheet, read_bytes, read_workbook
from lienthong.identity.text import fold, nfc
from lienthong.printing.cells import is_dangerous

from ..errors import DossierError
from ..models import Agency, Procedure, ProcedureComponent
from ..provider import office_hours

__all__ = ["CatalogueImportError", "ImportResult", "import_catalogue", "can_import_catalogue", "parse_processing_time",
           "parse_fee", "write_workbook", "shipped_workbook", "MAX_LISTED"]

MAX_LISTED = 50  # problems listed; the true total is always said
HEADER_SCAN_ROWS = 10

SHEET_PROCEDURES, SHEET_COMPONENTS, SHEET_AGENCIES, SHEET_LINKS = "Thủ tục", "Thành phần hồ sơ", "Cơ quan", "Nơi tiếp nhận"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {fold(self.header), *(fold(a) for a in self.aliases)}


LAYOUT: dict[str, tuple[Column, ...]] = {
    SHEET_PROCEDURES: (
        Column("code", "Mã thủ tục", True, ("Mã TTHC", "Ký hiệu thủ tục", "Mã số thủ tục")),
        Column("suffix", "Mã địa phương", False, ("Hậu tố mã", "Mã thủ tục địa phương")),
        Column("name", "Tên thủ tục", True, ("Tên thủ tục hành chính", "Tên TTHC")),
        Column("field", "Lĩnh vực", True),
        Column("level", "Cấp thực hiện", True, ("Cấp",)),
        Column("time", "Thời hạn giải quyết", True, ("Thời hạn",)),
        Column("fee", "Phí, lệ phí", False, ("Phí hoặc lệ phí", "Phí/lệ phí", "Lệ phí", "Phí, lệ phí (nếu có)")),
        Column("result", "Kết quả thực hiện", False, ("Kết quả",)),
        Column("online", "Mức độ DVC", False, ("Mức độ dịch vụ công", "Mức độ DVCTT", "Mức độ")),
        Column("prefill", "Dữ liệu sẵn có", False),
    ),
    SHEET_COMPONENTS: (
        Column("code", "Mã thủ tục", True, ("Mã TTHC",)),
        Column("position", "STT", False, ("Số thứ tự", "TT")),
        Column("name", "Tên giấy tờ", True, ("Thành phần hồ sơ", "Tên thành phần hồ sơ", "Loại giấy tờ")),
        Column("originals", "Bản chính", False),
        Column("copies", "Bản sao", False),
        Column("required", "Bắt buộc", False),
        Column("template", "Mẫu đơn, tờ khai", False, ("Mẫu đơn", "Tệp mẫu", "Biểu mẫu")),
    ),
    SHEET_AGENCIES: (
        Column("code", "Mã cơ quan", True, ("Mã đơn vị",)),
        Column("name", "Tên cơ quan", True, ("Tên đơn vị",)),
        Column("level", "Cấp", False),
        Column("commune", "Mã xã", False, ("Mã đơn vị hành chính",)),
        Column("address", "Địa chỉ", False),
        Column("phone", "Điện thoại", False, ("Số điện thoại",)),
    ),
    SHEET_LINKS: (
        Column("code", "Mã thủ tục", True, ("Mã TTHC",)),
        Column("agency", "Mã cơ quan", True, ("Mã đơn vị",)),
    ),
}

CODE_RE = re.compile(r"(?P<national>\d\.\d{6})(?:\.(?P<suffix>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*))?")
SUFFIX_RE = re.compile(r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*")
AGENCY_CODE_RE = re.compile(r"[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*")
_TIME_RE = re.compile(r"(\d{1,4})\s*(ngay|gio)\b")
_MONEY_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")
MAX_DAYS, MAX_HOURS = 365, 2000
# Bullets the national database writes before components ("- Tờ khai…", "+ Bản sao…"): dropped, not refused.
_BULLET_RE = re.compile(r"^[-+•]\s+")


class CatalogueImportError(Exception):
    """The file was not imported; `problems` (Vietnamese, each naming file, sheet, row, column), the first
    MAX_LISTED of `total`."""

    def __init__(self, file_name: str, problems: list[str], total: int | None = None):
        self.file_name = file_name
        self.problems = problems[:MAX_LISTED]
        self.total = len(problems) if total is None else total
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{self.file_name}: không nhập được, không có thủ tục nào được ghi ({self.total} lỗi)"
        return "\n".join([head, *self.problems, *([self.more] if self.more else [])])

    @property
    def more(self) -> str:
        rest = self.total - len(self.problems)
        return f"… và {rest} lỗi khác; hãy sửa các lỗi trên rồi nhập lại tệp" if rest > 0 else ""


@dataclass
class ImportResult:
    file_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    components: int = 0
    agencies_created: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def procedures(self) -> int:
        return self.created + self.updated + self.unchanged


def can_import_catalogue(user) -> bool:
    """Province administrators (the catalogue is the province's; the command line runs as the operator)."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.is_superuser or user.role == Role.ADMIN))


# --- parsing one value --------------------------------------------------------------------------------
def parse_processing_time(value: object) -> tuple[int | None, int | None]:
    """(days, hours) from the national database's wording; ValueError (Vietnamese) when it cannot be read.
    "05 ngày làm việc" → (5, None); "08 giờ làm việc" → (None, 8); "Trong ngày" → one working day's hours."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= MAX_DAYS:
            return int(value), None
        raise ValueError(f'"{cell_text(value)}" không phải số ngày làm việc hợp lệ')
    text = fold(cell_text(value))
    match = _TIME_RE.search(text)
    same_day = text.find("trong ngay")
    # The first wording wins: "Trong ngày (tiếp nhận sau 15 giờ …)" is same-day, "05 ngày (ngay trong ngày nếu …)" five days.
    if same_day >= 0 and (match is None or same_day < match.start()):
        return None, working_day_hours()
    if match:
        number, unit = int(match.group(1)), match.group(2)
        if unit == "ngay" and 1 <= number <= MAX_DAYS:
            return number, None
        if unit == "gio" and 1 <= number <= MAX_HOURS:
            return None, number
        raise ValueError(f'thời hạn "{cell_text(value)}" ngoài khoảng cho phép (1–{MAX_DAYS} ngày, 1–{MAX_HOURS} giờ)')
    raise ValueError(f'không đọc được thời hạn "{cell_text(value)}": hãy ghi số ngày làm việc (ví dụ "05 ngày làm việc"), '
                     'số giờ ("08 giờ làm việc") hoặc "Trong ngày"')


def working_day_hours() -> int:
    """The office's hours in one working day (LIENTHONG_OFFICE_HOURS; 8 by default): what "Trong ngày" means."""
    minutes = sum((e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in office_hours().sessions)
    return max(1, round(minutes / 60))


def parse_fee(value: object) -> int:
    """The fee in VND when the text names a single amount ("8.000 đồng/lần"), else 0 (free, or several amounts:
    the text, always kept, says which applies)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0 or not float(value).is_integer():
            raise ValueError(f'phí "{cell_text(value)}" không hợp lệ')
        return int(value)
    text = fold(cell_text(value))
    if not text or text.startswith(("khong", "mien")):
        return 0
    amounts = {int(re.sub(r"[.,]", "", m)) for m in _MONEY_RE.findall(text)}
    return amounts.pop() if len(amounts) == 1 else 0


def _level(value: object) -> str:
    text = fold(cell_text(value))
    found = [(text.find(word), level) for word, level in (("xa", Procedure.Level.COMMUNE), ("phuong", Procedure.Level.COMMUNE),
                                                           ("tinh", Procedure.Level.PROVINCE), ("bo", Procedure.Level.CENTRAL),
                                                           ("trung uong", Procedure.Level.CENTRAL))
             if re.search(rf"\b{word}\b", text)]
    if not found:
        raise ValueError(f'cấp thực hiện "{cell_text(value)}" không rõ: ghi "Cấp xã", "Cấp tỉnh" hoặc "Cấp bộ"')
    return min(found)[1]


def _online(value: object) -> str:
    text = fold(cell_text(value))
    if not text:
        return Procedure.OnlineLevel.NONE
    if "toan trinh" in text or re.search(r"\b4\b", text):
        return Procedure.OnlineLevel.FULL
    if "mot phan" in text or re.search(r"\b3\b", text):
        return Procedure.OnlineLevel.PARTIAL
    if "thong tin" in text or "khong" in text or re.search(r"\b[12]\b", text):
        return Procedure.OnlineLevel.NONE
    raise ValueError(f'mức độ dịch vụ công "{cell_text(value)}" không rõ: ghi "Toàn trình", "Một phần" hoặc "Cung cấp thông tin"')


def _prefill(value: object) -> str:
    text = fold(cell_text(value))
    if not text or text in ("khong", "-"):
        return Procedure.Prefill.NONE
    if "tau ca" in text or text == "vessel":
        return Procedure.Prefill.VESSEL
    raise ValueError(f'dữ liệu sẵn có "{cell_text(value)}" không rõ: để trống hoặc ghi "tàu cá"')


def _yes_no(value: object, default: bool) -> bool:
    text = fold(cell_text(value))
    if not text:
        return default
    if text in ("co", "x", "1", "true", "bat buoc", "yes"):
        return True
    if text in ("khong", "0", "false", "no", "khong bat buoc"):
        return False
    raise ValueError(f'"{cell_text(value)}" không rõ: ghi "Có" hoặc "Không"')


def _count(value: object, default: int) -> int:
    text = cell_text(value).strip()
    if not text:
        return default
    if not text.isdigit() or int(text) > 99:
        raise ValueError(f'số bản "{text}" không hợp lệ (một số từ 0 đến 99)')
    return int(text)


# --- reading the workbook -------------------------------------------------------------------------------
@dataclass
class _Table:
    sheet: str
    header_row: int
    positions: dict[str, int]  # key -> 0-based column
    headers: dict[str, str]  # key -> header as written
    rows: list[tuple[int, list[object]]]


class _Problems:
    def __init__(self, file_name: str):
        self.file_name, self.items, self.total = file_name, [], 0

    def add(self, sheet: str, row: int | None, column: tuple[int, str] | None, text: str) -> None:
        self.total += 1
        if len(self.items) >= MAX_LISTED:
            return
        where = [self.file_name, f'trang "{sheet}"']
        if row is not None:
            where.append(f"dòng {row}")
        if column is not None:
            where.append(f'cột {get_column_letter(column[0] + 1)} "{column[1]}"')
        self.items.append(f"{', '.join(where)}: {text}")


def _find_sheet(sheets: list[Sheet], name: str) -> Sheet | None:
    wanted = fold(name)
    return next((s for s in sheets if fold(s.name) == wanted), None)


def _table(sheet: Sheet, columns: tuple[Column, ...], problems: _Problems) -> _Table | None:
    best: tuple[int, int, dict, dict, list] | None = None  # (known, row index, positions, headers, unknown)
    for index, (_number, values) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        positions, headers = {}, {}
        for pos, value in enumerate(values):
            header = clean_header(value)
            for col in columns:
                if header and fold(header) in col.names() and col.key not in positions:
                    positions[col.key], headers[col.key] = pos, header
        if best is None or len(positions) > best[0]:
            best = (len(positions), index, positions, headers, values)
        if all(c.key in positions for c in columns if c.required):
            number = sheet.rows[index][0]
            return _Table(sheet.name, number, positions, headers, sheet.rows[index + 1:])
    if best is None or best[0] == 0:
        wanted = ", ".join(f'"{c.header}"' for c in columns if c.required)
        problems.add(sheet.name, None, None, f"không tìm thấy dòng tiêu đề có các cột {wanted} trong {HEADER_SCAN_ROWS} dòng đầu")
        return None
    _known, index, positions, _headers, values = best
    number = sheet.rows[index][0]
    unknown = [clean_header(v) for p, v in enumerate(values) if clean_header(v) and p not in positions.values()]
    for col in columns:
        if col.required and col.key not in positions:
            hint = f' (các cột không nhận ra: {", ".join(f"{u!r}" for u in unknown)})' if unknown else ""
            problems.add(sheet.name, number, None, f'dòng tiêu đề thiếu cột "{col.header}"{hint}')
    return None


def _text(value: object, max_length: int) -> str:
    text = nfc(cell_text(value).strip())
    if is_dangerous(text):
        stripped = _BULLET_RE.sub("", text)
        if stripped != text and not is_dangerous(stripped):
            text = stripped
        else:
            raise ValueError(f'"{text[:40]}" bắt đầu như một công thức Excel; hãy bỏ ký tự "{text[0]}" ở đầu ô')
    if len(text) > max_length:
        raise ValueError(f"dài {len(text)} ký tự, tối đa {max_length}")
    return text


class _Row:
    """One data row of a table: cell access that records problems under the file/sheet/row/column."""

    def __init__(self, table: _Table, number: int, values: list[object], problems: _Problems):
        self.table, self.number, self.values, self.problems, self.ok = table, number, values, problems, True

    def raw(self, key: str) -> object:
        pos = self.table.positions.get(key)
        return self.values[pos] if pos is not None and pos < len(self.values) else None

    def fail(self, key: str, text: str) -> None:
        self.ok = False
        pos = self.table.positions.get(key)
        self.problems.add(self.table.sheet, self.number, (pos, self.table.headers[key]) if pos is not None else None, text)

    def get(self, key: str, parse, *, required: bool = False, default=None):
        value = self.raw(key)
        if required and not cell_text(value).strip():
            self.fail(key, "ô trống, cần có giá trị")
            return default
        try:
            return parse(value)
        except ValueError as exc:
            self.fail(key, str(exc))
            return default

    @property
    def empty(self) -> bool:
        return not any(cell_text(v).strip() for v in self.values)


def _national_code(value: object) -> tuple[str, str]:
    text = cell_text(value).strip()
    match = CODE_RE.fullmatch(text)
    if match is None:
        numeric = " (ô đang ở dạng số nên có thể đã mất số 0 ở cuối: hãy định dạng cột là văn bản)" \
            if isinstance(value, float) else ""
        raise ValueError(f'mã thủ tục "{text}" không hợp lệ: phải có dạng N.NNNNNN (ví dụ 1.000894), '
                         f"có thể kèm mã địa phương (1.000894.000.00.00.H56){numeric}")
    return match.group("national"), match.group("suffix") or ""


def _suffix(value: object) -> str:
    text = cell_text(value).strip().strip(".")
    if text and not SUFFIX_RE.fullmatch(text):
        raise ValueError(f'mã địa phương "{text}" không hợp lệ (chữ số và chữ cái, cách nhau bằng dấu chấm)')
    return text


def _agency_code(value: object) -> str:
    text = cell_text(value).strip()
    if not AGENCY_CODE_RE.fullmatch(text) or len(text) > 40:
        raise ValueError(f'mã cơ quan "{text}" không hợp lệ (ví dụ 000.00.06.H56)')
    return text


def _commune(value: object) -> str:
    text = cell_text(value).strip()
    if not text:
        return ""
    from lienthong.geo import units

    if not text.isdigit() or units.commune(text) is None:
        raise ValueError(f'mã xã "{text}" không có trong danh mục đơn vị hành chính 2025')
    return units.commune_code(text)


def _agency_level(value: object) -> str:
    text = fold(cell_text(value))
    if not text or re.search(r"\b(xa|phuong|dac khu)\b", text):
        return Agency.Level.COMMUNE
    if "tinh" in text:
        return Agency.Level.PROVINCE
    raise ValueError(f'cấp "{cell_text(value)}" không rõ: ghi "Xã" hoặc "Tỉnh"')


@dataclass
class _Parsed:
    procedures: dict[str, dict] = field(default_factory=dict)  # code -> fields
    components: dict[str, list[dict]] | None = None  # code -> components (None: sheet absent)
    agencies: dict[str, dict] = field(default_factory=dict)
    links: dict[str, list[str]] | None = None  # code -> agency codes


def _read(source, file_name: str) -> _Parsed:
    problems = _Problems(file_name)
    limits = import_limits()
    try:
        check_source_size(source, file_name, limits)
        workbook = read_workbook(read_bytes(source), file_name, limits)
        sheets = workbook.sheets
        for sheet in sheets:
            sheet.rows  # noqa: B018 - loads (and checks the row limit of) every sheet before anything else
    except ReadError as exc:
        raise CatalogueImportError(file_name, [exc.message]) from exc
    except OSError as exc:
        raise CatalogueImportError(file_name, [f"{file_name}: không mở được tệp ({exc.strerror or exc})"]) from exc
    main = _find_sheet(sheets, SHEET_PROCEDURES)
    if main is None:
        names = ", ".join(f'"{s.name}"' for s in sheets)
        raise CatalogueImportError(file_name, [f'{file_name}: không có trang tính "{SHEET_PROCEDURES}" (các trang: {names})'])
    tables = {name: _table(sheet, LAYOUT[name], problems) if (sheet := _find_sheet(sheets, name)) else None
              for name in LAYOUT}
    if problems.total:
        raise CatalogueImportError(file_name, problems.items, problems.total)
    parsed = _Parsed()
    national_of: dict[str, str] = {}  # national code -> full code in this file (components may name either)

    first_row: dict[str, int] = {}
    table = tables[SHEET_PROCEDURES]
    for number, values in table.rows:
        row = _Row(table, number, values, problems)
        if row.empty:
            continue
        national, suffix = row.get("code", _national_code, required=True, default=("", ""))
        suffix = suffix or row.get("suffix", _suffix, default="")
        code = f"{national}.{suffix}" if suffix else national
        fields = {
            "national_code": national,
            "name": row.get("name", lambda v: _text(v, 500), required=True, default=""),
            "field": row.get("field", lambda v: _text(v, 200), required=True, default=""),
            "level": row.get("level", _level, required=True, default=""),
            "fee_text": row.get("fee", lambda v: _text(v, 500), default=""),
            "fee_amount": row.get("fee", parse_fee, default=0),
            "result_type": row.get("result", lambda v: _text(v, 300), default=""),
            "online_level": row.get("online", _online, default=Procedure.OnlineLevel.NONE),
            "prefill": row.get("prefill", _prefill, default=""),
        }
        days, hours = row.get("time", parse_processing_time, required=True, default=(None, None))
        fields.update(processing_days=days, processing_hours=hours)
        if national and code in first_row:
            row.fail("code", f'mã thủ tục "{code}" đã có ở dòng {first_row[code]}')
        if national and len(code) > 40:
            row.fail("code", f'mã thủ tục "{code}" dài quá 40 ký tự')
        if row.ok:
            first_row[code] = number
            parsed.procedures[code] = fields
            national_of.setdefault(national, code)

    procedures_ok = problems.total == 0

    def procedure_of(row: _Row) -> str | None:
        national, suffix = row.get("code", _national_code, required=True, default=("", ""))
        if not national:
            return None
        code = f"{national}.{suffix}" if suffix else national_of.get(national, national)
        if code not in parsed.procedures:
            if not procedures_ok:  # most likely the consequence of a problem already said on the procedures' sheet
                return None
            row.fail("code", f'mã thủ tục "{code}" không có trong trang "{SHEET_PROCEDURES}"')
            return None
        return code

    if (table := tables[SHEET_COMPONENTS]) is not None:
        parsed.components = {code: [] for code in parsed.procedures}
        for number, values in table.rows:
            row = _Row(table, number, values, problems)
            if row.empty:
                continue
            code = procedure_of(row)
            item = {
                "position": row.get("position", lambda v: _count(v, 0), default=0),
                "name": row.get("name", lambda v: _text(v, 500), required=True, default=""),
                "originals": row.get("originals", lambda v: _count(v, 1), default=1),
                "copies": row.get("copies", lambda v: _count(v, 0), default=0),
                "required": row.get("required", lambda v: _yes_no(v, True), default=True),
                "template_file": row.get("template", lambda v: _text(v, 300), default=""),
            }
            if row.ok and code:
                items = parsed.components[code]
                item["position"] = item["position"] or len(items) + 1
                items.append(item)

    if (table := tables[SHEET_AGENCIES]) is not None:
        for number, values in table.rows:
            row = _Row(table, number, values, problems)
            if row.empty:
                continue
            code = row.get("code", _agency_code, required=True, default="")
            item = {
                "name": row.get("name", lambda v: _text(v, 200), required=True, default=""),
                "level": row.get("level", _agency_level, default=Agency.Level.COMMUNE),
                "commune_code": row.get("commune", _commune, default=""),
                "address": row.get("address", lambda v: _text(v, 300), default=""),
                "phone": row.get("phone", lambda v: _text(v, 40), default=""),
            }
            if code and code in parsed.agencies:
                row.fail("code", f'mã cơ quan "{code}" đã có ở một dòng trên')
            if row.ok:
                parsed.agencies[code] = item

    if (table := tables[SHEET_LINKS]) is not None:
        parsed.links = {code: [] for code in parsed.procedures}
        known = set(parsed.agencies) | set(Agency.objects.values_list("code", flat=True))
        for number, values in table.rows:
            row = _Row(table, number, values, problems)
            if row.empty:
                continue
            code = procedure_of(row)
            agency = row.get("agency", _agency_code, required=True, default="")
            if agency and agency not in known:
                row.fail("agency", f'mã cơ quan "{agency}" không có trong trang "{SHEET_AGENCIES}" và chưa có trong hệ thống')
            if row.ok and code and agency not in parsed.links[code]:
                parsed.links[code].append(agency)

    if not parsed.procedures and not problems.total:
        problems.add(SHEET_PROCEDURES, None, None, "không có thủ tục nào (trang chỉ có dòng tiêu đề)")
    if problems.total:
        raise CatalogueImportError(file_name, problems.items, problems.total)
    return parsed


# --- writing ----------------------------------------------------------------------------------------------
def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, k) != v for k, v in values.items())


def import_catalogue(source, *, file_name: str | None = None, by=None) -> ImportResult:
    """Read, check and (only when every row is right) write the catalogue in `source` (a path, bytes or an
    uploaded file). `by`: the request or user (None: the command line). Raises CatalogueImportError (nothing
    written) or DossierError("not_allowed")."""
    user = getattr(by, "user", by)
    if by is not None and not can_import_catalogue(user):
        record(by, AuditAction.DENIED, object_type="procedure_catalogue", summary=msg(gettext_noop("Procedure catalogue import refused")))
        raise DossierError("not_allowed")
    if file_name is None:
        file_name = Path(source).name if isinstance(source, str | Path) else getattr(source, "name", "tệp")
    parsed = _read(source, file_name)
    result = ImportResult(file_name, codes=list(parsed.procedures))
    with transaction.atomic():
        agencies = {a.code: a for a in Agency.objects.all()}
        for code, values in parsed.agencies.items():
            agency = agencies.get(code)
            if agency is None:
                agencies[code] = Agency.objects.create(code=code, **values)
                result.agencies_created += 1
            elif _differs(agency, values):
                for k, v in values.items():
                    setattr(agency, k, v)
                agency.save()
        existing = {p.code: p for p in Procedure.objects.filter(code__in=parsed.procedures).prefetch_related("components", "agencies")}
        for code, values in parsed.procedures.items():
            procedure = existing.get(code)
            changed = False
            if procedure is None:
                procedure = Procedure.objects.create(code=code, **values)
                result.created += 1
            elif _differs(procedure, {**values, "active": True}):
                for k, v in {**values, "active": True}.items():
                    setattr(procedure, k, v)
                procedure.save()
                changed = True
            if parsed.components is not None:
                changed |= _set_components(procedure, parsed.components[code], fresh=code not in existing)
                result.components += len(parsed.components[code])
            if parsed.links is not None:
                wanted = {agencies[a].pk for a in parsed.links[code]}
                have = set() if code not in existing else {a.pk for a in procedure.agencies.all()}
                if wanted != have:
                    procedure.agencies.set(wanted)
                    changed = changed or code in existing
            if code in existing:
                result.updated += changed
                result.unchanged += not changed
        record(by, AuditAction.IMPORT, object_type="procedure_catalogue", object_id=file_name,
               summary=msg(gettext_noop("Procedure catalogue %(file)s imported: %(created)s new, %(updated)s changed, "
                                        "%(unchanged)s unchanged"),
                           file=file_name, created=result.created, updated=result.updated, unchanged=result.unchanged),
               detail={"procedures": result.procedures, "components": result.components,
                       "agencies_created": result.agencies_created, "via": "web" if hasattr(by, "META") else "cli"})
    return result


def _set_components(procedure: Procedure, items: list[dict], *, fresh: bool) -> bool:
    """Make the procedure's components exactly `items`, by position; True when anything changed. Dossiers keep
    their own copy of each paper's name (DossierComponent.name), so a removed component loses nothing."""
    have = {} if fresh else {c.position: c for c in procedure.components.all()}
    changed = False
    for item in items:
        component = have.pop(item["position"], None)
        if component is None:
            ProcedureComponent.objects.create(procedure=procedure, **item)
            changed = True
        elif _differs(component, item):
            for k, v in item.items():
                setattr(component, k, v)
            component.save()
            changed = True
    if have:
        ProcedureComponent.objects.filter(pk__in=[c.pk for c in have.values()]).delete()
        changed = True
    return changed


# --- the shipped catalogue ---------------------------------------------------------------------------------
DATA = Path(__file__).parent.parent / "data"
SHIPPED = (  # sheet, CSV file in data/
    (SHEET_PROCEDURES, "thu-tuc.csv"),
    (SHEET_COMPONENTS, "thanh-phan-ho-so.csv"),
    (SHEET_AGENCIES, "co-quan.csv"),
    (SHEET_LINKS, "noi-tiep-nhan.csv"),
)


def write_workbook(out: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An xlsx with one sheet per entry (first row: headers); every cell through printing.cells (no formulas)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from lienthong.printing.cells import xlsx_row

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(xlsx_row(ws, row))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def shipped_workbook(out: Path) -> Path:
    """The demo catalogue (about 30 real commune and province procedures of An Giang) as the xlsx officers would
    upload, written from the CSV sources in onestop/data/ (text in git, reviewable line by line)."""
    import csv

    sheets = {}
    for sheet, name in SHIPPED:
        with open(DATA / name, encoding="utf-8", newline="") as fh:
            sheets[sheet] = [row for row in csv.reader(fh)]
    return write_workbook(out, sheets)

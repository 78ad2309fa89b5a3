"""A department's file becomes a campaign: read (CSV in UTF-8, or the first sheet of an Excel workbook), headings
matched to the profile's columns (their names or Vietnamese headings: registries.sheets), checked and cleaned by the
batch engine (registries.clean.run: the identity engine against the population extract, the profile's duplicates
and rules), and stored in one transaction — a refused file leaves nothing behind and names its row and column."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.geo import units
from lienthong.geo.address import resolve
from lienthong.identity.text import fold
from lienthong.linkage.prepare import InputError
from lienthong.printing import cells
from lienthong.registries import sheets
from lienthong.registries.clean import run as clean_run
from lienthong.registries.profiles import PROFILES
from lienthong.sync import engine as sync_engine
from lienthong.sync.linking import population_csv

from . import states
from .models import Campaign, Person, Record

MAX_BYTES = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class ImportRefused(Exception):
    """The file cannot be imported: the message names the file, the row and the column."""


def cell_text(value) -> str:
    """An Excel cell as the text an officer sees in it: a date as dd/mm/yyyy, a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_of_xlsx(data: bytes, name: str) -> tuple[int, list[list[str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportRefused(f"{name}: tệp hỏng hoặc không phải tệp Excel .xlsx (hãy mở bằng Excel và lưu lại dạng "
                            f"“Excel Workbook”)") from exc
    rows = [[cell_text(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return 1, rows


def _rows_of_csv(data: bytes, name: str) -> tuple[int, list[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRefused(f"{name}, dòng {line}: tệp không ở mã UTF-8 (hãy lưu lại dạng “CSV UTF-8”)") from exc
    # Excel with Vietnamese regional settings saves "CSV" with semicolons: the first line says which.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return 1, [[cells.from_csv(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def rows_of_file(data: bytes, name: str) -> list[list[str]]:
    """Every row of a CSV (UTF-8, comma or semicolon) or of an Excel workbook's first sheet, as cell texts; refused
    (ImportRefused, naming the file) when empty, too large, damaged or not UTF-8."""
    if not data:
        raise ImportRefused(f"{name}: tệp rỗng")
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"{name}: tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB")
    return (_rows_of_xlsx if data.startswith(XLSX_MAGIC) else _rows_of_csv)(data, name)[1]


def read_table(data: bytes, name: str, profile: str) -> tuple[int, list[str], list[list[str]]]:
    """(the sheet row of the headings, the profile's columns in file order, the data rows as lists of cells)."""
    if not data:
        raise ImportRefused(f"{name}: tệp rỗng")
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"{name}: tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB")
    first, rows = (_rows_of_xlsx if data.startswith(XLSX_MAGIC) else _rows_of_csv)(data, name)
    # The headings are the first row that names the record's id; a title or note may stand above it.
    for offset in range(min(20, len(rows))):
        mapped = sheets.header_map(profile, rows[offset])
        if "record_id" in mapped.values():
            break
    else:
        raise ImportRefused(f"{name}: không tìm thấy dòng tiêu đề (cột “{sheets.HEADERS[profile]['record_id']}” "
                            f"hoặc “record_id”) trong 20 dòng đầu")
    heading_row = first + offset
    headings = rows[offset]
    columns = [sheets.header_map(profile, [h]).get(h, "") for h in headings]
    missing = [c for c in PROFILES[profile].columns if c not in columns]
    if missing:
        words = ", ".join(f"“{sheets.HEADERS[profile].get(c, c)}” ({c})" for c in missing)
        raise ImportRefused(f"{name}, dòng {heading_row}: thiếu cột {words}")
    return heading_row, columns, rows[offset + 1:]


def _canonical_csv(path: Path, profile: str, columns: list[str], rows: list[list[str]]) -> None:
    """The registry as the batch engine reads it: the profile's columns, in its order, one line per sheet row (so
    a line number of the engine's message is the sheet's row after the headings)."""
    wanted = PROFILES[profile].columns
    at = {c: i for i, c in enumerate(columns) if c}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        w.writerow(wanted)
        for row in rows:
            w.writerow(cells.csv_row(row[at[c]] if at[c] < len(row) else "" for c in wanted))


_LINE = re.compile(r"dòng (\d+)")
_COLUMN = re.compile(r"cột ([a-z_0-9]+)")
_HEADINGS = {c: h for columns in sheets.HEADERS.values() for c, h in columns.items()}


def _heading(column: str) -> str:
    return _HEADINGS.get(column, column)


def _as_file_message(message: str, tmp: Path, name: str, heading_row: int) -> str:
    """The engine's message about the canonical CSV, said of the officer's file (its name, its row numbers)."""
    message = message.replace(str(tmp), name)
    message = _COLUMN.sub(lambda m: f"cột “{_heading(m.group(1))}”", message)
    return _LINE.sub(lambda m: f"dòng {int(m.group(1)) + heading_row - 1}", message)


def commune_of(profile: str, record: dict) -> str:
    """The 2025 commune a record is placed in: the first of the profile's place columns that names one."""
    for column in sheets.COMMUNE_COLUMNS.get(profile, ()):
        value = (record.get(column) or "").strip()
        if not value:
            continue
        if value.isdigit() and units.commune(value) is not None:
            return units.commune_code(value)
        found = resolve(value)
        if found.status == "resolved" and found.commune_code:
            return found.commune_code
    return ""


def import_campaign(data: bytes, name: str, *, profile: str, title: str, department: str, deadline: date,
                    user=None, request=None) -> Campaign:
    if profile not in PROFILES:
        raise ImportRefused(f"{name}: không có loại sổ “{profile}”")
    started = time.monotonic()
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = Campaign.objects.filter(profile=profile, file_sha256=sha256).first()
    if earlier is not None:  # the same file twice would count every record twice on the board
        raise ImportRefused(f"{name}: tệp này đã được nhập thành chiến dịch “{earlier.title}” ngày "
                            f"{timezone.localtime(earlier.created_at):%d/%m/%Y}")
    heading_row, columns, rows = read_table(data, name, profile)
    tmp_dir = Path(tempfile.mkdtemp(prefix="lienthong-campaign-"))
    try:
        reg = tmp_dir / "registry.csv"
        _canonical_csv(reg, profile, columns, rows)
        try:
            pop = population_csv(sync_engine.work_dir())
        except RuntimeError as exc:
            raise ImportRefused(str(exc)) from exc
        try:
            result = clean_run(PROFILES[profile], pop, reg, cache_dir=sync_engine.work_dir())
        except InputError as exc:
            raise ImportRefused(_as_file_message(str(exc), reg, name, heading_row)) from exc
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    records = result.records
    unlinked = PROFILES[profile].unlinked_roles
    by_record: dict[str, list] = {}
    for row in result.rows:
        by_record.setdefault(row.record_id, []).append(row)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            profile=profile, title=title, department=department, deadline=deadline, file_name=name[:255],
            file_sha256=sha256, records=len(records), created_by=user)
        made = Record.objects.bulk_create(
            Record(campaign=campaign, record_id=r["record_id"], row_no=heading_row + n, data=r,
                   commune_code=commune_of(profile, r),
                   duplicate_of=by_record[r["record_id"]][0].duplicate_of,
                   flags=sorted({f for row in by_record[r["record_id"]] for f in row.flags}))
            for n, r in enumerate(records, 1))
        if not made or made[0].pk is None:  # backends that do not return keys from bulk_create
            made = list(campaign.items.order_by("id"))
        people = []
        for rec in made:
            written = {p.role: p for p in result.persons[rec.record_id]}
            for row in by_record[rec.record_id]:
                p = written.get(row.role)
                decision = result.decisions.get((row.record_id, row.role))
                candidates = [{"cccd": c.person_id, "score": round(c.match_probability, 4)}
                              for c in (decision.candidates[:3] if decision else [])]
                people.append(Person(
                    record=rec, role=row.role, name=p.name if p else "", name_folded=fold(p.name) if p else "",
                    birth_date=p.birth_date if p else "",
                    id_number=p.id_number if p else "", linkable=bool(p) and row.role not in unlinked,
                    status=row.status, engine_status=row.status, person_id=row.person_id or "", score=row.score,
                    reason=row.reason, flags=list(row.flags), candidates=candidates))
        Person.objects.bulk_create(people, batch_size=2000)
        states.refresh(campaign.items.all())
        campaign.persons = len(people)
        campaign.seconds = round(time.monotonic() - started, 2)
        campaign.save(update_fields=["persons", "seconds"])
        audit.record(request or user, "import", object_type="campaign", object_id=campaign.pk,
                     summary=audit.msg(gettext_noop("Imported %(n)s records of the %(profile)s registry from %(file)s"),
                                       n=len(records), profile=profile, file=name[:80]),
                     detail={"file_sha256": campaign.file_sha256, "persons": len(people),
                             "counts": states.counts(campaign)})
    return campaign

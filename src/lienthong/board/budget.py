"""The digital-transformation share of each department's budget, by year, against the line held as data
(data/budget.csv: 3 %, Resolution 57). The finance sheet (Excel or CSV: year, department, total spending, digital
transformation planned and spent, in millions of đồng) replaces its years' lines whole; a cell that is not a number,
a negative amount, a plan above the total or a year out of range refuses the whole file with its row and column."""
from __future__ import annotations

import csv
import functools
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources

from django.db import transaction
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction
from lienthong.campaigns.importing import ImportRefused, rows_of_file
from lienthong.identity.text import nfc

from .literacy import unit_key
from .models import BudgetLine
from .sheets import find_columns

HEADINGS = {
    "year": ("Năm", "Năm ngân sách"),
    "department": ("Sở, ban, ngành", "Cơ quan, đơn vị", "Đơn vị", "Sở ngành", "Cơ quan"),
    "total": ("Tổng chi ngân sách", "Tổng chi", "Tổng dự toán chi"),
    "planned": ("Kế hoạch chi chuyển đổi số", "Dự toán chuyển đổi số", "Kế hoạch CĐS", "Chi CĐS kế hoạch"),
    "spent": ("Đã chi chuyển đổi số", "Thực hiện chuyển đổi số", "Đã chi CĐS", "Chi CĐS thực hiện"),
}
YEARS = (2020, 2035)


@functools.cache
def line() -> float:
    text = resources.files(__package__).joinpath("data/budget.csv").read_text(encoding="utf-8")
    return next(float(r["share"]) for r in csv.DictReader(text.splitlines()) if r["name"] == "digital_transformation")


def _amount(text: str) -> Decimal | None:
    """A sheet's amount in millions: a number cell (read as 1234.5), or text typed the Vietnamese way (1.234,5; 12,5;
    1.234.567) or the English way (1,234.5; 1,234,567). One dot alone is a decimal point, as a number cell reads."""
    t = text.replace(" ", "").replace("\u00a0", "")
    if "," in t and "." in t:  # the last of the two separates the decimals
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif t.count(",") > 1:
        t = t.replace(",", "")
    elif "," in t:
        t = t.replace(",", ".")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass
class BudgetImported:
    years: list[int]
    lines: int


def read_budget(data: bytes, name: str) -> list[BudgetLine]:
    rows = rows_of_file(data, name)
    offset, at = find_columns(rows, name, HEADINGS, ("department", "total"))
    out, errors, seen = [], [], {}
    for n, row in enumerate(rows[offset + 1:], start=offset + 2):
        cell = {c: nfc(row[i]) if i < len(row) else "" for c, i in at.items()}
        if not any(cell.values()):
            continue
        where = f"{name}, dòng {n}"
        year = int(cell["year"]) if cell["year"].isdigit() else None
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            errors.append(f"{where}, cột “{HEADINGS['year'][0]}”: năm không hợp lệ (“{cell['year']}”)")
        if not cell["department"]:
            errors.append(f"{where}, cột “{HEADINGS['department'][0]}”: trống")
        amounts = {}
        for column in ("total", "planned", "spent"):
            value = _amount(cell[column]) if cell[column] else Decimal(0) if column == "spent" else None
            if value is None or value < 0:
                errors.append(f"{where}, cột “{HEADINGS[column][0]}”: không phải số tiền (triệu đồng) (“{cell[column]}”)")
            amounts[column] = value
        if all(v is not None and v >= 0 for v in amounts.values()) and amounts["planned"] > amounts["total"]:
            errors.append(f"{where}, cột “{HEADINGS['planned'][0]}”: lớn hơn tổng chi ngân sách")
        key = (year, unit_key(cell["department"]))
        if key in seen:
            errors.append(f"{where}: “{cell['department']}” năm {year} đã có ở dòng {seen[key]}")
        seen[key] = n
        if not errors:
            out.append(BudgetLine(year=year, department=cell["department"][:255], department_key=key[1][:255],
                                  total=amounts["total"], planned=amounts["planned"], spent=amounts["spent"]))
        if len(errors) >= 50:
            break
    if errors:
        raise ImportRefused("Tệp không được nhập, không có gì thay đổi. " + "; ".join(errors[:50]))
    if not out:
        raise ImportRefused(f"{name}: không có dòng dữ liệu nào dưới dòng tiêu đề")
    return out


def import_budget(data: bytes, name: str, user) -> BudgetImported:
    lines = read_budget(data, name)
    years = sorted({b.year for b in lines})
    with transaction.atomic():
        BudgetLine.objects.filter(year__in=years).delete()
        for b in lines:
            b.file_name, b.imported_by = name[:255], user
        BudgetLine.objects.bulk_create(lines)
        audit.record(user, AuditAction.IMPORT, object_type="budget",
                     summary=audit.msg(gettext_noop("Budget sheet %(file)s imported: %(n)s lines for %(years)s"),
                                       file=name, n=len(lines), years=", ".join(map(str, years))),
                     detail={"sha256": hashlib.sha256(data).hexdigest()})
    return BudgetImported(years, len(lines))


@dataclass
class Year:
    year: int
    lines: list[BudgetLine]
    line: float

    @property
    def total(self) -> Decimal:
        return sum((b.total for b in self.lines), Decimal(0))

    @property
    def planned(self) -> Decimal:
        return sum((b.planned for b in self.lines), Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((b.spent for b in self.lines), Decimal(0))

    @property
    def share(self) -> float:
        return float(self.planned / self.total) if self.total else 0.0

    @property
    def below(self) -> list[BudgetLine]:
        return [b for b in self.lines if share_of(b) < self.line]


def share_of(b: BudgetLine) -> float:
    return float(b.planned / b.total) if b.total else 0.0


def spent_of(b: BudgetLine) -> float:
    return float(b.spent / b.planned) if b.planned else 0.0


def years() -> list[int]:
    return sorted(set(BudgetLine.objects.values_list("year", flat=True)), reverse=True)


def year(y: int) -> Year:
    lines = sorted(BudgetLine.objects.filter(year=y), key=lambda b: (-share_of(b), b.department_key))
    return Year(y, lines, line())

"""The learning platform's completion list becomes completions: read (the platform's Excel export, or CSV), every
row checked, stored in one transaction. A row the board cannot count (no name, no course, a date that does not
exist) refuses the whole file with its row and column named; an ID that is not a valid CCCD is kept as typed and
reported (the completion is then matched by name and unit). A completion already held (its certificate number) is
not stored twice: the platform's exports are cumulative."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.accounts.models import AuditAction
from lienthong.campaigns.importing import ImportRefused, rows_of_file
from lienthong.identity.cccd import parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold, nfc

from .literacy import unit_key
from .models import Completion, CompletionList
from .sheets import find_columns
from .targets import is_basic_course

# column → the headings the platform's export and units' copies use (matched folded, without spaces)
HEADINGS = {
    "id_number": ("Số định danh cá nhân", "Số định danh", "Số CCCD", "CCCD", "Căn cước công dân", "Mã định danh"),
    "name": ("Họ và tên", "Họ tên"),
    "unit": ("Đơn vị công tác", "Đơn vị", "Cơ quan, đơn vị", "Cơ quan"),
    "course": ("Khóa học", "Tên khóa học", "Khoá học"),
    "completed_on": ("Ngày hoàn thành", "Ngày cấp chứng nhận", "Ngày hoàn thành khóa học"),
    "certificate": ("Số chứng nhận", "Số chứng chỉ", "Mã chứng nhận", "Chứng nhận"),
}
MAX_WARNINGS = 200


@dataclass
class Imported:
    source: CompletionList
    rows: int
    added: int
    basic: int
    warnings: list[str] = field(default_factory=list)


def read_completions(data: bytes, name: str) -> tuple[list[Completion], list[str]]:
    """The completions of a file (unsaved) and the warnings about it; ImportRefused for a file that cannot count."""
    rows = rows_of_file(data, name)
    offset, at = find_columns(rows, name, HEADINGS, ("name", "course"), optional=("certificate",))
    out, warnings, errors = [], [], []
    for n, row in enumerate(rows[offset + 1:], start=offset + 2):
        cell = {c: nfc(row[i]) if i < len(row) else "" for c, i in at.items()}
        if not any(cell.values()):
            continue
        where = f"{name}, dòng {n}"
        for column in ("name", "course"):
            if not cell[column]:
                errors.append(f"{where}, cột “{HEADINGS[column][0]}”: trống")
        day = parse_date(cell["completed_on"])
        if day.date is None or day.precision != "day":
            errors.append(f"{where}, cột “{HEADINGS['completed_on'][0]}”: {day.reason or 'cần ngày đủ dd/mm/yyyy'} "
                          f"(“{cell['completed_on']}”)")
        typed = cell["id_number"]
        check = parse_id_number(typed) if typed else None
        id_number = check.digits if check is not None and check.valid and check.kind == "cccd" else ""
        if typed and not id_number:
            warnings.append(f"{where}, cột “{HEADINGS['id_number'][0]}”: {check.reason if check else ''} "
                            f"(“{typed}”) — đối chiếu theo họ tên và đơn vị")
        if errors and len(errors) >= 50:
            break
        if errors:
            continue
        out.append(Completion(row_no=n, id_number=id_number, id_typed=typed[:32], name=cell["name"][:255],
                              name_folded=fold(cell["name"])[:255], unit=cell["unit"][:255],
                              unit_key=unit_key(cell["unit"])[:255], course=cell["course"][:255],
                              basic=is_basic_course(cell["course"]), completed_on=day.date,
                              certificate=cell.get("certificate", "")[:64]))
    if errors:
        more = " …" if len(errors) >= 50 else ""
        raise ImportRefused("Tệp không được nhập, không có gì thay đổi. " + "; ".join(errors[:50]) + more)
    if not out:
        raise ImportRefused(f"{name}: không có dòng dữ liệu nào dưới dòng tiêu đề")
    return out, warnings


def import_completions(data: bytes, name: str, user) -> Imported:
    digest = hashlib.sha256(data).hexdigest()
    earlier = CompletionList.objects.filter(file_sha256=digest).first()
    if earlier is not None:
        raise ImportRefused(f"{name}: tệp này đã được nhập lúc {earlier.imported_at:%H:%M %d/%m/%Y} "
                            f"(“{earlier.file_name}”)")
    completions, warnings = read_completions(data, name)
    held = set(Completion.objects.exclude(certificate="").values_list("certificate", flat=True))
    with transaction.atomic():
        source = CompletionList.objects.create(file_name=name[:255], file_sha256=digest, rows=len(completions),
                                               imported_by=user)
        new = []
        for c in completions:
            if c.certificate and c.certificate in held:
                continue
            if c.certificate:
                held.add(c.certificate)
            c.source = source
            new.append(c)
        Completion.objects.bulk_create(new, batch_size=2000)
        source.added = len(new)
        source.save(update_fields=["added"])
        audit.record(user, AuditAction.IMPORT, object_type="completion_list", object_id=source.pk,
                     summary=audit.msg(gettext_noop("Completion list %(file)s imported: %(rows)s rows, %(added)s new"),
                                       file=name, rows=len(completions), added=len(new)))
    return Imported(source, len(completions), len(new), sum(c.basic for c in new), warnings[:MAX_WARNINGS])

"""Digital literacy by unit: the staff register against the learning platform's lists."""
from __future__ import annotations

from datetime import date

import pytest

from lienthong.board import literacy as lit
from lienthong.board.importing import import_completions
from lienthong.board.models import Completion, CompletionList
from lienthong.board.targets import Milestone, is_basic_course, standing
from lienthong.campaigns.importing import ImportRefused
from lienthong.campaigns.models import Person, Record

from .conftest import truth, xlsx

TODAY = date(2026, 12, 1)  # the suite's pinned clock


def test_the_register_ties_officials_to_the_population_and_flags_the_seconded(register, staff_files):
    expected, _done = truth(staff_files)
    assert register.records == len(expected)
    repeats = {rid for rid, (_p, dup) in expected.items() if dup}
    found = {r.record_id for r in Record.objects.filter(campaign=register).exclude(duplicate_of="")}
    assert found == repeats and repeats
    linked = Person.objects.filter(record__campaign=register, status__in=("verified", "matched"))
    wrong = [p.record.record_id for p in linked.select_related("record") if expected[p.record.record_id][0] != p.person_id]
    assert wrong == [] and linked.count() >= 0.9 * len(expected)


def test_every_completion_goes_to_the_right_official_and_nearly_all_are_found(completions, staff_files):
    expected, done = truth(staff_files)
    staff = lit.officials(lit.staff_campaign())
    unmatched = lit.match(staff, Completion.objects.filter(basic=True))
    by_row = {c.row_no: o.record_id for o in staff for c in o.done}
    wrong = {row: rid for row, rid in by_row.items() if done[row] != rid}
    assert wrong == {}
    # An official listed twice counts once, under the record kept (the first listing).
    should = {row for row, rid in done.items() if rid and Completion.objects.filter(row_no=row, basic=True).exists()}
    found = should & set(by_row)
    assert len(found) / len(should) >= 0.97, (len(found), len(should))
    outsiders = {row for row, rid in done.items() if not rid}
    assert outsiders <= {c.row_no for c in unmatched}


def test_units_are_ranked_by_share_against_the_target_due(completions):
    data = lit.literacy(TODAY)
    assert data.required == Milestone(date(2025, 12, 31), 0.80, data.required.text)
    assert data.next.due_on == date(2026, 12, 31) and data.next.share == 1.0
    shares = [u.share for u in data.units]
    assert shares == sorted(shares, reverse=True)
    assert data.staff == sum(u.staff for u in data.units) == Record.objects.filter(duplicate_of="").count()
    for u in data.units:
        assert u.status == ("behind" if u.share < 0.80 else "on_way" if u.share < 1.0 else "reached")
        assert u.to_next == u.staff - u.completed
    assert {u.status for u in data.units} >= {"behind", "on_way"}


def test_a_commune_officer_sees_only_their_communes_units(completions):
    every = lit.literacy(TODAY)
    code = next(u.commune_code for u in every.units if u.commune_code)
    mine = lit.literacy(TODAY, {code})
    assert [u.key for u in mine.units] == [u.key for u in every.units if u.commune_code == code]
    assert mine.unmatched == []


def test_standing_follows_the_targets_dates():
    marks = (Milestone(date(2025, 12, 31), 0.8, ""), Milestone(date(2026, 12, 31), 1.0, ""))
    assert standing(date(2025, 6, 1), marks) == (standing(date(2025, 6, 1), marks).__class__(None, marks[0]))
    assert standing(date(2025, 12, 31), marks).required is None  # due at the end of the day
    assert standing(date(2026, 1, 1), marks) == standing(date(2026, 1, 1), marks).__class__(marks[0], marks[1])
    assert standing(date(2027, 1, 1), marks).next is None


def test_basic_courses_are_named_in_data():
    assert is_basic_course("Kỹ năng số cơ bản cho cán bộ, công chức (Khung 757)")
    assert is_basic_course("KY NANG SO CO BAN")
    assert not is_basic_course("An toàn thông tin cơ bản")


def test_unit_names_written_differently_are_one_unit():
    assert lit.unit_key("UBND Phường Rạch Giá") == lit.unit_key("Ủy ban nhân dân phường Rạch Giá") == "ubnd phuong rach gia"


def _sheet(rows, header=("Số định danh cá nhân", "Họ và tên", "Đơn vị công tác", "Khóa học", "Ngày hoàn thành",
                         "Số chứng nhận")) -> bytes:
    return xlsx(header, rows, "DANH SÁCH HỌC VIÊN HOÀN THÀNH")


BASIC = "Kỹ năng số cơ bản (Khung 757)"


def test_a_date_that_does_not_exist_refuses_the_file_naming_row_and_column(completions, keeper):
    before = (Completion.objects.count(), CompletionList.objects.count())
    data = _sheet([("079201000001", "Lê Văn A", "Sở Tư pháp", BASIC, "15/03/2026", "X-1"),
                   ("079201000002", "Lê Văn B", "Sở Tư pháp", BASIC, "31/02/2026", "X-2")])
    with pytest.raises(ImportRefused) as refused:
        import_completions(data, "ds-thang-3.xlsx", keeper)
    assert "ds-thang-3.xlsx, dòng 4, cột “Ngày hoàn thành”" in str(refused.value)
    assert "không có gì thay đổi" in str(refused.value)
    assert (Completion.objects.count(), CompletionList.objects.count()) == before


def test_a_missing_column_and_a_broken_file_are_refused(register, keeper):
    with pytest.raises(ImportRefused, match="ds.xlsx, dòng 2: thiếu cột “Ngày hoàn thành”"):
        import_completions(_sheet([("1", "A", "B", BASIC)], header=("Số định danh", "Họ và tên", "Đơn vị", "Khóa học")),
                           "ds.xlsx", keeper)
    with pytest.raises(ImportRefused, match="hong.xlsx: tệp hỏng"):
        import_completions(b"PK\x03\x04 not a workbook", "hong.xlsx", keeper)
    with pytest.raises(ImportRefused, match="cp1258.csv, dòng 2: tệp không ở mã UTF-8"):  # saved by an old Excel
        import_completions(b"Ho va ten,Khoa hoc\nL\xea V\xe3n A,x\n", "cp1258.csv", keeper)
    assert Completion.objects.count() == 0


def test_lists_are_cumulative_and_the_same_file_is_refused(register, keeper):
    first = _sheet([("", "Nguyễn Văn Một", "Sở Tư pháp", BASIC, "01/04/2026", "C-1")])
    assert import_completions(first, "t4.xlsx", keeper).added == 1
    with pytest.raises(ImportRefused, match="t4-copy.xlsx: tệp này đã được nhập lúc"):
        import_completions(first, "t4-copy.xlsx", keeper)
    second = _sheet([("", "Nguyễn Văn Một", "Sở Tư pháp", BASIC, "01/04/2026", "C-1"),
                     ("", "Trần Thị Hai", "Sở Tư pháp", "An toàn thông tin cơ bản", "02/05/2026", "C-2")])
    result = import_completions(second, "t5.xlsx", keeper)
    assert (result.rows, result.added, result.basic) == (2, 1, 0)
    assert Completion.objects.count() == 2


def test_an_impossible_id_is_kept_reported_and_matched_by_name_and_unit(register, keeper):
    official = (Person.objects.filter(record__campaign=register, role="official", record__duplicate_of="")
                .select_related("record").first())
    unit = official.record.data["unit"]
    data = _sheet([("12345", official.name.upper(), unit.replace("UBND", "Ủy ban nhân dân"), BASIC, "01/06/2026", "Z-1")])
    result = import_completions(data, "ds.xlsx", keeper)
    assert result.warnings == ["ds.xlsx, dòng 3, cột “Số định danh cá nhân”: Số định danh quá ngắn (5 chữ số) "
                               "(“12345”) — đối chiếu theo họ tên và đơn vị"]
    staff = lit.officials(register)
    lit.match(staff, Completion.objects.filter(basic=True))
    hit = next(o for o in staff if o.person_pk == official.pk)
    namesakes = [o for o in staff if o.unit_key == hit.unit_key and lit.fold(o.name) == lit.fold(official.name)]
    assert (hit.matched_by, len(hit.done)) == (("name_unit", 1) if len(namesakes) == 1 else ("", 0))

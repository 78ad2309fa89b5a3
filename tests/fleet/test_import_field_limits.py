"""Field lengths and character classes checked per row, reported by row and column.

The probe: a 1,007-character name was stored whole on SQLite, and on PostgreSQL the whole file was
refused with no row named. Each text value is checked against its model field's max_length (read
from the field), and a control character (NUL included) rejects the row naming the column.
"""
from __future__ import annotations

import io

import pytest

from lienthong.fleet.importer import import_registry
from lienthong.fleet.models import FishingLicence, Owner, Vessel

from .fleet_files import HEADERS, csv_bytes, data_row_number, vessel_row, xlsx_bytes

LONG = "Hải Đăng " * 112  # 1,008 characters


def _max(model, name) -> int:
    return model._meta.get_field(name).max_length


@pytest.mark.parametrize("header, model, field", [
    ("Tên tàu", Vessel, "name"),
    ("Họ tên chủ tàu", Owner, "full_name"),
    ("Địa chỉ", Owner, "address"),
    ("Cảng cá", Vessel, "home_port"),
    ("Số giấy phép", FishingLicence, "number"),
    ("Nghề khai thác", Vessel, "gear_raw"),
])
def test_a_value_longer_than_its_field_rejects_the_row_naming_the_column(db, header, model, field):
    too_long = "A" * (_max(model, field) + 1)
    rows = [vessel_row(1), vessel_row(2, **{header: too_long}), vessel_row(3)]
    record = import_registry(io.BytesIO(xlsx_bytes(rows)), file_name="dai.xlsx")
    assert record.status == "partial", record.message
    assert (record.rows_created, record.rows_rejected) == (2, 1)
    [error] = record.errors
    assert error["text"].startswith(f'dai.xlsx, dòng {data_row_number(1)}, cột "{header}": "AAAA')
    assert f"dài {len(too_long)} ký tự, quá {_max(model, field)} ký tự" in error["text"]
    assert sorted(Vessel.objects.values_list("registration_number", flat=True)) == ["KG-90001-TS", "KG-90003-TS"]


def test_the_probes_1007_character_name_is_one_rejected_row(db):
    rows = [vessel_row(1, **{"Tên tàu": LONG[:1007], "Họ tên chủ tàu": LONG[:1007]}), vessel_row(2)]
    record = import_registry(io.BytesIO(csv_bytes(rows)), file_name="ten-dai.csv")
    assert (record.status, record.rows_created, record.rows_rejected) == ("partial", 1, 1), record.message
    assert [(e["row"], e["column"]) for e in record.errors] == [(2, "Tên tàu"), (2, "Họ tên chủ tàu")]
    assert not Vessel.objects.filter(name__startswith="Hải Đăng").exists()


def test_a_value_exactly_at_its_limit_is_stored(db):
    name = "B" * _max(Vessel, "name")
    record = import_registry(io.BytesIO(xlsx_bytes([vessel_row(1, **{"Tên tàu": name})])), file_name="vua.xlsx")
    assert record.status == "done", record.errors
    assert Vessel.objects.get().name == name


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x85"])
def test_a_control_character_rejects_the_row_naming_the_column(db, char):
    rows = [vessel_row(1, **{"Họ tên chủ tàu": f"Nguyễn{char}Văn An"}), vessel_row(2)]
    record = import_registry(io.BytesIO(csv_bytes(rows)), file_name="ky-tu.csv")
    assert (record.status, record.rows_created, record.rows_rejected) == ("partial", 1, 1), record.message
    [error] = record.errors
    assert error["text"] == (f'ky-tu.csv, dòng 2, cột "Họ tên chủ tàu": có ký tự điều khiển không hợp lệ '
                             f"(U+{ord(char):04X}) ở vị trí 7: hãy xoá ký tự này trong tệp")
    assert Owner.objects.count() == 1


def test_a_nul_in_an_xls_cell_rejects_the_row(db):
    """A .xls cell can hold a NUL (BIFF strings are counted, not terminated); PostgreSQL refuses NUL in
    text, which used to fail the whole file. (xlsx cannot: XML 1.0 has no NUL, and openpyxl leaves the
    _x0000_ escape as written.)"""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sổ")
    for c, header in enumerate(["Số đăng ký", "Tên tàu"]):
        sheet.write(0, c, header)
    sheet.write(1, 0, "KG-90001-TS")
    sheet.write(1, 1, "Tàu\x001")
    sheet.write(2, 0, "KG-90002-TS")
    sheet.write(2, 1, "Tàu 2")
    out = io.BytesIO()
    book.save(out)
    record = import_registry(out.getvalue(), file_name="nul.xls")
    assert (record.status, record.rows_created, record.rows_rejected) == ("partial", 1, 1), record.message
    assert record.errors[0]["text"] == ('nul.xls, dòng 2, cột "Tên tàu": có ký tự điều khiển không hợp lệ (U+0000) '
                                       "ở vị trí 4: hãy xoá ký tự này trong tệp")


def test_line_breaks_inside_a_cell_are_not_control_characters(db):
    # Alt+Enter in an Excel cell: an address on two lines is ordinary.
    record = import_registry(io.BytesIO(xlsx_bytes([vessel_row(1, **{"Địa chỉ": "Ấp 1,\nxã Dương Tơ"})])),
                             file_name="xuong-dong.xlsx")
    assert record.status == "done", record.errors


def test_headers_are_as_in_the_shared_fixture():
    assert {"Tên tàu", "Họ tên chủ tàu", "Địa chỉ", "Cảng cá", "Số giấy phép", "Nghề khai thác"} <= set(HEADERS)

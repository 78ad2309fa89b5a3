"""Values that used to import silently: exact tonnage, dates that cannot be, owners without a name, IDs with letters.

Policy (see fleet.importer.rows / owners): a value the registry cannot hold as written, or a paper date
that cannot be true, rejects the row (like an impossible date); an ID that is not a CCCD/CMND keeps the
row (the owner is still the owner) with a warning and is not used as an ID.
"""
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from lienthong.fleet.importer import import_registry
from lienthong.fleet.models import FishingLicence, Owner, RegistryImport, Vessel

from .fleet_files import HEADERS, data_row_number, vessel_row, xlsx_bytes

WITH_TONNAGE = [*HEADERS, "Tổng dung tích", "Ngày đăng ký"]
# 18:30 UTC on 1 December is 01:30 on 2 December in Asia/Ho_Chi_Minh: "today" is the 2nd there.
EVENING_UTC = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)


def run(rows, headers=WITH_TONNAGE) -> RegistryImport:
    return import_registry(io.BytesIO(xlsx_bytes(rows, headers=headers)), file_name="registry.xlsx")


def texts(problems):
    return [p["text"] for p in problems]


# --- gross tonnage -------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", [2.06, "2,06", "2.06"])
def test_tonnage_is_stored_exactly_as_written(db, cell):
    record = run([vessel_row(1, **{"Tổng dung tích": cell})])
    assert record.status == "done", record.errors
    assert Vessel.objects.get().tonnage == Decimal("2.06")


def test_float_noise_from_excel_formulas_is_not_an_error(db):
    record = run([vessel_row(1, **{"Tổng dung tích": 0.1 + 0.2, "Công suất (KW)": 29.400000000000002})])
    assert record.status == "done", record.errors
    vessel = Vessel.objects.get()
    assert (vessel.tonnage, vessel.engine_kw) == (Decimal("0.30"), Decimal("29.4"))


def test_more_decimals_than_the_registry_keeps_reject_the_row(db):
    rows = [
        vessel_row(1, **{"Tổng dung tích": "2,065"}),
        vessel_row(2, **{"Công suất (KW)": 29.42}),
        vessel_row(3, **{"Chiều dài": "12,555"}),
        vessel_row(4, **{"Tổng dung tích": "12,5"}),
    ]
    record = run(rows)
    row = [data_row_number(i) for i in range(len(rows))]
    assert record.status == "partial" and (record.rows_created, record.rows_rejected) == (1, 3)
    assert texts(record.errors) == [
        f'registry.xlsx, dòng {row[0]}, cột "Tổng dung tích": tổng dung tích 2,065 có quá 2 chữ số thập phân '
        "(sổ đăng ký lưu 2 chữ số): hãy sửa trong tệp, không làm tròn tự động",
        f'registry.xlsx, dòng {row[1]}, cột "Công suất (KW)": công suất 29,42 có quá 1 chữ số thập phân '
        "(sổ đăng ký lưu 1 chữ số): hãy sửa trong tệp, không làm tròn tự động",
        f'registry.xlsx, dòng {row[2]}, cột "Chiều dài": chiều dài 12,555 có quá 2 chữ số thập phân '
        "(sổ đăng ký lưu 2 chữ số): hãy sửa trong tệp, không làm tròn tự động",
    ]
    assert Vessel.objects.get().tonnage == Decimal("12.50")


# --- dates that cannot be ----------------------------------------------------------------------------
@time_machine.travel(EVENING_UTC, tick=False)
def test_registration_date_in_the_future_rejects_the_row(db):
    rows = [
        vessel_row(1, **{"Ngày đăng ký": "02/12/2026"}),  # today in Việt Nam (still the 1st in UTC)
        vessel_row(2, **{"Ngày đăng ký": "03/12/2026"}),  # tomorrow
        vessel_row(3, **{"Ngày đăng ký": datetime(2027, 1, 15)}),
    ]
    record = run(rows)
    row = [data_row_number(i) for i in range(len(rows))]
    assert (record.rows_created, record.rows_rejected) == (1, 2)
    assert texts(record.errors) == [
        f'registry.xlsx, dòng {row[1]}, cột "Ngày đăng ký": ngày đăng ký 03/12/2026 ở tương lai (hôm nay là 02/12/2026)',
        f'registry.xlsx, dòng {row[2]}, cột "Ngày đăng ký": ngày đăng ký 15/01/2027 ở tương lai (hôm nay là 02/12/2026)',
    ]
    assert Vessel.objects.get().registration_date.isoformat() == "2026-12-02"


@time_machine.travel(EVENING_UTC, tick=False)
def test_licence_issued_in_the_future_rejects_the_row(db):
    record = run([vessel_row(1, **{"Ngày cấp giấy phép": "10/12/2026", "Ngày hết hạn": "10/12/2029"})])
    assert record.rows_rejected == 1
    assert texts(record.errors) == [
        f'registry.xlsx, dòng {data_row_number(0)}, cột "Ngày cấp giấy phép": '
        "ngày cấp giấy phép 10/12/2026 ở tương lai (hôm nay là 02/12/2026)",
    ]


def test_licence_expiring_before_it_is_issued_rejects_the_row(db):
    rows = [
        vessel_row(1, **{"Ngày cấp giấy phép": "01/02/2024", "Ngày hết hạn": "01/02/2023"}),
        vessel_row(2, **{"Ngày cấp giấy phép": "01/02/2024", "Ngày hết hạn": "01/02/2024"}),  # same day: odd, possible
    ]
    record = run(rows)
    assert (record.rows_created, record.rows_rejected) == (1, 1)
    assert texts(record.errors) == [
        f'registry.xlsx, dòng {data_row_number(0)}, cột "Ngày hết hạn": '
        "giấy phép hết hạn ngày 01/02/2023, trước ngày cấp 01/02/2024",
    ]
    assert FishingLicence.objects.get().number == "GP-2/2024"


# --- owners --------------------------------------------------------------------------------------------
def test_owner_without_a_name_rejects_the_row(db):
    rows = [
        vessel_row(1, **{"Họ tên chủ tàu": None}),
        vessel_row(2, **{"Họ tên chủ tàu": "   "}),
        # no owner cell at all: the registry says the vessel has no owner on file (not an error)
        vessel_row(3, **{"Họ tên chủ tàu": None, "Số CCCD": None, "Ngày sinh": None, "Giới tính": None,
                         "Địa chỉ": None}),
    ]
    record = run(rows)
    assert (record.rows_created, record.rows_rejected) == (1, 2)
    assert texts(record.errors) == [
        f'registry.xlsx, dòng {data_row_number(0)}, cột "Họ tên chủ tàu": '
        "thiếu họ tên chủ tàu (dòng có thông tin khác của chủ tàu)",
        f'registry.xlsx, dòng {data_row_number(1)}, cột "Họ tên chủ tàu": '
        "thiếu họ tên chủ tàu (dòng có thông tin khác của chủ tàu)",
    ]
    assert Owner.objects.count() == 0 and Vessel.objects.get().owner is None


def test_an_unnamed_owner_does_not_replace_the_vessels_owner(db):
    run([vessel_row(1)])
    record = run([vessel_row(1, **{"Họ tên chủ tàu": None})])
    assert record.rows_rejected == 1
    assert Vessel.objects.get().owner.full_name == "Nguyễn Văn An" and Owner.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("09107A100001", "số định danh chỉ được gồm chữ số"),
        ("O91078100001", "số định danh chỉ được gồm chữ số"),
        ("12345", "số định danh quá ngắn (5 chữ số)"),
    ],
)
def test_an_id_that_is_not_a_cccd_is_flagged_and_not_used(db, raw, reason):
    record = run([vessel_row(1, **{"Số CCCD": raw})])
    # The row imports (the vessel and its owner are real; the sync campaign finds the right ID) ...
    assert record.status == "done" and record.rows_created == 1 and record.errors == []
    # ... but the officer is told, on the row and column, and the value is not taken for an ID.
    assert texts(record.warnings) == [
        f'registry.xlsx, dòng {data_row_number(0)}, cột "Số CCCD": "{raw}" không phải số CCCD/CMND '
        f"({reason}): chủ tàu vẫn được nhập, chưa có số định danh",
    ]
    owner = Owner.objects.get()
    assert (owner.id_number, owner.id_kind, owner.raw_id_number) == ("", "", raw)

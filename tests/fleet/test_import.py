"""import_registry(): headers, legacy fonts, owners, row errors, atomicity, broken files, re-imports."""
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from lienthong.fleet.importer import import_registry, preview_headers
from lienthong.fleet.models import ColumnMapping, FishingLicence, Owner, RegistryImport, SafetyCertificate, Vessel, VesselChange
from lienthong.identity.legacy_encoding import encode_tcvn3, encode_vni

from .fleet_files import HEADERS, Styled, csv_bytes, data_row_number, vessel_row, xlsx_bytes


def run(data: bytes, name: str = "registry.xlsx", **kwargs) -> RegistryImport:
    return import_registry(io.BytesIO(data), file_name=name, **kwargs)


# --- a good file ------------------------------------------------------------------------------------
def test_xlsx_with_title_rows_imports_every_field(db, fisheries_user):
    record = run(xlsx_bytes([vessel_row(1)]), user=fisheries_user)

    assert record.status == "done"
    assert (record.rows_total, record.rows_created, record.rows_updated, record.rows_unchanged,
            record.rows_rejected) == (1, 1, 0, 0, 0)
    assert record.header_row == 4 and record.sheet == "Danh sách"
    assert record.ignored_columns == ["STT"]
    assert record.mapping["Số đăng ký"] == "registration_number"
    assert record.imported_by == fisheries_user
    assert len(record.sha256) == 64
    assert record.message == "registry.xlsx: 1 tàu mới, 0 tàu cập nhật, 0 tàu không đổi, 0 dòng bị từ chối"

    vessel = Vessel.objects.get()
    assert vessel.registration_number == "KG-90001-TS" and vessel.reg_key == "KG90001TS"
    assert vessel.name == "Tàu 1"
    assert vessel.length_m == Decimal("12.50") and vessel.length_class == "12-15"
    assert vessel.engine_kw == Decimal("90.0")
    assert (vessel.gear, vessel.gear_raw) == ("trawl", "Lưới kéo đôi")
    assert vessel.fishing_zone == "inshore"
    assert vessel.home_port == "Cảng cá An Thới"
    assert vessel.commune_code == "31078"
    assert vessel.source_import == record

    owner = vessel.owner
    assert owner.kind == "person"
    assert (owner.raw_name, owner.full_name, owner.name_folded) == ("Nguyễn Văn An", "Nguyễn Văn An", "nguyen van an")
    assert (owner.id_number, owner.id_kind, owner.id_problem) == ("091078100001", "cccd", "")
    assert (owner.raw_birth_date, owner.birth_date, owner.birth_year) == ("05/04/1978", date(1978, 4, 5), 1978)
    assert (owner.raw_gender, owner.gender) == ("Nam", "nam")
    assert owner.commune_code == "31078" and owner.commune_candidates == []

    licence = FishingLicence.objects.get()
    assert (licence.vessel, licence.number, licence.issued_on, licence.expires_on, licence.zone, licence.gear) == (
        vessel, "GP-1/2024", date(2024, 2, 1), date(2027, 2, 1), "inshore", "trawl")
    certificate = SafetyCertificate.objects.get()
    assert (certificate.number, certificate.expires_on) == ("AT-1", date(2026, 6, 30))

    change = VesselChange.objects.get()
    assert change.kind == "created" and change.source_import == record and change.user == fisheries_user
    assert change.changes["registration_number"] == [None, "KG-90001-TS"]
    assert change.changes["length_m"] == [None, "12.50"]


def test_csv_semicolon_utf8_bom_with_vietnamese_headers(db):
    data = b"\xef\xbb\xbf" + csv_bytes([vessel_row(1), vessel_row(2)], title_rows=[["DANH SÁCH TÀU CÁ"], []])
    record = run(data, "tau-ca.csv")
    assert record.status == "done"
    assert record.header_row == 3
    assert record.source_format == "csv utf-8-sig"
    assert sorted(Vessel.objects.values_list("registration_number", flat=True)) == ["KG-90001-TS", "KG-90002-TS"]
    assert Vessel.objects.get(reg_key="KG90001TS").length_m == Decimal("12.50")


def test_csv_comma_windows_1258(db):
    from .test_readers import to_cp1258

    text = csv_bytes([vessel_row(1, **{"Họ tên chủ tàu": "Trần Thị Thủy"})], delimiter=",").decode()
    record = run(to_cp1258(text), "tau-ca.csv")
    assert record.status == "done", record.message
    assert record.source_format == "csv cp1258"
    assert Owner.objects.get().full_name == "Trần Thị Thủy"


def test_headers_in_other_spellings_and_case(db):
    headers = ["SỐ ĐK", "chủ tàu", "CCCD/CMND", "Lmax (m)", "Nghề", "Hạn GPKT", "Số GPKT", "Ghi chú"]
    row = ["kg 91234 ts", "Lê Văn Tư", "091078123456", 24, "Câu tay", "15/03/2026", "123/GP", "cũ"]
    record = run(xlsx_bytes([row], headers=headers, title_rows=[]))
    assert record.status == "done"
    assert record.ignored_columns == ["Ghi chú"]
    vessel = Vessel.objects.get()
    assert (vessel.registration_number, vessel.length_class, vessel.gear) == ("KG-91234-TS", "ge24", "hook_line")
    assert vessel.licences.get().expires_on == date(2026, 3, 15)


# --- legacy fonts -----------------------------------------------------------------------------------
def test_tcvn3_and_vni_cells_decoded_from_their_fonts(db):
    rows = [
        vessel_row(1, **{"Họ tên chủ tàu": Styled(encode_tcvn3("Nguyễn Thị Thủy"), ".VnTime"),
                         "Địa chỉ": Styled(encode_tcvn3("xã Hòn Tre, huyện Kiên Hải, Kiên Giang"), ".VnTime")}),
        vessel_row(2, **{"Họ tên chủ tàu": Styled(encode_tcvn3("NGUYỄN VĂN ĐỨC"), ".VnTimeH")}),
        vessel_row(3, **{"Họ tên chủ tàu": Styled(encode_vni("Huỳnh Thanh Phước"), "VNI-Times")}),
    ]
    # Title and headers typed in the capital TCVN3 font, as on old sheets.
    headers_tcvn3 = [encode_tcvn3(h.upper()) for h in HEADERS]
    record = run(xlsx_bytes([[r[h] for h in HEADERS] for r in rows], headers=headers_tcvn3, header_font=".VnTimeH",
                            title_rows=[[Styled(encode_tcvn3("DANH SÁCH TÀU CÁ"), ".VnTimeH")], []]))
    assert record.status == "done", record.message
    assert record.header_row == 3
    assert "SỐ ĐĂNG KÝ" in record.mapping
    assert record.source_format == "xlsx; tcvn3 ×21; vni ×1"  # title, 17 headers, 3 cells
    owners = {v.reg_key: v.owner for v in Vessel.objects.select_related("owner")}
    assert (owners["KG90001TS"].raw_name, owners["KG90001TS"].full_name) == ("Nguyễn Thị Thủy", "Nguyễn Thị Thủy")
    assert owners["KG90001TS"].raw_address == "xã Hòn Tre, huyện Kiên Hải, Kiên Giang"
    assert owners["KG90001TS"].commune_code == "31108"
    assert (owners["KG90002TS"].raw_name, owners["KG90002TS"].full_name) == ("NGUYỄN VĂN ĐỨC", "Nguyễn Văn Đức")
    assert owners["KG90002TS"].name_folded == "nguyen van duc"
    assert owners["KG90003TS"].full_name == "Huỳnh Thanh Phước"


def test_tcvn3_csv_file(db):
    text = csv_bytes([vessel_row(1, **{"Họ tên chủ tàu": "Lê Văn Tư"})]).decode()
    record = run(encode_tcvn3(text).encode("latin-1"), "cu.csv")
    assert record.status == "done", record.message
    assert record.source_format.startswith("csv latin-1; tcvn3")
    assert Owner.objects.get().full_name == "Lê Văn Tư"


# --- mapping ----------------------------------------------------------------------------------------
ODD_HEADERS = ["Biển kiểm soát", "Người sở hữu", "Dài (m)", "Số định danh"]


def test_odd_headers_are_refused_without_a_mapping(db, registry_counts):
    before = registry_counts()
    record = run(xlsx_bytes([["KG-90001-TS", "Lê Văn Tư", 7, "091078123456"]], headers=ODD_HEADERS, title_rows=[]))
    assert record.status == "failed"
    assert record.message == (
        'registry.xlsx: không tìm thấy dòng tiêu đề có cột "Số đăng ký" trong trang "Danh sách" '
        "trong 30 dòng đầu; hãy kiểm tra tệp hoặc chọn ánh xạ cột"
    )
    assert registry_counts() == before


def test_missing_required_column_refuses_the_file(db, registry_counts):
    headers = [h for h in HEADERS if h != "Số đăng ký"]
    record = run(xlsx_bytes([vessel_row(1)], headers=headers))
    assert record.status == "failed"
    assert record.message == (
        'registry.xlsx: dòng tiêu đề (dòng 4) thiếu cột bắt buộc "Số đăng ký"; hãy đổi tên cột hoặc chọn ánh xạ cột'
    )
    assert registry_counts()["vessels"] == 0


def test_explicit_mapping(db):
    mapping = {"Biển kiểm soát": "registration_number", "Người sở hữu": "owner_name", "Dài (m)": "length_m",
               "Số định danh": "owner_id_number"}
    record = run(xlsx_bytes([["KG-90001-TS", "Lê Văn Tư", 7, "091078123456"]], headers=ODD_HEADERS, title_rows=[]),
                 mapping=mapping)
    assert record.status == "done", record.message
    vessel = Vessel.objects.get()
    assert (vessel.length_class, vessel.owner.full_name, vessel.owner.id_number) == ("6-12", "Lê Văn Tư", "091078123456")
    assert record.mapping == mapping


def test_saved_mapping_is_used_by_itself_and_can_be_passed(db, admin_user):
    saved = ColumnMapping.objects.create(name="Huyện đảo", created_by=admin_user, mapping={
        "Biển kiểm soát": "registration_number", "Người sở hữu": "owner_name"})
    data = xlsx_bytes([["KG-90001-TS", "Lê Văn Tư", 7, "x"]], headers=ODD_HEADERS, title_rows=[])
    record = run(data)
    assert record.status == "done", record.message
    assert record.ignored_columns == ["Dài (m)"]  # "Số định danh" is a usual header
    assert Vessel.objects.get().owner.full_name == "Lê Văn Tư"
    record = run(data, mapping=saved)
    assert record.rows_unchanged == 1


def test_mapping_can_ignore_a_known_header_and_rejects_unknown_keys(db):
    data = xlsx_bytes([vessel_row(1)])
    record = run(data, mapping={"Chiều dài": None})
    assert record.status == "done"
    assert "Chiều dài" in record.ignored_columns
    assert Vessel.objects.get().length_m is None
    record = run(data, mapping={"Chiều dài": "chieu_dai"})
    assert record.status == "failed"
    assert record.message == 'Ánh xạ cột không hợp lệ: "Chiều dài" trỏ tới "chieu_dai", không phải cột nào của sổ đăng ký'


def test_preview_headers(db):
    preview = preview_headers(io.BytesIO(xlsx_bytes([vessel_row(1)])), "registry.xlsx")
    assert preview.ok and preview.message == ""
    assert preview.header_row == 4 and preview.sheet == "Danh sách" and preview.sheets == ["Danh sách"]
    assert preview.headers == HEADERS
    assert preview.mapping["STT"] is None
    assert preview.mapping["Ngày hết hạn"] == "licence_expiry"
    assert preview.unknown == ["STT"]
    assert preview.missing_required == []
    assert Vessel.objects.count() == 0 and RegistryImport.objects.count() == 0

    broken = preview_headers(io.BytesIO(b"not excel"), "x.xlsx")
    assert broken.ok is False
    assert broken.message == "x.xlsx: không phải tệp Excel hợp lệ (tệp hỏng hoặc bị đổi tên)"


def test_sheet_choice(db):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([vessel_row(1)])))
    other = book.create_sheet("Tàu mới")
    other.append(["Số đăng ký", "Tên tàu"])
    other.append(["KG-95555-TS", "Mới"])
    out = io.BytesIO()
    book.save(out)
    record = run(out.getvalue(), sheet="Tàu mới")
    assert record.status == "done" and record.sheet == "Tàu mới"
    assert list(Vessel.objects.values_list("registration_number", flat=True)) == ["KG-95555-TS"]
    record = run(out.getvalue(), sheet="Không có")
    assert record.status == "failed"
    assert record.message == 'registry.xlsx: không có trang tính "Không có" (các trang: "Danh sách", "Tàu mới")'


# --- owners -----------------------------------------------------------------------------------------
def test_owner_reused_only_when_valid_id_and_name_agree(db):
    rows = [
        vessel_row(1, **{"Số CCCD": "091078123456", "Họ tên chủ tàu": "Nguyễn Văn An"}),
        vessel_row(2, **{"Số CCCD": "091078123456", "Họ tên chủ tàu": "NGUYEN VAN AN"}),  # same folded name
        vessel_row(3, **{"Số CCCD": "091078123456", "Họ tên chủ tàu": "Nguyễn Văn Anh"}),  # other name
        vessel_row(4, **{"Số CCCD": "", "Họ tên chủ tàu": "Nguyễn Văn An"}),  # no ID
        vessel_row(5, **{"Số CCCD": "", "Họ tên chủ tàu": "Nguyễn Văn An"}),
    ]
    run(xlsx_bytes(rows))
    owner_of = {v.reg_key: v.owner_id for v in Vessel.objects.all()}
    assert owner_of["KG90001TS"] == owner_of["KG90002TS"]
    assert len({owner_of["KG90001TS"], owner_of["KG90003TS"], owner_of["KG90004TS"], owner_of["KG90005TS"]}) == 4
    assert Owner.objects.count() == 4
    # a later file with the same person reuses the existing owner
    record = run(xlsx_bytes([vessel_row(6, **{"Số CCCD": "091078123456", "Họ tên chủ tàu": "Nguyễn  Văn An"})]))
    assert record.owners_created == 0
    assert Vessel.objects.get(reg_key="KG90006TS").owner_id == owner_of["KG90001TS"]


@pytest.mark.parametrize(
    ("raw", "id_number", "kind", "problem"),
    [
        ("9.10780E+10", "", "",
         "Số định danh bị Excel đổi sang dạng khoa học (9.10780E+10), đã mất chữ số: cần nhập lại"),
        ("12345", "", "", "Số định danh quá ngắn (5 chữ số)"),
        ("", "", "", "Không có số định danh"),
        (91078123456, "091078123456", "cccd", ""),  # numeric cell lost the leading zero: repaired
        ("371234567", "371234567", "cmnd", ""),
    ],
)
def test_bad_ids_are_not_row_errors(db, raw, id_number, kind, problem):
    record = run(xlsx_bytes([vessel_row(1, **{"Số CCCD": raw})]))
    assert record.status == "done" and record.errors == []
    owner = Owner.objects.get()
    assert (owner.id_number, owner.id_kind, owner.id_problem) == (id_number, kind, problem)
    assert owner.raw_id_number == (str(raw) if raw != "" else "")


def test_organisations_and_normalised_names(db):
    rows = [
        vessel_row(1, **{"Họ tên chủ tàu": "Công ty TNHH Hải sản Phú Quốc", "Số CCCD": "1700123456"}),
        vessel_row(2, **{"Họ tên chủ tàu": "HTX Nghề cá An Thới", "Số CCCD": None}),
        vessel_row(3, **{"Họ tên chủ tàu": "  trần   thị HOÀ ", "Giới tính": "Nữ", "Ngày sinh": 1980}),
    ]
    run(xlsx_bytes(rows))
    owners = {v.reg_key: v.owner for v in Vessel.objects.select_related("owner")}
    assert (owners["KG90001TS"].kind, owners["KG90001TS"].full_name) == ("organisation", "Công ty TNHH Hải sản Phú Quốc")
    assert owners["KG90002TS"].kind == "organisation"
    person = owners["KG90003TS"]
    assert (person.kind, person.raw_name, person.full_name) == ("person", "  trần   thị HOÀ ", "Trần Thị Hòa")
    assert (person.gender, person.birth_date, person.birth_year, person.raw_birth_date) == ("nữ", None, 1980, "1980")


# --- row errors -------------------------------------------------------------------------------------
def test_every_row_error_with_its_exact_message(db):
    rows = [
        vessel_row(1),
        vessel_row(2, **{"Số đăng ký": ""}),
        vessel_row(3, **{"Số đăng ký": "ABC-1"}),
        vessel_row(4, **{"Ngày hết hạn": "31/02/2024"}),
        vessel_row(5, **{"Ngày cấp giấy phép": "hôm qua"}),
        vessel_row(6, **{"Hạn ATKT": "30/13/2025"}),
        vessel_row(7, **{"Chiều dài": -3}),
        vessel_row(8, **{"Chiều dài": "1250"}),
        vessel_row(9, **{"Công suất (KW)": "mười hai"}),
        vessel_row(10, **{"Công suất (KW)": 50000}),
        vessel_row(11, **{"Số đăng ký": "kg 90001 ts"}),  # duplicate of row 1 after normalisation
        vessel_row(12),
    ]
    record = run(xlsx_bytes(rows))
    row = [data_row_number(i) for i in range(len(rows))]  # Excel rows 5..16
    assert record.status == "partial"
    assert (record.rows_total, record.rows_created, record.rows_rejected) == (12, 2, 10)
    assert [e["text"] for e in record.errors] == [
        f'registry.xlsx, dòng {row[1]}, cột "Số đăng ký": thiếu số đăng ký',
        f'registry.xlsx, dòng {row[2]}, cột "Số đăng ký": số đăng ký "ABC-1" không đúng dạng (ví dụ KG-91234-TS)',
        f'registry.xlsx, dòng {row[3]}, cột "Ngày hết hạn": ngày 31/02/2024 không tồn tại',
        f'registry.xlsx, dòng {row[4]}, cột "Ngày cấp giấy phép": không đọc được ngày tháng: hôm qua',
        f'registry.xlsx, dòng {row[5]}, cột "Hạn ATKT": ngày 30/13/2025 không tồn tại',
        f'registry.xlsx, dòng {row[6]}, cột "Chiều dài": chiều dài -3 không hợp lệ: phải lớn hơn 0',
        f'registry.xlsx, dòng {row[7]}, cột "Chiều dài": chiều dài 1250 không hợp lệ: vượt quá 150 (nhầm đơn vị?)',
        f'registry.xlsx, dòng {row[8]}, cột "Công suất (KW)": công suất "mười hai" không phải là số',
        f'registry.xlsx, dòng {row[9]}, cột "Công suất (KW)": công suất 50000 không hợp lệ: vượt quá 20000 (nhầm đơn vị?)',
        f'registry.xlsx, dòng {row[10]}, cột "Số đăng ký": số đăng ký KG-90001-TS trùng với dòng {row[0]}',
    ]
    assert record.errors[2] == {"file": "registry.xlsx", "row": 8, "column": "Ngày hết hạn",
                                "message": "ngày 31/02/2024 không tồn tại", "text": record.errors[2]["text"]}
    assert sorted(Vessel.objects.values_list("reg_key", flat=True)) == ["KG90001TS", "KG90012TS"]
    # rejected rows leave nothing behind: no owner, licence or certificate of theirs
    assert Owner.objects.count() == 2 and FishingLicence.objects.count() == 2 and SafetyCertificate.objects.count() == 2


def test_errors_on_the_csv_line_number_and_headers_as_written(db):
    headers = ["Số ĐK", "Hạn GPKT", "Số GPKT"]
    data = csv_bytes([{"Số ĐK": "KG-90001-TS", "Hạn GPKT": "29/02/2023", "Số GPKT": "1"}], headers=headers,
                     title_rows=[["Danh sách"]])
    record = run(data, "ds.csv")
    assert [e["text"] for e in record.errors] == ['ds.csv, dòng 3, cột "Hạn GPKT": ngày 29/02/2023 không tồn tại']
    assert record.status == "partial" and record.rows_created == 0


def test_warnings_keep_the_row(db):
    record = run(xlsx_bytes([vessel_row(1, **{"Nghề khai thác": "Te xiệp", "Ngày sinh": "31/02/1970",
                                               "Ngày hết hạn": "2027"})]))
    assert record.status == "done" and record.rows_created == 1
    assert [w["text"] for w in record.warnings] == [
        'registry.xlsx, dòng 5, cột "Ngày hết hạn": chỉ có năm 2027, thiếu ngày tháng: để trống',
        'registry.xlsx, dòng 5, cột "Nghề khai thác": không nhận ra nghề "Te xiệp": giữ nguyên chữ, chưa phân loại',
        'registry.xlsx, dòng 5, cột "Ngày sinh": ngày 31/02/1970 không tồn tại: để trống ngày sinh, giữ năm 1970',
    ]
    vessel = Vessel.objects.get()
    assert (vessel.gear, vessel.gear_raw) == ("", "Te xiệp")
    owner = vessel.owner
    assert (owner.raw_birth_date, owner.birth_date, owner.birth_year) == ("31/02/1970", None, 1970)
    assert vessel.licences.get().expires_on is None


def test_unreadable_birth_date_without_a_year(db):
    record = run(xlsx_bytes([vessel_row(1, **{"Ngày sinh": "không rõ"})]))
    assert [w["message"] for w in record.warnings] == ["không đọc được ngày tháng: không rõ: để trống ngày sinh"]
    owner = Owner.objects.get()
    assert (owner.raw_birth_date, owner.birth_date, owner.birth_year) == ("không rõ", None, None)


@pytest.mark.parametrize(
    ("length", "code"),
    [("5,99", "lt6"), ("6", "6-12"), ("11,99", "6-12"), ("12", "12-15"), ("14.99", "12-15"), (15, "15-24"),
     ("23,99", "15-24"), (24, "ge24")],
)
def test_length_class_at_each_boundary(db, length, code):
    run(xlsx_bytes([vessel_row(1, **{"Chiều dài": length})]))
    assert Vessel.objects.get().length_class == code


# --- one transaction --------------------------------------------------------------------------------
def test_failure_while_writing_leaves_the_database_as_it_was(db, registry_counts):
    run(xlsx_bytes([vessel_row(1)]))
    # A vessel whose stored key disagrees with its number (hand-edited database): the importer does
    # not find it by key and tries to create KG-90003-TS again, which the unique constraint refuses
    # after the other rows' owners, vessels and licences were already written.
    Vessel.objects.create(registration_number="KG-90003-TS", reg_key="HANDEDITED")
    before = registry_counts()
    owner_names = list(Owner.objects.values_list("raw_name", flat=True))

    record = run(xlsx_bytes([vessel_row(1, **{"Chiều dài": 20}), vessel_row(2), vessel_row(3)]))

    assert record.status == "failed"
    assert record.message.startswith("registry.xlsx: lỗi khi ghi dữ liệu, không có thay đổi nào được lưu (IntegrityError")
    assert (record.rows_created, record.rows_updated) == (0, 0)
    assert registry_counts() == before
    assert Vessel.objects.get(reg_key="KG90001TS").length_m == Decimal("12.50")
    assert list(Owner.objects.values_list("raw_name", flat=True)) == owner_names


def test_broken_files_fail_cleanly(db, registry_counts):
    good = xlsx_bytes([vessel_row(1)])
    cases = [
        (b"", "a.xlsx", "a.xlsx: tệp rỗng, không có dữ liệu"),
        (b"hello;world\n", "b.xlsx", "b.xlsx: không phải tệp Excel hợp lệ (tệp hỏng hoặc bị đổi tên)"),
        (good[: len(good) // 2], "c.xlsx", "c.xlsx: tệp Excel bị hỏng hoặc không đầy đủ, không mở được"),
        (b"S\x81;T\x90n\n", "d.csv", "d.csv: không xác định được bảng mã của tệp"),
        (csv_bytes([]), "e.csv", "e.csv: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng 1)"),
    ]
    before = registry_counts()
    for data, name, message in cases:
        record = run(data, name)
        assert record.status == "failed", name
        assert record.message.startswith(message), record.message
        assert record.file_name == name and record.finished_at is not None
    assert registry_counts() == before
    assert RegistryImport.objects.filter(status="failed").count() == len(cases)


def test_missing_path_fails_cleanly(db, tmp_path):
    record = import_registry(tmp_path / "none.xlsx", file_name="none.xlsx")
    assert record.status == "failed"
    assert record.message.startswith("none.xlsx: không đọc được tệp")


def test_path_source(db, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes([vessel_row(1)]))
    assert import_registry(path, file_name="ds.xlsx").rows_created == 1
    assert import_registry(str(path), file_name="ds.xlsx").rows_unchanged == 1


# --- re-imports -------------------------------------------------------------------------------------
def test_reimporting_the_same_file_changes_nothing(db, registry_counts):
    rows = [vessel_row(n) for n in range(1, 6)]
    rows[1]["Số CCCD"] = rows[0]["Số CCCD"]  # one owner with two vessels, written differently
    rows[1]["Địa chỉ"] = "xã Hòn Tre, huyện Kiên Hải, Kiên Giang"
    data = xlsx_bytes(rows)
    first = run(data)
    assert first.rows_created == 5 and first.owners_created == 4
    before = registry_counts()
    stamps = list(Vessel.objects.order_by("pk").values_list("updated_at", flat=True))

    again = run(data)

    assert again.status == "done"
    assert (again.rows_total, again.rows_created, again.rows_updated, again.rows_unchanged) == (5, 0, 0, 5)
    assert again.sha256 == first.sha256
    assert registry_counts() == before
    assert VesselChange.objects.filter(source_import=again).count() == 0
    assert list(Vessel.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


@time_machine.travel(datetime(2027, 3, 1, 3, 0, tzinfo=UTC), tick=False)  # the newer export has a licence of 02/02/2027
def test_newer_export_updates_changed_vessels_with_history(db, fisheries_user):
    run(xlsx_bytes([vessel_row(1), vessel_row(2), vessel_row(3)]))
    owner_before = Vessel.objects.get(reg_key="KG90002TS").owner_id
    newer = [
        vessel_row(1, **{"Chiều dài": "15", "Nghề khai thác": "Lưới vây"}),  # vessel fields
        vessel_row(2, **{"Địa chỉ": "xã Hòn Tre, huyện Kiên Hải, Kiên Giang", "Ngày hết hạn": "01/02/2028"}),
        vessel_row(3, **{"Số giấy phép": "GP-99/2027", "Ngày cấp giấy phép": "02/02/2027", "Ngày hết hạn": "02/02/2030",
                         "Họ tên chủ tàu": "Phạm Văn Bình", "Số CCCD": "091080999999"}),
        vessel_row(4),
    ]
    record = run(xlsx_bytes(newer), user=fisheries_user)

    assert (record.rows_created, record.rows_updated, record.rows_unchanged) == (1, 3, 0)
    changes = {c.vessel.reg_key: c for c in VesselChange.objects.filter(source_import=record, kind="updated")}
    assert changes["KG90001TS"].changes == {
        "length_m": ["12.50", "15.00"], "length_class": ["12-15", "15-24"],
        "gear": ["trawl", "purse_seine"], "gear_raw": ["Lưới kéo đôi", "Lưới vây"],
        "licence.gear": ["trawl", "purse_seine"],  # the licence is for the row's gear
    }
    assert changes["KG90001TS"].user == fisheries_user
    assert changes["KG90002TS"].changes == {
        "commune_code": ["31078", "31108"],
        "owner.raw_address": ["Ấp 1, xã Dương Tơ, huyện Phú Quốc, tỉnh Kiên Giang", "xã Hòn Tre, huyện Kiên Hải, Kiên Giang"],
        "owner.address": ["Ấp 1, xã Dương Tơ, huyện Phú Quốc, tỉnh Kiên Giang", "xã Hòn Tre, huyện Kiên Hải, Kiên Giang"],
        "owner.commune_code": ["31078", "31108"],
        "licence.expires_on": ["2027-02-01", "2028-02-01"],
    }
    assert Vessel.objects.get(reg_key="KG90002TS").owner_id == owner_before  # same person, updated in place
    assert changes["KG90003TS"].changes == {
        "owner": ["Nguyễn Văn An (091078100003)", "Phạm Văn Bình (091080999999)"],
        "licence.number": ["GP-3/2024", "GP-99/2027"],
        "licence.issued_on": ["2024-02-01", "2027-02-02"],
        "licence.expires_on": ["2027-02-01", "2030-02-02"],
    }
    # licences are kept: a new number is a new licence, the same number updates its dates
    assert list(Vessel.objects.get(reg_key="KG90003TS").licences.values_list("number", flat=True)) == [
        "GP-99/2027", "GP-3/2024"]
    assert list(Vessel.objects.get(reg_key="KG90002TS").licences.values_list("number", "expires_on")) == [
        ("GP-2/2024", date(2028, 2, 1))]
    vessel = Vessel.objects.get(reg_key="KG90001TS")
    assert (vessel.length_class, vessel.source_import) == ("15-24", record)

    # and importing the newer export once more changes nothing
    again = run(xlsx_bytes(newer))
    assert (again.rows_updated, again.rows_unchanged) == (0, 4)


def test_columns_missing_from_a_partial_file_are_left_alone(db):
    run(xlsx_bytes([vessel_row(1)]))
    record = run(xlsx_bytes([["KG-90001-TS", "Tàu mới tên"]], headers=["Số đăng ký", "Tên tàu"], title_rows=[]))
    assert record.rows_updated == 1
    vessel = Vessel.objects.get()
    assert vessel.name == "Tàu mới tên"
    assert vessel.length_m == Decimal("12.50") and vessel.owner.full_name == "Nguyễn Văn An"
    assert vessel.licences.count() == 1


def test_imported_and_updated_vessels_are_searchable(db, admin_user):
    from lienthong.search.index import search_vessels

    run(xlsx_bytes([vessel_row(1), vessel_row(2)]))
    assert [v.registration_number for v in search_vessels("KG 90002 TS", admin_user)] == ["KG-90002-TS"]
    assert search_vessels("Phạm Văn Bình", admin_user) == []
    run(xlsx_bytes([vessel_row(2, **{"Họ tên chủ tàu": "Phạm Văn Bình", "Số CCCD": "091080999999"})]))
    assert [v.registration_number for v in search_vessels("Phạm Văn Bình", admin_user)] == ["KG-90002-TS"]

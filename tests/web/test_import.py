"""The import page: upload, report with bad rows, past imports, CSV of errors."""
from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import ColumnMapping, RegistryImport, Vessel

CSV = (
    "Số đăng ký,Tên tàu,Họ tên chủ tàu,Số CCCD,Chiều dài,Ngày hết hạn\n"
    "KG-92001-TS,Bình An,Lê Văn Hùng,091080001111,13.5,31/12/2030\n"
    "KG-92002-TS,Tân Phát,Phạm Thị Mai,091192002222,9,15/06/2031\n"
    "KHONG-HOP-LE,Sai Số,Võ Văn Ba,091070003333,7,01/01/2030\n"
    "KG-92004-TS,Ngày Sai,Huỳnh Văn Tư,091075004444,11,31/02/2030\n"
)


def _upload(text=CSV, name="so-dang-ky.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_form_renders_for_writers(client_for, fisheries_user):
    ColumnMapping.objects.create(name="Mẫu huyện Phú Quốc", mapping={"Biển số": "registration_number"})
    ColumnMapping.objects.create(name="Đặc biệt", mapping={})
    ColumnMapping.objects.create(name="An Biên", mapping={})
    response = client_for(fisheries_user).get("/nhap-du-lieu/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ('id="import-form"', 'enctype="multipart/form-data"', 'data-testid="import-file"',
                 'data-testid="import-mapping"', "Nhập tệp sổ đăng ký", "Chưa nhập tệp nào."):
        assert text in html, text
    options = re.findall(r'<option value="\d+">([^<]+)</option>', html)
    assert options == ["An Biên", "Đặc biệt", "Mẫu huyện Phú Quốc"]  # Vietnamese order: Đ with D


def test_upload_imports_and_shows_the_report(client_for, fisheries_user):
    client = client_for(fisheries_user)
    response = client.post("/nhap-du-lieu/", {"file": _upload()})
    run = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/nhap-du-lieu/{run.pk}/"
    assert (run.rows_total, run.rows_created, run.rows_rejected, run.imported_by) == (4, 2, 2, fisheries_user)
    assert sorted(Vessel.objects.values_list("registration_number", flat=True)) == ["KG-92001-TS", "KG-92002-TS"]

    report = client.get(response["Location"])
    html = report.content.decode()
    assert report.status_code == 200
    assert re.search(r'data-testid="rows-total">4<', html) and re.search(r'data-testid="rows-created">2<', html)
    assert re.search(r'data-testid="rows-rejected">2<', html)
    rows = re.findall(r'<tr data-testid="import-error-row"><td>([^<]*)</td><td class="num">(\d+)</td><td>([^<]*)</td>', html)
    assert rows == [("so-dang-ky.csv", "4", "Số đăng ký"), ("so-dang-ky.csv", "5", "Ngày hết hạn")]
    assert 'id="import-errors"' in html

    audit = AuditEvent.objects.filter(action="import")
    assert audit.count() == 1
    assert (audit.get().object_id, audit.get().detail["rows_rejected"]) == (str(run.pk), 2)

    listing = client.get("/nhap-du-lieu/").content.decode()
    assert listing.count('data-testid="import-history-row"') == 1 and "so-dang-ky.csv" in listing


def test_errors_download_as_excel_friendly_csv(client_for, fisheries_user):
    run = RegistryImport.objects.create(
        file_name="tàu.xlsx", sha256="0" * 64, rows_total=3, rows_rejected=2, status="partial",
        errors=[{"row": 9, "column": "Ngày sinh", "message": "ngày 31/02/1980 không tồn tại"},
                {"row": 3, "column": "Số CCCD", "message": "thiếu chữ số"}],
    )
    response = client_for(fisheries_user).get(f"/nhap-du-lieu/{run.pk}/loi.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffTệp,Dòng,Cột,Vấn đề,Dòng đã nhập?\r\n")
    assert body.splitlines()[1:] == ["tàu.xlsx,3,Số CCCD,thiếu chữ số,không",
                                     "tàu.xlsx,9,Ngày sinh,ngày 31/02/1980 không tồn tại,không"]


def test_wrong_file_type_is_refused_before_import(client_for, fisheries_user):
    response = client_for(fisheries_user).post("/nhap-du-lieu/", {"file": _upload("x", "anh.pdf")})
    assert response.status_code == 200
    assert "Hãy chọn tệp CSV, .xlsx hoặc .xls." in response.content.decode()
    assert RegistryImport.objects.count() == 0
    assert AuditEvent.objects.filter(action="import").count() == 0


def test_saved_mapping_is_used(client_for, fisheries_user):
    mapping = ColumnMapping.objects.create(name="Biển số", mapping={"Biển kiểm soát": "registration_number"})
    text = "Biển kiểm soát,Tên tàu\nKG-93001-TS,Minh Phú\n"
    response = client_for(fisheries_user).post("/nhap-du-lieu/", {"file": _upload(text), "mapping": mapping.pk})
    assert response.status_code == 302
    assert Vessel.objects.get().registration_number == "KG-93001-TS"


# --- the report for every outcome ---------------------------------------------------------------------
WARNING = {"row": 4, "column": "Số CCCD", "message": '"09107A100001" không phải số CCCD/CMND'}
ERROR = {"row": 7, "column": "Ngày đăng ký", "message": "ngày đăng ký 03/12/2026 ở tương lai"}
NO_HEADER = 'ds.csv: không tìm thấy dòng tiêu đề có cột "Số đăng ký" trong 30 dòng đầu'


def _report(client, **fields):
    run = RegistryImport.objects.create(file_name="ds.csv", sha256="0" * 64, **fields)
    return client.get(f"/nhap-du-lieu/{run.pk}/").content.decode()


def test_a_failed_import_says_why_and_shows_no_counts(client_for, fisheries_user):
    html = _report(client_for(fisheries_user), status="failed", message=NO_HEADER)
    assert 'data-status="failed"' in html and "Thất bại" in html
    assert "Tệp không được nhập: không có thay đổi nào" in html
    assert re.search(r'role="alert" data-testid="import-message">ds.csv: không tìm thấy dòng tiêu đề', html)
    # no misleading zeros: neither the counts nor "0 rows with problems" / "every row was read"
    for absent in ('data-testid="rows-total"', 'data-testid="rows-rejected"', "Vấn đề trong các dòng", "không có lỗi"):
        assert absent not in html, absent


def test_a_failed_write_says_how_many_rows_were_read_and_none_saved(client_for, fisheries_user):
    html = _report(client_for(fisheries_user), status="failed", rows_total=12034, rows_rejected=1, errors=[ERROR],
                   message="ds.csv: lỗi khi ghi dữ liệu, không có thay đổi nào được lưu (OperationalError: x)")
    assert "lỗi khi ghi dữ liệu" in html and "Đã đọc 12.034 dòng; không dòng nào được lưu." in html
    assert 'data-testid="rows-created"' not in html
    assert html.count('data-testid="import-error-row"') == 1


def test_a_running_import_is_not_shown_as_counts(client_for, fisheries_user):
    html = _report(client_for(fisheries_user), status="running")
    assert "đã bị gián đoạn và không có gì được lưu" in html and 'data-testid="rows-total"' not in html


def test_done_and_partial_reports_count_in_vietnamese_format_and_list_warnings(client_for, fisheries_user):
    client = client_for(fisheries_user)
    html = _report(client, status="done", rows_total=10026, rows_created=10026)
    assert re.search(r'data-testid="rows-total">10.026<', html) and "Mọi dòng đều được đọc không có lỗi." in html
    assert "0 lỗi (dòng không được nhập) · 0 cảnh báo" in html

    html = _report(client, status="done", rows_total=3, rows_created=3, warnings=[WARNING])
    assert "0 lỗi (dòng không được nhập) · 1 cảnh báo (dòng đã nhập, một giá trị bị bỏ qua)" in html
    assert re.search(r'<tr data-testid="import-warning-row"><td>ds.csv</td><td class="num">4</td><td>Số CCCD</td>', html)
    assert "đã nhập, có cảnh báo" in html and "không có lỗi" not in html

    html = _report(client, status="partial", rows_total=1500, rows_created=1498, rows_rejected=2,
                   errors=[ERROR, dict(ERROR, row=9)], warnings=[WARNING, dict(WARNING, row=7)])
    assert re.search(r'data-testid="rows-total">1.500<', html) and re.search(r'data-testid="rows-created">1.498<', html)
    assert "2 lỗi (dòng không được nhập) · 2 cảnh báo" in html
    kinds = re.findall(r'<tr data-testid="import-(error|warning)-row"><td>ds.csv</td><td class="num">(\d+)</td>', html)
    assert kinds == [("warning", "4"), ("error", "7"), ("warning", "7"), ("error", "9")]
    # a warning on a rejected row: that row was not imported either
    outcomes = re.findall(r'<td><span class="badge badge-import-\w+">([^<]+)</span> [^<]+</td></tr>', html)
    assert outcomes == ["đã nhập, có cảnh báo", "không nhập", "không nhập", "không nhập"]
    assert "partial" not in re.sub(r'(class|data-status)="[^"]*"', "", html)  # no raw status code on the page


def test_history_counts_in_vietnamese_format_and_a_failed_file_shows_no_zero(client_for, fisheries_user):
    RegistryImport.objects.create(file_name="lon.xlsx", sha256="0" * 64, status="done", rows_total=10026)
    RegistryImport.objects.create(file_name="hong.csv", sha256="0" * 64, status="failed", message=NO_HEADER)
    html = client_for(fisheries_user).get("/nhap-du-lieu/").content.decode()
    cells = re.findall(r'<td>([^<]+)</td><td>[^<]*</td><td><span class="badge[^"]*">[^<]+</span></td>'
                       r'<td class="num">([^<]+)</td><td class="num">([^<]+)</td>', html)
    assert sorted(cells) == [("hong.csv", "—", "—"), ("lon.xlsx", "10.026", "0")]


def test_errors_csv_lists_warnings_with_their_outcome(client_for, fisheries_user):
    run = RegistryImport.objects.create(file_name="ds.csv", sha256="0" * 64, status="partial", rows_total=9,
                                        rows_rejected=1, errors=[ERROR], warnings=[WARNING])
    body = client_for(fisheries_user).get(f"/nhap-du-lieu/{run.pk}/loi.csv").content.decode("utf-8")
    assert body.splitlines()[1:] == [
        'ds.csv,4,Số CCCD,"""09107A100001"" không phải số CCCD/CMND","có, kèm cảnh báo"',
        "ds.csv,7,Ngày đăng ký,ngày đăng ký 03/12/2026 ở tương lai,không",
    ]

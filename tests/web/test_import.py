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
    assert body.startswith("\ufeffTệp,Dòng,Cột,Lỗi\r\n")
    assert body.splitlines()[1:] == ["tàu.xlsx,3,Số CCCD,thiếu chữ số", "tàu.xlsx,9,Ngày sinh,ngày 31/02/1980 không tồn tại"]


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

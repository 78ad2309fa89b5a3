"""Uploading a file over the import limits through the page: refused with the file and the limit named,
nothing read into the registry; the report says so."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.fleet.models import RegistryImport, Vessel

from .hostile_files import csv_with_rows, xlsx_with_rows


def test_an_upload_over_the_row_limit_is_refused_and_reported(client_for, fisheries_user, settings):
    settings.IMPORT_MAX_ROWS = 1_000
    client = client_for(fisheries_user)
    response = client.post("/nhap-du-lieu/", {"file": SimpleUploadedFile("dai.xlsx", xlsx_with_rows(5_000))})
    run = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/nhap-du-lieu/{run.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-failure"' in html
    assert "dai.xlsx, trang tính &quot;Danh sách&quot;: tệp có 5.001 dòng, vượt giới hạn 1.000 dòng" in html
    assert Vessel.objects.count() == 0


def test_an_upload_over_the_size_limit_is_refused_from_its_size(client_for, fisheries_user, settings):
    settings.IMPORT_MAX_MB = 0.1
    client = client_for(fisheries_user)
    client.post("/nhap-du-lieu/", {"file": SimpleUploadedFile("lon.csv", csv_with_rows(20_000))})
    run = RegistryImport.objects.get()
    assert (run.status, run.sha256) == ("failed", "")  # refused before its bytes were read (no hash)
    assert run.message.startswith("lon.csv: tệp quá lớn (có dung lượng 0,3 MB, giới hạn cho một lần nhập là 0,1 MB)")

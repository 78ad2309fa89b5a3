"""A file with headers nobody knows: the officer maps its columns once, saves the mapping, and imports."""
from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.importer import preview_headers
from lienthong.fleet.models import ColumnMapping, Vessel

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py

HEADERS = ["TT", "Biển kiểm soát", "Người sở hữu", "Số căn cước", "Năm sinh chủ", "Nơi ở", "Dài (m)"]
MAPPING = {1: "registration_number", 2: "owner_name", 3: "owner_id_number", 4: "owner_birth_date", 5: "owner_address", 6: "length_m"}


def odd_file() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH TÀU CÁ ĐẶC KHU PHÚ QUỐC"])
    ws.append([])
    ws.append(HEADERS)
    ws.append([1, "KG-91234-TS", "Nguyễn Văn Tư", "091085001234", "1985", "Ấp 1, xã Dương Tơ, huyện Phú Quốc, tỉnh Kiên Giang", "12,5"])
    ws.append([2, "KG-91235-TS", "Trần Thị Hoa", "", "12/03/1979", "Đặc khu Phú Quốc", "8"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_preview_offers_unknown_headers_for_mapping():
    preview = preview_headers(odd_file(), "la.xlsx")
    assert not preview.ok and "Số đăng ký" in preview.message
    assert preview.header_row == 3
    assert preview.headers == HEADERS
    assert preview.missing_required == ["Số đăng ký"]


@pytest.mark.django_db
def test_map_save_and_import(client, fisheries_user):
    client.login(username="thuysan", password=PASSWORD)
    url = reverse("fleet-import-mapping")
    response = client.post(url, {"file": SimpleUploadedFile("la.xlsx", odd_file())})
    assert response.status_code == 302
    page = client.get(url)
    assert [r["header"] for r in page.context["rows"]] == HEADERS
    assert all(r["chosen"] == "" for r in page.context["rows"])

    # Without the registration number column and without a name: refused, nothing stored.
    refused = client.post(url, {"col-2": "owner_name"})
    assert refused.status_code == 200 and len(refused.context["errors"]) == 2
    assert ColumnMapping.objects.count() == 0 and Vessel.objects.count() == 0

    chosen = {f"col-{i}": key for i, key in MAPPING.items()}
    done = client.post(url, {**chosen, "name": "Đặc khu Phú Quốc 2024"})
    assert done.status_code == 302
    saved = ColumnMapping.objects.get(name="Đặc khu Phú Quốc 2024")
    assert saved.mapping["Biển kiểm soát"] == "registration_number" and saved.mapping["TT"] is None
    assert sorted(Vessel.objects.values_list("registration_number", flat=True)) == ["KG-91234-TS", "KG-91235-TS"]
    assert Vessel.objects.get(registration_number="KG-91234-TS").owner.full_name == "Nguyễn Văn Tư"
    assert AuditEvent.objects.filter(action="import", username="thuysan").count() == 1

    # The next file of the same shape is recognised with the saved mapping, from the ordinary import page.
    again = client.post(reverse("fleet-import"), {"file": SimpleUploadedFile("la-2.xlsx", odd_file())})
    assert again.status_code == 302
    assert Vessel.objects.count() == 2  # same rows: unchanged


@pytest.mark.django_db
def test_mapping_page_is_for_registry_writers_only(client, viewer_user, commune_user):
    for username in ("xem", "xa_phuquoc"):
        client.login(username=username, password=PASSWORD)
        response = client.post(reverse("fleet-import-mapping"), {"file": SimpleUploadedFile("la.xlsx", odd_file())})
        assert response.status_code == 403
    assert ColumnMapping.objects.count() == 0 and Vessel.objects.count() == 0
    client.logout()
    assert client.get(reverse("fleet-import-mapping")).status_code == 302  # to the login page

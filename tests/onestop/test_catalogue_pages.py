"""The catalogue's pages: /mot-cua/thu-tuc/ (search without diacritics, filters, detail) and the import page."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import catalogue
from lienthong.onestop.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(tmp_path):
    return catalogue.shipped_workbook(tmp_path / "thu-tuc.xlsx")


@pytest.fixture
def loaded(shipped):
    catalogue.import_catalogue(shipped)


def codes(response) -> list[str]:
    return re.findall(r'data-testid="procedure-row" data-code="([^"]+)"', response.content.decode())


def test_the_urls():
    assert reverse("onestop:procedures") == "/mot-cua/thu-tuc/"
    assert reverse("onestop:procedures-import") == "/mot-cua/thu-tuc/nhap/"
    assert reverse("onestop:procedure", args=[7]) == "/mot-cua/thu-tuc/7/"


def test_search_without_diacritics_and_filters(loaded, client_for, make_user):
    client = client_for(make_user("tn_rachgia", "centre", communes=("30742",)))
    url = reverse("onestop:procedures")
    assert len(codes(client.get(url))) == 30
    assert codes(client.get(url, {"q": "dang ky ket hon"})) == ["1.000894.000.00.00.H56", "1.004746.000.00.00.H56"]
    # Ranked: the procedure that holds every word first, then those nearly as close.
    assert codes(client.get(url, {"q": "ĐĂNG KÝ LẠI kết hôn"}))[:2] == ["1.004746.000.00.00.H56", "1.000894.000.00.00.H56"]
    # As citizens ask: their own words, a typo, no spaces.
    assert codes(client.get(url, {"q": "lam giay ket hong"}))[0] == "1.000894.000.00.00.H56"
    assert codes(client.get(url, {"q": "xin giay doc than"}))[0] == "1.004873.000.00.00.H56"
    assert codes(client.get(url, {"q": "nhaphokhau"}))[0] == "1.004194.000.00.00.H56"
    assert codes(client.get(url, {"q": "1.001193"})) == ["1.001193.000.00.00.H56"]
    vessels = codes(client.get(url, {"linh_vuc": "Thủy sản", "cap": "province"}))
    assert len(vessels) == 9 and set(vessels) == set(Procedure.objects.filter(prefill="vessel").values_list("code", flat=True))
    ships = Procedure.objects.filter(name__icontains="tàu cá").values_list("code", flat=True)
    assert set(codes(client.get(url, {"q": "TAU CA"}))) == set(ships) and len(ships) == 8
    # Whole words: "tu" is "tử", not the "tục" of "thủ tục"; a code or its start is looked up.
    assert codes(client.get(url, {"q": "dang ky khai tu"}))[:2] == ["1.000656.000.00.00.H56", "1.005461.000.00.00.H56"]
    assert codes(client.get(url, {"q": "1.0008"})) == ["1.000894.000.00.00.H56"]
    assert len(codes(client.get(url, {"q": "chung thuc"}))) == 7
    assert len(codes(client.get(url, {"linh_vuc": "Chứng thực"}))) == 7
    assert len(codes(client.get(url, {"cap": "commune"}))) == 21
    empty = client.get(url, {"q": "khong co thu tuc nay"})
    assert codes(empty) == [] and 'data-testid="catalogue-empty"' in empty.content.decode()
    assert 'data-testid="catalogue-import-link"' not in client.get(url).content.decode()


def test_the_detail_shows_time_fee_components_and_agencies(loaded, client_for, make_user):
    client = client_for(make_user("tnv_rachgia", "volunteer"))
    detail = {code: reverse("onestop:procedure", args=[pk]) for code, pk in Procedure.objects.values_list("national_code", "pk")}
    page = client.get(detail["2.000635"]).content.decode()
    assert "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh" in page
    assert "8.000 đ" in page and "8 giờ làm việc" in page
    assert page.count('data-testid="component"') == 2
    assert "Trung tâm Phục vụ hành chính công phường Rạch Giá" in page
    marriage = client.get(detail["1.000894"]).content.decode()
    assert "5 ngày làm việc" in marriage and "Bản chính: 1 · Bản sao: 0" in marriage
    assert client.get(reverse("onestop:procedure", args=[999999])).status_code == 404


def test_pages_need_a_login(client, loaded):
    response = client.get(reverse("onestop:procedures"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_import_page_imports_and_shows_row_errors(shipped, tmp_path, client_for, admin_user):
    client = client_for(admin_user)
    url = reverse("onestop:procedures-import")
    page = client.get(url).content.decode()
    assert "Thời hạn giải quyết*" in page and "Nơi tiếp nhận" in page
    sheets = {}
    import csv
    for sheet, name in catalogue.SHIPPED:
        with open(catalogue.DATA / name, encoding="utf-8", newline="") as fh:
            sheets[sheet] = list(csv.reader(fh))
    sheets["Thủ tục"][4][5] = "ba ngày"
    bad = catalogue.write_workbook(tmp_path / "thoi-han.xlsx", sheets)
    response = client.post(url, {"file": SimpleUploadedFile("thoi-han.xlsx", bad.read_bytes())})
    assert response.status_code == 400
    problems = re.findall(r'data-testid="import-problem">([^<]+)<', response.content.decode())
    assert problems == ['thoi-han.xlsx, trang &quot;Thủ tục&quot;, dòng 5, cột F &quot;Thời hạn giải quyết&quot;: không đọc được '
                        'thời hạn &quot;ba ngày&quot;: hãy ghi số ngày làm việc (ví dụ &quot;05 ngày làm việc&quot;), số giờ '
                        '(&quot;08 giờ làm việc&quot;) hoặc &quot;Trong ngày&quot;']
    assert Procedure.objects.count() == 0
    done = client.post(url, {"file": SimpleUploadedFile("thu-tuc.xlsx", shipped.read_bytes())}, follow=True)
    assert done.redirect_chain == [(reverse("onestop:procedures"), 302)]
    assert "thu-tuc.xlsx đã được nhập: 30 thủ tục (30 mới, 0 thay đổi, 0 không đổi)." in done.content.decode()
    assert Procedure.objects.count() == 30
    event = AuditEvent.objects.get(action="import", object_type="procedure_catalogue")
    assert event.username == "quantri" and event.detail["via"] == "web"


def test_only_administrators_open_the_import_page(client_for, make_user, shipped):
    client = client_for(make_user("tn_rachgia", "centre", communes=("30742",)))
    url = reverse("onestop:procedures-import")
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": SimpleUploadedFile("thu-tuc.xlsx", shipped.read_bytes())}).status_code == 403
    assert Procedure.objects.count() == 0
    assert AuditEvent.objects.filter(action="denied", object_type="procedure_catalogue").count() == 2

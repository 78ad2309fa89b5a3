"""The public verification page (no login): upload any PDF, or open a document's verification code."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lienthong.signing import services

from .conftest import plain_pdf


@pytest.fixture
def signed(profile):
    return services.sign_document(plain_pdf(), kind="onestop_result", object_ref="000.31.078.H01-261201-0001",
                                  title="Giấy phép khai thác thủy sản KG-91234-TS", reason="Ký kết quả",
                                  signer=profile, detail_url="http://127.0.0.1:8000/tra-cuu/ho-so/")


def _upload(client, data: bytes, url="/xac-minh/", name="ketqua.pdf"):
    return client.post(url, {"document": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_the_page_opens_without_login(db):
    page = Client().get("/xac-minh/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xác minh tài liệu ký số" in html and 'data-testid="signing-upload"' in html


def test_a_signed_pdf_uploaded_is_valid_and_named(signed):
    html = _upload(Client(), signed.pdf).content.decode()
    assert 'data-testid="verify-result" data-valid="true"' in html
    assert "Chữ ký số hợp lệ" in html and "Giấy phép khai thác thủy sản KG-91234-TS" in html
    assert "Nguyễn Thị Hồng Nhung — Ủy ban nhân dân đặc khu Phú Quốc" in html
    assert signed.signed_at.isoformat() in html and "+07:00" in html
    assert "Không bị thay đổi kể từ khi ký" in html and "Do tổ chức được tin cậy cấp" in html


def test_a_tampered_pdf_is_not_valid(signed):
    pdf = bytearray(signed.pdf)
    at = pdf.index(b"stream", 200) + 20
    pdf[at] ^= 0x01
    html = _upload(Client(), bytes(pdf)).content.decode()
    assert 'data-testid="verify-result" data-valid="false"' in html and "Chữ ký số không hợp lệ" in html
    assert "Không phải tài liệu được đăng ký trên hệ thống này" in html


def test_not_a_pdf_too_large_or_nothing_says_so_in_vietnamese(db, settings, client_for, admin_user):
    client = Client()
    html = _upload(client, b"GIF89a not a pdf", name="anh.pdf").content.decode()
    assert 'data-testid="upload-error"' in html and "Tệp không phải là tài liệu PDF." in html
    html = client.post("/xac-minh/", {}).content.decode()
    assert "Chọn một tệp PDF (tối đa 2,0 MB)." in html.replace("\xa0", " ")
    settings.PUBLIC_UPLOAD_MAX_KB = 1
    big = b"%PDF-" + b"x" * 1200
    assert _upload(Client(), big).status_code == 413  # anonymous: refused before the body is read
    html = _upload(client_for(admin_user), big).content.decode()  # signed in: the form's own check
    assert "Tệp quá lớn: tối đa 1,0 KB." in html.replace("\xa0", " ")


def test_the_verification_code_page_names_the_document_and_checks_a_copy(signed, profile):
    url = f"/xac-minh/{signed.code}/"
    html = Client().get(url).content.decode()
    assert 'data-testid="registered-document"' in html and "Giấy phép khai thác thủy sản KG-91234-TS" in html
    assert signed.signed_at.isoformat() in html and signed.code in html
    same = _upload(Client(), signed.pdf, url=url).content.decode()
    assert 'data-valid="true"' in same and 'data-testid="same-as-registered"' in same
    other = services.sign_document(plain_pdf(text="QUYẾT ĐỊNH khác"), kind="onestop_result", title="Khác",
                                   reason="Ký", signer=profile)
    different = _upload(Client(), other.pdf, url=url).content.decode()
    assert 'data-valid="true"' in different and 'data-testid="not-registered-document"' in different


def test_an_unknown_code_is_404_with_the_upload_form(db):
    page = Client().get("/xac-minh/ABCDEFGHJKMNPQRS/")
    assert page.status_code == 404
    html = page.content.decode()
    assert 'data-testid="unknown-code"' in html and 'data-testid="signing-upload"' in html


def test_anonymous_uploads_are_rate_limited(signed, settings):
    settings.PUBLIC_POST_LIMIT = 2
    settings.PUBLIC_RATE_WINDOW = dt.timedelta(minutes=10)
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [_upload(client, signed.pdf).status_code for _ in range(3)]
    assert codes == [200, 200, 429]

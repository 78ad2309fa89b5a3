"""Accepting a component: its real type from its bytes, bounds on size, pages and pixels, and its PDF for storage."""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib

import pikepdf
import pytest
from pypdf import PdfReader

from lienthong.digitise import Component, DigitiseError, Kind, Limits, accept, display_name, sniff

from . import scans


def refused(data: bytes, name: str, limits: Limits = Limits()) -> DigitiseError:
    with pytest.raises(DigitiseError) as caught:
        accept(data, name, limits)
    return caught.value


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


# --- what it is ---------------------------------------------------------------------------------------------------
def test_a_png_becomes_a_one_page_pdf_at_its_own_resolution():
    data = scans.png(dpi=300)

    component = accept(data, "giay-chung-nhan.png")

    assert (component.kind, component.pages, component.raster_dpi) == (Kind.PNG, 1, (300,))
    assert component.data == data
    assert component.name == "giay-chung-nhan.png"
    assert component.stored_name == "giay-chung-nhan.pdf"
    reader = PdfReader(io.BytesIO(component.pdf))
    assert len(reader.pages) == 1
    # 1500 × 260 pixels at 300 dpi: 5 × 0.867 inches, 360 × 62.4 points.
    assert [float(v) for v in reader.pages[0].mediabox] == [0.0, 0.0, 360.0, 62.4]


def test_a_jpeg_goes_into_its_pdf_unchanged():
    data = scans.encode(scans.page(scans.CERTIFICATE).convert("RGB"), "JPEG", dpi=200)

    component = accept(data, "anh-chup.jpg")

    assert (component.kind, component.pages, component.raster_dpi) == (Kind.JPEG, 1, (200,))
    with pikepdf.open(io.BytesIO(component.pdf)) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert image.Filter == pikepdf.Name.DCTDecode
        assert image.read_raw_bytes() == data  # lossless: not re-encoded


def test_a_photo_without_a_believable_resolution_is_laid_out_as_an_a4_page():
    # A phone says 72 dpi: a 2339-pixel-high page would be 32 inches; read as A4 (11.69 in) it is 200 dpi.
    data = scans.encode(scans.page(scans.CERTIFICATE, width=1650).resize((1654, 2339)), "PNG", dpi=72)

    component = accept(data, "dien-thoai.png")

    assert component.raster_dpi == (200,)
    box = [round(float(v)) for v in PdfReader(io.BytesIO(component.pdf)).pages[0].mediabox]
    assert box == [0, 0, 595, 842]  # A4 in points


def test_every_frame_of_a_tiff_is_a_page():
    data = scans.encode(scans.page(scans.CERTIFICATE), "TIFF", more=(scans.page(scans.LICENCE),))

    component = accept(data, "ho-so.tif")

    assert (component.kind, component.pages, component.raster_dpi) == (Kind.TIFF, 2, (300, 300))
    assert len(PdfReader(io.BytesIO(component.pdf)).pages) == 2


def test_a_pdf_is_stored_as_it_came():
    data = scans.scanned_pdf(scans.CERTIFICATE, scans.LICENCE)

    component = accept(data, "ban-scan.pdf")

    assert (component.kind, component.pages, component.raster_dpi, component.pdf) == (Kind.PDF, 2, (300, 300), data)
    assert component.sha256 == __import__("hashlib").sha256(data).hexdigest()


def test_the_type_comes_from_the_bytes_not_the_name():
    component = accept(scans.png(), "giay-chung-nhan.pdf")

    assert component.kind == Kind.PNG
    assert component.stored_name == "giay-chung-nhan.pdf"


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", Kind.PDF), (b"\xef\xbb\xbf\r\n%PDF-1.4", Kind.PDF), (b"\xff\xd8\xff\xe0", Kind.JPEG),
    (b"\x89PNG\r\n\x1a\n", Kind.PNG), (b"II*\x00", Kind.TIFF), (b"MM\x00*", Kind.TIFF),
    (b"MZ\x90\x00", None), (b"PK\x03\x04", None), (b"GIF89a", None), (b"", None), (b" " * 1100 + b"%PDF-1.4", None),
])
def test_sniff(head, kind):
    assert sniff(head) == kind


# --- refused ------------------------------------------------------------------------------------------------------
def test_a_renamed_program_is_refused_naming_the_file():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run in DOS mode"

    error = refused(exe, "giay-chung-nhan.pdf")

    assert error.code == "unsupported_type"
    assert error.file_name == "giay-chung-nhan.pdf"
    assert error.message == "giay-chung-nhan.pdf: không phải tệp PDF, JPEG, PNG hay TIFF (nội dung tệp không khớp)"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"%PDF-1.4\n" + b"\x00garbage" * 50, "hong.pdf", "hong.pdf: tệp PDF bị hỏng, không đọc được"),
    (b"\x89PNG\r\n\x1a\n" + b"not a png at all" * 10, "hong.png", "hong.png: tệp ảnh bị hỏng, không đọc được"),
    (b"II*\x00\x08\x00\x00\x00" + b"\xff" * 40, "hong.tif", "hong.tif: tệp ảnh bị hỏng, không đọc được"),
])
def test_a_corrupt_file_is_refused_naming_the_file(data, name, message):
    error = refused(data, name)

    assert (error.code, error.file_name, error.message) == ("corrupt", name, message)


def test_a_truncated_jpeg_is_corrupt():
    data = scans.encode(scans.page(scans.CERTIFICATE).convert("RGB"), "JPEG")

    error = refused(data[: len(data) // 2], "cat-do.jpg")

    assert (error.code, error.message) == ("corrupt", "cat-do.jpg: tệp ảnh bị hỏng, không đọc được")


def test_an_empty_file_is_refused():
    assert (refused(b"", "trong.pdf").code, refused(b"", "trong.pdf").message) == ("empty", "trong.pdf: tệp rỗng")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    error = refused(b"MZ" + b"\x00" * 2_000_000, "lon.pdf", Limits(max_bytes=1024 * 1024))

    assert (error.code, error.message) == ("too_large", "lon.pdf: tệp 1,9 MB, vượt giới hạn 1,0 MB")


def test_too_many_pages():
    pdf = refused(scans.scanned_pdf(scans.CERTIFICATE, scans.LICENCE), "hai-trang.pdf", Limits(max_pages=1))
    tiff = refused(scans.encode(scans.page("A"), "TIFF", more=(scans.page("B"),)), "hai-trang.tif", Limits(max_pages=1))

    assert (pdf.code, pdf.message) == ("too_many_pages", "hai-trang.pdf: tệp có 2 trang, vượt giới hạn 1 trang")
    assert (tiff.code, tiff.message) == ("too_many_pages", "hai-trang.tif: tệp có 2 trang, vượt giới hạn 1 trang")


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded():
    error = refused(scans.png(), "to.png", Limits(max_pixels=300_000))

    assert (error.code, error.message) == ("too_many_pixels", "to.png: ảnh 1.500 × 260 điểm (390.000 điểm ảnh), vượt giới hạn 300.000 điểm ảnh")


def test_a_decompression_bomb_is_refused_from_its_header():
    # 60,000 × 60,000 pixels (3.6 billion) declared in a file of a few dozen bytes.
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 100)) \
        + _png_chunk(b"IEND", b"")

    error = refused(bomb, "bom.png", Limits(max_pixels=10**12))  # Pillow's own limit stops it

    assert (error.code, error.message) == ("too_many_pixels", "bom.png: ảnh quá nhiều điểm ảnh")


def test_a_pdf_page_too_large_to_read_is_refused_and_a_large_one_read_at_a_lower_resolution():
    def pdf_with_page(width_pt: float, height_pt: float) -> bytes:
        pdf = pikepdf.Pdf.new()
        pdf.add_blank_page(page_size=(width_pt, height_pt))
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()

    a2 = accept(pdf_with_page(1191, 1684), "a2.pdf")  # 16.5 × 23.4 in: 300 dpi would be 34.8 M pixels, allowed
    a0 = accept(pdf_with_page(2384, 3370), "a0.pdf")  # 33.1 × 46.8 in: 300 dpi would be 139 M pixels
    error = refused(pdf_with_page(7200, 7200), "bang-ron.pdf")  # 100 × 100 in: under 150 dpi to fit

    assert (a2.raster_dpi, a0.raster_dpi) == ((300,), (160,))
    assert (error.code, error.message) == ("too_many_pixels", "bang-ron.pdf: trang 1 quá khổ (254 × 254 cm) để nhận dạng chữ")


def test_a_password_protected_pdf_is_refused():
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(scans.scanned_pdf(scans.CERTIFICATE))) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(user="mat-khau", owner="chu"))

    error = refused(buffer.getvalue(), "khoa.pdf")

    assert (error.code, error.message) == ("encrypted", "khoa.pdf: tệp PDF có mật khẩu; hãy nộp bản không đặt mật khẩu")


@pytest.mark.parametrize(("declared", "shown"), [
    ("C:\\Users\\canbo\\Desktop\\giấy tờ.pdf", "giấy tờ.pdf"),
    ("/tmp/../etc/passwd", "passwd"),
    ("Gia\u0301y  to\u0300.pdf\x00", "Giáy tò.pdf"),  # NFC, one space, no control character
    ("", "tệp không tên"),
])
def test_display_name(declared, shown):
    assert display_name(declared) == shown


def test_a_component_is_a_frozen_value():
    component = accept(scans.png(), "a.png")

    assert isinstance(component, Component)
    with pytest.raises(AttributeError):
        component.pages = 2  # type: ignore[misc]


def test_the_package_imports_no_django():
    code = "import sys, lienthong.digitise; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

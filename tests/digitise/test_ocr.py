"""OCR with the real Tesseract and its Vietnamese model (Debian: tesseract-ocr, tesseract-ocr-vie; .ci/run installs
them), pages rasterised by the real pdftoppm; the searchable PDF read back with pdftotext."""
from __future__ import annotations

import io
import subprocess
import tempfile
import unicodedata

import pikepdf
import pytest
from pypdf import PdfReader

from lienthong.digitise import DigitiseError, accept, check_ocr, normalise_page, ocr

from . import scans


def pdftotext(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True, check=True).stdout


def test_a_png_scan_is_read_in_vietnamese_and_found_without_diacritics():
    component = accept(scans.png(scans.CERTIFICATE), "giay-chung-nhan.png")

    result = ocr(component)

    assert result.pages == ("GIẤY CHỨNG NHẬN ĐĂNG KÝ TÀU CÁ\nChủ tàu: Nguyễn Văn Ánh",)
    assert result.text == result.pages[0]
    assert unicodedata.is_normalized("NFC", result.text)
    assert result.folded == "giay chung nhan dang ky tau ca chu tau: nguyen van anh"
    assert "nguyen van anh" in result.folded
    assert result.languages == "vie"
    # The searchable PDF: one page, the scan with its text layer.
    assert len(PdfReader(io.BytesIO(result.searchable_pdf)).pages) == 1
    searchable = pdftotext(result.searchable_pdf)
    assert "Chủ tàu: Nguyễn Văn Ánh" in searchable
    assert "GIẤY CHỨNG NHẬN ĐĂNG KÝ TÀU CÁ" in searchable
    # The stored PDF (the image wrapped, no OCR) has no text at all.
    assert pdftotext(component.pdf).strip() == ""


def test_a_scanned_pdf_is_rasterised_and_read_page_by_page():
    component = accept(scans.scanned_pdf(scans.CERTIFICATE, scans.LICENCE), "ho-so-scan.pdf")

    result = ocr(component)

    assert result.pages == (
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ TÀU CÁ\nChủ tàu: Nguyễn Văn Ánh",
        "GIẤY PHÉP KHAI THÁC THỦY SẢN\nThuyền trưởng: Trần Thị Thủy\nSố đăng ký: KG-91234-TS",
    )
    assert result.text.split("\f") == list(result.pages)
    assert "tran thi thuy" in result.folded and "nguyen van anh" in result.folded
    reader = PdfReader(io.BytesIO(result.searchable_pdf))
    assert len(reader.pages) == 2
    # Same page size as the scan (300 dpi in, rasterised at 300 dpi): 1500 × 260 pixels.
    assert [round(float(v), 1) for v in reader.pages[0].mediabox] == [0.0, 0.0, 360.0, 62.4]
    pages = pdftotext(result.searchable_pdf).split("\f")
    assert "Nguyễn Văn Ánh" in pages[0] and "Trần Thị Thủy" in pages[1]


def test_a_jpeg_and_a_tiff_are_read():
    jpeg = accept(scans.encode(scans.page(scans.CERTIFICATE).convert("RGB"), "JPEG", dpi=300), "anh.jpg")
    tiff = accept(scans.encode(scans.page(scans.CERTIFICATE), "TIFF", more=(scans.page(scans.LICENCE),)), "ho-so.tiff")

    assert ocr(jpeg).pages == ("GIẤY CHỨNG NHẬN ĐĂNG KÝ TÀU CÁ\nChủ tàu: Nguyễn Văn Ánh",)
    assert ocr(tiff).pages[1] == "GIẤY PHÉP KHAI THÁC THỦY SẢN\nThuyền trưởng: Trần Thị Thủy\nSố đăng ký: KG-91234-TS"


def test_latin_text_digits_and_addresses_are_read_by_the_vietnamese_model_alone():
    text = ("Địa chỉ: ấp Rạch Giá, phường Vĩnh Thông, tỉnh An Giang\n"
            "Số đăng ký: KG-91234-TS; Email: anh.nguyen@example.vn\n"
            "Máy chính Yanmar 6HA2M-HTE, công suất 450 CV")
    component = accept(scans.encode(scans.page(text), "PNG"), "mixed.png")

    assert ocr(component).pages == (text,)


def test_without_tesseract_ocr_is_not_available_and_says_so():
    component = accept(scans.png(), "giay-chung-nhan.png")

    with pytest.raises(DigitiseError) as caught:
        ocr(component, tesseract="/nonexistent/tesseract")

    assert caught.value.code == "ocr_unavailable"
    assert caught.value.message == ("giay-chung-nhan.png: chưa cài chương trình nhận dạng chữ Tesseract (gói tesseract-ocr); "
                                    "chưa số hóa được")


def test_without_the_language_model_ocr_is_not_available_and_names_the_package():
    with pytest.raises(DigitiseError) as caught:
        check_ocr(("vie", "khm"), file_name="a.pdf")

    assert (caught.value.code, caught.value.message) == (
        "ocr_unavailable", "a.pdf: Tesseract thiếu mô hình ngôn ngữ khm (gói tesseract-ocr-khm); chưa số hóa được")
    check_ocr(("vie",))  # installed here: no error


def test_a_page_taking_too_long_is_stopped():
    component = accept(scans.png(), "cham.png")

    with pytest.raises(DigitiseError) as caught:
        ocr(component, page_timeout=0.001)

    assert caught.value.code == "ocr_timeout"
    assert caught.value.message.startswith("cham.png: trang 1: Tesseract chạy quá 0 giây")


def test_a_blank_page_is_read_as_no_text():
    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    buffer = io.BytesIO()
    pdf.save(buffer)
    component = accept(buffer.getvalue(), "trang.pdf")

    result = ocr(component)

    assert result.pages == ("",) and result.folded == ""


def test_normalise_page_keeps_lines_in_nfc_with_canonical_tones():
    raw = "Hoa\u0300 Bi\u0300nh  ,  thuỷ sản\n\n   \nNguye\u0302\u0303n   Văn\n"

    assert normalise_page(raw) == "Hòa Bình , thủy sản\nNguyễn Văn"

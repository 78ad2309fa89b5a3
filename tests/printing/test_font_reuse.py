"""The vendored fonts are parsed once per process, not once per document: every document still gets its own
glyph map and its own subset of the font (documents drawn side by side in threads keep their own letters), the
embedded fonts are valid TrueType and Vietnamese text reads back from the PDF as it was written."""
from __future__ import annotations

import io
import subprocess
import threading

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from lienthong.printing import fonts
from lienthong.printing.official import OfficialDocument

LINES = ["Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Nguyễn Thị Ngọc Diễm — Rạch Giá, Kiên Giang",
         "Ông/Bà: Đặng Văn Thắng; số định danh 091200001234", "Phường Vĩnh Thông ₫ № ☐ ✓ “ưởng” ỹ Ỹ ợ Ợ"]


def draw(text: str, *, compact: bool = True) -> bytes:
    pdf = OfficialDocument("A5", compact_fonts=compact)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "B", 10)
    pdf.cell(0, 6, text.upper(), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def embedded_fonts(data: bytes) -> list[TTFont]:
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            found.append(TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())))
    return found


def test_a_font_file_is_parsed_once_per_process(monkeypatch):
    draw(LINES[0])  # the templates are made here if no test made them before
    draw(LINES[0], compact=False)
    made = []
    original = TTFFont.__init__

    def counting(self, *args, **kwargs):
        made.append(args[1])
        original(self, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "__init__", counting)
    for text in LINES:
        draw(text)
        draw(text, compact=False)
    assert made == []


def test_each_document_embeds_its_own_letters_and_reads_back():
    for compact in (True, False):
        for text in LINES:
            data = draw(text, compact=compact)
            assert text in pdf_text(data)
            assert text.upper() in pdf_text(data)
            for font in embedded_fonts(data):
                font["glyf"], font["loca"], font["hmtx"], font["head"]  # parse: a valid TrueType program
                # Only this document's letters (and .notdef, space, the page number's digits): a subset.
                assert len(font.getGlyphOrder()) < 90


def test_documents_drawn_at_once_in_threads_keep_their_own_text():
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for round_ in range(3):
                results[k * 10 + round_] = draw(f"{LINES[k % len(LINES)]} {k}-{round_}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for key, data in results.items():
        k, round_ = divmod(key, 10)
        assert f"{LINES[k % len(LINES)]} {k}-{round_}" in pdf_text(data)


def test_other_documents_can_still_add_their_own_fonts():
    pdf = FPDF()
    fonts.register(pdf)
    fonts.register_serif(pdf)
    pdf.add_page()
    pdf.set_font(fonts.SERIF, "", 12)
    pdf.cell(0, 8, "Thời gian ký: 2026-12-02T10:00:00+07:00", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "B", 12)
    pdf.cell(0, 8, "Đặc khu Phú Quốc")
    text = pdf_text(bytes(pdf.output()))
    assert "Thời gian ký" in text and "Đặc khu Phú Quốc" in text

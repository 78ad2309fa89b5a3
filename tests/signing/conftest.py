"""A signer profile with drawn images, a plain PDF to sign, and PDF helpers (render a page, read its widgets)."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def signing_dir(tmp_path, settings):
    """Each test gets its own generated test CA (never the developer's var/ directory)."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def profile(db):
    from lienthong.signing.images import seal_png, signature_png
    from lienthong.signing.models import SignerProfile

    return SignerProfile.objects.create(
        agency_name="Ủy ban nhân dân đặc khu Phú Quốc", agency_code="000.31.078.H01",
        title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", full_name="Nguyễn Thị Hồng Nhung",
        signature_image=signature_png("Nguyễn Thị Hồng Nhung"), seal_image=seal_png("Ủy ban nhân dân đặc khu Phú Quốc"))


def plain_pdf(pages: int = 1, text: str = "QUYẾT ĐỊNH về việc cấp giấy phép") -> bytes:
    """An A4 document as the dossier app would draw it (fpdf2, DejaVu)."""
    from fpdf import FPDF

    from lienthong.printing import fonts

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 15)  # Decree 30/2020's margins: left 30, top 20, right 15 mm
    fonts.register(pdf)
    for n in range(pages):
        pdf.add_page()
        pdf.set_font(fonts.FAMILY, "B", 14)
        pdf.cell(0, 10, f"{text} (trang {n + 1})", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(fonts.FAMILY, "", 11)
        pdf.multi_cell(0, 6, "Điều 1. Cấp giấy phép khai thác thủy sản cho tàu cá KG-91234-TS.\n" * 8)
    return bytes(pdf.output())


def render_png(pdf: bytes, tmp_path: Path, *, page: int = 1, dpi: int = 72) -> Path:
    """Page `page` rendered by poppler (pdftoppm draws annotation appearances, as a reader does)."""
    src = tmp_path / "render.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(src), str(tmp_path / "render")], check=True)
    return tmp_path / "render.png"


def colour_counts(png: Path, box_pt: tuple[float, float, float, float], page_height_pt: float, dpi: int = 72):
    """(blue, red) pixel counts inside box_pt (x1, y1, x2, y2 in PDF points from the lower left)."""
    from PIL import Image

    scale = dpi / 72
    x1, y1, x2, y2 = box_pt
    with Image.open(png) as im:
        crop = im.convert("RGB").crop((int(x1 * scale), int((page_height_pt - y2) * scale),
                                       int(x2 * scale), int((page_height_pt - y1) * scale)))
        pixels = list(crop.get_flattened_data())
    blue = sum(1 for r, g, b in pixels if b > 120 and b > r + 60 and b > g + 40)
    red = sum(1 for r, g, b in pixels if r > 150 and r > g + 70 and r > b + 70)
    return blue, red


def signature_widgets(pdf: bytes) -> list[dict]:
    """Every signature field's widget: its name, page index and /Rect (pypdf)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/FT") == "/Sig" or (a.get("/Parent") and a["/Parent"].get_object().get("/FT") == "/Sig"):
                out.append({"name": str(a.get("/T")), "page": index, "rect": [float(v) for v in a["/Rect"]],
                            "has_appearance": "/AP" in a})
    return out

"""Scans made for the tests: Vietnamese text drawn with the vendored DejaVu Sans, as PNG, JPEG, TIFF or a PDF of
page images (what a scanner writes)."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from lienthong.printing import fonts

CERTIFICATE = "GIẤY CHỨNG NHẬN ĐĂNG KÝ TÀU CÁ\nChủ tàu: Nguyễn Văn Ánh"
LICENCE = "GIẤY PHÉP KHAI THÁC THỦY SẢN\nThuyền trưởng: Trần Thị Thủy\nSố đăng ký: KG-91234-TS"


def page(text: str, *, size: int = 40, width: int = 1500) -> Image.Image:
    """A white page (grey scale) with the text in black, roughly what a 300 dpi scan of large print looks like."""
    font = ImageFont.truetype(fonts.path(), size)
    lines = text.count("\n") + 1
    image = Image.new("L", (width, 120 + lines * (size + 30)), 255)
    ImageDraw.Draw(image).multiline_text((50, 60), text, fill=0, font=font, spacing=30)
    return image


def encode(image: Image.Image, fmt: str, *, dpi: int | None = 300, more: tuple[Image.Image, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    options: dict = {"dpi": (dpi, dpi)} if dpi and fmt != "PDF" else {}
    if fmt == "PDF":
        options = {"resolution": float(dpi or 300)}
    if more:
        options.update(save_all=True, append_images=list(more))
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png(text: str = CERTIFICATE, **kw) -> bytes:
    return encode(page(text), "PNG", **kw)


def scanned_pdf(*texts: str) -> bytes:
    """A PDF whose pages are images only (no text layer), as a scanner makes it."""
    pages = [page(text).convert("RGB") for text in texts]
    return encode(pages[0], "PDF", more=tuple(pages[1:]))

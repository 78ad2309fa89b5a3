"""Taking in one scanned component: what it really is, whether it is within bounds, and its PDF for storage.

Fast (no OCR): the intake counter calls it and can refuse a bad file at once; OCR runs later (ocr.py).
"""
from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from enum import StrEnum

import img2pdf
import pikepdf
from PIL import Image

from lienthong.identity.text import nfc

from . import errors
from .errors import DigitiseError

__all__ = ["Kind", "Limits", "Component", "sniff", "accept", "display_name"]


class Kind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"


# Four signatures, written out rather than a libmagic binding (python-magic needs the C library installed and
# answers for hundreds of types we refuse anyway). PDF readers accept the header anywhere in the first 1024 bytes.
_SIGNATURES = (
    (b"\xff\xd8\xff", Kind.JPEG),
    (b"\x89PNG\r\n\x1a\n", Kind.PNG),
    (b"II*\x00", Kind.TIFF),
    (b"MM\x00*", Kind.TIFF),
)
_PDF_HEADER = b"%PDF-"
_PDF_HEADER_WITHIN = 1024

# Points per inch (PDF user space).
_PT = 72.0
# A page the scan says nothing sensible about (no DPI, or a phone's 72) is laid out as A4: its long side 11.69 in.
_A4_LONG_INCHES = 11.69
_SANE_DPI = (100, 1200)


@dataclass(frozen=True)
class Limits:
    """What one component may be. Pixels are per page, counted at the resolution OCR reads the page."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 100
    max_pixels: int = 40_000_000  # an A3 page at 300 dpi is 34.8 million; Pillow's own bomb limit is 89.5 million
    dpi: int = 300  # PDF pages are rasterised for OCR at this resolution …
    min_dpi: int = 150  # … or lower for a large page, down to this; below it the page is refused


@dataclass(frozen=True)
class Component:
    """A component accepted for digitisation."""

    name: str  # the declared file name, as shown to people (no folders, NFC)
    kind: Kind  # what the bytes really are
    data: bytes  # as uploaded
    pdf: bytes  # for storage: the PDF as uploaded, or the image(s) losslessly wrapped in a PDF (img2pdf)
    pages: int
    raster_dpi: tuple[int, ...]  # per page: the resolution OCR reads it at (an image's own; a PDF's rasterisation)
    sha256: str

    @property
    def stored_name(self) -> str:
        """The declared name with .pdf as its extension (the stored file is always a PDF)."""
        stem = self.name.rsplit(".", 1)[0] if "." in self.name.strip(".") else self.name
        return f"{stem or 'tep'}.pdf"


def display_name(name: str | None) -> str:
    """The declared name without folders or control characters, NFC (it goes into messages and the audit log)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return nfc(base)[:200] or "tệp không tên"


def sniff(data: bytes) -> Kind | None:
    """The type the bytes are, from their first bytes; None for anything else."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if _PDF_HEADER in data[:_PDF_HEADER_WITHIN]:
        return Kind.PDF
    return None


def accept(data: bytes, name: str, limits: Limits = Limits()) -> Component:
    """Check one uploaded component and make its PDF for storage; raises DigitiseError naming the file."""
    name = display_name(name)
    if not data:
        raise DigitiseError(errors.EMPTY, name, "tệp rỗng")
    if len(data) > limits.max_bytes:
        raise DigitiseError(errors.TOO_LARGE, name, f"tệp {_mb(len(data))} MB, vượt giới hạn {_mb(limits.max_bytes)} MB")
    kind = sniff(data)
    if kind is None:
        raise DigitiseError(errors.UNSUPPORTED_TYPE, name, "không phải tệp PDF, JPEG, PNG hay TIFF (nội dung tệp không khớp)")
    if kind is Kind.PDF:
        pages, dpis = _check_pdf(data, name, limits)
        pdf = data
    else:
        pages, dpis, pdf = _image_pdf(data, name, kind, limits)
    return Component(name=name, kind=kind, data=data, pdf=pdf, pages=pages, raster_dpi=dpis,
                     sha256=hashlib.sha256(data).hexdigest())


# --- PDF -------------------------------------------------------------------------------------------
def _check_pdf(data: bytes, name: str, limits: Limits) -> tuple[int, tuple[int, ...]]:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
            if count == 0:
                raise DigitiseError(errors.EMPTY, name, "tệp PDF không có trang nào")
            if count > limits.max_pages:
                raise DigitiseError(errors.TOO_MANY_PAGES, name, f"tệp có {count} trang, vượt giới hạn {limits.max_pages} trang")
            dpis = tuple(_page_dpi(page, number, name, limits) for number, page in enumerate(pdf.pages, 1))
    except pikepdf.PasswordError:
        raise DigitiseError(errors.ENCRYPTED, name, "tệp PDF có mật khẩu; hãy nộp bản không đặt mật khẩu") from None
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DigitiseError(errors.CORRUPT, name, "tệp PDF bị hỏng, không đọc được") from exc
    return count, dpis


def _page_dpi(page: pikepdf.Page, number: int, name: str, limits: Limits) -> int:
    """The resolution this page is rasterised at: limits.dpi, lower for a page too large for max_pixels."""
    box = page.cropbox  # what viewers and pdftoppm show
    width = abs(float(box[2]) - float(box[0])) / _PT
    height = abs(float(box[3]) - float(box[1])) / _PT
    if width <= 0 or height <= 0:
        raise DigitiseError(errors.CORRUPT, name, f"trang {number} không có kích thước")
    fits = math.floor(math.sqrt(limits.max_pixels / (width * height)))
    dpi = min(limits.dpi, fits)
    if dpi < limits.min_dpi:
        raise DigitiseError(errors.TOO_MANY_PIXELS, name,
                            f"trang {number} quá khổ ({width * 2.54:.0f} × {height * 2.54:.0f} cm) để nhận dạng chữ")
    return dpi


# --- images ----------------------------------------------------------------------------------------
def _image_pdf(data: bytes, name: str, kind: Kind, limits: Limits) -> tuple[int, tuple[int, ...], bytes]:
    try:
        # Image.open reads the header only; Pillow refuses a decompression bomb (over twice MAX_IMAGE_PIXELS)
        # there, and our own max_pixels (below Pillow's limit) is checked before any frame is decoded.
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1) if kind is Kind.TIFF else 1  # an animated PNG is its first frame
            if frames > limits.max_pages:
                raise DigitiseError(errors.TOO_MANY_PAGES, name, f"tệp có {frames} trang, vượt giới hạn {limits.max_pages} trang")
            dpis = []
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise DigitiseError(errors.TOO_MANY_PIXELS, name, f"ảnh {_n(width)} × {_n(height)} điểm ({_n(width * height)} "
                                        f"điểm ảnh), vượt giới hạn {_n(limits.max_pixels)} điểm ảnh")
                image.load()  # decodes: a truncated or garbled image fails here
                dpis.append(_image_dpi(image))
    except Image.DecompressionBombError:
        raise DigitiseError(errors.TOO_MANY_PIXELS, name, "ảnh quá nhiều điểm ảnh") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # what Pillow raises for a broken file
        raise DigitiseError(errors.CORRUPT, name, "tệp ảnh bị hỏng, không đọc được") from exc
    try:
        # img2pdf: lossless (a JPEG goes in as it is, not re-encoded), every TIFF frame a page. Its own writer, not
        # pikepdf's: with pikepdf, img2pdf 0.6 compares versions as strings ("10.18" < "6.2") and so never asks for
        # a deterministic /ID, and qpdf then draws one from the time: the same scan gave two different files.
        pdf = img2pdf.convert(data, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpis[0], dpis[0])),
                              engine=img2pdf.Engine.internal)
    except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError, OSError) as exc:
        raise DigitiseError(errors.CORRUPT, name, "tệp ảnh bị hỏng, không chuyển được sang PDF") from exc
    return frames, tuple(dpis), pdf


def _image_dpi(image: Image.Image) -> int:
    """The image's own resolution when it is believable, else the one that makes it an A4 page."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    if _SANE_DPI[0] <= value <= _SANE_DPI[1]:
        return value
    return max(_SANE_DPI[0], min(_SANE_DPI[1], round(max(image.size) / _A4_LONG_INCHES)))


def _n(number: int) -> str:
    """1.500.000: the Vietnamese thousands separator."""
    return f"{number:,}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")

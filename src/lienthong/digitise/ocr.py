"""OCR of an accepted component with Tesseract's Vietnamese model: the text of each page and a searchable PDF.

The tesseract command line is run directly (subprocess), not through pytesseract: one run per page writes both
the text and the PDF page with its text layer (pytesseract would need its multi-output helper and temporary images
of its own, while the pages are already files here), the child gets its own environment (OMP_THREAD_LIMIT=1: one
core per page on a shared server), and a timeout or a missing program becomes our coded error instead of
pytesseract's bare RuntimeError. PDF pages are rasterised with poppler's pdftoppm (the same package the tests
read PDFs back with).
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

from lienthong.identity.text import fold, nfc

from . import errors
from .accept import Component, Kind
from .errors import DigitiseError

__all__ = ["LANGUAGES", "OcrResult", "ocr", "check_ocr", "normalise_page"]

# Vietnamese only by default: the vie model reads Latin text, digits and e-mail addresses as well. Measured on a
# five-line certificate drawn at four sizes, sharp and blurred (Tesseract 5.3): "vie" misread 0-1 words per
# rendering, "vie+eng" 0-2 and took about a quarter longer; eng did once read a Latin engine code (6HA2M) that vie
# misread at a small size. A caller may pass ("vie", "eng").
LANGUAGES: tuple[str, ...] = ("vie",)
PAGE_SEPARATOR = "\f"  # between pages in OcrResult.text, as tesseract and pdftotext write it


@dataclass(frozen=True)
class OcrResult:
    pages: tuple[str, ...]  # per page: NFC, canonical tones, one line per line read, no empty lines
    searchable_pdf: bytes  # the page images with Tesseract's invisible text layer
    languages: str  # as given to tesseract, e.g. "vie"
    seconds: float

    @property
    def text(self) -> str:
        return PAGE_SEPARATOR.join(self.pages)

    @property
    def folded(self) -> str:
        """The search key: lower case, no diacritics, đ→d, single spaces (identity.text.fold), pages joined."""
        return " ".join(fold(page) for page in self.pages if page)


def normalise_page(raw: str) -> str:
    """Tesseract's text of one page as stored: each line through identity.text.nfc, empty lines dropped."""
    lines = (nfc(line) for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def check_ocr(languages: Sequence[str] = LANGUAGES, *, tesseract: str = "tesseract", pdftoppm: str = "pdftoppm",
              file_name: str = "") -> None:
    """Raise DigitiseError(OCR_UNAVAILABLE) unless tesseract with these language models, and pdftoppm, are installed."""
    if shutil.which(tesseract) is None:
        raise DigitiseError(errors.OCR_UNAVAILABLE, file_name,
                            "chưa cài chương trình nhận dạng chữ Tesseract (gói tesseract-ocr); chưa số hóa được")
    if shutil.which(pdftoppm) is None:
        raise DigitiseError(errors.OCR_UNAVAILABLE, file_name,
                            "chưa cài pdftoppm (gói poppler-utils) để đọc trang PDF; chưa số hóa được")
    try:
        listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, env=_env())
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DigitiseError(errors.OCR_UNAVAILABLE, file_name, f"không chạy được Tesseract ({exc})") from exc
    have = {line.strip() for line in listed.stdout.splitlines()[1:]}
    missing = [lang for lang in languages if lang not in have]
    if missing:
        packages = ", ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise DigitiseError(errors.OCR_UNAVAILABLE, file_name,
                            f"Tesseract thiếu mô hình ngôn ngữ {'+'.join(missing)} (gói {packages}); chưa số hóa được")


def ocr(component: Component, *, languages: Sequence[str] = LANGUAGES, page_timeout: float = 120.0,
        tesseract: str = "tesseract", pdftoppm: str = "pdftoppm") -> OcrResult:
    """Read every page of the component. Raises DigitiseError: OCR_UNAVAILABLE, OCR_TIMEOUT (one page took longer
    than page_timeout seconds), OCR_FAILED, CORRUPT (a PDF page poppler cannot draw)."""
    name = component.name
    check_ocr(languages, tesseract=tesseract, pdftoppm=pdftoppm, file_name=name)
    lang = "+".join(languages)
    started = time.monotonic()
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lienthong-ocr-") as tmp, pikepdf.Pdf.new() as out:
        folder = Path(tmp)
        for number in range(1, component.pages + 1):
            image, dpi = _page_image(component, number, folder, pdftoppm, page_timeout)
            base = folder / f"ocr-{number}"
            command = [tesseract, str(image), str(base), "-l", lang, "--dpi", str(dpi), "txt", "pdf"]
            _run(command, page_timeout, name, number, what="Tesseract")
            texts.append(normalise_page(base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")))
            with pikepdf.open(base.with_suffix(".pdf")) as page_pdf:
                out.pages.extend(page_pdf.pages)
        buffer = io.BytesIO()
        out.save(buffer)
    return OcrResult(pages=tuple(texts), searchable_pdf=buffer.getvalue(), languages=lang,
                     seconds=round(time.monotonic() - started, 3))


def _page_image(component: Component, number: int, folder: Path, pdftoppm: str, timeout: float) -> tuple[Path, int]:
    """The page as an image file tesseract reads, and its resolution."""
    dpi = component.raster_dpi[number - 1]
    if component.kind is Kind.PDF:
        source = folder / "component.pdf"
        if not source.exists():
            source.write_bytes(component.pdf)
        prefix = folder / f"page-{number}"
        _run([pdftoppm, "-r", str(dpi), "-f", str(number), "-l", str(number), "-png", "-singlefile", str(source), str(prefix)],
             timeout, component.name, number, what="pdftoppm", failure=errors.CORRUPT)
        return prefix.with_suffix(".png"), dpi
    if component.kind is Kind.JPEG:  # tesseract puts a JPEG into its PDF as it is
        path = folder / "page-1.jpg"
        path.write_bytes(component.data)
        return path, dpi
    # PNG, or one TIFF frame: written out as a PNG of its own (accept() already decoded and bounded it).
    path = folder / f"page-{number}.png"
    with Image.open(io.BytesIO(component.data)) as image:
        image.seek(number - 1)
        frame = image.convert("RGB") if image.mode not in ("1", "L", "RGB") else image
        frame.save(path, dpi=(dpi, dpi))
    return path, dpi


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}


def _run(command: list[str], timeout: float, name: str, page: int, *, what: str, failure: str = errors.OCR_FAILED) -> None:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, env=_env())
    except subprocess.TimeoutExpired:
        raise DigitiseError(errors.OCR_TIMEOUT, name, f"trang {page}: {what} chạy quá {timeout:.0f} giây, đã dừng") from None
    except OSError as exc:
        raise DigitiseError(errors.OCR_UNAVAILABLE, name, f"không chạy được {what} ({exc})") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"mã {done.returncode}"]
        raise DigitiseError(failure, name, f"trang {page}: {what} không đọc được ({detail[0][:200]})")

"""Digitisation of a dossier's scanned components, framework-free (no Django): accept an upload (its real type from
its bytes, bounded size, pages and pixels, a PDF for storage), then OCR it with Tesseract's Vietnamese model (the
text of each page, NFC, its folded search key, and a searchable PDF). The one-stop app stores and audits the result.

Needs the Debian packages tesseract-ocr, tesseract-ocr-vie and poppler-utils; without them OCR raises
DigitiseError with code OCR_UNAVAILABLE (accepting and storing still work).
"""
from .accept import Component, Kind, Limits, accept, display_name, sniff
from .errors import CODES, DigitiseError
from .ocr import LANGUAGES, OcrResult, check_ocr, normalise_page, ocr

__all__ = ["CODES", "Component", "DigitiseError", "Kind", "LANGUAGES", "Limits", "OcrResult", "accept", "check_ocr",
           "display_name", "normalise_page", "ocr", "sniff"]

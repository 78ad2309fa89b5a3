"""The one refusal of digitisation: a stable code for the app, a Vietnamese sentence naming the file for people."""
from __future__ import annotations

# The codes, for the app to branch on (e.g. OCR_UNAVAILABLE → "OCR not available", the file is still kept).
EMPTY = "empty"
TOO_LARGE = "too_large"
UNSUPPORTED_TYPE = "unsupported_type"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"
TOO_MANY_PAGES = "too_many_pages"
TOO_MANY_PIXELS = "too_many_pixels"
OCR_UNAVAILABLE = "ocr_unavailable"  # tesseract (or pdftoppm) is not installed, or lacks the language model
OCR_TIMEOUT = "ocr_timeout"
OCR_FAILED = "ocr_failed"

CODES = (EMPTY, TOO_LARGE, UNSUPPORTED_TYPE, CORRUPT, ENCRYPTED, TOO_MANY_PAGES, TOO_MANY_PIXELS, OCR_UNAVAILABLE,
         OCR_TIMEOUT, OCR_FAILED)


class DigitiseError(Exception):
    """A component refused or not digitised. `code` is one of CODES; `message` (Vietnamese) names the file."""

    def __init__(self, code: str, file_name: str, message: str):
        assert code in CODES, code
        super().__init__(f"{file_name}: {message}" if file_name else message)
        self.code = code
        self.file_name = file_name
        self.message = str(self)

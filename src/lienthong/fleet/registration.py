"""Vessel registration numbers: canonical form ("KG-91234-TS") and the search key ("KG91234TS").

Officers type the number many ways: "kg 91234 ts", "KG91234TS", "KG.91234.TS", "KG-91234 -TS".
Canonical form: upper case, one dash between each run of letters and run of digits. The accepted
shape is a setting (`REGISTRATION_NUMBER_PATTERN`) because what the serial encodes is unverified.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lienthong.identity.text import fold

# Separators officers use between the parts (space, dot, slash, underscore, dashes of any width).
_SEPARATORS = re.compile(r"[\s.\-_/\\–—]+")
_LETTER_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])")
_NOT_KEY = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True)
class RegistrationNumber:
    canonical: str  # "KG-91234-TS", or "" when invalid
    reg_key: str  # "KG91234TS": letters and digits only
    valid: bool
    reason: str = ""  # Vietnamese, for the officer, when not valid


def _pattern(pattern: str | None) -> re.Pattern[str]:
    if pattern is None:
        from django.conf import settings

        pattern = settings.REGISTRATION_NUMBER_PATTERN
    return re.compile(pattern)


def canonical_registration_number(raw: object) -> str:
    """Upper case, parts joined by single dashes; "" for blank input. No validation."""
    if raw is None:
        return ""
    # fold() drops diacritics (an "Đ" typed by mistake becomes "D") and lowers; we upper it back.
    text = fold(str(raw)).upper()
    text = _SEPARATORS.sub("-", text).strip("-")
    return _LETTER_DIGIT.sub("-", text)


def reg_key(number: str) -> str:
    return _NOT_KEY.sub("", number.upper())


def normalise_registration_number(raw: object, pattern: str | None = None) -> RegistrationNumber:
    """Canonicalise and validate against the pattern (default: settings.REGISTRATION_NUMBER_PATTERN)."""
    canonical = canonical_registration_number(raw)
    if not canonical:
        return RegistrationNumber("", "", False, "thiếu số đăng ký")
    if not _pattern(pattern).match(canonical):
        shown = str(raw).strip()
        return RegistrationNumber("", reg_key(canonical), False, f'số đăng ký "{shown}" không đúng dạng (ví dụ KG-91234-TS)')
    return RegistrationNumber(canonical, reg_key(canonical), True)

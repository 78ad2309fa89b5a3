"""Vietnamese text: Unicode normalisation and folding.

Framework-free (no Django imports): used by geo, fleet import, search and linkage.
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """NFC-normalise and collapse whitespace. None becomes ''."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text: str | None) -> str:
    """Lower-case, without diacritics, đ→d, single spaces: the search/compare key.

    đ/Đ do not decompose under NFD, so they are mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")

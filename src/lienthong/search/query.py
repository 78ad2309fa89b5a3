"""Reading the search box: one string → the terms to look up (a code typed with separators stays one term)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lienthong.identity.text import fold, nfc

from .tokens import TOKEN_MAX, compact, word_of

MIN_ID_PREFIX = 6  # a CCCD/CMND is found by a prefix of at least this many digits
MAX_TERMS = 6

# A registration number or ID typed with spaces or dashes: "KG 91234 TS", "kg-912", "091 085 001 234".
_CODE_LIKE = re.compile(r"[a-z]{0,4}\d+[a-z]{0,4}")
_SPACED_CODE = re.compile(r"(?:[a-z]{2,3}[\s\-./]*)?\d+(?:[\s\-./]+\d+)*(?:[\s\-./]*ts)?")


@dataclass(frozen=True)
class Term:
    token: str  # folded ASCII, matched by prefix
    word: str  # NFC lower-case as typed, for the exact-with-diacritics rank


def parse_query(q: str) -> list[Term]:
    """Split a search-box string into terms. A code typed with separators ("KG 91234 TS", "091 085…")
    stays one term; otherwise each word is a term."""
    text = nfc(q).lower()
    whole = compact(text)
    if whole and _CODE_LIKE.fullmatch(whole) and (len(text.split()) == 1 or _SPACED_CODE.fullmatch(fold(text))):
        return [Term(whole, whole)]
    terms: list[Term] = []
    for raw in text.split():
        word = word_of(raw)
        token = compact(raw)
        if token and Term(token, word[:TOKEN_MAX]) not in terms:
            terms.append(Term(token, word[:TOKEN_MAX]))
    return terms[:MAX_TERMS]

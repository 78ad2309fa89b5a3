"""Vietnamese text: Unicode normalisation, tone placement and folding.

Framework-free (no Django imports): used by geo, fleet import, search and linkage.

Stored text is NFC with *canonical* tone placement: in open syllables ending in
oa / oe / uy the tone sits on the first vowel (hòa, khỏe, thủy). Closed syllables
(hoàn, huỳnh) and qu- clusters (quý) have one form only and are left alone.

Hand-written rather than a library: no maintained PyPI package does tone placement
or folding for Vietnamese without pulling in a full NLP stack; these are a few
tables and one regular expression.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["nfc", "fold", "canonical_tones", "normalize_name", "title_case"]

# --- canonical tone placement ---------------------------------------------------
# The five tones as combining marks, in the order used by the tables below.
_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng


def _toned(base: str, mark: str) -> str:
    return unicodedata.normalize("NFC", base + mark)


def _build_tone_moves() -> dict[str, str]:
    """Map old-style endings ("oà", "uỷ", "OÀ"…) to the canonical ones ("òa", "ủy", "ÒA")."""
    moves: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for f in (first, first.upper()):
            for s in (second, second.upper()):
                for mark in _TONE_MARKS:
                    moves[f + _toned(s, mark)] = _toned(f, mark) + s
    return moves


_TONE_MOVES = _build_tone_moves()
# Old-style ending at the end of a word (not followed by a letter), and for "uy" not
# after q (quý keeps its tone on y). "oa"/"oe" after q does not occur ("qua" is u+a).
_TONE_RE = re.compile(
    "(?<![qQ])(" + "|".join(sorted(_TONE_MOVES, key=len, reverse=True)) + r")(?![^\W\d_])"
)
# Cheap pre-check: only strings holding a toned a/e/y can need a move.
_TONED_SECOND = frozenset(k[1] for k in _TONE_MOVES)


def _move(m: re.Match[str]) -> str:
    return _TONE_MOVES[m.group(1)]


def canonical_tones(text: str) -> str:
    """Move the tone of open oa/oe/uy syllables to the first vowel (hoà→hòa, thuỷ→thủy).

    Expects NFC text; leaves every other syllable untouched.
    """
    if not _TONED_SECOND.intersection(text):
        return text
    return _TONE_RE.sub(_move, text)


# --- NFC -------------------------------------------------------------------------
def nfc(text: str | None) -> str:
    """NFC-normalise, canonical tone placement, collapse whitespace. None becomes ''."""
    if text is None:
        return ""
    text = str(text)
    if not text.isascii():
        text = canonical_tones(unicodedata.normalize("NFC", text))
    # str.split() splits on the same Unicode whitespace as \s, and is faster.
    return " ".join(text.split())


# --- folding ---------------------------------------------------------------------
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _build_fold_table() -> dict[int, str]:
    # Per-character equivalent of lower → NFD → drop combining marks → đ→d, precomputed
    # once so that folding millions of names is one str.translate call.
    table: dict[int, str] = {}
    for cp in range(0x80, 0x2C00):
        ch = chr(cp)
        if len(ch.lower()) != 1:  # e.g. İ lowers to two code points; leave to the slow path
            continue
        folded = _fold_char(ch)
        if folded != ch.lower():
            table[cp] = folded
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str | None) -> str:
    """Lower-case, without diacritics, đ→d, single spaces: the search/compare key.

    đ/Đ do not decompose under NFD, so they are mapped by hand.
    """
    if text is None:
        return ""
    # Tone placement does not matter once tones are stripped: skip canonical_tones.
    lowered = " ".join(unicodedata.normalize("NFC", str(text)).lower().split())
    if lowered.isascii():
        return lowered
    folded = lowered.translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    # Rare scripts/characters outside the table: the general definition.
    return "".join(_fold_char(ch) for ch in folded)


# --- names -----------------------------------------------------------------------
def title_case(text: str) -> str:
    """Upper-case the first letter of each space-separated word, lower-case the rest.

    str.title() also capitalises after apostrophes and digits; names need words only.
    """
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" ") if w)


def normalize_name(text: str | None) -> str:
    """A person's or place's name as stored: NFC, canonical tones, Vietnamese title case.

    "  NGUYỄN  thị  hoà " → "Nguyễn Thị Hòa".
    """
    return canonical_tones(title_case(nfc(text)))

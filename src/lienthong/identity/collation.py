"""THE Vietnamese collation: dictionary order, as every list shown to officers is sorted.

The Vietnamese alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f j w z, from foreign
words, in their Latin places): "Đa" comes after "Duy", "Ôn" after "On" and before "Ơn". Tones are a secondary
difference (only when the letters are equal: ba < bà < bả < bã < bá < bạ, and "bá" < "bab"), case a tertiary
one (lower case first: "an" < "An"). Spaces sort before punctuation, punctuation before digits, digits before
letters; input in NFD sorts as NFC.

This is the order of ICU's Vietnamese collation (CLDR "vi"), which PostgreSQL offers as "vi-x-icu"; the
database side (`lienthong.fleet.collation_db`) uses that on PostgreSQL and registers `vi_compare` on SQLite,
and a test checks that Python, SQLite and PostgreSQL agree on a tricky list. Hand-written rather than PyICU:
a C extension to build on every officer's Windows desktop for a thirty-letter alphabet (why: see above).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER = {letter: 1000 + i for i, letter in enumerate(_ALPHABET)}
# ICU root order of the common punctuation and symbols (all below digits, above spaces).
_PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_PUNCT = {ch: 20 + i for i, ch in enumerate(_PUNCTUATION)}
_VARIANTS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư): letters of their own
# Tones, the secondary level: none < huyền < hỏi < ngã < sắc < nặng.
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

Key = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], bytes]


def _char_weights(ch: str) -> tuple[int | None, int, int]:
    """(primary, secondary, tertiary) of one NFC character; primary None for a lone combining mark."""
    lower = ch.lower()
    tertiary = 1 if lower != ch else 0
    if lower == "đ":
        return _LETTER["đ"], 0, tertiary
    decomposed = unicodedata.normalize("NFD", lower)
    base, marks = decomposed[0], decomposed[1:]
    if unicodedata.combining(base):
        return None, _TONE.get(base, 6), 0
    letter = base + "".join(m for m in marks if m in _VARIANTS)
    letter = unicodedata.normalize("NFC", letter)
    secondary = 0
    for mark in marks:
        if mark not in _VARIANTS:
            secondary = secondary * 8 + _TONE.get(mark, 6)  # other accents (ü, ç) after the tones
    if letter in _LETTER:
        return _LETTER[letter], secondary, tertiary
    if base.isspace():
        return 10, 0, 0
    if base in _PUNCT:
        return _PUNCT[base], 0, 0
    if base.isdigit() and unicodedata.digit(base, None) is not None:
        return 500 + unicodedata.digit(base), secondary, 0
    if unicodedata.category(base).startswith(("P", "S")):
        return 100, 0, 0  # other punctuation and symbols: together, after the common ones
    return 2000 + ord(base), secondary, tertiary  # other scripts: after the Latin letters, by code point


@lru_cache(maxsize=65536)
def vi_sort_key(text: str | None) -> Key:
    """A key whose order is Vietnamese dictionary order (then the text's bytes, as PostgreSQL breaks ties)."""
    text = "" if text is None else str(text)
    nfc = " ".join(unicodedata.normalize("NFC", text).split())
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for ch in nfc:
        p, s, t = _char_weights(ch)
        if p is None:  # a stray combining mark: an accent on the previous letter
            if secondary:
                secondary[-1] = secondary[-1] * 8 + s
            continue
        primary.append(p)
        secondary.append(s)
        tertiary.append(t)
    return tuple(primary), tuple(secondary), tuple(tertiary), text.encode("utf-8")


_WIDTH = 90  # printable ASCII digits of the sort string: chr(33) … chr(122)


def _digit(n: int) -> str:
    return chr(33 + max(0, min(n, _WIDTH - 1)))


def vi_sort_string(text: str | None) -> str:
    """`vi_sort_key` as an ASCII string whose byte order is the same order (without the final byte tie-break),
    for keys stored in the database and compared there byte by byte (COLLATE "C" / BINARY).

    Each primary weight is two characters, then each secondary and tertiary weight one, levels separated by
    "\x01" (below every digit, so a shorter name sorts first). Weights beyond 8,099 (letters of other
    scripts) share the last value: their order among themselves is lost, not their place after Latin."""
    primary, secondary, tertiary, _raw = vi_sort_key(text)
    top = _WIDTH * _WIDTH - 1
    return (
        "".join(_digit(min(w, top) // _WIDTH) + _digit(min(w, top) % _WIDTH) for w in primary)
        + "\x01" + "".join(_digit(w) for w in secondary)
        + "\x01" + "".join(_digit(w) for w in tertiary)
    )


def vi_compare(a: str | None, b: str | None) -> int:
    """-1, 0 or 1: the comparison function SQLite's `create_collation` wants."""
    ka, kb = vi_sort_key(a), vi_sort_key(b)
    return (ka > kb) - (ka < kb)


def vi_sorted(items: Iterable[T], key: Callable[[T], str | None] = lambda x: x, reverse: bool = False) -> list[T]:
    return sorted(items, key=lambda item: vi_sort_key(key(item)), reverse=reverse)

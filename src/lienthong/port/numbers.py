"""Numbers as Vietnamese officers type and read them: 1.250,5 is one thousand two hundred fifty and a half.

Reading uses Babel's strict locale parser twice, Vietnamese and English: a text that only one of them
accepts is unambiguous ("1.250,5", "1250,5", "1250.5"); a text both accept with different values ("1.250",
"1,250") is ambiguous and refused rather than guessed, because a thousandfold error in a catch weight is worse
than asking again. Writing for records (check messages, which are frozen in Vietnamese) uses Django's number
formatter with the Vietnamese separators, whatever the officer's page language is.
"""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError
from babel.numbers import parse_decimal as _babel_parse
from django.utils import numberformat
from django.utils.formats import get_format

_SPACES = re.compile(r"[\s\u00a0\u202f]+")  # spaces, also the no-break ones Excel and phones put in numbers
_SHAPE = re.compile(r"[+-]?[0-9][0-9.,]*|[+-]?[.,][0-9]+")  # ASCII digits and separators only (no 1e5)


class NumberError(ValueError):
    """`code` is "invalid" or "ambiguous"; `readings` are the two values an ambiguous text could mean."""

    def __init__(self, code: str, text: str, readings: tuple[Decimal, ...] = ()):
        self.code, self.text, self.readings = code, text, readings
        super().__init__(f"{code}: {text!r}")


def parse_decimal(text) -> Decimal:
    raw = _SPACES.sub("", str(text or ""))
    if not _SHAPE.fullmatch(raw):
        raise NumberError("invalid", str(text or ""))
    readings = []
    for locale in ("vi", "en"):
        try:
            readings.append(_babel_parse(raw, locale=locale, strict=True))
        except NumberFormatError:
            continue
    values = set(readings)
    if not values:
        raise NumberError("invalid", str(text))
    if len(values) > 1:
        raise NumberError("ambiguous", str(text).strip(), tuple(readings))
    return readings[0]


def vi_number(value, places: int | None = None) -> str:
    """1250.5 → "1.250,5"; places fixes the decimals (None keeps the value's own, trailing zeros dropped)."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if places is None:
        d = d.normalize() if d != d.to_integral() else d.quantize(Decimal(1))
    return numberformat.format(d, ",", decimal_pos=places, grouping=3, thousand_sep=".", force_grouping=True)


def local_number(value, places: int | None = None, *, grouping: bool = True) -> str:
    """The same in the page's language (1.250,5 in Vietnamese, 1,250.5 in English), for what is shown, not stored.
    Django's own floatformat does not group in Vietnamese (its vi locale has no NUMBER_GROUPING), hence this."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if places is None:
        d = d.normalize() if d != d.to_integral() else d.quantize(Decimal(1))
    return numberformat.format(d, get_format("DECIMAL_SEPARATOR"), decimal_pos=places, grouping=3 if grouping else 0,
                               thousand_sep=get_format("THOUSAND_SEPARATOR"), force_grouping=grouping)

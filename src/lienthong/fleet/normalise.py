"""Small normalisers for registry cells: numbers with a Vietnamese decimal comma, gender, zone,
owner kind, and cell values to text. Pure Python (no Django), so the demo generator can reuse them.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lienthong.identity.text import fold, nfc

from .classes import ZONES

__all__ = [
    "cell_text", "parse_decimal", "check_measure", "zone_code", "phone_number", "owner_kind", "ORGANISATION_PREFIXES",
    "MEASURE_LIMITS",
]


def cell_text(value: object) -> str:
    """A cell as text the way the officer reads it: 12.0 -> "12", dates ISO, None -> "".

    Whitespace is collapsed but case and diacritics are kept (raw fields keep what was written).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):  # shown to the officer as dd/mm/yyyy (Vietnamese order)
        if value.time() == datetime.min.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value)) if not isinstance(value, str) or not value.isascii() else " ".join(value.split())


class NumberError(ValueError):
    pass


_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def parse_decimal(value: object) -> Decimal | None:
    """A number as officers write it: 12,5 (decimal comma), 12.5, "1.234,5", "12 m", "90 kW".

    None for blank; NumberError (message in Vietnamese) when it is not a number. A lone "." is a
    decimal point: registries write small measures (lengths, kW) where a thousands group is rare,
    and "1.200" meaning 1200 would be guessing.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError("không phải là số")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    text = re.sub(r"(?i)(m|met|mét|kw|cv|hp|gt|tấn|tan)$", "", text)
    if "," in text and "." in text:
        # Both separators: the right-most one is the decimal mark, the other groups thousands.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        raise NumberError("không phải là số")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex above admits only valid input
        raise NumberError("không phải là số") from exc


# (lower bound exclusive or inclusive, upper bound inclusive) for each measure; values outside are
# typing mistakes. Upper bounds: the largest Vietnamese fishing vessels are ~90 m and a few thousand
# kW; anything beyond is a unit mix-up (mm, HP×1000) rather than a real boat.
MEASURE_LIMITS: dict[str, tuple[Decimal, Decimal, bool]] = {
    # key: (minimum, maximum, minimum allowed?)
    "length_m": (Decimal("0"), Decimal("150"), False),
    "engine_kw": (Decimal("0"), Decimal("20000"), True),
    "tonnage": (Decimal("0"), Decimal("20000"), True),
}


def check_measure(key: str, number: Decimal) -> str:
    """'' when plausible, else a Vietnamese reason."""
    low, high, low_ok = MEASURE_LIMITS[key]
    if number < low or (number == low and not low_ok):
        return "phải lớn hơn 0" if not low_ok else "không được âm"
    if number > high:
        return f"vượt quá {high} (nhầm đơn vị?)"
    return ""


def _zone_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in ZONES.items():
        folded = fold(name)
        index[folded] = code
        index[folded.removeprefix("vung ")] = code  # "Lộng", "Khơi", "Ven bờ"
    index["vung bien ca"] = index["bien ca"] = "high_seas"
    index["bo"] = "coastal"
    return index


_ZONES = _zone_index()


def zone_code(value: object) -> str:
    """Fishing-zone code ("coastal", "inshore", "offshore", "high_seas") or "" when unrecognised."""
    key = fold(cell_text(value))
    if key in ZONES:  # already a code
        return key
    return _ZONES.get(key, "")


ORGANISATION_PREFIXES = ("cong ty", "cty", "htx", "hop tac xa", "doanh nghiep", "dntn", "to hop tac")


def owner_kind(name: str) -> str:
    """"organisation" for companies, co-operatives and private enterprises, else "person"."""
    folded = fold(name)
    if folded.startswith(ORGANISATION_PREFIXES):
        return "organisation"
    return "person"


def phone_number(value: object) -> str:
    """Digits of a phone number, restoring the leading 0 a numeric cell dropped (912345678)."""
    text = cell_text(value)
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+84") and digits.startswith("84"):
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] in "35789":
        digits = "0" + digits
    return digits or text

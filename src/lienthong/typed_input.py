"""Numbers typed into a query string or a form field, read without ever raising: a bad value is the caller's
mistake (a 400, a message, or the default), never a server error.

ASCII digits only: `str.isdigit()` also accepts "²" (which `int()` then refuses: that was a 500) and "٣"
(which `int()` reads as 3), so neither is a safe test before `int()`.
"""
from __future__ import annotations

import re

# At most 18 digits: the value fits a 64-bit database integer, so it can also be looked up as a key.
_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(text) -> int | None:
    """The non-negative integer written in `text` (surrounding spaces allowed), or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def bounded(text, default: int, low: int, high: int) -> int:
    """`text` as an integer moved into [low, high]; `default` when it is absent or not a whole number."""
    value = whole_number(text)
    return default if value is None else max(low, min(value, high))

"""Vietnamese-aware ordering for lists shown to officers.

Plain code-point order puts "Đặng" after "Zô" and "Ánh" after "Yến"; folding first (no diacritics,
đ→d) groups names the way officers read them, and the NFC form breaks ties so that "Đoàn" and
"Doãn" keep a stable order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from lienthong.identity.text import fold, nfc

T = TypeVar("T")


def vi_sort_key(text: str | None) -> tuple[str, str]:
    return (fold(text), nfc(text).lower())


def vi_sorted(items: Iterable[T], key: Callable[[T], str | None] = lambda x: x, reverse: bool = False) -> list[T]:
    return sorted(items, key=lambda item: vi_sort_key(key(item)), reverse=reverse)

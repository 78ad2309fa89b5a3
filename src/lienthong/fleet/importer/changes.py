"""Field differences as the vessel history stores them ({field: [old, new]}, JSON-safe), and batching."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = ["BATCH", "as_json", "diff", "chunks"]

BATCH = 500  # rows per bulk statement and per IN (...) list


def as_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def diff(obj: Any, values: dict[str, Any], prefix: str = "") -> dict[str, list]:
    changes: dict[str, list] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[prefix + name] = [as_json(old), as_json(new)]
    return changes


def chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

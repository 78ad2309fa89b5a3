"""What a cell may hold to be stored: no control characters, and no more characters than its model field.

A value too long for its column was stored whole on SQLite (which ignores VARCHAR lengths) and made
PostgreSQL refuse the whole file with no row named; a NUL is refused by PostgreSQL the same way. Both
are now the row's error, naming the column. The lengths come from the model fields themselves.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import models

from ..models import FishingLicence, Owner, SafetyCertificate, Vessel

__all__ = ["check_characters", "check_lengths"]

# C0 and C1 controls and DEL, except tab, line feed and carriage return (Alt+Enter in an Excel cell).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# model field -> the column key it is read from (fleet.columns); fields computed by the importer
# (codes, folded names) come from these and are checked with them.
_SOURCES: dict[type[models.Model], dict[str, str]] = {
    Vessel: {"registration_number": "registration_number", "name": "vessel_name", "home_port": "home_port",
             "hull_material": "hull_material", "gear_raw": "gear", "vms_device_id": "vms_device_id"},
    Owner: {"raw_name": "owner_name", "full_name": "owner_name", "name_folded": "owner_name",
            "raw_id_number": "owner_id_number", "raw_birth_date": "owner_birth_date", "raw_gender": "owner_gender",
            "raw_address": "owner_address", "address": "owner_address", "phone": "owner_phone"},
    FishingLicence: {"number": "licence_number"},
    SafetyCertificate: {"number": "safety_cert_number"},
}

Error = Callable[[str, str], None]  # (column key, Vietnamese message)


def check_characters(cells: dict[str, object], error: Error) -> None:
    """cells: column key -> cell value. A text cell with a control character is the row's error."""
    for key, value in cells.items():
        if isinstance(value, str):
            found = _CONTROL.search(value)
            if found:
                error(key, f"có ký tự điều khiển không hợp lệ (U+{ord(found.group()):04X}) ở vị trí {found.start() + 1}: "
                           "hãy xoá ký tự này trong tệp")


def check_lengths(model: type[models.Model], values: dict[str, Any] | None, error: Error) -> None:
    """values: model field -> value to store. One error per column whose value is longer than its field."""
    if not values:
        return
    reported: set[str] = set()
    for name, key in _SOURCES[model].items():
        value = values.get(name)
        if not isinstance(value, str) or key in reported:
            continue
        limit = model._meta.get_field(name).max_length
        if limit is not None and len(value) > limit:
            reported.add(key)
            error(key, f'"{value[:30]}…" dài {len(value)} ký tự, quá {limit} ký tự mà sổ đăng ký lưu được: '
                       "hãy rút gọn trong tệp")

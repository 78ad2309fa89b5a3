"""Owners: reading a row's owner cells, and finding the owner record a row means.

The raw cells are kept beside the normalised values (Owner.raw_*). An owner is the same person as a
stored one when the folded names agree and the valid IDs agree (or the record had no valid ID yet);
within one import the first row naming an owner sets the owner's fields.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lienthong.identity.cccd import normalize_gender, parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold, nfc, normalize_name

from ..models import Owner, OwnerKind
from ..normalise import cell_text, owner_kind, phone_number
from .changes import chunks, diff
from .problems import lower_first

__all__ = ["OWNER_KEYS", "read_owner", "OwnerBook"]

OWNER_KEYS = ("owner_name", "owner_id_number", "owner_birth_date", "owner_gender", "owner_address", "owner_phone")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")

Warn = Callable[[str, str], None]  # (column key, Vietnamese message)


def raw_text(value: object) -> str:
    """A cell kept exactly as written (text as is; numbers and dates as Excel shows them)."""
    return value if isinstance(value, str) else cell_text(value)


def read_owner(raw: dict[str, object], resolve, warn: Warn) -> dict[str, Any] | None:
    """Owner field values from the row's owner cells (key -> cell, only the columns the file has).

    None when every owner cell is blank. resolve(address) -> geo resolution (cached by the caller).
    """
    if all(v is None for v in raw.values()):
        return None
    owner: dict[str, Any] = {}
    if "owner_name" in raw:
        raw_name = raw_text(raw["owner_name"])
        kind = owner_kind(raw_name)
        # Organisation names keep their case ("Công ty TNHH"); people's names get title case.
        full_name = nfc(raw_name) if kind == OwnerKind.ORGANISATION else normalize_name(raw_name)
        owner.update(raw_name=raw_name, full_name=full_name, name_folded=fold(full_name), kind=kind)
    if "owner_id_number" in raw:
        value = raw["owner_id_number"]
        check = parse_id_number(value)
        owner.update(
            raw_id_number=raw_text(value),
            id_number=check.digits if check.valid else "",
            id_kind=(check.kind or "") if check.valid else "",
            # A bad ID is not a row error: the owner is imported and the campaign fixes it. It is
            # flagged (a value with letters or the wrong length is no CCCD, so it is not used as one).
            id_problem="" if check.valid else check.reason,
        )
        if not check.valid and check.code != "missing":
            warn("owner_id_number", f'"{raw_text(value)}" không phải số CCCD/CMND ({lower_first(check.reason)}): '
                                    "chủ tàu vẫn được nhập, chưa có số định danh")
    if "owner_birth_date" in raw:
        value = raw["owner_birth_date"]
        owner.update(raw_birth_date=raw_text(value), birth_date=None, birth_year=None)
        if value is not None:
            parsed = parse_date(value)
            if parsed.precision is None:
                # "08/23/1978" (month first) is no date, but its year still helps the linkage.
                year = _YEAR.search(raw_text(value))
                if year:
                    owner["birth_year"] = int(year.group(1))
                    warn("owner_birth_date", f"{lower_first(parsed.reason)}: để trống ngày sinh, giữ năm {year.group(1)}")
                else:
                    warn("owner_birth_date", f"{lower_first(parsed.reason)}: để trống ngày sinh")
            else:
                owner.update(birth_date=parsed.date if parsed.precision == "day" else None, birth_year=parsed.year)
    if "owner_gender" in raw:
        raw_gender = raw_text(raw["owner_gender"])
        owner.update(raw_gender=raw_gender, gender=normalize_gender(raw_gender) or "")
        if raw_gender and not owner["gender"]:
            warn("owner_gender", f'không nhận ra giới tính "{raw_gender}"')
    if "owner_address" in raw:
        raw_address = raw_text(raw["owner_address"])
        address = nfc(raw_address)
        commune, candidates = "", []
        if address:
            resolution = resolve(address)
            if resolution.status == "resolved" and resolution.commune_code:
                commune = resolution.commune_code
            else:
                candidates = list(resolution.candidates or [])
        owner.update(raw_address=raw_address, address=address, commune_code=commune, commune_candidates=candidates)
    if "owner_phone" in raw:
        owner["phone"] = phone_number(raw["owner_phone"])
    return owner


class OwnerBook:
    """The owners one import touches: found by ID and name, created once, updated once."""

    def __init__(self):
        self.claimed: set[int] = set()  # id() of owners whose fields this import already set
        self.new: list[Owner] = []
        self.to_update: dict[int, tuple[Owner, set[str]]] = {}
        self.by_identity: dict[tuple[str, str], Owner] = {}

    @staticmethod
    def label(owner: Owner | None) -> Any:
        """How the vessel history names an owner."""
        if owner is None:
            return None
        return f"{owner.full_name or owner.raw_name} ({owner.id_number or owner.raw_id_number or 'không số'})"

    def load(self, owner_values: list[dict[str, Any]], by_pk: dict[int, Owner]) -> None:
        """Fetch the stored owners whose IDs the file names (one Python object per row: by_pk)."""
        ids = sorted({o["id_number"] for o in owner_values if o.get("id_number")})
        for chunk in chunks(ids):
            for owner in Owner.objects.filter(id_number__in=chunk).order_by("id"):
                owner = by_pk.setdefault(owner.pk, owner)
                self.by_identity.setdefault((owner.id_number, owner.name_folded), owner)

    def apply_fields(self, owner: Owner, values: dict[str, Any]) -> dict[str, list]:
        """Set the row's owner fields once per import (the first row naming the owner wins)."""
        if id(owner) in self.claimed:
            return {}
        self.claimed.add(id(owner))
        changes = diff(owner, values, "owner.")
        if changes and owner.pk is not None:
            fields = {name.removeprefix("owner.") for name in changes}
            for name in fields:
                setattr(owner, name, values[name])
            entry = self.to_update.setdefault(owner.pk, (owner, set()))
            entry[1].update(fields)
        return changes

    def find_or_create(self, values: dict[str, Any]) -> Owner:
        key = (values.get("id_number", ""), values.get("name_folded", ""))
        if key[0] and key in self.by_identity:
            owner = self.by_identity[key]
            self.apply_fields(owner, values)
            return owner
        owner = Owner(**values)
        self.claimed.add(id(owner))
        self.new.append(owner)
        if key[0]:
            self.by_identity[key] = owner
        return owner

    @staticmethod
    def same_person(owner: Owner, values: dict[str, Any]) -> bool:
        if "name_folded" in values and owner.name_folded != values["name_folded"]:
            return False
        if "id_number" in values:
            # Same when the IDs agree, or the record had no valid ID yet (the file now supplies it).
            return owner.id_number == values["id_number"] or not owner.id_number
        return True

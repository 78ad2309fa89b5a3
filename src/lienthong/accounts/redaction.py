"""The one redaction policy: what of an owner is personal data, and what a role without access sees instead.

Used by every page, API answer and export that carries owners (fleet vessel page and search, the JSON API,
sync worklist files and the VNFishbase export). Who may see personal data is `scopes.can_see_personal_data`;
this module says WHAT is personal and how it is withheld:

- Owner fields: everything that identifies or describes the person (names, CCCD/CMND as recorded,
  normalised and verified, birth date and year, gender, address, phone, the ID problem text, which quotes
  the ID) is personal and *left out* for a role without access. Public: the owner's commune, whether the
  owner is a person or an organisation, and the identity-check status (the page shows it as a badge).
- Change history (`fleet.VesselChange.changes`, as the importer writes it): "owner" (the importer writes
  "Name (CCCD)") and every "owner.<field>" except the public fields are personal, and so is any key that
  names an ID, a birth date, a gender, an address, a phone or a verified identity wherever it sits (keys
  written by older code or by hand). Deny by default under "owner": a field added to Owner later is
  personal until listed here as public. A withheld key is *masked*, not dropped: the reader learns that the
  owner changed, never from what to what (`MASK` in place of each value that was set).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .scopes import can_see_personal_data

__all__ = [
    "MASK",
    "OWNER_PUBLIC_FIELDS",
    "OWNER_PERSONAL_FIELDS",
    "can_see_personal_data",
    "is_personal_owner_field",
    "is_personal_change_key",
    "redact_owner",
    "redact_changes",
    "mask_phone",
]

MASK = "***"  # what replaces a personal value in a history entry (both old and new)

OWNER_PUBLIC_FIELDS = frozenset({"commune_code", "kind", "identity_status"})
# Listed so exports can pick columns by name; `is_personal_owner_field` denies anything not public anyway.
OWNER_PERSONAL_FIELDS = frozenset({
    "name", "raw_name", "full_name", "name_folded", "verified_name",
    "raw_id_number", "id_number", "id_kind", "id_problem", "verified_cccd", "verified_at",
    "raw_birth_date", "birth_date", "birth_year", "raw_gender", "gender",
    "raw_address", "address", "commune_candidates", "phone",
    # The presented identity (fleet.owner_identity): current and as-recorded values.
    "identity", "recorded",
})
# Any key naming personal data, wherever it sits ("owner_id_number", "cccd", "nguoi.ngay_sinh" …).
_PERSONAL_WORD = re.compile(r"(^|[._])(raw_|id_|verified)|cccd|cmnd|birth|gender|address|phone|ngay_sinh|dia_chi")


def is_personal_owner_field(name: str) -> bool:
    return name not in OWNER_PUBLIC_FIELDS


def is_personal_change_key(key: str) -> bool:
    """True for a VesselChange key that carries an owner's personal data (see the module docstring)."""
    prefix, _dot, name = key.rpartition(".")
    if key == "owner" or key.startswith("owner_"):
        return True
    if prefix == "owner" or prefix.startswith("owner."):
        return is_personal_owner_field(name)
    return bool(_PERSONAL_WORD.search(key))


def redact_owner(data: Mapping[str, Any] | None, personal: bool) -> dict[str, Any] | None:
    """An owner as a dict, with the personal fields left out when `personal` is False."""
    if data is None:
        return None
    if personal:
        return dict(data)
    return {k: v for k, v in data.items() if not is_personal_owner_field(k)}


def _mask(value: Any) -> Any:
    return value if value in (None, "") else MASK  # "none before" stays visible: it says nothing of the person


def redact_changes(changes: Mapping[str, Any] | None, personal: bool) -> tuple[dict[str, Any], list[str]]:
    """(changes as the reader may see them, keys whose values were masked). A masked key keeps its place
    with MASK for each value that was set, so "the owner changed" is still visible without whom to whom."""
    out: dict[str, Any] = {}
    masked: list[str] = []
    for key, values in (changes or {}).items():
        if not personal and is_personal_change_key(key):
            out[key] = [_mask(v) for v in values] if isinstance(values, (list, tuple)) else _mask(values)
            masked.append(key)
        else:
            out[key] = values
    return out, masked


def personal_keys(keys: Iterable[str]) -> list[str]:
    """The keys of a history entry that the policy withholds (for exports that list columns)."""
    return [k for k in keys if is_personal_change_key(k)]


# --- dossier applicants (lienthong.onestop): the same policy for the one-stop centre's pages and exports ----------
# Shown to every reader of a dossier: its code, procedure, state and dates, and the applicant's name (a dossier is
# known by it at the counter). Personal, withheld from a reader who does not handle dossiers: the rest.
APPLICANT_PERSONAL_FIELDS = frozenset({
    "applicant_cccd", "applicant_old_id", "applicant_birth_date", "applicant_gender", "applicant_address",
    "applicant_phone", "applicant_email",
})


def redact_applicant(data: Mapping[str, Any], personal: bool) -> dict[str, Any]:
    """A dossier's applicant fields as a dict, the personal ones left out when `personal` is False."""
    if personal:
        return dict(data)
    return {k: v for k, v in data.items() if k not in APPLICANT_PERSONAL_FIELDS}


def mask_phone(phone: str) -> str:
    """A phone number as a page shows it back to its owner or to an officer who need not call it: enough to
    recognise it (first three and last three digits), not enough to call it ("091****567")."""
    return f"{phone[:3]}****{phone[-3:]}" if len(phone) > 6 else ("****" if phone else "")


def mask_id_number(number: str) -> str:
    """A CCCD as a user who may not see personal data sees it in a list: enough to tell two rows apart, not to use
    it ("091****523")."""
    return f"{number[:3]}****{number[-3:]}" if len(number) > 6 else ("****" if number else "")

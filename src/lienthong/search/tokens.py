"""What the index holds for a vessel: its tokens (registration number, owner names and IDs, licences) and its
Vietnamese sort key. Pure functions over loaded model instances; `indexing` writes what they return.

To make something else searchable (as the vessel's name is): add its rows in `vessel_tokens`, the fields it
reads to `INDEX_FIELDS` (what `indexing` loads) and, if a model's `save(update_fields=…)` may change it,
to `VESSEL_FIELDS`/`OWNER_FIELDS` (what makes a save re-index, see `signals`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from lienthong.identity.collation import vi_sort_string
from lienthong.identity.text import fold, nfc

from .models import TokenKind

TOKEN_MAX = 64

_NON_ALNUM = re.compile(r"[^a-z0-9]")
_WORD_CHARS = re.compile(r"[^\w]")

# Model fields the tokens and the sort key are built from. A save naming none of them in update_fields
# (a heartbeat, a status flag) leaves the index as it is.
VESSEL_FIELDS = frozenset({"registration_number", "reg_key", "name", "owner"})
OWNER_FIELDS = frozenset({"full_name", "raw_name", "verified_name", "id_number", "verified_cccd", "raw_id_number"})
LICENCE_FIELDS = frozenset({"number", "vessel"})
# What `indexing` loads per vessel (select_related owner; licences are prefetched separately).
INDEX_FIELDS = ("id", "registration_number", "reg_key", "name", *(f"owner__{f}" for f in sorted(OWNER_FIELDS)))


def compact(text: str) -> str:
    """Folded ASCII letters and digits only: "KG-91234-TS" → "kg91234ts"."""
    return _NON_ALNUM.sub("", fold(text))[:TOKEN_MAX]


def word_of(raw: str) -> str:
    """A word as typed or written, without punctuation (NFC, lower case is the caller's)."""
    return _WORD_CHARS.sub("", raw).replace("_", "")


# --- Vietnamese sort key -------------------------------------------------------------------------
def sort_key(name: str, registration_key: str = "") -> str:
    """ASCII key whose byte order is the ranking's name order: the folded name first (the pooled search reads
    a range of it by the words as typed, see ranking), then the one Vietnamese collation (`identity.collation`:
    letters ă â đ ê ô ơ ư, tones, case) among names that fold alike, then the registration key. "\x01"
    separates parts so "an" sorts before "an b"."""
    return f"{fold(name)}\x01{vi_sort_string(name)}\x01{registration_key.lower()}"[:600]


# --- tokens --------------------------------------------------------------------------------------
def name_words(name: str) -> list[tuple[str, str]]:
    """(folded token, NFC lower-case word) for each word of a name."""
    out = []
    for raw in nfc(name).lower().split():
        word = word_of(raw)
        token = compact(word)
        if token:
            out.append((token, word[:TOKEN_MAX]))
    return out


def _registration_rows(vessel) -> set[tuple[str, str, str]]:
    rows = set()
    reg = compact(vessel.registration_number or vessel.reg_key)
    if reg:
        rows.add((reg, TokenKind.REG, ""))
        for serial in re.findall(r"\d+", reg):
            rows.add((serial, TokenKind.SERIAL, ""))
    return rows


def _owner_rows(owner) -> set[tuple[str, str, str]]:
    """The registry's name and the population database's (when verified), every ID the owner is known by:
    the registry's normalised one, the verified CCCD, and the raw cell's digits when they look like an ID."""
    rows = set()
    if owner is None:
        return rows
    for name in {owner.full_name or owner.raw_name, owner.verified_name}:
        for token, word in name_words(name or ""):
            rows.add((token, TokenKind.NAME, word))
    ids = {owner.id_number, owner.verified_cccd}
    raw_digits = re.sub(r"\D", "", owner.raw_id_number or "")
    if len(raw_digits) in (9, 12):
        ids.add(raw_digits)
    for number in ids:
        if number:
            rows.add((number[:TOKEN_MAX], TokenKind.ID, ""))
    return rows


def _licence_rows(licence_numbers: Iterable[str]) -> set[tuple[str, str, str]]:
    rows = set()
    for number in licence_numbers:
        token = compact(number)
        if token:
            rows.add((token, TokenKind.LICENCE, ""))
    return rows


def _vessel_name_rows(vessel) -> set[tuple[str, str, str]]:
    """The vessel's own name ("Phước Lộc 07"), unless it merely repeats the registration number."""
    name = getattr(vessel, "name", "") or ""
    if not name or compact(name) == compact(vessel.registration_number or vessel.reg_key):
        return set()
    return {(token, TokenKind.VESSEL_NAME, word) for token, word in name_words(name)}


def vessel_tokens(vessel, licence_numbers: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """The (token, kind, word) rows for one vessel; `vessel.owner` should be loaded."""
    rows = (_registration_rows(vessel) | _owner_rows(vessel.owner) | _licence_rows(licence_numbers)
            | _vessel_name_rows(vessel))
    return sorted(rows)


def owner_sort_name(vessel) -> str:
    """The name results sort by: the owner's as the registry has it."""
    owner = vessel.owner
    return (owner.full_name or owner.raw_name) if owner is not None else ""

"""What a registry's record holds, as data: the columns, the persons by role, and each role's columns for the
identity engine. A profile's rules and duplicate key are plain functions beside it (marriage.py)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """One person of a record: the record's columns that describe them, and their gender when the role fixes it
    (a husband is a man; a land holder may be either, from their own column)."""

    name: str
    name_column: str
    birth_column: str
    id_column: str
    address_column: str
    gender: str | None = None  # "nam" / "nữ"
    gender_column: str | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    columns: tuple[str, ...]  # REG.csv's header must hold these (more are kept but not read)
    roles: tuple[Role, ...]
    # (records, links by (record_id, role)) → per record: duplicate_of (or "") and flags per role
    review: Callable


def _marriage_review(records, links):
    from .marriage import review

    return review(records, links)


MARRIAGE = Profile(
    name="marriage",
    columns=("record_id", "registered_on", "book_no", "entry_no", "place",
             "husband_name", "husband_birth_date", "husband_id_number", "husband_residence",
             "wife_name", "wife_birth_date", "wife_id_number", "wife_residence"),
    roles=(
        Role("husband", "husband_name", "husband_birth_date", "husband_id_number", "husband_residence", gender="nam"),
        Role("wife", "wife_name", "wife_birth_date", "wife_id_number", "wife_residence", gender="nữ"),
    ),
    review=_marriage_review,
)

PROFILES = {p.name: p for p in (MARRIAGE,)}

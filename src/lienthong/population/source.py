"""The population source: what lienthong asks the national population database, and the answers.

Two implementations share this interface and, through the functions below, the same semantics:
`LocalExtractSource` (an extract imported into the database) and `HttpPopulationSource` (the
remote verification service whose contract is docs/population-api.md). The reference server
(`population.server`) answers with the same functions, so local and remote answers agree.

Framework-free (no Django): the server and the client import it without settings.
Persons are personal data: their repr shows no name, date or address, and nothing here logs.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from lienthong.identity.dates import DateLevel, ParsedDate, date_similarity, parse_date
from lienthong.identity.names import NameLevel, family_key, family_word_count, names_compatible
from lienthong.identity.text import fold

__all__ = [
    "Person",
    "VerifyQuery",
    "VerifyResult",
    "PopulationSource",
    "PopulationError",
    "InvalidRequest",
    "PopulationUnavailable",
    "PopulationAuthError",
    "MAX_BATCH",
    "MAX_LIMIT",
    "NAME_AGREEING_LEVELS",
    "SEARCH_NAME_LEVELS",
    "name_keys",
    "check_cccd",
    "parse_birth",
    "compare",
    "SearchQuery",
    "prepare_search",
    "rank_search",
    "rank_names",
    "as_query",
    "lookup",
]

MAX_BATCH = 100   # verify-batch items per request (contract)
MAX_LIMIT = 100   # search results per request (contract)


# --- errors --------------------------------------------------------------------------------------
class PopulationError(Exception):
    """Base of everything a population source raises on purpose."""


class InvalidRequest(PopulationError, ValueError):
    """The question itself is malformed (HTTP 400): retrying will not help. `code` is stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class PopulationAuthError(PopulationError):
    """The service refused our token (HTTP 401)."""


class PopulationUnavailable(PopulationError):
    """The service cannot answer now: circuit open, or retries exhausted on 5xx/429/network errors."""


# --- values --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Person:
    """A citizen as the population database knows them. Personal data: keep out of logs."""

    cccd: str
    old_id_number: str      # "" when the person never had a CMND
    full_name: str          # NFC, as in the database
    birth_date: date
    gender: str             # "nam" / "nữ"
    commune_code: str       # 2025 commune (5 digits)
    address: str

    def __repr__(self) -> str:  # a repr lands in logs and tracebacks: show nothing personal
        return "Person(<personal data>)"

    def to_json(self) -> dict:
        return {
            "cccd": self.cccd,
            "old_id_number": self.old_id_number or None,
            "full_name": self.full_name,
            "birth_date": self.birth_date.isoformat(),
            "gender": self.gender,
            "commune_code": self.commune_code,
            "address": self.address,
        }

    @classmethod
    def from_json(cls, d: Mapping) -> Person:
        return cls(
            cccd=d["cccd"],
            old_id_number=d.get("old_id_number") or "",
            full_name=d["full_name"],
            birth_date=date.fromisoformat(d["birth_date"]),
            gender=d["gender"],
            commune_code=d["commune_code"],
            address=d.get("address") or "",
        )


@dataclass(frozen=True, slots=True)
class VerifyQuery:
    cccd: str
    full_name: str | None = None
    birth_date: date | str | None = None   # a date, ISO "1980-05-04", or a year "1980"

    def __repr__(self) -> str:
        return "VerifyQuery(<personal data>)"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """found: the number belongs to someone in the database. name_agrees / birth_date_agrees are
    None when the question gave no name / birth date. The levels say how they agree (for the
    officer's explanation): see identity.names.names_compatible and identity.dates.date_similarity.
    matched_by: "cccd", or "old_id_number" when a CMND number was asked."""

    found: bool
    person: Person | None = None
    name_agrees: bool | None = None
    birth_date_agrees: bool | None = None
    name_level: NameLevel | None = None
    birth_date_level: DateLevel | None = None
    matched_by: Literal["cccd", "old_id_number"] | None = None

    def __repr__(self) -> str:
        return (f"VerifyResult(found={self.found}, name_agrees={self.name_agrees}, "
                f"birth_date_agrees={self.birth_date_agrees}, name_level={self.name_level!r}, "
                f"birth_date_level={self.birth_date_level!r}, matched_by={self.matched_by!r})")

    def to_json(self) -> dict:
        return {
            "found": self.found,
            "person": self.person.to_json() if self.person else None,
            "name_agrees": self.name_agrees,
            "birth_date_agrees": self.birth_date_agrees,
            "name_level": self.name_level,
            "birth_date_level": self.birth_date_level,
            "matched_by": self.matched_by,
        }

    @classmethod
    def from_json(cls, d: Mapping) -> VerifyResult:
        p = d.get("person")
        return cls(
            found=bool(d["found"]),
            person=Person.from_json(p) if p else None,
            name_agrees=d.get("name_agrees"),
            birth_date_agrees=d.get("birth_date_agrees"),
            name_level=d.get("name_level"),
            birth_date_level=d.get("birth_date_level"),
            matched_by=d.get("matched_by"),
        )


@runtime_checkable
class PopulationSource(Protocol):
    def verify(self, cccd: str, full_name: str | None = None,
               birth_date: date | str | None = None) -> VerifyResult: ...

    def verify_many(self, items: Iterable[VerifyQuery | tuple | Mapping]) -> list[VerifyResult]: ...

    def search(self, full_name: str, birth_date: date | str | None = None, birth_year: int | None = None,
               commune_code: str | None = None, limit: int = 10) -> list[Person]: ...


# --- shared semantics ----------------------------------------------------------------------------
#: Name levels that count as "the name given is this person's name". exact_folded counts only when
#: one side was written without diacritics (Nguyen Van An / Nguyễn Văn An): two marked spellings
#: that differ only in marks are different names (Đoàn ≠ Doãn).
NAME_AGREEING_LEVELS: frozenset[str] = frozenset({"exact", "exact_folded", "middle_dropped", "family_variant"})
#: Levels a search returns, best first (given and family name agree, middle names compatible).
SEARCH_NAME_LEVELS: tuple[str, ...] = ("exact", "exact_folded", "middle_dropped", "family_variant")
_LEVEL_RANK = {lvl: i for i, lvl in enumerate(SEARCH_NAME_LEVELS)}


def name_keys(full_name: str | None) -> tuple[str, str, str]:
    """(name_folded, family_key, given_folded) — the index keys, same split as identity.names.

    Works on the folded text directly (no title-casing or tone canonicalisation: folding erases
    both), so importing millions of names stays cheap."""
    folded = fold(full_name)
    if not folded:
        return "", "", ""
    words = folded.split(" ")
    if len(words) == 1:
        return folded, "", words[0]
    n_family = family_word_count(words)
    return folded, family_key(" ".join(words[:n_family])), words[-1]


def check_cccd(value: object) -> str:
    """The number asked about: 12 digits (CCCD, or a 12-digit CMND) or 9 (CMND). Raises InvalidRequest."""
    s = str(value or "").strip()
    if not (s.isascii() and s.isdigit() and len(s) in (9, 12)):
        raise InvalidRequest("invalid_cccd", "cccd must be 12 digits (or a 9-digit CMND number)")
    return s


def parse_birth(value: object, field: str = "birth_date") -> ParsedDate | None:
    """A birth date as asked: date, ISO "YYYY-MM-DD" or a year "YYYY"; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return parse_date(value)
    s = str(value).strip()
    ok = s.isascii() and ((len(s) == 4 and s.isdigit()) or (len(s) == 10 and s[4] == "-" and s[7] == "-"))
    parsed = parse_date(s) if ok else None
    if parsed is None or parsed.year is None:
        raise InvalidRequest("invalid_date", f"{field} must be an ISO date YYYY-MM-DD or a year YYYY")
    return parsed


def _marked(text: str) -> bool:
    """Written with diacritics (or đ)."""
    return fold(text) != " ".join(text.lower().split())


def lookup(number: str, by_cccd, by_old_id) -> tuple[Person | None, str | None]:
    """Find the holder of a number: by CCCD (12 digits), else by old CMND number (9 digits, or a
    12-digit CMND not found as a CCCD). A CMND shared by several records answers nobody."""
    if len(number) == 12:
        person = by_cccd(number)
        if person is not None:
            return person, "cccd"
    holders = by_old_id(number)
    if len(holders) == 1:
        return holders[0], "old_id_number"
    return None, None


def compare(person: Person | None, full_name: str | None, birth: ParsedDate | None,
            matched_by: str | None = "cccd") -> VerifyResult:
    """The answer to a verify question once the person (or nobody) is found."""
    if person is None:
        return VerifyResult(found=False)
    name_agrees = name_level = None
    if full_name is not None and full_name.strip():
        name_level = names_compatible(full_name, person.full_name)
        name_agrees = name_level in NAME_AGREEING_LEVELS
        if name_level == "exact_folded" and _marked(full_name) and _marked(person.full_name):
            name_agrees = False
    birth_agrees = birth_level = None
    if birth is not None:
        birth_level = date_similarity(birth, parse_date(person.birth_date))
        # A year-only question agrees when the year does; a full date only when it is the same day.
        birth_agrees = (birth.year == person.birth_date.year) if birth.precision == "year" else birth_level == "exact"
    return VerifyResult(True, person, name_agrees, birth_agrees, name_level, birth_level, matched_by)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    full_name: str
    name_folded: str
    family_key: str
    given_folded: str
    birth_date: date | None
    birth_year: int | None
    commune_code: str | None
    limit: int


def prepare_search(full_name: object, birth_date: object = None, birth_year: object = None,
                   commune_code: object = None, limit: object = 10) -> SearchQuery:
    """Validate a search question (the same rules locally and over HTTP). Raises InvalidRequest."""
    if not isinstance(full_name, str) or not full_name.strip():
        raise InvalidRequest("invalid_name", "full_name is required")
    folded, fam, given = name_keys(full_name)
    if not fam:
        raise InvalidRequest("invalid_name", "full_name needs a family name and a given name")
    if birth_date not in (None, "") and birth_year not in (None, ""):
        raise InvalidRequest("invalid_request", "give birth_date or birth_year, not both")
    day: date | None = None
    year: int | None = None
    if birth_date not in (None, ""):
        parsed = parse_birth(birth_date)
        if parsed.precision == "year":
            year = parsed.year
        else:
            day, year = parsed.date, parsed.year
    elif birth_year not in (None, ""):
        if isinstance(birth_year, bool) or not (isinstance(birth_year, int) or str(birth_year).isdigit()):
            raise InvalidRequest("invalid_date", "birth_year must be a year YYYY")
        year = int(birth_year)
        if not 1880 <= year <= 2100:
            raise InvalidRequest("invalid_date", "birth_year must be a year YYYY")
    commune = None
    if commune_code not in (None, ""):
        commune = str(commune_code).strip()
        if not (commune.isascii() and commune.isdigit() and len(commune) == 5):
            raise InvalidRequest("invalid_commune", "commune_code must be a 5-digit 2025 commune code")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest("invalid_limit", f"limit must be an integer from 1 to {MAX_LIMIT}")
    return SearchQuery(full_name, folded, fam, given, day, year, commune, limit)


def rank_names(q: SearchQuery, rows: Iterable[tuple[str, str]]) -> list[str]:
    """The search ranking. `rows` are (cccd, full_name) of the candidates: people sharing the
    query's given name and family key, already filtered by birth and commune. Keeps those whose
    names are compatible, best name level first, then by CCCD; returns at most `limit` CCCDs.

    Candidates repeat the same few spellings thousands of times in a province ("Nguyễn Văn
    Hùng"), so each distinct spelling is compared once."""
    levels: dict[str, int | None] = {}
    scored = []
    for cccd, name in rows:
        rank = levels.get(name, -1)
        if rank == -1:
            rank = levels[name] = _LEVEL_RANK.get(names_compatible(q.full_name, name))
        if rank is not None:
            scored.append((rank, cccd))
    scored.sort()
    return [cccd for _, cccd in scored[: q.limit]]


def rank_search(q: SearchQuery, candidates: Iterable[Person]) -> list[Person]:
    """rank_names over Person objects, with the birth and commune filters applied here."""
    people = {}
    for p in candidates:
        if q.birth_date is not None and p.birth_date != q.birth_date:
            continue
        if q.birth_year is not None and p.birth_date.year != q.birth_year:
            continue
        if q.commune_code is not None and p.commune_code != q.commune_code:
            continue
        people[p.cccd] = p
    return [people[c] for c in rank_names(q, ((p.cccd, p.full_name) for p in people.values()))]


def as_query(item: VerifyQuery | Sequence | Mapping) -> VerifyQuery:
    """verify_many accepts VerifyQuery, (cccd, full_name, birth_date) tuples or dicts."""
    if isinstance(item, VerifyQuery):
        return item
    if isinstance(item, Mapping):
        return VerifyQuery(item["cccd"], item.get("full_name"), item.get("birth_date"))
    return VerifyQuery(*item)

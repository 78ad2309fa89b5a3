"""`LocalExtractSource`: the population source over the extract imported into the database.

Same answers as the HTTP service: the comparison and ranking live in population.source.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from lienthong.population.models import Citizen
from lienthong.population.source import (
    Person,
    VerifyQuery,
    VerifyResult,
    as_query,
    check_cccd,
    compare,
    lookup,
    parse_birth,
    prepare_search,
    rank_names,
)

__all__ = ["LocalExtractSource"]

_FIELDS = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
_CHUNK = 500  # numbers per IN (...) query: well under SQLite's variable limit


def _person(row) -> Person:
    return Person(*row)


class LocalExtractSource:
    """Reads the Citizen table (population.extract fills it). Thread-safe as Django's ORM is
    (one connection per thread)."""

    def __init__(self, using: str = "default"):
        self.using = using

    def _citizens(self):
        return Citizen.objects.using(self.using)

    def _by_cccd(self, number: str) -> Person | None:
        row = self._citizens().filter(cccd=number).values_list(*_FIELDS).first()
        return _person(row) if row else None

    def _by_old_id(self, number: str) -> list[Person]:
        return [_person(r) for r in self._citizens().filter(old_id_number=number).values_list(*_FIELDS)[:2]]

    def verify(self, cccd: str, full_name: str | None = None, birth_date: date | str | None = None) -> VerifyResult:
        number = check_cccd(cccd)
        birth = parse_birth(birth_date)
        person, matched_by = lookup(number, self._by_cccd, self._by_old_id)
        return compare(person, full_name, birth, matched_by)

    def verify_many(self, items: Iterable[VerifyQuery | tuple | Mapping]) -> list[VerifyResult]:
        """Batch verify: the CCCDs are fetched with a few IN queries instead of one query each.
        Every item is validated first, so a malformed one raises before any lookup."""
        queries = [as_query(i) for i in items]
        checked = [(check_cccd(q.cccd), q.full_name, parse_birth(q.birth_date)) for q in queries]
        numbers = sorted({n for n, _, _ in checked if len(n) == 12})
        people: dict[str, Person] = {}
        for i in range(0, len(numbers), _CHUNK):
            for row in self._citizens().filter(cccd__in=numbers[i:i + _CHUNK]).values_list(*_FIELDS):
                people[row[0]] = _person(row)
        results = []
        for number, name, birth in checked:
            person, matched_by = lookup(number, people.get, self._by_old_id)
            results.append(compare(person, name, birth, matched_by))
        return results

    def search(self, full_name: str, birth_date: date | str | None = None, birth_year: int | None = None,
               commune_code: str | None = None, limit: int = 10) -> list[Person]:
        q = prepare_search(full_name, birth_date, birth_year, commune_code, limit)
        qs = self._citizens().filter(given_folded=q.given_folded, family_key=q.family_key)
        if q.birth_year is not None:
            qs = qs.filter(birth_year=q.birth_year)
        if q.birth_date is not None:
            qs = qs.filter(birth_date=q.birth_date)
        if q.commune_code is not None:
            qs = qs.filter(commune_code=q.commune_code)
        # Two phases: rank on (cccd, name) only, then fetch the few people kept.
        cccds = rank_names(q, qs.values_list("cccd", "full_name").iterator(chunk_size=5000))
        people = {r[0]: _person(r) for r in self._citizens().filter(cccd__in=cccds).values_list(*_FIELDS)}
        return [people[c] for c in cccds]

"""Search index over vessels: registration number, owner name with or without diacritics, CCCD/CMND, licence.

One search box, one query string. The index is a token table (`SearchToken`: vessel, folded token, kind,
name word with diacritics) searched by *prefix* through a B-tree, plus a per-vessel sort key (`SearchDoc`).

- Prefix lookups use an index on both backends: on PostgreSQL `LIKE 'abc%'` (Django's startswith) uses the
  varchar_pattern_ops index Django creates for db_index CharFields; on SQLite LIKE is case-insensitive and
  skips the index, so the lookup is the range `token >= 'abc' AND token < 'abd'` (tokens are ASCII).
- Several words intersect: the most selective word (counted cheaply on the index, capped) drives the
  query; every word is then checked per candidate on the (vessel, token) index, which also scores it.
- Ranking: exact registration/ID/licence hits first; then name matches by how many query words equal a
  name word *with* diacritics ("Nguyễn" above "Nguyên"); then by how many equal a word once folded
  (whole word beats prefix: "tu" ranks "Tư" above "Tuấn"); then Vietnamese alphabetical order of the owner's
  name (folded, then by letter variants and tones); then registration number.

Contract used by the importer: `reindex_vessels(ids)` after vessels change, inside the same transaction.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Collate

from lienthong.accounts.scopes import can_see_personal_data, restrict_vessels
from lienthong.fleet.models import FishingLicence, Vessel
from lienthong.identity.text import fold, nfc

from .models import SearchDoc, SearchToken, TokenKind

__all__ = [
    "Term",
    "parse_query",
    "vessel_tokens",
    "sort_key",
    "reindex_vessels",
    "rebuild_index",
    "search_vessels",
]

TOKEN_MAX = 64
MIN_ID_PREFIX = 6  # a CCCD/CMND is found by a prefix of at least this many digits
MAX_TERMS = 6
SELECTIVITY_CAP = 2000  # count at most this many index entries per word when choosing the driver
BATCH = 2000

_NON_ALNUM = re.compile(r"[^a-z0-9]")
_WORD_CHARS = re.compile(r"[^\w]")
# A registration number or ID typed with spaces or dashes: "KG 91234 TS", "kg-912", "091 085 001 234".
_CODE_LIKE = re.compile(r"[a-z]{0,4}\d+[a-z]{0,4}")
_SPACED_CODE = re.compile(r"(?:[a-z]{2,3}[\s\-./]*)?\d+(?:[\s\-./]+\d+)*(?:[\s\-./]*ts)?")


def _compact(text: str) -> str:
    """Folded ASCII letters and digits only: "KG-91234-TS" → "kg91234ts"."""
    return _NON_ALNUM.sub("", fold(text))[:TOKEN_MAX]


# --- Vietnamese sort key -------------------------------------------------------------------------
# Dictionary order: a ă â b c d đ e ê … o ô ơ … u ư …; tones: none, huyền, hỏi, ngã, sắc, nặng.
_VARIANT = {"\u0306": "1", "\u0302": "2", "\u031b": "3"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONE = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _letter_key(ch: str) -> str:
    if ch == "đ":
        return "10"
    variant = tone = "0"
    for mark in unicodedata.normalize("NFD", ch)[1:]:
        variant = _VARIANT.get(mark, variant)
        tone = _TONE.get(mark, tone)
    return variant + tone


def sort_key(name: str, registration_key: str = "") -> str:
    """ASCII key whose byte order is Vietnamese order: folded name, then letter variants and tones of the
    NFC name, then the registration key. "\\x01" separates parts so "an" sorts before "an b"."""
    name = nfc(name).lower()
    variants = "".join(_letter_key(ch) for ch in name if ch.isalpha())
    return f"{fold(name)}\x01{variants}\x01{registration_key.lower()}"[:600]


# --- building the index --------------------------------------------------------------------------
def _name_words(name: str) -> list[tuple[str, str]]:
    """(folded token, NFC lower-case word) for each word of a name."""
    out = []
    for raw in nfc(name).lower().split():
        word = _WORD_CHARS.sub("", raw).replace("_", "")
        token = _compact(word)
        if token:
            out.append((token, word[:TOKEN_MAX]))
    return out


def vessel_tokens(vessel: Vessel, licence_numbers: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """The (token, kind, word) rows for one vessel; `vessel.owner` should be loaded."""
    rows: set[tuple[str, str, str]] = set()
    reg = _compact(vessel.registration_number or vessel.reg_key)
    if reg:
        rows.add((reg, TokenKind.REG, ""))
        for serial in re.findall(r"\d+", reg):
            rows.add((serial, TokenKind.SERIAL, ""))
    owner = vessel.owner
    if owner is not None:
        for name in {owner.full_name or owner.raw_name, owner.verified_name}:
            for token, word in _name_words(name or ""):
                rows.add((token, TokenKind.NAME, word))
        ids = {owner.id_number, owner.verified_cccd}
        raw_digits = re.sub(r"\D", "", owner.raw_id_number or "")
        if len(raw_digits) in (9, 12):
            ids.add(raw_digits)
        for number in ids:
            if number:
                rows.add((number[:TOKEN_MAX], TokenKind.ID, ""))
    for number in licence_numbers:
        token = _compact(number)
        if token:
            rows.add((token, TokenKind.LICENCE, ""))
    return sorted(rows)


def _owner_name(vessel: Vessel) -> str:
    owner = vessel.owner
    return (owner.full_name or owner.raw_name) if owner is not None else ""


def reindex_vessels(vessel_ids: Iterable[int]) -> None:
    """Replace the index rows of these vessels (deleted vessels simply lose theirs). Bulk: a few queries
    per 2,000 vessels. Call inside the transaction that changed the vessels."""
    ids = sorted(set(vessel_ids))
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            SearchToken.objects.filter(vessel_id__in=chunk).delete()
            SearchDoc.objects.filter(vessel_id__in=chunk).delete()
            _index_chunk(Vessel.objects.filter(pk__in=chunk))


def _index_chunk(vessels) -> int:
    vessels = vessels.select_related("owner").only(
        "id", "registration_number", "reg_key",
        "owner__full_name", "owner__raw_name", "owner__verified_name",
        "owner__id_number", "owner__verified_cccd", "owner__raw_id_number",
    ).prefetch_related(Prefetch("licences", queryset=FishingLicence.objects.only("id", "vessel_id", "number")))
    tokens, docs = [], []
    for vessel in vessels:
        for token, kind, word in vessel_tokens(vessel, (lic.number for lic in vessel.licences.all())):
            tokens.append(SearchToken(vessel_id=vessel.pk, token=token, kind=kind, word=word))
        docs.append(SearchDoc(vessel_id=vessel.pk, sort_key=sort_key(_owner_name(vessel), vessel.reg_key)))
    SearchToken.objects.bulk_create(tokens, batch_size=1000)
    SearchDoc.objects.bulk_create(docs, batch_size=1000)
    return len(docs)


def rebuild_index() -> int:
    """Rebuild the whole index from the fleet tables; returns the number of vessels indexed."""
    with transaction.atomic():
        SearchToken.objects.all().delete()
        SearchDoc.objects.all().delete()
        ids = list(Vessel.objects.order_by("pk").values_list("pk", flat=True))
        count = 0
        for start in range(0, len(ids), BATCH):
            count += _index_chunk(Vessel.objects.filter(pk__in=ids[start : start + BATCH]))
    return count


# --- searching -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    token: str  # folded ASCII, matched by prefix
    word: str  # NFC lower-case as typed, for the exact-with-diacritics rank


def parse_query(q: str) -> list[Term]:
    """Split a search-box string into terms. A code typed with separators ("KG 91234 TS", "091 085…")
    stays one term; otherwise each word is a term."""
    text = nfc(q).lower()
    compact = _compact(text)
    if compact and _CODE_LIKE.fullmatch(compact) and (len(text.split()) == 1 or _SPACED_CODE.fullmatch(fold(text))):
        return [Term(compact, compact)]
    terms: list[Term] = []
    for raw in text.split():
        word = _WORD_CHARS.sub("", raw).replace("_", "")
        token = _compact(raw)
        if token and Term(token, word[:TOKEN_MAX]) not in terms:
            terms.append(Term(token, word[:TOKEN_MAX]))
    return terms[:MAX_TERMS]


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _prefix_q(term: Term, ids: bool = True) -> Q:
    if connection.vendor == "postgresql":
        cond = Q(token__startswith=term.token)  # LIKE 'x%' → varchar_pattern_ops index
    else:
        cond = Q(token__gte=term.token, token__lt=_next_prefix(term.token))  # range → B-tree index
    if not ids or (term.token.isdigit() and len(term.token) < MIN_ID_PREFIX):
        # Short digit strings must not list every CCCD born in old Kiên Giang ("0910"); users who may
        # not see personal data must not learn whose ID is whose by searching for it.
        cond &= ~Q(kind=TokenKind.ID)  # "0910" must not list every CCCD born in old Kiên Giang
    return cond


def _selectivity(term: Term, ids: bool) -> int:
    return SearchToken.objects.filter(_prefix_q(term, ids)).values("pk")[:SELECTIVITY_CAP].count()


def _score(term: Term) -> Case:
    """3: exact registration/ID/licence; 2: name word equal with diacritics; 1: equal once folded; 0: prefix."""
    return Case(
        When(Q(token=term.token) & ~Q(kind=TokenKind.NAME), then=Value(3)),
        When(kind=TokenKind.NAME, word=term.word, then=Value(2)),
        When(token=term.token, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _sort_collation() -> str:
    return "C" if connection.vendor == "postgresql" else "BINARY"


def search_vessels(q: str, user, limit: int = 20) -> list[Vessel]:
    """Vessels matching the search-box string `q` that `user` may see, best first (owner loaded).
    CCCD/CMND numbers are searchable only by users allowed to see personal data."""
    terms = parse_query(q or "")
    limit = max(0, min(int(limit), 200))
    if not terms or limit == 0:
        return []
    visible = restrict_vessels(Vessel.objects.all(), user)
    if visible.query.is_empty():
        return []
    ids = can_see_personal_data(user)
    driver = min(terms, key=lambda t: _selectivity(t, ids)) if len(terms) > 1 else terms[0]
    qs = visible.filter(pk__in=SearchToken.objects.filter(_prefix_q(driver, ids)).values("vessel_id"))
    scores = {}
    for i, term in enumerate(terms):
        best = (
            SearchToken.objects.filter(_prefix_q(term, ids), vessel_id=OuterRef("pk"))
            .annotate(score=_score(term))
            .order_by("-score")
            .values("score")[:1]
        )
        scores[f"s{i}"] = Subquery(best, output_field=IntegerField())
    qs = qs.annotate(**scores)
    for name in scores:
        qs = qs.filter(**{f"{name}__isnull": False})
    id_hit = Case(
        When(Q(*(Q(**{name: 3}) for name in scores), _connector=Q.OR), then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    exact_marks = sum(
        (Case(When(**{name: 2}, then=Value(1)), default=Value(0), output_field=IntegerField()) for name in scores),
        Value(0),
    )
    exact_folded = sum(
        (Case(When(**{f"{name}__gte": 1}, then=Value(1)), default=Value(0), output_field=IntegerField())
         for name in scores),
        Value(0),
    )
    qs = qs.annotate(id_hit=id_hit, exact_marks=exact_marks, exact_folded=exact_folded).order_by(
        F("id_hit").desc(),
        F("exact_marks").desc(),
        F("exact_folded").desc(),
        Collate(F("search_doc__sort_key"), _sort_collation()),
        "registration_number",
    )
    return list(qs.select_related("owner")[:limit])

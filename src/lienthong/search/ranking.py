"""The ranking SQL: how a parsed query becomes one ranked list of vessel ids, on SQLite and PostgreSQL.

- Prefix lookups use an index on both backends: on PostgreSQL `LIKE 'abc%'` (Django's startswith) uses the
  varchar_pattern_ops index Django creates for db_index CharFields; on SQLite LIKE is case-insensitive and
  skips the index, so the lookup is the range `token >= 'abc' AND token < 'abd'` (tokens are ASCII).
- Several words intersect: the most selective word (counted cheaply on the index, capped) drives the
  query; every word is then checked per candidate on the (vessel, token) index, which also scores it.
- Ranking: exact registration/ID/licence hits first; then name matches by how many query words equal a
  name word *with* diacritics ("Nguyễn" above "Nguyên"); then by how many equal a word once folded
  (whole word beats prefix: "tu" ranks "Tư" above "Tuấn"); then the owner's name (folded, then in the
  one Vietnamese collation of identity.collation); then registration number.
"""
from __future__ import annotations

import functools
import time

from django.db import connection
from django.db.models.expressions import RawSQL

from lienthong.fleet.models import Vessel

from .models import SearchDoc, SearchToken, TokenKind
from .query import MIN_ID_PREFIX, Term

POOL = 200  # driver rows ranked for very common words (see _ranked_ids_sql); 1,000 cost 2.5× the time
# for the same top 20 on 11 of 13 bench queries (the others: ties among equally ranked prefix hits)
SELECTIVITY_CAP = 5000  # count at most this many index entries per word when choosing the driver


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _c(column: str) -> str:
    """Byte-order comparison: the prefix index is COLLATE "C" on PostgreSQL (BINARY on SQLite)."""
    return f'{column} COLLATE "C"' if connection.vendor == "postgresql" else column


def _prefix_sql(alias: str, term: Term, ids: bool) -> tuple[str, list]:
    """SQL condition "token starts with term.token", as a range the byte-ordered token index serves on
    both backends (SQLite's LIKE is case-insensitive and skips a BINARY index; tokens are ASCII)."""
    column = _c(f"{alias}.token")
    sql, params = f"{column} >= %s AND {column} < %s", [term.token, _next_prefix(term.token)]
    if not ids or (term.token.isdigit() and len(term.token) < MIN_ID_PREFIX):
        # Short digit strings must not list every CCCD born in old Kiên Giang ("0910"); users who may
        # not see personal data must not learn whose ID is whose by searching for it.
        sql += f" AND {alias}.kind <> %s"
        params.append(TokenKind.ID.value)
    return sql, params


def _probe_sql(alias: str, term: Term, ids: bool) -> tuple[str, list]:
    """As `_prefix_sql`, for a lookup by vessel on the (vessel, token) index. On PostgreSQL the prefix is
    `starts_with()`, which no index serves: with the range, the planner sometimes (its estimate for a
    range like "tai" was 1 row for 5,000) scanned the whole prefix range once per candidate, 25 µs instead
    of 3, a third of a pooled search."""
    if connection.vendor != "postgresql":
        return _prefix_sql(alias, term, ids)
    sql, params = f"starts_with({alias}.token, %s)", [term.token]
    if not ids or (term.token.isdigit() and len(term.token) < MIN_ID_PREFIX):
        sql += f" AND {alias}.kind <> %s"
        params.append(TokenKind.ID.value)
    return sql, params


def _score_sql(alias: str, term: Term) -> tuple[str, list]:
    """3: exact registration/ID/licence; 2: name word (owner's or vessel's) equal with diacritics; 1: equal
    once folded; 0: prefix."""
    return (
        f"CASE WHEN {alias}.token = %s AND {alias}.kind NOT IN (%s, %s) THEN 3"
        f" WHEN {alias}.kind IN (%s, %s) AND {alias}.word = %s THEN 2"
        f" WHEN {alias}.token = %s THEN 1 ELSE 0 END",
        [term.token, *_WORD_KINDS, *_WORD_KINDS, term.word, term.token],
    )


_WORD_KINDS = (TokenKind.NAME.value, TokenKind.VESSEL_NAME.value)


COUNT_TTL = 300.0  # seconds a driver-choice count is reused
_counts: dict[tuple[str, bool], tuple[int, float]] = {}


def _count(term: Term, ids: bool, cap: int) -> int:
    cond, params = _prefix_sql("t", term, ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {SearchToken._meta.db_table} t WHERE {cond} LIMIT %s) x",
            [*params, cap],
        )
        return cursor.fetchone()[0]


def _selectivity(term: Term, ids: bool, cap: int = SELECTIVITY_CAP) -> int:
    """How many index entries the term's prefix covers, counted no further than `cap`.

    The common words come back in almost every search ("nguyen", "van", "thi"), and counting them was a
    fifth of a search's database time, so the count up to SELECTIVITY_CAP is kept for COUNT_TTL seconds
    (and dropped whenever this process re-indexes); min(count, cap) is exactly the count up to `cap`. It only
    chooses the driver word and whether a pool is ranked, as a fresh count would within the same data."""
    if cap > SELECTIVITY_CAP:
        return _count(term, ids, cap)
    key = (term.token, ids)
    now = time.monotonic()
    hit = _counts.get(key)
    if hit is None or hit[1] < now:
        if len(_counts) > 50_000:  # a bound, not a policy: typed prefixes are many, common words few
            _counts.clear()
        hit = (_count(term, ids, SELECTIVITY_CAP), now + COUNT_TTL)
        _counts[key] = hit
    return min(hit[0], cap)


def clear_count_caches() -> None:
    _counts.clear()
    _prefix_size.cache_clear()


def ranked_ids(terms: list[Term], user, ids: bool, limit: int) -> list[int]:
    # One word: only "more than POOL?" matters; several: the smallest count picks the driver (the first
    # such word on a tie). Each count stops at the smallest so far (plus one, to see ties): only "smaller?"
    # matters, and counting a common word's 5,000 index entries costs 3 ms on PostgreSQL. Last words
    # first: a given name is rarer than the family name that usually leads.
    cap = SELECTIVITY_CAP if len(terms) > 1 else 2 * POOL + 1
    driver, best = None, cap
    for i in reversed(range(len(terms))):
        count = _selectivity(terms[i], ids, min(best + 1, cap) if driver is not None else cap)
        if driver is None or count < best or (count == best and i < driver):
            driver, best = i, count
    driver = terms[driver]
    if best > 2 * POOL:  # just above POOL, pooling would often fall back: twice the work
        found = _ranked_ids_sql(terms, driver, user, ids, limit, pool=POOL)
        if len(found) == limit:
            return found
    return _ranked_ids_sql(terms, driver, user, ids, limit, pool=None, driver_size=best)


SIZE_CAP = 20000  # index entries counted at most for `_prefix_size`
RANGE_FACTOR = 4  # a second word's rows are grouped (not looked up per candidate) up to this many per candidate


@functools.lru_cache(maxsize=4096)
def _prefix_size(token: str, ids: bool) -> int:
    """Index entries under a prefix, up to SIZE_CAP, remembered for the life of the process. Only used to
    choose HOW a query runs (grouping a range vs a lookup per candidate), never what it returns, so a
    figure gone stale after a re-index costs at most some speed."""
    return _count(Term(token, token), ids, SIZE_CAP)


def _split_by_range(terms: list[Term], ids: bool) -> tuple[list[Term], list[Term]]:
    """(words whose rows to group, words to look up per candidate): the smallest range, and the next
    smallest if at most RANGE_FACTOR times as large (a lookup costs ~3.5 µs per candidate, a range row
    ~0.4 µs; two ranges usually leave a few dozen candidates, so a third range costs more than it saves)."""
    sizes = {t: _prefix_size(t.token, ids) for t in terms}
    ordered = sorted(terms, key=lambda t: sizes[t])  # stable: ties keep query order
    grouped = ordered[:1]
    if len(ordered) > 1 and sizes[ordered[1]] < SIZE_CAP and sizes[ordered[1]] <= RANGE_FACTOR * sizes[ordered[0]]:
        grouped.append(ordered[1])
    return grouped, [t for t in terms if t not in grouped]


def _grouped_sql(grouped: list[Term], ids: bool, postgres: bool) -> tuple[str, list]:
    """Vessels having every word of `grouped`, each word's score as s0, s1, …: their index rows in one
    grouping (UNION ALL, GROUP BY vessel), no join."""
    token_table, width = SearchToken._meta.db_table, len(grouped)
    null = "NULL::integer" if postgres else "NULL"
    parts, params = [], []
    for i, term in enumerate(grouped):
        score_i, p1 = _score_sql("t", term)
        cond_i, p2 = _prefix_sql("t", term, ids)
        cols = ", ".join(f"{score_i if j == i else null} AS s{j}" for j in range(width))
        parts.append(f"SELECT t.vessel_id AS vessel_id, {cols} FROM {token_table} t WHERE {cond_i}")
        params += p1 + p2
    sql = (
        f"SELECT x.vessel_id AS vessel_id, {', '.join(f'MAX(x.s{j}) AS s{j}' for j in range(width))}"
        f" FROM ({' UNION ALL '.join(parts)}) x GROUP BY x.vessel_id"
        f" HAVING {' AND '.join(f'MAX(x.s{j}) IS NOT NULL' for j in range(width))}"
    )
    return sql, params


def _ranked_ids_sql(
    terms: list[Term], driver: Term, user, ids: bool, limit: int, pool: int | None, driver_size: int = 0
) -> list[int]:
    """One query: candidates from the driver word, each scored for every word, best `limit` ids.

    Every per-candidate value (the other words' scores, the sort row) is a lookup on an index by vessel,
    written so that no planner can turn one into a hash join over a common word's whole range or the whole
    SearchDoc table (PostgreSQL did, 80 ms instead of 5): no session setting, so no transaction, is needed."""
    token_table, doc_table = SearchToken._meta.db_table, SearchDoc._meta.db_table
    others = [t for t in terms if t is not driver]
    postgres = connection.vendor == "postgresql"
    score, score_params = _score_sql("t", driver)
    cond, cond_params = _prefix_sql("t", driver, ids)
    if pool is None:
        # Driver: its matching token rows (one range of the prefix index), one group per vessel; its
        # score is the best row's.
        base = f"SELECT t.vessel_id AS vessel_id, MAX({score}) AS s0 FROM {token_table} t WHERE {cond} GROUP BY t.vessel_id"
        params = [*score_params, *cond_params]
        probed = others  # scored per candidate, as s1, s2, …
        if driver_size > 2 * POOL:
            # The full query after a pool found too few: the driver has thousands of vessels (up to all
            # 40,000 "nguyen" for "nguyen da thi": 105 ms on SQLite as a lookup per candidate, 45 ms on
            # PostgreSQL). The full answer does not depend on which word drives, so the candidates here are
            # the vessels in both of the two smallest ranges (see _split_by_range), found by one grouping
            # of their rows: no join, so no estimate can turn it into a nested loop. The other words are
            # then looked up per surviving candidate.
            grouped, probed = _split_by_range(terms, ids)
            base, params = _grouped_sql(grouped, ids, postgres)
    else:
        # Common words (thousands of vessels each): rank a pool instead of the whole set. The pool is
        # the first `pool` driver rows in index order (the exact word first, then its extensions, each
        # by name) plus the first `pool` owners whose folded name starts with the query as typed
        # ("nguyen van t" → "nguyen van tai", …: a range of SearchDoc.sort_key). The top results are
        # the same as over the whole set whenever they sort within the pool; a narrower query is exact.
        typed = " ".join(t.token for t in terms)
        pool_sql = (
            f"SELECT vessel_id FROM (SELECT t.vessel_id FROM {token_table} t WHERE {cond}"
            f" ORDER BY {_c('t.token')}, {_c('t.sort_key')} LIMIT %s) a"
            f" UNION SELECT vessel_id FROM (SELECT d.vessel_id FROM {doc_table} d"
            f" WHERE {_c('d.sort_key')} >= %s AND {_c('d.sort_key')} < %s ORDER BY {_c('d.sort_key')} LIMIT %s) b"
        )
        pool_params = [*cond_params, pool, typed, _next_prefix(typed), pool]
        if postgres:
            probed = [driver, *others]  # the driver too: owners from the name range may not have it
            base, params = f"SELECT p.vessel_id AS vessel_id FROM ({pool_sql}) p", pool_params
        else:
            # Each pooled vessel's driver score from the (vessel, token) index (owners from the name range
            # may not have the driver word: their score is NULL and they drop out).
            base = (
                f"SELECT p.vessel_id AS vessel_id, (SELECT MAX({score}) FROM {token_table} t"
                f" WHERE t.vessel_id = p.vessel_id AND {cond}) AS s0 FROM ({pool_sql}) p"
            )
            params = [*score_params, *cond_params, *pool_params]
            probed = others  # scored per candidate, as s1, s2, …
    names = [f"c.s{i}" for i in range(len(terms))]
    first = len(terms) - len(probed)  # index of the first probed score (0 when the driver is probed)
    if postgres and probed:
        # Every probed word from ONE lookup per candidate: a vessel has about six index rows, all read
        # anyway; one pass scores each word by conditional aggregation (a word absent → NULL). One
        # correlated lookup per word cost a probe each: 3 probes per candidate for "nguyen van t".
        aggs = []
        for i, term in enumerate(probed, start=first):
            score_u, p1 = _score_sql("u", term)
            cond_u, p2 = _probe_sql("u", term, ids)
            aggs.append(f"MAX(CASE WHEN {cond_u} THEN {score_u} END) AS s{i}")
            params += p2 + p1
        kept = ["g.vessel_id AS vessel_id"] + [f"g.s{i}" for i in range(first)] + [f"l.s{i}" for i in range(first, len(terms))]
        ctes = [
            f"c AS MATERIALIZED (SELECT {', '.join(kept)} FROM g CROSS JOIN LATERAL"
            f" (SELECT {', '.join(aggs)} FROM {token_table} u WHERE u.vessel_id = g.vessel_id) l)"
        ]
        where = [f"{n} IS NOT NULL" for n in names]
    elif postgres:
        ctes, where = ["c AS MATERIALIZED (SELECT * FROM g)"], []
    else:
        # Other words: one lookup each on the (vessel, token) index per candidate. The base scored the
        # driver (s0), or the grouped words (s0, s1) with the other words in `probed`. One word per step,
        # the rarest first, each step keeping only the candidates that have its word: "hung" leaves a tenth
        # of the 400 "nguyen" pooled for "nguyen van hung", so "van" is looked up 40 times, not 400.
        step, kept = "g", "g.s0 IS NOT NULL"
        ctes = []
        order = sorted(enumerate(probed, start=first), key=lambda item: _selectivity(item[1], ids))
        for k, (i, term) in enumerate(order):
            score, p1 = _score_sql("u", term)
            cond_u, p2 = _prefix_sql("u", term, ids)
            ctes.append(
                f"p{k} AS MATERIALIZED (SELECT {step}.*, (SELECT MAX({score}) FROM {token_table} u"
                f" WHERE u.vessel_id = {step}.vessel_id AND {cond_u}) AS s{i} FROM {step} WHERE {kept})"
            )
            params += p1 + p2
            step, kept = f"p{k}", f"p{k}.s{i} IS NOT NULL"
        ctes.append(f"c AS MATERIALIZED (SELECT * FROM {step} WHERE {kept})")
        where = []
    if user.is_area_scoped:
        # The same row-level rule as everywhere else, evaluated per candidate (not over the whole fleet).
        scoped = Vessel.objects.filter(pk=RawSQL("c.vessel_id", [])).visible_to(user).values("pk")
        scoped_sql, scoped_params = scoped.query.sql_with_params()
        where.append(f"EXISTS ({scoped_sql})")
        params += list(scoped_params)
    id_hit = "CASE WHEN " + " OR ".join(f"{n} = 3" for n in names) + " THEN 1 ELSE 0 END"
    marks = " + ".join(f"CASE WHEN {n} = 2 THEN 1 ELSE 0 END" for n in names)
    folded = " + ".join(f"CASE WHEN {n} >= 1 THEN 1 ELSE 0 END" for n in names)
    # The whole name typed, no more and no fewer words: "Nguyễn Văn Hùng" above "Nguyễn Văn Chấn Hùng".
    whole = f"CASE WHEN ({folded}) = %s AND d.words = %s THEN 1 ELSE 0 END"
    params += [len(terms), len(terms)]
    # Each candidate's sort row, by its key. SQLite always joins by nested loop; PostgreSQL would hash the
    # whole SearchDoc table for 2,000 candidates, so there the lookup is LATERAL (a probe per candidate).
    if postgres:
        # LIMIT 1 (one row by key anyway) keeps the planner from pulling the lookup up into a plain join.
        doc_join = (f"CROSS JOIN LATERAL (SELECT x.sort_key, x.words FROM {doc_table} x"
                    f" WHERE x.vessel_id = c.vessel_id LIMIT 1) d")
    else:
        doc_join = f"JOIN {doc_table} d ON d.vessel_id = c.vessel_id"
    sql = (
        # MATERIALIZED: each lookup runs once per candidate; as plain subqueries SQLite would copy a
        # correlated lookup into every WHERE and ORDER BY term that uses its value.
        f"WITH g AS MATERIALIZED ({base}), {', '.join(ctes)} SELECT c.vessel_id FROM c {doc_join}"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY {id_hit} DESC, ({marks}) DESC, ({folded}) DESC, {whole} DESC,"
        f" {_c('d.sort_key')}, c.vessel_id LIMIT %s"
    )
    params.append(limit)
    # No transaction (on SQLite the settings' IMMEDIATE mode would make every search take the write
    # lock). PostgreSQL connections run with jit=off (settings): the correlated lookups make the planner's
    # cost estimate large enough to trigger JIT compilation, 0.2-2 s for a query that runs in 10 ms.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]

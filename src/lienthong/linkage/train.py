"""Model parameters from the data itself: m from labelled pairs, u from random pairs.

m (how a level is distributed among true matches) comes from pairs whose link is known without
the comparison being estimated (labels, not guesses):
  * A: the registry ID is exactly a population CCCD/CMND. For the name comparisons only the A pairs
    whose full birth date agrees are used, for the birth comparison those whose name agrees, for
    gender, middle name and commune those where both agree: a relative's ID (name and birth both
    wrong) never counts as a match, and no comparison is judged by itself.
  * B: name and full birth date identical and unique on both sides (one registry record, one
    person). These teach the ID comparison how often the ID on a matched record is wrong (typo,
    transposition, someone else's), which A cannot.
u (how a level is distributed among non-matches) comes from a seeded random sample of registry ×
population pairs; the ID levels are too rare for any sample and are computed directly: an exact ID
agrees by chance with 1 person in N; the one-digit / transposition rates are the measured number of
population IDs one slip away from the registry's IDs.

The level conditions are the same SQL as in model.COMPARISONS, evaluated here by the engine Splink scores on
(DuckDB or Spark, engine.py), so the counts are exactly Splink's comparison-vector values. The samples are the
rows first in the order of an MD5 of their id (seeded; of a population, within a fixed slice when it is large):
the same rows on either engine, where a reservoir sample would differ.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lienthong.linkage.engine import Engine
from lienthong.linkage.model import COMPARISONS

__all__ = ["Parameters", "gamma_sql", "estimate"]

# Pseudo-count per level: keeps a level never seen among the labels from getting m = 0
# (an infinite negative weight) while barely moving well-observed levels.
PSEUDO_COUNT = 0.5
U_SAMPLE_LEFT, U_SAMPLE_RIGHT = 3000, 3000
SLICE_ROWS = 60_000  # population rows the u sample is drawn from, at least (20 per sampled row)
SEED = 20250701


@dataclass
class Parameters:
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    counts: dict[str, int] = field(default_factory=dict)  # labelled pairs used, by label kind


_COLUMN = re.compile(r"\b[lr]\.(\w+)")


def gamma_sql(comparison: str, levels) -> str:
    """CASE expression giving the level name of a pair (aliases l and r)."""
    whens = []
    for name, sql, _is_null, _tf in levels:
        if sql == "ELSE":
            whens.append(f"ELSE '{name}'")
        else:
            whens.append(f"WHEN {sql} THEN '{name}'")
    return f"CASE {' '.join(whens)} END AS g_{comparison}"


def _all_gammas() -> str:
    return ",\n".join(gamma_sql(name, levels) for name, levels in COMPARISONS)


def _distribution(eng: Engine, table: str, comparison: str, where: str = "TRUE", weight: str = "1") -> dict[str, float]:
    """Share of each non-null level of a comparison in a table of gammas, with pseudo-counts."""
    names = [lv[0] for c, levels in COMPARISONS if c == comparison for lv in levels if not lv[2]]
    rows = dict(eng.rows(
        f"SELECT g_{comparison}, sum({weight}) FROM {table} WHERE ({where}) AND g_{comparison} <> 'null' "
        f"GROUP BY g_{comparison}"))
    total = sum(rows.get(n, 0) for n in names) + PSEUDO_COUNT * len(names)
    return {n: (rows.get(n, 0) + PSEUDO_COUNT) / total for n in names}


def _slice(population_size: int) -> str:
    """A condition keeping a fixed slice of a large population for the u sample: the people whose CCCD ends in
    00 … k-1, about SLICE_ROWS of them. The last digits are a serial number, unrelated to name, birth date,
    gender or commune, so the slice is as random as the whole; ordering 5 million rows by an MD5 of their id cost
    1.7 s of every run, the slice 0.7 s. Every person is kept when the population is small."""
    k = -(-100 * SLICE_ROWS // max(population_size, 1))  # ceil: the slice holds at least SLICE_ROWS on average
    return "TRUE" if k >= 100 else f"substr(r.uid, 11, 2) < '{k:02d}'"


def estimate(eng: Engine, reg: str, pop: str, population_size: int, id_holders: str | None = None) -> Parameters:
    """m and u for every comparison level, from registry table `reg` and population `pop`; `id_holders`, if given,
    a table of the population rows holding an ID the registry gives (the exact-ID labels are among them)."""
    gammas = _all_gammas()
    # -- labels A: exact ID ----------------------------------------------------------------
    eng.create("lab_a", f"""
        SELECT {gammas} FROM {reg} AS l JOIN {id_holders or pop} AS r ON l.id_cccd = r.id_cccd
        UNION ALL
        SELECT {gammas} FROM {reg} AS l JOIN {id_holders or pop} AS r ON l.id_cmnd = r.id_cmnd
    """)
    name_ok = "g_given IN ('exact', 'folded') AND g_family = 'exact'"
    # A registry that gives only the birth year (a land certificate: "sinh năm 1960") labels as well: the ID and
    # the year agree. Without it such a registry has no labelled pair for the name comparisons, whose m then stay
    # at their pseudo-counts (every level alike: a given name written the same worth less than one without
    # diacritics, a gender that differs costing nothing).
    birth_ok = "g_birth IN ('exact', 'swapped', 'year_only')"
    m = {
        "given": _distribution(eng, "lab_a", "given", birth_ok),
        "family": _distribution(eng, "lab_a", "family", birth_ok),
        "birth": _distribution(eng, "lab_a", "birth", name_ok),
        "middle": _distribution(eng, "lab_a", "middle", f"{name_ok} AND {birth_ok}"),
        "gender": _distribution(eng, "lab_a", "gender", f"{name_ok} AND {birth_ok}"),
        "commune": _distribution(eng, "lab_a", "commune", f"{name_ok} AND {birth_ok}"),
    }
    # -- labels B: unique name + full birth date -------------------------------------------
    eng.create("lab_b", f"""
        WITH ul AS (
            SELECT name_folded, birth_date FROM {reg} WHERE birth_date IS NOT NULL
            GROUP BY ALL HAVING count(*) = 1
        ), ur AS (
            SELECT r.name_folded, r.birth_date FROM {pop} AS r SEMI JOIN ul USING (name_folded, birth_date)
            GROUP BY ALL HAVING count(*) = 1
        )
        SELECT {gammas}
        FROM {reg} AS l JOIN ur USING (name_folded, birth_date)
        JOIN {pop} AS r ON r.name_folded = l.name_folded AND r.birth_date = l.birth_date
    """)
    m["id"] = _distribution(eng, "lab_b", "id")
    counts = {
        "exact_id": eng.one("SELECT count(*) FROM lab_a")[0],
        "name_birth": eng.one("SELECT count(*) FROM lab_b")[0],
    }
    # -- u: seeded random pairs -------------------------------------------------------------
    # Population rows whose CCCD a registry record carries are left out of the sample (they would
    # be true matches). Each comparison only reads a few columns, so the sampled sides are grouped
    # on those columns first and the cross join weighs each group pair by its counts: the same
    # figures as the full cross join of the samples at a fraction of the cost.
    eng.create("u_l", f"SELECT * FROM {reg} ORDER BY md5(uid || '|{SEED}'), uid LIMIT {U_SAMPLE_LEFT}")
    eng.create("u_r", f"""SELECT * FROM (SELECT r.* FROM {pop} AS r ANTI JOIN {reg} AS l ON l.id_cccd = r.id_cccd
                                          WHERE {_slice(population_size)})
        ORDER BY md5(uid || '|{SEED}'), uid LIMIT {U_SAMPLE_RIGHT}""")
    u = {}
    for name, levels in COMPARISONS:
        if name == "id":
            continue
        cols = sorted({c for _, sql, _, _ in levels for c in _COLUMN.findall(sql)})
        col_list = ", ".join(cols)
        eng.create("u_pairs", f"""
            WITH l AS (SELECT {col_list}, count(*) AS n FROM u_l GROUP BY {col_list}),
                 r AS (SELECT {col_list}, count(*) AS n FROM u_r GROUP BY {col_list})
            SELECT g_{name}, sum(n) AS n FROM (
                SELECT {gamma_sql(name, levels)}, l.n * r.n AS n FROM l CROSS JOIN r
            ) GROUP BY g_{name}
        """)
        u[name] = _distribution(eng, "u_pairs", name, weight="n")
    # ID levels: exact by chance is one person in N; slips measured against the population.
    with_id = eng.one(f"SELECT count(*) FROM {reg} WHERE id_cccd IS NOT NULL")[0] or 1
    near = eng.one(f"""
        WITH p AS (
            SELECT l.uid, r.uid AS ruid, l.id_cccd AS a, r.id_cccd AS b
            FROM {reg} AS l JOIN {pop} AS r ON l.id_last6 = r.id_last6
            UNION
            SELECT l.uid, r.uid, l.id_cccd, r.id_cccd FROM {reg} AS l JOIN {pop} AS r ON l.id_f6l3 = r.id_f6l3
            UNION
            SELECT l.uid, r.uid, l.id_cccd, r.id_cccd FROM {reg} AS l JOIN {pop} AS r ON l.id_first9 = r.id_first9
        )
        SELECT count(*) FILTER (WHERE length(a) = length(b) AND levenshtein(a, b) = 1),
               count(*) FILTER (WHERE length(a) = length(b) AND levenshtein(a, b) = 2 AND damerau_levenshtein(a, b) = 1)
        FROM p
    """)
    pairs = with_id * population_size
    u_exact = 1.0 / population_size
    u_one = max(near[0], 1) / pairs
    u_trans = max(near[1], 1) / pairs
    u["id"] = {"exact": u_exact, "one_digit": u_one, "transposition": u_trans,
               "different": 1.0 - u_exact - u_one - u_trans}
    eng.drop("lab_a", "lab_b", "u_pairs", "u_l", "u_r")
    return Parameters(m, u, counts)

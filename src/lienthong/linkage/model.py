"""Splink settings: blocking rules and comparisons over the prepared columns (see prepare.py).

Every level is plain SQL over prepared columns (no Python UDFs), written in DuckDB's dialect, so the same
settings run on Splink's Spark backend: engine.py translates them with sqlglot (list_contains is array_contains)
and maps jaro_winkler_similarity and damerau_levenshtein to the Scala UDFs Splink registers on Spark.

Parameters are data: `settings(m=..., u=...)` returns a complete Splink settings dict with the
m and u probabilities filled in per level (see train.py for where they come from).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["COMPARISONS", "BLOCKING_RULES", "ID_BLOCKING_RULES", "TRAINING_BLOCKING_RULES",
           "settings", "level_names", "PRIOR"]

# (comparison name, output column name, [(level name, sql, is_null, tf column or None)]).
# The last level of each comparison is "else" (everything not caught above).
Level = tuple[str, str, bool, str | None]
COMPARISONS: list[tuple[str, list[Level]]] = [
    ("id", [
        ("null", "(l.id_cccd IS NULL AND l.id_cmnd IS NULL) OR (r.id_cccd IS NULL AND r.id_cmnd IS NULL)", True, None),
        ("exact", "l.id_cccd = r.id_cccd OR l.id_cmnd = r.id_cmnd", False, None),
        # One substitution: Levenshtein 1 between numbers of one length (DuckDB's hamming, which Spark lacks).
        ("one_digit", "length(l.id_cccd) = length(r.id_cccd) AND levenshtein(l.id_cccd, r.id_cccd) = 1", False, None),
        ("transposition", "damerau_levenshtein(l.id_cccd, r.id_cccd) = 1", False, None),
        ("different", "ELSE", False, None),
    ]),
    ("given", [
        ("null", "l.given_folded IS NULL OR r.given_folded IS NULL", True, None),
        ("exact", "l.given_lc = r.given_lc", False, "given_folded"),
        ("folded", "l.given_folded = r.given_folded", False, "given_folded"),
        ("similar", "jaro_winkler_similarity(l.given_folded, r.given_folded) >= 0.9", False, None),
        ("different", "ELSE", False, None),
    ]),
    ("family", [
        ("null", "l.family_key IS NULL OR r.family_key IS NULL", True, None),
        ("exact", "l.family_key = r.family_key", False, "family_key"),
        ("different", "ELSE", False, None),
    ]),
    ("middle", [
        ("null", "l.middle_folded IS NULL AND r.middle_folded IS NULL", True, None),
        ("exact", "l.middle_folded = r.middle_folded", False, None),
        ("one_missing", "l.middle_folded IS NULL OR r.middle_folded IS NULL", False, None),
        ("part", "contains(' ' || l.middle_folded || ' ', ' ' || r.middle_folded || ' ') "
                 "OR contains(' ' || r.middle_folded || ' ', ' ' || l.middle_folded || ' ')", False, None),
        ("different", "ELSE", False, None),
    ]),
    ("birth", [
        ("null", "(l.birth_year IS NULL) OR (r.birth_year IS NULL)", True, None),
        ("exact", "l.birth_date = r.birth_date", False, None),
        ("swapped", "l.birth_swapped = r.birth_date", False, None),
        ("year_only", "(l.birth_date IS NULL OR r.birth_date IS NULL) AND l.birth_year = r.birth_year", False, None),
        ("same_year", "l.birth_year = r.birth_year", False, None),
        ("year_off_by_one", "abs(l.birth_year - r.birth_year) = 1", False, None),
        ("different", "ELSE", False, None),
    ]),
    ("gender", [
        ("null", "l.gender IS NULL OR r.gender IS NULL", True, None),
        ("exact", "l.gender = r.gender", False, None),
        ("different", "ELSE", False, None),
    ]),
    ("commune", [
        ("null", "(l.commune_code IS NULL AND l.commune_candidates IS NULL) "
                 "OR (r.commune_code IS NULL AND r.commune_candidates IS NULL)", True, None),
        ("exact", "l.commune_code = r.commune_code", False, None),
        ("candidate", "list_contains(l.commune_candidates, r.commune_code) "
                      "OR list_contains(r.commune_candidates, l.commune_code)", False, None),
        ("different", "ELSE", False, None),
    ]),
]

# Blocking: a pair is scored when any rule holds. ID rules find right and damaged IDs; the name
# rules find owners whose ID is missing, scientific-notation, or someone else's.
ID_BLOCKING_RULES = [
    "l.id_cccd = r.id_cccd",
    "l.id_cmnd = r.id_cmnd",
]
BLOCKING_RULES = ID_BLOCKING_RULES + [
    "l.id_last6 = r.id_last6",
    "l.id_f6l3 = r.id_f6l3",
    "l.id_first9 = r.id_first9",
    # A record with no usable ID, only a birth year and another commune: its name. On the given name and year
    # alone this rule made 62 % of the pairs compared (1,215,044 of the vessel registry's against 5 M people;
    # 460,741 with the family key too, bench/link.py), strangers who share a given name and a year. With the
    # family key every record keeps its status and person (diverse names), one of 10,026 loses its right
    # person in review (demo names).
    "l.given_folded = r.given_folded AND l.family_key = r.family_key AND l.birth_year = r.birth_year",
    "l.family_key = r.family_key AND l.birth_date = r.birth_date",
    "l.family_key = r.family_key AND l.birth_swapped = r.birth_date",
    "l.given_folded = r.given_folded AND l.family_key = r.family_key AND l.commune_code = r.commune_code",
]
# The training pass: labelled pairs (exact ID) and name+date pairs (to learn how often the ID is wrong).
TRAINING_BLOCKING_RULES = ID_BLOCKING_RULES + [
    "l.name_folded = r.name_folded AND l.birth_date = r.birth_date",
]

#: Prior: the chance that a registry record and a random person are the same (one in the population).
PRIOR = None  # set per run from the population size


_SIDE = re.compile(r"\b([lr])\.(\w+)")


def comparison_sql(sql: str) -> str:
    """Comparison levels are written with l./r. like blocking rules; Splink wants col_l / col_r."""
    return _SIDE.sub(lambda m: f"{m.group(2)}_{m.group(1)}", sql)


def level_names(comparison: str) -> list[str]:
    """Level names of a comparison, highest comparison-vector value first (Splink's order)."""
    for name, levels in COMPARISONS:
        if name == comparison:
            return [lv[0] for lv in levels]
    raise KeyError(comparison)


def gamma_value(comparison: str, level: str) -> int:
    """Splink's comparison-vector value of a level: -1 for null, then counting down to 0."""
    names = level_names(comparison)
    non_null = [n for n in names if n != "null"]
    if level == "null":
        return -1
    return len(non_null) - 1 - non_null.index(level)


def settings(m: dict[str, dict[str, float]] | None = None, u: dict[str, dict[str, float]] | None = None,
             population_size: int | None = None, blocking_rules: list[str] | None = None,
             dialect: Callable[[str], str] | None = None) -> dict[str, Any]:
    """A Splink settings dict with the given m/u per comparison and level (missing: Splink default).

    dialect: writes a DuckDB-dialect condition as the engine Splink runs on writes it (engine.Engine.dialect)."""
    comparisons = []
    for name, levels in COMPARISONS:
        out_levels = []
        for level, sql, is_null, tf in levels:
            lv: dict[str, Any] = {
                "sql_condition": comparison_sql(sql) if sql == "ELSE" or dialect is None
                else dialect(comparison_sql(sql)),
                "label_for_charts": level,
            }
            if is_null:
                lv["is_null_level"] = True
            else:
                if m and name in m and level in m[name]:
                    lv["m_probability"] = m[name][level]
                if u and name in u and level in u[name]:
                    lv["u_probability"] = u[name][level]
            if tf:
                lv["tf_adjustment_column"] = tf
                lv["tf_adjustment_weight"] = 1.0
            out_levels.append(lv)
        comparisons.append({"output_column_name": name, "comparison_levels": out_levels,
                            "comparison_description": name})
    s: dict[str, Any] = {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking_rules or BLOCKING_RULES,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": ["name_lc"],
    }
    if population_size:
        # One person in the population is the owner: the chance a random pair matches.
        s["probability_two_random_records_match"] = 1.0 / population_size
    return s

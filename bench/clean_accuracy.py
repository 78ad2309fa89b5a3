"""The figures of a registry's cleaning against its demo truth (bench/clean.py; tests/registries).

Per person (a record's role): automatic-link precision (verified or matched to the right person) and recall
(of the persons in the population, those linked automatically to themselves), and right-person-found recall
(linked automatically, or in review with the right person first). Duplicates, as pairs of records of the same
event (which one is kept is the rule's choice, so a pair is counted either way): precision and recall. And how
many of the truly under-age records and second marriages were flagged.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

AUTO = ("verified", "matched")


@dataclass
class Figures:
    persons: int
    in_population: int
    auto: int
    auto_right: int
    found_right: int
    duplicate_pairs_found: int
    duplicate_pairs_true: int
    duplicate_pairs_right: int
    underage_true: int
    underage_flagged: int
    two_marriages_true: int
    two_marriages_flagged: int

    @property
    def auto_precision(self) -> float:
        return self.auto_right / self.auto if self.auto else 1.0

    @property
    def auto_recall(self) -> float:
        return self.auto_right / self.in_population if self.in_population else 1.0

    @property
    def found(self) -> float:
        return self.found_right / self.in_population if self.in_population else 1.0

    @property
    def duplicate_precision(self) -> float:
        return self.duplicate_pairs_right / self.duplicate_pairs_found if self.duplicate_pairs_found else 1.0

    @property
    def duplicate_recall(self) -> float:
        return self.duplicate_pairs_right / self.duplicate_pairs_true if self.duplicate_pairs_true else 1.0

    def lines(self) -> list[str]:
        return [
            f"automatic links: precision {self.auto_precision:.4f} ({self.auto - self.auto_right} wrong of "
            f"{self.auto}; target >= 0.999), recall {self.auto_recall:.4f} (target >= 0.90)",
            f"right person found (automatic or first in review): {self.found:.4f} (target >= 0.97)",
            f"duplicates: precision {self.duplicate_precision:.4f} ({self.duplicate_pairs_found} pairs found; target"
            f" >= 0.98), recall {self.duplicate_recall:.4f} ({self.duplicate_pairs_true} true; target >= 0.90)",
            f"flagged: under age {self.underage_flagged} records (truly {self.underage_true}); two marriages "
            f"{self.two_marriages_flagged} husbands' rows (truly {self.two_marriages_true})",
        ]


def _pairs(groups: dict[str, set[str]]) -> set[frozenset]:
    return {frozenset(p) for members in groups.values() for p in combinations(sorted(members), 2)}


def evaluate(out_csv: Path, truth_csv: Path) -> Figures:
    truth = {(r["record_id"], r["role"]): r for r in csv.DictReader(open(truth_csv, encoding="utf-8"))}
    rows = list(csv.DictReader(open(out_csv, encoding="utf-8")))
    persons = len(rows)
    in_pop = auto = auto_right = found_right = 0
    found_groups: dict[str, set[str]] = {}
    true_groups: dict[str, set[str]] = {}
    under_true = two_true = two_flagged = 0
    underage_records: set[str] = set()
    for r in rows:
        t = truth[(r["record_id"], r["role"])]
        true_id = t["person_id"]
        in_pop += bool(true_id)
        is_auto = r["status"] in AUTO
        auto += is_auto
        auto_right += is_auto and bool(true_id) and r["person_id"] == true_id
        found_right += bool(true_id) and r["person_id"] == true_id and (is_auto or r["status"] == "review")
        flags = set(filter(None, r["flags"].split(";")))
        if r["role"] == "husband":
            kept = r["duplicate_of"] or r["record_id"]
            found_groups.setdefault(kept, set()).add(r["record_id"])
            first = t["duplicate_of"] or r["record_id"]
            true_groups.setdefault(first, set()).add(r["record_id"])
            under_true += t["underage"] == "1"
            two_true += t["two_marriages"] == "1"
            two_flagged += "two_marriages" in flags
        if "underage" in flags:  # a record is flagged under age when either spouse's row says so
            underage_records.add(r["record_id"])
    under_flagged = len(underage_records)
    found, true = _pairs(found_groups), _pairs(true_groups)
    return Figures(persons, in_pop, auto, auto_right, found_right, len(found), len(true), len(found & true),
                   under_true, under_flagged, two_true, two_flagged)

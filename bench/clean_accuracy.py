"""The figures of a registry's cleaning against its demo truth (bench/clean.py; tests/registries).

Per person (a record's role, as the truth names it): automatic-link precision (verified or matched to the right
person; a person the output names that the truth does not, linked automatically, counts as wrong) and recall (of
the persons in the population, those linked automatically to themselves), and right-person-found recall (linked
automatically, or in review with the right person first). Duplicates, as pairs of records of the same event
(which one is kept is the rule's choice, so a pair counts either way): precision and recall. Flags: for each
rule the truth has a column for (underage, two_marriages, holders_differ, duplicate_conflict…), the records truly
so and those the rule flagged, and how many of those were right. A role the truth never names anyone for (a martyr,
not in the population) counts in none of the link figures but as a wrong automatic link if the output links it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

AUTO = ("verified", "matched")
TRUTH_KEYS = ("record_id", "role", "person_id", "duplicate_of")


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
    flags: dict = field(default_factory=dict)  # rule → (records truly, records flagged, flagged and true)

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
        out = [
            f"automatic links: precision {self.auto_precision:.4f} ({self.auto - self.auto_right} wrong of "
            f"{self.auto}; target >= 0.999), recall {self.auto_recall:.4f} (target >= 0.90)",
            f"right person found (automatic or first in review): {self.found:.4f} (target >= 0.97)",
            f"duplicates: precision {self.duplicate_precision:.4f} ({self.duplicate_pairs_found} pairs found; target"
            f" >= 0.98), recall {self.duplicate_recall:.4f} ({self.duplicate_pairs_true} true; target >= 0.90)",
        ]
        for rule, (true, flagged, right) in sorted(self.flags.items()):
            out.append(f"flag {rule}: {flagged} records flagged, {right} of them truly; {true} truly")
        return out


def _pairs(groups: dict[str, set[str]]) -> set[frozenset]:
    return {frozenset(p) for members in groups.values() for p in combinations(sorted(members), 2)}


def evaluate(out_csv: Path, truth_csv: Path) -> Figures:
    truth_rows = list(csv.DictReader(open(truth_csv, encoding="utf-8")))
    truth = {(r["record_id"], r["role"]): r for r in truth_rows}
    rules = [c for c in (truth_rows[0].keys() if truth_rows else ()) if c not in TRUTH_KEYS]
    rows = list(csv.DictReader(open(out_csv, encoding="utf-8")))
    out = {(r["record_id"], r["role"]): r for r in rows}
    in_pop = sum(1 for t in truth_rows if t["person_id"])
    auto = auto_right = found_right = 0
    for key, r in out.items():
        true_id = truth.get(key, {}).get("person_id", "")
        is_auto = r["status"] in AUTO
        auto += is_auto
        right = bool(true_id) and r["person_id"] == true_id
        auto_right += is_auto and right
        found_right += right and (is_auto or r["status"] == "review")
    found_groups: dict[str, set[str]] = {}
    true_groups: dict[str, set[str]] = {}
    flagged: dict[str, set[str]] = {rule: set() for rule in rules}
    for r in rows:
        found_groups.setdefault(r["duplicate_of"] or r["record_id"], set()).add(r["record_id"])
        for rule in rules:
            if rule in r["flags"].split(";"):
                flagged[rule].add(r["record_id"])
    truly: dict[str, set[str]] = {rule: set() for rule in rules}
    for t in truth_rows:
        true_groups.setdefault(t["duplicate_of"] or t["record_id"], set()).add(t["record_id"])
        for rule in rules:
            if t[rule] == "1":
                truly[rule].add(t["record_id"])
    found, true = _pairs(found_groups), _pairs(true_groups)
    return Figures(len(truth_rows), in_pop, auto, auto_right, found_right, len(found), len(true), len(found & true),
                   {rule: (len(truly[rule]), len(flagged[rule]), len(flagged[rule] & truly[rule])) for rule in rules})

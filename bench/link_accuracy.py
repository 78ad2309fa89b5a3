"""Accuracy of `lienthong link` on generated data: the default demo and an unseen variant.

    .venv/bin/python bench/link_accuracy.py [--work DIR] [--population N] [--vessels N]

Prints, per data set: wrong automatic links (per 1,000 automatic links), the share of owners who
exist in the population linked automatically, the share linked or in review with the right person
first, and the confusion cases (record, status, truth, chosen, reason).
"""
from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from lienthong.demo import Damage, generate
from lienthong.linkage.command import run

# "Data you have not seen": another seed and other damage rates.
UNSEEN_DAMAGE = Damage(
    id_missing=0.12, id_old_cmnd=0.04, id_typo=0.05, id_transposed=0.02, id_lost_leading_zero=0.15,
    id_scientific=0.02, id_relative=0.02, name_no_diacritics=0.30, name_tcvn3=0.05, name_vni=0.05,
    name_middle_dropped=0.10, name_variant_family=0.03, birth_text=0.50, birth_excel_date=0.10,
    birth_year_only=0.25, birth_day_month_swapped=0.05, birth_missing=0.10,
    address_old_style=0.60, address_2025_style=0.25, address_missing=0.15, gender_missing=0.2,
)


@dataclass
class Figures:
    records: int
    in_population: int
    auto: int
    auto_wrong: int
    auto_right: int
    right_first: int  # auto right + review with the right person first
    not_in_population_linked: int
    confusions: list[tuple[str, str, str, str, str]]

    def lines(self) -> list[str]:
        per_1000 = 1000 * self.auto_wrong / self.auto if self.auto else 0.0
        return [
            f"records {self.records}, owners in the population {self.in_population}",
            f"automatic links {self.auto}, wrong {self.auto_wrong} ({per_1000:.2f} per 1,000; target <= 1)",
            f"linked automatically {100 * self.auto_right / self.in_population:.2f} % of owners in the population (target >= 90 %)",
            f"linked or review with the right person first {100 * self.right_first / self.in_population:.2f} % (target >= 97 %)",
            f"owners not in the population given a person automatically: {self.not_in_population_linked}",
        ]


def evaluate(result_csv: Path | None, truth_csv: Path, decisions=None) -> Figures:
    truth = {r["record_id"]: r["true_cccd"] for r in csv.DictReader(open(truth_csv, encoding="utf-8"))}
    if decisions is None:
        rows = list(csv.DictReader(open(result_csv, encoding="utf-8")))
    else:
        rows = [{"record_id": d.record_id, "person_id": d.person_id, "status": d.status, "reason": d.reason}
                for d in decisions]
    auto = wrong = right = first = outside = 0
    confusions = []
    for r in rows:
        true = truth[r["record_id"]]
        is_auto = r["status"] in ("verified", "matched")
        if is_auto:
            auto += 1
            if r["person_id"] != true:
                wrong += 1
                outside += not true
        if true:
            if is_auto and r["person_id"] == true:
                right += 1
                first += 1
            elif r["status"] == "review" and r["person_id"] == true:
                first += 1
        if (is_auto and r["person_id"] != true) or (true and r["person_id"] != true):
            confusions.append((r["record_id"], r["status"], true, r["person_id"], r["reason"]))
    in_pop = sum(1 for v in truth.values() if v)
    return Figures(len(rows), in_pop, auto, wrong, right, first, outside, confusions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-link-accuracy")
    parser.add_argument("--population", type=int, default=200_000)
    parser.add_argument("--vessels", type=int, default=10_026)
    parser.add_argument("--show", type=int, default=15, help="confusion cases to print per data set")
    args = parser.parse_args(argv)
    work = Path(args.work)
    sets = (
        ("default demo (seed 20250701)", work / "default", {}),
        ("unseen: seed 424242, other damage rates", work / "unseen", {"seed": 424242, "damage": UNSEEN_DAMAGE}),
    )
    for title, folder, kw in sets:
        if not (folder / "truth.csv").is_file():
            generate(folder, vessels=args.vessels, population=args.population, **kw)
        result = run(folder / "population.csv", folder / "registry.csv", cache_dir=folder / "cache")
        fig = evaluate(None, folder / "truth.csv", result.decisions)
        statuses: dict[str, int] = {}
        for d in result.decisions:
            statuses[d.status] = statuses.get(d.status, 0) + 1
        print(f"== {title}: {args.vessels} vessels, {args.population} people")
        print("   statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
        for line in fig.lines():
            print("   " + line)
        print(f"   confusion cases ({len(fig.confusions)}; first {args.show}):")
        for c in fig.confusions[: args.show]:
            print("     " + " | ".join(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())

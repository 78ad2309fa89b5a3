"""`python -m lienthong.demo.default_model [--out PATH] [--vessels N] [--population N] [--seed N]`

Rebuilds the scoring model shipped with the package (src/lienthong/linkage/data/default-model.json):
learned from the synthetic demo province (lienthong.demo.generate, whose people are made from the
public given-name lists and the family-name shares of lienthong.demo.names) by the batch engine's
own learning step. An HTTP-only deployment (no extract to learn from, no saved model) scores with it,
carried over to the service's population size (ScoringModel.for_population).

It keeps weights, the population size and the counts of name PARTS (folded given names, family
keys): nothing that identifies a person. One DuckDB thread and fixed seeds: the same file every time.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from lienthong.demo import generate
from lienthong.linkage.command import learn
from lienthong.linkage.weights import SHIPPED, ScoringModel

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "linkage" / "data" / SHIPPED
VESSELS, POPULATION, SEED = 10_026, 200_000, 20250701


def build(vessels: int = VESSELS, population: int = POPULATION, seed: int = SEED) -> ScoringModel:
    with tempfile.TemporaryDirectory(prefix="lienthong-default-model-") as tmp:
        files = generate(Path(tmp) / "demo", vessels=vessels, population=population, seed=seed)
        model = learn(files.population, files.registry_csv, cache_dir=Path(tmp) / "cache", threads=1)
    model.learned_from = {"kind": "demo", "seed": seed, "vessels": vessels, "population": population}
    model.learned_at = ""  # the file must rebuild byte for byte
    return model


def dumps(model: ScoringModel) -> str:
    """Sorted keys and one entry per line: a rebuild that changes nothing changes no byte."""
    return json.dumps(model.to_json(), ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lienthong.demo.default_model", description=__doc__.splitlines()[2])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help=f"output file (default {DEFAULT_OUT})")
    parser.add_argument("--vessels", type=int, default=VESSELS)
    parser.add_argument("--population", type=int, default=POPULATION)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    model = build(args.vessels, args.population, args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(model), encoding="utf-8")
    print(f"{out}: N = {model.population_size}, {sum(len(v) for v in model.tf_counts.values())} name parts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

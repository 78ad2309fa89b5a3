"""The scoring model as data: everything a pair's score depends on besides the two records.

m and u per comparison level (train.py), the population size N (the prior, and the u of an exact
ID), and the population's term frequencies of the columns with a TF adjustment (given name, family
name; model.COMPARISONS). Learned once from the whole registry and the whole population, saved as
JSON, then used as is by every scoring: each chunk of a local sync run, and the HTTP path, which
scores the people the service returns with the same Splink settings. Learned again per chunk (from
1,000 owners) or from the few people a search returns, two scorings of one owner would differ.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from lienthong.linkage import model, train
from lienthong.linkage.engine import Engine

__all__ = ["ScoringModel", "TF_COLUMNS", "learn_from", "shipped"]

#: Columns whose agreement Splink adjusts by the value's frequency in the population.
TF_COLUMNS: tuple[str, ...] = tuple(sorted({lv[3] for _, levels in model.COMPARISONS for lv in levels if lv[3]}))


@dataclass
class ScoringModel:
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    population_size: int
    #: column → {value: people in the population with that value}
    tf_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: labelled pairs the m came from, by kind (train.Parameters.counts)
    counts: dict[str, int] = field(default_factory=dict)
    #: when it was learned (ISO 8601, UTC; "" for the shipped default, which must rebuild byte for byte)
    learned_at: str = ""
    #: what it was learned from: {"kind": "extract"} or {"kind": "demo", "seed", "vessels", "population"}
    learned_from: dict = field(default_factory=dict)
    #: the population tf_counts count (0: population_size). Differs once the model is carried over to a
    #: population of another size (for_population): the names keep their shares.
    tf_total: int = 0

    @property
    def parameters(self) -> train.Parameters:
        return train.Parameters(self.m, self.u, self.counts)

    def to_json(self) -> dict:
        return {"m": self.m, "u": self.u, "population_size": self.population_size,
                "tf_counts": self.tf_counts, "counts": self.counts, "learned_at": self.learned_at,
                "learned_from": self.learned_from, "tf_total": self.tf_total}

    @classmethod
    def from_json(cls, d: dict) -> ScoringModel:
        return cls(d["m"], d["u"], int(d["population_size"]), d.get("tf_counts") or {}, d.get("counts") or {},
                   d.get("learned_at") or "", d.get("learned_from") or {}, int(d.get("tf_total") or 0))

    def for_population(self, people: int) -> ScoringModel:
        """The same model for a population of `people` (a service's, when the model was learned elsewhere).

        What depends on N follows it: the prior (1/N, model.settings) and the chance that an ID agrees
        by accident (u of an exact ID, 1/N). The one-digit and transposition u are rates per pair, and
        the name frequencies are shares (kept as such through tf_total): they do not depend on N."""
        if people <= 1 or people == self.population_size:
            return self
        u_id = dict(self.u["id"])
        u_id["exact"] = 1.0 / people
        u_id["different"] = 1.0 - sum(v for k, v in u_id.items() if k != "different")
        return replace(self, u={**self.u, "id": u_id}, population_size=int(people),
                       tf_total=self.tf_total or self.population_size)

    def save(self, path: str | os.PathLike) -> None:
        """Written to a temporary name and renamed: a reader never sees half a model."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_json(), fh, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike) -> ScoringModel:
        with open(path, encoding="utf-8") as fh:
            return cls.from_json(json.load(fh))

    def register_tf_tables(self, eng: Engine) -> list[str]:
        """Tables tf_<column> (value, frequency) as Splink's TF lookups; their names."""
        import pyarrow as pa

        names = []
        total = int(self.tf_total or self.population_size)
        for col in TF_COLUMNS:
            counts = self.tf_counts.get(col, {})
            eng.arrow(f"tf_{col}", pa.table({
                col: pa.array(list(counts), pa.string()),
                f"tf_{col}": pa.array([n / total for n in counts.values()], pa.float64())}))
            names.append(f"tf_{col}")
        return names


def learn_from(eng: Engine, reg: str, pop: str, id_holders: str | None = None) -> ScoringModel:
    """The model of registry table `reg` against population `pop` (prepared columns); `id_holders`, if given, a
    table of the population rows holding an ID the registry gives (command._id_holders)."""
    n_pop = eng.one(f"SELECT count(*) FROM {pop}")[0]
    params = train.estimate(eng, reg, pop, n_pop, id_holders)
    tf = {col: dict(eng.rows(f"SELECT {col}, count(*) FROM {pop} WHERE {col} IS NOT NULL GROUP BY {col}"))
          for col in TF_COLUMNS}
    return ScoringModel(params.m, params.u, n_pop, tf, params.counts)


#: The model shipped with the package: learned once from the synthetic demo province (its names come from
#: the public given-name lists), rebuilt by `python -m lienthong.demo.default_model`. Weights, population
#: size and name-part counts only: no person's number, birth date or full name.
SHIPPED = "default-model.json"


def shipped() -> ScoringModel:
    """The default model, for a deployment that has no extract to learn from and no saved model."""
    with resources.files("lienthong.linkage").joinpath("data", SHIPPED).open(encoding="utf-8") as fh:
        return ScoringModel.from_json(json.load(fh))

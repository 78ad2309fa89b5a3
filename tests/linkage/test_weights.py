"""The scoring model as data: learned once, saved, and then a pair scores the same whoever else is in the
population file (what lets the HTTP path score the few people a service returns as the engine scores them
against the whole extract)."""
import csv

from lienthong.linkage.command import learn, run
from lienthong.linkage.weights import TF_COLUMNS, ScoringModel


def _people(src, dst, keep: set[str]) -> None:
    with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8", newline="") as out:
        rows = csv.reader(fh)
        w = csv.writer(out, lineterminator="\n")
        w.writerow(next(rows))
        w.writerows(r for r in rows if r[0] in keep)


def _registry(src, dst, n: int) -> None:
    with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8", newline="") as out:
        rows = csv.reader(fh)
        w = csv.writer(out, lineterminator="\n")
        w.writerow(next(rows))
        w.writerows(r for i, r in enumerate(rows) if i < n)


def _scores(result):
    return {d.record_id: (d.status, d.person_id, [(c.person_id, round(c.match_weight, 6)) for c in d.candidates])
            for d in result.decisions}


def test_a_saved_model_scores_a_part_of_the_population_as_the_whole(small_province, tmp_path):
    cache = tmp_path / "cache"
    model = learn(small_province.population, small_province.registry_csv, cache_dir=cache)
    assert model.population_size == 20_000 and set(model.tf_counts) == set(TF_COLUMNS)
    model.save(tmp_path / "model.json")
    loaded = ScoringModel.load(tmp_path / "model.json")
    assert loaded.to_json() == model.to_json()

    reg = tmp_path / "reg.csv"
    _registry(small_province.registry_csv, reg, 300)
    whole = run(small_province.population, reg, cache_dir=cache, scoring_model=model)
    # Only the people the engine kept as candidates: a service's answers are as few.
    part = tmp_path / "part.csv"
    _people(small_province.population, part, {c.person_id for d in whole.decisions for c in d.candidates})
    found = run(part, reg, cache_dir=cache, scoring_model=loaded)
    assert _scores(found) == _scores(whole)
    assert whole.prior_weight == found.prior_weight
    assert {s for s, _, _ in _scores(whole).values()} >= {"verified", "matched"}
    # Learned from the part instead, the same pairs score otherwise: the model must come with the scoring.
    relearned = run(part, reg, cache_dir=cache)
    assert _scores(relearned) != _scores(whole)


def test_a_model_carried_over_to_another_population_size_changes_only_what_depends_on_n(small_province, tmp_path):
    """for_population (a saved or the shipped model scoring a service's population): the prior and the u of an
    exact ID follow N; the name frequencies stay shares of the population (not counts over the new N)."""
    import math

    from lienthong.linkage.command import prior_weight

    cache = tmp_path / "cache"
    model = learn(small_province.population, small_province.registry_csv, cache_dir=cache)
    bigger = model.for_population(10 * model.population_size)
    assert bigger.population_size == 200_000 and bigger.u["id"]["exact"] == 1 / 200_000
    assert math.isclose(sum(bigger.u["id"].values()), 1.0) and model.u["id"]["exact"] == 1 / 20_000  # a copy
    reg = tmp_path / "reg.csv"
    _registry(small_province.registry_csv, reg, 200)
    a = run(small_province.population, reg, cache_dir=cache, scoring_model=model)
    b = run(small_province.population, reg, cache_dir=cache, scoring_model=bigger)
    assert b.prior_weight == prior_weight(200_000)
    shift = {lv: math.log2(model.u["id"][lv] / bigger.u["id"][lv]) for lv in ("exact", "different")}
    pairs = 0
    for da, db in zip(a.decisions, b.decisions):
        wa = {c.person_id: c for c in da.candidates}
        for c in db.candidates:
            if c.person_id not in wa:
                continue
            pairs += 1
            # Every comparison weighs the same (given and family names with their frequencies) but the ID's.
            assert {k: w for k, w in c.weights.items() if k != "id"} == \
                {k: w for k, w in wa[c.person_id].weights.items() if k != "id"}
            expected = b.prior_weight - a.prior_weight + shift.get(c.levels["id"], 0.0)
            assert math.isclose(c.match_weight - wa[c.person_id].match_weight, expected, abs_tol=1e-6)
    assert pairs > 100

"""`lienthong link --population POP.csv --registry REG.csv --out RESULT.csv [--explain E.jsonl] [--engine spark]`

Steps: prepare the registry (Python) and the population (SQL → cached Parquet); learn m from
labelled pairs and u from random pairs (train.py); verify records whose ID is exactly a person
who agrees (a join: the fast path); score the others with Splink; decide (decide.py); write
RESULT.csv (and the per-comparison weights as JSON lines) through temporary files renamed at the
end, so a failure never leaves a partial output. The SQL runs on DuckDB (the default) or on Spark
(`--engine spark`, a cluster through `--spark-master`): the same queries either way (engine.py).
"""
from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from lienthong.identity.text import title_case
from lienthong.linkage import model, train
from lienthong.linkage.decide import Candidate, Decision, RecordFacts, Thresholds, decide
from lienthong.linkage.engine import ENGINES, Engine, EngineError, open_engine
from lienthong.linkage.prepare import PREPARED_COLUMNS, InputError, RegistryRecord, population_parquet, population_view, read_registry
from lienthong.linkage.weights import ScoringModel, learn_from
from lienthong.printing import cells

__all__ = ["main", "run", "learn", "LinkResult", "RESULT_COLUMNS", "write_atomically", "explain_record"]

RESULT_COLUMNS = ("record_id", "person_id", "status", "score", "reason")
DEFAULT_THREADS = 2
DEFAULT_MEMORY = "1.6GB"
# DuckDB's own limit; Python, Splink and Arrow buffers come on top (about 0.2 GB). With it a province's run (10,026
# records against 4.95 M people, bench/link.py) stays under 2 GB in all: 1.78–1.83 GB (1.66–1.71 GiB) cold, 1.45–1.48 GB
# warm, no slower than with 2GB (which peaked at 2.08–2.12 GB). At 1.3GB the population's preparation spills to disk,
# 3 s more.


@dataclass
class LinkResult:
    decisions: list[Decision]
    parameters: train.Parameters
    timings: dict[str, float]
    population_converted: bool
    #: Splink's prior as a match weight, log2(λ/(1−λ)) with λ = 1/N: every candidate's match weight
    #: is this plus its comparisons' weights (the officer's explanation shows the sum).
    prior_weight: float = 0.0


class _Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.t0 = time.perf_counter()

    def __call__(self, msg: str) -> None:
        if self.enabled:
            print(f"[link {time.perf_counter() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def _arrow_table(records: list[RegistryRecord]) -> pa.Table:
    types = {"birth_year": pa.int32(), "commune_candidates": pa.list_(pa.string())}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in PREPARED_COLUMNS])
    return pa.table({c: [r.prepared.get(c) for r in records] for c in PREPARED_COLUMNS}, schema=schema)


def _level_name(comparison: str, gamma: int | None) -> str:
    names = [n for n in model.level_names(comparison) if n != "null"]
    if gamma is None or gamma < 0:
        return "null"
    return names[len(names) - 1 - gamma]


def _id_holders(eng: Engine) -> str:
    """Table of the population rows holding an ID that some registry record gives (its CCCD or old CMND). Every
    exact-ID pair (the training's labels, the fast path, the verified records' candidates) is among these few
    thousand rows: one scan of the population for the three instead of one each (about 2 s at 4.95 M people)."""
    eng.create("pop_by_id", "SELECT * FROM pop WHERE id_cccd IN (SELECT id_cccd FROM reg) "
                            "OR id_cmnd IN (SELECT id_cmnd FROM reg)")
    return "pop_by_id"


def _fast_path(eng: Engine, pop: str = "pop") -> tuple[dict[str, str], dict[str, str]]:
    """(record → verified person, record → person holding exactly the ID given); `pop` holds every ID holder."""
    gammas = ", ".join(train.gamma_sql(name, levels) for name, levels in model.COMPARISONS
                       if name in ("given", "family", "birth", "gender"))
    rows = eng.rows(f"""
        WITH p AS (
            SELECT l.uid AS rec, r.uid AS person, {gammas} FROM reg AS l JOIN {pop} AS r ON l.id_cccd = r.id_cccd
            UNION ALL
            SELECT l.uid, r.uid, {gammas} FROM reg AS l JOIN {pop} AS r ON l.id_cmnd = r.id_cmnd
        )
        SELECT rec, person,
               g_given IN ('exact', 'folded') AND g_family IN ('exact', 'null')
               AND g_birth IN ('exact', 'swapped', 'year_only', 'null') AND g_gender <> 'different' AS ok
        FROM p ORDER BY rec, person
    """)
    verified, holder = {}, {}
    for rec, person, ok in rows:
        holder.setdefault(rec, person)
        if ok:
            verified.setdefault(rec, person)
    return verified, holder


def _candidates(eng: Engine, table: str, keep: int = 3) -> dict[str, list[Candidate]]:
    """Top `keep` candidates per record (and any exact-ID holder) from a Splink prediction table."""
    names = [name for name, _ in model.COMPARISONS]
    tf = {name for name, levels in model.COMPARISONS if any(lv[3] for lv in levels)}
    # Splink 5 reports match weights (log2 Bayes factors) per comparison, TF adjustment apart.
    bf_cols = ", ".join(
        f"mw_{n}" + (f" + coalesce(mw_tf_adj_{n}, 0)" if n in tf else "") + f" AS w_{n}" for n in names
    )
    gamma_cols = ", ".join(f"gamma_{n}" for n in names)
    exact_id = model.gamma_value("id", "exact")
    rows = eng.rows(f"""
        SELECT uid_l, uid_r, match_weight, match_probability, name_lc_r, birth_date_r, {gamma_cols}, {bf_cols}
        FROM (
            SELECT *, row_number() OVER (PARTITION BY uid_l ORDER BY match_weight DESC, uid_r) AS rn FROM {table}
        ) AS ranked WHERE rn <= {keep} OR gamma_id = {exact_id}
        ORDER BY uid_l, match_weight DESC, uid_r
    """)
    out: dict[str, list[Candidate]] = {}
    k = len(names)
    for row in rows:
        gam, bfs = row[6:6 + k], row[6 + k:6 + 2 * k]
        out.setdefault(row[0], []).append(Candidate(
            person_id=row[1],
            match_weight=float(row[2]),
            match_probability=float(row[3]),
            levels={n: _level_name(n, g) for n, g in zip(names, gam)},
            weights={n: round(float(w), 3) for n, w in zip(names, bfs)},
            name=title_case(row[4] or ""),
            birth_date=_vn_date(row[5]),
        ))
    return out


def _n(count: int) -> str:
    """A count as the progress lines show it, grouped the Vietnamese way: 460.741."""
    return f"{count:,}".replace(",", ".")


def _vn_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


_RULE_KEYS = __import__("re").compile(r"l\.(\w+) = r\.(\w+)")


def _candidate_population(eng: Engine, left_table: str, rules: list[str], source: str = "pop") -> str:
    """The population rows that some blocking rule can pair with a record of `left_table`.

    One scan of the Parquet with a semi-join per rule: Splink then blocks and scores against these
    few rows instead of the 5 million, with exactly the same pairs (a pair needs a rule to hold,
    and a rule can only hold for rows kept here). TF tables still come from the whole population.
    """
    conds = []
    for rule in rules:
        pairs = _RULE_KEYS.findall(rule)
        left_key = " || '|' || ".join(f"CAST(l.{a} AS VARCHAR)" for a, _ in pairs)
        right_key = " || '|' || ".join(f"CAST({b} AS VARCHAR)" for _, b in pairs)
        conds.append(f"({right_key}) IN (SELECT {left_key} FROM {left_table} AS l)")
    name = f"pop_for_{left_table}"
    eng.create(name, f"SELECT * FROM {source} WHERE {' OR '.join(conds)}")
    return name


def _predict(linker, db, eng: Engine, left_table: str, rules: list[str], source: str = "pop") -> str:
    left = db.register(left_table)
    right = db.register(_candidate_population(eng, left_table, rules, source))
    pred = linker.inference.predict_between(left, right, blocking_rules_to_generate_predictions=rules,
                                            warning_mode="never")
    return pred.physical_name


def _load(eng: Engine, population, registry, cache_dir, today, say, timings) -> tuple[list[RegistryRecord], bool]:
    """Tables reg (the registry, prepared) and pop (a view on the prepared population Parquet)."""
    t = time.perf_counter()
    say(f"đọc sổ đăng ký {registry}")
    records = read_registry(registry, today=today, progress=lambda n: say(f"  {_n(n)} dòng"))
    say(f"{_n(len(records))} bản ghi; chuẩn bị dữ liệu dân cư {population}")
    pq, converted = population_parquet(eng, population, cache_dir)
    timings["prepare"] = time.perf_counter() - t
    say(("đã chuyển" if converted else "dùng bản đã chuyển") + f" {pq.name}")
    eng.arrow("reg", _arrow_table(records))
    population_view(eng, "pop", pq)
    return records, converted


def learn(population: str | os.PathLike, registry: str | os.PathLike, *, cache_dir=None,
          threads: int = DEFAULT_THREADS, memory_limit: str = DEFAULT_MEMORY, today: date | None = None,
          engine: str = "duckdb", spark_master: str | None = None) -> ScoringModel:
    """The scoring model (m, u, N, term frequencies) of a whole registry against a whole population."""
    tmpdir = tempfile.mkdtemp(prefix="lienthong-learn-")
    eng = open_engine(engine, threads=threads, memory_limit=memory_limit, tmpdir=tmpdir, spark_master=spark_master)
    try:
        _load(eng, population, registry, cache_dir, today, _Progress(False), {})
        return learn_from(eng, "reg", "pop")
    finally:
        eng.close()
        _rmtree(tmpdir)


def run(population: str | os.PathLike, registry: str | os.PathLike, *, cache_dir=None,
        threads: int = DEFAULT_THREADS, memory_limit: str = DEFAULT_MEMORY,
        thresholds: Thresholds = Thresholds(), today: date | None = None,
        progress: bool = False, scoring_model: ScoringModel | None = None,
        engine: str = "duckdb", spark_master: str | None = None) -> LinkResult:
    """Link every registry record; raises InputError for bad input files.

    scoring_model: score with these parameters, population size and term frequencies (learned once from a
    whole registry and population) instead of learning them from these two files. Then `population`
    may be any part of the population (the people an HTTP service returned): a pair's score does not
    depend on who else is in the file."""
    say = _Progress(progress)
    timings: dict[str, float] = {}
    tmpdir = tempfile.mkdtemp(prefix="lienthong-link-")
    if engine == "spark":
        say(f"khởi động Spark ({spark_master or f'local[{threads}]'})")
    eng = open_engine(engine, threads=threads, memory_limit=memory_limit, tmpdir=tmpdir, spark_master=spark_master)
    try:
        records, converted = _load(eng, population, registry, cache_dir, today, say, timings)

        t = time.perf_counter()
        id_holders = _id_holders(eng)
        sm = scoring_model if scoring_model is not None else learn_from(eng, "reg", "pop", id_holders)
        params, n_pop = sm.parameters, sm.population_size
        timings["train"] = time.perf_counter() - t
        say(f"học tham số: {_n(params.counts.get('exact_id', 0))} cặp khớp CCCD, "
            f"{_n(params.counts.get('name_birth', 0))} cặp khớp tên+ngày sinh")

        t = time.perf_counter()
        verified, holder = _fast_path(eng, id_holders)
        eng.arrow("verified_ids", pa.table({"uid": pa.array(list(verified), pa.string())}))
        eng.create("reg_verified", "SELECT * FROM reg SEMI JOIN verified_ids USING (uid)")
        eng.create("reg_rest", "SELECT * FROM reg ANTI JOIN verified_ids USING (uid)")
        n_rest = len(records) - len(verified)
        say(f"{_n(len(verified))} bản ghi xác minh thẳng bằng CCCD; {_n(n_rest)} bản ghi cần so khớp")

        # Splink: imported here so that `lienthong --help` stays fast.
        from splink import Linker

        tf_tables = sm.register_tf_tables(eng)
        db = eng.splink_api()
        linker = Linker([db.register("reg"), db.register("pop")],
                        model.settings(params.m, params.u, n_pop, dialect=eng.dialect), log_level=logging.WARNING)
        for table in tf_tables:
            linker.table_management.register_term_frequency_lookup(db.register(table), table.removeprefix("tf_"))
        cands: dict[str, list[Candidate]] = {}
        if verified:
            cands.update(_candidates(eng, _predict(linker, db, eng, "reg_verified", model.ID_BLOCKING_RULES, id_holders)))
        if n_rest:
            say("so khớp bằng Splink")
            scored = _predict(linker, db, eng, "reg_rest", model.BLOCKING_RULES)
            say(f"đã so sánh {_n(eng.one(f'SELECT count(*) FROM {scored}')[0])} cặp")  # what blocking let through
            cands.update(_candidates(eng, scored))
        timings["score"] = time.perf_counter() - t

        decisions = []
        for rec in records:
            uid = rec.prepared["uid"]
            id_given = rec.prepared.get("id_cccd") or rec.prepared.get("id_cmnd")
            facts = RecordFacts(uid, id_given, rec.id_code, rec.id_reason, verified.get(uid), holder.get(uid))
            decisions.append(decide(facts, cands.get(uid, []), thresholds))
    finally:  # also when the input is bad or Splink fails: no open DuckDB, no temp files left
        eng.close()
        _rmtree(tmpdir)
    counts = {}
    for d in decisions:
        counts[d.status] = counts.get(d.status, 0) + 1
    say("xong: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return LinkResult(decisions, params, timings, converted, prior_weight(n_pop))


def prior_weight(population_size: int) -> float:
    lam = 1.0 / max(population_size, 2)
    return math.log2(lam / (1.0 - lam))


def _rmtree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def write_atomically(path: Path, write) -> None:
    """Write `path` through `write(fh)` into a temporary file renamed at the end: never a partial output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_result(path: Path, decisions: list[Decision]) -> None:
    def w(fh):
        writer = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        writer.writerow(RESULT_COLUMNS)
        for d in decisions:
            # The record ids come from the input file: a spreadsheet must not read one as a formula. The score is
            # a number (Decimal keeps its 4 places), so a negative one is not quoted as text.
            writer.writerow(cells.csv_row((d.record_id, d.person_id, d.status, Decimal(f"{d.score:.4f}"), d.reason)))
    write_atomically(path, w)


def explain_record(d: Decision, prior_weight: float) -> dict:
    return {
        "record_id": d.record_id,
        "status": d.status,
        "person_id": d.person_id,
        "reason": d.reason,
        "prior_weight": round(prior_weight, 3),
        "candidates": [
            {
                "person_id": c.person_id,
                "name": c.name,
                "birth_date": c.birth_date,
                "match_weight": round(c.match_weight, 3),
                "match_probability": round(c.match_probability, 6),
                "comparisons": {k: {"level": c.levels[k], "weight": c.weights[k]} for k in c.levels},
            }
            for c in d.candidates
        ],
    }


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """--engine and --spark-master, the same for `lienthong link` and `lienthong clean`."""
    parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                        help="where the SQL runs: duckdb (one machine, the default) or spark (needs Java 17+ and "
                             "pyspark; POP may then be a folder of CSV or Parquet files partitioned by province)")
    parser.add_argument("--spark-master", help="Spark's master (default local[THREADS]; spark://host:7077, yarn, "
                                               "k8s://…); the rest from Spark's own configuration")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong link",
                                     description="Liên kết chủ tàu trong sổ đăng ký với dữ liệu dân cư.")
    parser.add_argument("--population", required=True,
                        help="POP.csv (cccd,old_id_number,full_name,…), a .parquet, or a folder of them")
    parser.add_argument("--registry", required=True, help="REG.csv (record_id,full_name,id_number,…)")
    parser.add_argument("--out", required=True, help="RESULT.csv (record_id,person_id,status,score,reason)")
    parser.add_argument("--explain", help="EXPLAIN.jsonl: match weights per comparison for each decision")
    parser.add_argument("--cache-dir", help="where the prepared population Parquet is kept (default: beside POP.csv)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--memory-limit", default=DEFAULT_MEMORY, help=f"DuckDB memory limit (default {DEFAULT_MEMORY})")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    add_engine_arguments(parser)
    args = parser.parse_args(argv)
    try:
        result = run(args.population, args.registry, cache_dir=args.cache_dir, threads=args.threads,
                     memory_limit=args.memory_limit, progress=not args.quiet,
                     engine=args.engine, spark_master=args.spark_master)
    except InputError as exc:
        print(f"lienthong link: lỗi dữ liệu vào: {exc}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"lienthong link: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    explain = Path(args.explain) if args.explain else None
    if explain:
        def w(fh):
            for d in result.decisions:
                fh.write(json.dumps(explain_record(d, result.prior_weight), ensure_ascii=False) + "\n")
        write_atomically(explain, w)
    write_result(out, result.decisions)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The identity engine on Spark gives DuckDB's answers: same status, same person, same score.

Spark runs in local mode here (Java 17 and pyspark are the mode's prerequisites). Without Java the tests skip,
unless LIENTHONG_REQUIRE_SPARK is set, as CI sets it: there they must run.
"""
import csv
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from lienthong.demo import generate
from lienthong.demo.marriages import write_marriages
from lienthong.linkage import command
from lienthong.linkage.engine import java_version
from lienthong.linkage.prepare import InputError
from lienthong.registries import clean

if java_version() is None and not os.environ.get("LIENTHONG_REQUIRE_SPARK"):
    pytest.skip("no Java here: --engine spark needs it (CI sets LIENTHONG_REQUIRE_SPARK)", allow_module_level=True)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """400 owners against 6,000 people; the population also as Parquet in two province folders."""
    base = tmp_path_factory.mktemp("spark-province")
    files = generate(base / "demo", vessels=400, population=6_000, seed=11)
    table = pacsv.read_csv(files.population, convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in ("cccd", "old_id_number", "commune_code", "birth_date")}))
    half = table.num_rows // 2
    for i, (code, part) in enumerate((("89", table.slice(0, half)), ("91", table.slice(half)))):
        folder = base / "population" / f"province={code}"
        folder.mkdir(parents=True)
        pq.write_table(part, folder / f"part-{i}.parquet")
    return files, base / "population", base / "cache"


def _rows(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {"#".join((r["record_id"], r.get("role", ""))): r for r in csv.DictReader(fh)}


def _agree(duck: Path, spark: Path) -> None:
    """The issue's bar (status for 99.9 % of the records, the person of every automatic link), then the file."""
    a, b = _rows(duck), _rows(spark)
    assert a.keys() == b.keys()
    assert sum(a[k]["status"] == b[k]["status"] for k in a) >= 0.999 * len(a)
    automatic = [k for k in a if {a[k]["status"], b[k]["status"]} & {"verified", "matched"}]
    assert automatic and all(a[k]["person_id"] == b[k]["person_id"] for k in automatic)
    # Here (one model learned from the same rows, the same pairs scored) they agree to the last byte.
    assert spark.read_bytes() == duck.read_bytes()


def test_link_on_spark_from_a_partitioned_parquet_population_writes_duckdbs_file(province, tmp_path):
    files, parquet_folder, cache = province
    for engine, population in (("duckdb", files.population), ("spark", parquet_folder)):
        rc = command.main(["--population", str(population), "--registry", str(files.registry_csv),
                           "--out", str(tmp_path / f"{engine}.csv"), "--explain", str(tmp_path / f"{engine}.jsonl"),
                           "--cache-dir", str(cache), "--engine", engine, "--quiet"])
        assert rc == 0
    assert len(_rows(tmp_path / "spark.csv")) == 400
    _agree(tmp_path / "duckdb.csv", tmp_path / "spark.csv")
    assert (tmp_path / "spark.jsonl").read_bytes() == (tmp_path / "duckdb.jsonl").read_bytes()


def test_clean_on_spark_writes_duckdbs_file(province, tmp_path):
    files, _parquet, cache = province
    registry = tmp_path / "marriages.csv"
    write_marriages(files.population, registry, tmp_path / "truth.csv", marriages=60, seed=3)
    for engine in ("duckdb", "spark"):
        rc = clean.main(["--profile", "marriage", "--population", str(files.population), "--registry", str(registry),
                         "--out", str(tmp_path / f"{engine}.csv"), "--cache-dir", str(cache), "--engine", engine,
                         "--quiet"])
        assert rc == 0
    assert len(_rows(tmp_path / "spark.csv")) >= 120
    _agree(tmp_path / "duckdb.csv", tmp_path / "spark.csv")


def test_a_bad_population_is_named_on_spark_too(province, tmp_path):
    files, _parquet, _cache = province
    lines = Path(files.population).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "pop.csv"
    bad.write_text("\n".join([*lines[:50], lines[7]]) + "\n", encoding="utf-8")  # line 8's person again at line 51
    with pytest.raises(InputError, match=r"pop\.csv, dòng 51, cột cccd: trùng số \d{12} \(đã có ở .*pop\.csv, dòng 8\)"):
        command.run(bad, files.registry_csv, cache_dir=tmp_path / "cache", engine="spark")
    assert not list((tmp_path / "cache").glob("*.parquet"))

"""Where the identity engine's SQL runs: DuckDB on one machine (the default) or Spark (`--engine spark`).

Every query of the engine (prepare.py, train.py, weights.py, command.py) and every Splink comparison level
(model.py) is written once, in DuckDB's dialect, in a subset both engines share. On Spark each is translated by
sqlglot, the SQL translator Splink itself is built on, with the one function whose name differs mapped:
DuckDB's `jaro_winkler_similarity` is `jaro_winkler`, the Scala UDF Splink ships for Spark. There is no
second implementation of a comparison or a prepared column.

What differs is only how data comes in and goes out: reading a CSV or Parquet file (or a folder of them,
partitioned by province), writing the prepared population as Parquet, holding an intermediate table, and
Splink's database API.
"""
from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

__all__ = ["Engine", "DuckEngine", "SparkEngine", "EngineError", "open_engine", "ENGINES", "input_files",
           "input_header", "duckdb_source"]

ENGINES = ("duckdb", "spark")


class EngineError(RuntimeError):
    """The engine cannot start here (no Java, no pyspark): the message says what to install."""


def input_files(path: Path) -> list[Path]:
    """The data files of an input: the file itself, or every .csv / .parquet under a folder (partitioned by
    province: `province=89/part-0.parquet`), in a stable order."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".csv", ".parquet")
                      and not p.name.startswith((".", "_")))
    return [path]


def input_header(path: Path) -> list[str]:
    """The column names of an input, from its first file: a CSV's header line or a Parquet's schema."""
    first = input_files(path)[0]
    if first.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(first).names)
    with open(first, encoding="utf-8-sig", errors="replace") as fh:
        return next(csv.reader([fh.readline()]), [])


def duckdb_source(path: str | os.PathLike) -> str:
    """DuckDB's FROM for the population's raw rows, every column text: a CSV, a Parquet, or a folder of either (the
    registries' household reviews read the persons they need with it, on either engine)."""
    files = [str(f) for f in input_files(Path(path))] or [str(path)]
    if files[0].endswith(".parquet"):
        return f"(SELECT * FROM read_parquet({files!r}, union_by_name = true))"
    return f"read_csv({files!r}, header = true, all_varchar = true, union_by_name = true)"


class Engine:
    """The operations the identity engine needs; queries in DuckDB's dialect."""

    name = ""
    # The columns read_raw adds beside the input's, and how a table staged from its view (stage()) orders its
    # rows as they were read: the first bad row in the input is the one reported.
    raw_columns: tuple[str, ...] = ("row_no", "source_file")
    row_order: tuple[str, ...] = ("source_file", "row_no")

    def rows(self, sql: str) -> list[tuple]:
        raise NotImplementedError

    def one(self, sql: str) -> tuple | None:
        rows = self.rows(sql)
        return rows[0] if rows else None

    def create(self, name: str, sql: str) -> None:
        """A table `name` holding the rows of `sql`, kept until dropped."""
        raise NotImplementedError

    def stage(self, name: str, sql: str) -> None:
        """As create(), for a query over read_raw's view: the table keeps what row_order needs."""
        self.create(name, sql)

    def view(self, name: str, sql: str) -> None:
        raise NotImplementedError

    def arrow(self, name: str, table: pa.Table) -> None:
        """A table `name` holding an Arrow table's rows."""
        raise NotImplementedError

    def drop(self, *names: str) -> None:
        raise NotImplementedError

    def read_raw(self, name: str, path: Path, columns: list[str]) -> None:
        """A view `name` of the input's rows, every column text, with the raw_columns (`source_file`, and what
        orders the rows as read)."""
        raise NotImplementedError

    def write_parquet(self, sql: str, target: Path) -> None:
        """The rows of `sql` written as Parquet at `target` (a file, or a folder on Spark), whole or not at all."""
        raise NotImplementedError

    def parquet_view(self, name: str, path: Path) -> None:
        raise NotImplementedError

    def splink_api(self):
        raise NotImplementedError

    def dialect(self, sql: str) -> str:
        """A condition or query of DuckDB's dialect as this engine writes it."""
        return sql

    def close(self) -> None:
        pass


class DuckEngine(Engine):
    name = "duckdb"
    # A staged table is written in the order read (stage()), so its rowid is the input's order: files as
    # listed, then lines. Numbering the rows with a window instead (row_number() OVER (PARTITION BY filename))
    # cost 3.3 s of a 5 M-person cold run and, as the parallel reader hands it the rows out of order, numbered
    # them wrongly.
    raw_columns = ("source_file",)
    row_order = ("rowid",)

    def __init__(self, threads: int, memory_limit: str, tmpdir: str):
        con = duckdb.connect()
        con.execute(f"SET threads = {int(threads)}")
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET temp_directory = '{tmpdir}'")
        self.con = con

    def rows(self, sql):
        return self.con.execute(sql).fetchall()

    def create(self, name, sql):
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def stage(self, name, sql):
        # Only here is the order kept (DuckDB's documented preserve_insertion_order); everywhere else it costs
        # memory for nothing.
        self.con.execute("SET preserve_insertion_order = true")
        try:
            self.create(name, sql)
        finally:
            self.con.execute("SET preserve_insertion_order = false")

    def view(self, name, sql):
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def arrow(self, name, table):
        self.con.register(f"{name}_arrow", table)
        # A real table (not an Arrow scan), so that joins on it are plain hash joins.
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(f"{name}_arrow")

    def drop(self, *names):
        for name in names:
            kind = self.con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                                    [name]).fetchone()
            if kind:
                self.con.execute(f"DROP {'VIEW' if kind[0] == 'VIEW' else 'TABLE'} {name}")

    def read_raw(self, name, path, columns):
        files = [str(f) for f in input_files(path)]
        if files[0].endswith(".parquet"):
            self.view(name, f"SELECT filename AS source_file, "
                            f"{', '.join(f'CAST({c} AS VARCHAR) AS {c}' for c in columns)} "
                            f"FROM read_parquet({files!r}, filename = true, union_by_name = true)")
            return
        cols = ", ".join(f"'{c}': 'VARCHAR'" for c in input_header(path))
        self.view(name, f"""
            SELECT filename AS source_file, *
            FROM read_csv({files!r}, header = true, columns = {{{cols}}}, quote = '"', escape = '"',
                          strict_mode = true, null_padding = false, filename = true)""")

    def write_parquet(self, sql, target):
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".pop-", suffix=".parquet")
        os.close(fd)
        try:
            self.con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def parquet_view(self, name, path):
        self.view(name, f"SELECT * FROM read_parquet('{path}')")

    def splink_api(self):
        from splink import DuckDBAPI

        return DuckDBAPI(self.con)

    def close(self):
        self.con.close()


# --- Spark ----------------------------------------------------------------------------------------------------
def _to_spark(sql: str) -> str:
    import sqlglot
    from sqlglot import exp

    def rename(node):
        if isinstance(node, exp.JarowinklerSimilarity):
            return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
        return node

    return ";\n".join(t.transform(rename).sql(dialect="spark") for t in sqlglot.parse(sql, read="duckdb") if t)


def java_version() -> str | None:
    """`java -version`'s first line, or None when there is no Java (Spark's prerequisite)."""
    import subprocess

    java = shutil.which("java", path=(os.environ.get("JAVA_HOME", "") + "/bin:" + os.environ.get("PATH", ""))
                        if os.environ.get("JAVA_HOME") else None)
    if not java:
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (out.stderr or out.stdout).splitlines()[0] if out.returncode == 0 else None


_SCRATCH: str | None = None


def _spark_scratch() -> str:
    global _SCRATCH
    if _SCRATCH is None:
        import atexit

        _SCRATCH = tempfile.mkdtemp(prefix="lienthong-spark-")
        atexit.register(shutil.rmtree, _SCRATCH, True)
    return _SCRATCH


class SparkEngine(Engine):
    """Splink's Spark backend. `master` is Spark's: `local[N]` on one machine (the default: every core), a
    cluster's URL (`spark://host:7077`, `yarn`, `k8s://…`); anything else comes from Spark's usual configuration
    (spark-defaults.conf, SPARK_CONF_DIR, PYSPARK_SUBMIT_ARGS)."""

    name = "spark"

    def __init__(self, master: str | None, tmpdir: str, threads: int | None = None):
        if java_version() is None:
            raise EngineError("--engine spark cần Java 17 trở lên (Spark chạy trên JVM): cài gói openjdk-17-jre-headless "
                              "hoặc đặt JAVA_HOME; mặc định (--engine duckdb) không cần Java")
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import similarity_jar_location
        except ImportError as exc:
            raise EngineError("--engine spark cần pyspark: pip install 'lienthong[spark]'") from exc
        builder = SparkSession.builder.appName("lienthong-link")
        if master or not os.environ.get("PYSPARK_SUBMIT_ARGS"):
            builder = builder.master(master or f"local[{threads or '*'}]")
        local = (master or "local").startswith("local")
        # The session outlives a run (a JVM takes seconds to start): its scratch folder is the process's own.
        scratch = _spark_scratch()
        from importlib import resources

        log_config = resources.files("lienthong.linkage").joinpath("data", "spark-log4j2.properties")
        builder = (builder.config("spark.jars", similarity_jar_location())
                   .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_config}")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.ansi.enabled", "true")
                   .config("spark.local.dir", scratch))
        if local:
            # One machine: few shuffle partitions (Spark's 200 are for clusters) and the driver's own memory.
            builder = (builder.config("spark.sql.shuffle.partitions", str(max(2 * (threads or os.cpu_count() or 2), 4)))
                       .config("spark.driver.memory", os.environ.get("LIENTHONG_SPARK_DRIVER_MEMORY", "2g")))
        self.spark = builder.getOrCreate()
        # A failed query comes back as a Python exception; Spark's own log of it (a JSON stack trace) is noise.
        self.spark.sparkContext.setLogLevel("OFF")
        self.spark.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
        import logging

        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        self._cached: dict[str, object] = {}
        # Splink's API registers its Scala UDFs (jaro_winkler, damerau_levenshtein) that the training's SQL uses too.
        from splink import SparkAPI

        # On one machine Splink's intermediate tables stay in memory; on a cluster they go to Parquet (its default).
        self._splink = SparkAPI(spark_session=self.spark, break_lineage_method="persist" if local else None,
                                num_partitions_on_repartition=int(self.spark.conf.get("spark.sql.shuffle.partitions")))

    def dialect(self, sql):
        return _to_spark(sql)

    def rows(self, sql):
        return [tuple(r) for r in self.spark.sql(_to_spark(sql)).collect()]

    def create(self, name, sql):
        # Cached, computed where first read: a job less per table than an eager checkpoint.
        self._keep(name, self.spark.sql(_to_spark(sql)).cache())

    def view(self, name, sql):
        self.spark.sql(_to_spark(sql)).createOrReplaceTempView(name)

    def _keep(self, name, df):
        self.drop(name)
        df.createOrReplaceTempView(name)
        self._cached[name] = df

    def arrow(self, name, table):
        # Arrow → Spark directly (Spark 4 takes a pyarrow Table).
        self._keep(name, self.spark.createDataFrame(table).cache())

    def drop(self, *names):
        for name in names:
            df = self._cached.pop(name, None)
            if df is not None:
                df.unpersist()
            self.spark.catalog.dropTempView(name)

    def read_raw(self, name, path, columns):
        from pyspark.sql import functions as F

        files = [str(f) for f in input_files(path)]
        if files[0].endswith(".parquet"):
            df = self.spark.read.parquet(*files)
        else:
            from pyspark.sql.types import StringType, StructField, StructType
            schema = StructType([StructField(c, StringType()) for c in input_header(path)])
            df = (self.spark.read.option("header", True).option("escape", '"').option("mode", "FAILFAST")
                  .option("multiLine", True).option("encoding", "UTF-8").schema(schema).csv(files))
        # Spark does not number a file's lines; row_no orders the rows as read, and a message finds the line
        # itself (prepare._line_of) when it needs one.
        df = df.select(*[F.col(c).cast("string").alias(c) for c in columns]) \
            .withColumn("source_file", F.input_file_name()).withColumn("row_no", F.monotonically_increasing_id())
        df.createOrReplaceTempView(name)

    def write_parquet(self, sql, target):
        tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            self.spark.sql(_to_spark(sql)).write.option("compression", "zstd").parquet(str(tmp))
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def parquet_view(self, name, path):
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def splink_api(self):
        return self._splink

    def close(self):
        for name in list(self._cached):
            self.drop(name)
        # The session stays for the process's next run (a JVM takes seconds to start); Spark stops it at exit.


def open_engine(name: str, *, threads: int, memory_limit: str, tmpdir: str, spark_master: str | None = None) -> Engine:
    if name == "duckdb":
        return DuckEngine(threads, memory_limit, tmpdir)
    if name == "spark":
        return SparkEngine(spark_master, tmpdir, threads)
    raise EngineError(f"không có engine {name!r} (có: {', '.join(ENGINES)})")

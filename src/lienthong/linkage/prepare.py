"""Prepared columns: every Vietnamese-specific reading done once per record, before Splink.

Splink then compares plain columns with plain SQL, so the same settings run on DuckDB and on
Spark. Both sides get the same columns (Splink's link_only needs identical schemas):

  uid, id_cccd, id_cmnd, id_last6, id_f6l3, id_first9,
  name_lc, name_folded, family_key, middle_folded, given_lc, given_folded,
  birth_date, birth_swapped, birth_year, gender, commune_code, commune_candidates

The registry (≈10⁴ rows, damaged) is prepared in Python with the identity primitives; the
population (≈5·10⁶ rows, clean extract) in SQL on the engine (DuckDB or Spark, engine.py), cached as Parquet. The two must agree:
tests/linkage/test_prepare.py checks the SQL folding and splitting against the Python one.

Both CSVs may hold formula-like text quoted with an apostrophe (lienthong.printing.cells, as the sync
writes them): the readers take the apostrophe off, so a record links on its values as recorded.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from lienthong.geo.address import resolve
from lienthong.identity.cccd import normalize_gender, parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.legacy_encoding import detect_encoding, to_unicode
from lienthong.identity.names import family_key, family_word_count, split_name
from lienthong.identity.text import fold, nfc, normalize_name
from lienthong.linkage.engine import Engine, input_files, input_header
from lienthong.printing import cells

# A registry repeats its addresses (a hamlet's boats: 4,905 distinct in bench/link.py's 10,026 records), and resolve()
# depends on the text alone (the unit tables are package data): each distinct text is resolved once per process,
# which halves the registry's reading (0.6 s of 1.2 s there). The Resolution is only read, never changed.
_resolve = functools.lru_cache(maxsize=1 << 16)(resolve)

__all__ = [
    "POPULATION_COLUMNS",
    "REGISTRY_COLUMNS",
    "PREPARED_COLUMNS",
    "InputError",
    "RegistryRecord",
    "id_pieces",
    "prepare_registry_row",
    "read_keyed_rows",
    "read_registry",
    "population_parquet",
    "population_view",
]

POPULATION_COLUMNS = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
REGISTRY_COLUMNS = ("record_id", "full_name", "id_number", "birth_date", "gender", "address")
PREPARED_COLUMNS = (
    "uid", "id_cccd", "id_cmnd", "id_last6", "id_f6l3", "id_first9",
    "name_lc", "name_folded", "family_key", "middle_folded", "given_lc", "given_folded",
    "birth_date", "birth_swapped", "birth_year", "gender", "commune_code", "commune_candidates",
)
# Bumped whenever the population SQL changes, so that stale caches are not reused.
PREP_VERSION = "7"


class InputError(ValueError):
    """A bad input file: the message names the file, the row and the column."""


# --- ID pieces ----------------------------------------------------------------------------------
def id_pieces(cccd: str | None) -> dict[str, str | None]:
    """Blocking keys that survive one wrong digit: one of last6 / first6+last3 / first9 stays intact.

    They also survive a swap of adjacent digits except across positions 6|7 and 9|10; those few
    are still found through the name and birth-date blocking rules.
    """
    if not cccd or len(cccd) != 12:
        return {"id_last6": None, "id_f6l3": None, "id_first9": None}
    return {
        "id_last6": cccd[6:],
        "id_f6l3": cccd[:6] + cccd[9:],
        "id_first9": cccd[:9],
    }


# --- registry (Python, per record) --------------------------------------------------------------
@dataclass
class RegistryRecord:
    """One registry row: the prepared columns plus what was read and why (for the reason text)."""

    prepared: dict[str, object]
    name: str = ""
    id_code: str = "missing"     # parse_id_number code, or "missing"
    id_reason: str = ""
    id_kind: str | None = None   # "cccd" / "cmnd"
    birth_code: str = "missing"
    birth_reason: str = ""
    address_status: str = "unknown"
    notes: list[str] = field(default_factory=list)


_DMY = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")


def _swapped(d: date) -> str | None:
    """The same date with day and month exchanged (05/04 ↔ 04/05), when that is a date."""
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month).isoformat()


def _name_parts(full: str) -> dict[str, str | None]:
    p = split_name(full)
    name_lc = p.full.lower()
    folded = fold(name_lc)
    return {
        "name_lc": name_lc or None,
        "name_folded": folded or None,
        "family_key": family_key(p.family) or None,
        "middle_folded": fold(p.middle) or None,
        "given_lc": p.given.lower() or None,
        "given_folded": fold(p.given) or None,
    }


def prepare_registry_row(row: dict[str, str | None], today: date | None = None) -> RegistryRecord:
    """Prepared columns of one registry row (REGISTRY_COLUMNS keys)."""
    raw_name = row.get("full_name") or ""
    # CSV cells carry no font: detect TCVN3/VNI from the content (a no-op for Unicode text).
    name = to_unicode(raw_name) if detect_encoding(raw_name) != "unicode" else nfc(raw_name)
    rec = RegistryRecord(prepared={"uid": row["record_id"]}, name=name)
    rec.prepared.update(_name_parts(name))

    check = parse_id_number(row.get("id_number") or None, today=today)
    cccd = cmnd = None
    if check.digits and check.kind == "cccd" or (check.digits and len(check.digits) == 12):
        cccd = check.digits  # also structurally invalid 12-digit numbers: a typo may sit in digit 4
    elif check.digits and check.kind == "cmnd":
        cmnd = check.digits
    rec.id_code, rec.id_reason, rec.id_kind = check.code, check.reason, check.kind
    if not (row.get("id_number") or "").strip():
        rec.id_code = "missing"
    rec.prepared.update({"id_cccd": cccd, "id_cmnd": cmnd, **id_pieces(cccd)})

    raw_birth = (row.get("birth_date") or "").strip()
    pd = parse_date(raw_birth or None)
    birth = swapped = None
    year = pd.year
    if pd.date is not None:
        birth, swapped = pd.date.isoformat(), _swapped(pd.date)
    elif pd.code == "impossible_date" and (m := _DMY.match(raw_birth)):
        # "12/25/1978": month-first by mistake. Not a date as written; its swap is.
        d, mth, y = (int(g) for g in m.groups())
        year = y
        try:
            swapped = date(y, d, mth).isoformat()
        except ValueError:
            swapped = None
    rec.birth_code, rec.birth_reason = pd.code, pd.reason
    rec.prepared.update({"birth_date": birth, "birth_swapped": swapped, "birth_year": year})

    rec.prepared["gender"] = normalize_gender(row.get("gender") or None)

    res = _resolve(row.get("address") or None)
    rec.address_status = res.status
    rec.prepared["commune_code"] = res.commune_code
    rec.prepared["commune_candidates"] = list(res.candidates) or None
    return rec


def read_keyed_rows(path: str | os.PathLike, columns: tuple[str, ...], *, what: str = ""):
    """Yield (line number, row) of a registry CSV keyed by `record_id`: UTF-8, the header holding `columns`, each
    row's cells as recorded (a spreadsheet's formula guard taken off), its record_id stripped, present and unique.
    InputError names the file, the row and the column of the first problem; `what` says which kind of registry
    the header was read for (`lienthong clean`'s profile)."""
    path = Path(path)
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: không mở được tệp ({exc.strerror})") from exc
    seen: set[str] = set()
    line_no = 1
    with fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: không phải UTF-8 ({exc.reason})") from exc
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(f"{path}: thiếu cột {', '.join(missing)} ({what + '; ' if what else ''}dòng tiêu đề có: "
                             f"{', '.join(header)})")
        try:
            for line_no, row in enumerate(reader, start=2):
                if None in row:
                    raise InputError(f"{path}, dòng {line_no}: nhiều ô hơn số cột của tiêu đề")
                row = {k: cells.from_csv(v) if isinstance(v, str) else v for k, v in row.items()}
                rid = (row["record_id"] or "").strip()
                if not rid:
                    raise InputError(f"{path}, dòng {line_no}, cột record_id: trống")
                if rid in seen:
                    raise InputError(f"{path}, dòng {line_no}, cột record_id: trùng mã {rid!r}")
                seen.add(rid)
                row["record_id"] = rid
                yield line_no, row
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}, sau dòng {line_no}: không phải UTF-8 ({exc.reason})") from exc
        except csv.Error as exc:
            raise InputError(f"{path}, dòng {reader.line_num}: CSV hỏng ({exc})") from exc
    if not seen:
        raise InputError(f"{path}: không có dòng dữ liệu nào")


def read_registry(path: str | os.PathLike, today: date | None = None,
                  progress=None) -> list[RegistryRecord]:
    """Read and prepare REG.csv; InputError names the file, row and column of the first problem."""
    records: list[RegistryRecord] = []
    for _line_no, row in read_keyed_rows(path, REGISTRY_COLUMNS):
        records.append(prepare_registry_row(row, today))
        if progress is not None and len(records) % 2500 == 0:
            progress(len(records))
    return records


# --- population (SQL on the engine, cached as Parquet) --------------------------------------------
def _cache_key(path: Path) -> str:
    h = hashlib.sha256()
    h.update(f"{PREP_VERSION}|".encode())
    for f in input_files(path):
        st = f.stat()
        h.update(f"{f.relative_to(path) if f != path else f.name}|{st.st_size}|{st.st_mtime_ns}|".encode())
        if f.suffix == ".csv":
            with open(f, "rb") as fh:
                h.update(fh.readline(4096))
    return h.hexdigest()[:16]


def _head_dictionary(heads: list[str]) -> list[tuple[str | None, str | None, str | None, str | None]]:
    """(head_lc, head_folded, family_key, middle_folded) of each head: the words before the given name, as
    `split_name` parts a registry's name (`_name_parts`).

    A real population has hundreds of thousands of distinct heads made of a few thousand distinct words, and every
    step of `split_name` (NFC, canonical tones, title case, folding, the compound family name) acts on each
    space-separated word alone, so each distinct word is normalised once: 25 µs a head through `split_name`, about 3
    here (tests/linkage/test_prepare_heads.py holds the two equal)."""
    words: dict[str, tuple[str, str]] = {}  # raw word -> (normalised, folded)

    def word(w: str) -> tuple[str, str]:
        hit = words.get(w)
        if hit is None:
            norm = normalize_name(w)
            hit = words[w] = (norm, fold(norm))
        return hit

    out = []
    for head in heads:
        parts = [word(w) for w in head.split()]
        if not parts:
            out.append((None, None, None, None))
            continue
        folded = [f for _, f in parts]
        k = family_word_count([*folded, "x"])  # "x" stands for the given name: a compound family needs one after it
        head_norm = " ".join(n for n, _ in parts)
        out.append((head_norm.lower() or None, " ".join(folded) or None,
                    family_key(" ".join(n for n, _ in parts[:k])) or None, " ".join(folded[k:]) or None))
    return out


def _cell(column: str, value) -> str:
    """A cell as the checks read it: empty for a missing value, trimmed but for the CCCD (a space is its fault)."""
    text = "" if value is None else str(value)
    return text if column == "cccd" else text.strip()


def _where(source_file: str, column: str, value, nth: int = 1) -> str:
    """'FILE, dòng L' of the nth row whose `column` holds `value`: the engines do not number lines alike (Spark not
    at all), so the message's line is found in the file itself, on this error path only."""
    path = Path(source_file.removeprefix("file://"))
    want, seen = _cell(column, value), 0
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        for i, v in enumerate(pq.read_table(path, columns=[column]).column(0).to_pylist(), start=1):
            if _cell(column, v) == want and (seen := seen + 1) == nth:
                return f"{path}, dòng {i}"
        return str(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            if _cell(column, row.get(column)) == want and (seen := seen + 1) == nth:
                return f"{path}, dòng {reader.line_num}"
    return str(path)


# Each check: the column, what is wrong, and the condition that finds it (in both engines' SQL).
_CHECKS = (
    ("cccd", "không phải 12 chữ số", "NOT regexp_matches(coalesce(cccd, ''), '^[0-9]{12}$')"),
    ("old_id_number", "không phải 9 hoặc 12 chữ số",
     "old_id_number <> '' AND NOT regexp_matches(old_id_number, '^([0-9]{9}|[0-9]{12})$')"),
    ("full_name", "trống", "coalesce(trim(full_name), '') = ''"),
    ("birth_date", "không phải ngày ISO (yyyy-mm-dd)",
     "coalesce(birth_date, '') <> '' AND (NOT regexp_matches(birth_date, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') "
     "OR try_cast(birth_date AS DATE) IS NULL)"),
)


def _check_population(eng: Engine, path: Path) -> None:
    """Raise InputError naming the first bad row of the staged population (in file order) and its first bad column.

    One scan for every check (one query per check read 5 million rows four times, 0.7 s)."""
    which = " ".join(f"WHEN {cond} THEN {i}" for i, (_column, _what, cond) in enumerate(_CHECKS))
    columns = ", ".join(column for column, _what, _cond in _CHECKS)
    order = ", ".join(eng.row_order)
    bad = eng.one(f"SELECT source_file, CASE {which} END AS k, {columns} FROM pop_stage "
                  f"WHERE {' OR '.join(f'({cond})' for _c, _w, cond in _CHECKS)} ORDER BY {order} LIMIT 1")
    if bad:
        column, what, _cond = _CHECKS[bad[1]]
        value = bad[2 + bad[1]]
        raise InputError(f"{_where(bad[0], column, value)}, cột {column}: {what} ({value!r})")
    # Whether any number repeats, counted first: the query that finds the first repeat in file order keeps the
    # smallest file name and row of each of 5 million numbers, twice the time, and a clean extract has none.
    if not eng.one("SELECT count(*) - count(DISTINCT cccd) FROM pop_stage")[0]:
        return
    firsts = ", ".join(f"min({c}) AS first_{i}" for i, c in enumerate(eng.row_order))
    dup = eng.one(f"SELECT cccd, {firsts} FROM pop_stage GROUP BY cccd HAVING count(*) > 1 "
                  f"ORDER BY {', '.join(f'first_{i}' for i in range(len(eng.row_order)))} LIMIT 1")
    if dup:
        files = [f for (f,) in eng.rows(f"SELECT source_file FROM pop_stage WHERE cccd = '{dup[0]}' "
                                        f"ORDER BY {order} LIMIT 2")]
        first = _where(files[0], "cccd", dup[0])
        second = _where(files[1], "cccd", dup[0], nth=2 if files[1] == files[0] else 1)
        raise InputError(f"{second}, cột cccd: trùng số {dup[0]} (đã có ở {first})")


def _unquoted(column: str) -> str:
    """SQL for COLUMN without the apostrophe cells.to_csv put before formula-like text. The ID and date
    columns need none: a value starting with = + - @ is never valid there, quoted or not."""
    pattern = cells.QUOTED_SQL_PATTERN.replace("'", "''")
    return (f"CASE WHEN starts_with({column}, chr(39)) AND regexp_matches({column}, '{pattern}') "
            f"THEN substr({column}, 2) ELSE {column} END AS {column}")


def population_parquet(eng: Engine, path: str | os.PathLike,
                       cache_dir: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Path of the prepared Parquet for the population (POP.csv, a Parquet file, or a folder of either partitioned
    by province), converting it when no valid cache exists.

    Returns (parquet path, converted now?). The cache key is the files' sizes, mtimes and headers (and
    PREP_VERSION); the Parquet is written to a temporary name and renamed, so a crash never leaves a half-written
    cache behind. The SQL is the same on both engines (engine.py).
    """
    path = Path(path)
    if not path.exists() or not input_files(path):
        raise InputError(f"{path}: không có tệp dân cư")
    cache = Path(cache_dir) if cache_dir else (path if path.is_dir() else path.parent)
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{path.name}.{_cache_key(path)}.{eng.name}.prepared.parquet"
    if target.exists():
        return target, False

    header = input_header(path)
    missing = [c for c in POPULATION_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path}: thiếu cột {', '.join(missing)} (dòng tiêu đề có: {', '.join(header)})")

    try:
        eng.read_raw("pop_csv", path, list(POPULATION_COLUMNS))
        # One staged table, read from the input once: the cells as given (for the checks' messages) and the name
        # split into the given name (the last word) and the head (the words before it). A second table for the
        # split cost a pass over 5 million rows and held both copies in memory at once.
        eng.stage("pop_stage", f"""
            SELECT *, regexp_extract(trim(full_name), '([^ ]*)$', 1) AS given_raw,
                   regexp_replace(trim(full_name), ' *[^ ]*$', '') AS head_raw
            FROM (SELECT {', '.join(eng.raw_columns)}, cccd, coalesce(trim(old_id_number), '') AS old_id_number,
                         {_unquoted("full_name")}, trim(birth_date) AS birth_date, {_unquoted("gender")},
                         {_unquoted("commune_code")}
                  FROM pop_csv) AS raw""")
        eng.drop("pop_csv")
    except Exception as exc:  # the engine's own error for a broken file (duckdb.Error, Spark's SparkException)
        raise InputError(f"{path}: CSV hỏng ({str(exc).strip().splitlines()[0][:300]})") from exc
    try:
        _check_population(eng, path)

        # Names: the Python primitives (NFC, canonical tones, folding, family-name split and key) run
        # on the distinct given names and distinct "family + middle" heads only (thousands, not millions),
        # so the population is prepared with exactly the same functions as the registry.
        givens = [g for (g,) in eng.rows("SELECT DISTINCT given_raw FROM pop_stage")]
        heads = [h for (h,) in eng.rows("SELECT DISTINCT head_raw FROM pop_stage")]
        eng.arrow("given_dict", pa.table({
            "given_raw": pa.array(givens, pa.string()),
            "given_lc": pa.array([normalize_name(g).lower() or None for g in givens], pa.string()),
            "given_folded": pa.array([fold(g) or None for g in givens], pa.string()),
        }))
        head_rows = _head_dictionary(heads)
        eng.arrow("head_dict", pa.table({
            "head_raw": pa.array(heads, pa.string()),
            **{c: pa.array([r[i] for r in head_rows], pa.string())
               for i, c in enumerate(("head_lc", "head_folded", "family_key", "middle_folded"))},
        }))
        eng.write_parquet("""
            SELECT s.cccd AS id_cccd,
                   nullif(s.old_id_number, '') AS id_cmnd,
                   concat_ws(' ', h.head_lc, g.given_lc) AS name_lc,
                   concat_ws(' ', h.head_folded, g.given_folded) AS name_folded,
                   h.family_key,
                   h.middle_folded,
                   g.given_lc,
                   g.given_folded,
                   nullif(s.birth_date, '') AS birth_date,
                   CASE WHEN day(d) <= 12 AND day(d) <> month(d)
                        THEN strftime(make_date(year(d), day(d), month(d)), '%Y-%m-%d') END AS birth_swapped,
                   CAST(year(d) AS INTEGER) AS birth_year,
                   CASE lower(trim(s.gender)) WHEN 'nam' THEN 'nam' WHEN 'nữ' THEN 'nữ' WHEN 'nu' THEN 'nữ' END
                       AS gender,
                   nullif(trim(s.commune_code), '') AS commune_code,
                   CAST(NULL AS VARCHAR[]) AS commune_candidates
            FROM (SELECT *, try_cast(nullif(birth_date, '') AS DATE) AS d FROM pop_stage) AS s
            LEFT JOIN given_dict AS g ON g.given_raw = s.given_raw
            LEFT JOIN head_dict AS h ON h.head_raw = s.head_raw
        """, target)
    finally:
        eng.drop("pop_csv", "pop_stage", "given_dict", "head_dict")
    return target, True


# Columns of PREPARED_COLUMNS the prepared Parquet leaves out, computed when it is read: each is a piece of the
# CCCD (or the CCCD itself), so storing it bought nothing but write time (each string column costs about 0.4 s
# to write for 5 M people, ~1.2 s of a cold run for the three pieces) and 60 MB of file; DuckDB cuts a 12-digit
# text in place. The SQL is the same on both engines and the same pieces as id_pieces() gives the registry.
_DERIVED = {
    "uid": "id_cccd",
    "id_last6": "substr(id_cccd, 7, 6)",
    "id_f6l3": "substr(id_cccd, 1, 6) || substr(id_cccd, 10, 3)",
    "id_first9": "substr(id_cccd, 1, 9)",
}


def population_view(eng: Engine, name: str, parquet: Path) -> None:
    """View `name` of a prepared population Parquet with the PREPARED_COLUMNS, in their order (Splink's union
    of the two sides takes the columns by position); the columns the file leaves out (_DERIVED) are computed."""
    eng.parquet_view(f"{name}_stored", parquet)
    columns = ", ".join(f"{_DERIVED[c]} AS {c}" if c in _DERIVED else c for c in PREPARED_COLUMNS)
    eng.view(name, f"SELECT {columns} FROM {name}_stored")

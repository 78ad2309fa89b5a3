"""Prepared columns: every Vietnamese-specific reading done once per record, before Splink.

Splink then compares plain columns with plain SQL, so the same settings run on DuckDB and on
Spark. Both sides get the same columns (Splink's link_only needs identical schemas):

  uid, id_cccd, id_cmnd, id_last6, id_f6l3, id_first9,
  name_lc, name_folded, family_key, middle_folded, given_lc, given_folded,
  birth_date, birth_swapped, birth_year, gender, commune_code, commune_candidates

The registry (≈10⁴ rows, damaged) is prepared in Python with the identity primitives; the
population (≈5·10⁶ rows, clean extract) in DuckDB SQL, cached as Parquet. The two must agree:
tests/linkage/test_prepare.py checks the SQL folding and splitting against the Python one.

Both CSVs may hold formula-like text quoted with an apostrophe (lienthong.printing.cells, as the sync
writes them): the readers take the apostrophe off, so a record links on its values as recorded.
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from lienthong.geo.address import resolve
from lienthong.identity.cccd import normalize_gender, parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.legacy_encoding import detect_encoding, to_unicode
from lienthong.identity.names import family_key, split_name
from lienthong.identity.text import fold, nfc, normalize_name
from lienthong.printing import cells

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
]

POPULATION_COLUMNS = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
REGISTRY_COLUMNS = ("record_id", "full_name", "id_number", "birth_date", "gender", "address")
PREPARED_COLUMNS = (
    "uid", "id_cccd", "id_cmnd", "id_last6", "id_f6l3", "id_first9",
    "name_lc", "name_folded", "family_key", "middle_folded", "given_lc", "given_folded",
    "birth_date", "birth_swapped", "birth_year", "gender", "commune_code", "commune_candidates",
)
# Bumped whenever the population SQL changes, so that stale caches are not reused.
PREP_VERSION = "4"


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

    res = resolve(row.get("address") or None)
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


# --- population (DuckDB SQL, cached as Parquet) -------------------------------------------------
def _cache_key(path: Path) -> str:
    st = path.stat()
    with open(path, "rb") as fh:
        header = fh.readline(4096)
    h = hashlib.sha256()
    h.update(f"{PREP_VERSION}|{st.st_size}|{st.st_mtime_ns}|".encode())
    h.update(header)
    return h.hexdigest()[:16]


def _head_columns(head: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(head_lc, head_folded, family_key, middle_folded) of the words before the given name."""
    p = split_name(head + " x") if head.strip() else None  # "x" stands for the given name
    if p is None:
        return None, None, None, None
    head_norm = " ".join(w for w in (p.family, p.middle) if w)
    return head_norm.lower() or None, fold(head_norm) or None, family_key(p.family) or None, fold(p.middle) or None


def _check_population(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise InputError naming the first bad row and column of the staged population."""
    checks = (
        ("cccd", "không phải 12 chữ số", "NOT regexp_full_match(coalesce(cccd, ''), '[0-9]{12}')"),
        ("old_id_number", "không phải 9 hoặc 12 chữ số",
         "old_id_number <> '' AND NOT regexp_full_match(old_id_number, '[0-9]{9}|[0-9]{12}')"),
        ("full_name", "trống", "coalesce(trim(full_name), '') = ''"),
        ("birth_date", "không phải ngày ISO (yyyy-mm-dd)",
         "coalesce(birth_date, '') <> '' AND try_strptime(birth_date, '%Y-%m-%d') IS NULL"),
    )
    for column, what, cond in checks:
        bad = con.execute(f"SELECT row_no, {column} FROM pop_raw WHERE {cond} ORDER BY row_no LIMIT 1").fetchone()
        if bad:
            raise InputError(f"{path}, dòng {bad[0] + 1}, cột {column}: {what} ({bad[1]!r})")
    dup = con.execute(
        "SELECT cccd, min(row_no), max(row_no) FROM pop_raw GROUP BY cccd HAVING count(*) > 1 ORDER BY 2 LIMIT 1"
    ).fetchone()
    if dup:
        raise InputError(f"{path}, dòng {dup[2] + 1}, cột cccd: trùng số {dup[0]} (đã có ở dòng {dup[1] + 1})")


def _unquoted(column: str) -> str:
    """SQL for COLUMN without the apostrophe cells.to_csv put before formula-like text. The ID and date
    columns need none: a value starting with = + - @ is never valid there, quoted or not."""
    pattern = cells.QUOTED_SQL_PATTERN.replace("'", "''")
    return (f"CASE WHEN starts_with({column}, chr(39)) AND regexp_matches({column}, '{pattern}') "
            f"THEN substr({column}, 2) ELSE {column} END AS {column}")


def population_parquet(con: duckdb.DuckDBPyConnection, path: str | os.PathLike,
                       cache_dir: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Path of the prepared Parquet for POP.csv, converting it when no valid cache exists.

    Returns (parquet path, converted now?). The cache key is the file size, mtime and header
    (and PREP_VERSION); the Parquet is written to a temporary name and renamed, so a crash never
    leaves a half-written cache behind.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: không có tệp dân cư")
    cache = Path(cache_dir) if cache_dir else path.parent
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{path.name}.{_cache_key(path)}.prepared.parquet"
    if target.is_file():
        return target, False

    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        header = next(csv.reader([fh.readline()]), [])
    missing = [c for c in POPULATION_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path}: thiếu cột {', '.join(missing)} (dòng tiêu đề có: {', '.join(header)})")

    cols = ", ".join(f"'{c}': 'VARCHAR'" for c in header)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE pop_raw AS
            SELECT row_number() OVER () AS row_no, cccd, coalesce(trim(old_id_number), '') AS old_id_number,
                   {_unquoted("full_name")}, trim(birth_date) AS birth_date, {_unquoted("gender")},
                   {_unquoted("commune_code")}
            FROM read_csv(?, header = true, columns = {{{cols}}}, quote = '"', escape = '"',
                          strict_mode = true, null_padding = false)
        """, [str(path)])
    except duckdb.Error as exc:
        raise InputError(f"{path}: CSV hỏng ({str(exc).splitlines()[0]})") from exc
    _check_population(con, path)

    # Names: the Python primitives (NFC, canonical tones, folding, family-name split and key) run
    # on the distinct given names and distinct "family + middle" heads only (thousands, not millions),
    # so the population is prepared with exactly the same functions as the registry.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE pop_stage AS
        SELECT * EXCLUDE (words, row_no, full_name), words[len(words)] AS given_raw,
               array_to_string(words[1:len(words) - 1], ' ') AS head_raw
        FROM (SELECT *, string_split(trim(full_name), ' ') AS words FROM pop_raw)
    """)
    con.execute("DROP TABLE pop_raw")
    givens = [g for (g,) in con.execute("SELECT DISTINCT given_raw FROM pop_stage").fetchall()]
    heads = [h for (h,) in con.execute("SELECT DISTINCT head_raw FROM pop_stage").fetchall()]
    given_tbl = pa.table({
        "given_raw": givens,
        "given_lc": [normalize_name(g).lower() or None for g in givens],
        "given_folded": [fold(g) or None for g in givens],
    })
    head_rows = [_head_columns(h) for h in heads]
    head_tbl = pa.table({
        "head_raw": heads,
        "head_lc": [r[0] for r in head_rows],
        "head_folded": [r[1] for r in head_rows],
        "family_key": [r[2] for r in head_rows],
        "middle_folded": [r[3] for r in head_rows],
    })
    # Real tables (not Arrow scans) so that the joins below are plain hash joins.
    con.register("given_arrow", given_tbl)
    con.register("head_arrow", head_tbl)
    con.execute("CREATE OR REPLACE TEMP TABLE given_dict AS SELECT * FROM given_arrow")
    con.execute("CREATE OR REPLACE TEMP TABLE head_dict AS SELECT * FROM head_arrow")
    con.unregister("given_arrow")
    con.unregister("head_arrow")

    tmp = Path(tempfile.mkstemp(dir=cache, prefix=".pop-", suffix=".parquet")[1])
    try:
        con.execute(f"""
            COPY (
                SELECT s.cccd AS uid,
                       s.cccd AS id_cccd,
                       nullif(s.old_id_number, '') AS id_cmnd,
                       substr(s.cccd, 7, 6) AS id_last6,
                       substr(s.cccd, 1, 6) || substr(s.cccd, 10, 3) AS id_f6l3,
                       substr(s.cccd, 1, 9) AS id_first9,
                       concat_ws(' ', h.head_lc, g.given_lc) AS name_lc,
                       concat_ws(' ', h.head_folded, g.given_folded) AS name_folded,
                       h.family_key,
                       h.middle_folded,
                       g.given_lc,
                       g.given_folded,
                       nullif(s.birth_date, '') AS birth_date,
                       CASE WHEN day(d) <= 12 AND day(d) <> month(d)
                            THEN strftime(make_date(year(d), day(d), month(d)), '%Y-%m-%d') END AS birth_swapped,
                       year(d)::INTEGER AS birth_year,
                       CASE lower(trim(s.gender)) WHEN 'nam' THEN 'nam' WHEN 'nữ' THEN 'nữ' WHEN 'nu' THEN 'nữ' END
                           AS gender,
                       nullif(trim(s.commune_code), '') AS commune_code,
                       NULL::VARCHAR[] AS commune_candidates
                FROM (SELECT *, try_cast(nullif(birth_date, '') AS DATE) AS d FROM pop_stage) AS s
                LEFT JOIN given_dict AS g USING (given_raw)
                LEFT JOIN head_dict AS h USING (head_raw)
            ) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)
        """)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        con.execute("DROP TABLE IF EXISTS pop_stage")
        con.execute("DROP TABLE IF EXISTS given_dict")
        con.execute("DROP TABLE IF EXISTS head_dict")
    return target, True

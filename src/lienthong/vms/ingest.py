"""Positions in: a provider's batch (CSV or JSON, over the API or dropped as a file) checked whole, stored once.

A batch is all or nothing: any row that cannot be read refuses the batch, every problem listed by row and column
(codes, translated at the edge: vms.labels); nothing of it is stored, and the provider sends it again corrected
(sending again is safe: a position already stored — the same vessel at the same instant — is skipped, so ingest
is idempotent). Times are ISO 8601 with an offset, any offset; unsorted, duplicated and late rows are normal.
After storing, the vessels touched are evaluated at once (vms.evaluate), so an alert is on the desk within the
request that brought its position.
"""
from __future__ import annotations

import csv
import gc
import io
import json
import math
import time as clock
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.fleet.models import Vessel
from lienthong.fleet.registration import reg_key

from .evaluate import chunks, evaluate_new
from .models import Batch, Position

COLUMNS = ("registration_number", "time", "latitude", "longitude", "speed_knots", "course_deg")
REQUIRED = COLUMNS[:4]
MAX_PROBLEMS = 50  # listed; the count says how many more
STORE_CHUNK = 5000


@dataclass(frozen=True)
class Problem:
    row: int  # the file's line (CSV: the header is line 1) or the JSON item's number (from 1); 0: the whole batch
    column: str
    code: str  # vms.labels.PROBLEMS
    value: str = ""


class BatchRefused(ValueError):
    def __init__(self, name: str, problems: list[Problem], total: int | None = None):
        self.name, self.problems, self.total = name, problems[:MAX_PROBLEMS], total or len(problems)
        super().__init__(f"{name}: {self.total} problem(s)")


class Row(NamedTuple):  # a tuple, not a frozen dataclass: made 900,000 times a month (~10 µs each, ~0.5 µs)
    key: str
    time: datetime  # UTC
    latitude: float
    longitude: float
    speed_knots: float | None
    course_deg: float | None


@dataclass(frozen=True)
class Outcome:
    batch: Batch
    alerts_opened: int
    alerts_ended: int


def _number(text, row, column, low, high, problems, *, optional=False) -> float | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        if not optional:
            problems.append(Problem(row, column, "empty"))
        return None
    try:
        value = float(text.replace(",", ".") if isinstance(text, str) else text)
    except (TypeError, ValueError):
        problems.append(Problem(row, column, "not_a_number", str(text)[:40]))
        return None
    if not math.isfinite(value) or value < low or value > high:
        problems.append(Problem(row, column, "out_of_range", str(text)[:40]))
        return None
    return value


def _time(text, row, problems) -> datetime | None:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        problems.append(Problem(row, "time", "empty"))
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        problems.append(Problem(row, "time", "not_iso_time", text[:40]))
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        problems.append(Problem(row, "time", "no_offset", text[:40]))
        return None
    return moment.astimezone(UTC)


def check_rows(items: list[tuple[int, dict]], name: str) -> list[Row]:
    """(row number, {column: text}) → Rows, or BatchRefused with every problem."""
    problems: list[Problem] = []
    rows = []
    for n, item in items:
        before = len(problems)
        raw = item.get("registration_number")
        key = reg_key(str(raw)) if raw not in (None, "") else ""
        if not key:
            problems.append(Problem(n, "registration_number", "empty"))
        moment = _time(item.get("time"), n, problems)
        lat = _number(item.get("latitude"), n, "latitude", -90, 90, problems)
        lon = _number(item.get("longitude"), n, "longitude", -180, 180, problems)
        speed = _number(item.get("speed_knots"), n, "speed_knots", 0, 100, problems, optional=True)
        course = _number(item.get("course_deg"), n, "course_deg", 0, 360, problems, optional=True)
        if len(problems) == before:
            rows.append(Row(key, moment, lat, lon, speed, course))
    if problems:
        raise BatchRefused(name, problems)
    if not rows:
        raise BatchRefused(name, [Problem(0, "", "no_rows")])
    return rows


@contextmanager
def _no_gc():
    """Python's cyclic collector paused while a batch's rows are made: it ran over every new list and tuple of a
    50,000-row file many times (a third of the reading) though none of them is ever in a cycle."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def rows_from_csv(data: bytes, name: str) -> list[Row]:
    with _no_gc():
        return _rows_from_csv(data, name)


def _rows_from_csv(data: bytes, name: str) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchRefused(name, [Problem(0, "", "not_utf8", f"byte {exc.start}")]) from None
    lines = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in lines[0]] if lines else []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BatchRefused(name, [Problem(1, c, "missing_column") for c in missing])
    fast = _fast_rows(header, lines)
    if fast:
        return fast
    items, too_long = [], []
    for line, cells in enumerate(lines[1:], start=2):
        if not cells or not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            too_long.append(Problem(line, "", "too_many_cells"))
            continue
        items.append((line, dict(zip(header, cells))))
    if too_long:
        raise BatchRefused(name, too_long)
    return check_rows(items, name)


def _fast_rows(header: list[str], lines: list[list[str]]) -> list[Row] | None:
    """The rows of a clean file, as check_rows reads them, without its bookkeeping (a month's bulk: ~1 µs less a
    cell); None at the first row it cannot take as it is (a blank or short row, an empty, unreadable or out-of-range
    cell, a decimal comma, a time without offset…): the full reading then names every problem, or reads it."""
    column = {h: i for i, h in enumerate(header)}  # a repeated name: its last cell, as dict(zip(header, cells))
    k, t, la, lo = (column[c] for c in REQUIRED)
    sp, co = column.get("speed_knots"), column.get("course_deg")
    width, keys, rows, parse, utc = len(header), {}, [], datetime.fromisoformat, UTC
    append = rows.append
    try:
        for cells in lines[1:]:
            if len(cells) != width:
                return None
            raw = cells[k]
            key = keys.get(raw)
            if key is None:
                key = keys[raw] = reg_key(raw) if raw else ""
            if not key:
                return None
            moment = parse(cells[t].strip())
            if moment.tzinfo is None or moment.utcoffset() is None:
                return None
            lat, lon = float(cells[la]), float(cells[lo])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN too
                return None
            speed = course = None
            if sp is not None and (text := cells[sp]).strip():
                speed = float(text)
                if not 0 <= speed <= 100:
                    return None
            if co is not None and (text := cells[co]).strip():
                course = float(text)
                if not 0 <= course <= 360:
                    return None
            append(Row(key, moment.astimezone(utc), lat, lon, speed, course))
    except ValueError:  # not a time, not a number (a comma among them): check_rows says which
        return None
    return rows


def rows_from_json(data: bytes | str | list | dict, name: str) -> list[Row]:
    """A JSON list of positions, or {"positions": [...]}; each an object with the CSV's column names."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise BatchRefused(name, [Problem(0, "", "bad_json", str(exc)[:80])]) from None
    if isinstance(data, dict):
        data = data.get("positions")
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise BatchRefused(name, [Problem(0, "", "bad_json", "expected a list of objects")])
    items = [(i, {k: (v if isinstance(v, str) or v is None else v) for k, v in x.items()})
             for i, x in enumerate(data, start=1)]
    return check_rows(items, name)


def store(rows: list[Row], *, source: str, name: str, provider=None, evaluate: bool = True,
          now: datetime | None = None) -> Outcome:
    """Store the rows not stored yet (one transaction), then evaluate the vessels they touch."""
    started = clock.monotonic()
    with _no_gc():  # as for reading: a chunk's dicts and lists are no cycles
        keys = {r.key for r in rows}
        vessels = dict(Vessel.objects.filter(reg_key__in=keys).values_list("reg_key", "pk"))
        unique: dict[tuple[str, datetime], Row] = {}
        for r in rows:
            unique.setdefault((r.key, r.time), r)
        with transaction.atomic():
            batch = Batch.objects.create(source=source, name=name[:255], provider=provider, rows=len(rows))
            low = min(r.time for r in unique.values())
            high = max(r.time for r in unique.values())
            stored_before = set()
            for chunk in chunks(sorted(keys), 500):
                stored_before.update(Position.objects.filter(reg_key__in=chunk, time__range=(low, high))
                                     .values_list("reg_key", "time"))
            # in (vessel, time) order: each index's insertions then follow one another (a provider's time-ordered feed
            # spreads them over every vessel's page, and SQLite's cache misses grew with the table)
            new = [r for k, r in sorted(unique.items()) if k not in stored_before]
            if connection.vendor == "postgresql":
                _copy(new, vessels, batch.pk)
            else:
                with _sqlite_cache():
                    for chunk in chunks(new, STORE_CHUNK):
                        _insert(chunk, vessels, batch.pk)
            batch.stored = len(new)
            batch.duplicates = len(rows) - len(new)
            batch.unknown_vessels = len(keys - set(vessels))
            batch.seconds = round(clock.monotonic() - started, 3)
            batch.save(update_fields=["stored", "duplicates", "unknown_vessels", "seconds"])
            record(provider, AuditAction.IMPORT, object_type="vms_batch", object_id=batch.pk,
                   summary=msg(gettext_noop("Received %(n)s positions (%(new)s new) from %(name)s"), n=len(rows), new=len(new),
                               name=name[:80]),
                   detail={"source": source, "stored": len(new), "duplicates": batch.duplicates,
                           "unknown_vessels": batch.unknown_vessels})
    opened = ended = 0
    if evaluate and new:
        earliest: dict[int, datetime] = {}
        for r in new:
            pk = vessels.get(r.key)
            if pk is not None and (pk not in earliest or r.time < earliest[pk]):
                earliest[pk] = r.time
        opened, ended = evaluate_new(earliest, now=now or timezone.now())
    return Outcome(batch, opened, ended)


def _insert(rows: list[Row], vessels: dict[str, int], batch_id: int) -> None:
    """The rows' INSERT as Position.objects.bulk_create(..., ignore_conflicts=True) writes it (the same columns and
    conflict clause, the values adapted by the backend), without a model instance and a compiled statement per row:
    those were most of the storing time (about 100 µs a position, against a few µs for SQLite's insert itself).
    SQLite's (PostgreSQL's rows are copied: _copy)."""
    ops, qn = connection.ops, connection.ops.quote_name
    fields = [Position._meta.get_field(name) for name in
              ("reg_key", "vessel", "time", "latitude", "longitude", "speed_knots", "course_deg", "batch")]
    suffix = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    head = (f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {qn(Position._meta.db_table)} "
            f"({', '.join(qn(f.column) for f in fields)})")
    adapt = ops.adapt_datetimefield_value
    if connection.timezone_name == "UTC":  # the rows' times are UTC already: adapt's text (make_naive, str) direct
        def adapt(moment, naive=datetime.replace):
            return naive(moment, tzinfo=None).isoformat(" ")
    values = [(r.key, vessels.get(r.key), adapt(r.time), r.latitude, r.longitude, r.speed_knots, r.course_deg,
               batch_id) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"{head} VALUES ({', '.join(['%s'] * len(fields))}) {suffix}".rstrip(), values)


SQLITE_CACHE_KIB = 64 * 1024


@contextmanager
def _sqlite_cache():
    """SQLite: a page cache of 64 MiB, not 2 MiB, while a batch's rows go in: a chunk touches each vessel's pages
    of the table and of both indexes (thousands of pages), which the default cache kept re-reading."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


_COPY_COLUMNS = ("reg_key", "vessel_id", "time", "latitude", "longitude", "speed_knots", "course_deg", "batch_id")


def _copy(rows: list[Row], vessels: dict[str, int], batch_id: int) -> None:
    """PostgreSQL: the rows streamed by COPY (binary) into a temporary table, then one INSERT … SELECT … ON CONFLICT
    DO NOTHING into the positions (COPY itself cannot skip a row already stored). The temporary table lives until
    the transaction's end; its columns are the positions' but reg_key's length (a longer value is refused by the
    INSERT, as before)."""
    table = "vms_position_incoming"
    columns = ", ".join(_COPY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} (reg_key varchar, vessel_id bigint, "
                       "time timestamptz, latitude double precision, longitude double precision, "
                       "speed_knots double precision, course_deg double precision, batch_id bigint) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["varchar", "int8", "timestamptz", "float8", "float8", "float8", "float8", "int8"])
            write = copy.write_row
            get = vessels.get
            for r in rows:
                write((r.key, get(r.key), r.time, r.latitude, r.longitude, r.speed_knots, r.course_deg, batch_id))
        cursor.execute(f"INSERT INTO {Position._meta.db_table} ({columns}) SELECT {columns} FROM {table} "
                       "ON CONFLICT DO NOTHING")
        cursor.execute(f"DROP TABLE {table}")

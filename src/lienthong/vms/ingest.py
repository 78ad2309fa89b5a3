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
import io
import json
import math
import time as clock
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.fleet.models import Vessel
from lienthong.fleet.registration import reg_key

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


@dataclass(frozen=True)
class Row:
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


def rows_from_csv(data: bytes, name: str) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchRefused(name, [Problem(0, "", "not_utf8", f"byte {exc.start}")]) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BatchRefused(name, [Problem(1, c, "missing_column") for c in missing])
    items, too_long = [], []
    for line, cells in enumerate(reader, start=2):
        if not cells or not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            too_long.append(Problem(line, "", "too_many_cells"))
            continue
        items.append((line, dict(zip(header, cells))))
    if too_long:
        raise BatchRefused(name, too_long)
    return check_rows(items, name)


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
    from .evaluate import evaluate_new  # evaluate reads the stored positions: it comes after them

    started = clock.monotonic()
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
        for chunk in _chunks(sorted(keys), 500):
            stored_before.update(Position.objects.filter(reg_key__in=chunk, time__range=(low, high))
                                 .values_list("reg_key", "time"))
        # in (vessel, time) order: each index's insertions then follow one another (a provider's time-ordered feed
        # spreads them over every vessel's page, and SQLite's cache misses grew with the table)
        new = [r for k, r in sorted(unique.items()) if k not in stored_before]
        for chunk in _chunks(new, STORE_CHUNK):
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
    PostgreSQL takes the chunk as one INSERT … SELECT FROM unnest(arrays) (one statement, not one per row)."""
    ops, qn = connection.ops, connection.ops.quote_name
    fields = [Position._meta.get_field(name) for name in
              ("reg_key", "vessel", "time", "latitude", "longitude", "speed_knots", "course_deg", "batch")]
    suffix = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    head = (f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {qn(Position._meta.db_table)} "
            f"({', '.join(qn(f.column) for f in fields)})")
    adapt = ops.adapt_datetimefield_value
    values = [(r.key, vessels.get(r.key), adapt(r.time), r.latitude, r.longitude, r.speed_knots, r.course_deg,
               batch_id) for r in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # varchar, not varchar(32): an explicit cast would cut a longer value, the insert refuses it as before
            arrays = ", ".join(f"CAST(%s AS {f.db_type(connection).split('(')[0]}[])" for f in fields)
            cursor.execute(f"{head} SELECT * FROM unnest({arrays}) {suffix}", [list(c) for c in zip(*values)])
        else:
            cursor.executemany(f"{head} VALUES ({', '.join(['%s'] * len(fields))}) {suffix}".rstrip(), values)


def _chunks(items, size):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]

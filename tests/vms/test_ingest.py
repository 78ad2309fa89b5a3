"""Positions in: a batch stored whole or not at all, idempotent, any offset, and never rewritten afterwards."""
from __future__ import annotations

from datetime import UTC

import pytest
from django.db import DatabaseError, connection, transaction

from lienthong.vms import ingest
from lienthong.vms.models import Batch, Position

from .conftest import SEA, at, csv_of


def test_a_batch_is_stored_once_and_a_resend_skips_every_row(store):
    rows = [("KG-90001-TS", at(3), SEA), ("KG-90001-TS", at(1), SEA), ("KG 90002 TS", at(2), SEA)]
    first = store(rows)
    assert (first.batch.rows, first.batch.stored, first.batch.duplicates) == (3, 3, 0)
    again = store(list(reversed(rows)))
    assert (again.batch.stored, again.batch.duplicates) == (0, 3)
    assert Position.objects.count() == 3
    assert Position.objects.filter(vessel__registration_number="KG-90002-TS").count() == 1  # "KG 90002 TS" is it


def test_one_instant_written_with_two_offsets_is_one_position(store):
    moment = at(2)
    rows = [("KG-90001-TS", moment.isoformat(), SEA),
            ("KG-90001-TS", moment.astimezone(UTC).isoformat().replace("+00:00", "Z"), SEA)]
    out = store(rows)
    assert (out.batch.stored, out.batch.duplicates) == (1, 1)
    assert Position.objects.get().time == moment


def test_an_unknown_vessel_is_kept_and_counted(store):
    out = store([("KG-99999-TS", at(1), SEA)])
    assert out.batch.unknown_vessels == 1
    assert Position.objects.get().vessel is None


def test_a_bad_batch_names_every_problem_and_stores_nothing(fleet):
    data = csv_of([("KG-90001-TS", at(1), SEA)]) + b"KG-90001-TS,2026-11-30T10:00:00,9.8,104.5,,\n" \
        + b"KG-90001-TS,31/02/2026 10:00,9.8,104.5,,\n" + b",2026-11-30T10:00:00+07:00,95,abc,,\n"
    with pytest.raises(ingest.BatchRefused) as refused:
        ingest.rows_from_csv(data, "feed.csv")
    got = {(p.row, p.column, p.code) for p in refused.value.problems}
    assert got == {(3, "time", "no_offset"), (4, "time", "not_iso_time"), (5, "registration_number", "empty"),
                   (5, "latitude", "out_of_range"), (5, "longitude", "not_a_number")}
    assert refused.value.name == "feed.csv"
    assert not Position.objects.exists() and not Batch.objects.exists()


def test_a_file_not_in_utf8_or_without_its_columns_is_refused_whole(fleet):
    with pytest.raises(ingest.BatchRefused) as refused:
        ingest.rows_from_csv("registration_number,thời gian\n".encode("utf-16"), "x.csv")
    assert refused.value.problems[0].code == "not_utf8"
    with pytest.raises(ingest.BatchRefused) as refused:
        ingest.rows_from_csv(b"registration_number,time\nKG-1,2026-11-30T10:00:00Z\n", "x.csv")
    assert {p.column for p in refused.value.problems} == {"latitude", "longitude"}


def test_json_batches_read_as_csv_ones(fleet):
    rows = ingest.rows_from_json(b'{"positions": [{"registration_number": "KG-90001-TS", "time": '
                                 b'"2026-11-30T10:00:00+07:00", "latitude": 9.8, "longitude": 104.5}]}', "api")
    assert rows[0].key == "KG90001TS" and rows[0].latitude == 9.8
    with pytest.raises(ingest.BatchRefused) as refused:
        ingest.rows_from_json(b'[{"registration_number": "KG-90001-TS", "time": 5}]', "api")
    assert {p.column for p in refused.value.problems} == {"time", "latitude", "longitude"}
    with pytest.raises(ingest.BatchRefused):
        ingest.rows_from_json(b"{not json", "api")


def test_positions_are_never_updated_nor_deleted(store):
    store([("KG-90001-TS", at(1), SEA)])
    errors = DatabaseError  # SQLite: IntegrityError; PostgreSQL: the trigger's exception
    with pytest.raises(errors), transaction.atomic():
        Position.objects.update(latitude=1.0)
    with pytest.raises(errors), transaction.atomic():
        Position.objects.all().delete()
    if connection.vendor == "sqlite":  # REPLACE would delete the stored row without the delete trigger
        with connection.cursor() as cursor:
            p = Position.objects.get()
            cursor.execute("INSERT OR REPLACE INTO vms_position (reg_key, vessel_id, time, latitude, longitude, "
                           "batch_id) SELECT reg_key, vessel_id, time, 0, 0, batch_id FROM vms_position WHERE id = %s",
                           [p.pk])
    p = Position.objects.get()
    assert p.latitude == SEA[0]


def _both_readings(data: bytes):
    import csv
    import io

    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = [h.strip() for h in lines[0]]
    fast = ingest._fast_rows(header, lines)
    full = ingest.check_rows([(n, dict(zip(header, cells))) for n, cells in enumerate(lines[1:], start=2)
                              if any(c.strip() for c in cells)], "x")  # a blank row skipped, as rows_from_csv does
    return fast, full


def test_the_fast_reading_of_a_clean_file_is_the_full_one():
    data = (b"registration_number,time,latitude,longitude,speed_knots,course_deg\n"
            b"KG-90001-TS,2026-11-30T10:00:00+07:00,9.8,104.5,3.5,180\n"
            b"KG 90002 TS,2026-11-30T02:00:05Z,-9.75,-104.25,,\n"
            b"kg-90001-ts,2026-11-30T03:00:00+00:00,9.8,104.5,0,360\n"
            b"KG-90001-TS,2026-11-30T03:00:00Z,9.8,104.5,0,0\n"  # the one before, sent again: both kept here
            b"KG-90002-TS,2026-11-29T23:59:59.250+07:00,90,180,100,\n"  # earlier than the rows above
            b"KG-90001-TS,2026-11-30T10:00:00+07:00,9.8,104.5,3.5,180\n"  # duplicated
            b"KG-90003-TS, 2026-11-30T09:00:00-03:30 ,-90,-180,,0\n")
    fast, full = _both_readings(data)
    assert fast == full and len(fast) == 7
    assert [(r.key, r.time.isoformat()) for r in fast[:3]] == [
        ("KG90001TS", "2026-11-30T03:00:00+00:00"), ("KG90002TS", "2026-11-30T02:00:05+00:00"),
        ("KG90001TS", "2026-11-30T03:00:00+00:00")]
    assert all(r.time.tzinfo is UTC for r in fast)
    assert (fast[1].speed_knots, fast[1].course_deg, fast[0].speed_knots) == (None, None, 3.5)
    assert ingest.rows_from_csv(data, "x") == full


@pytest.mark.parametrize("line", [
    "KG-90001-TS,2026-11-30T10:00:00+07:00,\"9,8\",104.5,,",  # a decimal comma: read, by the full reading
    "KG-90001-TS,2026-11-30T10:00:00+07:00,9.8,104.5",  # a short row
    ",,,,,",  # a blank row, skipped
])
def test_the_fast_reading_leaves_what_it_cannot_take_to_the_full_one(line):
    data = ("registration_number,time,latitude,longitude,speed_knots,course_deg\n"
            "KG-90002-TS,2026-11-30T02:00:05Z,9.75,104.25,,\n" + line + "\n").encode()
    fast, full = _both_readings(data)
    assert fast is None
    assert ingest.rows_from_csv(data, "x") == full and full[0].key == "KG90002TS"

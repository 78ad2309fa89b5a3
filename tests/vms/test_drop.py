"""The drop folder: a provider's file taken whole and moved to done/, a bad one moved to refused/ beside the list of
its problems, nothing of it stored; the worker's step also sweeps silences once a minute."""
from __future__ import annotations

import os
import time

from lienthong.vms import jobs
from lienthong.vms.models import Alert, Position

from .conftest import SEA, at, csv_of


def test_dropped_files_are_ingested_or_refused_with_their_problems(fleet, tmp_path, monkeypatch):
    monkeypatch.setenv("LIENTHONG_VMS_DROP", str(tmp_path))
    good = tmp_path / "vnpt-0001.csv"
    good.write_bytes(csv_of([("KG-90001-TS", at(14), SEA), ("KG-90001-TS", at(2), SEA)]))
    bad = tmp_path / "vnpt-0002.csv"
    bad.write_bytes(csv_of([("KG-90002-TS", at(3), SEA)]) + b"KG-90002-TS,2026-11-30 10:00,9.8,104.5,,\n")
    fresh = tmp_path / "vnpt-0003.csv"  # still being copied: left for the next round
    fresh.write_bytes(csv_of([("KG-90002-TS", at(1), SEA)]))
    past = time.time() - 60
    for p in (good, bad):
        os.utime(p, (past, past))
    assert jobs.drop_step(limit=None) == 2
    assert (tmp_path / "done" / good.name).is_file() and not good.exists()
    assert (tmp_path / "refused" / bad.name).is_file()
    why = (tmp_path / "refused" / f"{bad.name}.txt").read_text(encoding="utf-8")
    assert "vnpt-0002.csv" in why and "dòng 3, cột time" in why and "múi giờ" in why
    assert fresh.exists()
    assert Position.objects.count() == 2 and Alert.objects.count() == 1

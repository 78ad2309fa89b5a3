"""The job worker's part for vessel monitoring (VmsConfig.run_background_jobs): the files providers drop in the
drop folder (settings.DATA_DIR / "vms-drop", or LIENTHONG_VMS_DROP) ingested — a file read whole moves to done/, a
refused one to refused/ beside a .txt naming every problem by row and column — and once a minute the sweep of
silences and the escalations that fell due."""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import evaluate, ingest, labels

log = logging.getLogger(__name__)
SWEEP_EVERY = 60.0  # seconds: "within a minute"
_last_sweep = [0.0]


def drop_dir() -> Path:
    return Path(os.environ.get("LIENTHONG_VMS_DROP") or Path(settings.DATA_DIR) / "vms-drop")


def ingest_file(path: Path) -> ingest.Outcome:
    data = path.read_bytes()
    reader = ingest.rows_from_json if path.suffix.lower() == ".json" else ingest.rows_from_csv
    return ingest.store(reader(data, path.name), source="file", name=path.name)


def drop_step(limit: int | None = 1) -> int:
    folder = drop_dir()
    if not folder.is_dir():
        return 0
    done = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".json")):
        if limit is not None and done >= limit:
            break
        if time.time() - path.stat().st_mtime < 2:
            continue  # still being written by the provider's copy
        try:
            ingest_file(path)
            target = folder / "done"
        except ingest.BatchRefused as exc:
            target = folder / "refused"
            target.mkdir(exist_ok=True)
            (target / f"{path.name}.txt").write_text(labels.refusal_text(exc), encoding="utf-8")
        target.mkdir(exist_ok=True)
        path.replace(target / path.name)
        done += 1
    return done


def background_step(limit: int | None = 1) -> int:
    done = drop_step(limit)
    if time.monotonic() - _last_sweep[0] >= SWEEP_EVERY:
        _last_sweep[0] = time.monotonic()
        now = timezone.now()
        try:
            evaluate.sweep(now)
            evaluate.escalate_due(now)
        except Exception:  # noqa: BLE001 - logged; the next minute tries again
            log.exception("vessel monitoring sweep")
    return done

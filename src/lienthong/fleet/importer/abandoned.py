"""Imports left "running" by a process that died (killed, out of memory, a gunicorn worker timed out).

An import runs inside the request (or the CLI, or the job worker for a large upload) that started it, and its record is written "running"
before the rows are read; the rows themselves are written in one transaction, so a dead process
leaves nothing half-written, only the record. Each running record names its process (host, pid and
the process's start time, so a reused pid is not mistaken for it). `fail_abandoned_imports()` marks
the dead ones failed. It runs when `lienthong serve` starts and on every load of the import pages:
gunicorn replaces a killed worker without restarting `serve`, so waiting for the next start would
leave the record "running" for days, while the pages are where an officer looks for the outcome.
A record from another host cannot be checked this way; it is failed once older than STALE_AFTER.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

from django.utils import timezone

from ..models import ImportStatus, RegistryImport

__all__ = ["this_process", "process_alive", "fail_abandoned_imports", "STALE_AFTER"]

# An import is capped at IMPORT_MAX_ROWS rows (minutes at most); a record from another host still
# "running" after this long has no live process behind it.
STALE_AFTER = dt.timedelta(hours=2)


def _start_token(pid: int) -> str:
    """When the process started (Linux: boot id + start tick in /proc), "" where that cannot be read."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
        stat = Path(f"/proc/{pid}/stat").read_text()
        # Field 22 (starttime); the command name (field 2) may hold spaces, so split after its ")".
        start = stat.rsplit(")", 1)[1].split()[19]
        return f"{boot}-{start}"
    except (OSError, IndexError):
        return ""


def this_process() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()[:60]} {pid} {_start_token(pid)}".strip()


def process_alive(process: str) -> bool | None:
    """True/False for a process of this host; None when it cannot be told (another host, no record)."""
    parts = process.split()
    if len(parts) < 2 or parts[0] != socket.gethostname()[:60] or not parts[1].isdigit():
        return None
    pid, token = int(parts[1]), parts[2] if len(parts) > 2 else ""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by another user
    except OSError:
        return None
    if token and _start_token(pid) not in ("", token):
        return False  # the pid was reused by a later process
    return True


def fail_abandoned_imports() -> int:
    """Mark failed the running imports whose process is gone; returns how many."""
    now = timezone.now()
    failed = 0
    running = (RegistryImport.objects.filter(status=ImportStatus.RUNNING)
               .only("pk", "file_name", "process", "started_at", "stored_file"))
    for record in running:
        alive = process_alive(record.process)
        if alive is None:
            alive = now - record.started_at < STALE_AFTER
        if alive:
            continue
        # Only if still running: the process may have finished it between the read and this update.
        gone = RegistryImport.objects.filter(pk=record.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, finished_at=now,
            message=f"{record.file_name}: quá trình nhập bị dừng giữa chừng (tiến trình đã tắt); không có thay đổi nào được lưu, hãy nhập lại tệp",
        )
        if gone and record.stored_file:  # a background import's kept upload (personal data) goes with it
            from .jobs import remove_stored_file

            remove_stored_file(record)
        failed += gone
    return failed

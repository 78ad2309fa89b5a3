"""`FileNotifier`: the demo's adapter. Delivering is appending the message as one JSON line to a file
(LIENTHONG_NOTIFY_URL=file:/path/to/notifications.jsonl), where whoever runs the demo reads what a citizen's
phone or mailbox would have received, without a gateway. Same rules as the gateway (notify.message.validate),
same once-per-key delivery.

Several server processes (gunicorn workers) append to the same file: each delivery holds an exclusive lock on
the file (fcntl.flock; on Windows, where there is no flock, a process-wide lock only) while it looks for the
key and appends, so two workers never deliver one key twice or interleave their lines. Looking for the key
reads the file: fine for a demo's few thousand lines, which is all this adapter is for.
"""
from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from lienthong.notify.message import Delivery, Notification, NotifyUnavailable, validate

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = ["FileNotifier", "path_of"]

SCHEME = "file:"


def path_of(url: str) -> Path | None:
    """The file a `file:` notification URL names (file:/abs/path, file:///abs/path, file:relative), else None."""
    if not url.startswith(SCHEME):
        return None
    rest = url[len(SCHEME):]
    if rest.startswith("//"):
        rest = rest[2:]
    return Path(rest) if rest else None


class FileNotifier:
    channel = "file"

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FileNotifier({str(self.path)!r})"

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a+", encoding="utf-8") as fh:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield fh
            finally:
                if fcntl is not None:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def send(self, notification: Notification) -> Delivery:
        n = validate(notification)
        try:
            with self._locked() as fh:
                fh.seek(0)
                number = 0
                for number, line in enumerate(fh, start=1):  # noqa: B007 - the count is used after the loop
                    try:
                        if json.loads(line).get("key") == n.key:
                            return Delivery(str(number), duplicate=True)
                    except ValueError:
                        continue  # a line cut short by a full disk: not this key
                entry = {**n.to_json(), "at": datetime.now(UTC).isoformat(timespec="seconds")}
                fh.seek(0, os.SEEK_END)
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
                fh.flush()
                return Delivery(str(number + 1))
        except OSError as exc:  # a full disk or a read-only directory: try again later
            raise NotifyUnavailable(f"cannot write the notification file ({type(exc).__name__})") from exc

    def received(self) -> list[dict]:
        """Every message the file holds, oldest first (tests and the demo's readers)."""
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def close(self) -> None:
        pass

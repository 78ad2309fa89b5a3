"""The demo's file adapter (LIENTHONG_NOTIFY_URL=file:PATH): chosen from the setting, one JSON line per message,
each key once even when several writers append at the same time. (The adapter contract itself runs in
test_contract.py with the other adapters.)"""
from __future__ import annotations

import json
import threading
import uuid

import pytest

from lienthong.notify import services as notify
from lienthong.notify.filebox import FileNotifier, path_of
from lienthong.notify.message import Notification


@pytest.fixture
def fresh_notifier():
    notify.reset_notifier()
    yield
    notify.reset_notifier()


@pytest.mark.parametrize("url, path", [
    ("file:/srv/demo/thong-bao.jsonl", "/srv/demo/thong-bao.jsonl"),
    ("file:///srv/demo/thong-bao.jsonl", "/srv/demo/thong-bao.jsonl"),
    ("file:thong-bao.jsonl", "thong-bao.jsonl"),
    ("http://127.0.0.1:8790", None),
    ("", None),
])
def test_the_file_url_names_the_file(url, path):
    got = path_of(url)
    assert (str(got) if got is not None else None) == path


def test_the_setting_chooses_the_file_adapter_relative_to_the_data_directory(settings, fresh_notifier, db):
    settings.NOTIFY_URL = "file:thong-bao/tin-nhan.jsonl"
    adapter = notify.notifier()
    assert isinstance(adapter, FileNotifier) and adapter.channel == "file"
    assert adapter.path == settings.DATA_DIR / "thong-bao" / "tin-nhan.jsonl"
    message = notify.send(None, to=["0912345678"], subject="Hồ sơ 1", body="Nội dung", ref="dossier:1")
    assert (message.status, message.channel, message.remote_id) == ("sent", "file", "1")
    lines = (settings.DATA_DIR / "thong-bao" / "tin-nhan.jsonl").read_text(encoding="utf-8").splitlines()
    assert [{k: v for k, v in json.loads(line).items() if k != "at"} for line in lines] == [
        {"key": message.key, "to": ["0912345678"], "subject": "Hồ sơ 1", "body": "Nội dung", "ref": "dossier:1"}]


def test_writers_appending_at_once_deliver_each_key_once_in_whole_lines(tmp_path):
    path = tmp_path / "n.jsonl"
    keys = [uuid.uuid4().hex for _ in range(40)]
    barrier = threading.Barrier(8)
    results, errors = [], []

    def writer(i):
        adapter = FileNotifier(path)  # each its own file handle: the lock must be the file's, not the object's
        try:
            barrier.wait()
            for key in keys:
                results.append(adapter.send(Notification(key, ("0912345678",), "Tiêu đề", f"Nội dung {i}", "dossier:x")))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["key"] for line in lines) == sorted(keys)
    assert sum(not r.duplicate for r in results) == 40 and sum(r.duplicate for r in results) == 7 * 40

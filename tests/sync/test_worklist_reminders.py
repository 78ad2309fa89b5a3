"""Reminders sent through the notification adapter (issue 8 item 16), the bulk download of the worklists,
and the worklist PDF's page numbers, agency and date of issue."""
from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import Owner
from lienthong.notify import services as notify
from lienthong.notify.models import Message, OutboxEntry
from lienthong.sync import actions, files
from lienthong.sync.models import Worklist

PASSWORD = "mat-khau-thu-nghiem-2025"


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def overdue(synced, fisheries_user):
    from lienthong.geo.address import resolve

    owners = [o for o in Owner.objects.filter(identity_status="verified").exclude(raw_address="").order_by("pk")
              if resolve(o.raw_address).commune_code == "31078"][:3]
    Owner.objects.filter(pk__in=[o.pk for o in owners]).update(identity_status="not_found", verified_cccd="")
    actions.build_worklists(fisheries_user, deadline_days=7)
    wl = Worklist.objects.get(kind="commune", commune_code="31078")
    Worklist.objects.filter(pk=wl.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    wl.refresh_from_db()
    return wl


@pytest.fixture(autouse=True)
def _fresh_notifier(settings):
    notify.reset_notifier()
    yield
    notify.reset_notifier()


def test_a_reminder_is_sent_to_the_communes_officers_and_recorded(overdue, client, fisheries_user, commune_user,
                                                                    other_commune_user):
    c = _client(client, fisheries_user)
    r = c.post(reverse("sync-reminders"), {"worklist": overdue.pk}, follow=True)
    assert [m.level_tag for m in r.context["messages"]] == ["success"]
    message = Message.objects.get(ref=f"worklist:{overdue.pk}")
    assert (message.status, message.channel, message.attempts) == ("sent", "outbox", 1)
    assert message.recipients == [commune_user.email or commune_user.username]  # not the other commune's officer
    assert message.sent_at is not None and message.created_by == fisheries_user
    entry = OutboxEntry.objects.get(key=message.key)
    assert "Phú Quốc" in entry.subject and "quá hạn 2 ngày" in entry.body
    overdue.refresh_from_db()
    assert (overdue.reminders, overdue.last_reminded_at) == (1, message.sent_at)
    page = c.get(reverse("sync-reminders")).content.decode()
    assert 'data-testid="reminder" data-status="sent"' in page
    assert AuditEvent.objects.filter(object_type="notification", object_id=str(message.pk)).exists()


def test_a_list_nobody_can_receive_is_refused(overdue, client, fisheries_user):
    r = _client(client, fisheries_user).post(reverse("sync-reminders"), {"worklist": overdue.pk}, follow=True)
    assert [m.level_tag for m in r.context["messages"]] == ["error"]
    assert not Message.objects.exists()
    overdue.refresh_from_db()
    assert overdue.reminders == 0


def test_a_failed_send_is_visible_and_retried(overdue, client, fisheries_user, commune_user, settings):
    """The gateway is down (a real reference server answering 503): the reminder is recorded as failed,
    the page says so, and the retry once the gateway is back delivers it — once."""
    import threading

    from lienthong.notify.server import Faults, NotifyApp, make_server

    app = NotifyApp("tok", Faults(error_5xx=1.0))
    server = make_server(app, port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    settings.NOTIFY_URL, settings.NOTIFY_TOKEN = f"http://127.0.0.1:{server.effective_port}", "tok"
    try:
        notify.reset_notifier()
        notifier = notify.notifier()
        notifier.backoff_base = 0.01
        c = _client(client, fisheries_user)
        r = c.post(reverse("sync-reminders"), {"worklist": overdue.pk}, follow=True)
        assert [m.level_tag for m in r.context["messages"]] == ["error"]
        message = Message.objects.get(ref=f"worklist:{overdue.pk}")
        assert (message.status, message.channel, message.retryable) == ("failed", "http", True)
        assert "503" in message.last_error and app.received == {}
        overdue.refresh_from_db()
        assert overdue.reminders == 0
        page = c.get(reverse("sync-reminders")).content.decode()
        assert 'data-testid="reminder-failed"' in page and 'data-testid="retry-reminders"' in page
        app.faults = Faults()  # the gateway is back
        c.post(reverse("sync-reminders"), {"retry": "1"})
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sent", 2)
        assert [m["key"] for m in app.received.values()] == [message.key]
        overdue.refresh_from_db()
        assert overdue.reminders == 1
        assert actions.retry_reminders() == []  # nothing left to retry
    finally:
        server.close()
        thread.join(5)


def test_bulk_download_is_a_zip_of_every_visible_list(overdue, client, fisheries_user, commune_user):
    c = _client(client, fisheries_user)
    r = c.get(reverse("sync-worklists-zip"))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    open_lists = Worklist.objects.visible_to(fisheries_user).filter(items__state__in=actions.OPEN_STATES).distinct()
    assert len(names) == 2 * open_lists.count()
    stem = files.file_stem(overdue)
    assert stem == f"danh-sach-xa-dac-khu-phu-quoc-{overdue.pk}"
    assert {f"{stem}.xlsx", f"{stem}.pdf"} <= set(names)
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert load_workbook(io.BytesIO(z.read(f"{stem}.xlsx"))).active["A1"].value.endswith("Đặc khu Phú Quốc")
    assert z.read(f"{stem}.pdf").startswith(b"%PDF-")
    c.logout()
    # A commune officer gets only the lists of their commune.
    r = _client(client, commune_user).get(reverse("sync-worklists-zip"))
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    mine = Worklist.objects.visible_to(commune_user).filter(items__state__in=actions.OPEN_STATES).distinct()
    assert sorted(names) == sorted(f"{files.file_stem(w)}.{ext}" for w in mine for ext in ("xlsx", "pdf"))
    assert AuditEvent.objects.filter(action="export", object_type="worklist", username=commune_user.username).exists()


def _pdf_pages(data: bytes, tmp_path) -> list[str]:
    """Each page's text, through poppler's pdftotext (CI installs poppler-utils)."""
    import shutil
    import subprocess

    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed to read the PDF back"
    path = tmp_path / "list.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return [p for p in text.split("\f") if p.strip()]


def test_pdf_has_page_numbers_agency_and_local_date_of_issue(overdue, settings, tmp_path):
    from lienthong.sync.models import WorklistItem

    first = overdue.items.first()
    WorklistItem.objects.bulk_create([WorklistItem(worklist=overdue, vessel=first.vessel, owner=first.owner,
                                                   problem=first.problem, missing=first.missing) for _ in range(40)])
    settings.AGENCY_NAME = "Chi cục Thủy sản tỉnh An Giang"
    # 17:30 UTC on 30/11 is 00:30 on 01/12 in Asia/Ho_Chi_Minh: the date of issue is the local one.
    with time_machine.travel(datetime(2026, 11, 30, 17, 30, tzinfo=UTC), tick=False):
        data = files.worklist_pdf(overdue)
    pages = _pdf_pages(data, tmp_path)
    n = len(pages)
    assert n >= 2
    for i, page in enumerate(pages, 1):
        assert f"Trang {i}/{n}" in page
        assert "Chi cục Thủy sản tỉnh An Giang" in page and "Ngày in: 01/12/2026" in page
    assert "30/11/2026" not in pages[0]


def test_the_job_worker_retries_failed_reminders_while_idle(overdue, commune_user, fisheries_user, monkeypatch,
                                                           settings):
    """A reminder that failed (the gateway answered 503) is delivered by the idle worker, at most once a minute."""
    import threading

    from lienthong.notify.server import Faults, NotifyApp, make_server
    from lienthong.sync import worker

    app = NotifyApp("tok", Faults(error_5xx=1.0))
    server = make_server(app, port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    settings.NOTIFY_URL, settings.NOTIFY_TOKEN = f"http://127.0.0.1:{server.effective_port}", "tok"
    try:
        notify.reset_notifier()
        notify.notifier().backoff_base = 0.01
        message = actions.remind(fisheries_user, overdue)
        assert message.status == "failed"
        app.faults = Faults()  # the gateway is back
        monkeypatch.setattr(worker, "_last_retry", [0.0])
        worker._retry_notifications()
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sent", 2)
        assert [m["key"] for m in app.received.values()] == [message.key]
        overdue.refresh_from_db()
        assert overdue.reminders == 1
        Message.objects.filter(pk=message.pk).update(status="failed")
        worker._retry_notifications()  # within the minute: not again
        assert Message.objects.get(pk=message.pk).attempts == 2
    finally:
        server.close()
        thread.join(5)

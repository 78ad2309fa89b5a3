"""End to end through the pages: registry import, a sync run by the worker, a review decision, a commune
worklist answered by upload, and the export for VNFishbase."""
from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from lienthong.fleet.models import Owner
from lienthong.sync import worker
from lienthong.sync.models import ExportLine, SyncItem, SyncRun, WorkItemState, Worklist, WorklistItem

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD (conftest modules are not importable by name)


def test_campaign_end_to_end(province, client, fisheries_user, commune_user):
    c = client
    assert c.login(username=fisheries_user.username, password=PASSWORD)
    c.post(reverse("sync-runs"), {"source": "local"})
    run = SyncRun.objects.get()
    assert worker.work("flow-worker", once=True) == 1
    run.refresh_from_db()
    assert (run.status, run.processed) == ("done", run.total)
    assert c.get(reverse("sync-run-progress", args=[run.pk])).headers["HX-Trigger"] == "sync-run-finished"
    # A review decision (rejecting the first proposal, if the run left one; else an owner is reset).
    item = SyncItem.objects.filter(review="open").first()
    if item is not None:
        c.post(reverse("sync-review-decide", args=[item.pk]), {"action": "reject"})
        assert Owner.objects.get(pk=item.owner_id).identity_status in ("not_found", "conflict")
    truth = {r["record_id"]: r["true_cccd"] for r in csv.DictReader(open(province.truth))}
    c.post(reverse("sync-worklists"), {"days": "10"})
    wl = Worklist.objects.filter(kind="commune", commune_code="31078").first()
    if wl is None:  # make sure Phú Quốc has work: reset one of its verified owners
        owner = Owner.objects.filter(commune_code="31078", identity_status="verified").first()
        Owner.objects.filter(pk=owner.pk).update(identity_status="not_found", verified_cccd="", verified_name="")
        c.post(reverse("sync-worklists"), {"days": "10"})
        wl = Worklist.objects.get(kind="commune", commune_code="31078")
    c.logout()
    assert c.login(username=commune_user.username, password=PASSWORD)
    wb = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content))
    answered = []
    for row in wb.active.iter_rows(min_row=4):
        reg = row[2].value
        if truth.get(reg):
            row[10].value = truth[reg]
            answered.append(reg)
    assert answered
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "tra-loi.xlsx"
    c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": buf})
    resolved = WorklistItem.objects.filter(worklist=wl, state=WorkItemState.RESOLVED)
    assert resolved.count() >= 1
    for it in resolved.select_related("vessel", "owner"):
        assert it.owner.verified_cccd == truth[it.vessel.registration_number]
    c.logout()
    assert c.login(username=fisheries_user.username, password=PASSWORD)
    c.post(reverse("sync-exports"))
    lines = {line.registration_number: line.cccd for line in ExportLine.objects.all()}
    for it in resolved.select_related("vessel"):
        assert lines[it.vessel.registration_number] == truth[it.vessel.registration_number]

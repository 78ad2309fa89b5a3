"""Review queue, worklists, answers, dashboard and export, through the pages officers use."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import Owner, Vessel
from lienthong.population.models import Citizen
from lienthong.sync import actions, dashboard, engine, files
from lienthong.sync.models import ExportLine, IdentityDecision, SyncItem, WorkItemState, Worklist, WorklistItem

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD (conftest modules are not importable by name)


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _make_review(fisheries_user):
    """An owner whose name lost its middle name and whose ID is missing: a proposal to review."""
    owner = Owner.objects.filter(identity_status__in=("verified", "matched")).order_by("pk").first()
    citizen = Citizen.objects.get(cccd=owner.verified_cccd)
    Owner.objects.filter(pk=owner.pk).update(raw_id_number="", id_number="", raw_birth_date=str(citizen.birth_year))
    # Two namesakes born the same year: the engine must ask a person.
    Citizen.objects.create(cccd="0" + citizen.cccd[1:3] + "9" + citizen.cccd[4:], full_name=citizen.full_name,
                           birth_date=citizen.birth_date.replace(day=1 if citizen.birth_date.day != 1 else 2),
                           birth_year=citizen.birth_year, gender=citizen.gender, commune_code=citizen.commune_code,
                           name_folded=citizen.name_folded, family_key=citizen.family_key,
                           given_folded=citizen.given_folded)
    return owner, citizen


@pytest.fixture
def reviewed_run(synced, fisheries_user, settings):
    owner, citizen = _make_review(fisheries_user)
    # The extract changed: a new dump is needed (the sync keys its CSV on the extract record).
    from lienthong.population.models import Extract
    Extract.objects.create(file_name="edited.csv", sha256="e" * 64, rows=Citizen.objects.count())
    run = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    return owner, citizen, run


def test_review_queue_confirm_choose_reject_are_audited(reviewed_run, client, fisheries_user):
    owner, citizen, run = reviewed_run
    item = SyncItem.objects.get(run=run, owner=owner, review="open")
    assert item.status == "review"
    assert {c["cccd"] for c in item.candidates} >= {citizen.cccd}
    c = _client(client, fisheries_user)
    page = c.get(reverse("sync-review"))
    assert page.status_code == 200
    assert f'data-item="{item.pk}"' in page.content.decode()
    r = c.post(reverse("sync-review-decide", args=[item.pk]), {"action": "choose", "cccd": citizen.cccd},
               HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and r.json().items() >= {"ok": True, "status": "verified", "cccd": citizen.cccd}.items()
    owner.refresh_from_db()
    assert (owner.identity_status, owner.verified_cccd, owner.verified_name) == ("verified", citizen.cccd, citizen.full_name)
    assert IdentityDecision.objects.filter(owner=owner, action="choose", cccd=citizen.cccd).count() == 1
    event = AuditEvent.objects.filter(object_type="owner", object_id=str(owner.pk), action="update").get()
    assert event.username == fisheries_user.username and event.detail["action"] == "choose"
    # Decided once: a second decision is refused and changes nothing.
    r = c.post(reverse("sync-review-decide", args=[item.pk]), {"action": "reject"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 409
    owner.refresh_from_db()
    assert owner.identity_status == "verified"


def test_review_reject_sends_owner_to_worklists(reviewed_run, client, fisheries_user):
    owner, citizen, run = reviewed_run
    item = SyncItem.objects.get(run=run, owner=owner, review="open")
    _client(client, fisheries_user).post(reverse("sync-review-decide", args=[item.pk]), {"action": "reject"})
    owner.refresh_from_db()
    assert owner.identity_status == "not_found"
    actions.build_worklists(fisheries_user)
    assert WorklistItem.objects.filter(owner=owner, worklist__kind="commune").count() == owner.vessels.count()


@pytest.mark.parametrize("role", ["commune", "police", "viewer", "anonymous"])
def test_review_is_province_only(reviewed_run, client, make_user, role):
    owner, citizen, run = reviewed_run
    item = SyncItem.objects.get(run=run, owner=owner, review="open")
    if role != "anonymous":
        _client(client, make_user(f"u_{role}", role, communes=("31078",) if role in ("commune", "police") else ()))
    r = client.post(reverse("sync-review-decide", args=[item.pk]), {"action": "reject"})
    assert r.status_code in (302, 403)
    if role != "anonymous":
        assert r.status_code == 403
    owner.refresh_from_db()
    item.refresh_from_db()
    assert (owner.identity_status, item.review) == ("review", "open")


def test_routing_split_commune_goes_to_home_port_or_province():
    from lienthong.geo.address import resolve
    owner = Owner(raw_address="Thị xã Tân Châu, An Giang")  # a legacy unit split between five 2025 communes
    r = resolve(owner.raw_address)
    assert r.status == "ambiguous"
    assert actions.route_commune(owner, Vessel(commune_code=r.candidates[1])) == r.candidates[1]
    assert actions.route_commune(owner, Vessel(commune_code="31078")) == ""
    resolved = Owner(raw_address="Khóm 3, P. Bình Khánh, TP. Long Xuyên, tỉnh An Giang")
    assert actions.route_commune(resolved, Vessel(commune_code="31078")) == resolve(resolved.raw_address).commune_code


def _unresolved_in(commune, fisheries_user):
    """Make some owners not_found whose address resolves to `commune`; build the worklists."""
    from lienthong.geo.address import resolve
    owners = [o for o in Owner.objects.filter(identity_status="verified").exclude(raw_address="").order_by("pk")
              if resolve(o.raw_address).commune_code == commune][:3]
    assert len(owners) == 3, "the demo province has verified owners in the commune"
    for o in owners:
        o.truth = o.verified_cccd  # what the population database says, before the owner is reset
    Owner.objects.filter(pk__in=[o.pk for o in owners]).update(identity_status="not_found", verified_cccd="")
    actions.build_worklists(fisheries_user, deadline_days=7)
    return owners


def test_worklists_are_scoped_to_the_officers_commune(synced, client, fisheries_user, commune_user, other_commune_user):
    _unresolved_in("31078", fisheries_user)
    mine = Worklist.objects.get(kind="commune", commune_code="31078")
    c = _client(client, commune_user)
    page = c.get(reverse("sync-worklists")).content.decode()
    assert f'data-worklist="{mine.pk}"' in page
    others = Worklist.objects.exclude(pk=mine.pk)
    assert all(f'data-worklist="{w.pk}"' not in page for w in others)
    assert c.get(reverse("sync-worklist", args=[mine.pk])).status_code == 200
    c.logout()
    c = _client(client, other_commune_user)
    assert c.get(reverse("sync-worklist", args=[mine.pk])).status_code == 403
    assert c.get(reverse("sync-worklist-file", args=[mine.pk, "xlsx"])).status_code == 403
    item = mine.items.first()
    r = c.post(reverse("sync-answer", args=[mine.pk, item.pk]), {"cccd": "091234567890"})
    assert r.status_code == 403
    item.refresh_from_db()
    assert (item.state, item.answer_cccd) == ("open", "")
    assert AuditEvent.objects.filter(action="denied", object_type="worklist", username="xa_kienhai").count() == 3


def test_answer_by_form_is_reverified_at_once(synced, client, fisheries_user, commune_user):
    owners = _unresolved_in("31078", fisheries_user)
    wl = Worklist.objects.get(kind="commune", commune_code="31078")
    good, bad = [wl.items.get(owner=o, vessel=o.vessels.first()) for o in owners[:2]]
    right = Citizen.objects.get(cccd=owners[0].truth)
    c = _client(client, commune_user)
    c.post(reverse("sync-answer", args=[wl.pk, good.pk]), {"cccd": right.cccd})
    good.refresh_from_db()
    assert good.state == WorkItemState.RESOLVED
    owner = Owner.objects.get(pk=good.owner_id)
    assert (owner.identity_status, owner.verified_cccd) == ("verified", right.cccd)
    assert IdentityDecision.objects.filter(owner=owner, via="worklist").count() == 1
    someone_else = Citizen.objects.exclude(full_name=bad.owner.full_name).exclude(cccd=right.cccd).first()
    c.post(reverse("sync-answer", args=[wl.pk, bad.pk]), {"cccd": someone_else.cccd})
    bad.refresh_from_db()
    assert bad.state == WorkItemState.ANSWERED
    assert bad.answer_result.startswith("CCCD không khớp")  # one neutral result (issue 9)
    assert Owner.objects.get(pk=bad.owner_id).identity_status == "not_found"


def test_upload_of_the_filled_excel_file(synced, client, fisheries_user, commune_user):
    owners = _unresolved_in("31078", fisheries_user)
    wl = Worklist.objects.get(kind="commune", commune_code="31078")
    c = _client(client, commune_user)
    data = c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [cell.value for cell in ws[3]]
    assert header == list(files.WORKLIST_HEADERS)
    first = owners[0]
    answer = Citizen.objects.get(cccd=first.truth)
    filled = 0
    for row in ws.iter_rows(min_row=4):
        item = WorklistItem.objects.get(pk=row[0].value)
        if item.owner_id == first.pk:
            row[10].value = answer.cccd
            filled += 1
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "da-dien.xlsx"
    r = c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": buf}, follow=True)
    assert r.status_code == 200
    assert WorklistItem.objects.filter(owner=first, state=WorkItemState.RESOLVED).count() == first.vessels.count()
    first.refresh_from_db()
    assert (first.identity_status, first.verified_cccd) == ("verified", answer.cccd)
    assert AuditEvent.objects.filter(action="import", object_type="worklist", object_id=str(wl.pk)).count() == 1


def test_pdf_is_vietnamese_with_an_embedded_unicode_font(synced, client, fisheries_user, commune_user):
    _unresolved_in("31078", fisheries_user)
    wl = Worklist.objects.get(kind="commune", commune_code="31078")
    r = _client(client, commune_user).get(reverse("sync-worklist-file", args=[wl.pk, "pdf"]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert b"DejaVuSans" in r.content and b"/ToUnicode" in r.content


def test_overdue_worklists_and_reminders(synced, client, fisheries_user, commune_user):
    _unresolved_in("31078", fisheries_user)
    wl = Worklist.objects.get(kind="commune", commune_code="31078")
    Worklist.objects.filter(pk=wl.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    assert list(actions.overdue_worklists()) == [Worklist.objects.get(pk=wl.pk)] + \
        list(actions.overdue_worklists().exclude(pk=wl.pk))
    c = _client(client, fisheries_user)
    page = c.get(reverse("sync-reminders")).content.decode()
    assert f'data-worklist="{wl.pk}"' in page
    c.post(reverse("sync-reminders"), {"worklist": wl.pk})
    wl.refresh_from_db()
    assert wl.reminders == 1 and wl.last_reminded_at is not None


def test_dashboard_numbers_equal_database_counts(synced, client, fisheries_user):
    _unresolved_in("31078", fisheries_user)
    d = dashboard.build()
    assert d.total == Vessel.objects.count()
    linked = Vessel.objects.filter(owner__identity_status__in=("verified", "matched")).count()
    assert d.linked == linked
    for status, _label, n in d.by_status:
        expected = Vessel.objects.filter(owner__identity_status=status).count()
        if status == "no_data":
            expected += Vessel.objects.filter(owner__isnull=True).count()
        assert n == expected, status
    assert sum(n for _, _, n in d.by_status) == d.total
    for row in d.by_commune:
        qs = Vessel.objects.filter(commune_code=row["code"])
        assert (row["n"], row["linked"]) == (qs.count(), qs.filter(owner__identity_status__in=("verified", "matched")).count())
    for row in d.by_length:
        qs = Vessel.objects.filter(length_class=row["code"])
        assert (row["n"], row["linked"]) == (qs.count(), qs.filter(owner__identity_status__in=("verified", "matched")).count())
    open_items = WorklistItem.objects.filter(state__in=("open", "answered"))
    assert dict(d.waiting_commune) == {wl.commune_code: open_items.filter(worklist=wl).count()
                                       for wl in Worklist.objects.filter(kind="commune") if open_items.filter(worklist=wl).exists()}
    assert d.waiting_police == open_items.filter(worklist__kind="police").count()
    assert d.oldest_item == open_items.order_by("created_at", "id").first()
    assert d.over_time[-1][1] == Vessel.objects.filter(owner__identity_status__in=("verified", "matched"),
                                                       owner__verified_at__isnull=False).count()
    page = _client(client, fisheries_user).get(reverse("sync-dashboard")).content.decode()
    assert f'data-testid="total">{d.total}<' in page
    assert f"({linked}/{d.total})" in page


def test_export_contains_only_changes_since_the_previous_one(synced, client, fisheries_user):
    c = _client(client, fisheries_user)
    c.post(reverse("sync-exports"))
    linked = Vessel.objects.filter(owner__identity_status__in=("verified", "matched")).exclude(owner__verified_cccd="")
    first = ExportLine.objects.filter(export__rows__gt=0)
    assert first.count() == linked.count()
    export = first.first().export
    text = c.get(reverse("sync-export-file", args=[export.pk, "csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(files.EXPORT_HEADERS)
    v = linked.order_by("registration_number").first()
    assert rows[1] == [v.registration_number, v.owner.verified_cccd, v.owner.verified_name]
    wb = load_workbook(io.BytesIO(c.get(reverse("sync-export-file", args=[export.pk, "xlsx"])).content))
    assert wb.active.max_row == linked.count() + 1
    # Nothing changed: no new export.
    c.post(reverse("sync-exports"))
    assert ExportLine.objects.values("export").distinct().count() == 1
    # One owner changes: the next export holds exactly that owner's vessels.
    owner = Owner.objects.filter(identity_status="not_found").first() or Owner.objects.exclude(identity_status="verified").first()
    citizen = Citizen.objects.filter(full_name=owner.full_name).first() or Citizen.objects.first()
    Owner.objects.filter(pk=owner.pk).update(identity_status="verified", verified_cccd=citizen.cccd,
                                             verified_name=citizen.full_name, verified_at=timezone.now())
    c.post(reverse("sync-exports"))
    second = ExportLine.objects.exclude(export=export)
    assert sorted(second.values_list("registration_number", flat=True)) == \
        sorted(owner.vessels.values_list("registration_number", flat=True))
    assert AuditEvent.objects.filter(action="export", object_type="sync_export").count() == 4

"""Issue 9, abuse limits of the commune answer form: it is no population lookup (one neutral message whether a
CCCD is nobody's or someone else's, never another person's name or birth date; every check audited and limited
per officer per day), and a change of an identity already resolved needs a second officer (two-person rule)."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import Owner
from lienthong.population.models import Citizen
from lienthong.sync import actions, identity_changes
from lienthong.sync.models import IdentityChange, WorkItemState, Worklist, WorklistItem

from .conftest import worklist_item as _item

UNKNOWN = "091" + "0" * 9  # well-formed, held by nobody in the extract


def _stranger(*owners) -> Citizen:
    """A real person of the extract who is none of the owners: another name and another birth date."""
    names = {o.full_name for o in owners} | {o.raw_name for o in owners}
    births = {o.birth_date for o in owners}
    person = (Citizen.objects.exclude(full_name__in=names).exclude(birth_date__in=[b for b in births if b])
              .exclude(cccd__in=[o.truth for o in owners]).order_by("cccd").first())
    assert not Citizen.objects.filter(cccd=UNKNOWN).exists()
    return person


def _traces(person: Citizen) -> list[str]:
    """How the person's name and birth date could appear in a page."""
    b = person.birth_date
    return [person.full_name, person.full_name.upper(), f"{b:%d/%m/%Y}", b.isoformat(), f"{b.day}/{b.month}/{b.year}"]


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _answer_result(html: str, item_pk: int) -> str:
    row = html[html.index(f'data-item="{item_pk}"'):]
    row = row[:row.index("</tr>")]
    m = re.search(r'data-testid="answer-result"[^>]*>(.*?)</', row, re.S)
    return m.group(1).strip() if m else ""


# --- (1) the answer is no population lookup -------------------------------------------------------------------
def test_another_persons_cccd_reads_exactly_like_an_unknown_one_and_reveals_nothing(listed, client_for, commune_user):
    wl, owners = listed
    item = _item(wl, owners[0])
    stranger = _stranger(*owners)
    c = client_for(commune_user)
    url = reverse("sync-answer", args=[wl.pk, item.pk])
    other = c.post(url, {"cccd": stranger.cccd}, follow=True)
    other_html = other.content.decode()
    item.refresh_from_db()
    other_state = (item.state, item.result_code, item.answer_result)
    nobody = c.post(url, {"cccd": UNKNOWN}, follow=True)
    nobody_html = nobody.content.decode()
    item.refresh_from_db()
    assert _messages(other) == _messages(nobody) and _messages(other)[0][0] == "error"
    assert other_state == (item.state, item.result_code, item.answer_result)
    assert _answer_result(other_html, item.pk) == _answer_result(nobody_html, item.pk) != ""
    for trace in _traces(stranger):
        assert trace not in other_html, trace
    # The vessel's history (what the province reads) says no more either.
    history = client_for(commune_user).get(reverse("fleet-vessel", args=[item.vessel.registration_number])).content
    assert all(t not in history.decode() for t in _traces(stranger))
    assert Owner.objects.get(pk=owners[0].pk).identity_status == "not_found"


def test_the_same_in_an_uploaded_answer_file(listed, client_for, commune_user):
    wl, owners = listed
    first, second = _item(wl, owners[0]), _item(wl, owners[1])
    stranger = _stranger(*owners)
    c = client_for(commune_user)
    wb = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content))
    ws = wb.active
    header = [cell.value for cell in ws[3]]
    col = header.index("CCCD đúng (12 số)")
    for row in ws.iter_rows(min_row=4):
        row[col].value = {first.pk: stranger.cccd, second.pk: UNKNOWN}.get(row[0].value)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "tra-loi.xlsx"
    r = c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": buf}, follow=True)
    html = r.content.decode()
    assert all(t not in html for t in _traces(stranger))
    a, b = WorklistItem.objects.get(pk=first.pk), WorklistItem.objects.get(pk=second.pk)
    assert (a.state, a.result_code, a.answer_result) == (b.state, b.result_code, b.answer_result)
    assert _answer_result(html, a.pk) == _answer_result(html, b.pk) != ""


def test_a_guessed_name_and_birth_date_do_not_turn_the_form_into_a_lookup(listed, fisheries_user, commune_user):
    """The CCCD must fit the owner on the list: typing the stranger's own name and birth date beside their CCCD
    neither verifies the owner as the stranger nor says the guess was right."""
    wl, owners = listed
    item = _item(wl, owners[0])
    stranger = _stranger(*owners)
    guessed = actions.answer_item(commune_user, item, stranger.cccd, stranger.full_name,
                                  stranger.birth_date.strftime("%d/%m/%Y"))
    unknown = actions.answer_item(commune_user, item, UNKNOWN, stranger.full_name,
                                  stranger.birth_date.strftime("%d/%m/%Y"))
    assert (guessed.state, guessed.result_code, guessed.answer_result) == \
        (unknown.state, unknown.result_code, unknown.answer_result)
    assert Owner.objects.get(pk=owners[0].pk).verified_cccd == ""


def test_every_check_is_audited_and_an_officer_has_a_daily_allowance(listed, commune_user, settings, clock):
    wl, owners = listed
    settings.SYNC_ANSWER_CHECKS_PER_DAY = 2
    item = _item(wl, owners[0])
    actions.answer_item(commune_user, item, UNKNOWN)
    actions.answer_item(commune_user, item, "091" + "0" * 8 + "1")
    with pytest.raises(actions.CheckLimitReached):
        actions.answer_item(commune_user, item, owners[0].truth)  # even the right answer: the allowance is spent
    checks = AuditEvent.objects.filter(username=commune_user.username, object_type="population_check")
    assert sorted(checks.values_list("action", flat=True)) == ["denied", "view", "view"]
    assert {e.detail["cccd"] for e in checks.filter(action="view")} == {UNKNOWN, "091" + "0" * 8 + "1"}
    assert Owner.objects.get(pk=owners[0].pk).identity_status == "not_found"
    # A new day (Việt Nam time) gives a new allowance.
    clock.shift(timedelta(days=1))
    assert actions.answer_item(commune_user, item, owners[0].truth).state == WorkItemState.RESOLVED


def test_an_upload_stops_at_the_allowance(listed, client_for, commune_user, settings):
    wl, owners = listed
    settings.SYNC_ANSWER_CHECKS_PER_DAY = 1
    c = client_for(commune_user)
    wb = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content))
    ws = wb.active
    col = [cell.value for cell in ws[3]].index("CCCD đúng (12 số)")
    for n, row in enumerate(ws.iter_rows(min_row=4)):
        row[col].value = "0910000000" + f"{n:02d}"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "nhieu.xlsx"
    c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": buf})
    assert AuditEvent.objects.filter(object_type="population_check", action="view").count() == 1
    assert AuditEvent.objects.filter(object_type="population_check", action="denied").count() == 1


# --- (2) two-person rule ----------------------------------------------------------------------------------------
@pytest.fixture
def resolved(synced, fisheries_user):
    """A verified owner of Phú Quốc on a commune list, and a record of the extract that fits the owner (same
    name and birth date) under another CCCD: (item, owner, new cccd)."""
    from lienthong.geo.address import resolve

    owner = next(o for o in Owner.objects.filter(identity_status="verified").exclude(raw_address="")
                 .exclude(birth_date=None).order_by("pk") if resolve(o.raw_address).commune_code == "31078")
    person = Citizen.objects.get(cccd=owner.verified_cccd)
    new = person.cccd[:6] + "987654"  # province, century and birth year as the person's: a valid CCCD
    assert not Citizen.objects.filter(cccd=new).exists()
    Citizen.objects.create(cccd=new, full_name=person.full_name, birth_date=person.birth_date,
                           birth_year=person.birth_year, gender=person.gender, commune_code=person.commune_code,
                           name_folded=person.name_folded, family_key=person.family_key,
                           given_folded=person.given_folded)
    wl = Worklist.objects.create(kind="commune", commune_code="31078", created_by=fisheries_user,
                                 deadline="2030-01-01")
    item = WorklistItem.objects.create(worklist=wl, vessel=owner.vessels.first(), owner=owner, problem="verified",
                                       missing="cần xác minh lại")
    return item, owner, new


def _identity(owner):
    owner.refresh_from_db()
    return owner.identity_status, owner.verified_cccd


def test_a_commune_answer_changing_a_verified_identity_waits_for_a_second_officer(
        resolved, client_for, commune_user, other_commune_user, make_user):
    item, owner, new = resolved
    before = _identity(owner)
    item = actions.answer_item(commune_user, item, new)
    assert _identity(owner) == before  # not applied
    assert (item.state, item.result_code) == (WorkItemState.ANSWERED, "pending")
    change = IdentityChange.objects.get(owner=owner, state="pending")
    assert change.after["verified_cccd"] == new and change.requested_by == commune_user
    # Shown pending on the list, the vessel page and the approvers' list.
    a = client_for(commune_user)
    assert 'data-testid="identity-change-pending"' in a.get(reverse("sync-worklist", args=[item.worklist_id])).content.decode()
    assert 'data-testid="owner-identity-pending"' in a.get(
        reverse("fleet-vessel", args=[item.vessel.registration_number])).content.decode()
    # A cannot approve their own request.
    with pytest.raises(actions.ActionError):
        identity_changes.approve(commune_user, change)
    assert a.post(reverse("sync-identity-change-decide", args=[change.pk, "approve"])).status_code == 302
    assert _identity(owner) == before
    # An officer of another commune neither sees nor decides it.
    other = client_for(other_commune_user)
    assert f'data-change="{change.pk}"' not in other.get(reverse("sync-identity-changes")).content.decode()
    assert other.post(reverse("sync-identity-change-decide", args=[change.pk, "approve"])).status_code == 403
    assert _identity(owner) == before
    # B, of the same commune, sees and approves it: applied.
    colleague = make_user("xa_phuquoc_2", "commune", communes=("31078",))
    b = client_for(colleague)
    assert f'data-change="{change.pk}"' in b.get(reverse("sync-identity-changes")).content.decode()
    b.post(reverse("sync-identity-change-decide", args=[change.pk, "approve"]), {"note": "đã gọi điện xác nhận"})
    assert _identity(owner) == ("verified", new)
    change.refresh_from_db()
    item.refresh_from_db()
    assert (change.state, change.decided_by, item.state) == ("approved", colleague, WorkItemState.RESOLVED)
    # Every step in the audit log.
    steps = [(e.username, e.action, e.detail.get("reason")) for e in
             AuditEvent.objects.filter(object_type="identity_change", object_id=str(change.pk)).order_by("id")]
    assert steps == [(commune_user.username, "create", None), (commune_user.username, "denied", "same_officer"),
                     (commune_user.username, "denied", "same_officer"), (other_commune_user.username, "denied", "scope"),
                     (colleague.username, "update", None)]


def test_a_rejected_change_leaves_the_identity_unchanged(resolved, commune_user, fisheries_user):
    item, owner, new = resolved
    before = _identity(owner)
    actions.answer_item(commune_user, item, new)
    change = identity_changes.pending_for(owner.pk)
    with pytest.raises(actions.ActionError):
        identity_changes.reject(commune_user, change)
    identity_changes.reject(fisheries_user, change, "không đủ căn cứ")  # the province may decide too
    assert _identity(owner) == before
    change.refresh_from_db()
    assert change.state == "rejected" and identity_changes.pending_for(owner.pk) is None
    assert AuditEvent.objects.filter(object_type="identity_change", object_id=str(change.pk), action="update",
                                     username=fisheries_user.username, detail__rejected=True).exists()


def test_an_answer_confirming_the_same_identity_needs_no_approval(resolved, commune_user):
    item, owner, _new = resolved
    item = actions.answer_item(commune_user, item, owner.verified_cccd)
    assert item.state == WorkItemState.RESOLVED and not IdentityChange.objects.exists()


def test_an_undo_of_a_decision_that_verified_an_owner_needs_a_second_officer(resolved, fisheries_user, make_user):
    """Review decisions and undos go through the same gate: here, undoing a confirmed choice."""
    from lienthong.sync.models import SyncItem, SyncRun

    item, owner, new = resolved
    Owner.objects.filter(pk=owner.pk).update(identity_status="review", verified_cccd="", verified_name="")
    proposal = SyncItem.objects.create(run=SyncRun.objects.create(status="done"), vessel=item.vessel, owner=owner, state="done",
                                       status="review", review="open",
                                       candidates=[{"cccd": new, "name": "Người thử", "match_weight": 0}])
    SyncItem.objects.filter(owner=owner, review="open").exclude(pk=proposal.pk).update(review="")
    decision = actions.decide_review(fisheries_user, proposal, "choose", new)
    assert _identity(owner) == ("verified", new)  # not resolved before: applied at once
    change = actions.undo_decision(fisheries_user, decision)
    assert isinstance(change, IdentityChange) and _identity(owner) == ("verified", new)
    with pytest.raises(actions.ActionError):
        identity_changes.approve(fisheries_user, change)
    identity_changes.approve(make_user("thuysan2", "fisheries"), change)
    assert _identity(owner) == ("review", "")
    decision.refresh_from_db()
    assert decision.undone and decision.undone_by == fisheries_user


def test_an_admin_edit_of_a_verified_identity_waits_for_approval(resolved, client_for, admin_user, make_user):
    _item_, owner, new = resolved
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    before = _identity(owner)
    c = client_for(admin_user)
    url = reverse("admin:fleet_owner_change", args=[owner.pk])
    form = c.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(verified_cccd=new, phone="0901234567")
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    owner.refresh_from_db()
    assert (owner.identity_status, owner.verified_cccd, owner.phone) == (*before, "0901234567")
    change = identity_changes.pending_for(owner.pk)
    assert (change.via, change.after["verified_cccd"], change.kind) == ("admin", new, "")
    identity_changes.approve(make_user("thuysan2", "fisheries"), change)
    assert _identity(owner) == ("verified", new)


def test_every_write_of_a_resolved_identity_goes_through_the_gate():
    """The grep, kept: the functions that write an owner's identity fields are the gated ones (their callers ask
    sync.identity_changes.needs_approval first, or they run only on approval) and the sync engine (no officer:
    it never overrides an officer's decision). A new writer fails here until it is gated and listed."""
    import ast
    from pathlib import Path

    import lienthong

    fields = {"identity_status", "verified_cccd", "verified_name"}
    writers = set()
    root = Path(lienthong.__file__).parent
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(fn):
                targets = []
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        targets += t.elts if isinstance(t, ast.Tuple) else [t]
                hit = any(isinstance(t, ast.Attribute) and t.attr in fields for t in targets)
                hit |= isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("update", "bulk_update") and (
                        any(k.arg in fields for k in node.keywords)
                        or any(isinstance(a, ast.List) and {getattr(e, "value", None) for e in a.elts} & fields
                               for a in node.args))
                if hit:
                    writers.add(f"{path.relative_to(root).as_posix()}:{fn.name}")
    assert writers == {"sync/actions.py:_set_verified", "sync/actions.py:_apply_review", "sync/actions.py:_apply_undo",
                       "sync/actions.py:_approve_edit", "sync/engine.py:commit_chunk"}, sorted(writers)

"""Worklist answers (issue 8 items 9 and 16): the banner's level follows the result, the commune's note is
shown where the answer is read, an 11-digit CCCD is repaired like at import, and an answer may be an
outcome ("moved away", "deceased", "vessel sold") with a note, by form and by the Excel file."""
from __future__ import annotations

import io

from django.http import HttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import VesselChange
from lienthong.population.models import Citizen
from lienthong.sync import actions, dashboard, files
from lienthong.sync.models import IdentityDecision, WorkItemState, WorklistItem

from .conftest import worklist_item as _item

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _upload(c, wl, fill) -> HttpResponse:
    wb = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content))
    ws = wb.active
    header = [cell.value for cell in ws[3]]
    for row in ws.iter_rows(min_row=4):
        values = fill(WorklistItem.objects.get(pk=row[0].value))
        for heading, value in (values or {}).items():
            row[header.index(heading)].value = value
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "tra-loi.xlsx"
    return c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": buf}, follow=True)


# --- item 9 ------------------------------------------------------------------------------------------------
def test_an_answer_not_in_the_population_is_an_error_banner(listed, client, commune_user):
    wl, owners = listed
    item = _item(wl, owners[0])
    unknown = "091" + "0" * 9  # a well-formed CCCD that nobody holds in the extract
    assert not Citizen.objects.filter(cccd=unknown).exists()
    r = _client(client, commune_user).post(reverse("sync-answer", args=[wl.pk, item.pk]), {"cccd": unknown}, follow=True)
    got = _messages(r)
    assert [level for level, _text in got] == ["error"], got
    page = r.content.decode()
    assert 'class="msg msg-error"' in page and 'role="alert"' in page
    assert "msg-success" not in page
    # And a right answer is a success banner.
    r = client.post(reverse("sync-answer", args=[wl.pk, item.pk]), {"cccd": owners[0].truth}, follow=True)
    assert [level for level, _text in _messages(r)] == ["success"]
    assert 'class="msg msg-success"' in r.content.decode()


def test_the_note_of_an_excel_answer_is_shown_on_the_list_and_in_the_vessel_history(
        listed, client, commune_user, fisheries_user):
    wl, owners = listed
    note = "Chủ tàu đổi CCCD năm 2024, đã xác minh tại nhà"
    target = _item(wl, owners[0])
    c = _client(client, commune_user)
    _upload(c, wl, lambda it: {"CCCD đúng (12 số)": owners[0].truth, "Ghi chú": note} if it.pk == target.pk else None)
    target.refresh_from_db()
    assert (target.state, target.answer_note) == (WorkItemState.RESOLVED, note)
    c.logout()
    c = _client(client, fisheries_user)  # the province officer reviewing the answers
    page = c.get(reverse("sync-worklist", args=[wl.pk])).content.decode()
    assert note in page and 'data-testid="answer-note"' in page
    history = c.get(reverse("fleet-vessel", args=[target.vessel.registration_number])).content.decode()
    assert note in history
    assert "identity_note" not in history and "identity_status" not in history  # labels, not keys
    assert "ghi chú kèm trả lời" in history.lower() and "đã xác thực" in history.lower()
    change = VesselChange.objects.filter(vessel=target.vessel).order_by("-id").first()
    assert change.changes["owner.identity_note"] == [None, note]
    assert IdentityDecision.objects.get(owner=owners[0], via="upload").note == note


def test_an_eleven_digit_cccd_in_the_upload_is_repaired_like_at_import(listed, client, commune_user):
    from lienthong.identity.cccd import parse_id_number

    wl, owners = listed
    owner = next((o for o in owners if o.truth.startswith("0")), None)
    if owner is None:  # make one: give the first owner's citizen a number with a leading zero
        owner = owners[0]
        citizen = Citizen.objects.get(cccd=owner.truth)
        new = "0" + citizen.cccd[1:]
        if parse_id_number(new[1:]).code != "lost_leading_zero_repaired":
            new = "091" + citizen.cccd[3:]
        Citizen.objects.filter(pk=citizen.pk).update(cccd=new)
        owner.truth = new
    typed = int(owner.truth)  # a number cell: Excel drops the leading zero
    assert len(str(typed)) == 11
    target = _item(wl, owner)
    r = _upload(_client(client, commune_user), wl, lambda it: {"CCCD đúng (12 số)": typed} if it.pk == target.pk else None)
    target.refresh_from_db()
    assert (target.state, target.answer_cccd, target.answer_cccd_typed) == (WorkItemState.RESOLVED, owner.truth, str(typed))
    owner.refresh_from_db()
    assert owner.verified_cccd == target.answer_cccd
    info = [text for level, text in _messages(r) if level == "info"]
    assert any(str(typed) in t and owner.truth in t for t in info), _messages(r)
    event = AuditEvent.objects.filter(object_type="owner", object_id=str(owner.pk), action="update").latest("id")
    assert event.detail["cccd_typed"] == str(typed)


def test_a_malformed_cccd_is_refused_with_file_row_and_column(listed, client, commune_user):
    wl, owners = listed
    target = _item(wl, owners[0])
    r = _upload(_client(client, commune_user), wl,
                lambda it: {"CCCD đúng (12 số)": "09108O012345"} if it.pk == target.pk else None)
    errors = [text for level, text in _messages(r) if level == "error"]
    assert len(errors) == 1 and "tra-loi.xlsx" in errors[0] and "CCCD đúng (12 số)" in errors[0], errors
    target.refresh_from_db()
    assert (target.state, target.answer_cccd) == (WorkItemState.OPEN, "")


# --- item 16: outcomes -------------------------------------------------------------------------------------
def test_outcome_by_form_is_stored_coded_audited_and_counted(listed, client, commune_user, fisheries_user):
    wl, owners = listed
    item = _item(wl, owners[0])
    c = _client(client, commune_user)
    # An outcome needs a note: refused, nothing stored.
    r = c.post(reverse("sync-answer", args=[wl.pk, item.pk]), {"outcome": "deceased", "note": ""}, follow=True)
    assert [level for level, _t in _messages(r)] == ["error"]
    item.refresh_from_db()
    assert (item.state, item.outcome) == (WorkItemState.OPEN, "")
    r = c.post(reverse("sync-answer", args=[wl.pk, item.pk]),
               {"outcome": "deceased", "note": "Mất tháng 3/2025, con trai đang đi tàu"}, follow=True)
    assert [level for level, _t in _messages(r)] == ["success"]
    item.refresh_from_db()
    assert (item.state, item.outcome, item.result_code) == ("reported", "deceased", "reported")
    assert item.answer_note == "Mất tháng 3/2025, con trai đang đi tàu"
    owners[0].refresh_from_db()
    assert owners[0].identity_status == "not_found"  # nobody was verified
    decision = IdentityDecision.objects.get(owner=owners[0])
    assert (decision.action, decision.outcome, decision.via) == ("report", "deceased", "worklist")
    event = AuditEvent.objects.filter(object_type="owner", object_id=str(owners[0].pk), action="update").latest("id")
    assert event.detail["outcome"] == "deceased" and event.username == commune_user.username
    page = c.get(reverse("sync-worklist", args=[wl.pk])).content.decode()
    assert 'data-outcome="deceased"' in page and "Mất tháng 3/2025" in page
    # Not open any more (not overdue), and not listed again by the next build.
    assert item.pk not in set(WorklistItem.objects.filter(state__in=actions.OPEN_STATES).values_list("pk", flat=True))
    actions.build_worklists(fisheries_user)
    assert WorklistItem.objects.filter(vessel=item.vessel, worklist__kind="commune").count() == 1
    d = dashboard.build()
    assert {code: n for code, _label, n in d.extra["outcomes"]} == {"moved_away": 0, "deceased": 1, "sold": 0}
    assert 'data-testid="outcome-deceased">1<' in _client(client, fisheries_user).get(reverse("sync-dashboard")).content.decode()


def test_outcome_by_excel_drop_down(listed, client, commune_user):
    wl, owners = listed
    c = _client(client, commune_user)
    wb = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content))
    ws = wb.active
    assert [cell.value for cell in ws[3]][-1] == files.OUTCOME_HEADER
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    dv = validations[0]
    assert dv.type == "list" and str(dv.sqref).startswith("O4")
    assert dv.formula1 == '"Đã chuyển đi nơi khác,Đã chết,Đã bán tàu"'
    moved, sold, bad = (_item(wl, o) for o in owners)
    fills = {moved.pk: {files.OUTCOME_HEADER: "Đã chuyển đi nơi khác", "Ghi chú": "Chuyển lên TP. Hồ Chí Minh"},
             sold.pk: {files.OUTCOME_HEADER: "da ban tau", "Ghi chú": "Bán cho ông Lê Văn Tám, Rạch Giá"},
             bad.pk: {files.OUTCOME_HEADER: "Đi vắng", "Ghi chú": "?"}}
    r = _upload(c, wl, lambda it: fills.get(it.pk))
    got = {i.pk: (i.state, i.outcome) for i in WorklistItem.objects.filter(pk__in=fills)}
    assert got == {moved.pk: ("reported", "moved_away"), sold.pk: ("reported", "sold"), bad.pk: ("open", "")}
    errors = [t for level, t in _messages(r) if level == "error"]
    assert len(errors) == 1 and files.OUTCOME_HEADER in errors[0] and "Đi vắng" in errors[0]


def test_what_is_missing_is_shown_in_the_officers_language(listed, client, commune_user):
    """Items 10/11 on the worklist page: the problem is a code translated at the edge, the file stays Vietnamese."""
    wl, owners = listed
    item = _item(wl, owners[0])
    assert ["not_found"] in item.missing_codes and "không tìm thấy trong CSDL dân cư" in item.missing
    c = _client(client, commune_user)
    page = c.get(reverse("sync-worklist", args=[wl.pk])).content.decode()
    assert "không tìm thấy trong csdl dân cư" in page.lower()
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.get(reverse("sync-worklist", args=[wl.pk])).content.decode()
    assert "not found in the population database" in page.lower()
    assert "không tìm thấy trong csdl dân cư" not in page.lower()
    ws = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content)).active
    assert any("không tìm thấy trong CSDL dân cư" in str(row[9].value) for row in ws.iter_rows(min_row=4))

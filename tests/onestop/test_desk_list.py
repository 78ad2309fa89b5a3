"""The officers' dossier list (/mot-cua/ho-so/): scope, filters (state, procedure, channel, mine, timeliness with a
pinned clock, date range), search without diacritics, true totals, order, audit, and its Excel export."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import lifecycle, timeliness
from lienthong.onestop.desk import listing
from lienthong.onestop.models import Channel, Dossier
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db
URL = "/mot-cua/ho-so/"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def receive(officer, agency, procedure, applicant, at, **kw):
    return lifecycle.create_dossier(officer, agency=agency, procedure=procedure, channel=Channel.COUNTER,
                                    applicant=applicant, at=vn(at), **kw)


@pytest.fixture
def book(centre, other_centre, marriage, certification, centre_officer, make_user, applicant):
    """Six dossiers of Rạch Giá in every timeliness, one of Phú Quốc. The clock is then pinned to Thu 10 Dec 2026 09:00."""
    from lienthong.onestop.lifecycle import Applicant

    pq = make_user("tn_phuquoc", "centre", communes=("31078",))
    binh = Applicant(cccd="091090004321", full_name="Trần Văn Bình", phone="0987000111")
    d = {}
    # Received Tue 1 Dec, due Tue 8 Dec 17:00 (5 working days): finished early (7 Dec), on time (8 Dec 16:00), late.
    d["early"] = receive(centre_officer, centre, marriage, applicant, "2026-12-01T08:00:00")
    lifecycle.step(d["early"], centre_officer, "finish", at=vn("2026-12-07T10:00:00"))
    d["on_time"] = receive(centre_officer, centre, marriage, binh, "2026-12-01T08:05:00")
    lifecycle.step(d["on_time"], centre_officer, "finish", at=vn("2026-12-08T16:00:00"))
    d["late_done"] = receive(centre_officer, centre, marriage, binh, "2026-12-01T08:10:00")
    lifecycle.step(d["late_done"], centre_officer, "finish", at=vn("2026-12-09T08:00:00"))
    # Running and late (due 8 Dec), assigned to the officer.
    d["late_running"] = receive(centre_officer, centre, marriage, applicant, "2026-12-01T08:15:00")
    lifecycle.step(d["late_running"], centre_officer, "assign", handed_to=centre_officer, at=vn("2026-12-01T09:00:00"))
    # Received Wed 9 Dec: due Wed 16 Dec — running, on time, not due soon. Certification received Thu 10 Dec 08:00
    # (8 working hours): due Fri 11 Dec 08:30 — due soon.
    d["running"] = receive(centre_officer, centre, marriage, binh, "2026-12-09T10:00:00")
    d["soon"] = receive(centre_officer, centre, certification, applicant, "2026-12-10T08:00:00")
    # Online, new: no due date.
    d["new"] = lifecycle.create_dossier(None, agency=centre, procedure=marriage, channel=Channel.ONLINE,
                                        applicant=binh, at=vn("2026-12-10T07:00:00"))
    d["phu_quoc"] = receive(pq, other_centre, marriage, applicant, "2026-12-02T09:00:00")
    return d


@pytest.fixture
def pinned(clock):
    clock.move_to(vn("2026-12-10T09:00:00"))
    return vn("2026-12-10T09:00:00")


def codes(response) -> list[str]:
    return [d.code for d in response.context["rows"]]


def total(response) -> int:
    return response.context["page"].paginator.count


def test_list_shows_only_the_officers_communes_sorted_by_due_date_with_true_total(book, pinned, centre_officer, client_for):
    response = client_for(centre_officer).get(URL)
    assert response.status_code == 200
    assert total(response) == 7
    expected = ["late_running", "early", "on_time", "late_done", "soon", "running", "new"]
    # Due 8 Dec ×4 (created order, newest first within the same due time), then 11 Dec, 16 Dec, then no due date.
    same_due = sorted([book[k] for k in ("late_running", "early", "on_time", "late_done")],
                      key=lambda d: (-d.created_at.timestamp(), d.code))
    assert codes(response) == [*(d.code for d in same_due), book["soon"].code, book["running"].code, book["new"].code]
    assert book["phu_quoc"].code not in codes(response)
    assert set(codes(response)) == {book[k].code for k in expected}
    assert 'data-testid="list-count" data-total="7"' in response.content.decode()


@pytest.mark.parametrize("verdict,expected", [
    ("early", {"early"}), ("on_time", {"on_time", "running", "soon"}), ("late", {"late_done", "late_running"}),
    ("due_soon", {"soon"}),
])
def test_timeliness_filters_count_right_with_a_pinned_clock(book, pinned, centre_officer, client_for, verdict, expected):
    response = client_for(centre_officer).get(URL, {"timeliness": verdict})
    assert total(response) == len(expected)
    assert set(codes(response)) == {book[k].code for k in expected}
    # The filters say what timeliness.of says of every dossier.
    if verdict != "due_soon":
        every = Dossier.objects.visible_to(centre_officer)
        assert {d.code for d in every if timeliness.of(d, pinned) == verdict} == set(codes(response))


def test_due_soon_window_is_two_working_days(book, pinned):
    # Thu 10 Dec 09:00 + 2 working days: Fri 11, Mon 14 Dec at the office's close.
    assert listing.soon_until(pinned) == vn("2026-12-14T17:00:00")


def test_state_procedure_channel_mine_and_date_filters(book, pinned, centre_officer, client_for, certification):
    client = client_for(centre_officer)
    assert set(codes(client.get(URL, {"state": "9"}))) == {book[k].code for k in ("early", "on_time", "late_done")}
    assert codes(client.get(URL, {"procedure": str(certification.pk)})) == [book["soon"].code]
    assert codes(client.get(URL, {"channel": "2"})) == [book["new"].code]
    assert codes(client.get(URL, {"mine": "on"})) == [book["late_running"].code]
    ranged = client.get(URL, {"date_field": "received", "date_from": "2026-12-09", "date_to": "10/12/2026"})
    assert set(codes(ranged)) == {book["running"].code, book["soon"].code}
    finished = client.get(URL, {"date_field": "finished", "date_from": "2026-12-08", "date_to": "2026-12-08"})
    assert codes(finished) == [book["on_time"].code]
    bad = client.get(URL, {"state": "11"})
    assert bad.context["page"] is None and 'data-testid="filter-errors"' in bad.content.decode()


def test_search_by_code_id_number_and_name_without_diacritics(book, pinned, centre_officer, client_for):
    client = client_for(centre_officer)
    assert codes(client.get(URL, {"q": book["soon"].code})) == [book["soon"].code]
    assert codes(client.get(URL, {"q": "261210"})) == [book["soon"].code, book["new"].code]
    by_id = client.get(URL, {"q": "0910 9000 4321"})
    assert set(codes(by_id)) == {book[k].code for k in ("on_time", "late_done", "running", "new")}
    by_name = client.get(URL, {"q": "tran van binh"})
    assert set(codes(by_name)) == set(codes(by_id))
    assert set(codes(client.get(URL, {"q": "ÁNH nguyen"}))) == {book[k].code for k in ("early", "late_running", "soon")}


def test_list_view_is_audited_with_the_codes_shown(book, pinned, centre_officer, client_for):
    client_for(centre_officer).get(URL, {"timeliness": "late"})
    event = AuditEvent.objects.filter(object_type="dossier_list").get()
    assert event.action == "view" and event.username == "tn_rachgia"
    assert event.detail["filters"] == {"timeliness": "late"}
    assert sorted(event.detail["codes"]) == sorted([book["late_done"].code, book["late_running"].code])


def test_viewer_gets_403_and_is_logged(book, viewer_user, client_for):
    assert client_for(viewer_user).get(URL).status_code == 403
    assert client_for(viewer_user).get(URL + "xuat-excel/").status_code == 403
    assert AuditEvent.objects.filter(action="denied", username="xem", object_type="dossier").count() == 2
    assert not AuditEvent.objects.filter(object_type="dossier_list").exists()


def test_excel_export_same_rows_neutralised_and_audited(book, pinned, centre_officer, client_for, applicant):
    from openpyxl import load_workbook

    from lienthong.onestop.lifecycle import Applicant

    evil = lifecycle.create_dossier(centre_officer, agency=book["early"].agency, procedure=book["early"].procedure,
                                    channel=Channel.COUNTER, at=vn("2026-12-10T08:30:00"),
                                    applicant=Applicant(cccd="091085009999", full_name='=HYPERLINK("http://x","y")'))
    response = client_for(centre_officer).get(URL + "xuat-excel/", {"timeliness": "on_time"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ho-so-')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("Mã hồ sơ", "Thủ tục", "Trạng thái", "Kênh nộp", "Người nộp")
    got = [r[0] for r in rows[1:]]
    page = client_for(centre_officer).get(URL, {"timeliness": "on_time"})
    assert got == codes(page) and len(got) == 4 and evil.code in got
    evil_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == evil.code)
    name = evil_row[header.index("Người nộp")]
    assert name.value == '=HYPERLINK("http://x","y")' and name.data_type == "s" and name.quotePrefix
    received = rows[got.index(evil.code) + 1][header.index("Tiếp nhận")]
    assert received == datetime(2026, 12, 10, 8, 30)  # Việt Nam time, naive in the cell
    event = AuditEvent.objects.get(action="export", object_type="dossier_list")
    assert event.detail["rows"] == 4 and event.detail["personal"] is True


def test_applicant_redaction_policy():
    from lienthong.accounts.redaction import redact_applicant

    data = {"applicant_name": "Nguyễn Thị Ánh", "applicant_cccd": "091085001234", "applicant_phone": "0912345678",
            "applicant_birth_date": None}
    assert redact_applicant(data, personal=True) == data
    assert redact_applicant(data, personal=False) == {"applicant_name": "Nguyễn Thị Ánh"}


def test_list_page_names_the_detail_links(book, pinned, centre_officer, client_for):
    html = client_for(centre_officer).get(URL).content.decode()
    assert f'href="{reverse("onestop:dossier", args=[book["soon"].code])}"' in html

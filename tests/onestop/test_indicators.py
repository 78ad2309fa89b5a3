"""Decision 766 indicators computed from dossiers made through the lifecycle at pinned times: exact ratios and
points, no-data groups left out (never zero), periods in Việt Nam time, scoping, the page, the Excel export."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import lifecycle
from lienthong.onestop.indicators import compute
from lienthong.onestop.indicators.compute import Period
from lienthong.onestop.models import Channel, Complaint, DossierComponent, PortalOutbox, Rating
from lienthong.workdays import VN_TZ

from .conftest import PHU_QUOC, RACH_GIA

pytestmark = pytest.mark.django_db

DEC = Period("month", 2026, 12)
NOW = datetime(2026, 12, 20, 10, 0, tzinfo=VN_TZ)


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def _dossier(officer, agency, procedure, applicant, *, online=False, at="2026-12-01T08:00:00", parts=1, held=False):
    components = [lifecycle.ComponentIn(f"Giấy tờ {i}") for i in range(parts)]
    if held:
        components.append(lifecycle.ComponentIn("Giấy chứng nhận đã có", held_by_state="fleet"))
    if online:
        d = lifecycle.create_dossier(None, agency=agency, procedure=procedure, channel=Channel.ONLINE,
                                     applicant=applicant, components=components, at=vn(at))
        lifecycle.step(d, officer, "accept", at=vn(at) + timedelta(minutes=30))
    else:
        d = lifecycle.create_dossier(officer, agency=agency, procedure=procedure, channel=Channel.COUNTER,
                                     applicant=applicant, components=components, at=vn(at))
    return d


def _finish(d, officer, at):
    lifecycle.step(d, officer, "assign", department="Tư pháp - Hộ tịch", at=vn(at) - timedelta(hours=2))
    lifecycle.step(d, officer, "finish", at=vn(at))


@pytest.fixture
def december(centre, marriage, centre_officer, applicant):
    """Ten marriage dossiers received in December 2026 at Rạch Giá (due 8 Dec 17:00 for those of 1 Dec): 8 at
    the counter, 2 online; 7 finished on 3 Dec, 3 finished late on 9 Dec; 5 fully digitised, 1 reusing a paper
    the state holds; 5 known to the national portal, 4 of them with every step sent."""
    made = []
    for i in range(10):
        d = _dossier(centre_officer, centre, marriage, applicant, online=i >= 8, held=i == 0)
        _finish(d, centre_officer, "2026-12-09T10:00:00" if i < 3 else "2026-12-03T10:00:00")
        made.append(d)
    for d in made[:5]:
        DossierComponent.objects.filter(dossier=d).update(digitised=True)
    for d in made[:4]:
        PortalOutbox.objects.filter(dossier=d).update(sent_at=NOW)
    PortalOutbox.objects.filter(dossier=made[4], kind="create").update(sent_at=NOW)
    return made


def _m(card, key):
    return next(m for g in card.groups for m in g.measures if m.key == key)


def test_ratios_and_points_follow_the_weights(december, centre_officer):
    report = compute.compute(centre_officer, DEC, NOW)
    card = report.agencies[0]
    assert card.key == "000.00.06.H56"
    on_time = _m(card, "on_time")
    assert (on_time.numerator, on_time.denominator, on_time.points) == (7, 10, 14.0)  # 3 late of 10: 20 × 0.7
    online = _m(card, "online_dossiers")
    assert (online.numerator, online.denominator, online.points) == (2, 10, 2.4)  # 12 × 0.2
    digitised = _m(card, "digitised")
    assert (digitised.numerator, digitised.denominator, digitised.points) == (5, 10, 4.0)  # 8 × 0.5
    reused = _m(card, "reused")
    assert (reused.numerator, reused.denominator, reused.points) == (1, 10, 0.7)
    assert (_m(card, "portal_known").numerator, _m(card, "portal_known").points) == (5, 3.5)
    assert (_m(card, "portal_current").numerator, _m(card, "portal_current").points) == (4, 2.8)
    procedures = _m(card, "online_procedures")
    assert (procedures.numerator, procedures.denominator, procedures.points) == (1, 1, 6.0)
    assert [g.points for g in card.groups] == [6.3, 14.0, 4.7, 8.4, None]
    assert [g.available for g in card.groups] == [14, 20, 15, 18, 0]
    assert (card.earned, card.available, card.score, card.band, card.provisional) == (33.4, 67, 49.85, "Yếu", True)


def test_no_data_is_not_zero(december, centre_officer):
    card = compute.compute(centre_officer, DEC, NOW).agencies[0]
    for key in ("published", "e_result", "online_payment"):
        m = _m(card, key)
        assert m.no_source and m.points is None and m.ratio is None
    satisfaction = card.group("satisfaction")
    assert not satisfaction.has_data and satisfaction.points is None
    assert all(m.denominator == 0 and m.points is None for m in satisfaction.measures)
    # A month without a single dossier: every dossier measure is no data, the total has no score at all.
    empty = compute.compute(centre_officer, Period("month", 2026, 10), NOW).agencies[0]
    assert _m(empty, "on_time").points is None and _m(empty, "online_dossiers").ratio is None
    assert empty.available == 6 and empty.earned == 6.0  # only the procedure catalogue speaks (1 of 1 online)
    # A score on 6 points of 100, but no rating band: fewer than 50 points have data.
    assert (empty.score, empty.band, empty.too_little_data) == (100.0, "", True)


def test_satisfaction_from_ratings_and_complaints(december, centre, centre_officer):
    for d, (reception, handling) in zip(december, [(5, 5), (4, 5), (5, 2)]):
        Rating.objects.create(dossier=d, reception=reception, handling=handling, at=vn("2026-12-10T09:00:00"))
    Rating.objects.create(dossier=december[3], reception=1, handling=1, at=vn("2026-11-30T09:00:00"))  # November
    Complaint.objects.create(agency=centre, received_at=vn("2026-12-02T09:00:00"), due_at=vn("2026-12-12T17:00:00"),
                             answered_at=vn("2026-12-05T09:00:00"))  # on time, satisfied
    Complaint.objects.create(dossier=december[1], received_at=vn("2026-12-02T09:00:00"),
                             due_at=vn("2026-12-12T17:00:00"), answered_at=vn("2026-12-11T09:00:00"),
                             dissatisfied=True)  # on time, but the citizen is not satisfied
    Complaint.objects.create(agency=centre, received_at=vn("2026-12-02T09:00:00"), due_at=vn("2026-12-10T17:00:00"))
    Complaint.objects.create(agency=centre, received_at=vn("2026-12-15T09:00:00"), due_at=vn("2026-12-25T17:00:00"))
    card = compute.compute(centre_officer, DEC, NOW).agencies[0]
    assert (_m(card, "ratings").numerator, _m(card, "ratings").denominator, _m(card, "ratings").points) == (2, 3, 4.0)
    # Decided complaints: 2 answered and 1 overdue unanswered; the one still within its time waits outside.
    c = _m(card, "complaints_on_time")
    assert (c.numerator, c.denominator, c.points) == (2, 3, 4.0)
    s = _m(card, "complaints_satisfied")
    assert (s.numerator, s.denominator, s.points) == (1, 3, 2.0)
    assert card.group("satisfaction").points == 10.0 and card.available == 85


def test_period_is_counted_in_vietnam_time(centre, marriage, centre_officer, applicant):
    # 00:30 on 1 Dec in Việt Nam is still 30 Nov in UTC: December's dossier.
    _dossier(centre_officer, centre, marriage, applicant, at="2026-12-01T00:30:00")
    _dossier(centre_officer, centre, marriage, applicant, at="2026-11-30T23:30:00")
    assert _m(compute.compute(centre_officer, DEC, NOW).agencies[0], "online_dossiers").denominator == 1
    assert _m(compute.compute(centre_officer, Period("quarter", 2026, 4), NOW).agencies[0],
              "online_dossiers").denominator == 2
    assert _m(compute.compute(centre_officer, Period("year", 2026, 1), NOW).agencies[0],
              "online_dossiers").denominator == 2


def test_period_parsing_and_bounds():
    today = date(2026, 12, 20)
    assert Period.parse("2026-12", today) == DEC
    q = Period.parse("2026-q4", today)
    assert (q.kind, q.first_day, q.last_day, q.label) == ("quarter", date(2026, 10, 1), date(2026, 12, 31), "Quý 4/2026")
    y = Period.parse("2025", today)
    assert (y.first_day, y.last_day, y.value) == (date(2025, 1, 1), date(2025, 12, 31), "2025")
    assert Period.parse("rubbish", today) == DEC and Period.parse("2026-13", today) == DEC
    assert DEC.start == vn("2026-12-01T00:00:00") and DEC.end == vn("2027-01-01T00:00:00")
    choices = DEC.choices(today)
    assert [p.value for p in choices[:3]] == ["2026-12", "2026-11", "2026-10"]
    assert "2025-Q1" in [p.value for p in choices] and "2024" in [p.value for p in choices]


def test_scoping_centre_sees_its_own_admin_compares_communes(december, other_centre, marriage, make_user, applicant,
                                                           admin_user, centre_officer, viewer_user):
    pq = make_user("tn_phuquoc", "centre", communes=(PHU_QUOC,))
    _dossier(pq, other_centre, marriage, applicant)
    own = compute.compute(centre_officer, DEC, NOW)
    assert [a.key for a in own.agencies] == ["000.00.06.H56"] and [c.key for c in own.communes] == [RACH_GIA]
    assert _m(own.scope, "online_dossiers").denominator == 10
    theirs = compute.compute(pq, DEC, NOW)
    assert [a.key for a in theirs.agencies] == ["000.00.31.H56"]
    assert _m(theirs.scope, "online_dossiers").denominator == 1
    province = compute.compute(admin_user, DEC, NOW)
    assert {c.key for c in province.communes} == {RACH_GIA, PHU_QUOC}
    assert _m(province.scope, "online_dossiers").denominator == 11 and province.scope.name == "Toàn tỉnh"
    # Phú Quốc's one dossier, late (due 8 Dec, still open on the 20th), not online nor digitised: 6 / 67.
    assert [c.key for c in province.communes] == [RACH_GIA, PHU_QUOC]
    assert (province.communes[1].earned, province.communes[1].available, province.communes[1].score) == (6.0, 67, 8.96)
    assert compute.compute(viewer_user, DEC, NOW).agencies == []
    assert not compute.can_view(viewer_user)


def test_every_number_links_to_the_desk_list_behind_it(december, centre_officer):
    card = compute.compute(centre_officer, DEC, NOW).agencies[0]
    late = urlsplit(compute.late_link(card, DEC))
    assert late.path == "/mot-cua/ho-so/"
    assert parse_qs(late.query) == {"agency": ["000.00.06.H56"], "from": ["2026-12-01"], "to": ["2026-12-31"],
                                    "timeliness": ["late"]}
    online = parse_qs(urlsplit(_m(card, "online_dossiers").numerator_link).query)
    assert online == {"agency": ["000.00.06.H56"], "from": ["2026-12-01"], "to": ["2026-12-31"], "channel": ["2"]}
    on_time = parse_qs(urlsplit(_m(card, "on_time").denominator_link).query)
    assert on_time["state"] == ["2", "4", "9", "10"]
    assert parse_qs(urlsplit(_m(card, "digitised").numerator_link).query)["digitised"] == ["1"]


# --- the page and the export ----------------------------------------------------------------------------------
@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def test_dashboard_page_scoped_and_live(december, pinned, client_for, centre_officer, viewer_user):
    url = reverse("onestop:indicators")
    assert url == "/mot-cua/chi-so/"
    r = client_for(centre_officer).get(url, {"ky": "2026-12"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="score"' in html and "49,85" in html and "Yếu" in html
    assert 'hx-trigger="every 60s"' in html
    # The satisfaction group has no rating nor complaint yet: "no data", not 0.
    assert html.count("chưa có dữ liệu") >= 4 and 'data-testid="group-satisfaction"' in html
    assert 'href="/mot-cua/ho-so/?from=2026-12-01&amp;to=2026-12-31&amp;timeliness=late"' in html
    assert "Phú Quốc" not in html
    one = client_for(centre_officer).get(url, {"ky": "2026-12", "agency": "000.00.06.H56"}).content.decode()
    assert 'href="/mot-cua/ho-so/?agency=000.00.06.H56&amp;from=2026-12-01&amp;to=2026-12-31&amp;timeliness=late"' in one
    assert 'href="/mot-cua/ho-so/?agency=000.00.06.H56&amp;from=2026-12-01&amp;to=2026-12-31&amp;channel=2">2</a>' in one
    partial = client_for(centre_officer).get(url, {"ky": "2026-12"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content and b'data-testid="score"' in partial.content
    commune = client_for(centre_officer).get(url, {"ky": "2026-12", "commune": RACH_GIA}).content.decode()
    assert 'href="/mot-cua/ho-so/?commune=30742&amp;from=2026-12-01&amp;to=2026-12-31&amp;timeliness=late"' in commune
    # October: nothing but the catalogue (6 points of 100): no big "100", no band.
    october = client_for(centre_officer).get(url, {"ky": "2026-10"}).content.decode()
    assert 'data-testid="score">chưa đủ dữ liệu để xếp loại<' in october and 'data-testid="band"' not in october
    assert client_for(viewer_user).get(url).status_code == 403


def test_excel_export_reads_back_with_numbers(december, pinned, client_for, centre_officer, admin_user):
    r = client_for(admin_user).get(reverse("onestop:indicators-export"), {"ky": "2026-12"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Tổng hợp", "Theo xã, phường", "Theo trung tâm"]
    summary = wb["Tổng hợp"]
    rows = {row[1]: row for row in summary.iter_rows(min_row=1, values_only=True) if row[1]}
    on_time = next(v for k, v in rows.items() if str(k).startswith("Tỷ lệ hồ sơ giải quyết đúng hạn"))
    assert on_time[2:6] == (7, 10, 0.7, 14)
    published = next(v for k, v in rows.items() if str(k).startswith("Tỷ lệ thủ tục hành chính được công bố"))
    assert published[5] == "Chưa có dữ liệu"
    ratio_cell = next(c for row in summary.iter_rows() for c in row if c.value == 0.7)
    assert ratio_cell.data_type == "n" and ratio_cell.number_format == "0.00%"
    centres = list(wb["Theo trung tâm"].iter_rows(values_only=True))
    assert centres[0][:3] == ("Mã cơ quan", "Trung tâm", "Xã, phường, đặc khu")
    assert centres[1][0] == "000.00.06.H56"
    assert centres[1][3:] == (6.3, 14, 4.7, 8.4, "Chưa có dữ liệu", 33.4, 67, 49.85, "Yếu (tạm tính)")
    event = AuditEvent.objects.filter(action="export", object_type="indicators").get()
    assert event.username == "quantri"
    assert client_for(centre_officer).get(reverse("onestop:indicators-export"), {"ky": "2026-12"}).status_code == 200


# --- the citizen's rating ---------------------------------------------------------------------------------------
def test_citizen_rates_a_finished_dossier_once_and_it_counts(december, centre, marriage, centre_officer, applicant,
                                                            client, pinned):
    url = reverse("public:rate")
    assert url == "/dich-vu-cong/danh-gia/"
    d = december[5]
    page = client.get(url, {"ma": d.code})
    assert page.status_code == 200 and f'value="{d.code}"' in page.content.decode()
    form = {"code": d.code, "cccd": applicant.cccd, "reception": "5", "handling": "4", "comment": "Nhanh, chu đáo"}
    r = client.post(url, form)
    assert r.status_code == 200 and b'data-testid="rate-thanks"' in r.content
    r = client.post(url, {**form, "handling": "2"})  # a second rating replaces the first
    assert Rating.objects.filter(dossier=d).count() == 1 and Rating.objects.get(dossier=d).handling == 2
    assert AuditEvent.objects.filter(object_type="dossier", object_id=d.code, username="anonymous").count() == 2
    card = compute.compute(centre_officer, DEC, NOW).agencies[0]
    assert (_m(card, "ratings").numerator, _m(card, "ratings").denominator) == (0, 1)
    # A wrong ID number and an unknown code get the same answer; an unfinished dossier cannot be rated yet.
    wrong = client.post(url, {**form, "cccd": "091085009999"})
    unknown = client.post(url, {**form, "code": "000.00.06.H56-261201-9999"})
    assert wrong.status_code == unknown.status_code == 400
    assert "Không có hồ sơ nào có mã và số định danh này" in wrong.content.decode()
    open_one = _dossier(centre_officer, centre, marriage, applicant, at="2026-12-15T08:00:00")
    r = client.post(url, {**form, "code": open_one.code})
    assert r.status_code == 400 and not Rating.objects.filter(dossier=open_one).exists()
    bad = client.post(url, {**form, "reception": "7"})
    assert bad.status_code == 400


def test_each_link_lists_exactly_the_dossiers_counted(december, centre, other_centre, marriage, make_user, applicant,
                                                      admin_user):
    """desk_filter (the rules the desk's list applies to a link's parameters) gives as many rows as the figure."""
    from django.http import QueryDict

    from lienthong.onestop.models import Dossier

    pq = make_user("tn_phuquoc", "centre", communes=(PHU_QUOC,))
    _dossier(pq, other_centre, marriage, applicant)
    _dossier(pq, other_centre, marriage, applicant, at="2026-11-30T10:00:00")  # November: outside every link
    report = compute.compute(admin_user, DEC, NOW)
    checked = 0
    for card in [report.scope, *report.communes, *report.agencies]:
        for g in card.groups:
            for m in g.measures:
                for link, expected in ((m.numerator_link, m.numerator), (m.denominator_link, m.denominator)):
                    if not link:
                        continue
                    params = QueryDict(urlsplit(link).query)
                    got = compute.desk_filter(Dossier.objects.visible_to(admin_user), params, NOW).count()
                    assert got == expected, (card.name, m.key, link)
                    checked += 1
        late = compute.desk_filter(Dossier.objects.visible_to(admin_user),
                                   QueryDict(urlsplit(compute.late_link(card, DEC)).query), NOW).count()
        on_time = _m(card, "on_time")
        assert late == on_time.denominator - on_time.numerator
    assert checked == 5 * 6 * 2  # five cards (scope, 2 communes, 2 centres), six linked measures, both ends
    # early and on time separately add up to the numerator (the day rule of timeliness.of).
    base = QueryDict("agency=000.00.06.H56&from=2026-12-01&to=2026-12-31")
    early = compute.desk_filter(Dossier.objects.all(), QueryDict(base.urlencode() + "&timeliness=early"), NOW).count()
    in_time = compute.desk_filter(Dossier.objects.all(), QueryDict(base.urlencode() + "&timeliness=on_time"), NOW).count()
    assert (early, in_time) == (7, 0)


def test_rating_page_is_rate_limited_per_address(settings, december, applicant):
    """Guessing code and ID number pairs is slowed like every public page: past the submissions' limit, HTTP 429."""
    from django.test import Client

    settings.PUBLIC_POST_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("public:rate")
    form = {"code": december[0].code, "reception": "5", "handling": "5"}
    codes = [client.post(url, {**form, "cccd": f"09108500{n:04d}"}).status_code for n in range(4)]
    assert codes == [400, 400, 400, 429]
    assert not Rating.objects.exists()

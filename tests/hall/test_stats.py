"""The hall's statistics from a small hand-made day with exact figures; the page, its Excel workbook, who may see
them; the hall's ratings in Decision 766's satisfaction group."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.hall import services as hall
from lienthong.hall.stats import figures
from lienthong.hall.stats.charts import busiest_hours
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 1)  # a Tuesday


def at(hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(2026, 12, 1, h, m, tzinfo=VN_TZ)


@pytest.fixture
def day(centre, services, counters, centre_officer, second_officer):
    """08:00 counter 1 opens for A (tn_rachgia), counter 2 for B (tn2_rachgia).
    A001 08:00 → called 08:10 → served 08:11–08:21 (wait 10, service 10), rated 1
    A002 08:05 → called 08:21 → served 08:22–08:42 (wait 16, service 20), rated 3
    B001 08:30 → called 08:32 → did not come 08:35 (wait 2, no-show)
    B002 09:10 → called 09:14 → served 09:15–09:18 (wait 4, service 3), rated 2"""
    a, b = services
    hall.open_counter(centre_officer, counters[0], [a], at=at("08:00"))
    hall.open_counter(second_officer, counters[1], [b], at=at("08:00"))
    a1 = hall.take_ticket(centre, a, at=at("08:00"))
    a2 = hall.take_ticket(centre, a, at=at("08:05"))
    t = hall.call_next(centre_officer, at=at("08:10"))
    assert t.pk == a1.pk
    hall.start(centre_officer, t, at=at("08:11"))
    a1 = hall.finish(centre_officer, t, at=at("08:21"))
    t = hall.call_next(centre_officer, at=at("08:21"))
    hall.start(centre_officer, t, at=at("08:22"))
    a2 = hall.finish(centre_officer, t, at=at("08:42"))
    b1 = hall.take_ticket(centre, b, at=at("08:30"))
    t = hall.call_next(second_officer, at=at("08:32"))
    hall.no_show(second_officer, t, at=at("08:35"))
    b2 = hall.take_ticket(centre, b, at=at("09:10"))
    t = hall.call_next(second_officer, at=at("09:14"))
    hall.start(second_officer, t, at=at("09:15"))
    b2 = hall.finish(second_officer, t, at=at("09:18"))
    hall.rate(a1, 1, at=at("08:22"))
    hall.rate(a2, 3, "Chờ lâu", at=at("08:43"))
    hall.rate(b2, 2, at=at("09:19"))
    return a1, a2, b1, b2


def _spread(r):
    return (r.count, r.mean, r.median, r.p90)


def test_the_figures_of_a_hand_made_day(centre, day):
    f = figures.compute(centre, DAY, DAY)
    assert (f.days, f.tickets, f.served, f.no_shows, f.ratings, f.satisfied) == (1, 4, 3, 1, 3, 2)
    assert _spread(f.total.wait) == (4, 8.0, 7.0, 16.0)
    assert _spread(f.total.service) == (3, 11.0, 10.0, 20.0)
    assert f.total.no_show_percent == 25.0 and f.satisfied_percent == pytest.approx(200 / 3)
    a, b = f.by_service
    assert (a.label, a.taken, _spread(a.wait), _spread(a.service), a.no_shows) == (
        "A · Hộ tịch", 2, (2, 13.0, 13.0, 16.0), (2, 15.0, 15.0, 20.0), 0)
    assert (b.label, b.taken, _spread(b.wait), _spread(b.service), b.no_shows) == (
        "B · Chứng thực", 2, (2, 3.0, 3.0, 4.0), (1, 3.0, 3.0, 3.0), 1)
    c1, c2 = f.by_counter
    assert (c1.key, _spread(c1.wait), _spread(c1.service), c1.no_shows) == (1, (2, 13.0, 13.0, 16.0),
                                                                            (2, 15.0, 15.0, 20.0), 0)
    assert (c2.key, _spread(c2.wait), _spread(c2.service), c2.no_shows) == (2, (2, 3.0, 3.0, 4.0),
                                                                            (1, 3.0, 3.0, 3.0), 1)
    assert [(o.label, o.called, o.no_shows) for o in f.by_officer] == [("tn_rachgia", 2, 0), ("tn2_rachgia", 2, 1)]


def test_officers_are_named_and_ordered_the_vietnamese_way(centre, day, centre_officer, second_officer):
    centre_officer.last_name, centre_officer.first_name = "Đặng Minh", "Tâm"
    centre_officer.save()
    second_officer.last_name, second_officer.first_name = "Huỳnh Văn", "Lộc"
    second_officer.save()
    f = figures.compute(centre, DAY, DAY)
    assert [o.label for o in f.by_officer] == ["Đặng Minh Tâm", "Huỳnh Văn Lộc"]  # Đ comes after D, before H
    h8, h9 = f.by_hour
    assert (h8.key, h8.taken, h8.waits, h8.services, h8.no_shows) == (8, 3, [10.0, 16.0, 2.0], [10.0, 20.0], 1)
    assert (h9.key, h9.taken, h9.waits, h9.services) == (9, 1, [4.0], [3.0])
    assert [(w.key, str(w.label), w.taken) for w in f.by_weekday] == [(1, "Thứ 3", 4)]
    assert f.busiest == [(8, 3.0), (9, 1.0)]
    # Another day's range has nothing.
    empty = figures.compute(centre, DAY + timedelta(days=1), DAY + timedelta(days=2))
    assert (empty.tickets, empty.total.wait.mean, empty.busiest) == (0, None, [])


def test_numbers_are_written_the_vietnamese_way():
    with translation.override("vi"):
        svg = busiest_hours([(8, 1234.5), (9, 3.0)], title="x")
    assert "1.234,5" in svg and ">3,0<" in svg and "08h" in svg


def test_the_page_for_the_centres_officer(client, centre, day, centre_officer):
    client.force_login(centre_officer)
    response = client.get(reverse("hall:stats"), {"date_from": "01/12/2026", "date_to": "01/12/2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="stats-tickets">4<' in html
    assert 'data-testid="stats-wait-mean">8,0 phút<' in html
    assert 'data-testid="stats-service-mean">11,0 phút<' in html
    assert html.count('data-testid="stats-row-service"') == 2 and html.count('data-testid="stats-row-officer"') == 2
    assert 'data-testid="busiest-chart"' in html and "Trung tâm Phục vụ hành chính công phường Rạch Giá" in html


def test_the_default_period_is_this_week(client, centre, day, centre_officer, clock):
    clock.move_to("2026-12-03T10:00:00+07:00")  # Thursday: the week runs from Monday 30 November
    client.force_login(centre_officer)
    response = client.get(reverse("hall:stats"))
    assert response.status_code == 200
    assert response.context["first"] == date(2026, 11, 30) and response.context["last"] == date(2026, 12, 3)
    assert response.context["figures"].tickets == 4
    assert 'value="30/11/2026"' in response.content.decode()


def test_a_reversed_range_is_refused(client, centre, day, centre_officer):
    client.force_login(centre_officer)
    response = client.get(reverse("hall:stats"), {"date_from": "02/12/2026", "date_to": "01/12/2026"})
    assert response.status_code == 400 and response.context["figures"] is None


def test_the_workbook_holds_the_figures_of_the_page(client, centre, day, centre_officer):
    client.force_login(centre_officer)
    response = client.get(reverse("hall:stats_xlsx"), {"date_from": "01/12/2026", "date_to": "01/12/2026"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Tổng hợp", "Theo dịch vụ", "Theo quầy", "Theo cán bộ", "Theo giờ", "Theo thứ"]
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số vé lấy"] == 4 and summary["Thời gian chờ trung bình (phút)"] == 8.0
    assert summary["Vắng mặt khi gọi"] == 1 and summary["Hài lòng (mức 1–2)"] == 2
    rows = list(wb["Theo dịch vụ"].iter_rows(min_row=2, values_only=True))
    assert rows == [("A · Hộ tịch", 2, 2, 13.0, 13.0, 16.0, 2, 15.0, 15.0, 20.0, 0),
                    ("B · Chứng thực", 2, 2, 3.0, 3.0, 4.0, 1, 3.0, 3.0, 3.0, 1),
                    ("Tất cả", 4, 4, 8.0, 7.0, 16.0, 3, 11.0, 10.0, 20.0, 1)]
    hours = list(wb["Theo giờ"].iter_rows(min_row=2, values_only=True))
    assert [h[:3] for h in hours] == [("08:00–09:00", 3, 3), ("09:00–10:00", 1, 1), ("Tất cả", 4, 4)]
    event = AuditEvent.objects.filter(object_type="hall_stats", action="export").get()
    assert event.object_id == centre.code


def test_a_name_that_looks_like_a_formula_stays_text(client, centre, day, centre_officer):
    centre_officer.first_name = "=HYPERLINK(\"http://x\")"
    centre_officer.save()
    client.force_login(centre_officer)
    response = client.get(reverse("hall:stats_xlsx"), {"date_from": "01/12/2026", "date_to": "01/12/2026"})
    wb = load_workbook(io.BytesIO(response.content))
    cell = next(r[0] for r in wb["Theo cán bộ"].iter_rows(min_row=2) if str(r[0].value).startswith("="))
    assert cell.data_type == "s" and cell.quotePrefix


def test_anonymous_is_sent_to_the_login(client, centre, day):
    for name in ("hall:stats", "hall:stats_xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_other_roles_and_communes_are_refused_and_see_nothing(client, centre, other_centre, day, make_user):
    from lienthong.hall.models import Service

    viewer = make_user("xem", "viewer")
    elsewhere = make_user("tn_phuquoc", "centre", communes=("31078",))
    client.force_login(viewer)
    assert client.get(reverse("hall:stats")).status_code == 403
    assert client.get(reverse("hall:stats_xlsx")).status_code == 403
    client.force_login(elsewhere)
    assert client.get(reverse("hall:stats")).status_code == 403  # no hall in Phú Quốc yet
    assert AuditEvent.objects.filter(object_type="hall_stats", action="denied").count() == 3
    Service.objects.create(agency=other_centre, letter="A", name="Hộ tịch")
    response = client.get(reverse("hall:stats"), {"agency": centre.code, "date_from": "01/12/2026",
                                                  "date_to": "01/12/2026"})
    assert response.status_code == 400 and response.context["figures"] is None  # not a centre of theirs
    response = client.get(reverse("hall:stats_xlsx"), {"agency": centre.code, "date_from": "01/12/2026",
                                                       "date_to": "01/12/2026"})
    assert response.status_code == 400
    response = client.get(reverse("hall:stats"), {"date_from": "01/12/2026", "date_to": "01/12/2026"})
    assert response.status_code == 200 and response.context["agency"] == other_centre
    assert response.context["figures"].tickets == 0
    assert not AuditEvent.objects.filter(object_type="hall_stats", action="export").exists()


def test_the_administrator_chooses_the_centre(client, centre, day, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("hall:stats"), {"agency": centre.code, "date_from": "01/12/2026",
                                                  "date_to": "01/12/2026"})
    assert response.status_code == 200 and response.context["figures"].tickets == 4


def _ratings(card):
    return next(m for g in card.groups for m in g.measures if m.key == "ratings")


def test_hall_ratings_join_the_satisfaction_group(centre, day, centre_officer, marriage):
    """Decision 766: hall ratings of levels 1–2 count as satisfied, added to the dossier ratings of the period."""
    from lienthong.onestop import lifecycle
    from lienthong.onestop.indicators import compute
    from lienthong.onestop.indicators.compute import Period
    from lienthong.onestop.models import Channel, Rating

    december = Period("month", 2026, 12)
    ratings = _ratings(compute.compute(centre_officer, december, at("12:00")).agencies[0])
    assert (ratings.numerator, ratings.denominator, ratings.points) == (2, 3, 4.0)
    applicant = lifecycle.Applicant(cccd="091085001234", full_name="Nguyễn Thị Ánh", birth_date=date(1985, 3, 14),
                                    gender="Nữ", address="12 Nguyễn Trung Trực, phường Rạch Giá", phone="0912345678")
    dossier = lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                       applicant=applicant, components=[lifecycle.ComponentIn("Tờ khai")],
                                       at=at("10:00"))
    Rating.objects.create(dossier=dossier, reception=5, handling=5, at=at("11:00"))  # satisfied
    ratings = _ratings(compute.compute(centre_officer, december, at("12:00")).agencies[0])
    assert (ratings.numerator, ratings.denominator, ratings.points) == (3, 4, 4.5)
    # November: none of them (the period is the rating's time in Việt Nam).
    assert not _ratings(compute.compute(centre_officer, Period("month", 2026, 11), at("12:00")).agencies[0]).has_data

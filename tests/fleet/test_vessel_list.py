"""The vessel list: filters, Vietnamese order, a true total, the overview's counts linking to it, row-level
scope, the Excel export (same rows, real dates, no formulas, personal columns by role, audited)."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienthong.accounts.models import AuditEvent

TODAY = dt.date(2026, 12, 1)
NOON = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)  # 12:00 in Hồ Chí Minh City
PQ, KH = "31078", "31108"  # Đặc khu Phú Quốc, Đặc khu Kiên Hải


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


# (reg, name, commune, owner, owner status, length, licence expiry, safety expiry, home port)
ROWS = [
    ("KG-10001-TS", "Đại Phát", PQ, "Đỗ Văn Ân", "verified", "16.50", -5, -1, "Cảng An Thới"),
    ("KG-10002-TS", "Duy Lộc", PQ, "Dương Thị Ba", "review", "8.00", 10, 200, "Cảng An Thới"),
    ("KG-10003-TS", "Ông Ba", PQ, "Ông Văn Tư", "unverified", None, None, None, ""),
    ("KG-10004-TS", "Ân Phúc", PQ, "Ôn Thị Mai", "verified", "24.00", 400, 5, "Cảng Dương Đông"),
    ("KG-20001-TS", "Hải Âu", KH, "Đào Văn Dũng", "conflict", "12.00", -40, None, "Cảng Hòn Tre"),
    ("KG-20002-TS", "=HYPERLINK(\"http://x\")", KH, "@Nguyễn Văn Á", "verified", "5.50", 20, -3, "+84 cảng"),
]


@pytest.fixture
def fleet(db):
    from lienthong.fleet.classes import length_class
    from lienthong.fleet.models import FishingLicence, Owner, SafetyCertificate, Vessel

    vessels = {}
    owners = {}
    for reg, name, commune, owner_name, status, length, licence, safety, port in ROWS:
        owner = owners.get(owner_name) or Owner.objects.create(
            full_name=owner_name, raw_name=owner_name, commune_code=commune, identity_status=status,
            id_number="0910850" + reg[3:8], birth_date=dt.date(1980, 1, 2), address="-1 Ấp Cửa Cạn")
        owners[owner_name] = owner
        vessel = Vessel.objects.create(
            registration_number=reg, reg_key=reg.replace("-", ""), name=name, owner=owner, commune_code=commune,
            length_m=Decimal(length) if length else None, length_class=length_class(length) or "", home_port=port)
        if licence is not None:
            FishingLicence.objects.create(vessel=vessel, number=f"GP-{reg}-old", expires_on=_day(licence - 800))
            FishingLicence.objects.create(vessel=vessel, number=f"GP-{reg}", expires_on=_day(licence))
        if safety is not None:
            SafetyCertificate.objects.create(vessel=vessel, number=f"AT-{reg}", expires_on=_day(safety))
        vessels[reg] = vessel
    return vessels


def _regs(response) -> list[str]:
    return [v.registration_number for v in response.context["rows"]]


# --- filters and order ---------------------------------------------------------------------------
@pytest.mark.parametrize("query, expected", [
    ({}, ["KG-10001-TS", "KG-10002-TS", "KG-10003-TS", "KG-10004-TS", "KG-20001-TS", "KG-20002-TS"]),
    ({"commune": KH}, ["KG-20001-TS", "KG-20002-TS"]),
    ({"length_class": "15-24"}, ["KG-10001-TS"]),
    ({"length_class": "unknown"}, ["KG-10003-TS"]),
    ({"licence": "expired"}, ["KG-10001-TS", "KG-20001-TS"]),
    ({"licence": "expiring"}, ["KG-10002-TS", "KG-20002-TS"]),
    ({"licence": "missing"}, ["KG-10003-TS"]),
    ({"safety": "expired"}, ["KG-10001-TS", "KG-20002-TS"]),
    ({"safety": "expiring"}, ["KG-10004-TS"]),
    ({"identity": "verified"}, ["KG-10001-TS", "KG-10004-TS", "KG-20002-TS"]),
    ({"home_port": "Cảng An Thới"}, ["KG-10001-TS", "KG-10002-TS"]),
    ({"commune": PQ, "licence": "expired"}, ["KG-10001-TS"]),
])
def test_filters(fleet, client_for, fisheries_user, query, expected):
    response = client_for(fisheries_user).get("/danh-sach-tau/", query)
    assert response.status_code == 200
    assert _regs(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_last_departure_port_filter(fleet, client_for, fisheries_user):
    from lienthong.port.models import Port, Trip

    rach_gia = Port.objects.create(code="rg", name="Cảng cá Rạch Giá", commune_code=PQ)
    an_thoi = Port.objects.create(code="at", name="Cảng cá An Thới", commune_code=PQ)
    common = {"captain_name": "A", "captain_cccd": "091085001234", "zone": "offshore", "gear": "trawl"}
    for reg, port, days in (("KG-10001-TS", rach_gia, -20), ("KG-10001-TS", an_thoi, -2), ("KG-10002-TS", rach_gia, -1)):
        at = NOON + dt.timedelta(days=days)
        Trip.objects.create(vessel=fleet[reg], port=port, departure_at=at, expected_return_at=at, **common)
    client = client_for(fisheries_user)
    assert _regs(client.get("/danh-sach-tau/", {"departure_port": rach_gia.pk})) == ["KG-10002-TS"]
    assert _regs(client.get("/danh-sach-tau/", {"departure_port": an_thoi.pk})) == ["KG-10001-TS"]


@pytest.mark.parametrize("sort, expected", [
    # Vietnamese dictionary order: D before Đ, O before Ô; A before Â.
    ("name", ["KG-20002-TS", "KG-10004-TS", "KG-10002-TS", "KG-10001-TS", "KG-20001-TS", "KG-10003-TS"]),
    ("owner", ["KG-20002-TS", "KG-10002-TS", "KG-20001-TS", "KG-10001-TS", "KG-10004-TS", "KG-10003-TS"]),
    ("-owner", ["KG-10003-TS", "KG-10004-TS", "KG-10001-TS", "KG-20001-TS", "KG-10002-TS", "KG-20002-TS"]),
    ("length", ["KG-20002-TS", "KG-10002-TS", "KG-20001-TS", "KG-10001-TS", "KG-10004-TS", "KG-10003-TS"]),
    ("-length", ["KG-10004-TS", "KG-10001-TS", "KG-20001-TS", "KG-10002-TS", "KG-20002-TS", "KG-10003-TS"]),
    ("licence", ["KG-20001-TS", "KG-10001-TS", "KG-10002-TS", "KG-20002-TS", "KG-10004-TS", "KG-10003-TS"]),
    ("-reg", ["KG-20002-TS", "KG-20001-TS", "KG-10004-TS", "KG-10003-TS", "KG-10002-TS", "KG-10001-TS"]),
])
def test_sorts(fleet, client_for, fisheries_user, sort, expected):
    assert _regs(client_for(fisheries_user).get("/danh-sach-tau/", {"sort": sort})) == expected


def test_viewer_cannot_sort_by_owner_nor_see_owners(fleet, client_for, viewer_user):
    response = client_for(viewer_user).get("/danh-sach-tau/", {"sort": "owner"})
    assert _regs(response)[0] == "KG-10001-TS"  # registration order
    html = response.content.decode()
    assert "Đỗ Văn Ân" not in html and 'data-testid="sort-owner"' not in html
    assert not AuditEvent.objects.filter(object_type="vessel_list").exists()


def test_owner_names_shown_are_audited(fleet, client_for, fisheries_user):
    client_for(fisheries_user).get("/danh-sach-tau/", {"licence": "expired"})
    event = AuditEvent.objects.get(object_type="vessel_list", action="view")
    assert event.detail["filters"] == {"licence": "expired"} and event.detail["rows"] == 2


def test_a_value_not_on_offer_lists_nothing(fleet, client_for, commune_user):
    response = client_for(commune_user).get("/danh-sach-tau/", {"commune": KH})
    assert response.context["rows"] == [] and response.context["page"] is None
    assert 'data-testid="filter-errors"' in response.content.decode()


# --- a true total, paginated ---------------------------------------------------------------------
def test_true_total_across_pages(db, client_for, fisheries_user):
    from lienthong.fleet.models import Vessel

    Vessel.objects.bulk_create([Vessel(registration_number=f"KG-{n:05d}-TS", reg_key=f"KG{n:05d}TS")
                                for n in range(1, 1203)])
    client = client_for(fisheries_user)
    first = client.get("/danh-sach-tau/")
    assert "1–50 / 1.202 tàu" in first.content.decode()
    last = client.get("/danh-sach-tau/", {"page": 25})
    assert "1.201–1.202 / 1.202 tàu" in last.content.decode()
    assert _regs(last) == ["KG-01201-TS", "KG-01202-TS"]


def test_one_page_costs_the_same_queries_for_50_or_5_vessels(db, client_for, fisheries_user):
    from lienthong.fleet.models import FishingLicence, Owner, SafetyCertificate, Vessel

    def build(n, start):
        for i in range(start, start + n):
            owner = Owner.objects.create(full_name=f"Chủ {i}", identity_status="verified")
            v = Vessel.objects.create(registration_number=f"KG-{i:05d}-TS", reg_key=f"KG{i:05d}TS", owner=owner,
                                      commune_code=PQ, length_m=Decimal("12.5"), length_class="12-15")
            FishingLicence.objects.create(vessel=v, number=f"GP{i}", expires_on=_day(i))
            SafetyCertificate.objects.create(vessel=v, number=f"AT{i}", expires_on=_day(-i))

    client = client_for(fisheries_user)
    client.get("/danh-sach-tau/")  # session and user loaded once
    build(5, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/danh-sach-tau/", {"sort": "owner"})
    build(60, 100)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/danh-sach-tau/", {"sort": "owner"})
    assert len(response.context["rows"]) == 50
    assert len(many) == len(few) <= 12, [q["sql"][:120] for q in many.captured_queries]


# --- the overview's counts are the list's totals -------------------------------------------------
def _overview_links(html: str) -> list[tuple[str, int]]:
    links = re.findall(r'<a href="(/danh-sach-tau/[^"]*)" data-testid="count-link">(?:<span[^>]*>)?([\d.]+)<', html)
    return [(href.replace("&amp;", "&"), int(n.replace(".", ""))) for href, n in links]


@pytest.mark.parametrize("who", ["fisheries_user", "commune_user"])
def test_every_overview_count_links_to_a_list_of_that_size(fleet, client_for, request, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    links = _overview_links(client.get("/").content.decode())
    assert len(links) == 6 + 1 + 5 + 7  # length classes (+ unknown), total, papers, identity statuses
    for href, n in links:
        query = dict(parse_qsl(urlsplit(href).query))
        page = client.get("/danh-sach-tau/", query).context
        listed = page["owners"] if "identity" in query else page["page"].paginator.count
        assert listed == n, (href, n, listed)


# --- row-level scope ------------------------------------------------------------------------------
def test_commune_officers_see_and_export_only_their_area(fleet, client_for, commune_user, other_commune_user):
    from openpyxl import load_workbook

    for user, commune in ((commune_user, PQ), (other_commune_user, KH)):
        client = client_for(user)
        rows = client.get("/danh-sach-tau/").context["rows"]
        assert rows and {v.commune_code for v in rows} == {commune}
        choices = [c for c, _label in client.get("/danh-sach-tau/").context["form"].fields["commune"].choices]
        assert choices == ["", commune]
        sheet = load_workbook(io.BytesIO(client.get("/danh-sach-tau/excel").content)).active
        exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert exported == [v.registration_number for v in rows]


# --- Excel ----------------------------------------------------------------------------------------
def _workbook(response):
    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_export_same_filter_and_order_real_dates_no_formulas(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    query = {"licence": "expiring", "sort": "-owner"}
    listed = _regs(client.get("/danh-sach-tau/", query))
    sheet = _workbook(client.get("/danh-sach-tau/excel", query))
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Số đăng ký", "Tên tàu", "Xã/phường/đặc khu"] and "Chủ tàu" in header and "CCCD/CMND" in header
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == listed == ["KG-10002-TS", "KG-20002-TS"]
    row = {h: c for h, c in zip(header, sheet[3])}
    expiry = row["Giấy phép khai thác hết hạn"]
    assert expiry.value == dt.datetime(2026, 12, 21) and expiry.number_format == "DD/MM/YYYY"
    assert row["Chiều dài (m)"].value == 5.5
    # Data that looks like a formula stays text.
    for header_name in ("Tên tàu", "Chủ tàu", "Cảng cá", "Địa chỉ"):
        cell = row[header_name]
        assert cell.data_type == "s" and cell.quotePrefix, header_name
    assert row["Tên tàu"].value == '=HYPERLINK("http://x")'
    assert row["Tình trạng định danh chủ tàu"].value == "Đã xác thực"
    event = AuditEvent.objects.get(action="export", object_type="vessel_list")
    assert event.detail == {"filters": {"licence": "expiring"}, "sort": "-owner", "rows": 2, "personal": True}


def test_export_without_personal_columns_for_viewers(fleet, client_for, viewer_user):
    sheet = _workbook(client_for(viewer_user).get("/danh-sach-tau/excel"))
    header = [c.value for c in sheet[1]]
    assert "Chủ tàu" not in header and "CCCD/CMND" not in header and "Ngày sinh" not in header
    values = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert not any("Đỗ Văn Ân" in v or "091085010001" in v for v in values)
    assert AuditEvent.objects.get(action="export").detail["personal"] is False


def test_dashboard_links_from_home(fleet, client_for, fisheries_user):
    html = client_for(fisheries_user).get("/").content.decode()
    assert 'href="/danh-sach-tau/?licence=expired"' in html and 'href="/danh-sach-tau/?identity=conflict"' in html
    assert 'data-testid="nav-vessels"' in html


def test_english_interface_groups_numbers_the_english_way(db, client_for, fisheries_user):
    from lienthong.fleet.models import Vessel

    Vessel.objects.bulk_create([Vessel(registration_number=f"KG-{n:05d}-TS", reg_key=f"KG{n:05d}TS")
                                for n in range(1, 1003)])
    client = client_for(fisheries_user)
    client.cookies["django_language"] = "en"
    html = client.get("/danh-sach-tau/").content.decode()
    assert "1–50 of 1,002 vessels" in html and "Vessel list" in html


def test_commune_and_port_choices_in_vietnamese_order(fleet, client_for, fisheries_user):
    from lienthong.fleet.models import Vessel
    from lienthong.identity.collation import vi_sorted

    Vessel.objects.create(registration_number="KG-30001-TS", reg_key="KG30001TS", commune_code="31105",
                          home_port="Cảng Đông Hòa")
    form = client_for(fisheries_user).get("/danh-sach-tau/").context["form"]
    communes = [label for code, label in form.fields["commune"].choices if code]
    ports = [label for code, label in form.fields["home_port"].choices if code]
    assert communes == vi_sorted(communes) and len(communes) == 3
    assert ports == vi_sorted(ports)
    assert ports.index("Cảng Dương Đông") < ports.index("Cảng Đông Hòa") < ports.index("Cảng Hòn Tre")


def test_an_empty_list_still_says_zero_and_counts_its_owners(fleet, client_for, fisheries_user):
    html = client_for(fisheries_user).get("/danh-sach-tau/?identity=no_data").content.decode()
    assert 'data-testid="list-count" data-total="0"' in html
    assert 'data-testid="owner-count" data-total="0"' in html

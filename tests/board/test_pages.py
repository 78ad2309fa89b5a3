"""The board's pages, files and API: who may see what, redaction, audit."""
from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.board import literacy as lit
from lienthong.board.models import Reminder

URL = "/ban-chi-dao/ky-nang-so/"
TODAY = date(2026, 12, 1)  # the suite's pinned clock


def test_the_urls():
    assert reverse("board:overview") == "/ban-chi-dao/"
    assert reverse("board:literacy") == URL
    assert reverse("board:unit", args=["ubnd-phuong-rach-gia"]) == "/ban-chi-dao/ky-nang-so/don-vi/ubnd-phuong-rach-gia/"
    assert reverse("board:import") == "/ban-chi-dao/ky-nang-so/nhap-danh-sach/"


def test_anonymous_and_other_roles_are_refused_and_nothing_is_shown(completions, make_user, client_for):
    assert Client().get(URL).status_code == 302
    fisheries = client_for(make_user("thuysan2", "fisheries"))
    before = AuditEvent.objects.filter(action="denied").count()
    assert fisheries.get(URL).status_code == 403
    assert fisheries.get(reverse("board:import")).status_code == 403
    viewer = client_for(make_user("lanhdao", "viewer"))
    assert viewer.get(reverse("board:import")).status_code == 403
    assert viewer.post(reverse("board:remind")).status_code == 403
    assert Reminder.objects.count() == 0
    assert AuditEvent.objects.filter(action="denied").count() == before + 4


def test_the_steering_committee_sees_the_ranking(completions, make_user, client_for):
    page = client_for(make_user("lanhdao", "viewer")).get(URL)
    html = page.content.decode()
    data = lit.literacy(TODAY)
    assert page.status_code == 200
    assert html.count('data-testid="unit-link"') == len(data.units)
    first = data.units[0]
    assert html.index(f'data-unit="{first.key}"') < html.index(f'data-unit="{data.units[-1].key}"')
    assert "80 %" in html and "31/12/2025" in html and "31/12/2026" in html
    assert 'data-testid="literacy-remind"' not in html  # a viewer reminds nobody
    behind = Client()
    behind.force_login(page.wsgi_request.user)
    only = behind.get(URL, {"tinh-trang": "behind"}).content.decode()
    assert only.count('data-status="behind"') == only.count('data-testid="unit-link"') > 0
    # A unit found as officers type it: no diacritics, "ubnd" or in full.
    unit = next(u for u in data.units if u.unit.startswith("UBND"))
    typed = lit.fold(unit.unit).replace("ubnd", "uy ban nhan dan")
    found = behind.get(URL, {"q": typed}).content.decode()
    first = found.split('data-unit="', 1)[1].split('"', 1)[0]
    assert first == unit.key


def test_a_unit_page_masks_cccd_for_a_viewer_shows_it_to_the_keeper_and_is_audited(completions, make_user, client_for,
                                                                                      keeper):
    unit = next(u for u in lit.literacy(TODAY).units if u.staff)
    url = reverse("board:unit", args=[unit.key.replace(" ", "-")])
    official = next(o for o in unit.officials if o.cccd)
    viewer_html = client_for(make_user("lanhdao", "viewer")).get(url).content.decode()
    assert official.name in viewer_html and official.cccd not in viewer_html
    assert f"{official.cccd[:3]}****{official.cccd[-3:]}" in viewer_html
    assert official.cccd in client_for(keeper).get(url).content.decode()
    views = AuditEvent.objects.filter(action="view", object_type="literacy_unit", object_id=unit.key)
    assert views.count() == 2
    not_done = client_for(keeper).get(url, {"chua": "1"}).content.decode()
    assert not_done.count('data-done="1"') == 0 and not_done.count('data-done="0"') == unit.staff - unit.completed


def test_a_commune_officer_sees_their_communes_units_only(completions, make_user, client_for):
    data = lit.literacy(TODAY)
    code = next(u.commune_code for u in data.units if u.commune_code)
    html = client_for(make_user("xa1", "commune", communes=(code,))).get(URL).content.decode()
    mine = [u for u in data.units if u.commune_code == code]
    assert html.count('data-testid="unit-link"') == len(mine)
    other = next(u for u in data.units if u.commune_code != code)
    assert client_for(make_user("xa2", "commune", communes=(code,))).get(
        reverse("board:unit", args=[other.key.replace(" ", "-")])).status_code == 404
    assert 'data-testid="literacy-unmatched"' not in html


def test_the_ranking_and_a_unit_export_to_excel(completions, keeper, make_user, client_for):
    response = client_for(make_user("lanhdao", "viewer")).get(reverse("board:export"))
    assert response["Content-Disposition"].startswith('attachment; filename="binh-dan-hoc-vu-so-')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    data = lit.literacy(TODAY)
    assert rows[0][:6] == ("Hạng", "Cơ quan, đơn vị", "Xã, phường", "Số cán bộ", "Đã hoàn thành", "Tỷ lệ")
    assert len(rows) == len(data.units) + 2 and rows[-1][1] == "Toàn tỉnh"
    assert rows[1][1] == data.units[0].unit and rows[1][5] == pytest.approx(data.units[0].share)
    assert ws.cell(row=2, column=6).number_format == "0.0%"
    unit = data.units[-1]
    sheet = load_workbook(io.BytesIO(client_for(keeper).get(
        reverse("board:unit-export", args=[unit.key.replace(" ", "-")])).content)).active
    assert sheet.max_row == unit.staff + 1
    assert AuditEvent.objects.filter(action="export", object_type="literacy_unit").count() == 2


def test_the_keeper_reminds_the_units_behind_once_a_day(completions, keeper, client_for, make_user):
    data = lit.literacy(TODAY)
    behind = [u for u in data.units if u.status == "behind"]
    client = client_for(keeper)
    assert client.post(reverse("board:remind")).status_code == 302
    assert sorted(Reminder.objects.values_list("unit_key", flat=True)) == sorted(u.key for u in behind)
    client.post(reverse("board:remind"))
    assert Reminder.objects.count() == len(behind)
    html = client.get(URL).content.decode()
    assert html.count('data-status="behind"') == len(behind)
    # The commune officer of a unit reminded reads it above their ranking.
    unit = next(u for u in behind if u.commune_code)
    mine = client_for(make_user("xa9", "commune", communes=(unit.commune_code,))).get(URL).content.decode()
    assert 'data-testid="literacy-reminded"' in mine and unit.unit in mine


def test_the_keeper_imports_a_list_on_the_page(register, keeper, client_for, staff_files):
    client = client_for(keeper)
    with open(staff_files / "completions.xlsx", "rb") as fh:
        page = client.post(reverse("board:import"), {"file": fh})
    assert page.status_code == 200 and 'data-testid="import-result"' in page.content.decode()
    with open(staff_files / "completions.xlsx", "rb") as fh:
        again = client.post(reverse("board:import"), {"file": fh})
    assert again.status_code == 400 and "tệp này đã được nhập" in again.content.decode()
    assert client.post(reverse("board:import")).status_code == 400


def test_the_api_gives_counts_and_shares_only(completions, make_user):
    viewer = make_user("lanhdao", "viewer")
    client = Client()
    client.force_login(viewer)
    body = client.get("/api/v1/board/literacy").json()
    assert body["target_share"] == 0.8 and body["target_due_on"] == "2025-12-31"
    assert len(body["units"]) == len(lit.literacy(TODAY).units)
    assert set(body["units"][0]) == {"unit", "commune_code", "staff", "completed", "share", "status", "to_next"}
    fisheries = Client()
    fisheries.force_login(make_user("thuysan2", "fisheries"))
    assert fisheries.get("/api/v1/board/literacy").status_code == 403
    assert Client().get("/api/v1/board/literacy").status_code == 401

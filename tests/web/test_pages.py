"""Each page renders for the right role, with the right data and personal data only where allowed."""
from __future__ import annotations

import re

from lienthong.accounts.models import AuditEvent


def _html(response) -> str:
    return response.content.decode()


def test_home_counts_the_whole_province_for_fisheries(fleet, client_for, fisheries_user):
    response = client_for(fisheries_user).get("/")
    assert response.status_code == 200
    rows = {code: n for code, _label, n in response.context["length_rows"]}
    assert rows == {"lt6": 0, "6-12": 1, "12-15": 0, "15-24": 1, "ge24": 0, "": 1}
    assert response.context["vessel_total"] == 3
    assert response.context["papers"] == {
        "licence_expired": 1, "licence_expiring": 1, "licence_missing": 1,
        "safety_expired": 0, "safety_expiring": 0,
    }
    statuses = {value: n for value, _label, n in response.context["status_rows"]}
    assert statuses["verified"] == 1 and statuses["unverified"] == 1 and response.context["owner_total"] == 2
    html = _html(response)
    assert "Tàu cá theo nhóm chiều dài" in html and "Từ 15 m đến dưới 24 m" in html and "Toàn tỉnh" in html


def test_home_counts_only_the_commune_officers_area(fleet, client_for, commune_user):
    response = client_for(commune_user).get("/")
    assert response.context["vessel_total"] == 2
    rows = {code: n for code, _label, n in response.context["length_rows"]}
    assert rows["6-12"] == 0 and rows["15-24"] == 1 and rows[""] == 1
    assert response.context["papers"]["licence_expiring"] == 0
    assert response.context["owner_total"] == 1
    assert "Đặc khu Phú Quốc" in _html(response)


def test_navigation_follows_the_role(fleet, client_for, admin_user, fisheries_user, viewer_user):
    admin_html = _html(client_for(admin_user).get("/"))
    assert 'data-testid="nav-import"' in admin_html and 'data-testid="nav-audit"' in admin_html
    fisheries_html = _html(client_for(fisheries_user).get("/"))
    assert 'data-testid="nav-import"' in fisheries_html and 'data-testid="nav-audit"' not in fisheries_html
    viewer_html = _html(client_for(viewer_user).get("/"))
    assert 'data-testid="nav-import"' not in viewer_html and 'data-testid="nav-audit"' not in viewer_html
    assert 'id="search-input"' in viewer_html


def test_search_page_lists_results_and_logs_one_search(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    before = AuditEvent.objects.filter(action="search").count()
    response = client.get("/tim-kiem", {"q": "nguyen van tu"})
    assert response.status_code == 200
    regs = [v.registration_number for v in response.context["results"]]
    assert sorted(regs) == ["KG-90001-TS", "KG-91234-TS"]
    html = _html(response)
    assert 'data-testid="search-results"' in html and "Nguyễn Văn Tư" in html
    assert "Tìm thấy 2 tàu" in html
    events = AuditEvent.objects.filter(action="search")
    assert events.count() == before + 1
    event = events.first()
    assert event.username == "thuysan" and event.detail == {"q": "nguyen van tu", "results": 2}


def test_search_sorts_by_vessel_name_in_vietnamese_order(fleet, client_for, fisheries_user):
    response = client_for(fisheries_user).get("/tim-kiem", {"q": "KG", "sort": "name"})
    # "" (no name) first, then Hải Âu before Phước Lộc.
    assert [v.registration_number for v in response.context["results"]] == ["KG-90001-TS", "KG-95555-TS", "KG-91234-TS"]


def test_search_hides_owners_from_viewers(fleet, client_for, viewer_user):
    response = client_for(viewer_user).get("/tim-kiem", {"q": "KG-91234"})
    html = _html(response)
    assert [v.registration_number for v in response.context["results"]] == ["KG-91234-TS"]
    assert "Nguyễn Văn Tư" not in html and "Chủ tàu" not in html


def test_search_is_scoped_to_the_commune(fleet, client_for, commune_user):
    response = client_for(commune_user).get("/tim-kiem", {"q": "Ánh"})
    assert response.context["results"] == []
    assert 'data-testid="search-empty"' in _html(response)


def test_empty_search_page_logs_nothing(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    before = AuditEvent.objects.count()
    response = client.get("/tim-kiem")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before


def test_suggestions_name_owners_for_officers_and_log_the_search(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    before = AuditEvent.objects.filter(action="search").count()
    response = client.get("/tim-kiem/goi-y", {"q": "091085"}, HTTP_HX_REQUEST="true")
    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('data-testid="suggest-item"') == 2
    assert html.count("Nguyễn Văn Tư") == 2
    assert 'href="/tim-kiem?q=091085"' in html
    events = AuditEvent.objects.filter(action="search")
    assert events.count() == before + 1
    assert events.first().detail == {"q": "091085", "results": 2, "suggest": True}


def test_suggestions_for_a_viewer_have_no_owner_and_are_not_logged(fleet, client_for, viewer_user):
    client = client_for(viewer_user)
    before = AuditEvent.objects.count()
    html = _html(client.get("/tim-kiem/goi-y", {"q": "KG-91234"}))
    assert html.count('data-testid="suggest-item"') == 1
    assert "Nguyễn Văn Tư" not in html
    assert AuditEvent.objects.count() == before


def test_suggestions_need_two_characters(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    before = AuditEvent.objects.count()
    assert _html(client.get("/tim-kiem/goi-y", {"q": "K"})).strip() == ""
    assert AuditEvent.objects.count() == before


def test_vessel_page_shows_personal_data_and_logs_exactly_one_view(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    response = client.get("/tau/KG-91234-TS/")
    assert response.status_code == 200
    html = _html(response)
    for text in ("Nguyễn Văn Tư", "091085001234", "04/03/1985", "0912345678", "VMS-778899", "Phước Lộc",
                 "Lưới kéo", "Vùng khơi", "Đặc khu Phú Quốc", "KG-90001-TS"):
        assert text in html, text
    states = re.findall(r'data-testid="paper-state" data-state="(\w+)"', html)
    assert states == ["expired", "valid"]
    history = html[html.index('data-testid="history"'):]
    for text in ("Chiều dài (m)", "15.0", "Chủ tàu: CCCD/CMND", "91085001234", "Giấy phép khai thác: ngày hết hạn",
                 "01/01/2024", "01/01/2025", "Lưới rê", "Lưới kéo"):
        assert text in history, text
    events = AuditEvent.objects.filter(action="view")
    assert events.count() == 1
    event = events.get()
    assert (event.object_type, event.object_id, event.username) == ("owner", str(fleet["tu"].pk), "thuysan")
    assert event.detail == {"vessel": "KG-91234-TS"}
    client.get("/tau/KG-91234-TS/")
    assert AuditEvent.objects.filter(action="view").count() == 2


def test_vessel_page_for_a_viewer_shows_no_personal_data_and_logs_nothing(fleet, client_for, viewer_user):
    response = client_for(viewer_user).get("/tau/KG-91234-TS/")
    assert response.status_code == 200
    html = _html(response)
    for text in ("Nguyễn Văn Tư", "091085001234", "1985", "0912345678", "Cửa Cạn", "91085001234"):
        assert text not in html, text
    assert 'data-testid="owner-hidden"' in html
    history = html[html.index('data-testid="history"'):]
    assert "VMS-778899" in html and "15.0" in history and "01/01/2025" in history  # non-personal data stays
    # The owner's ID changed: the entry says so (accounts.redaction masks it), never from what to what.
    assert 'data-testid="history-masked"' in history
    assert AuditEvent.objects.filter(action="view").count() == 0


def test_vessel_page_badges_for_expiring_and_undated_papers(fleet, client_for, fisheries_user):
    html = _html(client_for(fisheries_user).get("/tau/KG-95555-TS/"))
    assert re.findall(r'data-state="(\w+)"', html) == ["expiring", "unknown"]
    assert "Hết hạn trong 30 ngày" in html and "Không có ngày hết hạn" in html


def test_vessel_without_vms_over_15m_is_flagged(fleet, client_for, fisheries_user):
    vessel = fleet["big"]
    vessel.vms_device_id = ""
    vessel.save()
    html = _html(client_for(fisheries_user).get("/tau/KG-91234-TS/"))
    assert 'data-testid="vms-missing"' in html


def test_registration_number_typed_loosely_redirects(fleet, client_for, fisheries_user):
    response = client_for(fisheries_user).get("/tau/kg91234ts/")
    assert response.status_code == 302 and response["Location"] == "/tau/KG-91234-TS/"
    assert AuditEvent.objects.filter(action="view").count() == 0


def test_unknown_vessel_is_404(fleet, client_for, fisheries_user):
    assert client_for(fisheries_user).get("/tau/XX-00000-TS/").status_code == 404

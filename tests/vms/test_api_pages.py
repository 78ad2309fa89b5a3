"""The providers' API and the desk's pages: a batch in with a token, its alert on the desk, the steps through the
page, the map's data; the zones upload refused whole on a bad file."""
from __future__ import annotations

import json

from django.test import Client

from lienthong.api.models import ApiToken
from lienthong.vms.models import Alert, AlertState, Position, Zone

from .conftest import SEA, ZONES, at, csv_of

PASSWORD = "mat-khau-thu-nghiem-2025"


def _api(user):
    _token, raw = ApiToken.issue(user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_provider_posts_csv_and_json_and_a_refused_batch_says_where(fleet, provider):
    client = _api(provider)
    r = client.post("/api/v1/vms/positions", csv_of([("KG-90001-TS", at(14), SEA), ("KG-90001-TS", at(2), SEA)]),
                    content_type="text/csv")
    assert r.status_code == 200, r.content
    assert r.json() | {"batch": 0} == {"batch": 0, "rows": 2, "stored": 2, "duplicates": 0, "unknown_vessels": 0,
                                       "alerts_opened": 1, "alerts_ended": 0}
    r = client.post("/api/v1/vms/positions", json.dumps([{"registration_number": "KG-90001-TS",
                                                          "time": at(1).isoformat(), "latitude": 9.8,
                                                          "longitude": 104.5}]), content_type="application/json")
    assert r.status_code == 200 and r.json()["stored"] == 1
    r = client.post("/api/v1/vms/positions", "registration_number,time,latitude,longitude\nKG-1,hôm qua,9,104\n".encode(),
                    content_type="text/csv")
    assert r.status_code == 400
    assert r.json() == {"detail": "invalid", "errors": {"2.time": "dòng 2, cột time: không phải thời điểm ISO 8601 "
                                                                  "(ví dụ 2026-11-30T14:05:00+07:00) (hôm qua)"}}
    assert Position.objects.count() == 3


def test_only_providers_post_and_only_the_desk_reads_alerts(fleet, provider, officer, make_user):
    assert _api(make_user("cang", "port")).post("/api/v1/vms/positions", b"[]",
                                                content_type="application/json").status_code == 403
    assert _api(provider).get("/api/v1/vms/alerts").status_code == 403
    assert _api(officer).get("/api/v1/vms/alerts").json() == []


def test_the_desk_shows_the_alert_and_takes_the_steps(store, officer, fleet):
    store([("KG-90001-TS", at(14), SEA), ("KG-90001-TS", at(2), SEA)])
    alert = Alert.objects.get()
    c = Client()
    assert c.login(username="thuysan", password=PASSWORD)
    page = c.get("/giam-sat/").content.decode()
    assert f'data-alert="{alert.pk}"' in page and "KG-90001-TS" in page
    detail = c.get(f"/giam-sat/canh-bao/{alert.pk}/").content.decode()
    assert 'data-testid="act-acknowledge"' in detail
    assert c.post(f"/giam-sat/canh-bao/{alert.pk}/acknowledge/").status_code == 302
    r = c.post(f"/giam-sat/canh-bao/{alert.pk}/report/", {"reported_at": at(1).strftime("%Y-%m-%dT%H:%M"),
                                                          "latitude": "9,9", "longitude": "104.8"}, follow=True)
    assert "Vĩ độ" in r.content.decode() or r.status_code == 200
    assert c.post(f"/giam-sat/canh-bao/{alert.pk}/close/", {"note": ""}, follow=True).status_code == 200
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED  # closing without saying what was done is refused
    c.post(f"/giam-sat/canh-bao/{alert.pk}/close/", {"note": "Tàu đã về"})
    alert.refresh_from_db()
    assert alert.state == AlertState.CLOSED
    data = c.get("/giam-sat/ban-do/du-lieu.json?tau=KG-90001-TS&tu=29/11/2026&den=01/12/2026").json()
    assert [v["reg"] for v in data["vessels"]] == ["KG-90001-TS"]
    assert len(data["tracks"][0]["points"]) == 2 and {f["properties"]["code"] for f in data["zones"]["features"]} \
        == {"VN-GULF", "MPA-1"}


def test_the_desk_is_closed_to_other_roles(fleet, make_user):
    make_user("xa", "commune", ("31078",))
    c = Client()
    c.login(username="xa", password=PASSWORD)
    assert c.get("/giam-sat/").status_code == 403
    assert c.get("/giam-sat/ban-do/du-lieu.json").status_code == 403


def test_a_bad_zones_file_changes_nothing(fleet, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = Client()
    c.login(username="thuysan", password=PASSWORD)
    bad = json.loads(json.dumps(ZONES))
    bad["features"][1]["properties"]["kind"] = "maybe"
    r = c.post("/giam-sat/vung/", {"file": SimpleUploadedFile("vung.geojson", json.dumps(bad).encode())}, follow=True)
    assert "vung.geojson, vùng thứ 1 (MPA-1), thuộc tính kind" in r.content.decode()
    assert Zone.objects.count() == 2
    good = json.loads(json.dumps(ZONES))
    good["features"] = good["features"][:1]
    c.post("/giam-sat/vung/", {"file": SimpleUploadedFile("vung.geojson", json.dumps(good).encode())})
    assert list(Zone.objects.values_list("code", flat=True)) == ["VN-GULF"]


def test_thresholds_are_data_changed_on_the_page_and_audited(store, officer, fleet):
    from lienthong.accounts.models import AuditEvent
    from lienthong.vms import areas

    c = Client()
    c.login(username="thuysan", password=PASSWORD)
    values = areas.thresholds().to_dict() | {"gap_at_sea_hours": "4"}
    c.post("/giam-sat/vung/", {"what": "thresholds", **{k: str(v) for k, v in values.items()}})
    assert areas.thresholds().gap_at_sea.total_seconds() == 4 * 3600
    assert AuditEvent.objects.filter(object_type="vms_rules").count() == 1
    r = c.post("/giam-sat/vung/", {"what": "thresholds", **{k: str(v) for k, v in values.items()},
                                   "long_gap_days": "hai"}, follow=True)
    assert "Không đổi ngưỡng" in r.content.decode()
    store([("KG-90001-TS", at(9), SEA), ("KG-90001-TS", at(3), SEA)])  # 6 hours: a gap under the new 4-hour rule
    assert Alert.objects.get().kind == "gap_over_6h"


def test_the_alert_page_says_when_the_captain_must_report_next(store, officer, fleet):
    from lienthong.vms import desk, evaluate

    store([("KG-90001-TS", at(10), SEA)], now=at(10))
    evaluate.sweep(at(0))
    alert = Alert.objects.get()
    c = Client()
    c.login(username="thuysan", password=PASSWORD)
    page = c.get(f"/giam-sat/canh-bao/{alert.pk}/").content.decode()
    assert 'data-testid="report-due" class="error-text"' in page  # due 4 hours ago (10 h since the last position)
    desk.position_report(officer, alert, at(1), 9.9, 104.8)
    page = c.get(f"/giam-sat/canh-bao/{alert.pk}/").content.decode()
    assert 'data-testid="report-due">' in page and at(-5).astimezone().strftime("%d/%m/%Y") in page

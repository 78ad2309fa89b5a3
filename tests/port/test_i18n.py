"""Port messages follow the visitor's language (Vietnamese by default); the clearance PDF stays Vietnamese."""
from __future__ import annotations

from lienthong.port.models import Trip

from .test_pages import _form


def test_declaration_error_in_vietnamese_by_default_and_english_after_switching(client_for, ports, vessel,
                                                                                 population):
    client = client_for()
    vi = client.post("/cang/khai-bao/", _form(ports, owner_cccd="091085000000")).content.decode()
    assert "Không tìm thấy tàu với số đăng ký và số định danh chủ tàu này" in vi
    client.post("/i18n/setlang/", {"language": "en", "next": "/cang/khai-bao/"})
    en = client.post("/cang/khai-bao/", _form(ports, owner_cccd="091085000000")).content.decode()
    assert "No vessel found with this registration number and owner&#x27;s ID number" in en
    assert "Không tìm thấy tàu" not in en
    assert Trip.objects.count() == 0


def test_api_error_for_an_unknown_port_is_vietnamese_by_default(client_for, port_officer, ports):
    body = {"registration_number": "X", "port": "khong-co", "zone": "offshore", "gear": "trawl",
            "departure_at": "2030-01-01T06:00:00+07:00", "expected_return_at": "2030-01-05T06:00:00+07:00",
            "captain": {"full_name": "A", "cccd": "091085000001"}, "crew": []}
    response = client_for(port_officer).post("/api/v1/port/declarations", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"port": "Không có cảng này"}


# --- numbers and codes on the port pages and the clearance (issue 8, items 10 and 11) -------------
import datetime as dt  # noqa: E402
import io  # noqa: E402
from decimal import Decimal  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from lienthong.port import services  # noqa: E402
from lienthong.port.models import Species  # noqa: E402


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/cang/"})
    return client


def _returned(clock, declare_trip, port_officer, vessel):
    vessel.length_m = Decimal("21.76")
    vessel.save()
    trip = services.decide(declare_trip(days=2), port_officer, action="clear")
    clock.shift(dt.timedelta(days=3))
    return services.record_arrival(trip, port_officer, returned_at=trip.expected_return_at - dt.timedelta(hours=1),
                                   zone_fished="offshore",
                                   catches=[(Species.objects.get(code="tom"), Decimal("1250.5"))])


def test_trip_page_numbers_follow_the_language(clock, client_for, declare_trip, port_officer, vessel):
    trip = _returned(clock, declare_trip, port_officer, vessel)
    client = client_for(port_officer)
    vi = client.get(f"/cang/chuyen/{trip.reference}/").content.decode()
    assert "21,76 m" in vi and "21.76" not in vi
    assert "1.250,5 kg" in vi and "1250.5" not in vi and "1250,5" not in vi
    en = _english(client).get(f"/cang/chuyen/{trip.reference}/").content.decode()
    assert "21.76 m" in en and "1,250.5 kg" in en


def test_no_raw_codes_on_the_trip_page(client_for, declare_trip, port_officer, vessel):
    from lienthong.fleet.models import Vessel

    client = client_for(port_officer)
    html = client.get(f"/cang/chuyen/{declare_trip().reference}/").content.decode()
    declared = html.split("<dt>Khai báo</dt>", 1)[1].split("</dd>", 1)[0]
    assert "web" not in declared and "trực tuyến" in declared
    second = Vessel.objects.create(registration_number="KG-90002-TS", reg_key="KG90002TS", owner=vessel.owner,
                                   length_m=10, status="suspended")
    refused = services.decide(declare_trip(vessel_obj=second), port_officer, action="refuse",
                              refusal_code="vessel_active")
    html = client.get(f"/cang/chuyen/{refused.reference}/").content.decode()
    refusal = html.split('data-testid="refusal"', 1)[1].split("</section>", 1)[0]
    assert "vessel_active" not in refusal and "Tàu đã đăng ký và đang hoạt động" in refusal
    rules = client.get("/cang/quy-tac/").content.decode()
    headings = " ".join(h for h in __import__("re").findall(r"<h2>(.*?)</h2>", rules, __import__("re").S))
    assert "vessel_active" not in headings and "departure" not in headings


def test_clearance_numbers_are_vietnamese_and_it_stays_vietnamese(client_for, declare_trip, port_officer, vessel):
    vessel.length_m = Decimal("21.76")
    vessel.save()
    trip = declare_trip()
    client = _english(client_for(port_officer))
    assert client.post(f"/cang/chuyen/{trip.reference}/quyet-dinh/", {"action": "clear"}).status_code == 302
    trip.refresh_from_db()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(trip.clearance_pdf))).pages)
    assert "21,76 m" in text and "21.76" not in text
    assert "GIẤY XÁC NHẬN CHO PHÉP TÀU CÁ XUẤT BẾN" in text and "Đạt" in text and "Passed" not in text
    assert all("Passed" not in r["message"] for r in trip.checks)
    assert trip.checks[0]["message"].startswith("Tàu KG-91234-TS đã đăng ký")  # the frozen record: Vietnamese


def test_stats_page_in_english_has_no_vietnamese_labels(client_for, declare_trip, port_officer):
    services.decide(declare_trip(), port_officer, action="clear")
    en = _english(client_for(port_officer)).get("/cang/thong-ke/").content.decode()
    assert "Vessels at sea" in en and "Tàu đang trên biển" not in en

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

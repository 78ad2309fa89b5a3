"""A monitored fleet: two vessels of 15 m and over with devices, one small boat, the Rạch Giá port area, an allowed
area and a forbidden one inside it; the duty officer, a provider with an API token, and a CSV builder."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

NOW = datetime.fromisoformat(os.environ.get("LIENTHONG_TEST_NOW", "2026-12-01T00:36:00+07:00"))  # tests/conftest.py TEST_NOW

ALLOWED = {"type": "Polygon", "coordinates": [[[103.0, 9.0], [105.0, 9.0], [105.0, 10.5], [103.0, 10.5], [103.0, 9.0]]]}
FORBIDDEN = {"type": "Polygon", "coordinates": [[[104.0, 9.5], [104.2, 9.5], [104.2, 9.7], [104.0, 9.7], [104.0, 9.5]]]}
ZONES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"kind": "allowed", "code": "VN-GULF", "name": "Vùng biển Việt Nam"},
     "geometry": ALLOWED},
    {"type": "Feature", "properties": {"kind": "forbidden", "code": "MPA-1", "name": "Khu bảo tồn biển"},
     "geometry": FORBIDDEN}]}
PORT = (10.010, 105.075)  # Rạch Giá, radius 3 km
SEA = (9.8, 104.5)  # allowed, at sea
IN_FORBIDDEN = (9.6, 104.1)
OUTSIDE = (8.5, 102.5)  # outside the allowed area



def at(hours_before_now: float) -> datetime:
    return NOW - timedelta(hours=hours_before_now)


def csv_of(rows) -> bytes:
    """rows: (registration number, aware datetime or text, (lat, lon))."""
    lines = ["registration_number,time,latitude,longitude,speed_knots,course_deg"]
    for reg, when, (lat, lon) in rows:
        text = when if isinstance(when, str) else when.isoformat()
        lines.append(f"{reg},{text},{lat},{lon},7.5,90")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def fleet(db):
    from lienthong.fleet.models import Vessel
    from lienthong.vms.models import Harbour, Zone

    Harbour.objects.create(code="RG", name="Cảng cá Rạch Giá", latitude=PORT[0], longitude=PORT[1], radius_km=3)
    for f in ZONES["features"]:
        Zone.objects.create(code=f["properties"]["code"], name=f["properties"]["name"], kind=f["properties"]["kind"],
                            geometry=f["geometry"])
    return {
        "big": Vessel.objects.create(registration_number="KG-90001-TS", reg_key="KG90001TS", name="Hải Âu 01",
                                     length_m=Decimal("20.5"), vms_device_id="MOV-0000001"),
        "other": Vessel.objects.create(registration_number="KG-90002-TS", reg_key="KG90002TS", name="Ngọc Hải 02",
                                       length_m=Decimal("17"), vms_device_id="MOV-0000002"),
        "small": Vessel.objects.create(registration_number="KG-90003-TS", reg_key="KG90003TS", name="Xuồng 03",
                                       length_m=Decimal("9.5")),
    }


@pytest.fixture
def officer(make_user):
    return make_user("thuysan", "fisheries", first_name="Trực ban")


@pytest.fixture
def provider(make_user):
    return make_user("vms_nhacungcap", "vms_provider")


@pytest.fixture
def store(fleet):
    """Store a CSV batch as the API does (evaluated at NOW unless `now` is given)."""
    from lienthong.vms import ingest

    def run(rows, now=NOW, name="test.csv", provider=None):
        return ingest.store(ingest.rows_from_csv(csv_of(rows), name), source="api", name=name, provider=provider,
                            now=now)

    return run

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from lienthong.monitoring.geometry import Port, Ports, zones_from_geojson
from lienthong.monitoring.thresholds import Thresholds

VN = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 10, 8, 0, tzinfo=VN)
PORT = (10.0, 105.08)  # Rạch Giá
SEA = (9.8, 104.8)  # allowed, no forbidden zone
FORBIDDEN = (9.6, 104.3)
OUTSIDE = (9.6, 103.5)
FORBIDDEN_OUTSIDE = (9.1, 103.8)  # a forbidden zone astride the allowed zone's edge, on its outer side


def square(lon0, lat0, lon1, lat1):
    return [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]]


ZONES_GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"kind": "allowed", "code": "VN", "name": "Vùng được phép"},
         "geometry": {"type": "Polygon", "coordinates": square(104.0, 9.0, 105.5, 10.5)}},
        {"type": "Feature", "properties": {"kind": "cấm", "code": "ND", "name": "Vùng cấm Nam Du"},
         "geometry": {"type": "Polygon", "coordinates": square(104.2, 9.5, 104.4, 9.7)}},
        {"type": "Feature", "properties": {"kind": "forbidden", "code": "BG", "name": "Vùng cấm biên giới"},
         "geometry": {"type": "Polygon", "coordinates": square(103.7, 9.0, 104.1, 9.2)}},
    ],
}


@pytest.fixture
def world():
    return Ports([Port("RG", "Rạch Giá", *PORT, 3.0)]), zones_from_geojson(json.loads(json.dumps(ZONES_GEOJSON))), Thresholds()


def track(*steps):
    """(hours after T0, (lat, lon)) → times, lats, lons."""
    return ([T0 + timedelta(hours=h) for h, _ in steps], [p[0] for _, p in steps], [p[1] for _, p in steps])

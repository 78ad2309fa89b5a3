"""Ports and zones, and where positions fall: in a port, inside a forbidden zone, inside an allowed one.

Ports are circles on the sphere: the distance is haversine on numpy arrays, not shapely, because shapely is planar
— a radius in kilometres drawn in degrees of longitude and latitude is an ellipse, wrong by the cosine of the
latitude (1.5 % here, more elsewhere). Zones are polygons a few tens of kilometres wide in WGS 84 degrees, where
planar point-in-polygon is what every GIS does: shapely 2 (GEOS), prepared, with `contains_xy` over all positions
at once.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from .errors import InputError

__all__ = ["Port", "Ports", "Zone", "Zones", "Placement", "ZONE_KINDS", "load_zones", "zones_from_geojson", "place"]

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
ZONE_KINDS = {  # the file's word → the rule's kind; Vietnamese words as officers write them
    "allowed": "allowed", "duoc_phep": "allowed", "được phép": "allowed", "cho phép": "allowed",
    "forbidden": "forbidden", "cam": "forbidden", "cấm": "forbidden", "vùng cấm": "forbidden",
}
_WGS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}


@dataclass(frozen=True)
class Port:
    code: str
    name: str
    latitude: float
    longitude: float
    radius_km: float


class Ports:
    """The ports as arrays, for the distance of many positions at once."""

    def __init__(self, ports: list[Port] | tuple[Port, ...]):
        self.ports = tuple(ports)
        self._lat = np.radians([p.latitude for p in self.ports])
        self._lon = np.radians([p.longitude for p in self.ports])
        self._radius = np.array([p.radius_km for p in self.ports], dtype=float)

    def __len__(self) -> int:
        return len(self.ports)

    def port_of(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Index of the nearest port whose radius holds each position, -1 at sea."""
        lat = np.radians(np.asarray(lat, dtype=float))
        lon = np.radians(np.asarray(lon, dtype=float))
        found = np.full(lat.shape, -1, dtype=np.int32)
        best = np.full(lat.shape, np.inf)
        cos_lat = np.cos(lat)
        for i in range(len(self.ports)):  # a few dozen ports, each over every position: vectorised where it counts
            a = np.sin((lat - self._lat[i]) / 2) ** 2 + cos_lat * math.cos(self._lat[i]) * np.sin((lon - self._lon[i]) / 2) ** 2
            km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
            take = (km <= self._radius[i]) & (km < best)
            found[take] = i
            best[take] = km[take]
        return found


@dataclass(frozen=True)
class Zone:
    code: str
    name: str
    kind: str  # "allowed" | "forbidden"
    geometry: object  # a shapely Polygon or MultiPolygon, prepared


class Zones:
    def __init__(self, zones: list[Zone] | tuple[Zone, ...]):
        self.zones = tuple(zones)
        self.allowed = tuple(z for z in self.zones if z.kind == "allowed")
        self.forbidden = tuple(z for z in self.zones if z.kind == "forbidden")

    def __len__(self) -> int:
        return len(self.zones)


@dataclass(frozen=True)
class Placement:
    """Where each position falls. `forbidden` indexes Zones.forbidden (-1: none); `allowed` is True when inside an
    allowed zone, or when no allowed zone is given (nothing to leave); `port` indexes Ports (-1: at sea)."""

    port: np.ndarray
    forbidden: np.ndarray
    allowed: np.ndarray

    @property
    def at_sea(self) -> np.ndarray:
        return self.port < 0


def place(lat: np.ndarray, lon: np.ndarray, ports: Ports, zones: Zones) -> Placement:
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    forbidden = np.full(lat.shape, -1, dtype=np.int32)
    for i, zone in enumerate(zones.forbidden):
        # contains: a position on the boundary is not inside — the benefit of the doubt to the vessel.
        inside = shapely.contains_xy(zone.geometry, lon, lat) & (forbidden < 0)
        forbidden[inside] = i
    if zones.allowed:
        allowed = np.zeros(lat.shape, dtype=bool)
        for zone in zones.allowed:
            # intersects: on the boundary is still inside — the same benefit of the doubt.
            allowed |= shapely.intersects_xy(zone.geometry, lon, lat)
    else:
        allowed = np.ones(lat.shape, dtype=bool)
    return Placement(ports.port_of(lat, lon), forbidden, allowed)


def _coordinates_in_range(geom) -> bool:
    xy = shapely.get_coordinates(geom)
    return bool(len(xy)) and bool(np.all((np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)))


def zones_from_geojson(data: object, source: str = "zones") -> Zones:
    """A GeoJSON FeatureCollection of Polygon / MultiPolygon features in WGS 84 (RFC 7946: longitude, latitude),
    properties `kind` (allowed | forbidden, or được phép | cấm), `code` (unique) and `name` (default: the code).
    InputError names `source` and the feature's index (from 0, as in the file's array)."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise InputError(f"{source}: không phải một GeoJSON FeatureCollection")
    crs = data.get("crs")
    if crs is not None:  # RFC 7946 dropped "crs"; an older file naming another system has projected coordinates
        name = ((crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None) or ""
        if name not in _WGS84:
            raise InputError(f"{source}: hệ tọa độ {name or crs!r} không được hỗ trợ; cần WGS 84 (kinh độ, vĩ độ)")
    zones, codes = [], set()
    for i, feature in enumerate(data["features"]):
        where = f"{source}, vùng thứ {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError(f"{where}: không phải một Feature")
        props = feature.get("properties") or {}
        code = str(props.get("code") or "").strip()
        if not code:
            raise InputError(f"{where}, thuộc tính code: trống")
        where = f"{where} ({code})"
        if code in codes:
            raise InputError(f"{where}, thuộc tính code: trùng mã")
        codes.add(code)
        kind = ZONE_KINDS.get(str(props.get("kind") or "").strip().lower())
        if kind is None:
            raise InputError(f"{where}, thuộc tính kind: {props.get('kind')!r} không phải allowed (được phép) hay "
                             "forbidden (cấm)")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            got = geometry.get("type") if isinstance(geometry, dict) else geometry
            raise InputError(f"{where}: hình phải là Polygon hoặc MultiPolygon, không phải {got!r}")
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise InputError(f"{where}: tọa độ hỏng ({exc})") from exc
        if geom.is_empty or not _coordinates_in_range(geom):
            raise InputError(f"{where}: tọa độ ngoài phạm vi kinh độ ±180, vĩ độ ±90 (cần WGS 84, kinh độ trước)")
        if not geom.is_valid:
            raise InputError(f"{where}: hình không hợp lệ ({shapely.is_valid_reason(geom)})")
        shapely.prepare(geom)
        zones.append(Zone(code, str(props.get("name") or code).strip(), kind, geom))
    if not zones:
        raise InputError(f"{source}: không có vùng nào")
    return Zones(zones)


def load_zones(path: str | os.PathLike) -> Zones:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: không mở được tệp ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: không phải UTF-8 ({exc.reason})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}, dòng {exc.lineno}: JSON hỏng ({exc.msg})") from exc
    return zones_from_geojson(data, str(path))

"""Build src/lienthong/web/static/web/map/coast.geojson: the land of the province's sea area, for the offline VMS map.

Not part of the application and not run by it or its tests: the output file is committed. The sources, their
licences and the exact commands are in src/lienthong/web/static/web/map/README.txt. Two kinds of input:

    vms_coast.py map.geo.json                       GeoJSON (@geo-maps/earth-lands-10m, OpenStreetMap, ODbL)
    vms_coast.py land-10m.json topojson-client.js   TopoJSON (world-atlas, Natural Earth, public domain), which node
                                                    converts with topojson-client's `feature`

shapely (installed outside the project) clips to the bounding box, simplifies and drops the smallest rocks.
"""

import json
import pathlib
import subprocess
import sys

from shapely.geometry import Polygon, box, mapping, shape

BBOX = (102.0, 7.5, 107.0, 11.5)  # lon min, lat min, lon max, lat max: the Gulf of Thailand off An Giang
SIMPLIFY = 0.0003  # degrees (about 33 m): below what the map shows at the zoom of the whole gulf, keeps the file small
MIN_AREA = 0.000002  # square degrees (about 0.02 km²): rocks smaller than this are left out
MIN_HOLE = 0.002  # square degrees (about 25 km²): the inland waters (channels, ponds) smaller than this are filled
OUT = pathlib.Path(__file__).resolve().parent.parent / "src/lienthong/web/static/web/map/coast.geojson"

NODE = """
const topojson = require(process.argv[2]);
const topology = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const name = Object.keys(topology.objects)[0];
process.stdout.write(JSON.stringify(topojson.feature(topology, topology.objects[name])));
"""


def rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 4), round(coords[1], 4)]
    return [rounded(c) for c in coords]


def main(topojson_path, client_path):
    if client_path:  # TopoJSON (world-atlas): converted to GeoJSON by topojson-client
        raw = subprocess.run(
            ["node", "-e", NODE, str(pathlib.Path(topojson_path).resolve()), str(pathlib.Path(client_path).resolve())],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    else:  # GeoJSON already (@geo-maps/earth-lands-10m's map.geo.json)
        raw = pathlib.Path(topojson_path).read_text()
    collection = json.loads(raw)
    if collection.get("type") == "FeatureCollection":
        geometries = [f["geometry"] for f in collection["features"]]
    elif collection.get("type") == "GeometryCollection":
        geometries = collection["geometries"]
    else:
        geometries = [collection.get("geometry", collection)]
    clip = box(*BBOX)
    polygons = []
    for geometry in geometries:
        whole = shape(geometry)
        if not whole.intersects(clip):
            continue
        piece = whole.intersection(clip).buffer(0).simplify(SIMPLIFY, preserve_topology=True)
        if piece.is_empty:
            continue
        for part in getattr(piece, "geoms", [piece]):
            if part.geom_type == "Polygon" and part.area >= MIN_AREA:
                holes = [ring for ring in part.interiors if Polygon(ring).area >= MIN_HOLE]
                polygons.append(Polygon(part.exterior, holes))
    out = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": rounded(mapping(p)["coordinates"])}}
            for p in sorted(polygons, key=lambda p: -p.area)
        ],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(polygons)} polygons, {OUT.stat().st_size} bytes")
    for p in polygons:
        c = p.representative_point()
        print(f"  {c.y:.3f}N {c.x:.3f}E  area {p.area:.5f} deg2")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)

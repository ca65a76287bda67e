#!/usr/bin/env python3
"""Prepares the bundled basemap from the Natural Earth files beside this script.

    pip install "shapely>=2"
    python3 data/basemap/prepare_basemap.py

Natural Earth's default (de facto) edition draws Crimea inside Russia's polygon.
corridor-watch draws Ukraine within its internationally recognised borders
(UN General Assembly resolution 68/262), so this script:
- moves the Crimean part of Russia's 10m MultiPolygon into Ukraine's and
  dissolves it (shapely make_valid + union: both polygons are invalid as shipped);
- drops the land boundary line drawn across the Perekop isthmus and the
  Arabat spit (Natural Earth source_index 457);
- does the same for the 1:50m world file (Crimea's part of Russia moves to Ukraine);
- cuts the polygons that cross the antimeridian (Russia's Chukotka, Fiji,
  Antarctica: world-atlas writes them as rings jumping from 180 to -180, which
  a flat map fills as a band round the world) into a part on each side, first
  (make_valid on the jumping rings made bands across the Arctic).
Writes countries-10m-ukraine-region.prepared.geojson,
countries-50m.prepared.geojson and boundary-lines-land-10m.prepared.geojson.
"""
import json, os
from shapely.geometry import shape, mapping, box, MultiPolygon, Polygon
from shapely import make_valid
from shapely.affinity import translate
from shapely.ops import unary_union

os.chdir(os.path.dirname(os.path.abspath(__file__)))
CRIMEA = box(32.3, 44.2, 36.8, 46.3)


def polys(g):
    g = make_valid(g)
    if g.geom_type == "Polygon":
        return [g]
    return [p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"] + \
        [q for p in getattr(g, "geoms", []) if p.geom_type == "MultiPolygon" for q in p.geoms]


def crosses(ring):
    return any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:]))


def cut_at_antimeridian(geom):
    """Each polygon whose rings jump across the antimeridian: unwrapped east
    (negative longitudes + 360), then cut at 180 and its eastern part moved
    back by -360. A pole-enclosing ring (Antarctica) is closed along the edge
    of the map first."""
    g = geom
    parts = [g] if g["type"] == "Polygon" else [{"type": "Polygon", "coordinates": c} for c in g["coordinates"]]
    out = []
    for p in parts:
        rings = p["coordinates"]
        if not any(crosses(r) for r in rings):
            out.append(shape(p))
            continue
        east = [[(x + 360 if x < 0 else x, y) for x, y in r] for r in rings]
        poly = make_valid(Polygon(east[0], east[1:]))
        for half, shift in ((box(-180, -90, 180, 90), 0), (box(180, -90, 540, 90), -360)):
            piece = translate(poly.intersection(half), xoff=shift)
            out.extend(polys(piece))
    return mapping(MultiPolygon([q for q in out if not q.is_empty]))


def fix(src, dst):
    d = json.load(open(src))
    for f in d["features"]:
        g = f["geometry"]
        rings = g["coordinates"] if g["type"] == "Polygon" else [r for q in g["coordinates"] for r in q]
        if any(crosses(r) for r in rings):
            f["geometry"] = cut_at_antimeridian(g)
            print(src, "cut at the antimeridian:", f["properties"]["name"])
    feats = {f["properties"]["name"]: f for f in d["features"]}
    ru, ua = feats["Russia"], feats["Ukraine"]
    ru_parts = [p for p in shape(ru["geometry"]).geoms]
    crimea = [p for p in ru_parts if CRIMEA.contains(p.centroid)]
    keep = [p for p in ru_parts if not CRIMEA.contains(p.centroid)]
    assert crimea, "no Crimean part found in Russia's polygon"
    ua_geom = unary_union(polys(shape(ua["geometry"])) + [make_valid(p) for p in crimea])
    ua["geometry"] = mapping(MultiPolygon(polys(ua_geom)))
    ua["properties"]["note"] = "Crimea included (UN GA resolution 68/262); Natural Earth's de facto edition puts it in Russia"
    ru["geometry"] = mapping(MultiPolygon(keep))
    for f in d["features"]:
        g = shape(f["geometry"])
        if not g.is_valid:
            f["geometry"] = mapping(MultiPolygon(polys(g)))
    json.dump(d, open(dst, "w"), separators=(",", ":"))
    print(dst, "moved", len(crimea), "part(s)")


fix("countries-10m-ukraine-region.geojson", "countries-10m-ukraine-region.prepared.geojson")
fix("countries-50m.geojson", "countries-50m.prepared.geojson")
b = json.load(open("boundary-lines-land-10m-black-sea-region.geojson"))
b["features"] = [f for f in b["features"] if f["properties"].get("source_index") != 457]
json.dump(b, open("boundary-lines-land-10m.prepared.geojson", "w"), separators=(",", ":"))
print("boundary lines kept:", len(b["features"]))

#!/usr/bin/env python3
"""Writes the bundled, ILLUSTRATIVE scenario in this folder.

    pip install geographiclib
    python3 data/make_scenario.py

Every corridor, contact line, lane, track and incident here is invented for
demonstration and testing. Town positions are real (rounded to ~1 km); the
corridor centrelines are polylines through those towns along the main highways,
densified along geodesics to a vertex every ~2 km: they approximate, and do not
survey, the roads. Deterministic (fixed seed).
"""
import csv, json, math, os, random
from geographiclib.geodesic import Geodesic

G = Geodesic.WGS84
T0 = 1_772_438_400  # 2026-03-02T08:00:00Z
rng = random.Random(20260302)
os.chdir(os.path.dirname(os.path.abspath(__file__)))


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(round(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dense(points, step):
    out = []
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        inv = G.Inverse(y1, x1, y2, x2)
        n = max(1, math.ceil(inv["s12"] / step))
        line = G.Line(y1, x1, inv["azi1"])
        for k in range(n):
            r = line.Position(inv["s12"] * k / n)
            out.append((round(r["lon2"], 6), round(r["lat2"], 6)))
    out.append(points[-1])
    return out


def feat(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}


def dump(name, feats, note):
    with open(name, "w") as fh:
        fh.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(note))
        fh.write(",\n".join(json.dumps(f, separators=(",", ":")) for f in feats))
        fh.write("\n]}\n")


ILLUSTRATIVE = "Illustrative scenario: invented for demonstration, not real operational data"

TOWNS = {
    "Kyiv": (30.523, 50.450), "Boryspil": (30.955, 50.353), "Yahotyn": (31.776, 50.279), "Pyriatyn": (32.509, 50.243),
    "Lubny": (32.997, 50.018), "Khorol": (33.786, 49.789), "Poltava": (34.551, 49.589), "Kolomak": (35.288, 49.838),
    "Valky": (35.617, 49.838), "Liubotyn": (35.930, 49.948), "Kharkiv": (36.231, 49.993),
    "Dnipro": (35.046, 48.464), "Zaporizhzhia": (35.139, 47.838),
    "Odesa": (30.733, 46.482), "Mykolaiv": (31.994, 46.975), "Bashtanka": (32.438, 47.407), "Kryvyi Rih": (33.392, 47.910),
    "Sofiivka": (33.869, 48.066), "Chuhuiv": (36.688, 49.836), "Balakliia": (36.861, 49.462), "Izium": (37.256, 49.212),
    "Sloviansk": (37.605, 48.852), "Kramatorsk": (37.556, 48.738),
}
CORRIDORS = [
    ("HC-01", "Kyiv - Poltava - Kharkiv (M03)", ["Kyiv", "Boryspil", "Yahotyn", "Pyriatyn", "Lubny", "Khorol", "Poltava", "Kolomak", "Valky", "Liubotyn", "Kharkiv"], 2000),
    ("HC-02", "Dnipro - Zaporizhzhia", ["Dnipro", "Zaporizhzhia"], 2000),
    ("HC-03", "Odesa - Mykolaiv - Kryvyi Rih - Dnipro", ["Odesa", "Mykolaiv", "Bashtanka", "Kryvyi Rih", "Sofiivka", "Dnipro"], 2000),
    ("HC-04", "Kharkiv - Izium - Sloviansk (M03)", ["Kharkiv", "Chuhuiv", "Balakliia", "Izium", "Sloviansk"], 2000),
]
# Closed periods (illustrative): HC-04 for half an hour (convoys on it then are in a
# closed corridor), HC-02 in the evening (after WFP-05 has passed: avoided).
CLOSURES = {
    "HC-04": [["2026-03-02T11:30:00Z", "2026-03-02T12:00:00Z"]],
    "HC-02": [["2026-03-02T13:00:00Z", "2026-03-02T18:00:00Z"]],
}
corr_lines = {}
feats = []
for cid, name, towns, tol in CORRIDORS:
    line = dense([TOWNS[t] for t in towns], 2000)
    corr_lines[cid] = line
    props = {"kind": "corridor", "id": cid, "name": name, "tolerance_m": tol, "via": towns, "note": ILLUSTRATIVE}
    if cid in CLOSURES:
        props["closures"] = CLOSURES[cid]
    feats.append(feat(props, {"type": "LineString", "coordinates": line}))
dump("corridors.geojson", feats, "Humanitarian corridors (illustrative)")

CONTACT = [(37.95, 50.30), (37.85, 49.75), (38.05, 49.40), (38.15, 49.05), (37.98, 48.70), (37.78, 48.25),
           (37.45, 47.88), (36.90, 47.62), (36.30, 47.45), (35.85, 47.45), (35.35, 47.58), (34.90, 47.55),
           (34.40, 47.40), (33.80, 47.05), (33.37, 46.76), (32.62, 46.62), (32.05, 46.52)]
contact = dense(CONTACT, 2000)
dump("contact_line.geojson", [feat({"kind": "contact_line", "id": "CL-1", "name": "Illustrative contact line", "width_km": 30, "note": ILLUSTRATIVE},
                                   {"type": "LineString", "coordinates": contact})], "Contact line (illustrative)")

LANES = [
    ("GR-ODS", "Odesa - Bosphorus lane", [(30.75, 46.50), (30.85, 46.30), (30.45, 45.60), (30.05, 45.05), (29.40, 44.25), (28.95, 43.40), (28.60, 42.60), (28.95, 41.80), (29.12, 41.24)]),
    ("GR-CHO", "Chornomorsk - Bosphorus lane", [(30.66, 46.30), (30.85, 46.30)]),
    ("GR-PIV", "Pivdennyi - Bosphorus lane", [(31.02, 46.60), (30.95, 46.45), (30.85, 46.30)]),
]
lanes = {}
feats = []
for lid, name, pts in LANES:
    line = dense(pts, 3000)
    lanes[lid] = line
    feats.append(feat({"kind": "grain_route", "id": lid, "name": name, "note": ILLUSTRATIVE}, {"type": "LineString", "coordinates": line}))
dump("grain_routes.geojson", feats, "Grain export lanes (illustrative); tolerance 5556 m (3 NM) by default")


def walk(line, s_from, s_to, step, offset, speed_mps, t0, halt=None):
    """Points every `step` m along `line` between arc distances s_from..s_to, shifted sideways by offset(s) m."""
    seg = []
    cum = [0.0]
    for (x1, y1), (x2, y2) in zip(line, line[1:]):
        inv = G.Inverse(y1, x1, y2, x2)
        seg.append(inv)
        cum.append(cum[-1] + inv["s12"])
    s_to = min(s_to, cum[-1])
    pts, times = [], []
    s, t = s_from, t0
    while True:
        i = max(0, min(len(seg) - 1, next((k for k in range(len(seg)) if cum[k + 1] >= s), len(seg) - 1)))
        x1, y1 = line[i]
        r = G.Line(y1, x1, seg[i]["azi1"]).Position(s - cum[i])
        lon, lat, az = r["lon2"], r["lat2"], r["azi2"]
        off = offset(s - s_from)
        if off:
            q = G.Direct(lat, lon, az + 90, off)
            lon, lat = q["lon2"], q["lat2"]
        pts.append((round(lon, 6), round(lat, 6)))
        times.append(t)
        if halt and abs(s - s_from - halt[0]) < step / 2:
            pts.append(pts[-1]); t += halt[1]; times.append(t)
        if s >= s_to:
            break
        s = min(s + step, s_to)
        t += step / speed_mps
    return pts, times


def noise(amp):
    a, b, c = rng.uniform(0, 6), rng.uniform(0, 6), rng.uniform(0, 6)
    return lambda s: amp * (0.6 * math.sin(s / 3100 + a) + 0.3 * math.sin(s / 1300 + b) + 0.1 * math.sin(s / 700 + c))


def excursion(start, peak, length, ramp=1500):
    def f(s):
        if s <= start or s >= start + length:
            return 0.0
        return peak * min(1.0, (s - start) / ramp, (start + length - s) / ramp)
    return f


def plus(*fs):
    return lambda s: sum(f(s) for f in fs)


def track_feature(cid, pts, times, corridor_ids, desc):
    props = {"kind": "track", "convoy_id": cid, "description": desc, "note": ILLUSTRATIVE,
             "coordinateProperties": {"times": [iso(t) for t in times]}}
    if corridor_ids is not None:
        props["corridor_ids"] = corridor_ids
    return feat(props, {"type": "LineString", "coordinates": pts})


KMH = 1 / 3.6
tracks = []
p, t = walk(corr_lines["HC-01"], 0, 10**7, 500, noise(250), 55 * KMH, T0, halt=(200_000, 1800))
tracks.append(track_feature("UN-01", p, t, ["HC-01"], "Kyiv to Kharkiv, clean, 30-min halt near Lubny"))
p, t = walk(corr_lines["HC-03"], 0, 260_000, 500, noise(300), 50 * KMH, T0 + 3600)
tracks.append(track_feature("UN-02", p, t, None, "Odesa to Kryvyi Rih, clean (any corridor approved)"))
p, t = walk(corr_lines["HC-01"], 330_000, 10**7, 500, plus(noise(200), excursion(60_000, 5500, 9000)), 50 * KMH, T0 + 1800)
tracks.append(track_feature("UN-03", p, t, ["HC-01"], "Poltava to Kharkiv, one detour of about 5.5 km"))
p, t = walk(corr_lines["HC-03"], 260_000, 10**7, 500, plus(noise(200), excursion(20_000, -4200, 6000), excursion(90_000, 7000, 11000)), 45 * KMH, T0 + 7200)
tracks.append(track_feature("ICRC-04", p, t, ["HC-03"], "Kryvyi Rih to Dnipro, two detours"))
p, t = walk(corr_lines["HC-02"], 0, 10**7, 500, noise(300), 50 * KMH, T0 + 5400)
tracks.append(track_feature("WFP-05", p, t, ["HC-02"], "Dnipro to Zaporizhzhia, clean"))
# UN-07: Izium to Sloviansk on HC-04, then on towards the contact line (illustrative zone entry).
p, t = walk(corr_lines["HC-04"], 120_000, 10**7, 500, noise(200), 45 * KMH, T0 + 10800)
ext = dense([TOWNS["Sloviansk"], TOWNS["Kramatorsk"], (37.80, 48.62), (37.70, 48.75)], 500)[1:]
for q in ext:
    inv = G.Inverse(p[-1][1], p[-1][0], q[1], q[0])
    t.append(t[-1] + inv["s12"] / (30 * KMH)); p.append(q)
tracks.append(track_feature("UN-07", p, t, ["HC-04"], "Izium to Sloviansk, then off-corridor into the buffer zone and back"))
# Vessels on the grain lanes.
p, t = walk(lanes["GR-ODS"], 0, 10**7, 1000, noise(1200), 22 * KMH, T0)
tracks.append(track_feature("MV-SEA-1", p, t, None, "Bulk carrier, Odesa to the Bosphorus, in lane"))
lane = dense([(30.66, 46.30), (30.85, 46.30)] + LANES[0][2][2:], 3000)
p, t = walk(lane, 0, 10**7, 1000, plus(noise(1000), excursion(200_000, 14000, 40_000, ramp=8000)), 20 * KMH, T0 + 4 * 3600)
tracks.append(track_feature("MV-SEA-2", p, t, None, "Bulk carrier, Chornomorsk to the Bosphorus, strays east of the lane once"))
dump("tracks.geojson", tracks, "Convoy and vessel tracks (illustrative)")

# MSF-06 as point position reports (CSV), Kharkiv to Izium, one detour.
p, t = walk(corr_lines["HC-04"], 0, 120_000, 1000, plus(noise(200), excursion(50_000, -6000, 10_000)), 45 * KMH, T0 + 2 * 3600)
with open("position_reports.csv", "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["convoy_id", "time", "lat", "lon", "corridor_ids", "note"])
    for q, tt in zip(p, t):
        w.writerow(["MSF-06", iso(tt), q[1], q[0], "HC-04", "illustrative"])

CATS = ["shelling", "drone", "small_arms", "mine", "checkpoint", "ceasefire_violation", "humanitarian_access"]
inc = []
for k in range(26):
    i = rng.randrange(5, len(contact) - 5)
    (x1, y1), (x2, y2) = contact[i], contact[i + 1]
    az = G.Inverse(y1, x1, y2, x2)["azi1"]
    off = rng.uniform(-35_000, 35_000)
    q = G.Direct(y1, x1, az + 90, off)
    cat = CATS[k % len(CATS)]
    inc.append(feat({"kind": "incident", "id": f"INC-{k + 1:03d}", "time": iso(T0 - 86400 + rng.uniform(0, 4 * 86400)),
                     "category": cat, "description": f"Illustrative {cat.replace('_', ' ')} report {k + 1}", "note": ILLUSTRATIVE},
                    {"type": "Point", "coordinates": [round(q["lon2"], 5), round(q["lat2"], 5)]}))
dump("incidents.geojson", inc, "Incident reports (illustrative)")

# Notified movements (illustrative): every state the Movements tab shows, as of the
# data's last report (2026-03-03T19:06Z): completed, violated (off its window, off
# its area, in a closed corridor), late (never reported), planned (a later window);
# under way with the time slider. ICRC-04 moves with no movement: not notified.
CONTACT_NOTE = "illustrative: logistics cell duty officer"
MOVEMENTS = [
    ("MOV-001", "UN-01", "2026-03-02T07:30:00Z", "2026-03-02T17:00:00Z", ["HC-01"], None, 55, "6 trucks (food), 1 escort vehicle"),
    ("MOV-002", "UN-02", "2026-03-02T10:00:00Z", "2026-03-02T16:00:00Z", ["HC-03"], None, 50, "4 trucks (shelter kits)"),
    ("MOV-003", "UN-03", "2026-03-02T08:00:00Z", "2026-03-02T12:00:00Z", ["HC-01"], None, 50, "3 trucks (medical)"),
    ("MOV-005", "WFP-05", "2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z", [], dense([TOWNS["Dnipro"], TOWNS["Zaporizhzhia"]], 10000), 50, "5 trucks (wheat flour)"),
    ("MOV-006", "MSF-06", "2026-03-02T09:30:00Z", "2026-03-02T14:00:00Z", ["HC-04"], None, 45, "2 ambulances, 1 truck"),
    ("MOV-007", "UN-07", "2026-03-02T10:30:00Z", "2026-03-02T15:00:00Z", ["HC-04"], None, 45, "2 trucks (water)"),
    ("MOV-008", "MV-SEA-1", "2026-03-02T07:00:00Z", "2026-03-03T14:00:00Z", ["GR-ODS"], None, 22, "bulk carrier, 30,000 t wheat"),
    ("MOV-009", "MV-SEA-2", "2026-03-02T11:00:00Z", "2026-03-04T00:00:00Z", ["GR-CHO", "GR-ODS"], None, 20, "bulk carrier, 25,000 t maize"),
    ("MOV-010", "UN-08", "2026-03-02T12:00:00Z", "2026-03-02T20:00:00Z", ["HC-03"], None, 45, "4 trucks (hygiene kits)"),
    ("MOV-011", "WFP-09", "2026-03-04T06:00:00Z", "2026-03-04T18:00:00Z", ["HC-01"], None, 50, "8 trucks (food)"),
]
mov = []
for mid, cid, w0, w1, cids, route, speed, vehicles in MOVEMENTS:
    props = {"kind": "movement", "id": mid, "convoy_id": cid, "window_start": w0, "window_end": w1,
             "speed_kmh": speed, "vehicles": vehicles, "contact": CONTACT_NOTE, "note": ILLUSTRATIVE}
    if cids:
        props["corridor_ids"] = cids
    geom = None
    if route:
        props["tolerance_m"] = 1500
        geom = {"type": "LineString", "coordinates": route}
    mov.append(feat(props, geom))
dump("movements.geojson", mov, "Notified movements (illustrative)")
print("written")

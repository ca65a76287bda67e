"""Writes the large case's vertices as AIS NMEA (pyais encode_dict, type 1 with
NMEA 4.10 tag-block times), once, then times pyais decoding every sentence.
Usage: python3 ais_peer.py tracks.geojson tracks.nmea"""
import json, os, sys, time, datetime
from pyais import NMEAMessage
from pyais.encode import encode_dict

src, out = sys.argv[1], sys.argv[2]
if not os.path.exists(out):
    lines = []
    for k, f in enumerate(json.load(open(src))["features"]):
        times = f["properties"].get("coordinateProperties", {}).get("times") or f["properties"].get("times")
        for (lon, lat), t in zip(f["geometry"]["coordinates"], times):
            ts = int(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp())
            body = f"c:{ts}"
            cs = 0
            for ch in body:
                cs ^= ord(ch)
            for s in encode_dict({"type": 1, "mmsi": 200000000 + k, "lon": lon, "lat": lat}, talker_id="AI"):
                lines.append(f"\\{body}*{cs:02X}\\{s}")
    open(out, "w").write("\n".join(lines) + "\n")
sentences = [l.split("\\")[-1] for l in open(out).read().splitlines()]
t0 = time.perf_counter()
for s in sentences:
    NMEAMessage(s.encode()).decode()
dt = time.perf_counter() - t0
print(f"pyais decode: {len(sentences)} sentences in {dt:.2f} s ({len(sentences)/dt/1e6:.3f} M/s)")

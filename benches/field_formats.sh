#!/usr/bin/env bash
# The field-format readers against their Python peers, on the same files in
# one run (BENCHMARKS.md, "Field formats"). Needs gdal-bin and python3 with
# pyogrio and pyais (pip install pyogrio pyais); cargo test never runs this.
#
#   bash benches/field_formats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${CW_FORMATS_DIR:-/tmp/corridor-watch-formats}
mkdir -p "$OUT"
cargo build --release -q
BIN=target/release/corridor-watch
[ -f "$OUT/tracks.geojson" ] || "$BIN" gen-large "$OUT" > /dev/null
# GDAL writes the 1-M-point case in each format (string lists as GDAL's text).
for f in gpkg fgb kml shp; do
  [ -f "$OUT/tracks.$f" ] && continue
  case $f in gpkg) d=GPKG;; fgb) d=FlatGeobuf;; kml) d=KML;; shp) d="ESRI Shapefile";; esac
  # dBASE cuts text at 254 characters: the shapefile goes without per-vertex times.
  sel=(); [ $f = shp ] && sel=(-select kind,convoy_id,corridor_ids)
  ogr2ogr -f "$d" "$OUT/tracks.$f" "$OUT/tracks.geojson" -nln tracks -mapFieldType StringList=String "${sel[@]}" 2>/dev/null
done
# pyais encodes every vertex as a type 1 report with a tag-block time, then decodes them (timed).
python3 benches/ais_peer.py "$OUT/tracks.geojson" "$OUT/tracks.nmea"
python3 - "$OUT" <<'PY'
import sys, time, pyogrio
d = sys.argv[1]
for name in ("tracks.gpkg", "tracks.fgb", "tracks.shp", "tracks.kml"):
    best = min((lambda t0: (pyogrio.read_dataframe(f"{d}/{name}"), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
    print(f"pyogrio.read_dataframe {name}: {best*1000:.0f} ms (best of 3)")
PY
CW_FORMATS_DIR="$OUT" cargo bench --bench benches -- field_formats

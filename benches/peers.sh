#!/usr/bin/env bash
# Issue 29: every peer comparison in one run, on one machine, printed as one
# table (BENCHMARKS.md shows it). Each row is a ratio against its peer timed
# in the same run, best of 5 (ours) and 3 (the peers') unless said. Rows
# whose peer cannot be had are printed as skipped, with why. Not part of
# `cargo test`.
#
#   bash benches/peers.sh [CASE_DIR]   (default /tmp/corridor-watch-large)
#
# Needs: a release build (made here), python3 with shapely 2, pyproj, numpy
# and pyais; gdal-bin (ogr2ogr writes the field formats); pyogrio and DuckDB
# come from PyPI into venvs under target/; postgresql-15 + postgis for the
# PostGIS row. The 24-hour soak row writes 649 MB to /tmp/soak.
set -uo pipefail
cd "$(dirname "$0")/.."
case_dir=${1:-/tmp/corridor-watch-large}
cargo build --release --quiet || exit 1
bin=$PWD/target/release/corridor-watch
[ -f "$case_dir/tracks.geojson" ] || "$bin" gen-large "$case_dir" > /dev/null
log=$(mktemp /tmp/cw-peers-XXXX.log)
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }
ratio() { awk "BEGIN{printf \"%.1f\", $1 / $2}"; }
# Best of 5 wall seconds of a command, to the millisecond (exit 1, "something
# flagged", is fine). /usr/bin/time's %e has 10-ms steps: too coarse at 0.1 s.
best5() {
  local b="" t0 s
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N)
    "$@" > /dev/null 2>>"$log" || [ $? -eq 1 ] || { echo "nan"; return; }
    s=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; fi
  done
  echo "$b"
}
peak_kb() { /usr/bin/time -f "%M" -o "$log.m" "$@" > /dev/null 2>>"$log" || true; tail -n 1 "$log.m"; }
# A criterion median in seconds ("time: [lo mid hi]" with its unit).
criterion_s() {
  CW_FORMATS_DIR="$case_dir" cargo bench --quiet --bench benches -- "$1" --warm-up-time 1 --measurement-time 4 2>>"$log" \
    | sed -n 's/.*time: *\[[0-9.]* [^ ]* \([0-9.]*\) \([^ ]*\) .*/\1 \2/p' | head -n 1 \
    | awk '{ m = ($2=="ms") ? 1e-3 : ($2=="µs" ? 1e-6 : ($2=="ns" ? 1e-9 : 1)); printf "%.4f\n", $1*m }'
}

echo "== end to end against shapely 2"
cw=$(best5 "$bin" check "$case_dir/corridors.geojson" "$case_dir/tracks.geojson")
baseline=""
for b in ../shared/bench/shapely_baseline.py shared/bench/shapely_baseline.py; do [ -f "$b" ] && baseline=$b && break; done
if [ -n "$baseline" ] && python3 -c "import shapely, pyproj, numpy" 2>/dev/null; then
  out=$(python3 "$baseline" "$case_dir" --repeat 3 2>>"$log")
  parse=$(echo "$out" | sed -n 's/.*parse JSON \([0-9.]*\) s.*/\1/p')
  prep=$(echo "$out" | sed -n 's/.*project + build geometries \([0-9.]*\) s.*/\1/p')
  chk=$(echo "$out" | sed -n 's/^BEST segments+dwithin: \([0-9.]*\) s.*/\1/p')
  e2e=$(awk "BEGIN{print $parse + $prep + $chk}")
  row "end to end, large case (1 M points)" "check ${cw} s" "shapely 2: ${e2e} s" "$(ratio "$e2e" "$cw")x" ">= 40x"
  # json.load of the same file, against the GeoJSON load alone (criterion).
  load=$(criterion_s "geojson_load")
  row "GeoJSON load (45.7 MB)" "${load} s (criterion median)" "json.load: ${parse} s" "$(ratio "$parse" "$load")x" ">= 30x"
else
  row "end to end, large case" "check ${cw} s" "skipped: no shapely baseline / shapely, pyproj, numpy" "-" ">= 40x"
fi

echo "== field formats against pyogrio"
for f in gpkg fgb kml shp; do
  [ -f "$case_dir/tracks.$f" ] && continue
  case $f in gpkg) d=GPKG;; fgb) d=FlatGeobuf;; kml) d=KML;; shp) d="ESRI Shapefile";; esac
  # dBASE cuts text at 254 characters: the shapefile goes without per-vertex times.
  sel=(); [ $f = shp ] && sel=(-select kind,convoy_id,corridor_ids)
  ogr2ogr -f "$d" "$case_dir/tracks.$f" "$case_dir/tracks.geojson" -nln tracks -mapFieldType StringList=String "${sel[@]}" 2>>"$log" \
    || echo "ogr2ogr could not write tracks.$f" | tee -a "$log"
done
venv=target/pyogrio-venv
if ! "$venv/bin/python" -c "import pyogrio, geopandas" 2>/dev/null; then
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q pyogrio geopandas; } >>"$log" 2>&1
fi
for f in gpkg fgb shp kml; do
  goal=">= 3x"; [ $f = kml ] && goal=">= 5x"
  if [ ! -f "$case_dir/tracks.$f" ]; then row "check, large case as .$f" "-" "skipped: no file" "-" "$goal"; continue; fi
  cw=$(best5 "$bin" check "$case_dir/corridors.geojson" "$case_dir/tracks.$f")
  if "$venv/bin/python" -c "import pyogrio, geopandas" 2>/dev/null; then
    py=$("$venv/bin/python" - "$case_dir/tracks.$f" <<'PY'
import sys, time, pyogrio
best = min((lambda t0: (pyogrio.read_dataframe(sys.argv[1]), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
print(f"{best:.3f}")
PY
)
    note=""; [ $f = shp ] && note=" (no times: dBASE cuts them)"
    row "check, large case as .$f$note" "${cw} s" "pyogrio.read_dataframe (read only): ${py} s" "$(ratio "$py" "$cw")x" "$goal"
  else
    row "check, large case as .$f" "${cw} s" "skipped: pyogrio could not be installed" "-" "$goal"
  fi
done

echo "== AIS NMEA against pyais"
if python3 -c "import pyais" 2>/dev/null; then
  out=$(python3 benches/ais_peer.py "$case_dir/tracks.geojson" "$case_dir/tracks.nmea" 2>>"$log")
  py=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p')
  cw=$(criterion_s "field_formats/tracks.nmea")
  row "AIS NMEA, 1 M sentences, read" "${cw} s (criterion median)" "pyais decode (one run): ${py} s" "$(ratio "$py" "$cw")x" ">= 20x"
else
  row "AIS NMEA" "-" "skipped: no pyais" "-" ">= 20x"
fi

echo "== DuckDB spatial"
out=$(bash benches/duckdb_compare.sh "$case_dir" 2>>"$log")
line=$(echo "$out" | grep '^| large case')
if [ -n "$line" ]; then
  cwd=$(echo "$line" | awk -F'|' '{print $3}' | xargs); dk=$(echo "$line" | awk -F'|' '{print $4}' | xargs); r=$(echo "$line" | awk -F'|' '{print $5}' | xargs)
  row "batch check (outside-vertex count)" "check $cwd" "DuckDB spatial: $dk" "$r" ">= 10x"
else
  row "batch check" "-" "skipped: $(echo "$out" | tail -n 1)" "-" ">= 10x"
fi

echo "== a period sent to PostGIS"
if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  out=$(bash benches/postgis_window.sh "$case_dir" 2>&1)
  echo "$out" >> "$log"
  whole=$(echo "$out" | sed -n 's/^check of the whole table.*best of 3 \([0-9.]*\) s.*/\1/p')
  noidx=$(echo "$out" | sed -n 's/^check --from\/--to.*no index: best of 3 \([0-9.]*\) s.*/\1/p')
  idx=$(echo "$out" | sed -n 's/^check --from\/--to.*index on times\[1\]: best of 3 \([0-9.]*\) s.*/\1/p')
  row "check --from/--to on a table of 10 periods, no index" "${noidx} s" "the whole table: ${whole} s" "$(ratio "$whole" "$noidx")x" ">= 5x"
  row "the same, an index on times[1]" "${idx} s" "the whole table: ${whole} s" "$(ratio "$whole" "$idx")x" ">= 5x"
else
  row "check --from/--to on PostGIS" "-" "skipped: no PostgreSQL" "-" ">= 5x"
fi

echo "== the 24-hour soak, peak memory"
soak=/tmp/soak
[ -f "$soak/tracks.geojson" ] || "$bin" gen-large "$soak" --convoys 5000 --points 14400000 --report-every-s 30 > /dev/null
ck=$(peak_kb "$bin" check "$soak/corridors.geojson" "$soak/tracks.geojson")
rp=$(peak_kb "$bin" watch "$soak/corridors.geojson" --replay "$soak/tracks.geojson")
row "watch --replay, 14.4 M reports, peak memory (one run)" "$((rp / 1024)) MB" "check: $((ck / 1024)) MB" "$(ratio "$rp" "$ck")x of check" "<= 1.5x"

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "| measure | corridor-watch | peer (same run) | ratio | goal |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "(log: $log)"

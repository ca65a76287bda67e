#!/usr/bin/env bash
# One run, same files: corridor-watch against the shapely 2 baseline.
#
#   bash benches/compare.sh [DIR]     (default /tmp/corridor-watch-large)
#
# Generates the large case with corridor-watch's own generator (same recipe as
# shared/bench/make_large.py), times `corridor-watch check` end to end (best of
# 3, with peak memory), runs the shapely baseline on the same files if it and
# its Python packages are there, and prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/corridor-watch-large}
cargo build --release --quiet
bin=target/release/corridor-watch
$bin gen-large "$dir"
in_mb=$(du -m "$dir/tracks.geojson" | cut -f1)
best=""
for i in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" $bin check "$dir/corridors.geojson" "$dir/tracks.geojson" > "$dir/report.json" || [ $? -eq 1 ]
  read -r secs kb < <(tail -n 1 "$dir/time.txt")
  echo "corridor-watch check, run $i: ${secs} s, peak ${kb} KB"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; peak=$kb; fi
done
echo "corridor-watch check end to end: best ${best} s; peak memory $((peak / 1024)) MB = $(awk "BEGIN{printf \"%.1f\", $peak/1024/$in_mb}")x the ${in_mb} MB input"
baseline=""
for b in ../shared/bench/shapely_baseline.py shared/bench/shapely_baseline.py; do [ -f "$b" ] && baseline=$b && break; done
if [ -n "$baseline" ] && python3 -c "import shapely, pyproj, numpy" 2>/dev/null; then
  out=$(python3 "$baseline" "$dir" --repeat 3)
  echo "$out"
  parse=$(echo "$out" | sed -n 's/.*parse JSON \([0-9.]*\) s.*/\1/p')
  prep=$(echo "$out" | sed -n 's/.*project + build geometries \([0-9.]*\) s.*/\1/p')
  check=$(echo "$out" | sed -n 's/^BEST segments+dwithin: \([0-9.]*\) s.*/\1/p')
  e2e=$(awk "BEGIN{print $parse + $prep + $check}")
  echo "shapely end to end (parse + project + best check): ${e2e} s"
  echo "ratio: corridor-watch is $(awk "BEGIN{printf \"%.1f\", $e2e / $best}")x faster end to end"
else
  echo "shapely baseline not run (needs shared/bench/shapely_baseline.py and: pip install numpy 'shapely>=2' pyproj)"
fi

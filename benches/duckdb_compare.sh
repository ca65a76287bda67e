#!/usr/bin/env bash
# Issue 29, one row: corridor-watch `check` against DuckDB spatial answering
# the simpler batch question (which vertices are outside every corridor) on
# the same large case, in one run. DuckDB and its spatial extension come from
# PyPI into a venv under target/ (as pygeoapi's); when they cannot be
# installed the comparison is skipped with a note. Not part of `cargo test`.
#
#   bash benches/duckdb_compare.sh [CASE_DIR]   (default /tmp/corridor-watch-large)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/corridor-watch-large}
venv=target/duckdb-venv
if ! "$venv/bin/python" -c "import duckdb, duckdb_extension_spatial" 2>/dev/null; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q duckdb==1.5.5 duckdb-extension-spatial==1.5.5; }; then
    echo "DuckDB comparison skipped: duckdb / duckdb-extension-spatial could not be installed from PyPI"
    exit 0
  fi
fi
cargo build --release --quiet
bin=target/release/corridor-watch
[ -f "$dir/tracks.geojson" ] || $bin gen-large "$dir" > /dev/null
best=""
for i in 1 2 3; do
  t0=$(date +%s.%N)
  $bin check "$dir/corridors.geojson" "$dir/tracks.geojson" > "$dir/report.json" || [ $? -eq 1 ]
  t1=$(date +%s.%N)
  secs=$(awk "BEGIN{printf \"%.3f\", $t1 - $t0}")
  echo "corridor-watch check run $i: ${secs} s end to end"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
done
out=$("$venv/bin/python" benches/duckdb_peer.py "$dir" --repeat 3)
echo "$out"
duck=$(echo "$out" | sed -n 's/^BEST duckdb: \([0-9.]*\) s.*/\1/p')
echo "| measure | corridor-watch check | DuckDB spatial | ratio |"
echo "|---|---|---|---|"
echo "| large case, end to end (best of 3) | ${best} s | ${duck} s | $(awk "BEGIN{printf \"%.1f\", $duck / $best}")x |"

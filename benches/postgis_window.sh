#!/usr/bin/env bash
# Issue 29, one row: `check --from/--to` on a PostGIS table holding ten
# periods of the large case's reports (the 5,000 tracks ten times over, each
# copy shifted by the case's span plus an hour: 50,000 rows, 10 M points),
# against `check` of the same table without the period (every row read).
# The period is sent to the server (`times[1] <= to AND times[cardinality]
# >= from`), so only the first copy's rows come over the wire; the report must
# equal the files' own (printed). Timed without an index, then with one on
# `times[1]` (which the first condition is written to use).
#
#   bash benches/postgis_window.sh [CASE_DIR]   (default /tmp/large)
#
# Needs: postgresql-15 + postgis (as .ci/run installs), gdal-bin (ogr2ogr
# loads the GeoJSON) and a release build. Starts its own cluster on 127.0.0.1
# (as the tests do) and stops it at the end. Best of 3 with /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/corridor-watch
case_dir=${1:-/tmp/large}
[ -f "$case_dir/tracks.geojson" ] || "$bin" gen-large "$case_dir"
source benches/pg_cluster.sh
pg="PG:host=127.0.0.1 port=$port user=bench dbname=postgres"
ogr2ogr -f PostgreSQL "$pg" "$case_dir/corridors.geojson" -nln corridors -lco GEOMETRY_NAME=geom -lco FID=ogc_fid
ogr2ogr -f PostgreSQL "$pg" "$case_dir/tracks.geojson" -nln tracks_raw -lco GEOMETRY_NAME=geom -lco FID=ogc_fid
# Ten copies, each later by the span of the case plus an hour; times as timestamptz[].
psql -c "CREATE TABLE tracks10 AS
  WITH t AS (SELECT kind, convoy_id, corridor_ids, times::timestamptz[] AS times, geom FROM tracks_raw),
       span AS (SELECT min(times[1]) AS t0,
                       max(times[array_upper(times, 1)]) - min(times[1]) + interval '1 hour' AS d FROM t)
  SELECT row_number() OVER () AS id, kind, convoy_id, corridor_ids,
         ARRAY(SELECT x + k * span.d FROM unnest(t.times) WITH ORDINALITY u(x, i) ORDER BY i) AS times, geom
  FROM t, span, generate_series(0, 9) k;
  ALTER TABLE tracks10 ADD PRIMARY KEY (id); DROP TABLE tracks_raw;"
psql -c "VACUUM ANALYZE"
read -r from to rows points < <(psql -At -F ' ' -c "
  WITH s AS (SELECT min(times[1]) AS t0, max(times[array_upper(times, 1)]) - min(times[1]) + interval '1 hour' AS d FROM tracks10)
  SELECT to_char(t0 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
         to_char((t0 + d / 10 - interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
         (SELECT count(*) FROM tracks10), (SELECT sum(ST_NPoints(geom)) FROM tracks10) FROM s")
echo "table tracks10: $rows rows, $points points; the period: $from to $to"
url="postgresql://bench@127.0.0.1:$port/postgres"
"$bin" check "$url?table=public.corridors" "$url?table=public.tracks10" --from "$from" --to "$to" > "$dir/period.json" || true
"$bin" check "$case_dir/corridors.geojson" "$case_dir/tracks.geojson" > "$dir/files.json" || true
python3 - "$dir/period.json" "$dir/files.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["convoys"] for p in sys.argv[1:3])
print("convoys of the period from the table equal the files' own:", a == b, len(a))
PY
best() {
  local label=$1; shift
  local b=""
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > /dev/null || [ $? -eq 1 ]
    read -r secs kb < <(tail -n 1 "$dir/time.txt")
    if [ -z "$b" ] || awk "BEGIN{exit !($secs < $b)}"; then b=$secs; peak=$kb; fi
  done
  echo "$label: best of 3 ${b} s, peak $((peak / 1024)) MB" >&2
  echo "$b"
}
w=$(best "check of the whole table (every row read)" \
  "$bin" check "$url?table=public.corridors" "$url?table=public.tracks10")
p=$(best "check --from/--to (the period sent to the server), no index" \
  "$bin" check "$url?table=public.corridors" "$url?table=public.tracks10" --from "$from" --to "$to")
echo "ratio without an index: $(awk "BEGIN{printf \"%.1f\", $w/$p}")x (goal >= 5x)"
# A table kept for checks by period has an index on each track's first time.
psql -c "CREATE INDEX ON tracks10 ((times[1])); ANALYZE tracks10"
i=$(best "check --from/--to (the period sent to the server), index on times[1]" \
  "$bin" check "$url?table=public.corridors" "$url?table=public.tracks10" --from "$from" --to "$to")
echo "ratio with the index: $(awk "BEGIN{printf \"%.1f\", $w/$i}")x (goal >= 5x)"

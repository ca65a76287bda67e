#!/usr/bin/env bash
# Issue 13's speed figure, in one run on one machine: `check` reading the
# 1-M-point large case (5,000 LineString tracks with `times timestamptz[]`,
# 200 corridors) from PostGIS, against PostGIS's own ST_DWithin(geography)
# answer to the simpler question "which track points are outside every
# corridor" on the same tables.
#
# Needs: postgresql-15 + postgis (as .ci/run installs), gdal-bin (ogr2ogr,
# loads the GeoJSON), hyperfine, and a release build. Starts its own cluster
# on 127.0.0.1 (as the tests do) and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/corridor-watch
case_dir=${1:-/tmp/large}
[ -f "$case_dir/tracks.geojson" ] || "$bin" gen-large "$case_dir"
source benches/pg_cluster.sh
pg="PG:host=127.0.0.1 port=$port user=bench dbname=postgres"
ogr2ogr -f PostgreSQL "$pg" "$case_dir/corridors.geojson" -nln corridors -lco GEOMETRY_NAME=geom -lco FID=ogc_fid
ogr2ogr -f PostgreSQL "$pg" "$case_dir/tracks.geojson" -nln tracks_raw -lco GEOMETRY_NAME=geom -lco FID=ogc_fid
# Per-vertex times as timestamptz[] (GDAL writes the string list as varchar[]).
psql -c "CREATE TABLE tracks AS SELECT ogc_fid, kind, convoy_id, corridor_ids, \
  times::timestamptz[] AS times, geom FROM tracks_raw; \
  ALTER TABLE tracks ADD PRIMARY KEY (ogc_fid); DROP TABLE tracks_raw; \
  CREATE INDEX ON corridors USING gist ((geom::geography));"
psql -c "VACUUM ANALYZE"
psql -At -c "SELECT count(*), sum(ST_NPoints(geom)) FROM tracks"
url="postgresql://bench@127.0.0.1:$port/postgres"
# Same answer as from the files first.
"$bin" check "$url?table=public.corridors" "$url?table=public.tracks" > "$dir/db.json" || true
"$bin" check "$case_dir/corridors.geojson" "$case_dir/tracks.geojson" > "$dir/files.json" || true
python3 - "$dir/db.json" "$dir/files.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["convoys"] for p in sys.argv[1:3])
print("convoys from the database equal the files':", a == b, len(a))
PY
cat > "$dir/postgis.sql" <<SQL
SELECT count(*) FROM (SELECT (ST_DumpPoints(t.geom)).geom AS p FROM tracks t) pts
WHERE NOT EXISTS (SELECT 1 FROM corridors c
  -- the constant widest tolerance lets the geography index answer; then each corridor's own
  WHERE ST_DWithin(c.geom::geography, pts.p::geography, 3000)
    AND ST_DWithin(c.geom::geography, pts.p::geography, c.tolerance_m));
SQL
hyperfine --warmup 1 --runs 3 --export-markdown "${BENCH_MD:-/dev/null}" \
  -n "corridor-watch check (read from PostGIS)" \
  "$bin check '$url?table=public.corridors' '$url?table=public.tracks' > /dev/null; test \$? -le 1" \
  -n "PostGIS ST_DWithin(geography): points outside every corridor" \
  "command psql -q -h 127.0.0.1 -p $port -U bench -d postgres -f $dir/postgis.sql > /dev/null"

"""DuckDB spatial as a peer (issue 29): the batch question "which track
vertices lie outside every corridor", as a data analyst would ask it in
DuckDB: ST_Read both GeoJSON files, ST_Transform to metres (an azimuthal
equidistant projection centred on the data's mean, as the shapely baseline),
then a ST_DWithin join (the constant widest tolerance, which DuckDB's spatial
join answers, then each corridor's own). Prints each run's time end to end
(reading included) and the outside count, then the best.

    python3 duckdb_peer.py CASE_DIR [--repeat 3]
"""
import argparse, glob, os, time
import duckdb
import duckdb_extension_spatial

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--repeat", type=int, default=3)
a = ap.parse_args()
ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_spatial.__file__),
                             "extensions", "*", "spatial.duckdb_extension"))[0]
best, counts = None, set()
for run in range(a.repeat):
    con = duckdb.connect()
    con.execute(f"LOAD '{ext}'")
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE c AS SELECT tolerance_m AS tol, geom FROM ST_Read('{a.dir}/corridors.geojson') WHERE kind = 'corridor'")
    con.execute(f"CREATE TABLE t AS SELECT geom FROM ST_Read('{a.dir}/tracks.geojson')")
    # Each vertex its own number (the window after the unnest, not beside it).
    con.execute("CREATE TABLE p AS SELECT row_number() OVER () AS i, g FROM "
                "(SELECT unnest(ST_Dump(ST_Points(geom))).geom AS g FROM t)")
    lon0, lat0 = con.execute("SELECT avg(ST_X(g)), avg(ST_Y(g)) FROM p").fetchone()
    proj = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    to_m = lambda col: f"ST_Transform({col}, 'EPSG:4326', '{proj}', always_xy := true)"
    con.execute(f"CREATE TABLE pm AS SELECT i, {to_m('g')} AS g FROM p")
    con.execute(f"CREATE TABLE cm AS SELECT tol, {to_m('geom')} AS g FROM c")
    widest = con.execute("SELECT max(tol) FROM cm").fetchone()[0]
    n = con.execute(f"""SELECT count(*) FROM pm WHERE i NOT IN (
        SELECT pm.i FROM pm JOIN cm ON ST_DWithin(pm.g, cm.g, {widest})
        WHERE ST_Distance(pm.g, cm.g) <= cm.tol)""").fetchone()[0]
    dt = time.perf_counter() - t0
    total = con.execute("SELECT count(*) FROM pm").fetchone()[0]
    con.close()
    counts.add(n)
    best = dt if best is None else min(best, dt)
    print(f"duckdb run {run + 1}: {dt:.2f} s end to end, {n} of {total} vertices outside every corridor")
print(f"BEST duckdb: {best:.3f} s; outside {sorted(counts)}; duckdb {duckdb.__version__}")

//! PostGIS as a source, a sink and a feed, against a real PostgreSQL +
//! PostGIS started by the tests on 127.0.0.1 (`cluster`); the faults of
//! RELIABILITY.md ("Databases") in `faults`.

mod cluster;
mod edit;
mod edit_tables;
#[cfg(feature = "gui")]
mod edit_ui;
mod faults;
mod load;
#[cfg(feature = "gui")]
mod ui;
mod window;

use crate::util::*;
use cluster::{Cluster, shared};
pub use cluster::{PASSWORD, USER};

/// The shared test cluster, for other modules' tests (pygeoapi's PostgreSQL provider).
pub fn shared_cluster() -> Option<&'static Cluster> {
    shared()
}
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A table name no other test uses.
fn fresh(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}_{}", N.fetch_add(1, Ordering::Relaxed))
}

fn check_json(args: &[&str]) -> (Value, std::process::Output) {
    let out = bin().arg("check").args(args).output().expect("runs");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "check {args:?}: exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (stdout_json(&out), out)
}

/// The hand-built cases and the bundled scenario: (name, layer files, track files).
fn cases() -> Vec<(String, Vec<PathBuf>, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let dir = fixture("cases");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("cases")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in names {
        let d = dir.join(&n);
        let tracks: Vec<PathBuf> = ["tracks.geojson", "reports.csv"]
            .iter()
            .map(|f| d.join(f))
            .filter(|p| p.exists())
            .collect();
        out.push((n, vec![d.join("layers.geojson")], tracks));
    }
    let bundled = corridor_watch::io::bundled_files();
    let (tracks, layers): (Vec<PathBuf>, Vec<PathBuf>) = bundled.into_iter().partition(|p| {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        n.starts_with("tracks") || n.ends_with(".csv")
    });
    out.push(("bundled".into(), layers, tracks));
    out
}

fn features(path: &std::path::Path) -> Vec<Value> {
    if path.extension().is_some_and(|e| e == "csv") {
        load::csv_features(path)
    } else {
        load::features_of(path)
    }
}

/// The same report from PostGIS tables as from the files they were made
/// from: `cNN_layers` (a `kind` column) and `cNN_tracks` (LineStrings with
/// `corridor_ids text[]` and `times timestamptz[]`, or Point reports with
/// `time timestamptz`, and no `kind` column).
#[test]
fn database_tables_give_the_files_report() {
    let Some(pg) = shared() else { return };
    let mut db = pg.client();
    for (i, (name, layers, tracks)) in cases().iter().enumerate() {
        let mut file_args: Vec<String> = layers.iter().map(|p| p.display().to_string()).collect();
        let mut db_args = Vec::new();
        for (j, p) in layers.iter().enumerate() {
            let t = format!(
                "public.c{:02}_layers{}",
                i + 1,
                if j == 0 { String::new() } else { j.to_string() }
            );
            load::geojson_table(&mut db, &t, &features(p));
            db_args.push(pg.url(&t));
        }
        for (j, p) in tracks.iter().enumerate() {
            let t = format!(
                "public.c{:02}_tracks{}",
                i + 1,
                if j == 0 { String::new() } else { j.to_string() }
            );
            let mut f = features(p);
            for x in &mut f {
                // Tracks tables carry no kind column: rows with convoy_id read as tracks.
                x["properties"].as_object_mut().map(|m| m.remove("kind"));
            }
            load::geojson_table(&mut db, &t, &f);
            db_args.push(pg.url(&t));
            file_args.push("--tracks".into());
            file_args.push(p.display().to_string());
        }
        let fa: Vec<&str> = file_args.iter().map(String::as_str).collect();
        let da: Vec<&str> = db_args.iter().map(String::as_str).collect();
        let (from_files, fo) = check_json(&fa);
        let (from_db, dbo) = check_json(&da);
        assert_eq!(fo.status.code(), dbo.status.code(), "{name}: exit status");
        assert!(
            !from_files["convoys"]
                .as_array()
                .expect("convoys")
                .is_empty(),
            "{name}: no convoys"
        );
        assert_eq!(
            from_files["convoys"], from_db["convoys"],
            "{name}: convoys differ\nfiles: {}\ndb: {}",
            from_files["convoys"], from_db["convoys"]
        );
        assert_eq!(from_files["summary"], from_db["summary"], "{name}: summary");
        assert_eq!(
            from_files["incidents"], from_db["incidents"],
            "{name}: incidents"
        );
        // The tracks as ogr2ogr writes them (lower-case names, coordinateproperties json).
        let mut gdal_args: Vec<String> = db_args[..layers.len()].to_vec();
        for (j, p) in tracks.iter().enumerate() {
            let t = format!("public.c{:02}_tracks_gdal{j}", i + 1);
            load::gdal_table(&mut db, &t, &features(p));
            gdal_args.push(format!("{}&kind=track", pg.url(&t)));
        }
        let ga: Vec<&str> = gdal_args.iter().map(String::as_str).collect();
        let (from_gdal, _) = check_json(&ga);
        assert_eq!(
            from_files["convoys"], from_gdal["convoys"],
            "{name}: GDAL-style tables"
        );
        let stderr = String::from_utf8_lossy(&dbo.stderr);
        assert!(
            !stderr.contains(cluster::PASSWORD),
            "the password is printed: {stderr}"
        );
    }
}

fn sink_rows(db: &mut postgres::Client, table: &str) -> Vec<String> {
    db.query(
        &format!(
            "SELECT convoy_id, type, start_key, start_time::text, end_time::text, length_m, max_offset_m, \
             ST_AsText(geom), ST_SRID(geom), GeometryType(geom) FROM {table} ORDER BY convoy_id, type, start_key"
        ),
        &[],
    )
    .expect("rows")
    .iter()
    .map(|r| {
        format!(
            "{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{}|{}|{}",
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            r.get::<_, String>(2),
            r.get::<_, Option<String>>(3),
            r.get::<_, Option<String>>(4),
            r.get::<_, Option<f64>>(5),
            r.get::<_, Option<f64>>(6),
            r.get::<_, String>(7),
            r.get::<_, i32>(8),
            r.get::<_, String>(9)
        )
    })
    .collect()
}

/// `check --to-db` writes one row per deviation and zone entry; running it
/// twice leaves the same rows.
#[test]
fn the_database_sink_is_idempotent() {
    let Some(pg) = shared() else { return };
    let table = fresh("public.stretches");
    let url = pg.url(&table);
    let files: Vec<String> = corridor_watch::io::bundled_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["--to-db", &url]);
    let (report, out) = check_json(&args);
    assert!(String::from_utf8_lossy(&out.stderr).contains("row(s) to postgresql://cw:***@"));
    let mut db = pg.client();
    let first = sink_rows(&mut db, &table);
    let s = &report["summary"];
    let want = s["deviations"].as_u64().unwrap()
        + s["buffer_zone_entries"].as_u64().unwrap()
        + s["gaps"].as_u64().unwrap();
    assert!(want > 0, "the bundled scenario has stretches");
    assert_eq!(first.len() as u64, want, "{first:#?}");
    assert!(
        first.iter().all(|r| r.ends_with("|4326|LINESTRING")),
        "{first:#?}"
    );
    // Every deviation of the report is there with its length.
    for c in report["convoys"].as_array().unwrap() {
        for d in c["deviations"].as_array().unwrap() {
            let key = d["start_time"].as_str().unwrap();
            let len = d["length_m"].as_f64().unwrap();
            assert!(
                first.iter().any(|r| r.starts_with(&format!(
                    "{}|deviation|{key}|",
                    c["convoy_id"].as_str().unwrap()
                )) && r.contains(&format!("|Some({len:?})|"))),
                "{} {key} {len} not in {first:#?}",
                c["convoy_id"]
            );
        }
    }
    let checked_at_1: String = db
        .query_one(&format!("SELECT max(checked_at)::text FROM {table}"), &[])
        .unwrap()
        .get(0);
    check_json(&args);
    let second = sink_rows(&mut db, &table);
    assert_eq!(first, second, "a second run changed the rows");
    let checked_at_2: String = db
        .query_one(&format!("SELECT max(checked_at)::text FROM {table}"), &[])
        .unwrap()
        .get(0);
    assert!(
        checked_at_2 > checked_at_1,
        "checked_at says when it was last confirmed"
    );
}

/// A watch reading reports from a PostGIS table writes its alert to another
/// table and NOTIFYs; a second client LISTENing hears it.
#[test]
fn a_watch_alert_reaches_a_second_client() {
    let Some(pg) = shared() else { return };
    let positions = fresh("public.positions");
    let alerts = fresh("alerts");
    let mut db = pg.client();
    db.batch_execute(&format!(
        "CREATE TABLE {positions} (id bigserial PRIMARY KEY, convoy_id text, time timestamptz, geom geometry(Point, 4326))"
    ))
    .unwrap();
    // A convoy 33 km north of corridor C1 (along 50 N): a deviation.
    let layers = crate::util::feed_layers(&tempfile::tempdir().unwrap().keep());
    for (k, (lon, lat)) in [(30.1, 50.3), (30.2, 50.3), (30.3, 50.3)]
        .iter()
        .enumerate()
    {
        db.execute(
            &format!("INSERT INTO {positions} (convoy_id, time, geom) VALUES ('NOTIFY-1', $1::text::timestamptz, ST_SetSRID(ST_MakePoint($2, $3), 4326))"),
            &[&format!("2026-03-02T10:0{k}:00Z"), lon, lat],
        )
        .unwrap();
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel();
    let listen_url = corridor_watch::io::postgis::PgUrl::parse(&pg.url(&alerts)).unwrap();
    let stop2 = stop.clone();
    let listener = std::thread::spawn(move || {
        corridor_watch::output::postgis_sink::listen(&listen_url, &stop2, |v| {
            let _ = tx.send(v);
        })
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = bin()
        .arg("watch")
        .arg(&layers)
        .args([
            "--feed",
            &pg.url(&positions),
            "--to-db",
            &pg.url(&alerts),
            "--once",
        ])
        .output()
        .unwrap();
    crate::util::assert_exit(&out, 1, "");
    let heard = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("a NOTIFY");
    assert_eq!(heard["convoy_id"], "NOTIFY-1", "{heard}");
    assert_eq!(heard["type"], "deviation", "{heard}");
    assert!(heard["detected_at"].is_string());
    stop.store(true, Ordering::Relaxed);
    listener.join().unwrap().expect("listener ends cleanly");
    let n: i64 = db
        .query_one(&format!("SELECT count(*) FROM {alerts}"), &[])
        .unwrap()
        .get(0);
    assert!(n >= 1, "the alert is in the table");
}

/// A positions table polled as a feed: each poll brings only the rows added since.
#[test]
fn a_database_feed_fetches_each_row_once() {
    let Some(pg) = shared() else { return };
    let table = fresh("public.feed");
    let mut db = pg.client();
    db.batch_execute(&format!(
        "CREATE TABLE {table} (id serial PRIMARY KEY, convoy_id text, time timestamptz, geom geometry(Point, 4326))"
    ))
    .unwrap();
    let insert = |db: &mut postgres::Client, n: i32, from: i32| {
        for k in from..from + n {
            db.execute(
                &format!("INSERT INTO {table} (convoy_id, time, geom) VALUES ('F-1', to_timestamp($1::float8), ST_SetSRID(ST_MakePoint(30, 46 + $2::float8 / 100), 4326))"),
                &[&(1_772_438_400.0 + f64::from(k) * 60.0), &f64::from(k)],
            )
            .unwrap();
        }
    };
    insert(&mut db, 3, 0);
    let url = corridor_watch::io::postgis::PgUrl::parse(&pg.url(&table)).unwrap();
    let mut feed = corridor_watch::io::postgis::feed::PgFeed::new(url);
    let a = feed.poll().expect("first poll");
    assert_eq!(a.features.len(), 3);
    assert!(
        a.features
            .iter()
            .all(|f| f.role == corridor_watch::model::Role::Track)
    );
    assert_eq!(feed.poll().expect("nothing new").features.len(), 0);
    insert(&mut db, 2, 3);
    let b = feed.poll().expect("second poll");
    assert_eq!(b.features.len(), 2);
    assert_eq!(b.features[0].properties["time"], "2026-03-02T08:03:00Z");
    assert_eq!(feed.fetched, 5, "no row fetched twice");
    // By a time column instead of the key.
    let url = corridor_watch::io::postgis::PgUrl::parse(&format!("{}&since=time", pg.url(&table)))
        .unwrap();
    let mut by_time = corridor_watch::io::postgis::feed::PgFeed::new(url);
    assert_eq!(by_time.poll().unwrap().features.len(), 5);
    insert(&mut db, 1, 5);
    assert_eq!(by_time.poll().unwrap().features.len(), 1);
}

/// The password comes from the password file or PGPASSWORD when the URL has none.
#[test]
fn passwords_come_from_pgpass_and_pgpassword() {
    let Some(pg) = shared() else { return };
    let table = fresh("public.pw");
    let mut db = pg.client();
    load::geojson_table(
        &mut db,
        &table,
        &load::features_of(&fixture("cases/excursion/layers.geojson")),
    );
    let url = format!(
        "postgresql://{}@127.0.0.1:{}/postgres?table={table}",
        cluster::USER,
        pg.port
    );
    let dir = tempfile::tempdir().unwrap();
    let pgpass = dir.path().join("pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "127.0.0.1:{}:*:{}:{}\n",
            pg.port,
            cluster::USER,
            cluster::PASSWORD
        ),
    )
    .unwrap();
    let q = |envs: &[(&str, &std::ffi::OsStr)]| {
        let mut c = bin();
        c.args(["query", &url, "--bbox", "29,45,31,47"])
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", "/nonexistent");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let none = q(&[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    let file = q(&[("PGPASSFILE", pgpass.as_os_str())]);
    assert_eq!(
        file.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&file.stderr)
    );
    let env = q(&[("PGPASSWORD", std::ffi::OsStr::new(cluster::PASSWORD))]);
    assert_eq!(
        env.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&env.stderr)
    );
    assert_eq!(stdout_json(&file), stdout_json(&env));
}

/// Issue 22, items 14 and 20: libpq's `?password=` parameter is taken (and
/// masked in everything printed), and `table=with.dot` finds the table named
/// "with.dot" when no schema "with" exists (it said the table was missing);
/// `table="with.dot"` names it explicitly.
#[test]
fn a_password_parameter_and_a_table_name_with_a_dot() {
    let Some(pg) = shared() else { return };
    let name = fresh("with.dot");
    let mut db = pg.client();
    load::geojson_table(
        &mut db,
        &format!("public.\"{name}\""),
        &load::features_of(&fixture("cases/excursion/layers.geojson")),
    );
    let base = format!(
        "postgresql://{}@127.0.0.1:{}/postgres",
        cluster::USER,
        pg.port
    );
    let q = |url: &str| {
        bin()
            .args(["query", url, "--bbox", "29,45,31,47"])
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", "/nonexistent")
            .output()
            .unwrap()
    };
    let pw = format!("password={}", cluster::PASSWORD);
    let plain = q(&format!("{base}?{pw}&table={name}"));
    assert_eq!(
        plain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let quoted = q(&format!("{base}?table=%22{name}%22&{pw}"));
    assert_eq!(
        quoted.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&quoted.stderr)
    );
    let (a, b) = (stdout_json(&plain), stdout_json(&quoted));
    // The same features (their `source` is each one's own URL).
    assert_eq!(a["features"].as_array().map(Vec::len), Some(1));
    assert_eq!(a["features"][0]["geometry"], b["features"][0]["geometry"]);
    assert_eq!(a["features"][0]["id"], b["features"][0]["id"]);
    // A wrong password given as a parameter: refused, and never printed.
    let bad = q(&format!("{base}?password=Wr0ng-S3cret&table={name}"));
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !err.contains("Wr0ng-S3cret") && err.contains("password"),
        "{err}"
    );
}

/// `sslmode=require` encrypts (rustls), against a server with a self-signed certificate.
#[test]
fn tls_with_sslmode_require() {
    let Some(mut pg) = Cluster::start() else {
        return;
    };
    pg.enable_tls();
    let table = "public.tls_layers";
    let mut db = pg.client();
    load::geojson_table(
        &mut db,
        table,
        &load::features_of(&fixture("cases/excursion/layers.geojson")),
    );
    let url =
        corridor_watch::io::postgis::PgUrl::parse(&format!("{}&sslmode=require", pg.url(table)))
            .unwrap();
    let mut s = corridor_watch::io::postgis::connect(&url).expect("TLS connects");
    let ssl: bool = s
        .client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(ssl, "the session is encrypted");
    let layer =
        corridor_watch::io::postgis::read_table(&url, &Default::default()).expect("reads over TLS");
    assert!(!layer.features.is_empty());
}

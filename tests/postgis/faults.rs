//! The database faults of RELIABILITY.md: each a named error, no panic, no
//! hang, nothing half-written.

use super::cluster::{self, Cluster, shared};
use super::fresh;
use crate::util::*;
use corridor_watch::io::postgis::{DbError, PgUrl, read_table};
use corridor_watch::output::postgis_sink as sink;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn check_fails(url: &str) -> String {
    let out = bin()
        .args(["check", url])
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn server_down_wrong_password_missing_table_no_geometry() {
    let Some(pg) = shared() else { return };
    // Nothing listens on this port.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t0 = Instant::now();
    let err = check_fails(&format!(
        "postgresql://cw:secret1@127.0.0.1:{dead}/postgres?table=public.x"
    ));
    assert!(
        err.contains("cannot reach the database server at 127.0.0.1"),
        "{err}"
    );
    assert!(!err.contains("secret1") && err.contains("cw:***@"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(15));

    let err = check_fails(&format!(
        "postgresql://cw:wrong-pw@127.0.0.1:{}/postgres?table=public.x",
        pg.port
    ));
    assert!(err.contains("refused user \"cw\""), "{err}");
    assert!(!err.contains("wrong-pw"), "{err}");

    let err = check_fails(&pg.url("public.no_such_table"));
    assert!(
        err.contains("table public.no_such_table does not exist"),
        "{err}"
    );
    assert!(!err.contains(cluster::PASSWORD), "{err}");

    let plain = fresh("public.plain");
    pg.sql("postgres", &format!("CREATE TABLE {plain} (a int, b text)"));
    let err = check_fails(&pg.url(&plain));
    assert!(
        err.contains(&format!(
            "table {plain} has no geometry or geography column"
        )),
        "{err}"
    );
}

#[test]
fn table_names_are_never_sql() {
    let Some(pg) = shared() else { return };
    let victim = fresh("public.victim");
    pg.sql("postgres", &format!("CREATE TABLE {victim} (a int)"));
    for evil in [
        format!("public.x; DROP TABLE {victim}"),
        format!("public.x\"; DROP TABLE {victim}; --"),
        format!("{victim} WHERE 1=1; DROP TABLE {victim}"),
    ] {
        let url = pg.url(
            &evil
                .replace(' ', "%20")
                .replace(';', "%3B")
                .replace('"', "%22")
                .replace('=', "%3D"),
        );
        let err = check_fails(&url);
        assert!(err.contains("does not exist"), "{evil}: {err}");
    }
    let mut db = pg.client();
    let n: i64 = db
        .query_one(&format!("SELECT count(*) FROM {victim}"), &[])
        .expect("the victim table is still there")
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn a_statement_timeout_is_named() {
    let Some(pg) = shared() else { return };
    let view = fresh("public.slow");
    pg.sql(
        "postgres",
        &format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hurried') THEN \
               CREATE ROLE hurried LOGIN PASSWORD 'hurried-pw'; END IF; END $$; \
             ALTER ROLE hurried SET statement_timeout = '300ms'; \
             CREATE VIEW {view} AS SELECT ST_SetSRID(ST_MakePoint(30, 46), 4326) AS geom, g AS n \
               FROM generate_series(1, 3) g WHERE pg_sleep(1) IS NOT NULL; \
             GRANT SELECT ON {view} TO hurried;"
        ),
    );
    let url = format!(
        "postgresql://hurried:hurried-pw@127.0.0.1:{}/postgres?table={view}",
        pg.port
    );
    let t0 = Instant::now();
    let err = check_fails(&url);
    assert!(err.contains("statement timeout"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(20));
}

/// A server killed mid-read, and mid-write: named errors within seconds,
/// and the table as it was before the killed write.
#[test]
fn a_server_killed_mid_stream_and_mid_write() {
    let Some(mut pg) = Cluster::start() else {
        return;
    };
    pg.sql(
        "postgres",
        "CREATE TABLE big (id serial PRIMARY KEY, convoy_id text, time timestamptz, geom geometry(Point, 4326)); \
         INSERT INTO big (convoy_id, time, geom) SELECT 'B-' || (g % 500), to_timestamp(1772438400 + g), \
           ST_SetSRID(ST_MakePoint(30 + (g % 1000) * 0.001, 46 + (g / 1000) * 0.0001), 4326) \
           FROM generate_series(1, 600000) g;",
    );
    // Mid-read: kill once the first batches have come.
    let url = PgUrl::parse(&pg.url("public.big")).unwrap();
    let done = std::sync::Arc::new(AtomicU64::new(0));
    let d2 = done.clone();
    let reader = std::thread::spawn(move || {
        let cancel = AtomicBool::new(false);
        read_table(
            &url,
            &corridor_watch::io::postgis::ReadProgress {
                done_rows: Some(&d2),
                total_rows: None,
                cancel: Some(&cancel),
            },
        )
    });
    let t0 = Instant::now();
    while done.load(Ordering::Relaxed) == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the read never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    pg.kill();
    let killed_at = Instant::now();
    let result = reader.join().expect("no panic");
    assert!(killed_at.elapsed() < Duration::from_secs(15), "it hung");
    match result {
        Err(DbError::ConnectionLost { during, .. }) => {
            assert!(during.contains("reading table public.big"), "{during}")
        }
        Err(e) => panic!("expected a lost connection, got: {e}"),
        Ok(l) => panic!(
            "the read finished with {} features despite the kill",
            l.features.len()
        ),
    }

    // Mid-write: a first run commits a few rows; a second, large run is killed
    // while its INSERT runs; after a restart the table holds the first run's rows.
    pg.launch();
    let table = "public.results";
    let url = PgUrl::parse(&pg.url(table)).unwrap();
    let row = |i: usize, n: usize| sink::SinkRow {
        convoy_id: format!("K-{i}"),
        kind: "deviation",
        start_key: format!("2026-03-02T08:00:{:02}Z", i % 60),
        start_time: Some(format!("2026-03-02T08:00:{:02}Z", i % 60)),
        end_time: None,
        length_m: Some(i as f64),
        max_offset_m: Some(1.0),
        path: (0..n)
            .map(|k| geo::Coord {
                x: 30.0 + k as f64 * 1e-4,
                y: 46.0 + i as f64 * 1e-6,
            })
            .collect(),
        payload: None,
    };
    let mut s = corridor_watch::io::postgis::connect(&url).unwrap();
    let first: Vec<_> = (0..5).map(|i| row(i, 3)).collect();
    assert_eq!(sink::write_rows(&mut s, &first, false).unwrap(), 5);
    let big: Vec<_> = (0..300_000).map(|i| row(i + 5, 40)).collect();
    let writer = std::thread::spawn(move || sink::write_rows(&mut s, &big, false));
    let mut watch = pg.client();
    let t0 = Instant::now();
    loop {
        let busy: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'INSERT INTO%'",
                &[],
            )
            .unwrap()
            .get(0);
        if busy > 0 {
            break;
        }
        assert!(
            !writer.is_finished(),
            "the write finished before it could be killed"
        );
        assert!(t0.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(watch);
    pg.kill();
    let result = writer.join().expect("no panic");
    assert!(
        matches!(result, Err(DbError::ConnectionLost { .. })),
        "{result:?}"
    );
    pg.launch();
    let mut db = pg.client();
    let n: i64 = db
        .query_one("SELECT count(*) FROM public.results", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 5, "the killed write left nothing behind");
}

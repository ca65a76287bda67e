//! `check --from/--to/--bbox` on PostGIS tables (issue 29): the period and
//! the box are sent to the server, which sends only the rows that may fall
//! in them; the report is the one the files give for the same window.

use super::{check_json, fresh, load, shared};
use corridor_watch::io::postgis::{PgUrl, ReadProgress, read_table_in};
use corridor_watch::model::window::Window;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

fn bundled(name: &str) -> PathBuf {
    corridor_watch::io::bundled_files()
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == name))
        .unwrap()
}

/// The features again, `k` months later (the bundled reports are all in March 2026).
fn months_later(features: &[Value], k: usize) -> Vec<Value> {
    let text = serde_json::to_string(features)
        .unwrap()
        .replace("2026-03-", &format!("2026-{:02}-", 3 + k));
    serde_json::from_str(&text).unwrap()
}

fn rows_read(url: &str, window: &Window) -> u64 {
    let done = AtomicU64::new(0);
    let progress = ReadProgress {
        done_rows: Some(&done),
        ..Default::default()
    };
    read_table_in(&PgUrl::parse(url).unwrap(), &progress, window).unwrap();
    done.load(Ordering::Relaxed)
}

#[test]
fn a_period_and_a_box_are_sent_to_the_server_and_check_gives_the_files_report() {
    let Some(pg) = shared() else { return };
    let mut db = pg.client();
    let points = load::csv_features(&bundled("position_reports.csv"));
    let mut lines = load::features_of(&bundled("tracks.geojson"));
    for f in &mut lines {
        f["properties"].as_object_mut().map(|m| m.remove("kind"));
    }
    // Ten months of reports: March is the bundled month, the period checked.
    let ten = |fs: &[Value]| {
        (0..10)
            .flat_map(|k| months_later(fs, k))
            .collect::<Vec<_>>()
    };
    let (pt, lt) = (fresh("reports_10x"), fresh("tracks_10x"));
    load::geojson_table(&mut db, &pt, &ten(&points));
    load::geojson_table(&mut db, &lt, &ten(&lines));
    let march = Window {
        from_s: Some(corridor_watch::io::time::parse_rfc3339("2026-03-01T00:00:00Z").unwrap()),
        to_s: Some(corridor_watch::io::time::parse_rfc3339("2026-03-31T23:59:59Z").unwrap()),
        bbox: None,
    };
    // Only March's rows come over the wire (a `time` column; `times` arrays).
    let (pu, lu) = (pg.url(&pt), pg.url(&lt));
    assert_eq!(rows_read(&pu, &Window::default()), 10 * points.len() as u64);
    assert_eq!(rows_read(&pu, &march), points.len() as u64);
    assert_eq!(rows_read(&lu, &march), lines.len() as u64);
    // A box around Kharkiv: fewer rows than the whole month.
    let kharkiv = Window {
        bbox: Some([35.5, 49.5, 37.5, 50.5]),
        ..march
    };
    let in_box = rows_read(&pu, &kharkiv);
    assert!(in_box > 0 && in_box < points.len() as u64, "{in_box}");

    // `check` on the tables for March is `check` on the March files.
    let layers: Vec<String> = corridor_watch::io::bundled_files()
        .iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.starts_with("tracks") && !n.ends_with(".csv")
        })
        .map(|p| p.display().to_string())
        .collect();
    let run = |tracks: &[String], extra: &[&str]| {
        let mut args: Vec<&str> = layers.iter().map(String::as_str).collect();
        args.extend(tracks.iter().map(String::as_str));
        args.extend(extra);
        check_json(&args)
    };
    let files = vec![
        "--tracks".to_string(),
        bundled("tracks.geojson").display().to_string(),
        "--tracks".to_string(),
        bundled("position_reports.csv").display().to_string(),
    ];
    let tables = vec![lu.clone(), pu.clone()];
    let period = [
        "--from",
        "2026-03-01T00:00:00Z",
        "--to",
        "2026-03-31T23:59:59Z",
    ];
    let (from_files, fo) = run(&files, &[]);
    let (from_db, dbo) = run(&tables, &period);
    assert_eq!(fo.status.code(), dbo.status.code());
    assert!(!from_files["convoys"].as_array().unwrap().is_empty());
    assert_eq!(
        from_files["convoys"], from_db["convoys"],
        "March from the tables"
    );
    assert_eq!(from_files["summary"], from_db["summary"]);
    // With a box too: the tables and the files trimmed alike.
    let mut boxed = period.to_vec();
    boxed.extend(["--bbox", "35.5,49.5,37.5,50.5"]);
    let (files_box, _) = run(&files, &boxed);
    let (db_box, _) = run(&tables, &boxed);
    assert_eq!(files_box["convoys"], db_box["convoys"], "the box");
    assert_ne!(
        files_box["convoys"], from_files["convoys"],
        "the box leaves reports out"
    );
    // The wrong way round is refused.
    let out = super::bin()
        .arg("check")
        .args(&layers)
        .args([
            "--from",
            "2026-03-02T00:00:00Z",
            "--to",
            "2026-03-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

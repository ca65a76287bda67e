//! Exports read back, and a writer killed mid-write.

use crate::util::*;
use serde_json::Value;

// ---- exports, read back and compared with the report

#[test]
fn check_exports_read_back_equal_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let out = crate::util::bin()
        .arg("check")
        .args([
            data("corridors.geojson"),
            data("contact_line.geojson"),
            data("grain_routes.geojson"),
            data("tracks.geojson"),
            data("position_reports.csv"),
            data("incidents.geojson"),
        ])
        .arg("--csv")
        .arg(p("stretches.csv"))
        .arg("--geojson")
        .arg(p("stretches.geojson"))
        .arg("--incidents-csv")
        .arg(p("incidents.csv"))
        .arg("-o")
        .arg(p("report.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    let saved: Value = serde_json::from_slice(&std::fs::read(p("report.json")).unwrap()).unwrap();
    assert_eq!(saved, report);

    // Every stretch of the report, in order, as CSV rows and as GeoJSON features.
    let mut want = Vec::new();
    for c in report["convoys"].as_array().unwrap() {
        for (kind, key) in [
            ("deviation", "deviations"),
            ("buffer_zone_entry", "buffer_zone_entries"),
        ] {
            for s in c[key].as_array().unwrap() {
                want.push((
                    c["convoy_id"].as_str().unwrap().to_string(),
                    kind,
                    s.clone(),
                ));
            }
        }
    }
    assert_eq!(want.len(), 7); // 6 deviations and 1 zone entry (see the bundled-scenario test)
    let mut rdr = csv::Reader::from_path(p("stretches.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), want.len());
    let num = |s: &str| s.parse::<f64>().ok();
    for (row, (convoy, kind, s)) in rows.iter().zip(&want) {
        assert_eq!(&row[0], convoy);
        assert_eq!(&row[1], *kind);
        assert_eq!(num(&row[3]), s["start"][0].as_f64());
        assert_eq!(num(&row[4]), s["start"][1].as_f64());
        assert_eq!(num(&row[6]), s["end"][1].as_f64());
        assert_eq!(num(&row[7]), s["length_m"].as_f64());
        assert_eq!(num(&row[8]), s["max_offset_m"].as_f64());
        assert_eq!(&row[9], s["start_time"].as_str().unwrap_or(""));
        assert_eq!(&row[10], s["end_time"].as_str().unwrap_or(""));
    }
    let gj: Value =
        serde_json::from_slice(&std::fs::read(p("stretches.geojson")).unwrap()).unwrap();
    let feats = gj["features"].as_array().unwrap();
    assert_eq!(feats.len(), want.len());
    for (f, (convoy, kind, s)) in feats.iter().zip(&want) {
        assert_eq!(f["properties"]["convoy_id"], convoy.as_str());
        assert_eq!(f["properties"]["type"], *kind);
        assert_eq!(f["properties"]["length_m"], s["length_m"]);
        assert_eq!(f["properties"]["start_time"], s["start_time"]);
        let coords = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(coords[0], s["start"]);
        assert_eq!(coords[coords.len() - 1], s["end"]);
    }
    // The geometry file loads back as a layer of 2-point-or-longer lines.
    let back = crate::util::bin()
        .arg("query")
        .arg(p("stretches.geojson"))
        .args(["--bbox", "20,40,45,55"])
        .output()
        .unwrap();
    assert_exit(&back, 0, "");

    // 10 of the 26 bundled incidents are inside the zone (data/README.md).
    let mut rdr = csv::Reader::from_path(p("incidents.csv")).unwrap();
    let inc: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(inc.len(), 10);
    for r in &inc {
        let depth: f64 = r[5].parse().unwrap();
        let line: f64 = r[6].parse().unwrap();
        assert!(depth > 0.0 && depth <= 15_000.0);
        assert!((depth + line - 15_000.0).abs() < 5.0, "{depth} + {line}");
    }
}

// ---- no data lost: a writer killed mid-write

#[test]
fn a_writer_killed_mid_write_leaves_the_old_file_intact() {
    // Child mode: write forever through the atomic writer until killed.
    if let Ok(path) = std::env::var("CW_SLOW_WRITER") {
        let _ =
            corridor_watch::output::write::write_atomic_with(std::path::Path::new(&path), |w| {
                loop {
                    w.write_all(&[b'x'; 65_536])?;
                    w.flush()?;
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            });
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, b"{\"the\": \"old, good report\"}").unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "export::a_writer_killed_mid_write_leaves_the_old_file_intact",
            "--exact",
            "--nocapture",
        ])
        .env("CW_SLOW_WRITER", &target)
        .spawn()
        .unwrap();
    // Wait until the temporary file holds over 1 MB of the new content, then kill -9.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let grown = loop {
        let big = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| {
                e.path() != target && e.metadata().map(|m| m.len() > 1_000_000).unwrap_or(false)
            });
        if big || std::time::Instant::now() > deadline {
            break big;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(grown, "the writer never got going");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"{\"the\": \"old, good report\"}"
    );
}

/// Issue 24: an export made from the bundled (invented) scenario must say so
/// (a shared file would pass for real data); the same files copied elsewhere
/// are the user's own and say nothing.
#[test]
fn exports_of_the_bundled_scenario_say_they_are_illustrative() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "corridors.geojson",
        "contact_line.geojson",
        "tracks.geojson",
        "incidents.geojson",
    ];
    let check = |files: Vec<std::path::PathBuf>, tag: &str| {
        let p = |n: &str| dir.path().join(format!("{tag}-{n}"));
        let out = crate::util::bin()
            .arg("check")
            .args(&files)
            .arg("--geojson")
            .arg(p("s.geojson"))
            .arg("--kml")
            .arg(p("s.kml"))
            .arg("--gpkg")
            .arg(p("s.gpkg"))
            .arg("--fgb")
            .arg(p("s.fgb"))
            .arg("--csv")
            .arg(p("s.csv"))
            .arg("--incidents-csv")
            .arg(p("i.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let geo: Value = serde_json::from_slice(&std::fs::read(p("s.geojson")).unwrap()).unwrap();
        let mut kml = std::fs::read_to_string(p("s.kml")).unwrap();
        // The GeoPackage's table description and the FlatGeobuf header's, with the KML.
        let db = rusqlite::Connection::open(p("s.gpkg")).unwrap();
        let d: String = db
            .query_row(
                "SELECT description FROM gpkg_contents WHERE table_name = 'stretches'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        kml.push_str(&format!("\n[gpkg] {d}"));
        let mut cur = std::io::Cursor::new(std::fs::read(p("s.fgb")).unwrap());
        let reader = flatgeobuf::FgbReader::open(&mut cur).unwrap();
        let fd = reader
            .header()
            .description()
            .unwrap_or_default()
            .to_string();
        kml.push_str(&format!("\n[fgb] {fd}"));
        // The CSVs: a last column on every row (a copied row keeps it), the header naming it.
        for (tag, f) in [("stretches", "s.csv"), ("incidents", "i.csv")] {
            let text = std::fs::read_to_string(p(f)).unwrap();
            let mut rows = csv::Reader::from_reader(text.as_bytes());
            let last = rows
                .headers()
                .unwrap()
                .iter()
                .next_back()
                .unwrap()
                .to_string();
            let cells: Vec<String> = rows
                .records()
                .map(|r| r.unwrap().iter().next_back().unwrap().to_string())
                .collect();
            assert!(!cells.is_empty(), "{tag}: {text}");
            let marked = cells.iter().all(|c| c.starts_with("ILLUSTRATIVE DATA"));
            kml.push_str(&format!(
                "\n[{tag} csv] {last} {}",
                if marked {
                    "ILLUSTRATIVE on every row"
                } else {
                    "-"
                }
            ));
        }
        (stdout_json(&out), geo, kml)
    };
    let (report, geo, kml) = check(names.iter().map(|n| data(n)).collect(), "bundled");
    for v in [&report["illustrative"], &geo["illustrative"]] {
        assert!(
            v.as_str()
                .is_some_and(|s| s.starts_with("ILLUSTRATIVE DATA")),
            "{v}"
        );
    }
    assert!(kml.contains("<description>ILLUSTRATIVE DATA"), "{kml}");
    assert!(kml.contains("[gpkg] ILLUSTRATIVE DATA"), "{kml}");
    assert!(kml.contains("[fgb] ILLUSTRATIVE DATA"), "{kml}");
    for tag in ["stretches", "incidents"] {
        let want = format!("[{tag} csv] illustrative_data ILLUSTRATIVE on every row");
        assert!(kml.contains(&want), "{kml}");
    }
    let own: Vec<_> = names
        .iter()
        .map(|n| {
            let to = dir.path().join(n);
            std::fs::copy(data(n), &to).unwrap();
            to
        })
        .collect();
    let (report, geo, kml) = check(own, "own");
    assert!(report.get("illustrative").is_none() && geo.get("illustrative").is_none());
    assert!(!kml.contains("ILLUSTRATIVE"));
}

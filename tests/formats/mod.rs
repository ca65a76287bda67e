//! The field's formats (KML, KMZ, shapefiles, zipped shapefiles, GeoPackage,
//! FlatGeobuf) give the
//! same check as the GeoJSON they were written from (by GDAL, see
//! `tests/fixtures/formats/make_scenario_formats.sh`), and hostile files are
//! named errors.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    fixture(&format!("formats/scenario/{name}"))
}

/// Two reports agree: the same keys and strings; metres within one rounding
/// step (0.1 m), degrees within 2e-6.
fn same_report(a: &Value, b: &Value, path: &str, diffs: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => same_report(v, w, &format!("{path}/{k}"), diffs),
                    None => diffs.push(format!("{path}/{k} missing")),
                }
            }
            if x.len() != y.len() {
                diffs.push(format!("{path}: {} vs {} keys", x.len(), y.len()));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                same_report(v, w, &format!("{path}[{i}]"), diffs);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            let tol = if path.ends_with("_m") { 0.11 } else { 2e-6 };
            if (x - y).abs() > tol {
                diffs.push(format!("{path}: {x} vs {y}"));
            }
        }
        _ if a == b => {}
        _ => diffs.push(format!("{path}: {a} vs {b}")),
    }
}

fn check_json(files: &[&Path]) -> Value {
    let out = run(files, &["--format", "json"], "check");
    assert_exit(&out, 1, &format!("{files:?}"));
    stdout_json(&out)
}

#[test]
fn every_format_gives_the_geojson_check() {
    let tracks = data("tracks.geojson");
    // The fixtures were written by GDAL before the bundled corridors gained
    // `closures`: compare with the corridors as they were.
    let dir = tempfile::tempdir().unwrap();
    let corridors = dir.path().join("corridors.geojson");
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(data("corridors.geojson")).unwrap()).unwrap();
    for f in v["features"].as_array_mut().unwrap() {
        f["properties"].as_object_mut().unwrap().remove("closures");
    }
    std::fs::write(&corridors, v.to_string()).unwrap();
    let want = check_json(&[
        &corridors,
        &data("contact_line.geojson"),
        &data("grain_routes.geojson"),
        &data("incidents.geojson"),
        &data("position_reports.csv"),
        &tracks,
    ]);
    assert_eq!(want["convoys"].as_array().unwrap().len(), 9);
    let cases: [(&str, Vec<PathBuf>); 7] = [
        ("KML", vec![scenario("scenario.kml")]),
        ("KMZ", vec![scenario("scenario.kmz")]),
        // UTM zone 36N (.prj), GDAL's text times, cut field names.
        (
            "shapefiles",
            vec![scenario("lines_utm36n.shp"), scenario("points_utm36n.shp")],
        ),
        ("zipped shapefiles", vec![scenario("scenario_shp.zip")]),
        // Web Mercator, both tables; then each table by name.
        ("GeoPackage", vec![scenario("scenario_3857.gpkg")]),
        (
            "GeoPackage tables",
            vec![
                scenario("scenario_3857.gpkg#lines"),
                scenario("scenario_3857.gpkg#points"),
            ],
        ),
        (
            "FlatGeobuf",
            vec![scenario("lines.fgb"), scenario("points.fgb")],
        ),
    ];
    for (what, mut files) in cases {
        files.push(tracks.clone());
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let mut got = check_json(&refs);
        // FlatGeobuf keeps features in its spatial index's order: compare incidents by id.
        let by_id = |v: &mut Value| {
            if let Some(list) = v["incidents"].as_array_mut() {
                list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            }
        };
        by_id(&mut got);
        let mut diffs = Vec::new();
        let mut want = want.clone();
        by_id(&mut want);
        same_report(&want, &got, "", &mut diffs);
        assert!(diffs.is_empty(), "{what}: {diffs:#?}");
    }
}

/// Runs `query --bbox` over the whole world and returns its features.
pub(super) fn features_of(path: &Path) -> Vec<Value> {
    let out = run(&[path], &["--bbox", "-180,-90,180,90"], "query");
    assert_exit(&out, 0, &format!("{path:?}"));
    stdout_json(&out)["features"].as_array().unwrap().clone()
}

#[test]
fn code_pages_holes_and_bare_geometries() {
    // A cp936 .dbf (its .cpg says 936) from the shapefile crate's tests.
    let f = features_of(&fixture("formats/shapefile/file_cp936.shp"));
    assert_eq!(f[0]["properties"]["TEST"], "测试中文");
    // A polygon with a hole, and a KMZ whose doc holds a bare Polygon.
    let f = features_of(&fixture("formats/shapefile/polygon_hole.shp"));
    assert_eq!(f[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(f.len(), 1);
    let f = features_of(&fixture("formats/kml/polygon.kmz"));
    assert_eq!(f[0]["geometry"]["type"], "Polygon");
    // Nested folders and styles from the kml crate's samples.
    assert!(features_of(&fixture("formats/kml/sample.kml")).len() > 5);
}

/// `check` on a file gives exit 2 and an error saying all of `words`.
fn refused(path: &Path, words: &[&str]) {
    let out = run(&[path], &[], "check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for w in words {
        assert!(err.contains(w), "{w:?} not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn hostile_shapefiles_are_named_errors() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        std::fs::copy(scenario(from), dir.path().join(to)).unwrap();
    };
    // A .shp and .shx of 8 lines beside a .dbf of 147 points.
    copy("lines_utm36n.shp", "mixed.shp");
    copy("lines_utm36n.shx", "mixed.shx");
    copy("points_utm36n.dbf", "mixed.dbf");
    refused(
        &dir.path().join("mixed.shp"),
        &["mixed.shp", "8 shapes", "147 records"],
    );
    // A .dbf whose header length is wrong.
    copy("lines_utm36n.shp", "hdr.shp");
    copy("lines_utm36n.shx", "hdr.shx");
    let mut dbf = std::fs::read(scenario("lines_utm36n.dbf")).unwrap();
    dbf[8] = 0xFF;
    dbf[9] = 0x7F;
    std::fs::write(dir.path().join("hdr.dbf"), dbf).unwrap();
    refused(&dir.path().join("hdr.shp"), &["hdr.shp", ".dbf"]);
    // A .shp that is not one.
    std::fs::write(
        dir.path().join("junk.shp"),
        b"\x00\x00\x27\x0a not a shapefile",
    )
    .unwrap();
    refused(&dir.path().join("junk.shp"), &["junk.shp", ".shp"]);
    // A projection nobody can place.
    copy("lines_utm36n.shp", "tokyo.shp");
    copy("lines_utm36n.shx", "tokyo.shx");
    copy("lines_utm36n.dbf", "tokyo.dbf");
    std::fs::write(
        dir.path().join("tokyo.prj"),
        r#"GEOGCS["GCS_Tokyo",DATUM["D_Tokyo",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    )
    .unwrap();
    refused(
        &dir.path().join("tokyo.shp"),
        &["tokyo.shp", "GCS_Tokyo", "WGS 84"],
    );
}

#[test]
fn hostile_zips_and_kml_are_named_errors() {
    let dir = tempfile::tempdir().unwrap();
    // A KMZ cut short, and a zip with no layer in it.
    let kmz = std::fs::read(scenario("scenario.kmz")).unwrap();
    std::fs::write(dir.path().join("cut.kmz"), &kmz[..kmz.len() / 2]).unwrap();
    refused(&dir.path().join("cut.kmz"), &["cut.kmz", "zip"]);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut w, b"nothing here").unwrap();
    std::fs::write(
        dir.path().join("empty.zip"),
        w.finish().unwrap().into_inner(),
    )
    .unwrap();
    refused(&dir.path().join("empty.zip"), &["empty.zip", "no .shp"]);
    // KML with an entity bomb is refused, not expanded.
    std::fs::write(
        dir.path().join("laughs.kml"),
        r#"<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Placemark><name>&b;</name><Point><coordinates>30,50</coordinates></Point></Placemark></kml>"#,
    )
    .unwrap();
    refused(&dir.path().join("laughs.kml"), &["laughs.kml"]);
}

#[test]
fn hostile_geopackages_are_named_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Not SQLite at all.
    std::fs::write(dir.path().join("fake.gpkg"), b"this is not a database").unwrap();
    refused(&dir.path().join("fake.gpkg"), &["fake.gpkg"]);
    // SQLite, but not a GeoPackage.
    let plain = dir.path().join("plain.gpkg");
    let db = rusqlite::Connection::open(&plain).unwrap();
    db.execute_batch("CREATE TABLE t (a INTEGER);").unwrap();
    drop(db);
    refused(&plain, &["plain.gpkg", "not a GeoPackage"]);
    // A table that is not there, named like an injection: a clear error, no SQL run.
    let gpkg = dir.path().join("s.gpkg");
    std::fs::copy(scenario("scenario_3857.gpkg"), &gpkg).unwrap();
    let evil = PathBuf::from(format!("{}#x; DROP TABLE lines; --", gpkg.display()));
    refused(&evil, &["no feature table", "lines, points"]);
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM lines", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 8, "the table is still there");
    // A geometry blob of garbage: that row is skipped with a warning, the rest load.
    // (GDAL's spatial-index triggers call SpatiaLite functions: drop them first.)
    let triggers: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in triggers {
        db.execute_batch(&format!("DROP TRIGGER \"{t}\";")).unwrap();
    }
    db.execute(
        "UPDATE points SET geom = x'4750000100000000deadbeef' WHERE fid = 1",
        [],
    )
    .unwrap();
    drop(db);
    let out = run(
        &[&PathBuf::from(format!("{}#points", gpkg.display()))],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    assert_exit(&out, 0, "one bad row");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("table points, row 0") && err.contains("skipped"),
        "{err}"
    );
    assert_eq!(stdout_json(&out)["features"].as_array().unwrap().len(), 146);
}

pub(super) fn ais(name: &str) -> PathBuf {
    fixture(&format!("formats/ais/{name}"))
}

#[test]
fn ais_vessels_deviate_from_the_grain_lane_as_their_geojson_does() {
    // One illustrative vessel (pyais-encoded, see make_ais.py) with a 10-km excursion.
    let lanes = data("grain_routes.geojson");
    let convoy = |file: &Path| {
        let out = run(&[&lanes, file], &["--format", "json"], "check");
        assert_exit(&out, 1, &format!("{file:?}"));
        stdout_json(&out)["convoys"][0].clone()
    };
    let want = convoy(&ais("vessel.geojson"));
    assert_eq!(want["deviations"].as_array().unwrap().len(), 1);
    for f in ["vessel.nmea", "vessel_marinecadastre.csv", "vessel_dma.csv"] {
        let got = convoy(&ais(f));
        assert_eq!(got["convoy_id"], "272123456", "{f}");
        // NMEA positions are f32 in the decoder: within a metre.
        let within_1m =
            |a: &Value, b: &Value| (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1.0;
        assert!(within_1m(&got["length_m"], &want["length_m"]), "{f}");
        let (g, w) = (&got["deviations"][0], &want["deviations"][0]);
        assert!(within_1m(&g["length_m"], &w["length_m"]), "{f}: {g} vs {w}");
        assert!(within_1m(&g["max_offset_m"], &w["max_offset_m"]), "{f}");
        assert_eq!(g["start_time"], w["start_time"], "{f}");
        assert_eq!(g["end_time"], w["end_time"], "{f}");
    }
    // The vessel's name comes from its type 5 message.
    let f = features_of(&ais("vessel.nmea"));
    assert_eq!(f[0]["properties"]["name"], "ILLUSTRATIVE GRAIN 1");
}

#[test]
fn hostile_nmea_is_skipped_and_counted() {
    // The fixture ends with a bad checksum, an orphan second part and an untimed report.
    let out = run(
        &[&ais("vessel.nmea")],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    assert_exit(&out, 0, "vessel.nmea");
    let err = String::from_utf8_lossy(&out.stderr);
    for w in [
        "1 sentence(s) with a bad checksum",
        "1 part(s) of multi-part",
        "1 position report(s) without a time",
    ] {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
    // A 10,000-part message, parts out of order, garbage, and nothing else.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("junk.nmea");
    let mut text = String::from("!AIVDM,10000,1,1,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n");
    for k in (1..=9).rev() {
        text.push_str(&format!(
            "\\c:1772431200*5E\\!AIVDM,9,{k},3,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n"
        ));
    }
    text.push_str("!AIVDM,1,1,,A,\u{0}\u{1}garbage,0*00\n");
    std::fs::write(&p, text).unwrap();
    let out = run(&[&p], &["--bbox", "-180,-90,180,90"], "query");
    assert_exit(&out, 0, "junk.nmea");
    assert_eq!(stdout_json(&out)["features"].as_array().unwrap().len(), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not readable AIS") && err.contains("out of order"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // A real receiver's sample with no times at all: every report counted as skipped.
    let out = run(
        &[&ais("nmea_data_sample.txt")],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    assert_exit(&out, 0, "sample");
    assert!(String::from_utf8_lossy(&out.stderr).contains("762 position report(s) without a time"));
    // Gatehouse $PGHP times.
    assert_eq!(features_of(&ais("gatehouse.nmea")).len(), 2);
}

#[test]
fn a_vessel_silent_inside_a_lane_is_a_gap() {
    // The pyais vessel, silent for 130 min at its 6th report (inside the lane)
    // and for 130 min at its 18th (in its excursion, outside the lane: not a gap).
    let mut track: Value =
        serde_json::from_str(&std::fs::read_to_string(ais("vessel.geojson")).unwrap()).unwrap();
    let times = track["features"][0]["properties"]["coordinateProperties"]["times"]
        .as_array_mut()
        .unwrap();
    let t0 = corridor_watch::io::time::parse_rfc3339("2026-03-02T06:00:00Z").unwrap();
    let mut t = t0;
    for (k, v) in times.iter_mut().enumerate() {
        *v = Value::from(corridor_watch::utc::format_rfc3339(t).unwrap());
        t += if k == 5 || k == 17 { 7800.0 } else { 600.0 };
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("silent.geojson");
    std::fs::write(&p, track.to_string()).unwrap();
    let lanes = data("grain_routes.geojson");
    let gaps = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let out = run(&[&lanes, &p], &args, "check");
        stdout_json(&out)["convoys"][0]["gaps"].clone()
    };
    let g = gaps(&[]);
    assert_eq!(g.as_array().map(Vec::len), Some(1), "{g}");
    assert_eq!(g[0]["start_time"], "2026-03-02T06:50:00Z");
    assert_eq!(g[0]["end_time"], "2026-03-02T09:00:00Z");
    assert_eq!(g[0]["duration_s"], 7800.0);
    // Longer threshold, or none: no gap (and the report has no "gaps" member).
    assert!(gaps(&["--ais-gap-min", "200"]).is_null());
    assert!(gaps(&["--ais-gap-min", "0"]).is_null());
    let out = run(&[&lanes, &p], &["--format", "text"], "check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("went silent") && text.contains("gap 1: silent for 2 h 10 min"),
        "{text}"
    );
}

#[test]
fn stretches_and_routes_export_to_the_field_formats_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let layers = [
        data("corridors.geojson"),
        data("contact_line.geojson"),
        data("grain_routes.geojson"),
        data("tracks.geojson"),
    ];
    let mut args: Vec<String> = Vec::new();
    for (flag, name) in [
        ("--geojson", "s.geojson"),
        ("--kml", "s.kml"),
        ("--gpkg", "s.gpkg"),
        ("--fgb", "s.fgb"),
    ] {
        args.push(flag.into());
        args.push(p(name).display().to_string());
    }
    let refs: Vec<&Path> = layers.iter().map(PathBuf::as_path).collect();
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&refs, &arg_refs, "check");
    assert_exit(&out, 1, "exports");
    // Every format reads back to the same stretches as the GeoJSON export.
    let key = |f: &Value| {
        let q = &f["properties"];
        let text = |k: &str| match &q[k] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let len = q["length_m"]
            .as_f64()
            .or_else(|| text("length_m").parse().ok())
            .unwrap();
        (
            text("convoy_id"),
            text("type"),
            (len * 10.0).round() as i64,
            text("start_time"),
        )
    };
    let want: Vec<_> = features_of(&p("s.geojson")).iter().map(key).collect();
    assert!(want.len() >= 5, "{want:?}");
    for name in ["s.kml", "s.gpkg", "s.fgb"] {
        let got: Vec<_> = features_of(&p(name)).iter().map(key).collect();
        assert_eq!(got.len(), want.len(), "{name}");
        for w in &want {
            assert!(got.contains(w), "{name}: {w:?} missing from {got:?}");
        }
    }
    // A planned route as GPX and KML: read back as a route and checked leg by leg.
    for name in ["r.gpx", "r.kml"] {
        let out = run(
            &[&data("corridors.geojson")],
            &[
                "--from",
                "30.52,50.45",
                "--to",
                "34.55,49.59",
                "-o",
                &p(name).display().to_string(),
            ],
            "route",
        );
        assert_exit(&out, 0, name);
        let out = run(
            &[&data("corridors.geojson")],
            &["--check", &p(name).display().to_string()],
            "route",
        );
        assert_exit(&out, 0, name);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("308.80 km, all in corridors"), "{name}: {err}");
    }
}

#[test]
fn fuzzer_finds_are_named_errors_without_huge_allocations() {
    // Inputs cargo-fuzz found asking for 4 GB: a .shp record claiming a
    // billion parts in 212 bytes, and a GeoPackage blob claiming 270 M points.
    refused(
        &fixture("formats/hostile/fuzz-oom.shp"),
        &["fuzz-oom.shp", "claims"],
    );
    // A part starting at point 469,762,053 of 10 (asked for 7.5 GB).
    refused(
        &fixture("formats/hostile/fuzz-oom-3.shp"),
        &["fuzz-oom-3.shp", "part 1 starts"],
    );
    // A FlatGeobuf feature whose length runs past the file (3.4 GB of buffers and 4.5 s before).
    refused(
        &fixture("formats/hostile/fuzz-huge-feature.fgb"),
        &["fuzz-huge-feature.fgb", "past the end"],
    );
    // A FlatGeobuf whose header leaves the feature count unknown (0), with a
    // feature length past the file: found by the fuzzer in session 21 (an
    // out-of-memory in the reader's buffer), now checked to the file's end.
    refused(
        &fixture("formats/hostile/fuzz-oom-unknown-count.fgb"),
        &["fuzz-oom-unknown-count.fgb", "past the end"],
    );
    // Records of 0 bytes (not even a shape type) put the decoder out of step
    // with the record walk; a later record then asked for 12.6 GB (session 21).
    refused(
        &fixture("formats/hostile/fuzz-oom-short-record.shp"),
        &["fuzz-oom-short-record.shp", "too short"],
    );
    // A Placemark left open at the end of the file: the kml crate looped for
    // ever on it (session 21's fuzzer); refused before it is parsed.
    refused(
        &fixture("formats/hostile/fuzz-hang-open-placemark.kml"),
        &["fuzz-hang-open-placemark.kml", "never closed"],
    );
    // A record of another shape type than the file's (asked for 11 GB).
    refused(
        &fixture("formats/hostile/fuzz-oom-2.shp"),
        &["fuzz-oom-2.shp", "shape type"],
    );
    let out = run(
        &[&fixture("formats/hostile/fuzz-oom.gpkg")],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("counts do not fit"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory"),
        "{err}"
    );
}

mod gdal;
mod incidents;
mod mutated;
mod quirks;
mod vessels;

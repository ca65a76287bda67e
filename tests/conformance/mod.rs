//! The shared GeoJSON and GPX fixtures, and hostile inputs beyond them.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

// ---- conformance: the shared GeoJSON and GPX fixtures

#[test]
fn geojson_fixtures_reject_and_accept_as_indexed() {
    let index: Value =
        serde_json::from_slice(&std::fs::read(fixture("geojson/invalid/INDEX.json")).unwrap())
            .unwrap();
    let mut seen = 0;
    for (name, entry) in index.as_object().unwrap() {
        let path = fixture("geojson/invalid").join(name);
        let out = run(&[&path], &[], "check");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        match entry["class"].as_str().unwrap() {
            "reject" | "not_json" => {
                assert_eq!(
                    out.status.code(),
                    Some(2),
                    "{name} must be refused; stderr {stderr}"
                );
                assert!(
                    stderr.contains(name.as_str()) && stderr.starts_with("error: "),
                    "{name}: message must name the file: {stderr}"
                );
            }
            "lint" => assert_eq!(
                out.status.code(),
                Some(0),
                "{name} must be accepted; stderr {stderr}"
            ),
            other => panic!("unknown class {other}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 44);
    for dir in [
        "geojson/valid/geojsonhint-good",
        "geojson/valid/geojson-fixtures",
    ] {
        for e in std::fs::read_dir(fixture(dir)).unwrap() {
            let path = e.unwrap().path();
            let out = run(&[&path], &[], "check");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{} must be accepted: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            // Read as tracks, every geometry goes through the analysis without a panic.
            let corr = fixture("cases/zone_crossing/layers.geojson");
            let out = crate::util::bin()
                .arg("check")
                .arg(&corr)
                .arg("--tracks")
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{} as tracks: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn refusal_messages_name_the_feature_and_problem() {
    let path = fixture("geojson/invalid/multiple_problems.geojson");
    let stderr = String::from_utf8(run(&[&path], &[], "check").stderr).unwrap();
    assert!(
        stderr.contains("feature 0") && stderr.contains("\"id\""),
        "{stderr}"
    );
    let path = fixture("geojson/invalid/bad-duplicate-properties.geojson");
    let stderr = String::from_utf8(run(&[&path], &[], "check").stderr).unwrap();
    assert!(stderr.contains("duplicate member \"type\""), "{stderr}");
}

#[test]
fn every_gpx_fixture_loads() {
    for e in std::fs::read_dir(fixture("gpx")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("gpx") {
            continue;
        }
        let out = run(&[&path], &[], "check");
        // Tracks with no corridor loaded deviate whole: exit 1; no tracks: exit 0.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // An unnamed track is named after the file and its index.
    let out = run(&[&fixture("gpx/Mojstrovka.gpx")], &[], "check");
    assert_eq!(stdout_json(&out)["convoys"][0]["convoy_id"], "Mojstrovka-1");
    // Several named tracks, in file order (the first has one point: skipped with a warning).
    let out = run(&[&fixture("gpx/cerknicko-jezero.gpx")], &[], "check");
    let convoys = stdout_json(&out)["convoys"].as_array().unwrap().clone();
    assert_eq!(
        convoys.len(),
        7,
        "the first track has a single point and is skipped"
    );
    assert_eq!(convoys[0]["convoy_id"], "ACTIVE LOG #2");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let out = run(&[Path::new("/nonexistent/x.geojson")], &[], "check");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("/nonexistent/x.geojson") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn tracks_flag_reads_kindless_features_as_tracks() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("plain.geojson");
    std::fs::write(&p, r#"{"type":"Feature","properties":{"convoy_id":"X"},"geometry":{"type":"LineString","coordinates":[[30,46.2],[30,46.3]]}}"#).unwrap();
    let corr = fixture("cases/excursion/layers.geojson");
    let without = stdout_json(&run(&[&corr, &p], &[], "check"));
    assert_eq!(without["convoys"].as_array().unwrap().len(), 0);
    let mut c = crate::util::bin();
    let out = c
        .arg("check")
        .arg(&corr)
        .arg("--tracks")
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_json(&out)["convoys"][0]["convoy_id"], "X");
}

// ---- hostile inputs beyond the fixtures (see RELIABILITY.md)

#[test]
fn hostile_inputs_get_a_clear_error_or_a_documented_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let line = |coords: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"kind":"track","convoy_id":"T"}},"geometry":{{"type":"LineString","coordinates":{coords}}}}}"#
        )
    };
    let cases: Vec<(&str, Vec<u8>, Option<i32>, &str)> = vec![
        (
            "nan.geojson",
            line("[[NaN,46],[30,46.1]]").into_bytes(),
            Some(2),
            "not valid JSON",
        ),
        (
            "overflow.geojson",
            line("[[1e400,46],[30,46.1]]").into_bytes(),
            Some(2),
            "not valid JSON",
        ),
        (
            "lat95.geojson",
            line("[[30,95],[30,46.1]]").into_bytes(),
            Some(0),
            "outside longitude -180..180 / latitude -90..90",
        ),
        (
            "huge.geojson",
            line("[[1e308,46],[30,46.1]]").into_bytes(),
            Some(0),
            "feature skipped",
        ),
        (
            "utf16.geojson",
            [0xFF, 0xFE, b'{', 0].to_vec(),
            Some(2),
            "UTF-16",
        ),
        (
            "bom.geojson",
            [
                b"\xEF\xBB\xBF".as_slice(),
                line("[[30,46],[30,46.1]]").as_bytes(),
            ]
            .concat(),
            Some(1),
            "",
        ),
        (
            "deep.geojson",
            format!(
                r#"{{"type":"Feature","properties":{{"x":{}}},"geometry":null}}"#,
                "[".repeat(5000)
            )
            .into_bytes(),
            Some(2),
            "not valid JSON",
        ),
        (
            "onepoint.geojson",
            line("[[30,46]]").into_bytes(),
            Some(2),
            "2 or more positions",
        ),
        (
            "empty.geojson",
            br#"{"type":"FeatureCollection","features":[]}"#.to_vec(),
            Some(0),
            "",
        ),
        (
            "truncated.geojson",
            br#"{"type":"FeatureCollection","features":[{"type":"Fea"#.to_vec(),
            Some(2),
            "not valid JSON",
        ),
        (
            "unclosed.geojson",
            br#"{"type":"Polygon","coordinates":[[[30,46],[31,46],[31,47],[30,46.5]]]}"#.to_vec(),
            Some(2),
            "must end where it starts",
        ),
        (
            "missing.csv",
            b"convoy_id,lat\nA,46\n".to_vec(),
            Some(2),
            "missing column(s) time, lon",
        ),
    ];
    for (name, bytes, code, want) in cases {
        let p = tmp.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let out = run(&[&p], &[], "check");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), code, "{name}: {stderr}");
        assert!(
            stderr.contains(want) && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
        if code == Some(2) {
            assert!(
                stderr.contains(name),
                "{name}: the message names the file: {stderr}"
            );
        }
    }
}

#[test]
fn a_self_intersecting_zone_polygon_is_read_even_odd() {
    // A bow-tie buffer zone: accepted as given; inside means inside an odd number of rings.
    let tmp = tempfile::tempdir().unwrap();
    let zone = tmp.path().join("bowtie.geojson");
    std::fs::write(&zone, r#"{"type":"Feature","properties":{"kind":"buffer_zone"},"geometry":{"type":"Polygon","coordinates":[[[30,46],[31,47],[31,46],[30,47],[30,46]]]}}"#).unwrap();
    let track = tmp.path().join("t.geojson");
    std::fs::write(&track, r#"{"type":"Feature","properties":{"kind":"track","convoy_id":"T"},"geometry":{"type":"LineString","coordinates":[[30.25,45.9],[30.25,46.9]]}}"#).unwrap();
    let out = run(&[&zone, &track], &[], "check");
    let r = stdout_json(&out);
    assert_eq!(
        r["convoys"][0]["buffer_zone_entries"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{r}"
    );
}

#[test]
fn the_same_convoy_in_two_files_is_one_convoy() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.geojson");
    let b = tmp.path().join("b.geojson");
    std::fs::write(&a, r#"{"type":"Feature","properties":{"kind":"track","convoy_id":"X"},"geometry":{"type":"LineString","coordinates":[[30,46],[30,46.1]]}}"#).unwrap();
    std::fs::write(&b, r#"{"type":"Feature","properties":{"kind":"track","convoy_id":"X"},"geometry":{"type":"LineString","coordinates":[[30,46.2],[30,46.3]]}}"#).unwrap();
    let corr = fixture("cases/excursion/layers.geojson");
    let r = stdout_json(&run(&[&corr, &a, &b], &[], "check"));
    let convoys = r["convoys"].as_array().unwrap();
    assert_eq!(convoys.len(), 1);
    // Two parts, no edge between them: the length is the sum of the two lines.
    let len = convoys[0]["length_m"].as_f64().unwrap();
    assert!((len - 2.0 * 11_117.0).abs() < 50.0, "{len}");
}

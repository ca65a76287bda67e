#![allow(clippy::unwrap_used)]
//! Integration tests: the `check`, `query` and `zone` commands on the bundled
//! data, on hand-built cases with independent answers, and on the shared
//! GeoJSON/GPX fixtures.

mod util;

mod exactness;

#[cfg(feature = "gui")]
mod ui;

use serde_json::Value;
use std::path::Path;
use util::*;

// ---- hand-built cases (answers from GeographicLib, see tests/fixtures/cases/make_cases.py)

fn compare_stretches(case: &str, got: &Value, want: &Value) {
    let (g, w) = (got.as_array().unwrap(), want.as_array().unwrap());
    assert_eq!(g.len(), w.len(), "{case}: stretch count; got {got:#}");
    for (g, w) in g.iter().zip(w) {
        assert!(
            rel(
                g["length_m"].as_f64().unwrap(),
                w["length_m"].as_f64().unwrap()
            ) < 0.005,
            "{case}: length {g} vs {w}"
        );
        match w["max_offset_m"].as_f64() {
            Some(o) => assert!(
                rel(g["max_offset_m"].as_f64().unwrap(), o) < 0.005,
                "{case}: offset {g} vs {w}"
            ),
            None => assert!(
                g["max_offset_m"].is_null(),
                "{case}: offset should be null: {g}"
            ),
        }
        assert!(
            metres_apart(&g["start"], &w["start"]) < 10.0,
            "{case}: start {g} vs {w}"
        );
        assert!(
            metres_apart(&g["end"], &w["end"]) < 10.0,
            "{case}: end {g} vs {w}"
        );
        for k in ["start_time", "end_time"] {
            if w[k].is_null() {
                assert!(g[k].is_null(), "{case}: {k} {g}");
            } else {
                assert!(seconds_apart(&g[k], &w[k]) <= 5.0, "{case}: {k} {g} vs {w}");
            }
        }
    }
}

fn check_case(case: &str, tracks: &str) {
    let dir = fixture("cases").join(case);
    let out = run(
        &[&dir.join("layers.geojson"), &dir.join(tracks)],
        &["--format", "json"],
        "check",
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{case}: flagged cases exit 1; stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = stdout_json(&out);
    let want: Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let (gc, wc) = (
        got["convoys"].as_array().unwrap(),
        want["convoys"].as_array().unwrap(),
    );
    assert_eq!(gc.len(), wc.len(), "{case}: convoy count");
    for (g, w) in gc.iter().zip(wc) {
        assert_eq!(g["convoy_id"], w["convoy_id"]);
        assert!(
            rel(
                g["length_m"].as_f64().unwrap(),
                w["length_m"].as_f64().unwrap()
            ) < 1e-4,
            "{case}: track length"
        );
        compare_stretches(case, &g["deviations"], &w["deviations"]);
        compare_stretches(case, &g["buffer_zone_entries"], &w["buffer_zone_entries"]);
        if let Some(s) = w["warnings_contain"].as_str() {
            assert!(
                g["warnings"].to_string().contains(s),
                "{case}: warnings {}",
                g["warnings"]
            );
        }
    }
}

#[test]
fn excursion_from_a_line_corridor() {
    check_case("excursion", "tracks.geojson");
}

#[test]
fn shuffled_csv_reports_give_the_same_answer() {
    check_case("excursion_reports", "reports.csv");
}

#[test]
fn crossing_the_contact_line_zone() {
    check_case("zone_crossing", "tracks.geojson");
}

#[test]
fn leaving_a_polygon_corridor() {
    check_case("polygon_corridor", "tracks.geojson");
}

#[test]
fn empty_and_unknown_corridor_ids() {
    check_case("corridor_ids", "tracks.geojson");
}

#[test]
fn approved_for_one_corridor_using_another() {
    check_case("two_corridors", "tracks.geojson");
}

#[test]
fn min_length_filters_stretches() {
    let dir = fixture("cases/excursion");
    let out = run(
        &[&dir.join("layers.geojson"), &dir.join("tracks.geojson")],
        &["--min-length-m", "20000"],
        "check",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout_json(&out)["convoys"][0]["deviations"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn text_format_is_a_table() {
    let dir = fixture("cases/excursion");
    let out = run(
        &[&dir.join("layers.geojson"), &dir.join("tracks.geojson")],
        &["--format", "text"],
        "check",
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("EX-1") && text.contains("deviated") && text.contains("12.25 km"),
        "{text}"
    );
}

// ---- the bundled scenario

fn data(name: &str) -> std::path::PathBuf {
    root().join("data").join(name)
}

#[test]
fn bundled_scenario_flags_what_it_should() {
    let out = run(
        &[
            &data("corridors.geojson"),
            &data("contact_line.geojson"),
            &data("grain_routes.geojson"),
            &data("tracks.geojson"),
            &data("position_reports.csv"),
        ],
        &[],
        "check",
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout_json(&out);
    let convoys = report["convoys"].as_array().unwrap();
    assert!(convoys.len() >= 8);
    let by_id = |id: &str| {
        convoys
            .iter()
            .find(|c| c["convoy_id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    let n = |c: &Value, k: &str| c[k].as_array().unwrap().len();
    // Clean convoys stay clean; the strays stray as often as the data says.
    for id in ["UN-01", "UN-02", "WFP-05", "MV-SEA-1"] {
        assert_eq!(
            (
                n(by_id(id), "deviations"),
                n(by_id(id), "buffer_zone_entries")
            ),
            (0, 0),
            "{id}"
        );
    }
    assert_eq!(n(by_id("UN-03"), "deviations"), 1);
    assert_eq!(n(by_id("ICRC-04"), "deviations"), 2);
    assert!(n(by_id("UN-07"), "buffer_zone_entries") >= 1);
    assert_eq!(
        n(by_id("MSF-06"), "deviations"),
        1,
        "the point-report convoy"
    );
    // Deviation offsets are in metres: several km, not fractions of a degree.
    let off = by_id("UN-03")["deviations"][0]["max_offset_m"]
        .as_f64()
        .unwrap();
    assert!((2_000.0..8_000.0).contains(&off), "{off}");
}

#[test]
fn query_at_a_corridor_names_it_with_a_distance_in_metres() {
    // Poltava, on the Kyiv - Kharkiv corridor.
    let out = run(
        &[&data("corridors.geojson")],
        &["--at", "34.55,49.59"],
        "query",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc = stdout_json(&out);
    let f = &fc["features"][0];
    assert_eq!(f["properties"]["id"], "HC-01");
    assert!(f["properties"]["distance_m"].as_f64().unwrap() < 2_000.0);
}

#[test]
fn query_near_bbox_and_nearest() {
    let inc = data("incidents.geojson");
    let near = stdout_json(&run(
        &[&inc],
        &["--near", "37.8,48.6", "--within-m", "50000"],
        "query",
    ));
    let ds: Vec<f64> = near["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    assert!(!ds.is_empty() && ds.iter().all(|d| *d <= 50_000.0));
    assert!(ds.windows(2).all(|w| w[0] <= w[1]), "sorted by distance");
    let nearest = stdout_json(&run(
        &[&inc],
        &["--nearest", "37.8,48.6", "-k", "3"],
        "query",
    ));
    assert_eq!(nearest["features"].as_array().unwrap().len(), 3);
    assert_eq!(
        nearest["features"][0]["properties"]["distance_m"],
        near["features"][0]["properties"]["distance_m"]
    );
    let all = stdout_json(&run(&[&inc], &["--bbox", "20,40,45,56"], "query"));
    let total = std::fs::read_to_string(&inc)
        .unwrap()
        .matches("\"incident\"")
        .count();
    assert_eq!(all["features"].as_array().unwrap().len(), total);
    let none = stdout_json(&run(&[&inc], &["--bbox", "0,0,1,1"], "query"));
    assert_eq!(none["features"].as_array().unwrap().len(), 0);
}

#[test]
fn zone_writes_polygons_at_the_right_distance() {
    let tmp = tempfile::tempdir().unwrap();
    let out_path = tmp.path().join("zone.geojson");
    let out = util::bin()
        .arg("zone")
        .arg(data("contact_line.geojson"))
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: Value = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    assert_eq!(fc["features"][0]["properties"]["kind"], "buffer_zone");
    assert_eq!(fc["features"][0]["geometry"]["type"], "MultiPolygon");
    // The written zone loads back as a buffer_zone layer and gives the same entries.
    let tracks = data("tracks.geojson");
    let a = stdout_json(&run(
        &[&data("contact_line.geojson"), &tracks],
        &[],
        "check",
    ));
    let b = stdout_json(&run(&[&out_path, &tracks], &[], "check"));
    let entries = |r: &Value| -> Vec<usize> {
        r["convoys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["buffer_zone_entries"].as_array().unwrap().len())
            .collect()
    };
    assert_eq!(entries(&a), entries(&b));
}

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
            let out = util::bin()
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
    let mut c = util::bin();
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

// ---- layers over HTTP from a local server that misbehaves on purpose

fn check_url(url: &str, extra: &[&str]) -> (Option<i32>, String, std::time::Duration) {
    let start = std::time::Instant::now();
    let out = util::bin()
        .arg("check")
        .arg(url)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        start.elapsed(),
    )
}

fn reply(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\n{headers}Connection: close\r\n\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn check_reads_a_layer_over_http() {
    use std::io::Write;
    let body = std::fs::read(fixture("cases/excursion/tracks.geojson")).unwrap();
    let corr = fixture("cases/excursion/layers.geojson");
    let url = util::serve_with(1, move |mut s| {
        let _ = s.write_all(&reply(
            "200 OK",
            &format!(
                "Content-Length: {}\r\nContent-Type: application/geo+json\r\n",
                body.len()
            ),
            &body,
        ));
    });
    let out = util::bin()
        .arg("check")
        .arg(&corr)
        .arg(format!("{url}/tracks.geojson"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_json(&out)["convoys"][0]["deviations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn http_faults_are_named_errors() {
    use std::io::Write;
    type Handler = Box<dyn Fn(std::net::TcpStream) + Send + Sync>;
    let cases: Vec<(&str, Handler, &str)> = vec![
        (
            "404",
            Box::new(|mut s| {
                let _ = s.write_all(&reply("404 Not Found", "Content-Length: 0\r\n", b""));
            }),
            "HTTP 404",
        ),
        (
            "500",
            Box::new(|mut s| {
                let _ = s.write_all(&reply(
                    "500 Internal Server Error",
                    "Content-Length: 0\r\n",
                    b"",
                ));
            }),
            "HTTP 500",
        ),
        (
            "truncated",
            Box::new(|mut s| {
                let _ = s.write_all(&reply(
                    "200 OK",
                    "Content-Length: 1000\r\n",
                    br#"{"type":"FeatureCollection","#,
                ));
            }),
            "broke off",
        ),
        (
            "png",
            Box::new(|mut s| {
                let _ = s.write_all(&reply(
                    "200 OK",
                    "Content-Length: 12\r\nContent-Type: image/png\r\n",
                    b"\x89PNG\r\n\x1a\n\0\0\0\r",
                ));
            }),
            "a PNG image, not GeoJSON",
        ),
        (
            "garbage",
            Box::new(|mut s| {
                let _ = s.write_all(&reply("200 OK", "Content-Length: 9\r\n", b"{not json"));
            }),
            "not valid JSON",
        ),
        (
            "html",
            Box::new(|mut s| {
                let _ = s.write_all(&reply(
                    "200 OK",
                    "Content-Type: text/html\r\nContent-Length: 25\r\n",
                    b"<html><body>hi</body></html>",
                ));
            }),
            "HTML page",
        ),
        (
            "huge",
            Box::new(|mut s| {
                let _ = s.write_all(&reply("200 OK", "Content-Length: 2000000000\r\n", b""));
            }),
            "over the",
        ),
    ];
    for (name, handler, want) in cases {
        let url = util::serve_with(1, handler);
        let (code, err, took) = check_url(&format!("{url}/{name}.geojson"), &[]);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(
            err.contains(want) && err.contains(&format!("{name}.geojson")),
            "{name}: {err}"
        );
        assert!(
            !err.contains("panicked") && took.as_secs() < 30,
            "{name}: {err}"
        );
    }
}

#[test]
fn endless_stalled_and_dripping_servers_are_cut_off() {
    use std::io::Write;
    // A body with no length that never ends: the size cap stops it.
    let url = util::serve_with(1, |mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[");
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..64 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let (code, err, _) = check_url(
        &format!("{url}/endless.geojson"),
        &["--max-download-mb", "1"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("over the 1048576-byte limit"), "{err}");
    // A server that never answers, and one that drips a byte a second: the timeout.
    let stalled = util::serve_with(1, |s| {
        std::thread::sleep(std::time::Duration::from_secs(6));
        drop(s);
    });
    let drip = util::serve_with(1, |mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        for _ in 0..8 {
            std::thread::sleep(std::time::Duration::from_millis(700));
            if s.write_all(b" ").is_err() {
                return;
            }
        }
    });
    for url in [
        format!("{stalled}/stalled.geojson"),
        format!("{drip}/drip.geojson"),
    ] {
        let (code, err, took) = check_url(&url, &["--http-timeout-s", "2"]);
        assert_eq!(code, Some(2), "{url}: {err}");
        assert!(
            err.contains("in time") || err.contains("broke off"),
            "{url}: {err}"
        );
        assert!(took.as_secs() < 10, "{url} took {took:?}");
    }
}

#[test]
fn a_redirect_loop_is_refused() {
    use std::io::Write;
    let url = util::serve_with(10, |mut s| {
        let _ = s.write_all(&reply(
            "302 Found",
            "Location: /loop.geojson\r\nContent-Length: 0\r\n",
            b"",
        ));
    });
    let (code, err, _) = check_url(&format!("{url}/loop.geojson"), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("redirect"), "{err}");
    let (code, err, _) = check_url("ftp://example.invalid/x.geojson", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("only http:// and https://"), "{err}");
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

// ---- watch: a live feed from a scripted local server

#[test]
fn watch_prints_each_new_alert_once_through_faults() {
    let dir = tempfile::tempdir().unwrap();
    let layers = dir.path().join("layers.geojson");
    std::fs::write(&layers, util::FEED_LAYERS).unwrap();
    let url = util::serve_script(util::feed_script());
    let out = util::bin()
        .arg("watch")
        .arg(&layers)
        .args(["--feed", &format!("{url}/collections/k/items")])
        .args(["--interval-s", "0.1", "--max-polls", "6"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}\n{stderr}");
    assert_eq!(lines[0]["convoy_id"], "K-1");
    assert_eq!(lines[0]["type"], "deviation");
    // Leaves the 1-km corridor between the 08:20 report (on it) and 08:30 (5.6 km north).
    let t0 = lines[0]["start_time"].as_str().unwrap();
    assert!(
        t0 > "2026-03-02T08:20:00Z" && t0 < "2026-03-02T08:30:00Z",
        "{t0}"
    );
    assert!(lines[0]["max_offset_m"].as_f64().unwrap() > 9_000.0);
    assert_eq!(lines[1]["type"], "buffer_zone_entry");
    // Enters the zone (15 km west of 30.8 E, about 30.59 E) between 08:50 and 09:10.
    let start_lon = lines[1]["start"][0].as_f64().unwrap();
    assert!((start_lon - 30.59).abs() < 0.01, "{start_lon}");
    assert!(lines[1]["detected_at"].is_string());
    // Both faults were reported and survived; the two-page poll was read whole.
    assert_eq!(stderr.matches("feed retrying").count(), 2, "{stderr}");
    assert!(stderr.contains("500"), "{stderr}");
    assert!(stderr.contains("feed live: 3 new report(s)"), "{stderr}");
    assert!(
        stderr.contains("2 new report(s), 1 duplicate(s), 1 alert(s)"),
        "{stderr}"
    );
}

#[test]
fn watch_once_on_a_dead_feed_is_a_named_error() {
    let dir = tempfile::tempdir().unwrap();
    let layers = dir.path().join("layers.geojson");
    std::fs::write(&layers, util::FEED_LAYERS).unwrap();
    let url = util::serve_script(vec![(503, b"busy".to_vec())]);
    let out = util::bin()
        .arg("watch")
        .arg(&layers)
        .args(["--feed", &url, "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("503") && stderr.contains(&url), "{stderr}");
}

// ---- route: along the corridors of data/

#[test]
fn route_along_corridors_on_the_bundled_data() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("route.geojson");
    let layers = [data("corridors.geojson"), data("contact_line.geojson")];
    // Kyiv to Sloviansk: along HC-01 to Kharkiv, then HC-04.
    let out = util::bin()
        .arg("route")
        .args(&layers)
        .args(["--from", "30.523,50.45", "--to", "37.605,48.852", "-o"])
        .arg(&saved)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let route: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    let f = &route["features"][0];
    assert_eq!(f["properties"]["kind"], "route");
    assert_eq!(
        f["properties"]["corridor_ids"],
        serde_json::json!(["HC-01", "HC-04"])
    );
    let len_km = f["properties"]["length_m"].as_f64().unwrap() / 1000.0;
    // HC-01 and HC-04 centrelines are 600-610 km together (data/make_scenario.py).
    assert!((550.0..650.0).contains(&len_km), "{len_km}");
    assert!(stderr.contains("all in corridors"), "{stderr}");
    // The saved route checks back the same; a hand-made shortcut does not.
    let again = util::bin()
        .arg("route")
        .args(&layers)
        .arg("--check")
        .arg(&saved)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let shortcut = dir.path().join("shortcut.geojson");
    std::fs::write(
        &shortcut,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"route"},
        "geometry":{"type":"LineString","coordinates":[[30.523,50.45],[37.605,48.852]]}}]}"#,
    )
    .unwrap();
    let bad = util::bin()
        .arg("route")
        .args(&layers)
        .arg("--check")
        .arg(&shortcut)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("OUTSIDE"));
}

#[test]
fn route_says_so_when_no_corridor_path_exists() {
    // Kyiv to Zaporizhzhia: HC-01 and HC-02 do not meet.
    let out = util::bin()
        .arg("route")
        .arg(data("corridors.geojson"))
        .args(["--from", "30.523,50.45", "--to", "35.139,47.838"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("no corridor path joins the start and the end"),
        "{stderr}"
    );
    assert!(
        stderr.contains("HC-01") && stderr.contains("HC-02"),
        "{stderr}"
    );
}

// ---- exports, read back and compared with the report

#[test]
fn check_exports_read_back_equal_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let out = util::bin()
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
    let back = util::bin()
        .arg("query")
        .arg(p("stretches.geojson"))
        .args(["--bbox", "20,40,45,55"])
        .output()
        .unwrap();
    assert_eq!(
        back.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );

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
        let _ = corridor_watch::io::write::write_atomic_with(std::path::Path::new(&path), |w| {
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
            "a_writer_killed_mid_write_leaves_the_old_file_intact",
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

// ---- the antimeridian

#[test]
fn tracks_and_layers_across_the_antimeridian() {
    let dir = tempfile::tempdir().unwrap();
    let layers = dir.path().join("layers.geojson");
    // A corridor along 65 N split at 180 as RFC 7946 asks, and a buffer zone
    // polygon split the same way: 179.8 E to 179.8 W.
    std::fs::write(
        &layers,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"kind":"corridor","id":"BERING","tolerance_m":1000},
         "geometry":{"type":"MultiLineString","coordinates":[[[179.0,65.0],[180.0,65.0]],[[-180.0,65.0],[-179.0,65.0]]]}},
        {"type":"Feature","properties":{"kind":"buffer_zone","id":"Z"},
         "geometry":{"type":"MultiPolygon","coordinates":[
           [[[179.8,64.5],[180.0,64.5],[180.0,65.5],[179.8,65.5],[179.8,64.5]]],
           [[[-180.0,64.5],[-179.8,64.5],[-179.8,65.5],[-180.0,65.5],[-180.0,64.5]]]]}}]}"#,
    )
    .unwrap();
    let tracks = dir.path().join("tracks.geojson");
    // ALONG stays on the corridor across 180 (unsplit, as GPS tools write it);
    // OFF leaves it 0.1 degree north (about 11 km) just east of 180.
    std::fs::write(
        &tracks,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"kind":"track","convoy_id":"ALONG"},
         "geometry":{"type":"LineString","coordinates":[[179.2,65.0],[179.99,65.0],[-179.99,65.0],[-179.2,65.0]]}},
        {"type":"Feature","properties":{"kind":"track","convoy_id":"OFF"},
         "geometry":{"type":"LineString","coordinates":[[179.2,65.0],[179.999,65.0],[-179.9,65.1],[-179.2,65.0]]}}]}"#,
    )
    .unwrap();
    let out = run(&[&layers, &tracks], &[], "check");
    let r = stdout_json(&out);
    let along = &r["convoys"][0];
    assert_eq!(along["convoy_id"], "ALONG");
    assert_eq!(along["deviations"].as_array().unwrap().len(), 0, "{along}");
    // Its length is 1.6 degrees of longitude at 65 N, about 75.6 km, not the long way round.
    let len = along["length_m"].as_f64().unwrap();
    assert!((len - 75_560.0).abs() < 200.0, "{len}");
    // It crosses the zone (0.4 degree of longitude, about 18.9 km) once, as one stretch.
    let z = along["buffer_zone_entries"].as_array().unwrap();
    assert_eq!(z.len(), 1, "{z:?}");
    let zl = z[0]["length_m"].as_f64().unwrap();
    assert!((zl - 18_890.0).abs() < 100.0, "{zl}");
    let off = &r["convoys"][1];
    let devs = off["deviations"].as_array().unwrap();
    assert_eq!(devs.len(), 1, "{off}");
    let m = devs[0]["max_offset_m"].as_f64().unwrap();
    // Queries look across the line too: a point 0.002 degree away on the other side (~94 m).
    let pts = dir.path().join("points.geojson");
    std::fs::write(
        &pts,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"incident","id":"W"},
        "geometry":{"type":"Point","coordinates":[-179.999,65.0]}}]}"#,
    )
    .unwrap();
    let q = run(
        &[&pts],
        &["--near", "179.999,65", "--within-m", "500"],
        "query",
    );
    let found = stdout_json(&q);
    let d = found["features"][0]["properties"]["distance_m"]
        .as_f64()
        .unwrap();
    assert!((d - 94.5).abs() < 1.0, "{d}");
    // The peak at 65.1 N is about 11.1 km north of the corridor's centreline.
    assert!((m - 10_140.0).abs() < 150.0, "{m}");
}

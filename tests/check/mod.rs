//! `check` on hand-built cases with independent answers (GeoJSON, CSV) and on
//! the bundled scenario; lines and layers across the antimeridian.

use crate::util::*;
use serde_json::Value;

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
    assert_exit(&out, 1, &format!("{case}: flagged cases exit 1"));
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
    assert_eq!(deviation_count(&out, 0), 0);
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

/// Issue 24 (#11 leftover): the text table's columns were fixed widths, so a
/// long status ("deviated, in zone, in a closed corridor") pushed the figures
/// after it out of line. Each column is now as wide as its widest cell.
#[test]
fn text_table_columns_stay_in_line_whatever_the_status() {
    let files: Vec<std::path::PathBuf> = [
        "corridors.geojson",
        "contact_line.geojson",
        "tracks.geojson",
        "movements.geojson",
        "incidents.geojson",
    ]
    .iter()
    .map(|n| data(n))
    .collect();
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let out = run(&refs, &["--format", "text"], "check");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("convoy") && lines[0].ends_with("worst offset"),
        "{text}"
    );
    assert!(lines[1].starts_with("-----"), "{text}");
    let rows: Vec<&str> = lines[2..]
        .iter()
        .take_while(|l| !l.is_empty())
        .copied()
        .collect();
    assert!(
        rows.iter()
            .any(|l| l.contains("deviated, in zone, in a closed corridor")),
        "{text}"
    );
    // Right-aligned figures: every row ends where the header does.
    for r in &rows {
        assert_eq!(r.len(), lines[0].len(), "{text}");
    }
    // The incidents as a table too, depths aligned.
    let at = lines
        .iter()
        .position(|l| l.starts_with("id "))
        .expect("an incidents table");
    let width = lines[at].len();
    assert!(
        lines[at + 2..]
            .iter()
            .take_while(|l| !l.is_empty())
            .all(|l| l.len() == width),
        "{text}"
    );
}

// ---- the bundled scenario

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
    assert_exit(&out, 1, "");
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

/// Regression (issue 11): the JSON report had no incidents and no summary.
#[test]
fn the_json_report_opens_with_a_summary_and_lists_the_incidents() {
    let files: Vec<std::path::PathBuf> = [
        "corridors.geojson",
        "contact_line.geojson",
        "grain_routes.geojson",
        "incidents.geojson",
        "tracks.geojson",
        "position_reports.csv",
    ]
    .iter()
    .map(|f| data(f))
    .collect();
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let out = run(&refs, &["--format", "json"], "check");
    let r = stdout_json(&out);
    let s = &r["summary"];
    let convoys = r["convoys"].as_array().unwrap();
    assert_eq!(s["convoys"], convoys.len());
    let flagged = convoys
        .iter()
        .filter(|c| {
            !c["deviations"].as_array().unwrap().is_empty()
                || !c["buffer_zone_entries"].as_array().unwrap().is_empty()
        })
        .count();
    assert_eq!(s["flagged"], flagged);
    assert_eq!(s["worst_offset_m"], 27518.7);
    let all = r["incidents"].as_array().unwrap();
    let inside: Vec<_> = all.iter().filter(|i| i["inside"] == true).collect();
    assert_eq!(s["incidents"], all.len());
    assert_eq!(s["incidents_inside"], inside.len());
    assert_eq!((all.len(), inside.len()), (26, 10));
    assert!(inside.iter().all(|i| i["depth_m"].as_f64().unwrap() > 0.0));
    assert!(
        all.iter()
            .all(|i| i["distance_to_contact_m"].as_f64().is_some())
    );
    // Keys come in reading order: the summary first.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.find("\"summary\"").unwrap() < text.find("\"convoys\"").unwrap());
}
mod notified;
mod sectors;

/// Checking incidents against the zone alone (the peacekeepers' list) printed
/// an empty convoy table and warned that no convoy was checked.
#[test]
fn incidents_alone_are_checked_without_a_warning_or_an_empty_table() {
    let (cl, inc) = (data("contact_line.geojson"), data("incidents.geojson"));
    let out = run(&[&cl, &inc], &["--format", "text"], "check");
    let (text, err) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(
        text.starts_with("No convoys checked (no tracks in the input)."),
        "{text}"
    );
    assert!(!text.contains("worst offset"), "{text}");
    assert!(
        text.contains("10 of 26 incidents inside the buffer zone"),
        "{text}"
    );
    assert!(
        !err.contains("warning:") && err.contains("only the incidents were checked"),
        "{err}"
    );
}

/// `--from/--to` check the reports of a period alone: ICRC-04's second
/// deviation (12:00-12:14) is left out by a period ending at 11:00; `--bbox`
/// keeps the reports inside a box; a bad box or a reversed period is refused.
#[test]
fn a_period_and_a_box_check_their_reports_alone() {
    let files: [&std::path::Path; 5] = [
        &data("corridors.geojson"),
        &data("contact_line.geojson"),
        &data("grain_routes.geojson"),
        &data("tracks.geojson"),
        &data("position_reports.csv"),
    ];
    let report = |extra: &[&str]| {
        let out = run(&files, extra, "check");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout_json(&out)
    };
    let icrc = |r: &Value| {
        r["convoys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["convoy_id"] == "ICRC-04")
            .cloned()
    };
    let whole = report(&[]);
    assert_eq!(
        icrc(&whole).unwrap()["deviations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let morning = report(&[
        "--from",
        "2026-03-02T00:00:00Z",
        "--to",
        "2026-03-02T11:00:00Z",
    ]);
    let c = icrc(&morning).unwrap();
    assert_eq!(c["deviations"].as_array().unwrap().len(), 1, "{c}");
    assert!(c["length_m"].as_f64() < icrc(&whole).unwrap()["length_m"].as_f64());
    // A box around Kharkiv: ICRC-04 (Odesa to Dnipro) has no report in it.
    let kharkiv = report(&["--bbox", "35.5,49.5,37.5,50.5"]);
    assert!(icrc(&kharkiv).is_none());
    assert!(!kharkiv["convoys"].as_array().unwrap().is_empty());
    for (args, words) in [
        (&["--bbox", "35,49,37"][..], "--bbox"),
        (
            &[
                "--from",
                "2026-03-03T00:00:00Z",
                "--to",
                "2026-03-02T00:00:00Z",
            ][..],
            "wrong way round",
        ),
        (&["--from", "yesterday"][..], "--from"),
    ] {
        let out = run(&files, args, "check");
        assert_exit(&out, 2, words);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{err}");
    }
}

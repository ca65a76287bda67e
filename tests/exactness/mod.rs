//! Wrong numbers found by an independent check (issue 16), each pinned by a
//! case whose answer was computed outside this code: GeographicLib, PROJ's
//! azimuthal equidistant projection and shapely (see
//! `tests/fixtures/reference/depth_reference.py`, which wrote
//! `depth_expected.json`), or the tester's own figures quoted in the issue.

use crate::util::*;
use serde_json::Value;

fn expected(key: &str) -> f64 {
    let v: Value =
        serde_json::from_slice(&std::fs::read(fixture("reference/depth_expected.json")).unwrap())
            .unwrap();
    v[key].as_f64().unwrap()
}

/// The zone entries' `max_offset_m` of the first convoy.
fn zone_depths(out: &std::process::Output) -> Vec<f64> {
    stdout_json(out)["convoys"][0]["buffer_zone_entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["max_offset_m"].as_f64().unwrap())
        .collect()
}

/// `check` on a fixture with `--incidents-csv`: the run and the CSV's rows
/// (id, depth_m, contact_line_m).
fn check_with_incidents(rel: &str) -> (std::process::Output, Vec<(String, f64, Option<f64>)>) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("incidents.csv");
    let out = run(
        &[&fixture(rel)],
        &["--incidents-csv", csv.to_str().unwrap()],
        "check",
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows = text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[5].parse().unwrap(), c[6].parse().ok())
        })
        .collect();
    (out, rows)
}

/// Regression (issue 16.1): where a contact line bends, the depth is the
/// distance to the zone's boundary, not half the width minus the distance to
/// the line (14,996 m before; the tester measured 22,420 m, our reference 22,428 m).
#[test]
fn depth_at_a_bend_of_the_contact_line_is_to_the_zone_boundary() {
    let out = run(&[&fixture("exactness/v_line.geojson")], &[], "check");
    let d = zone_depths(&out);
    assert_eq!(d.len(), 1, "one zone entry: {d:?}");
    let want = expected("v_line_track_max_depth_m");
    assert!((d[0] - want).abs() < 3.0, "{} vs {want}", d[0]);
    assert!(
        (d[0] - 22_420.0).abs() < 15.0,
        "the tester's figure: {}",
        d[0]
    );
}

/// Regression (issue 16.1): an incident in the middle of a closed contact line
/// whose zone covers it is as deep as the outer boundary is far (9,931 m before).
#[test]
fn depth_inside_a_closed_contact_line_reaches_the_outer_boundary() {
    let (out, rows) = check_with_incidents("exactness/square.geojson");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows.len(), 1);
    let want = expected("square_centre_depth_m");
    assert!((rows[0].1 - want).abs() < 2.0, "{:?} vs {want}", rows[0]);
    // The distance to the contact line itself is unchanged by the fix: 14.4 km.
    let line = rows[0].2.unwrap();
    assert!((line - (want - 25_000.0)).abs() < 2.0, "{line}");
}

/// Regression (issue 16.2): overlapping buffer-zone polygons are measured to
/// the boundary of their union, for incidents and for zone entries alike.
#[test]
fn overlapping_buffer_zones_are_measured_as_one() {
    let (out, rows) = check_with_incidents("exactness/overlap.geojson");
    let d = zone_depths(&out);
    assert_eq!(d.len(), 1, "the overlapping zones give one entry: {d:?}");
    let want = expected("overlap_track_max_depth_m");
    assert!((d[0] - want).abs() < 2.0, "{} vs {want}", d[0]);
    let want = expected("overlap_incident_depth_m");
    assert!((rows[0].1 - want).abs() < 2.0, "{:?} vs {want}", rows[0]);
}

/// Issue 16.1: our own `zone` output, read back as a `buffer_zone`, gives the
/// same depth as the contact line it was built from (to the outline's chords).
#[test]
fn zone_output_read_back_gives_the_same_depth() {
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("zone.geojson");
    let out = run(
        &[&fixture("exactness/v_line.geojson")],
        &["-o", zone.to_str().unwrap()],
        "zone",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The track alone, beside the polygon zone.
    let track = dir.path().join("track.geojson");
    std::fs::write(
        &track,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"track","convoy_id":"V-1"},"geometry":{"type":"LineString","coordinates":[[35.6,48.1],[36.7,48.15]]}}]}"#,
    )
    .unwrap();
    let from_polygon = zone_depths(&run(&[&zone, &track], &[], "check"));
    let from_line = zone_depths(&run(&[&fixture("exactness/v_line.geojson")], &[], "check"));
    assert_eq!(from_polygon.len(), 1);
    assert!(
        (from_polygon[0] - from_line[0]).abs() < 5.0,
        "polygon {from_polygon:?} vs line {from_line:?}"
    );
}

/// Regression (issue 16.3): a convoy that does not move, 15.7 km outside its
/// corridor and on the contact line, was "clean". As two identical timed
/// vertices, and as a single Point report, it gives a zero-length deviation
/// (with its offset and times) and a zero-length zone entry (with its depth).
/// Figures from GeographicLib (`make_cases.dist_to_geodesic_segment`):
/// 15,667.73 m from the corridor's area, 14,969.76 m deep.
#[test]
fn a_parked_convoy_is_a_zero_length_deviation_and_zone_entry() {
    let out = run(
        &[
            &fixture("exactness/parked_layers.geojson"),
            &fixture("exactness/parked_tracks.geojson"),
        ],
        &[],
        "check",
    );
    assert_eq!(out.status.code(), Some(1), "flagged");
    let report = stdout_json(&out);
    let convoys = report["convoys"].as_array().unwrap();
    assert_eq!(convoys.len(), 2);
    for (c, end_time) in convoys
        .iter()
        .zip(["2026-03-02T12:00:00Z", "2026-03-02T08:00:00Z"])
    {
        let dev = &c["deviations"].as_array().unwrap()[..];
        let zone = &c["buffer_zone_entries"].as_array().unwrap()[..];
        assert_eq!((dev.len(), zone.len()), (1, 1), "{c:#}");
        for s in [&dev[0], &zone[0]] {
            assert_eq!(s["length_m"].as_f64(), Some(0.0));
            assert_eq!(s["start"], s["end"]);
            assert_eq!(s["start_time"], "2026-03-02T08:00:00Z");
            assert_eq!(s["end_time"], end_time);
        }
        let offset = dev[0]["max_offset_m"].as_f64().unwrap();
        assert!((offset - 15_667.73).abs() < 1.0, "{offset}");
        let depth = zone[0]["max_offset_m"].as_f64().unwrap();
        assert!((depth - 14_969.76).abs() < 1.0, "{depth}");
    }
}

// ---- issue 16.10: command-line edges

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A mistyped subcommand opened the window (and printed a winit error).
#[test]
fn a_mistyped_subcommand_is_a_usage_error_with_a_suggestion() {
    let out = bin().args(["chek", "f.geojson"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unrecognized subcommand 'chek'"), "{err}");
    assert!(err.contains("'check'"), "{err}");
}

#[test]
fn check_with_no_tracks_says_so() {
    let out = run(&[&root().join("data/contact_line.geojson")], &[], "check");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("no tracks in the input"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_min_length_that_is_no_length_is_refused() {
    for bad in ["inf", "NaN", "-5"] {
        let out = run(
            &[
                &root().join("data/corridors.geojson"),
                &root().join("data/tracks.geojson"),
            ],
            &["--min-length-m", bad],
            "check",
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains("--min-length-m"),
            "{bad}: {}",
            stderr(&out)
        );
    }
}

/// Layers written to a temporary file.
fn temp_layer(dir: &tempfile::TempDir, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn a_negative_tolerance_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_layer(
        &dir,
        "c.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"corridor","id":"NEG","tolerance_m":-2000},"geometry":{"type":"LineString","coordinates":[[30,47],[30.1,47]]}}]}"#,
    );
    let out = run(&[&p], &[], "check");
    let err = stderr(&out);
    assert!(
        err.contains("feature 0 (NEG): tolerance_m -2000") && err.contains("default 1000 m"),
        "{err}"
    );
}

#[test]
fn per_vertex_times_running_backwards_are_refused_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_layer(
        &dir,
        "t.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"corridor","id":"C","tolerance_m":1000},"geometry":{"type":"LineString","coordinates":[[30,47],[30.2,47]]}},
{"type":"Feature","properties":{"kind":"track","convoy_id":"BACK","coordinateProperties":{"times":["2026-03-02T10:00:00Z","2026-03-02T09:00:00Z","2026-03-02T08:00:00Z"]}},"geometry":{"type":"LineString","coordinates":[[30,47],[30.1,47.05],[30.2,47]]}}]}"#,
    );
    let out = run(&[&p], &[], "check");
    let c = &stdout_json(&out)["convoys"][0];
    assert!(
        c["warnings"].to_string().contains("times run backwards"),
        "{c:#}"
    );
    let dev = &c["deviations"][0];
    assert!(
        dev["start_time"].is_null() && dev["end_time"].is_null(),
        "{dev}"
    );
}

// ---- issue 16.4 and 16.6: one antimeridian model (lines and polygons given
// unsplit across 180 are taken the short way, everywhere)

fn query_hits(args: &[&str]) -> Vec<u64> {
    let out = run(&[&fixture("exactness/antimeridian.geojson")], args, "query");
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout_json(&out)["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["feature_index"].as_u64().unwrap())
        .collect()
}

/// Regression: a track on the centreline of a corridor `[[179,0],[-179,0]]` was a
/// 33.4 km deviation "0 m" from its corridor.
#[test]
fn a_track_on_a_corridor_across_180_is_clean() {
    let out = run(&[&fixture("exactness/antimeridian.geojson")], &[], "check");
    let report = stdout_json(&out);
    let on_line = &report["convoys"][0];
    assert_eq!(on_line["convoy_id"], "ON-LINE");
    assert_eq!(
        on_line["deviations"].as_array().unwrap().len(),
        0,
        "{on_line:#}"
    );
    // An unsplit contact line across 180, crossed west of it along a meridian:
    // 30 km inside (15 km either side), 15 km deep on the line.
    let across = &report["convoys"][1]["buffer_zone_entries"];
    assert_eq!(across.as_array().unwrap().len(), 1, "{across:#}");
    assert!(
        (across[0]["length_m"].as_f64().unwrap() - 30_000.0).abs() < 1.0,
        "{across}"
    );
    assert!((across[0]["max_offset_m"].as_f64().unwrap() - 15_000.0).abs() < 0.5);
}

#[test]
fn queries_find_what_lies_across_180() {
    // Regression: --at, --near and --bbox found nothing at -179.5 (--nearest did).
    assert!(query_hits(&["--at", "-179.5,0"]).contains(&0));
    assert!(query_hits(&["--near", "-179.5,0", "--within-m", "100"]).contains(&0));
    assert_eq!(query_hits(&["--nearest", "-179.5,0"]), vec![0]);
    assert!(query_hits(&["--bbox", "-179.6,-0.1,-179.4,0.1"]).contains(&0));
    // RFC 7946's box across 180 (west > east) was refused; 181 dropped the west side.
    for b in ["179,-0.1,-179,0.1", "179,-0.1,181,0.1"] {
        let hits = query_hits(&["--bbox", b]);
        assert_eq!(
            hits,
            vec![0, 3],
            "{b}: the corridor and the track at -179.5"
        );
    }
    // East of 180 only: the corridor, not the track (which is all west of it).
    assert_eq!(query_hits(&["--bbox", "179.5,-0.1,179.9,0.1"]), vec![0]);
}

/// A buffer-zone polygon given unsplit across 180: incidents on both sides are
/// inside, 0.1 degree of longitude from its meridian edges (GeographicLib:
/// 11,131.68 m at 0.4 S); one west of it is outside.
#[test]
fn an_unsplit_polygon_across_180_holds_both_sides() {
    let (out, rows) = check_with_incidents("exactness/antimeridian.geojson");
    assert!(out.status.code().is_some());
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids, ["W", "E"], "only the two inside are listed");
    for r in &rows {
        assert!((r.1 - 11_131.68).abs() < 0.5, "{r:?}");
    }
}

/// Regression (issue 16.7): a corridor over the pole (`[[-90,89],[90,89]]`, the
/// geodesic runs over 90 N) and a track on its centreline was 67 km "off" at
/// 0 m; near 89 N the 1,000 m boundary was off by metres (999 m flagged).
#[test]
fn corridors_near_and_over_the_pole_are_exact() {
    let out = run(&[&fixture("exactness/pole.geojson")], &[], "check");
    let report = stdout_json(&out);
    let by_id = |id: &str| {
        report["convoys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["convoy_id"] == id)
            .unwrap()
            .clone()
    };
    for clean in ["OVER-POLE", "PEAK-999"] {
        let c = by_id(clean);
        assert_eq!(c["deviations"].as_array().unwrap().len(), 0, "{c:#}");
    }
    // 1 m beyond the boundary at the apex of a V whose legs rise 1,001 m over
    // ~5.6 km: about 2 x 1 m / sin(10.2 deg) = 11 m outside, 1 m off.
    let c = by_id("PEAK-1001");
    let dev = &c["deviations"].as_array().unwrap()[..];
    assert_eq!(dev.len(), 1, "{c:#}");
    let len = dev[0]["length_m"].as_f64().unwrap();
    assert!((5.0..20.0).contains(&len), "{len}");
    assert!((dev[0]["max_offset_m"].as_f64().unwrap() - 1.0).abs() <= 0.1);
}

/// Regression (issue 16.9): a vertex 999.99 m from a 1,000 m corridor's
/// centreline (placed by GeographicLib's direct problem, beside a meridian and
/// a diagonal centreline) was flagged: the local frame put it 1-2 cm too far.
/// At exactly 1,000 m it touches (no stretch); at 1,000.5 m it is 0.5 m off.
#[test]
fn no_inward_bias_at_the_corridor_edge() {
    let out = run(&[&fixture("exactness/edge.geojson")], &[], "check");
    for c in stdout_json(&out)["convoys"].as_array().unwrap() {
        let id = c["convoy_id"].as_str().unwrap();
        let devs = c["deviations"].as_array().unwrap();
        if id.contains("-1000.5-") {
            assert_eq!(devs.len(), 1, "{c:#}");
            let off = devs[0]["max_offset_m"].as_f64().unwrap();
            assert!((off - 0.5).abs() <= 0.1, "{id}: {off}");
        } else {
            assert!(devs.is_empty(), "{c:#}");
        }
    }
}

/// Regression (issue 16.9): `query` point-to-point distances were up to 1.45 m
/// off between 30 and 100 km. Probes placed by GeographicLib's direct problem
/// at known distances from a point and, square to its middle, from a line.
#[test]
fn query_distances_are_karney() {
    let layer = fixture("exactness/distances.geojson");
    let probes: Value = serde_json::from_slice(
        &std::fs::read(fixture("exactness/distances_expected.json")).unwrap(),
    )
    .unwrap();
    for probe in probes.as_array().unwrap() {
        let at = format!("{},{}", probe["lon"], probe["lat"]);
        let out = run(&[&layer], &["--near", &at, "--within-m", "200000"], "query");
        let fc = stdout_json(&out);
        let want = probe["distance_m"].as_f64().unwrap();
        let got = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == probe["target"])
            .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
            .unwrap_or_else(|| panic!("{probe}: not found in {fc}"));
        assert!((got - want).abs() <= 0.051, "{probe}: {got}");
    }
}

/// Regression (issue 16.9): fractional seconds were rounded away
/// (08:41:06.75 printed as 08:41:07).
#[test]
fn fractional_seconds_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_layer(
        &dir,
        "f.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"corridor","id":"C","tolerance_m":1000},"geometry":{"type":"LineString","coordinates":[[30,47],[30.2,47]]}},
{"type":"Feature","properties":{"kind":"track","convoy_id":"F","coordinateProperties":{"times":["2026-03-02T08:40:00Z","2026-03-02T08:41:06.75Z","2026-03-02T08:42:00Z"]}},"geometry":{"type":"LineString","coordinates":[[30.05,47],[30.1,47.05],[30.15,47]]}}]}"#,
    );
    let out = run(&[&p], &[], "check");
    let dev = &stdout_json(&out)["convoys"][0]["deviations"][0];
    let (start, end) = (
        dev["start_time"].as_str().unwrap(),
        dev["end_time"].as_str().unwrap(),
    );
    // The stretch runs from before the 08:41:06.75 vertex to after it, and the
    // times carry milliseconds, as the input did.
    assert!(
        start.starts_with("2026-03-02T08:40:") && start.contains('.'),
        "{start}"
    );
    assert!(
        end.starts_with("2026-03-02T08:41:") && end.contains('.'),
        "{end}"
    );
    let parked = temp_layer(
        &dir,
        "p.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"corridor","id":"C","tolerance_m":1000},"geometry":{"type":"LineString","coordinates":[[30,47],[30.2,47]]}},
{"type":"Feature","properties":{"kind":"track","convoy_id":"P","time":"2026-03-02T08:41:06.75Z"},"geometry":{"type":"Point","coordinates":[30.1,47.1]}}]}"#,
    );
    let out = run(&[&parked], &[], "check");
    let dev = &stdout_json(&out)["convoys"][0]["deviations"][0];
    assert_eq!(dev["start_time"], "2026-03-02T08:41:06.75Z");
    assert_eq!(dev["end_time"], "2026-03-02T08:41:06.75Z");
}

/// Regression (issue 16.5): `zone` for a contact line split properly at 180
/// wrote 3,142 slivers totalling 955 km²; the true zone is 7,386 km²
/// (222.64 km of equator x 30 km + a 15-km disc, GeographicLib lengths), one
/// polygon either side of 180, and both sides are covered.
#[test]
fn the_zone_of_a_line_split_at_180_is_whole() {
    use geo::GeodesicArea;
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("zone.geojson");
    let out = run(
        &[&fixture("exactness/am_split_line.geojson")],
        &["-o", zone.to_str().unwrap()],
        "zone",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&zone).unwrap();
    let fc: geojson::FeatureCollection = text.parse().unwrap();
    let geom: geo::Geometry<f64> = fc.features[0].geometry.clone().unwrap().try_into().unwrap();
    let geo::Geometry::MultiPolygon(mp) = geom else {
        panic!("a MultiPolygon")
    };
    assert_eq!(mp.0.len(), 2, "one polygon either side of 180");
    let area_km2 = mp.geodesic_area_unsigned() / 1e6;
    assert!((area_km2 - 7_386.1).abs() < 5.0, "{area_km2} km2");
    for at in ["179.5,0", "-179.5,0", "179.99,0.1", "-179.99,-0.1"] {
        let out = run(&[&zone], &["--at", at], "query");
        let n = stdout_json(&out)["features"].as_array().unwrap().len();
        assert_eq!(n, 1, "{at} is in the zone");
    }
}

/// Issue 10: a user's Cancel is typed, not read from a message. A cancelled
/// download read "download cancelled (...)", which the app's check for
/// "cancelled" missed, so it was logged as an error.
#[test]
fn a_cancelled_load_is_typed_as_cancelled() {
    use std::sync::atomic::AtomicBool;
    let cancel = AtomicBool::new(true);
    let url = serve(
        200,
        b"{\"type\":\"FeatureCollection\",\"features\":[]}".to_vec(),
        1,
    );
    let e = corridor_watch::io::http::fetch(&url, &Default::default(), None, Some(&cancel))
        .expect_err("cancelled");
    assert!(e.is_cancelled(), "{e}");
    let e = corridor_watch::io::read_path_with(
        &root().join("data/tracks.geojson"),
        None,
        None,
        Some(&cancel),
    )
    .expect_err("cancelled");
    assert!(e.is_cancelled(), "{e}");
}

mod edges;
mod far;

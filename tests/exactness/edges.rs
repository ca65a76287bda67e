//! Geometry at its edges (issue 22, items 15-17): a track along a corridor's
//! very boundary, absurd widths, and tracks no vehicle could drive. Positions
//! are computed with GeographicLib (geographiclib-rs, Karney's direct
//! problem), not with this code's geodesy.

use crate::util::*;
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `features` (GeoJSON Feature objects, comma-separated) as a FeatureCollection file.
fn collection(dir: &std::path::Path, name: &str, features: &str) -> std::path::PathBuf {
    write(
        dir,
        name,
        &format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#),
    )
}

/// Every vertex exactly 1,000 m (± 1e-9 m) from a 1,000-m corridor's
/// geodesic centreline, on its left, at tenths along it: the track runs on
/// the boundary, and on the boundary is inside. It was one 15.8-km deviation
/// with offset 0.
#[test]
fn a_track_along_the_boundary_is_inside() {
    let g = Geodesic::wgs84();
    let (lat1, lon1, lat2, lon2) = (48.0, 33.0, 48.1, 33.2);
    let (s12, azi1, _, _): (f64, f64, f64, f64) = g.inverse(lat1, lon1, lat2, lon2);
    let mut coords = Vec::new();
    let mut times = Vec::new();
    for i in 0..=10 {
        let (lat, lon, azi): (f64, f64, f64) =
            g.direct(lat1, lon1, azi1, s12 * f64::from(i) / 10.0);
        let off = 1000.0 + if i % 2 == 0 { 1e-9 } else { -1e-9 };
        let (blat, blon): (f64, f64) = g.direct(lat, lon, azi - 90.0, off);
        coords.push(format!("[{blon:.15},{blat:.15}]"));
        times.push(format!("\"2026-03-02T10:{i:02}:00Z\""));
    }
    let dir = tempfile::tempdir().unwrap();
    let p = collection(
        dir.path(),
        "boundary.geojson",
        &format!(
            r#"
 {{"type":"Feature","properties":{{"kind":"corridor","id":"B1","tolerance_m":1000}},
  "geometry":{{"type":"LineString","coordinates":[[{lon1},{lat1}],[{lon2},{lat2}]]}}}},
 {{"type":"Feature","properties":{{"kind":"track","convoy_id":"BT","corridor_ids":["B1"],"coordinateProperties":{{"times":[{}]}}}},
  "geometry":{{"type":"LineString","coordinates":[{}]}}}}"#,
            times.join(","),
            coords.join(",")
        ),
    );
    let out = run(&[&p], &["--format", "json"], "check");
    assert_exit(&out, 0, "boundary");
    let report = stdout_json(&out);
    assert_eq!(
        report["convoys"][0]["deviations"],
        serde_json::json!([]),
        "{report}"
    );
    // 2 m outside the boundary is outside: one deviation, its offset 2 m.
    let outside = std::fs::read_to_string(&p)
        .unwrap()
        .replace("\"tolerance_m\":1000", "\"tolerance_m\":998");
    let q = write(dir.path(), "outside.geojson", &outside);
    let out = run(&[&q], &["--format", "json"], "check");
    assert_exit(&out, 1, "outside");
    let d = &stdout_json(&out)["convoys"][0]["deviations"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert!(
        (d[0]["max_offset_m"].as_f64().unwrap() - 2.0).abs() <= 0.1,
        "{d}"
    );
}

/// `width_km` 1e308 made the zone silently empty and 1e6 "499,999 km deep";
/// a `tolerance_m` past half the Earth's circumference (20,003.9 km along a
/// meridian, GeographicLib's s12 from pole to pole) covers the whole Earth.
/// Each is refused by name and the default used.
#[test]
fn widths_and_tolerances_beyond_half_the_earth_are_refused() {
    let half_m = {
        let (s12, _, _, _): (f64, f64, f64, f64) = Geodesic::wgs84().inverse(90.0, 0.0, -90.0, 0.0);
        s12
    };
    assert!((half_m - 20_003_931.46).abs() < 1.0, "{half_m}");
    let dir = tempfile::tempdir().unwrap();
    for (kind, key, value) in [
        ("contact_line", "width_km", "1e308"),
        ("contact_line", "width_km", "1000000"),
        ("corridor", "tolerance_m", "2.1e7"),
    ] {
        let p = collection(
            dir.path(),
            "absurd.geojson",
            &format!(
                r#"
 {{"type":"Feature","properties":{{"kind":"{kind}","id":"X1","{key}":{value}}},
  "geometry":{{"type":"LineString","coordinates":[[33.0,48.0],[33.2,48.1]]}}}},
 {{"type":"Feature","properties":{{"kind":"incident","id":"I1"}},"geometry":{{"type":"Point","coordinates":[33.1,48.05]}}}}"#
            ),
        );
        let out = run(&[&p], &["--format", "json"], "check");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(key) && err.contains("half the Earth") && err.contains("feature 0"),
            "{kind} {key}={value}: {err}"
        );
        if kind == "contact_line" {
            // The default 30-km zone: the incident on the line is 15 km deep.
            let report = stdout_json(&out);
            let depth = report["incidents"][0]["depth_m"].as_f64();
            assert!(
                depth.is_some_and(|d| (d - 15_000.0).abs() < 100.0),
                "{report}"
            );
        }
    }
}

/// A reused MMSI (two ships 12,000 km apart within 3.5 h) and a land convoy
/// that jumps 40 km in a minute are warned of in the convoy's `warnings`,
/// naming the speed; an ordinary track is not.
#[test]
fn tracks_no_vehicle_could_drive_are_warned_of() {
    let g = Geodesic::wgs84();
    let (far_lat, far_lon, _): (f64, f64, f64) = g.direct(46.4, 30.7, 90.0, 12_000_000.0);
    let (jump_lat, jump_lon, _): (f64, f64, f64) = g.direct(48.0, 33.0, 0.0, 40_000.0);
    let (near_lat, near_lon, _): (f64, f64, f64) = g.direct(48.0, 33.0, 0.0, 1_000.0);
    let dir = tempfile::tempdir().unwrap();
    let p = collection(
        dir.path(),
        "fast.geojson",
        &format!(
            r#"
 {{"type":"Feature","properties":{{"kind":"track","convoy_id":"V","mmsi":273456789,"coordinateProperties":{{"times":["2026-03-02T10:00:00Z","2026-03-02T13:30:00Z"]}}}},
  "geometry":{{"type":"LineString","coordinates":[[30.7,46.4],[{far_lon},{far_lat}]]}}}},
 {{"type":"Feature","properties":{{"kind":"track","convoy_id":"J","coordinateProperties":{{"times":["2026-03-02T10:00:00Z","2026-03-02T10:01:00Z"]}}}},
  "geometry":{{"type":"LineString","coordinates":[[33.0,48.0],[{jump_lon},{jump_lat}]]}}}},
 {{"type":"Feature","properties":{{"kind":"track","convoy_id":"OK","coordinateProperties":{{"times":["2026-03-02T10:00:00Z","2026-03-02T10:01:00Z"]}}}},
  "geometry":{{"type":"LineString","coordinates":[[33.0,48.0],[{near_lon},{near_lat}]]}}}}"#
        ),
    );
    let out = run(&[&p], &["--format", "json"], "check");
    let report = stdout_json(&out);
    let warnings = |i: usize| report["convoys"][i]["warnings"].to_string();
    assert!(
        warnings(0).contains("implausible")
            && warnings(0).contains("vessel")
            && warnings(0).contains("12000.00 km"),
        "{}",
        warnings(0)
    );
    assert!(
        warnings(1).contains("implausible") && warnings(1).contains("2400 km/h"),
        "{}",
        warnings(1)
    );
    assert!(!warnings(2).contains("implausible"), "{}", warnings(2));
}

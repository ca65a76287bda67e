//! `route`: along the corridors of data/.

mod exposure;

use crate::util::*;
use serde_json::Value;

// ---- route: along the corridors of data/

#[test]
fn route_along_corridors_on_the_bundled_data() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("route.geojson");
    let layers = [data("corridors.geojson"), data("contact_line.geojson")];
    // Kyiv to Sloviansk: along HC-01 to Kharkiv, then HC-04.
    let out = crate::util::bin()
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
    let again = crate::util::bin()
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
    let bad = crate::util::bin()
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
    let out = crate::util::bin()
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

//! `query` and `zone` on the bundled data.

use crate::util::*;
use serde_json::Value;

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
    let out = crate::util::bin()
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

//! Issue 27: danger along a route. Incidents placed with GeographicLib at 1,
//! 4.9, 5.1 and 12 km from a route, 6 days before departure, and one at 1 km
//! 8 days before (tests/fixtures/exposure/make.py).

use crate::util::*;
use serde_json::Value;

fn near(extra: &[&str]) -> (Vec<(String, f64)>, String) {
    let dir = fixture("exposure");
    let route = dir.join("route.geojson");
    let out = bin()
        .arg("route")
        .arg(&route)
        .arg(dir.join("incidents.geojson"))
        .arg("--check")
        .arg(&route)
        .args(["--depart", "2026-03-10T00:00:00Z"])
        .args(extra)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let list = v["features"][0]["properties"]["incidents_near"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["distance_m"].as_f64().unwrap(),
            )
        })
        .collect();
    (list, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn incidents_within_the_reach_and_the_days_before_departure_nearest_first() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("exposure/expected.json")).unwrap())
            .unwrap();
    let check = |list: &[(String, f64)], ids: &[&str]| {
        let got: Vec<&str> = list.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(got, ids);
        for (id, d) in list {
            let want = expected[id.as_str()].as_f64().unwrap();
            assert!(
                (d - want).abs() <= 0.15,
                "{id}: {d} vs GeographicLib {want}"
            );
        }
    };
    // Defaults: 5 km, 7 days. 5.1 km is out; the one 8 days before too.
    let (list, err) = near(&[]);
    check(&list, &["E-1", "E-49"]);
    assert!(
        err.contains("leg   1:") && err.contains("; 2 incidents"),
        "{err}"
    );
    assert!(
        err.contains("2 incidents within 5.00 km in the 7 days before 2026-03-10T00:00:00Z"),
        "{err}"
    );
    let (list, _) = near(&["--exposure-m", "15000"]);
    check(&list, &["E-1", "E-49", "E-51", "E-12"]);
    let (list, _) = near(&["--exposure-m", "15000", "--exposure-days", "10"]);
    check(&list, &["E-1", "E-OLD", "E-49", "E-51", "E-12"]);
}

#[test]
fn a_bad_departure_or_reach_is_refused_by_name() {
    let dir = fixture("exposure");
    let route = dir.join("route.geojson");
    for (args, words) in [
        (vec!["--depart", "next tuesday"], "--depart"),
        (vec!["--exposure-m=-5"], "--exposure-m"),
    ] {
        let out = bin()
            .arg("route")
            .arg(&route)
            .arg("--check")
            .arg(&route)
            .args(&args)
            .output()
            .unwrap();
        assert_exit(&out, 2, "route");
        assert!(String::from_utf8_lossy(&out.stderr).contains(words));
    }
}

//! Issue 27: incident tables as the field exchanges them. An ACLED export
//! (the 2023 layout's 31 columns) and an HXL-tagged table read to the same
//! incidents as the equivalent GeoJSON; bad rows are warnings naming their
//! line; ACLED's week and month precision are periods.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

fn incidents_of(file: &Path) -> Vec<Value> {
    let out = run(
        &[&data("contact_line.geojson"), file],
        &["--format", "json"],
        "check",
    );
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut list: Vec<Value> = stdout_json(&out)["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            serde_json::json!({
                "id": i["id"], "time": i["time"], "category": i["category"],
                "inside": i["inside"], "depth_m": i["depth_m"], "position": i["position"],
            })
        })
        .collect();
    list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    list
}

#[test]
fn acled_and_hxl_tables_give_the_geojson_incidents() {
    let want = incidents_of(&fixture("formats/incidents/same.geojson"));
    assert_eq!(want.len(), 6);
    assert!(
        want.iter().any(|i| i["inside"] == true),
        "some inside the zone"
    );
    for f in ["acled.csv", "hxl.csv", "acled.zip"] {
        let got = incidents_of(&fixture(&format!("formats/incidents/{f}")));
        assert_eq!(got, want, "{f}");
    }
}

#[test]
fn an_acled_export_keeps_its_columns_and_warns_of_bad_rows() {
    let l = corridor_watch::io::read_path(&fixture("formats/incidents/acled.csv")).unwrap();
    assert_eq!(
        l.features.len(),
        6,
        "the three bad rows are skipped, the rest loads"
    );
    let w: Vec<String> = l.warnings.iter().map(|w| w.text.clone()).collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(
        w[0].contains("line 8") && w[0].contains("latitude 91 is outside"),
        "{w:?}"
    );
    assert!(
        w[1].contains("line 9") && w[1].contains("2026-13-40"),
        "{w:?}"
    );
    assert!(
        w[2].contains("line 10") && w[2].contains("empty id"),
        "{w:?}"
    );
    // Zipped, the same rows and warnings, named by the member.
    let z = corridor_watch::io::read_path(&fixture("formats/incidents/acled.zip")).unwrap();
    assert_eq!(z.features.len(), 6);
    assert_eq!(z.warnings.len(), 3);
    assert!(
        z.source.ends_with("acled.zip/2026-03-acled-export.csv"),
        "{}",
        z.source
    );
    let f = &l.features[1];
    assert_eq!(f.id.as_deref(), Some("UKR900002"));
    assert_eq!(f.prop_str("category"), Some("Battles"));
    assert_eq!(f.prop_str("sub_event_type"), Some("Armed clash"));
    assert_eq!(f.prop_str("actor1"), Some("Illustrative actor 1"));
    assert_eq!(f.properties["fatalities"], 2.0);
    // "02 March 2026" is the whole UTC day 2026-03-02.
    assert_eq!(f.prop_str("time"), Some("2026-03-02"));
    assert_eq!(f.time_span, Some((1_772_409_600.0, 1_772_496_000.0)));
    // time_precision 2: the week (Monday 2026-03-02 to Sunday) holding Tuesday 03-03.
    assert_eq!(
        l.features[3].time_span,
        Some((1_772_409_600.0, 1_773_014_400.0))
    );
    // time_precision 3: March 2026.
    assert_eq!(
        l.features[4].time_span,
        Some((1_772_323_200.0, 1_775_001_600.0))
    );
}

#[test]
fn an_hxl_table_is_read_by_its_tags() {
    let l = corridor_watch::io::read_path(&fixture("formats/incidents/hxl.csv")).unwrap();
    assert_eq!(
        l.features.len(),
        6,
        "the row of kind note is not an incident"
    );
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let f = &l.features[5];
    assert_eq!(f.id.as_deref(), Some("UKR900006"));
    assert_eq!(f.prop_str("location"), Some("Illustrative place F"));
    assert_eq!(f.prop_str("Reported by"), Some("illustrative patrol"));
    assert_eq!(f.properties["fatalities"], 3.0);
}

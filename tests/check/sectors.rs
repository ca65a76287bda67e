//! Issue 27: incidents inside the zone per sector, counted by hand on a
//! small case: a contact line along the equator from 0 to 1 degree east
//! (111.3 km; its zone is 15 km either side), incidents at 0.3, 0.5, 0.55
//! and 0.95 degrees (33, 56, 61 and 106 km along), one outside the zone.

use crate::util::*;
use serde_json::{Value, json};

const LAYERS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"contact_line","id":"CL"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]}},
{"type":"Feature","properties":{"kind":"incident","id":"I1","time":"2026-03-02T08:00:00Z"},"geometry":{"type":"Point","coordinates":[0.3,0.01]}},
{"type":"Feature","properties":{"kind":"incident","id":"I2","time":"2026-03-02T09:00:00Z"},"geometry":{"type":"Point","coordinates":[0.5,-0.02]}},
{"type":"Feature","properties":{"kind":"incident","id":"I3","time":"2026-03-03T09:00:00Z"},"geometry":{"type":"Point","coordinates":[0.55,0.05]}},
{"type":"Feature","properties":{"kind":"incident","id":"I4","time":"2026-03-03T10:00:00Z"},"geometry":{"type":"Point","coordinates":[0.95,0.045]}},
{"type":"Feature","properties":{"kind":"incident","id":"OUT","time":"2026-03-03T10:00:00Z"},"geometry":{"type":"Point","coordinates":[0.5,0.5]}}]}"#;

fn by_sector(extra_layers: Option<&str>, args: &[&str]) -> (Value, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.geojson");
    std::fs::write(&a, LAYERS).unwrap();
    let mut files = vec![a];
    if let Some(t) = extra_layers {
        let b = dir.path().join("b.geojson");
        std::fs::write(&b, t).unwrap();
        files.push(b);
    }
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let mut extra = vec!["--format", "json"];
    extra.extend(args);
    let out = run(&refs, &extra, "check");
    let v = stdout_json(&out);
    let sectors: Vec<Value> = v["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!([i["id"], i["sector"]]))
        .collect();
    (v["summary"]["incidents_by_sector"].clone(), sectors)
}

#[test]
fn incidents_inside_the_zone_are_counted_per_sector_along_the_line() {
    let (counts, each) = by_sector(None, &[]);
    assert_eq!(
        counts,
        json!([
            {"sector": "km 0-50", "incidents": 1},
            {"sector": "km 50-100", "incidents": 2},
            {"sector": "km 100-150", "incidents": 1},
        ])
    );
    // Outside the zone: no sector.
    assert_eq!(each[4], json!(["OUT", null]));
    let (counts, _) = by_sector(None, &["--sector-km", "60"]);
    assert_eq!(
        counts,
        json!([
            {"sector": "km 0-60", "incidents": 2},
            {"sector": "km 60-120", "incidents": 2},
        ])
    );
}

#[test]
fn named_sectors_take_the_place_of_the_cut() {
    let named = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"sector","name":"Sector West"},"geometry":{"type":"Polygon","coordinates":[[[-1,-1],[0.52,-1],[0.52,1],[-1,1],[-1,-1]]]}},
{"type":"Feature","properties":{"kind":"sector","name":"Sector East"},"geometry":{"type":"Polygon","coordinates":[[[0.52,-1],[2,-1],[2,1],[0.52,1],[0.52,-1]]]}}]}"#;
    let (counts, each) = by_sector(Some(named), &[]);
    assert_eq!(
        counts,
        json!([
            {"sector": "Sector West", "incidents": 2},
            {"sector": "Sector East", "incidents": 2},
        ])
    );
    assert_eq!(each[2], json!(["I3", "Sector East"]));
}

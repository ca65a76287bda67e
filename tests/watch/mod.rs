//! `watch`: a live feed from a scripted local server.

use serde_json::Value;

// ---- watch: a live feed from a scripted local server

#[test]
fn watch_prints_each_new_alert_once_through_faults() {
    let dir = tempfile::tempdir().unwrap();
    let layers = crate::util::feed_layers(dir.path());
    let url = crate::util::serve_script(crate::util::feed_script());
    let out = crate::util::bin()
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
    let layers = crate::util::feed_layers(dir.path());
    let url = crate::util::serve_script(vec![(503, b"busy".to_vec())]);
    let out = crate::util::bin()
        .arg("watch")
        .arg(&layers)
        .args(["--feed", &url, "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("503") && stderr.contains(&url), "{stderr}");
}

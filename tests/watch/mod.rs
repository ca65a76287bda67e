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
    let all: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let (ends, lines): (Vec<Value>, Vec<Value>) =
        all.into_iter().partition(|l| l["event"] == "end");
    assert_eq!(lines.len(), 2, "{lines:?}\n{stderr}");
    // The deviation ended (back on the corridor before the zone entry): its
    // end line has its final figures, longer than when it was first seen.
    assert_eq!(ends.len(), 1, "{ends:?}");
    assert_eq!(ends[0]["start_time"], lines[0]["start_time"]);
    assert!(
        ends[0]["length_m"].as_f64() > lines[0]["length_m"].as_f64(),
        "{ends:?}"
    );
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
        stderr.contains("2 new report(s), 1 duplicate(s), 0 late, 1 alert(s)"),
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

/// `watch --replay` on the hand-built cases: each expected stretch is
/// alerted once, starting where and when the independent answer says.
#[test]
fn replay_alerts_each_expected_stretch_once() {
    // corridor_ids has no times: a replay needs them.
    for case in [
        "excursion",
        "polygon_corridor",
        "two_corridors",
        "zone_crossing",
    ] {
        let dir = crate::util::fixture("cases").join(case);
        let out = crate::util::bin()
            .arg("watch")
            .arg(dir.join("layers.geojson"))
            .arg("--replay")
            .arg(dir.join("tracks.geojson"))
            .args(["--batch-s", "60"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{case}: {stderr}");
        let all: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON lines"))
            .collect();
        let (ends, alerts): (Vec<Value>, Vec<Value>) =
            all.into_iter().partition(|l| l["event"] == "end");
        let expected: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let mut want = Vec::new();
        for c in expected["convoys"].as_array().unwrap() {
            for (k, t) in [
                ("deviations", "deviation"),
                ("buffer_zone_entries", "buffer_zone_entry"),
            ] {
                for s in c[k].as_array().unwrap() {
                    want.push((c["convoy_id"].as_str().unwrap().to_string(), t, s.clone()));
                }
            }
        }
        assert_eq!(alerts.len(), want.len(), "{case}: {alerts:?}");
        for (id, t, s) in &want {
            let a = alerts
                .iter()
                .find(|a| a["convoy_id"] == id.as_str() && a["type"] == *t)
                .unwrap_or_else(|| panic!("{case}: no {t} alert for {id}"));
            assert_eq!(a["start_time"], s["start_time"], "{case}");
            assert!(
                crate::util::metres_apart(&a["start"], &s["start"]) < 10.0,
                "{case}: {a} vs {s}"
            );
            assert!(
                a["detected_at"].as_str().unwrap() >= s["start_time"].as_str().unwrap(),
                "{case}: detected after it began"
            );
            // A stretch that ends in the data has an end line with its final
            // figures: the independent answer's (GeographicLib), to a metre.
            if let Some(e) = ends.iter().find(|e| {
                e["convoy_id"] == id.as_str()
                    && e["type"] == *t
                    && e["start_time"] == s["start_time"]
            }) {
                assert_eq!(e["end_time"], s["end_time"], "{case}: {e} vs {s}");
                let d = (e["length_m"].as_f64().unwrap() - s["length_m"].as_f64().unwrap()).abs();
                assert!(d < 1.0, "{case}: {e} vs {s}");
            }
        }
        assert!(!ends.is_empty(), "{case}: no stretch ended");
        assert!(stderr.contains("0 late report(s)"), "{stderr}");
    }
}

//! Vessels as the grain corridor's monitors see them (issue 26): ships that
//! never use a lane are not flagged, and pyais's NMEA gives the same events
//! as the same fixes in GeoJSON.

use super::ais;
use crate::util::*;
use serde_json::Value;

/// pyais's own Gatehouse sample (real traffic, far from the Black Sea): both
/// vessels are "not in a lane", with no deviation, and nothing is flagged.
#[test]
fn real_ais_vessels_outside_the_lanes_are_not_flagged() {
    let lanes = data("grain_routes.geojson");
    let out = run(
        &[&lanes, &ais("gatehouse.nmea")],
        &["--format", "json"],
        "check",
    );
    assert_exit(&out, 0, "gatehouse.nmea");
    let r = stdout_json(&out);
    assert_eq!(r["summary"]["convoys"], 2, "{}", r["summary"]);
    assert_eq!(r["summary"]["not_in_lane"], 2);
    assert_eq!(r["summary"]["flagged"], 0);
    for c in r["convoys"].as_array().unwrap() {
        assert_eq!(c["not_in_lane"], true, "{c}");
        assert!(c["deviations"].as_array().unwrap().is_empty(), "{c}");
    }
    let text = run(
        &[&lanes, &ais("gatehouse.nmea")],
        &["--format", "text"],
        "check",
    );
    assert!(String::from_utf8_lossy(&text.stdout).contains("not in a lane"));
    // The illustrative vessel that sails the lane is still checked (and deviates).
    let out = run(
        &[&lanes, &ais("vessel.nmea")],
        &["--format", "json"],
        "check",
    );
    let r = stdout_json(&out);
    assert!(
        r["convoys"][0].get("not_in_lane").is_none(),
        "{}",
        r["convoys"][0]
    );
    assert_eq!(r["summary"]["deviations"], 1);
}

/// make_events.py's four vessels: an encounter (both vessels), loitering on
/// three, one jump; the NMEA and the GeoJSON agree event for event.
#[test]
fn pyais_nmea_gives_the_geojson_events() {
    let lanes = data("grain_routes.geojson");
    let events = |f: &str| {
        let out = run(&[&lanes, &ais(f)], &["--format", "json"], "check");
        let r = stdout_json(&out);
        let mut all: Vec<(String, Value)> = Vec::new();
        for c in r["convoys"].as_array().unwrap() {
            for e in c["events"].as_array().into_iter().flatten() {
                all.push((c["convoy_id"].as_str().unwrap().to_string(), e.clone()));
            }
        }
        (r["summary"].clone(), all)
    };
    let (want_summary, want) = events("events.geojson");
    let (got_summary, got) = events("events.nmea");
    assert_eq!(want_summary["encounters"], 1, "{want_summary}");
    assert_eq!(want_summary["loitering"], 3);
    assert_eq!(want_summary["implausible_jumps"], 1);
    assert_eq!(got_summary, want_summary);
    assert_eq!(got.len(), want.len());
    let near =
        |a: &Value, b: &Value, tol: f64| (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() <= tol;
    for ((gc, g), (wc, w)) in got.iter().zip(&want) {
        assert_eq!(gc, wc);
        for k in [
            "type",
            "start_time",
            "end_time",
            "other",
            "time",
            "duration_s",
        ] {
            assert_eq!(g.get(k), w.get(k), "{k}: {g} vs {w}");
        }
        // NMEA positions are f32 in the decoder: within 1e-5 degrees (1 m).
        for i in 0..2 {
            assert!(
                near(&g["position"][i], &w["position"][i], 1e-5),
                "{g} vs {w}"
            );
        }
        for k in ["min_distance_m", "mean_speed_kn", "speed_kmh"] {
            if let Some(v) = w.get(k) {
                assert!(near(&g[k], v, 1.0), "{k}: {g} vs {w}");
            }
        }
    }
    let enc = want.iter().find(|(_, e)| e["type"] == "encounter").unwrap();
    assert!(
        near(&enc.1["min_distance_m"], &Value::from(300.0), 1.0),
        "{}",
        enc.1
    );
    assert_eq!(enc.1["duration_s"], 9000.0);
    let jump = want
        .iter()
        .find(|(_, e)| e["type"] == "implausible_jump")
        .unwrap();
    assert_eq!(jump.0, "272000004");
    assert_eq!(jump.1["time"], "2026-03-02T06:50:00Z");
}

/// The case: a vessel sailing the Odesa lane (GR-ODS) at 10-minute
/// fixes with one fix 40 km east (GNSS spoofing) was a 34-km "deviation".
/// `check` drops the fix (one `implausible_jump`, no deviation) and a replay
/// alerts the jump, not a deviation.
#[test]
fn a_spoofed_fix_in_the_lane_is_a_jump_not_a_deviation() {
    let lanes = data("grain_routes.geojson");
    let text = std::fs::read_to_string(&lanes).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let lane = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == "GR-ODS")
        .unwrap()["geometry"]["coordinates"]
        .clone();
    let mut coords: Vec<[f64; 2]> = lane
        .as_array()
        .unwrap()
        .iter()
        .take(30)
        .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
        .collect();
    // 40 km east at about 46 N: 0.518 degrees of longitude.
    coords[12][0] += 0.518;
    let times: Vec<String> = (0..coords.len())
        .map(|k| format!("2026-03-02T{:02}:{:02}:00Z", 6 + k / 6, (k % 6) * 10))
        .collect();
    let track = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"kind": "track", "convoy_id": "SPOOFED", "mmsi": 272000099,
                       "coordinateProperties": {"times": times}},
        "geometry": {"type": "LineString", "coordinates": coords}}]});
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("spoofed.geojson");
    std::fs::write(&p, track.to_string()).unwrap();
    let out = run(&[&lanes, &p], &["--format", "json"], "check");
    assert_exit(&out, 0, "spoofed");
    let c = &stdout_json(&out)["convoys"][0];
    assert!(c["deviations"].as_array().unwrap().is_empty(), "{c}");
    let events = c["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{c}");
    assert_eq!(events[0]["type"], "implausible_jump");
    assert_eq!(events[0]["time"], "2026-03-02T08:00:00Z");
    // Without the rule (a limit no jump passes), it is the old false alarm.
    let out = run(&[&lanes, &p], &["--max-speed-kmh", "100000"], "check");
    let c = &stdout_json(&out)["convoys"][0];
    let off = c["deviations"][0]["max_offset_m"].as_f64().unwrap();
    assert!(off > 30_000.0, "{c}");
    // Live: the replay alerts the jump, one report late, and no deviation.
    let out = run(&[&lanes], &["--replay", p.to_str().unwrap()], "watch");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = lines.iter().map(|a| a["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["implausible_jump"], "{lines:?}");
    assert_eq!(lines[0]["start_time"], "2026-03-02T08:00:00Z");
    // Detected with the next report (08:10), at the end of its 30-s batch.
    assert_eq!(lines[0]["detected_at"], "2026-03-02T08:10:30Z");
}

/// Live (issue 26, item 4): replaying make_events.py's vessels alerts the
/// jump one report late, each loitering when it reaches an hour, and the
/// encounter on both vessels when the pair reaches two hours; the NMEA and
/// the GeoJSON alert alike.
#[test]
fn a_replay_alerts_jumps_loitering_and_encounters_once() {
    let lanes = data("grain_routes.geojson");
    let alerts = |f: &str| -> Vec<Value> {
        let p = ais(f);
        let out = run(&[&lanes], &["--replay", p.to_str().unwrap()], "watch");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let got = alerts("events.nmea");
    let kinds: Vec<(&str, &str)> = got
        .iter()
        .map(|a| {
            (
                a["type"].as_str().unwrap(),
                a["convoy_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("implausible_jump", "272000004"),
            ("loitering", "272000001"),
            ("loitering", "272000002"),
            ("loitering", "272000003"),
            ("encounter", "272000001"),
            ("encounter", "272000002"),
        ],
        "{got:?}"
    );
    let enc = &got[4];
    assert_eq!(enc["other"], "272000002");
    assert_eq!(enc["start_time"], "2026-03-02T06:30:00Z");
    assert_eq!(enc["detected_at"], "2026-03-02T08:30:30Z");
    assert!(
        (enc["distance_m"].as_f64().unwrap() - 300.0).abs() < 1.0,
        "{enc}"
    );
    assert_eq!(got[1]["detected_at"], "2026-03-02T07:30:30Z");
    assert_eq!(got[1]["mean_speed_kn"], 1.0);
    let want = alerts("events.geojson");
    let strip = |v: &[Value]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|a| {
                let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                (s("type"), s("convoy_id"), s("detected_at"))
            })
            .collect()
    };
    assert_eq!(strip(&got), strip(&want));
}

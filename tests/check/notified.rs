//! Issue 25: notified movements (a route or corridors *and* a window) and
//! corridor closures, with hand-computed answers. Corridors C1 along 50 N and
//! C2 along 50.2 N (30 to 31 E, 1 km either side); the convoy drives C1 east,
//! 0.1 degrees (7.16 km) every 10 minutes from 08:00 to 09:00.

use crate::util::*;
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use serde_json::{Value, json};

fn t(hm: &str) -> String {
    format!("2026-03-02T{hm}:00Z")
}

/// Metres along 50 N from 30 E to `lon` (geodesic edges of 0.1 degrees).
fn along(lon: f64) -> f64 {
    let g = Geodesic::wgs84();
    let mut m = 0.0;
    let mut x = 30.0;
    while x + 0.1 <= lon + 1e-9 {
        let d: f64 = g.inverse(50.0, x, 50.0, x + 0.1);
        m += d;
        x += 0.1;
    }
    if lon - x > 1e-9 {
        let d: f64 = g.inverse(50.0, x, 50.0, lon);
        m += d;
    }
    m
}

fn corridors(closures: Value) -> Vec<Value> {
    vec![
        json!({"type":"Feature","properties":{"kind":"corridor","id":"C1","closures":closures},
               "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}),
        json!({"type":"Feature","properties":{"kind":"corridor","id":"C2"},
               "geometry":{"type":"LineString","coordinates":[[30,50.2],[31,50.2]]}}),
    ]
}

/// The convoy K-1 along C1 (or along `lat`), with `extra` timed vertices first.
fn track(id: &str, lat: f64, before: &[(f64, &str)]) -> Value {
    let mut coords: Vec<Value> = before.iter().map(|(x, _)| json!([x, lat])).collect();
    let mut times: Vec<String> = before.iter().map(|(_, h)| t(h)).collect();
    for k in 0..=6 {
        coords.push(json!([30.0 + 0.1 * k as f64, lat]));
        times.push(t(&format!("{:02}:{:02}", 8 + k / 6, (k % 6) * 10)));
    }
    json!({"type":"Feature","properties":{"kind":"track","convoy_id":id,
           "coordinateProperties":{"times":times}},
           "geometry":{"type":"LineString","coordinates":coords}})
}

fn movement(
    id: &str,
    convoy: &str,
    from: &str,
    to: &str,
    corridors: &[&str],
    route: Option<Value>,
) -> Value {
    json!({"type":"Feature","properties":{"kind":"movement","id":id,"convoy_id":convoy,
           "window_start":t(from),"window_end":t(to),"corridor_ids":corridors,
           "vehicles":"4 trucks","contact":"+380 00 000 0000"},
           "geometry":route})
}

fn check(features: Vec<Value>) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("n.geojson");
    let fc = json!({"type":"FeatureCollection","features":features});
    std::fs::write(&p, fc.to_string()).unwrap();
    stdout_json(&run(&[&p], &["--format", "json"], "check"))
}

fn convoy<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["convoys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["convoy_id"] == id)
        .unwrap()
}

fn near(a: &Value, b: f64, tol: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() <= tol)
}

#[test]
fn under_way_before_the_window_opens_is_off_window() {
    // The window opens at 08:25: off from 08:00 to 08:25, to 30.25 E by interpolation.
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.0, &[]));
    f.push(movement("M1", "K-1", "08:25", "10:00", &["C1"], None));
    let r = check(f);
    let c = convoy(&r, "K-1");
    assert_eq!(c["movement_ids"], json!(["M1"]));
    assert_eq!(c["not_notified"], false);
    assert!(c["deviations"].as_array().unwrap().is_empty(), "{c}");
    let off = c["off_window"].as_array().unwrap();
    assert_eq!(off.len(), 1, "{c}");
    assert_eq!(off[0]["start_time"], t("08:00"));
    assert_eq!(off[0]["end_time"], t("08:25"));
    assert!(
        near(&off[0]["length_m"], along(30.25), 0.5),
        "{} vs {}",
        off[0],
        along(30.25)
    );
    assert!(near(&off[0]["end"][0], 30.25, 1e-4), "{}", off[0]);
    assert_eq!(off[0]["max_offset_m"], Value::Null);
    assert_eq!(r["summary"]["off_window"], 1);
    assert_eq!(r["summary"]["flagged"], 1);
}

#[test]
fn after_the_window_and_an_hour_early_are_off_window() {
    // Closed at 08:35: off from 08:35 to 09:00.
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.0, &[]));
    f.push(movement("M1", "K-1", "07:00", "08:35", &["C1"], None));
    let c = convoy(&check(f), "K-1").clone();
    let off = c["off_window"].as_array().unwrap();
    assert_eq!(off.len(), 1, "{c}");
    assert_eq!(
        (off[0]["start_time"].clone(), off[0]["end_time"].clone()),
        (json!(t("08:35")), json!(t("09:00")))
    );
    assert!(
        near(&off[0]["length_m"], along(30.6) - along(30.35), 0.5),
        "{}",
        off[0]
    );
    // An hour early: the whole drive.
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.0, &[]));
    f.push(movement("M1", "K-1", "09:00", "10:00", &["C1"], None));
    let c = convoy(&check(f), "K-1").clone();
    let off = c["off_window"].as_array().unwrap();
    assert_eq!(off.len(), 1, "{c}");
    assert!(near(&off[0]["length_m"], along(30.6), 0.5), "{}", off[0]);
}

#[test]
fn waiting_parked_before_the_window_is_not_off_window() {
    // At 30 E from 07:00 until 08:00, under way from 08:00; the window opens at 08:00.
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.0, &[(30.0, "07:00")]));
    f.push(movement("M1", "K-1", "08:00", "10:00", &["C1"], None));
    let c = convoy(&check(f), "K-1").clone();
    assert!(c["off_window"].as_array().unwrap().is_empty(), "{c}");
    assert_eq!(c["not_notified"], false);
}

#[test]
fn a_notified_route_approves_and_a_wrong_corridor_does_not() {
    // Along 50.5 N, where no corridor runs: the movement's own route approves it.
    let route = json!({"type":"LineString","coordinates":[[30,50.5],[31,50.5]]});
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.5, &[]));
    f.push(movement("M1", "K-1", "07:00", "10:00", &[], Some(route)));
    let r = check(f);
    let c = convoy(&r, "K-1");
    assert!(c["deviations"].as_array().unwrap().is_empty(), "{c}");
    assert!(c["off_window"].as_array().unwrap().is_empty(), "{c}");
    // Notified for C2 but driving C1 (0.2 degrees, 22.2 km, south of it): a deviation against C2.
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.0, &[]));
    f.push(movement("M1", "K-1", "07:00", "10:00", &["C2"], None));
    let c = convoy(&check(f), "K-1").clone();
    let devs = c["deviations"].as_array().unwrap();
    assert_eq!(devs.len(), 1, "{c}");
    // The greatest offset is at a vertex (the track's geodesic edges bulge
    // north, towards C2), and C2's geodesic bulges north most at 30.5 E: each
    // vertex's distance to C2 by sampling C2 every 7 m with GeographicLib,
    // the greatest, less the 1-km tolerance.
    let g = Geodesic::wgs84();
    let (s12, azi1, _, _): (f64, f64, f64, f64) = g.inverse(50.2, 30.0, 50.2, 31.0);
    let to_c2 = |lon: f64| {
        (0..=10_000)
            .map(|k| {
                let s = s12 * k as f64 / 10_000.0;
                let (lat, x): (f64, f64) = DirectGeodesic::direct(&g, 50.2, 30.0, azi1, s);
                let d: f64 = g.inverse(50.0, lon, lat, x);
                d
            })
            .fold(f64::INFINITY, f64::min)
    };
    let d = (0..=6)
        .map(|k| to_c2(30.0 + 0.1 * k as f64))
        .fold(0.0, f64::max);
    assert!(
        near(&devs[0]["max_offset_m"], d - 1000.0, 0.2),
        "{} vs {}",
        devs[0],
        d - 1000.0
    );
}

#[test]
fn a_convoy_never_notified_is_flagged() {
    let mut f = corridors(json!([]));
    f.push(track("K-1", 50.0, &[]));
    f.push(track("K-2", 50.0, &[]));
    f.push(movement("M1", "K-1", "07:00", "10:00", &["C1"], None));
    let r = check(f);
    assert_eq!(convoy(&r, "K-2")["not_notified"], true);
    assert_eq!(convoy(&r, "K-2")["movement_ids"], json!([]));
    assert_eq!(convoy(&r, "K-1")["not_notified"], false);
    assert_eq!(r["summary"]["not_notified"], 1);
    assert_eq!(r["summary"]["flagged"], 1);
}

#[test]
fn a_closure_crossed_is_flagged_and_one_avoided_is_not() {
    // C1 closed 08:20-08:40: the convoy is in it from 30.2 E to 30.4 E.
    let mut f = corridors(json!([[t("08:20"), t("08:40")]]));
    f.push(track("K-1", 50.0, &[]));
    f.push(movement("M1", "K-1", "07:00", "10:00", &["C1"], None));
    let r = check(f);
    let c = convoy(&r, "K-1");
    let closed = c["closed_corridor"].as_array().unwrap();
    assert_eq!(closed.len(), 1, "{c}");
    assert_eq!(closed[0]["corridor_id"], "C1");
    assert_eq!(closed[0]["start_time"], t("08:20"));
    assert_eq!(closed[0]["end_time"], t("08:40"));
    assert!(
        near(&closed[0]["length_m"], along(30.4) - along(30.2), 0.5),
        "{}",
        closed[0]
    );
    assert_eq!(r["summary"]["closed_corridor"], 1);
    // Closed from 10:00: avoided.
    let mut f = corridors(json!([[t("10:00"), t("11:00")]]));
    f.push(track("K-1", 50.0, &[]));
    f.push(movement("M1", "K-1", "07:00", "10:00", &["C1"], None));
    let c = convoy(&check(f), "K-1").clone();
    assert!(c["closed_corridor"].as_array().unwrap().is_empty(), "{c}");
    // Without movements or closures the report has none of these members.
    let mut f = corridors(Value::Null);
    f.push(track("K-1", 50.0, &[]));
    let r = check(f);
    assert!(convoy(&r, "K-1").get("off_window").is_none());
    assert!(r["summary"].get("off_window").is_none());
}

/// The same through `watch --replay`: K-1 (window from 08:25, C1 closed
/// 08:20-08:40) alerts off_window under way from 08:00 and closed_corridor
/// at 08:20; K-2, which no movement names, alerts not_notified at 08:00,
/// and, approved for any corridor, is in C1 while closed too; each once.
#[test]
fn a_replay_alerts_off_window_closed_corridor_and_not_notified_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut layers = corridors(json!([[t("08:20"), t("08:40")]]));
    layers.push(movement("M1", "K-1", "08:25", "10:00", &["C1"], None));
    let lp = dir.path().join("layers.geojson");
    std::fs::write(
        &lp,
        json!({"type":"FeatureCollection","features":layers}).to_string(),
    )
    .unwrap();
    let tracks = vec![track("K-1", 50.0, &[]), track("K-2", 50.0, &[])];
    let tp = dir.path().join("tracks.geojson");
    std::fs::write(
        &tp,
        json!({"type":"FeatureCollection","features":tracks}).to_string(),
    )
    .unwrap();
    let out = run(&[&lp], &["--replay", tp.to_str().unwrap()], "watch");
    let alerts: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(String, String, String)> = alerts
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (s("convoy_id"), s("type"), s("start_time"))
        })
        .collect();
    let want = [
        ("K-2", "not_notified", "08:00"),
        ("K-1", "off_window", "08:00"),
        ("K-1", "closed_corridor", "08:20"),
        ("K-2", "closed_corridor", "08:20"),
    ];
    for (c, ty, at) in want {
        let n = got.iter().filter(|g| g.0 == c && g.1 == ty).count();
        assert_eq!(n, 1, "{c} {ty} once: {got:?}");
        assert!(
            got.iter().any(|g| g.0 == c && g.1 == ty && g.2 == t(at)),
            "{c} {ty} at {at}: {got:?}"
        );
    }
    let closed = alerts
        .iter()
        .find(|a| a["type"] == "closed_corridor")
        .unwrap();
    assert_eq!(closed["corridor_id"], "C1");
    assert_eq!(got.len(), 4, "{got:?}");
}

//! The watcher's tests: alerts once, tails, late reports, the rules.

use super::*;
use crate::io::read_bytes;

const CORRIDOR: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"corridor","id":"C1"},
   "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#;

fn reports(points: &[(f64, f64, &str)]) -> Layer {
    let text = crate::synth::position_reports("K-1", points, "");
    read_bytes("feed", text.as_bytes()).expect("reports")
}

/// The alert's stretch starts at a time beginning with `prefix`.
fn assert_starts(a: &Alert, prefix: &str) {
    let t = a.stretch.start_time.as_deref().unwrap_or("");
    assert!(t.starts_with(prefix), "{t}");
}

/// A long drive along the corridor keeps one report per convoy; a report
/// older than the settled track is late, counted and not used.
#[test]
fn the_tail_stays_short_and_late_reports_are_counted() {
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ]);
    for k in 0..200 {
        let t = format!("2026-03-02T{:02}:{:02}:00Z", 8 + k / 60, k % 60);
        let batch = reports(&[(30.0 + f64::from(k) * 0.004, 50.0, t.as_str())]);
        assert_eq!(w.ingest(&batch).new, 1);
        assert!(w.check().is_empty());
    }
    assert_eq!(w.held(), 1, "only the last clean report is held");
    let n = w.ingest(&reports(&[(30.5, 50.0, "2026-03-02T08:30:30Z")]));
    assert_eq!((n.new, n.late), (0, 1));
    // A repeat of a report dropped from the tail is a duplicate, not late.
    let n = w.ingest(&reports(&[(30.0, 50.0, "2026-03-02T08:00:00Z")]));
    assert_eq!((n.duplicates, n.late), (1, 0), "remembered: 200 < RECENT");
}

/// Two fixes 20 km apart on either side of a 2-km-wide zone: the geodesic
/// edge between them crosses it, so the crossing is alerted.
#[test]
fn a_zone_crossing_between_sparse_fixes_is_alerted() {
    let layers = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"C1","tolerance_m":20000},
       "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}},
      {"type":"Feature","properties":{"kind":"contact_line","width_km":2},
       "geometry":{"type":"LineString","coordinates":[[30.5,49.5],[30.5,50.5]]}}]}"#;
    let mut w = Watcher::new(vec![read_bytes("l.geojson", layers.as_bytes()).expect("l")]);
    // 30.36 E and 30.64 E at 50 N: about 20 km apart, the zone (30.486-30.514 E) between.
    w.ingest(&reports(&[
        (30.36, 50.0, "2026-03-02T08:00:00Z"),
        (30.64, 50.0, "2026-03-02T08:20:00Z"),
    ]));
    let alerts = w.check();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].alert_type, AlertType::BufferZoneEntry);
    // Enters 1 km west of the line: 30.5 - 1000 m / (111.2 km x cos 50) = 30.486 E.
    assert!(
        (alerts[0].stretch.start[0] - 30.486).abs() < 0.001,
        "{:?}",
        alerts[0].stretch
    );
    assert!(
        (alerts[0].stretch.length_m - 2000.0).abs() < 5.0,
        "{:?}",
        alerts[0].stretch
    );
}

/// With a 5-minute minimum, a 2-minute graze outside the corridor alerts
/// nothing; a deviation alerts once, in the batch where it reaches 5 minutes.
#[test]
fn a_minimum_duration_cuts_grazes() {
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ])
    .with_min_duration_s(300.0);
    // 08:00 on, 08:01 and 08:02 5.6 km north (out), 08:03 on: about 2.5 min out.
    w.ingest(&reports(&[
        (30.10, 50.0, "2026-03-02T08:00:00Z"),
        (30.11, 50.05, "2026-03-02T08:01:00Z"),
        (30.12, 50.05, "2026-03-02T08:02:00Z"),
        (30.13, 50.0, "2026-03-02T08:03:00Z"),
    ]));
    assert!(w.check().is_empty(), "a graze is not alerted");
    // Out from about 08:10:30; at 08:13 it has lasted under 5 min, at 08:20 over.
    w.ingest(&reports(&[
        (30.20, 50.0, "2026-03-02T08:10:00Z"),
        (30.21, 50.05, "2026-03-02T08:11:00Z"),
        (30.22, 50.05, "2026-03-02T08:13:00Z"),
    ]));
    assert!(w.check().is_empty(), "not yet 5 minutes");
    w.ingest(&reports(&[(30.23, 50.05, "2026-03-02T08:20:00Z")]));
    let a = w.check();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_starts(&a[0], "2026-03-02T08:10:");
    w.ingest(&reports(&[(30.24, 50.05, "2026-03-02T08:25:00Z")]));
    assert!(w.check().is_empty(), "once");
}

/// Silent after 600 s: a convoy under way whose last report (08:01) is
/// 11 min old at 08:12 alerts once; reports resuming clear it; a convoy
/// parked (the same position repeated) never alerts silent.
#[test]
fn a_silent_convoy_under_way_is_alerted_once_per_silence() {
    let t = |s: &str| crate::io::time::parse_rfc3339(s).expect("time");
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ])
    .with_silent_after_s(600.0);
    w.ingest(&reports(&[
        (30.10, 50.0, "2026-03-02T08:00:00Z"),
        (30.11, 50.0, "2026-03-02T08:01:00Z"),
    ]));
    assert!(w.check().is_empty());
    assert!(
        w.check_silent(t("2026-03-02T08:11:00Z")).is_empty(),
        "exactly 600 s: not yet"
    );
    let a = w.check_silent(t("2026-03-02T08:12:00Z"));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].alert_type, AlertType::Silent);
    assert_starts(&a[0], "2026-03-02T08:01:00");
    assert_eq!(serde_json::to_value(&a[0]).expect("json")["type"], "silent");
    assert!(
        w.check_silent(t("2026-03-02T08:30:00Z")).is_empty(),
        "once per silence"
    );
    w.ingest(&reports(&[(30.12, 50.0, "2026-03-02T08:31:00Z")]));
    w.check();
    assert!(
        w.check_silent(t("2026-03-02T08:35:00Z")).is_empty(),
        "cleared"
    );
    assert_eq!(
        w.check_silent(t("2026-03-02T08:42:00Z")).len(),
        1,
        "a new silence"
    );
    // Parked: the same position reported twice, then nothing for an hour.
    let mut p = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ])
    .with_silent_after_s(600.0);
    p.ingest(&reports(&[
        (30.10, 50.0, "2026-03-02T08:00:00Z"),
        (30.10, 50.0, "2026-03-02T08:01:00Z"),
    ]));
    p.check();
    assert!(
        p.check_silent(t("2026-03-02T09:00:00Z")).is_empty(),
        "parked, not silent"
    );
}

#[test]
fn stretches_in_the_starting_tracks_are_not_alerted() {
    let with_track = format!(
        "{},{}]}}",
        &CORRIDOR[..CORRIDOR.len() - 2],
        r#"{"type":"Feature","properties":{"kind":"track","convoy_id":"OLD"},
         "geometry":{"type":"LineString","coordinates":[[30.1,50],[30.2,50.2]]}}"#
    );
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", with_track.as_bytes()).expect("c"),
    ]);
    assert!(w.check().is_empty());
    let batch = reports(&[
        (30.1, 50.0, "2026-03-02T08:00:00Z"),
        (30.1, 50.2, "2026-03-02T08:10:00Z"),
    ]);
    w.ingest(&batch);
    let alerts = w.check();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].convoy_id, "K-1");
}

#[test]
fn a_growing_deviation_is_alerted_once_and_duplicates_are_dropped() {
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ]);
    let batch1 = reports(&[
        (30.1, 50.0, "2026-03-02T08:00:00Z"),
        (30.2, 50.0, "2026-03-02T08:10:00Z"),
    ]);
    assert_eq!(w.ingest(&batch1).new, 2);
    assert!(w.check().is_empty());
    // Off the corridor 0.1 degree north (about 11 km), reported twice, out of order.
    let batch2 = reports(&[
        (30.3, 50.1, "2026-03-02T08:30:00Z"),
        (30.25, 50.05, "2026-03-02T08:20:00Z"),
        (30.3, 50.1, "2026-03-02T08:30:00Z"),
    ]);
    let n = w.ingest(&batch2);
    assert_eq!((n.new, n.duplicates), (2, 1));
    let alerts = w.check();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].alert_type, AlertType::Deviation);
    assert_eq!(alerts[0].convoy_id, "K-1");
    assert_starts(&alerts[0], "2026-03-02T08:1");
    // The same deviation grows: no new alert. Re-entering and leaving again: a new one.
    assert!(w.ingest(&batch2).new == 0);
    let batch3 = reports(&[(30.35, 50.12, "2026-03-02T08:40:00Z")]);
    w.ingest(&batch3);
    assert!(w.check().is_empty());
    let batch4 = reports(&[
        (30.4, 50.0, "2026-03-02T09:00:00Z"),
        (30.5, 50.0, "2026-03-02T09:10:00Z"),
        (30.6, 50.1, "2026-03-02T09:20:00Z"),
    ]);
    w.ingest(&batch4);
    let alerts = w.check();
    assert_eq!(alerts.len(), 1);
    assert_starts(&alerts[0], "2026-03-02T09:1");
    let line = serde_json::to_value(&alerts[0]).expect("json");
    assert_eq!(line["type"], "deviation");
    assert!(line["max_offset_m"].as_f64().is_some_and(|m| m > 5_000.0));
}

/// Stuck after 20 min: a convoy that drove, then reported one position from
/// 08:10 to 08:40, alerts once (at the 08:35 report: 25 min > 20); a convoy that
/// never moved (parked from its first report) does not.
#[test]
fn a_convoy_stuck_after_moving_is_alerted_once() {
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ])
    .with_stuck_after_s(1200.0);
    w.ingest(&reports(&[
        (30.10, 50.0, "2026-03-02T08:00:00Z"),
        (30.15, 50.0, "2026-03-02T08:10:00Z"),
        (30.15, 50.0, "2026-03-02T08:20:00Z"),
        (30.15, 50.0, "2026-03-02T08:30:00Z"),
    ]));
    w.check();
    assert!(
        w.check_stuck().is_empty(),
        "20 min: not more than the limit"
    );
    w.ingest(&reports(&[(30.15, 50.0, "2026-03-02T08:35:00Z")]));
    w.check();
    let a = w.check_stuck();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].alert_type, AlertType::Stuck);
    assert_starts(&a[0], "2026-03-02T08:10:00");
    assert_eq!(
        a[0].stretch.end_time.as_deref(),
        Some("2026-03-02T08:35:00Z")
    );
    w.ingest(&reports(&[(30.15, 50.0, "2026-03-02T08:40:00Z")]));
    w.check();
    assert!(w.check_stuck().is_empty(), "once per halt");
    // Never moved: parked, not stuck.
    let mut p = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ])
    .with_stuck_after_s(1200.0);
    p.ingest(&reports(&[
        (30.10, 50.0, "2026-03-02T08:00:00Z"),
        (30.10, 50.0, "2026-03-02T09:00:00Z"),
    ]));
    p.check();
    assert!(p.check_stuck().is_empty());
}

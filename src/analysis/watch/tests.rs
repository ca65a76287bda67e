//! The watcher's tests: alerts once, tails, late reports, the rules.

use super::*;
use crate::analysis::replay::tests::rfc3339;
use crate::io::read_bytes;

const CORRIDOR: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"corridor","id":"C1"},
   "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#;

fn reports(points: &[(f64, f64, &str)]) -> Layer {
    let text = crate::synth::position_reports("K-1", points, "");
    read_bytes("feed", text.as_bytes()).expect("reports")
}

/// The alert as `watch` writes it.
fn entry(a: &Alert) -> crate::output::report::AlertEntry {
    crate::output::report::AlertEntry::of(a)
}

/// The alert's stretch starts at a time beginning with `prefix`.
fn assert_starts(a: &Alert, prefix: &str) {
    let t = entry(a).stretch.start_time.unwrap_or_default();
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
        (alerts[0].stretch.start.x - 30.486).abs() < 0.001,
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
    .with_min_duration_s(300.0)
    // These reports move 5.6 km in a minute: not judged as jumps here.
    .with_max_speed(crate::analysis::fixes::SpeedLimit::Off);
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
    let t = |s: &str| rfc3339(s).expect("time");
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
    assert_eq!(
        serde_json::to_value(entry(&a[0])).expect("json")["type"],
        "silent"
    );
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
    let line = serde_json::to_value(entry(&alerts[0])).expect("json");
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
        entry(&a[0]).stretch.end_time.as_deref(),
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

/// Incidents for the near-incident tests, on and beside the corridor at 50 N.
const INCIDENTS: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"incident","id":"I-1","time":"2026-03-02T08:00:00Z"},
   "geometry":{"type":"Point","coordinates":[30.5,50.01]}},
  {"type":"Feature","properties":{"kind":"incident","id":"I-2","time":"2026-03-02T08:00:00Z"},
   "geometry":{"type":"Point","coordinates":[30.5,50.02]}},
  {"type":"Feature","properties":{"kind":"incident","id":"I-3","time":"2026-03-01T06:00:00Z"},
   "geometry":{"type":"Point","coordinates":[30.7,50.0]}},
  {"type":"Feature","properties":{"kind":"incident","id":"I-4","time":"2026-03-02T10:00:00Z"},
   "geometry":{"type":"Point","coordinates":[30.9,50.0]}},
  {"type":"Feature","properties":{"kind":"incident","id":"I-5"},
   "geometry":{"type":"Point","coordinates":[30.3,50.0]}}]}"#;

fn with_incidents() -> Vec<Layer> {
    vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
        read_bytes("i.geojson", INCIDENTS.as_bytes()).expect("i"),
    ]
}

/// Reports with extra properties (a convoy's own rules).
fn reports_with(points: &[(f64, f64, &str)], props: &str) -> Layer {
    let feats: Vec<String> = points
        .iter()
        .map(|(x, y, t)| {
            format!(
                r#"{{"type":"Feature","properties":{{"kind":"track","convoy_id":"K-1","time":"{t}",{props}}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        feats.join(",")
    );
    read_bytes("feed", text.as_bytes()).expect("reports")
}

/// Within 1,500 m and 24 h: I-1 is 0.01 degree of latitude north of the
/// convoy at 50 N, 1,112.3 m on the meridian (111,228 m a degree there); I-2
/// is 2,224.6 m off (too far); I-3 is 26.5 h old at 08:30 (too old); I-4 is
/// reported at 10:00, after the 09:30 report (the future), within reach of
/// the 10:30 one; I-5 has no time (never recent). One alert per incident.
#[test]
fn a_convoy_near_a_recent_incident_is_alerted_once_per_incident() {
    let mut w = Watcher::new(with_incidents()).with_near_incident(1_500.0, 24.0);
    assert_eq!(w.near_incident_counts(), Some((4, 1)));
    w.ingest(&reports(&[(30.5, 50.0, "2026-03-02T08:30:00Z")]));
    let a = w.check();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].alert_type, AlertType::NearIncident);
    assert_eq!(a[0].incident_id.as_deref(), Some("I-1"));
    let d = a[0].distance_m.expect("distance");
    assert!((d - 1_112.3).abs() < 1.0, "{d}");
    assert_starts(&a[0], "2026-03-02T08:30:00");
    let json = serde_json::to_value(entry(&a[0])).expect("json");
    assert_eq!(json["type"], "near_incident");
    assert_eq!(json["incident_id"], "I-1");
    // Still near I-1 a minute later: not again. I-3 is too old, I-5 untimed.
    w.ingest(&reports(&[(30.5005, 50.0, "2026-03-02T08:31:00Z")]));
    assert!(w.check().is_empty());
    w.ingest(&reports(&[(30.7, 50.0, "2026-03-02T09:00:00Z")]));
    assert!(w.check().is_empty(), "I-3 was 27 h before");
    w.ingest(&reports(&[(30.9, 50.0, "2026-03-02T09:30:00Z")]));
    assert!(w.check().is_empty(), "I-4 is not reported yet at 09:30");
    w.ingest(&reports(&[(30.9001, 50.0, "2026-03-02T10:30:00Z")]));
    let a = w.check();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].incident_id.as_deref(), Some("I-4"));
    // 0.0001 degree of longitude at 50 N: 7.2 m (111,320 m x cos 50 / 10,000).
    assert!((a[0].distance_m.expect("d") - 7.2).abs() < 0.1, "{a:?}");
    // Without the option nothing is looked for.
    let mut off = Watcher::new(with_incidents());
    off.ingest(&reports(&[(30.5, 50.0, "2026-03-02T08:30:00Z")]));
    assert!(off.check().is_empty());
}

/// A convoy's own properties come before the watch's options: its
/// `near_incident_m` of 3,000 m reaches I-2 (2,224.6 m) with the option off;
/// its `stuck_after_s` of 600 alerts a halt the watch's 3,600 s would not.
#[test]
fn a_convoys_own_rules_come_first() {
    let mut w = Watcher::new(with_incidents()).with_stuck_after_s(3_600.0);
    w.ingest(&reports_with(
        &[(30.5, 50.02, "2026-03-02T08:30:00Z")],
        r#""near_incident_m":3000,"stuck_after_s":600"#,
    ));
    let a = w.check();
    let mut ids: Vec<_> = a.iter().filter_map(|a| a.incident_id.clone()).collect();
    ids.sort();
    assert_eq!(ids, ["I-1", "I-2"], "{a:?}");
    // Moves, then holds one position 08:40 to 08:51: 11 min > its own 10.
    w.ingest(&reports_with(
        &[
            (30.51, 50.0, "2026-03-02T08:40:00Z"),
            (30.51, 50.0, "2026-03-02T08:45:00Z"),
        ],
        r#""convoy_name":"x""#,
    ));
    w.check();
    assert!(w.check_stuck().is_empty(), "5 min: not yet");
    w.ingest(&reports(&[(30.51, 50.0, "2026-03-02T08:51:00Z")]));
    w.check();
    let s = w.check_stuck();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].alert_type, AlertType::Stuck);
    assert_starts(&s[0], "2026-03-02T08:40:00");
    // A properties-less convoy keeps the watch's 3,600 s.
    assert_eq!(
        ConvoyRules::of(&reports(&[(30.0, 50.0, "2026-03-02T08:00:00Z")]).features[0]),
        None
    );
}

/// Regression (issue 22, item 12): the minimum duration was judged on the
/// stretch's times rounded to the second. A track leaves a meridian corridor
/// (1 km each side) at right angles, turns at 1,456.664 m and comes back; the
/// crossings at 1,000 m fall (by distance, along one geodesic) at 68.65 s and
/// 131.35 s, so the stretch lasts 62.70 s; rounded, 69 s to 131 s, only 62 s.
/// Independent figures: the crossing times are 100 s x 1000 / L and
/// 200 s - that, by hand.
#[test]
fn the_minimum_duration_is_judged_on_exact_times() {
    let meridian = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"M","tolerance_m":1000},
       "geometry":{"type":"LineString","coordinates":[[30,49],[30,51]]}}]}"#;
    let origin = geo::Coord { x: 30.0, y: 50.0 };
    let turn = crate::geodesy::destination(origin, 90.0, 100_000.0 / 68.65);
    for (min_s, alerts) in [(62.5, 1), (62.9, 0)] {
        let mut w = Watcher::new(vec![
            read_bytes("m.geojson", meridian.as_bytes()).expect("m"),
        ])
        .with_min_duration_s(min_s);
        w.ingest(&reports(&[
            (origin.x, origin.y, "2026-03-02T08:00:00Z"),
            (turn.x, turn.y, "2026-03-02T08:01:40Z"),
            (origin.x, origin.y, "2026-03-02T08:03:20Z"),
        ]));
        let got = w.check();
        assert_eq!(got.len(), alerts, "minimum {min_s} s: {got:?}");
        if let Some(a) = got.first() {
            let lasted = a.stretch.end_s.unwrap() - a.stretch.start_s.unwrap();
            assert!((lasted - 62.7).abs() < 0.01, "{lasted}");
        }
    }
}

/// A long excursion read report by report (issue 22, item 11: each batch
/// re-read the whole open stretch): the alerts are `check`'s stretches, the
/// deviation once and the zone entry crossed during it once, with `check`'s
/// starts, whether a batch holds one report or seven.
#[test]
fn a_long_excursion_alerts_what_check_finds() {
    let layers = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"C","tolerance_m":1000},
       "geometry":{"type":"LineString","coordinates":[[30,46],[30,47]]}},
      {"type":"Feature","properties":{"kind":"contact_line","width_km":2},
       "geometry":{"type":"LineString","coordinates":[[30.03,46.5],[30.1,46.5]]}}]}"#;
    let layers = read_bytes("l.geojson", layers.as_bytes()).expect("layers");
    // North inside, east out 4.6 km, north through the zone band, back west, north inside.
    let mut at = vec![];
    let mut push = |x: f64, y: f64| at.push((x, y));
    (0..200).for_each(|k| push(30.0, 46.1 + 0.0005 * f64::from(k)));
    (0..120).for_each(|k| push(0.0005 * f64::from(k) + 30.0, 46.2));
    (0..1200).for_each(|k| push(30.06, 46.2 + 0.0005 * f64::from(k)));
    (0..120).for_each(|k| push(30.06 - 0.0005 * f64::from(k), 46.8));
    (0..100).for_each(|k| push(30.0, 46.8 + 0.0005 * f64::from(k)));
    let t0 = rfc3339("2026-03-02T08:00:00Z").expect("t");
    let times: Vec<String> = (0..at.len())
        .map(|k| crate::utc::format_rfc3339(t0 + 10.0 * k as f64).expect("t"))
        .collect();
    let points: Vec<(f64, f64, &str)> = at
        .iter()
        .zip(&times)
        .map(|(&(x, y), t)| (x, y, t.as_str()))
        .collect();
    let track = reports(&points);
    let convoys = crate::analysis::assemble_convoys(std::slice::from_ref(&track));
    let checked = crate::analysis::check(
        &crate::analysis::Scenario::new(vec![layers.clone()]),
        &convoys,
        &crate::analysis::CheckOptions::default(),
    );
    let written = |t: AlertType, s: &crate::analysis::Stretch| {
        let e = crate::output::report::StretchEntry::of(s);
        (t, e.start, e.start_time)
    };
    let want: Vec<(AlertType, [f64; 2], Option<String>)> = checked[0]
        .deviations
        .iter()
        .map(|s| written(AlertType::Deviation, s))
        .chain(
            checked[0]
                .buffer_zone_entries
                .iter()
                .map(|s| written(AlertType::BufferZoneEntry, s)),
        )
        .collect();
    assert_eq!(want.len(), 2, "{want:?}");
    for batch in [1, 7] {
        let mut w = Watcher::new(vec![layers.clone()]);
        let mut got = Vec::new();
        for chunk in points.chunks(batch) {
            w.ingest(&reports(chunk));
            got.extend(
                w.check()
                    .into_iter()
                    .map(|a| written(a.alert_type, &a.stretch)),
            );
        }
        got.sort_by_key(|g| g.0 as u8);
        assert_eq!(got, want, "batches of {batch}");
        // Each report is read a bounded number of times (the whole open
        // stretch was read again with every batch: about n^2 / 2 vertices).
        let n = points.len();
        assert!(
            w.vertices_read() < 4 * n,
            "batches of {batch}: {} vertices read for {n} reports",
            w.vertices_read()
        );
        assert!(w.held() <= 2, "settled at the end: {}", w.held());
    }
}

/// Issue 24, item 4: a finished trip is not a silence. A convoy that stops
/// reporting at its corridor's end, or whose last report says `status:
/// arrived`, is not alerted silent; one that stops half-way is.
#[test]
fn a_finished_trip_is_not_silent() {
    let t = |s: &str| rfc3339(s).expect("time");
    let mut w = Watcher::new(vec![
        read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
    ])
    .with_silent_after_s(600.0);
    let convoy = |id: &str, last: (f64, f64), status: &str| {
        let text = crate::synth::position_reports(
            id,
            &[
                (last.0 - 0.02, 50.0, "2026-03-02T08:00:00Z"),
                (last.0 - 0.01, 50.0, "2026-03-02T08:01:00Z"),
                (last.0, last.1, "2026-03-02T08:02:00Z"),
            ],
            "",
        );
        let text = if status.is_empty() {
            text
        } else {
            text.replacen(
                r#""time":"2026-03-02T08:02:00Z""#,
                &format!(r#""time":"2026-03-02T08:02:00Z","status":"{status}""#),
                1,
            )
        };
        read_bytes("feed", text.as_bytes()).expect("reports")
    };
    w.ingest(&convoy("AT-END", (30.999, 50.0), ""));
    w.ingest(&convoy("HALF-WAY", (30.5, 50.0), ""));
    w.ingest(&convoy("SAYS-ARRIVED", (30.6, 50.0), "Arrived"));
    assert!(w.check().is_empty());
    let silent: Vec<String> = w
        .check_silent(t("2026-03-02T08:30:00Z"))
        .into_iter()
        .map(|a| a.convoy_id)
        .collect();
    assert_eq!(silent, ["HALF-WAY"]);
}

/// Issue 24, item 3: an alert follows its stretch. A deviation is alerted
/// once when it starts; each later batch updates its figures (`update`); the
/// batch in which the convoy is back gives its final figures (`end`), equal
/// to `check`'s stretch on the whole track.
#[test]
fn an_alert_grows_with_its_stretch_and_ends_with_checks_figures() {
    let layers = read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c");
    let pts: Vec<(f64, f64, String)> = (0..30)
        .map(|k| {
            let lat = if (5..25).contains(&k) {
                50.0 + 0.002 * f64::from(k.min(30 - k))
            } else {
                50.0
            };
            (
                30.1 + 0.01 * f64::from(k),
                lat,
                format!("2026-03-02T08:{k:02}:00Z"),
            )
        })
        .collect();
    let points: Vec<(f64, f64, &str)> = pts.iter().map(|(x, y, t)| (*x, *y, t.as_str())).collect();
    let mut w = Watcher::new(vec![layers.clone()]).with_stretch_events(true, true);
    let mut events = Vec::new();
    for chunk in points.chunks(3) {
        w.ingest(&reports(chunk));
        events.extend(w.check());
    }
    let kinds: Vec<AlertEvent> = events.iter().map(|a| a.event).collect();
    assert_eq!(kinds.first(), Some(&AlertEvent::Start), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&AlertEvent::End), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == AlertEvent::Start).count(), 1);
    assert!(kinds.contains(&AlertEvent::Update));
    let checked = crate::analysis::check(
        &crate::analysis::Scenario::new(vec![layers]),
        &crate::analysis::assemble_convoys(std::slice::from_ref(&reports(&points))),
        &crate::analysis::CheckOptions::default(),
    );
    let want = &checked[0].deviations[0];
    let end = &events.last().unwrap().stretch;
    let written = crate::output::report::StretchEntry::of;
    assert_eq!(
        written(end),
        written(want),
        "the end line's figures are check's"
    );
    // The updates grow: lengths never shrink, and the first is the start's.
    let lengths: Vec<f64> = events.iter().map(|a| a.stretch.length_m).collect();
    assert!(
        lengths.windows(2).all(|w| w[1] >= w[0] - 0.1),
        "{lengths:?}"
    );
    assert!(events[0].stretch.length_m < want.length_m);
}

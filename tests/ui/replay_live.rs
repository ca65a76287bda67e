//! Replay recorded tracks as live in the app: the Live tab's rules, speed,
//! filters, and the same alerts as the core's replay (`watch --replay`).

use super::{app_on, bundled, click, wait_until};
use corridor_watch::analysis::live::batches_from;
use corridor_watch::analysis::replay::recorded_reports;
use corridor_watch::analysis::watch::{Options, Watcher};
use corridor_watch::model::{Layer, Role};
use egui_kittest::kittest::Queryable;

const RULES: Options = Options {
    min_duration_s: 0.0,
    silent_after_s: 1800.0,
    stuck_after_s: 900.0,
    near_incident_m: 5000.0,
    incident_window_h: 48.0,
    stretch_events: false,
    stretch_updates: false,
    max_speed_kmh: 0.0,
    slow_kn: 2.0,
    loiter_min: 60.0,
    encounter_m: 500.0,
    encounter_min: 120.0,
};

/// (convoy, type, start time) of each alert the core's replay raises on the
/// bundled scenario with `RULES`, sorted.
fn core_alerts() -> Vec<(String, String, String)> {
    let layers: Vec<Layer> = bundled()
        .iter()
        .map(|p| corridor_watch::io::read_path(p).expect("bundled layer"))
        .collect();
    let has_tracks = |l: &Layer| l.features.iter().any(|f| f.role == Role::Track);
    let (tracks, others): (Vec<Layer>, Vec<Layer>) = layers.into_iter().partition(has_tracks);
    let rec = recorded_reports(&tracks);
    let mut w = Watcher::new(others).with_options(&RULES);
    let mut out = Vec::new();
    for (_, end_t, range) in batches_from(&rec.times, rec.times[0], 30.0) {
        w.ingest_reports(&rec.reports[range]);
        for a in w.check_all(end_t) {
            out.push(key(&a));
        }
    }
    out.sort();
    out
}

/// The app's alerts as `core_alerts` gives them.
fn app_alerts(h: &super::Harness<'static, super::CorridorApp>) -> Vec<(String, String, String)> {
    let mut app: Vec<_> = h
        .state()
        .session
        .alerts
        .iter()
        .map(|a| key(&a.alert))
        .collect();
    app.sort();
    app
}

use corridor_watch::output::report::StretchEntry;

fn key(a: &corridor_watch::analysis::watch::Alert) -> (String, String, String) {
    (
        a.convoy_id.clone(),
        a.alert_type.as_str().to_string(),
        StretchEntry::of(&a.stretch).start_time.unwrap_or_default(),
    )
}

#[test]
fn the_loaded_tracks_replay_as_live_with_the_cores_alerts_and_filters() {
    let mut h = app_on(bundled());
    h.state_mut().settings.alert_rules = RULES;
    h.state_mut().settings.replay_speed = corridor_watch::app::live::feed::AS_FAST;
    click(&mut h, "Live");
    click(&mut h, "Replay loaded tracks as live");
    wait_until(&mut h, |h| {
        h.query_by_label_contains("Replay finished").is_some()
    });
    let app = app_alerts(&h);
    let core = core_alerts();
    assert_eq!(app, core, "the app's replay raises the core's alerts");
    // Issue 24, item 3: an alert follows its stretch. ICRC-04's first
    // deviation, alerted at 785 m, ended at 7.55 km (check's figures), and
    // says so; UN-07's, alerted at 440 m, is still going at the end of the
    // data, and shows what it has become.
    let alerts = &h.state().session.alerts;
    let find = |id: &str, start: &str| {
        alerts
            .iter()
            .find(|a| {
                a.alert.convoy_id == id
                    && StretchEntry::of(&a.alert.stretch).start_time.as_deref() == Some(start)
            })
            .unwrap_or_else(|| panic!("{id} {start}"))
    };
    let icrc = find("ICRC-04", "2026-03-02T10:27:39Z");
    assert!(icrc.ended);
    let written = StretchEntry::of(&icrc.alert.stretch);
    assert_eq!(written.length_m, 7547.3);
    assert_eq!(written.end_time.as_deref(), Some("2026-03-02T10:33:40Z"));
    let un07 = find("UN-07", "2026-03-02T12:08:45Z");
    assert!(!un07.ended);
    assert!(
        un07.alert.stretch.length_m > 10_000.0,
        "{:?}",
        un07.alert.stretch
    );
    h.get_by_label_contains("ended at 2026-03-02T10:33:40Z");
    // UN-07's zone entry ended at 13:29:36 while the convoy was still off its
    // corridor (no clean report after it): it said "ongoing" to the end of
    // the data. It ends with check's figures (12.11 km, 4.81 km deep).
    let zone = alerts
        .iter()
        .find(|a| {
            a.alert.convoy_id == "UN-07"
                && a.alert.alert_type == corridor_watch::analysis::watch::AlertType::BufferZoneEntry
        })
        .expect("UN-07's zone entry");
    let written = StretchEntry::of(&zone.alert.stretch);
    assert!(zone.ended, "{written:?}");
    assert_eq!(written.end_time.as_deref(), Some("2026-03-02T13:29:36Z"));
    assert_eq!(
        (written.length_m, written.max_offset_m),
        (12109.4, Some(4806.1))
    );
    let count = |t: &str| core.iter().filter(|k| k.1 == t).count();
    assert!(
        count("deviation") > 0 && count("silent") > 0 && count("stuck") > 0,
        "{core:?}"
    );
    h.get_by_label_contains(&format!("SILENT ({})", count("silent")));
    h.get_by_label_contains("Replay finished: recorded time 2026-03-03");
    // The time slider followed the replay to its last batch (2026-03-03T19:06:30Z),
    // even as fast as it goes, when the replay ends before the timeline's
    // first build (it went back to the data's start).
    let t = h.state().session.timeline.t;
    assert!(h.state().session.timeline.enabled, "the timeline is shown");
    assert!((t - 1_772_564_790.0).abs() < 31.0, "{t}");
    // Hiding SILENT hides those alerts and keeps the others.
    let silent = |h: &super::Harness<'static, super::CorridorApp>| {
        h.query_all_by_label_contains("SILENT: no report from its last position since")
            .count()
    };
    assert!(silent(&h) > 0);
    click(&mut h, &format!("SILENT ({})", count("silent")));
    assert_eq!(silent(&h), 0);
    assert_eq!(
        h.query_all_by_label_contains("DEVIATION: left its corridors")
            .count(),
        count("deviation")
    );
}

/// Files replayed as live (File > Replay recorded tracks as live…, past its
/// dialog): the same alerts as the loaded tracks give, the reports become a
/// layer, analysed once at the end; a file that is not there is a warning
/// naming it, and the layers stay.
#[test]
fn recorded_files_replay_as_live_into_a_layer() {
    let files = bundled();
    let (tracks, others): (Vec<_>, Vec<_>) = files.into_iter().partition(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name == "tracks.geojson" || name == "position_reports.csv"
    });
    assert_eq!(tracks.len(), 2, "{tracks:?}");
    let mut h = app_on(others);
    let before = h.state().session.layers.len();
    h.state_mut()
        .read_replay_files(vec![super::data("no-such-tracks.geojson")]);
    wait_until(&mut h, |h| {
        super::log_texts(h)
            .iter()
            .any(|t| t.contains("cannot replay") && t.contains("no-such-tracks.geojson"))
    });
    assert_eq!(h.state().session.layers.len(), before);
    // Tracks without any time cannot be replayed: said, nothing started.
    let dir = tempfile::tempdir().unwrap();
    let untimed = dir.path().join("untimed.geojson");
    std::fs::write(
        &untimed,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"convoy_id":"U-1"},"geometry":{"type":"LineString","coordinates":[[30,50],[30.1,50]]}}]}"#,
    )
    .unwrap();
    h.state_mut().read_replay_files(vec![untimed]);
    wait_until(&mut h, |h| {
        super::log_texts(h)
            .iter()
            .any(|t| t.contains("cannot replay") && t.contains("have no times"))
    });
    h.state_mut().settings.alert_rules = RULES;
    h.state_mut().settings.replay_speed = corridor_watch::app::live::feed::AS_FAST;
    h.state_mut().read_replay_files(tracks);
    click(&mut h, "Live");
    wait_until(&mut h, |h| {
        h.query_by_label_contains("Replay finished").is_some()
    });
    super::settle(&mut h);
    let app = app_alerts(&h);
    assert_eq!(app, core_alerts());
    let layer = h
        .state()
        .session
        .layers
        .iter()
        .find(|l| l.layer.name.starts_with("Live feed (replay of"))
        .expect("the replayed reports as a layer");
    assert_eq!(layer.layer.features.len(), 3621, "every timed vertex");
    let a = h.state().session.analysis.as_ref().expect("analysed");
    assert_eq!(
        a.results.len(),
        9,
        "the replayed convoys analysed at the end"
    );
}

//! UI tests: egui_kittest drives the real app by accessibility labels.
//! Snapshots (wgpu on Mesa's CPU Vulkan driver) are in tests/snapshots/.

use corridor_watch::app::CorridorApp;
use eframe::egui;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub(crate) fn data(name: &str) -> PathBuf {
    crate::util::root().join("data").join(name)
}

fn bundled() -> Vec<PathBuf> {
    // The same list the app opens on a fresh start.
    let files = corridor_watch::app::bundled_files();
    assert_eq!(files.len(), 7, "the bundled scenario is in data/");
    files
}

/// The app on `files`, stepped until its worker jobs are done.
pub(crate) fn app_on(files: Vec<PathBuf>) -> Harness<'static, CorridorApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new(cc, files));
    settle(&mut h);
    h
}

pub(crate) fn settle(h: &mut Harness<'static, CorridorApp>) {
    let start = Instant::now();
    loop {
        h.step();
        if !h.state().busy() && h.state().session.analysis.is_some() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the app's jobs did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(3);
}

/// The log shows wall-clock times: keep it out of snapshots.
/// The latest error in the app's log says all of `words`.
pub(crate) fn assert_logged_error(h: &Harness<'static, CorridorApp>, words: &[&str]) {
    let log = &h.state().session.log;
    let err = log
        .iter()
        .rev()
        .find(|e| e.error)
        .expect("an error in the log");
    assert!(words.iter().all(|w| err.text.contains(w)), "{}", err.text);
}

/// Steps the app until `cond` holds (at most 60 s).
pub(crate) fn wait_until(
    h: &mut Harness<'static, CorridorApp>,
    cond: impl Fn(&Harness<'static, CorridorApp>) -> bool,
) {
    let t0 = Instant::now();
    while !cond(h) {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "{:#?}",
            log_texts(h)
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
}

/// The app's log lines, for assertion messages.
pub(crate) fn log_texts(h: &Harness<'static, CorridorApp>) -> Vec<String> {
    h.state()
        .session
        .log
        .iter()
        .map(|e| e.text.clone())
        .collect()
}

pub(crate) fn hide_log(h: &mut Harness<'static, CorridorApp>) {
    h.state_mut().settings.show_log = false;
    h.run_steps(2);
}

pub(crate) fn click(h: &mut Harness<'static, CorridorApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
}

#[test]
fn starts_on_the_bundled_data_with_its_layers() {
    let h = app_on(bundled());
    // Every layer file in data/ (read from the folder, not from the app's list) is listed.
    let mut names = Vec::new();
    for e in std::fs::read_dir(data("")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".geojson") || name.ends_with(".csv") {
            h.get_by_label(&name);
            names.push(name);
        }
    }
    assert_eq!(names.len(), 7, "{names:?}");
    assert_eq!(h.state().session.layers.len(), 7);
    assert!(
        h.state().session.log.iter().all(|e| !e.error),
        "no errors on the bundled data"
    );
}

#[test]
fn convoys_panel_lists_the_flagged_convoys_and_their_stretches() {
    let mut h = app_on(bundled());
    click(&mut h, "Convoys");
    h.get_by_label("9 convoys, 6 flagged");
    click(&mut h, "Flagged only");
    // UN-02 moved an hour before its movement's window.
    for id in ["UN-02", "UN-03", "ICRC-04", "UN-07", "MSF-06", "MV-SEA-2"] {
        h.get_by_label(id);
    }
    for id in ["UN-01", "WFP-05", "MV-SEA-1"] {
        assert!(
            h.query_by_label(id).is_none(),
            "{id} is clean and must be filtered out"
        );
    }
    // Issue 24: the table sorts by a clicked header (worst offset: MV-SEA-2's
    // 9.36 km before UN-07's 27.52 km, then the other way round).
    let above = |h: &Harness<'static, CorridorApp>, a: &str, b: &str| {
        h.get_by_label(a).rect().top() < h.get_by_label(b).rect().top()
    };
    click(&mut h, "Worst offset");
    assert!(above(&h, "MV-SEA-2", "UN-07"));
    click(&mut h, "Worst offset ^");
    assert!(above(&h, "UN-07", "MV-SEA-2"));
    click(&mut h, "ICRC-04");
    h.get_by_label("Convoy ICRC-04");
    h.get_by_label_contains("Deviation 1:");
    // Issue 24: a stretch says how long it lasted, not only when.
    h.get_by_label_contains("2026-03-02T10:33:40Z (6 min)");
    h.get_by_label_contains("Deviation 2:");
    h.get_by_label_contains("Deviation 2:").click();
    h.run_steps(3);
    assert!(
        h.state().session.highlight.path.is_some(),
        "selecting a stretch highlights it"
    );
    hide_log(&mut h);
    h.snapshot_options(
        "convoys_panel",
        &SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(4000),
    );
}

#[test]
fn identify_at_poltava_names_the_corridor() {
    let mut h = app_on(bundled());
    h.state_mut().centre_on(34.551, 49.589, 11.0);
    h.run_steps(3);
    let centre = h.state().map_rect().center();
    h.hover_at(centre);
    h.drag_at(centre);
    h.drop_at(centre);
    h.run_steps(3);
    h.get_by_label_contains("Identify at 34.55");
    h.get_by_label_contains("Kyiv - Poltava - Kharkiv (M03)");
}

#[test]
fn an_invalid_file_is_logged_and_the_other_layers_stay() {
    let mut h = app_on(bundled());
    let bad = crate::util::fixture("geojson/invalid/short-line.geojson");
    h.state_mut().open_path(bad, None);
    settle(&mut h);
    assert_eq!(h.state().session.layers.len(), 7);
    assert_logged_error(&h, &["short-line.geojson", "2 or more positions"]);
    h.get_by_label_contains("could not open");
    h.get_by_label("tracks.geojson");
}

#[test]
fn buffer_zone_panel_counts_and_filters() {
    let mut h = app_on(bundled());
    click(&mut h, "Buffer zone");
    h.get_by_label("26 incidents shown, 10 inside the zone (26 loaded)");
    click(&mut h, "Inside the zone only");
    h.get_by_label("10 incidents shown, 10 inside the zone (26 loaded)");
    hide_log(&mut h);
    h.snapshot_options(
        "buffer_zone_panel",
        &SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(4000),
    );
}

#[test]
fn map_overview_snapshot() {
    let mut h = app_on(bundled());
    hide_log(&mut h);
    h.snapshot_options(
        "map_overview",
        &SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(4000),
    );
}

#[test]
fn open_url_loads_over_http_and_reports_a_404() {
    let mut h = app_on(vec![data("corridors.geojson")]);
    let body = std::fs::read(data("incidents.geojson")).unwrap();
    let ok = crate::util::serve(200, body, 1);
    h.state_mut()
        .open_url(format!("{ok}/incidents.geojson"), None);
    settle(&mut h);
    assert_eq!(
        h.state().session.layers.len(),
        2,
        "the downloaded layer is added"
    );
    h.get_by_label("incidents.geojson");
    let missing = crate::util::serve(404, b"not here".to_vec(), 1);
    h.state_mut()
        .open_url(format!("{missing}/gone.geojson"), None);
    settle(&mut h);
    assert_eq!(
        h.state().session.layers.len(),
        2,
        "a failed download keeps what was loaded"
    );
    assert_logged_error(&h, &["404", "gone.geojson"]);
}

// ---- route tool, routing, live feed, replay, exports

/// Towns at the ends of the bundled corridors (lon, lat).
const KYIV: geo::Coord = geo::Coord {
    x: 30.523,
    y: 50.45,
};
const POLTAVA: geo::Coord = geo::Coord {
    x: 34.551,
    y: 49.589,
};
const SLOVIANSK: geo::Coord = geo::Coord {
    x: 37.605,
    y: 48.852,
};
const ZAPORIZHZHIA: geo::Coord = geo::Coord {
    x: 35.139,
    y: 47.838,
};

pub(crate) fn click_map(h: &mut Harness<'static, CorridorApp>, c: geo::Coord) {
    let p = h.state().screen_pos(c);
    h.hover_at(p);
    h.drag_at(p);
    h.drop_at(p);
    h.run_steps(3);
}

#[test]
fn live_feed_grows_tracks_and_raises_alerts_through_faults() {
    let dir = tempfile::tempdir().unwrap();
    let layers = crate::util::feed_layers(dir.path());
    let mut h = app_on(vec![layers]);
    let url = crate::util::serve_script(crate::util::feed_script());
    h.state_mut()
        .start_feed(format!("{url}/collections/k/items"), 0.1);
    let start = Instant::now();
    while h.state().session.alerts.len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no alerts arrived"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    settle(&mut h);
    h.get_by_label_contains("K-1 DEVIATION: left its corridors");
    h.get_by_label_contains("K-1 ZONE ENTRY: entered the buffer zone");
    h.get_by_label_contains("Feed: live (7 reports");
    assert!(
        h.state()
            .session
            .log
            .iter()
            .any(|e| e.text.contains("500") && e.text.contains("retrying")),
        "the 500 was reported and retried"
    );
    // The reports became a track layer and the analysis flags K-1.
    let a = h.state().session.analysis.as_ref().unwrap();
    assert_eq!(a.results.len(), 1);
    assert_eq!(a.results[0].report.deviations.len(), 1);
    h.get_by_label_contains("K-1 DEVIATION").click();
    h.run_steps(3);
    assert!(
        h.state().session.highlight.path.is_some(),
        "selecting an alert highlights it"
    );
    click(&mut h, "Stop watching");
    h.get_by_label_contains("Feed: stopped (7 reports kept)");
}

#[test]
fn replay_shows_convoys_at_a_given_time() {
    use corridor_watch::app::timeline::position_at;
    let mut h = app_on(bundled());
    h.state_mut().session.timeline.enabled = true;
    h.run_steps(3);
    h.get_by_label("Play");
    let (t_min, t_max, n) = {
        let d = h
            .state()
            .session
            .timeline
            .data
            .as_ref()
            .expect("a timeline");
        (d.t_min, d.t_max, d.tracks.len())
    };
    assert_eq!(n, 9, "every bundled convoy has times");
    assert!(t_max > t_min);
    // At a time between UN-07's first and last report it is somewhere on its track.
    let tr = {
        let d = h.state().session.timeline.data.as_ref().unwrap();
        let tr = d.tracks.iter().find(|t| t.convoy_id == "UN-07").unwrap();
        (tr.parts[0][0], *tr.parts[0].last().unwrap())
    };
    let t_mid = 0.5 * (tr.0.0 + tr.1.0);
    h.state_mut().session.timeline.t = t_mid;
    h.state_mut().session.timeline.follow = Some("UN-07".into());
    h.run_steps(3);
    let d = h.state().session.timeline.data.as_ref().unwrap();
    let un07 = d.tracks.iter().find(|t| t.convoy_id == "UN-07").unwrap();
    let at = position_at(un07, t_mid).unwrap();
    assert_ne!(at, tr.0.1);
    assert_ne!(at, tr.1.1);
    assert_eq!(
        position_at(un07, tr.0.0),
        Some(tr.0.1),
        "at its first report it is there"
    );
    // Issue 24: the incidents that have not happened yet are not on the map.
    let (s, st) = (&h.state().session, &h.state().settings);
    let hidden = corridor_watch::app::map::hidden_incidents(s, st);
    let a = s.analysis.as_ref().unwrap();
    let later = |i: &&corridor_watch::analysis::incidents::IncidentInfo| {
        i.time_s.is_some_and(|x| x > t_mid)
    };
    assert!(a.incidents.iter().filter(later).count() > 0);
    for i in &a.incidents {
        assert_eq!(
            hidden.contains(&(i.layer, i.feature)),
            later(&i),
            "{}",
            i.id
        );
    }
    // Following UN-07 centres the map on it.
    let centre = h.state().map_rect().center();
    let seen = h.state().screen_pos(at);
    assert!(seen.distance(centre) < 3.0, "{seen:?} vs {centre:?}");
    let shown = corridor_watch::app::timeline::format_time(t_mid);
    h.get_by_label(&shown);
    hide_log(&mut h);
    h.snapshot_options(
        "replay",
        &SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(4000),
    );
    click(&mut h, "Play");
    h.run_steps(5);
    assert!(
        h.state().session.timeline.t > t_mid,
        "playing moves time on"
    );
}

#[test]
fn a_place_is_found_by_name_and_the_map_goes_there() {
    let mut h = app_on(vec![data("corridors.geojson")]);
    // The place names load on a worker at start.
    let start = Instant::now();
    while h.state().busy() && start.elapsed() < Duration::from_secs(60) {
        h.step();
    }
    let field = h.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    field.type_text("Zaporizhzhia");
    h.run_steps(2);
    // The matches list shows the city first.
    h.get_by_label_contains("Zaporizhzhya, UA (710,052 people)");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let centre = h.state().map_rect().center();
    let city = h.state().screen_pos(geo::Coord {
        x: 35.11714,
        y: 47.85167,
    });
    assert!((centre - city).length() < 2.0, "{centre:?} vs {city:?}");
    assert!(
        h.state()
            .session
            .log
            .iter()
            .any(|e| e.text.starts_with("centred on Zaporizhzhya (UA)")),
        "the log says where the map went"
    );
}

#[test]
fn a_date_filter_holds_for_the_table_the_map_and_the_export() {
    use corridor_watch::app::export::ExportKind;
    let mut h = app_on(bundled());
    click(&mut h, "Buffer zone");
    // A date alone is a whole day (UTC); the window here is 3 and 4 March.
    h.state_mut().settings.zone_filter.from = "2026-03-03".into();
    h.state_mut().settings.zone_filter.to = "2026-03-04".into();
    h.run_steps(2);
    let a = h.state().session.analysis.as_ref().unwrap();
    let t = |s: &str| corridor_watch::io::time::parse_rfc3339(s).unwrap();
    let (from, to) = (t("2026-03-03T00:00:00Z"), t("2026-03-04T23:59:59.999Z"));
    let want: Vec<_> = a
        .incidents
        .iter()
        .filter(|i| i.time_s.is_some_and(|s| s >= from && s <= to))
        .collect();
    let inside = want.iter().filter(|i| i.inside).count();
    assert!(!want.is_empty() && want.len() < a.incidents.len());
    h.get_by_label(&format!(
        "{} incidents shown, {inside} inside the zone (26 loaded)",
        want.len()
    ));
    // The export writes the same rows the table shows (the inside ones, as its CSV always did).
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("i.csv");
    h.state_mut()
        .export_to(ExportKind::IncidentsCsv, csv_path.clone());
    settle(&mut h);
    let rows = csv::Reader::from_path(&csv_path).unwrap().records().count();
    assert_eq!(rows, inside);
    // A preset: the last 24 hours of the data.
    click(&mut h, "24 h");
    assert!(!h.state().settings.zone_filter.from.is_empty());
}

#[test]
fn identify_says_what_the_analysis_knows_of_an_incident() {
    let mut h = app_on(bundled());
    let inc = {
        let a = h.state().session.analysis.as_ref().unwrap();
        let i = a.incidents.iter().find(|i| i.inside).unwrap();
        (
            i.pos,
            corridor_watch::output::text::format_length_m(i.depth_m),
        )
    };
    h.state_mut().centre_on(inc.0.x, inc.0.y, 11.0);
    h.run_steps(3);
    click_map(&mut h, inc.0);
    h.get_by_label_contains("(incident, incidents.geojson")
        .click();
    h.run_steps(3);
    h.get_by_label_contains(&format!("inside the buffer zone, {} deep", inc.1));
}

#[test]
fn one_bad_feature_is_skipped_with_a_warning_and_the_rest_loads() {
    let mut h = app_on(bundled());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("two.geojson");
    std::fs::write(
        &p,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"corridor","id":"OK-1"},"geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}},
{"type":"Feature","properties":{"kind":"corridor","id":"BAD"},"geometry":{"type":"LineString","coordinates":[[30,50]]}}]}"#,
    )
    .unwrap();
    h.state_mut().open_path(p, None);
    settle(&mut h);
    let layers = &h.state().session.layers;
    assert_eq!(layers.len(), 8, "the file loads");
    let l = layers
        .iter()
        .find(|l| l.layer.name == "two.geojson")
        .unwrap();
    assert_eq!(l.layer.features.len(), 1);
    assert_logged_error(
        &h,
        &["feature 1 skipped", "2 or more positions", "two.geojson"],
    );
    // The Layers tab marks the layer (issue 24, #11 leftover).
    h.get_by_label("(1 skipped)");
    assert!(
        h.query_by_label("1 features").is_none(),
        "one feature, not \"1 features\""
    );
    assert!(h.query_all_by_label("1 feature").count() >= 1);
    // The command line stays strict: the same file is refused, naming the feature.
    let out = crate::util::run(&[&dir.path().join("two.geojson")], &[], "check");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn go_to_takes_old_names_coordinates_and_mgrs() {
    let mut h = app_on(vec![data("corridors.geojson")]);
    let start = Instant::now();
    while h.state().busy() && start.elapsed() < Duration::from_secs(60) {
        h.step();
    }
    // "48.0, 37.8" reads both as lat, lon and as lon, lat (issue 24, item 2):
    // both are offered, each with its nearest town, and the one picked is shown.
    for (typed, pick, lon, lat) in [
        ("Kiev", None, 30.52, 50.45),
        ("48.0, 37.8", Some("lon 37.80000, lat 48.00000"), 37.8, 48.0),
        ("48.0, 37.8", Some("lon 48.00000, lat 37.80000"), 48.0, 37.8),
        ("37U DP 10659 28111", None, 37.8, 48.1),
    ] {
        let field = h.get_by_role(egui::accesskit::Role::TextInput);
        field.focus();
        h.state_mut().settings.forms.place.clear();
        h.run_steps(1);
        h.get_by_role(egui::accesskit::Role::TextInput)
            .type_text(typed);
        h.run_steps(2);
        h.key_press(egui::Key::Enter);
        h.run_steps(3);
        if let Some(label) = pick {
            h.get_by_label("Both orders are positions; which is meant?");
            h.get_by_label_contains(label).click();
            h.run_steps(3);
        }
        let centre = h.state().map_rect().center();
        let want = h.state().screen_pos(geo::Coord { x: lon, y: lat });
        assert!(
            (centre - want).length() < 30.0,
            "{typed}: {centre:?} vs {want:?}"
        );
    }
}

#[test]
fn plus_and_minus_keys_zoom_the_map() {
    let mut h = app_on(bundled());
    let zoom = |h: &Harness<'static, CorridorApp>| {
        // One degree of longitude on screen doubles per zoom level.
        let a = h.state().screen_pos(geo::Coord { x: 33.0, y: 48.0 });
        let b = h.state().screen_pos(geo::Coord { x: 34.0, y: 48.0 });
        (b - a).length()
    };
    let start = zoom(&h);
    h.key_press(egui::Key::Plus);
    h.run_steps(3);
    let zoomed = zoom(&h);
    assert!((zoomed / start - 2.0).abs() < 0.05, "{start} -> {zoomed}");
    h.key_press(egui::Key::Minus);
    h.run_steps(3);
    assert!((zoom(&h) / start - 1.0).abs() < 0.05);
}

/// Home shows every layer again after the view moved away and zoomed in
/// (issue 11's leftover: the Home key had no test).
#[test]
fn home_key_shows_every_layer() {
    let mut h = app_on(bundled());
    // Corners of the bundled layers' extent (28.6-38.28 E, 41.24-50.45 N).
    let all_on_screen = |h: &Harness<'static, CorridorApp>| {
        let r = h.state().map_rect();
        [(28.6, 41.24), (38.28, 50.45), (28.6, 50.45), (38.28, 41.24)]
            .iter()
            .all(|&(x, y)| r.contains(h.state().screen_pos(geo::Coord { x, y })))
    };
    h.state_mut().centre_on(10.0, 40.0, 9.0);
    h.run_steps(3);
    assert!(!all_on_screen(&h), "moved away first");
    h.key_press(egui::Key::Home);
    h.run_steps(5);
    assert!(all_on_screen(&h), "Home brings every layer back into view");
}

pub(crate) mod editing;
mod files;
mod furniture;
mod movements;
mod reopen;
mod replay_live;
mod route_tool;
mod sectors;
mod vessels;

//! UI tests: egui_kittest drives the real app by accessibility labels.
//! Snapshots (wgpu on Mesa's CPU Vulkan driver) are in tests/snapshots/.

use corridor_watch::app::CorridorApp;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn data(name: &str) -> PathBuf {
    crate::util::root().join("data").join(name)
}

fn bundled() -> Vec<PathBuf> {
    // The same list the app opens on a fresh start.
    let files = corridor_watch::app::state::bundled_files();
    assert_eq!(files.len(), 6, "the bundled scenario is in data/");
    files
}

/// The app on `files`, stepped until its worker jobs are done.
fn app_on(files: Vec<PathBuf>) -> Harness<'static, CorridorApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new(cc, files));
    settle(&mut h);
    h
}

fn settle(h: &mut Harness<'static, CorridorApp>) {
    let start = Instant::now();
    loop {
        h.step();
        if !h.state().busy() && h.state().analysis.is_some() {
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
fn hide_log(h: &mut Harness<'static, CorridorApp>) {
    h.state_mut().show_log = false;
    h.run_steps(2);
}

fn click(h: &mut Harness<'static, CorridorApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
}

#[test]
fn starts_on_the_bundled_data_with_its_layers() {
    let h = app_on(bundled());
    for name in [
        "corridors.geojson",
        "grain_routes.geojson",
        "contact_line.geojson",
        "incidents.geojson",
        "tracks.geojson",
        "position_reports.csv",
    ] {
        h.get_by_label(name);
    }
    assert_eq!(h.state().layers.len(), 6);
    assert!(
        h.state().log.iter().all(|e| !e.error),
        "no errors on the bundled data"
    );
}

#[test]
fn convoys_panel_lists_the_flagged_convoys_and_their_stretches() {
    let mut h = app_on(bundled());
    click(&mut h, "Convoys");
    h.get_by_label("9 convoys, 5 flagged");
    click(&mut h, "Flagged only");
    for id in ["UN-03", "ICRC-04", "UN-07", "MSF-06", "MV-SEA-2"] {
        h.get_by_label(id);
    }
    for id in ["UN-01", "UN-02", "WFP-05", "MV-SEA-1"] {
        assert!(
            h.query_by_label(id).is_none(),
            "{id} is clean and must be filtered out"
        );
    }
    click(&mut h, "ICRC-04");
    h.get_by_label("Convoy ICRC-04");
    h.get_by_label_contains("Deviation 1:");
    h.get_by_label_contains("Deviation 2:");
    h.get_by_label_contains("Deviation 2:").click();
    h.run_steps(3);
    assert!(
        h.state().highlight.path.is_some(),
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
    let centre = h.state().map_rect.center();
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
    assert_eq!(h.state().layers.len(), 6);
    let err = h
        .state()
        .log
        .iter()
        .find(|e| e.error)
        .expect("an error in the log");
    assert!(
        err.text.contains("short-line.geojson") && err.text.contains("2 or more positions"),
        "{}",
        err.text
    );
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
    assert_eq!(h.state().layers.len(), 2, "the downloaded layer is added");
    h.get_by_label("incidents.geojson");
    let missing = crate::util::serve(404, b"not here".to_vec(), 1);
    h.state_mut()
        .open_url(format!("{missing}/gone.geojson"), None);
    settle(&mut h);
    assert_eq!(
        h.state().layers.len(),
        2,
        "a failed download keeps what was loaded"
    );
    let err = h
        .state()
        .log
        .iter()
        .rev()
        .find(|e| e.error)
        .expect("an error in the log");
    assert!(
        err.text.contains("404") && err.text.contains("gone.geojson"),
        "{}",
        err.text
    );
}

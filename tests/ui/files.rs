//! The app's files: exports read back, the saved state written whole and
//! restored, files dropped on the window.

use super::*;

#[test]
fn exports_from_the_app_read_back() {
    use corridor_watch::app::export::ExportKind;
    let mut h = app_on(bundled());
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    for (kind, name) in [
        (ExportKind::StretchesCsv, "s.csv"),
        (ExportKind::StretchesGeojson, "s.geojson"),
        (ExportKind::IncidentsCsv, "i.csv"),
        (ExportKind::ReportJson, "r.json"),
        (ExportKind::StretchesKml, "s.kml"),
        (ExportKind::StretchesGpkg, "s.gpkg"),
        (ExportKind::StretchesFgb, "s.fgb"),
    ] {
        h.state_mut().export_to(kind, p(name));
    }
    h.state_mut()
        .session
        .route
        .edit(|w| *w = vec![KYIV, POLTAVA]);
    for (kind, name) in [
        (ExportKind::Route, "route.geojson"),
        (ExportKind::RouteGpx, "route.gpx"),
        (ExportKind::RouteKml, "route.kml"),
    ] {
        h.state_mut().export_to(kind, p(name));
    }
    settle(&mut h);
    let a = h.state().session.analysis.as_ref().unwrap();
    let stretches: usize = a
        .results
        .iter()
        .map(|r| r.report.deviations.len() + r.report.buffer_zone_entries.len())
        .sum();
    assert_eq!(stretches, 7);
    let rows = csv::Reader::from_path(p("s.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, stretches);
    let gj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p("s.geojson")).unwrap()).unwrap();
    assert_eq!(gj["features"].as_array().unwrap().len(), stretches);
    let inc = csv::Reader::from_path(p("i.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(inc, 10);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p("r.json")).unwrap()).unwrap();
    assert_eq!(r["convoys"].as_array().unwrap().len(), 9);
    assert_eq!(
        r["convoys"][0]["convoy_id"],
        a.results[0].report.convoy_id.as_str()
    );
    for name in ["s.kml", "s.gpkg", "s.fgb"] {
        let back = corridor_watch::io::read_path(&p(name)).unwrap();
        assert_eq!(back.features.len(), stretches, "{name}");
    }
    for name in ["route.geojson", "route.gpx", "route.kml"] {
        let route = corridor_watch::io::read_path(&p(name)).unwrap();
        let back = corridor_watch::io::route::route_from_layer(&route).unwrap();
        let near =
            |a: geo::Coord, b: geo::Coord| (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6;
        assert!(
            back.waypoints.len() == 2
                && near(back.waypoints[0], KYIV)
                && near(back.waypoints[1], POLTAVA),
            "{name}: {:?}",
            back.waypoints
        );
    }
    assert!(
        h.state()
            .session
            .log
            .iter()
            .filter(|e| e.text.starts_with("exported"))
            .count()
            >= 10,
        "each export is logged"
    );
}

/// An in-memory eframe storage, for calling the app's `save` in a test.
#[derive(Default)]
struct MemStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn saved_state_is_written_whole_restored_and_a_corrupt_one_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().to_path_buf();
    let (files, sd) = (bundled(), state_dir.clone());
    let mut h = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new_with_state(cc, files, None, Some(sd)));
    settle(&mut h);
    h.state_mut()
        .session
        .route
        .edit(|w| *w = vec![KYIV, POLTAVA]);
    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let file = state_dir.join("corridor-watch-state.json");
    let text = std::fs::read_to_string(&file).expect("the state file is written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("whole JSON");
    assert_eq!(v["layers"].as_array().unwrap().len(), 7);
    assert_eq!(v["route"]["waypoints"][1][0], 34.551);
    // Only the state file is left in the folder: the temporary one was renamed.
    assert_eq!(std::fs::read_dir(&state_dir).unwrap().count(), 1);

    // A fresh start on that state restores the layers and the route.
    let (t, sd) = (text.clone(), state_dir.clone());
    let mut h2 = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new_with_state(cc, Vec::new(), Some(t), Some(sd)));
    settle(&mut h2);
    assert_eq!(h2.state().session.layers.len(), 7);
    assert_eq!(h2.state().session.route.waypoints(), &[KYIV, POLTAVA]);

    // A corrupt state: start clean with a warning, and keep the bad copy aside.
    let bad = text[..text.len() / 2].to_string();
    let sd = state_dir.clone();
    let mut h3 = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new_with_state(cc, Vec::new(), Some(bad), Some(sd)));
    settle(&mut h3);
    assert!(
        h3.state().session.log.iter().any(|e| e.error
            && e.text.contains("starting clean")
            && e.text.contains("corrupt-state-")),
        "a warning names the kept copy"
    );
    assert!(h3.state().session.route.waypoints().is_empty());
    let kept = std::fs::read_dir(&state_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("corrupt-state-")
        })
        .expect("the bad copy is kept");
    assert_eq!(
        std::fs::read_to_string(kept.path()).unwrap().len(),
        text.len() / 2
    );
}

/// The side panel's width as the user dragged it is remembered between runs
/// (issue 24, #11 leftover); a first start has the default width.
#[test]
fn the_side_panel_width_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let (files, sd) = (bundled(), dir.path().to_path_buf());
    let mut h = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new_with_state(cc, files, None, Some(sd)));
    settle(&mut h);
    assert!((h.state().settings.side_width - 420.0).abs() < 2.0);
    // As if dragged: the saved state says 560 points.
    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let text = std::fs::read_to_string(dir.path().join("corridor-watch-state.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["side_width"].as_f64().is_some(), "the width is saved");
    v["side_width"] = serde_json::json!(560.0);
    let (t, sd) = (v.to_string(), dir.path().to_path_buf());
    let mut h2 = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new_with_state(cc, Vec::new(), Some(t), Some(sd)));
    settle(&mut h2);
    h2.run_steps(2);
    let w = h2.state().settings.side_width;
    assert!((w - 560.0).abs() < 2.0, "restored at {w}");
}

/// A file dropped on the window, as the window system hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_kmz_and_a_geopackage_dropped_on_the_window_load_as_layers() {
    let mut h = app_on(vec![data("tracks.geojson")]);
    let scenario = crate::util::fixture("formats/scenario");
    for name in ["scenario.kmz", "scenario_3857.gpkg"] {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(scenario.join(name))));
    }
    // Until both are loaded and the analysis of all three layers is in.
    let start = Instant::now();
    loop {
        h.step();
        let s = &h.state().session;
        if s.layers.len() == 3
            && !h.state().busy()
            && s.analysis.as_ref().is_some_and(|a| a.results.len() == 9)
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the drop did not load"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let layers = &h.state().session.layers;
    assert_eq!(layers.len(), 3, "{:?}", log_texts(&h));
    let kmz = layers
        .iter()
        .find(|l| l.layer.name == "scenario.kmz")
        .expect("the KMZ");
    assert_eq!(kmz.layer.features.len(), 155);
    let gpkg = layers
        .iter()
        .find(|l| l.layer.name == "scenario_3857.gpkg")
        .expect("the GeoPackage");
    assert_eq!(gpkg.layer.features.len(), 155);
    h.get_by_label("scenario.kmz");
    h.get_by_label("scenario_3857.gpkg");
    // Their corridors and reports are analysed with the tracks: 9 convoys, 5 flagged.
    let a = h.state().session.analysis.as_ref().unwrap();
    assert_eq!(a.results.len(), 9);
    assert_eq!(
        a.results.iter().filter(|r| r.report.is_flagged()).count(),
        5
    );
    hide_log(&mut h);
    settle(&mut h);
    h.snapshot_options(
        "kmz_and_geopackage_dropped",
        &SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(4000),
    );
}

//! Editing a layer in the app (issue 28): vertices dragged, inserted and
//! deleted, features drawn and deleted, the attribute form's checks, undo and
//! redo, the analysis following an edit, saving back to the file, the journal
//! restored after the app was killed, and a file changed on disk not overwritten.

use super::*;
use corridor_watch::app::Tool;
use egui_kittest::kittest::NodeT;
use serde_json::{Value, json};

/// UN-01's track alone, and a corridor HC-01 through every 40th of its
/// vertices, 5 km wide each side: UN-01 stays inside it (checked below).
pub(crate) fn sparse_case(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let tracks: Value =
        serde_json::from_slice(&std::fs::read(data("tracks.geojson")).unwrap()).unwrap();
    let un01 = tracks["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["convoy_id"] == "UN-01")
        .unwrap()
        .clone();
    let c = un01["geometry"]["coordinates"].as_array().unwrap();
    let mut pts: Vec<Value> = c.iter().step_by(40).map(|p| json!([p[0], p[1]])).collect();
    let last = &c[c.len() - 1];
    pts.push(json!([last[0], last[1]]));
    let corridors = dir.join("corridors.geojson");
    let doc = json!({"type": "FeatureCollection", "name": "sparse", "features": [
        {"type": "Feature", "id": 7, "properties": {"kind": "corridor", "id": "HC-01", "tolerance_m": 5000},
         "geometry": {"type": "LineString", "coordinates": pts}},
        {"type": "Feature", "properties": {"kind": "corridor", "id": "HC-09", "tolerance_m": 1000},
         "geometry": {"type": "LineString", "coordinates": [[30.0, 46.0, 120.5], [30.5, 46.2, 130.0]]}}
    ]});
    std::fs::write(&corridors, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let track = dir.join("un01.geojson");
    let doc = json!({"type": "FeatureCollection", "features": [un01]});
    std::fs::write(&track, serde_json::to_vec(&doc).unwrap()).unwrap();
    (corridors, track)
}

/// GDAL reads a saved file with `n` features, where GDAL is installed (it
/// makes the fixtures; `cargo test` does not need it).
fn ogrinfo_counts(path: &std::path::Path, n: usize) {
    if let Ok(out) = std::process::Command::new("ogrinfo")
        .args(["-al", "-q"])
        .arg(path)
        .output()
    {
        let errors = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !errors.contains("ERROR"),
            "{errors}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.matches("OGRFeature(").count(), n, "{text}");
    }
}

pub(crate) fn app_with_state(files: Vec<PathBuf>, state: PathBuf) -> Harness<'static, CorridorApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 860.0])
        .build_eframe(move |cc| CorridorApp::new_with_state(cc, files, None, Some(state)));
    settle(&mut h);
    h
}

pub(crate) fn un01_status(h: &Harness<'static, CorridorApp>) -> String {
    let a = h.state().session.analysis.as_ref().expect("an analysis");
    let r = a
        .results
        .iter()
        .find(|r| r.report.convoy_id == "UN-01")
        .unwrap();
    corridor_watch::output::text::ConvoyStatus::of(&r.report).label()
}

fn hc01(h: &Harness<'static, CorridorApp>) -> Vec<geo::Coord> {
    let l = &h.state().session.layers[0].layer;
    match &l.features[0].geometry {
        Some(geo::Geometry::LineString(ls)) => ls.0.clone(),
        other => panic!("{other:?}"),
    }
}

/// Presses at `from`, moves to `to` in steps, releases (a drag on the map).
pub(crate) fn drag_map(h: &mut Harness<'static, CorridorApp>, from: geo::Coord, to: geo::Coord) {
    let (a, b) = (h.state().screen_pos(from), h.state().screen_pos(to));
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(a));
    h.run_steps(2);
    h.event(button(a, true));
    h.run_steps(2);
    for i in 1..=8 {
        h.event(egui::Event::PointerMoved(a + (b - a) * (i as f32 / 8.0)));
        h.run_steps(1);
    }
    h.event(button(b, false));
    h.run_steps(3);
}

pub(crate) fn start_editing(h: &mut Harness<'static, CorridorApp>, nth: usize) {
    // The layers' Edit buttons (below the menu bar's Edit menu).
    h.get_all_by_label("Edit")
        .filter(|b| b.rect().top() > 60.0)
        .nth(nth)
        .unwrap()
        .click();
    h.run_steps(2);
    wait_until(h, |h| {
        h.state().session.editor.edit.is_some() && !h.state().session.editor.busy
    });
    settle(h);
}

fn select_hc01(h: &mut Harness<'static, CorridorApp>) {
    let v = hc01(h);
    h.state_mut().centre_on(v[12].x, v[12].y, 9.0);
    h.run_steps(3);
    // A click on the line between two vertices selects it.
    let mid = geo::Coord {
        x: (v[12].x + v[13].x) / 2.0,
        y: (v[12].y + v[13].y) / 2.0,
    };
    click_map(h, mid);
    assert_eq!(h.state().session.editor.selected, Some(0));
}

#[test]
fn a_dragged_corridor_vertex_flags_a_convoy_and_is_undone_redone_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (corridors, track) = sparse_case(dir.path());
    let original = std::fs::read(&corridors).unwrap();
    let mut h = app_with_state(vec![corridors.clone(), track], dir.path().join("state"));
    assert_eq!(un01_status(&h), "clean");
    start_editing(&mut h, 0);
    assert_eq!(h.state().session.tool, Tool::Edit);
    h.get_by_label("Editing corridors.geojson: no unsaved edits");
    select_hc01(&mut h);
    let before = hc01(&h);
    // Vertex 12 dragged 0.3 degrees north: UN-01 is outside there.
    let to = geo::Coord {
        x: before[12].x,
        y: before[12].y + 0.3,
    };
    drag_map(&mut h, before[12], to);
    settle(&mut h);
    let moved = hc01(&h);
    assert!((moved[12].y - to.y).abs() < 0.01, "{:?}", moved[12]);
    assert_eq!(moved.len(), before.len());
    assert_eq!(moved[11], before[11]);
    assert_eq!(un01_status(&h), "deviated");
    h.get_by_label("Editing corridors.geojson: unsaved edits");
    // Ctrl+Z puts it back and UN-01 is clean again; Ctrl+Y moves it again.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(hc01(&h), before);
    assert_eq!(un01_status(&h), "clean");
    h.get_by_label("Editing corridors.geojson: no unsaved edits");
    click(&mut h, "Redo");
    settle(&mut h);
    assert_eq!(hc01(&h)[12], moved[12]);
    assert_eq!(un01_status(&h), "deviated");
    // A click on an edge inserts a vertex there; Delete removes it again.
    let v = hc01(&h);
    let mid = geo::Coord {
        x: (v[14].x + v[15].x) / 2.0,
        y: (v[14].y + v[15].y) / 2.0,
    };
    click_map(&mut h, mid);
    assert_eq!(hc01(&h).len(), before.len() + 1);
    assert!((hc01(&h)[15].x - mid.x).abs() < 1e-3);
    h.key_press(egui::Key::Delete);
    h.run_steps(2);
    assert_eq!(hc01(&h).len(), before.len());
    // A vertex selected and deleted.
    h.state_mut().centre_on(v[20].x, v[20].y, 9.0);
    h.run_steps(3);
    click_map(&mut h, v[20]);
    assert_eq!(
        h.state().session.editor.vertex,
        Some(corridor_watch::edit::VertexAt::new(0, 0, 20))
    );
    h.key_press(egui::Key::Delete);
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(hc01(&h).len(), before.len() - 1);
    click(&mut h, "Save");
    wait_until(&mut h, |h| {
        !h.state().session.editor.busy && !h.state().session.editor.dirty()
    });
    settle(&mut h);
    assert!(log_texts(&h).iter().any(|t| t.contains("saved")));
    // The file holds the moved vertex and lacks vertex 20; the rest is as it was:
    // the feature's `id` member, the other corridor with its heights, the name.
    let saved: Value = serde_json::from_slice(&std::fs::read(&corridors).unwrap()).unwrap();
    let was: Value = serde_json::from_slice(&original).unwrap();
    assert_eq!(saved["name"], "sparse");
    assert_eq!(saved["features"][1], was["features"][1]);
    assert_eq!(saved["features"][0]["id"], 7);
    let coords = saved["features"][0]["geometry"]["coordinates"]
        .as_array()
        .unwrap();
    assert_eq!(coords.len(), before.len() - 1);
    assert_eq!(coords[12][1].as_f64().unwrap(), moved[12].y);
    // `check` reads the saved file and flags UN-01 as the app did.
    let layer = corridor_watch::io::read_path(&corridors).unwrap();
    assert_eq!(layer.features.len(), 2);
    ogrinfo_counts(&corridors, 2);
    assert_eq!(un01_status(&h), "deviated");
    // Read back in place after the save: nothing left unsaved, the layer still in edit mode.
    assert!(h.state().session.editor.edit.is_some());
    h.get_by_label("Editing corridors.geojson: no unsaved edits");
    assert!(
        !dir.path().join("state/journal").exists()
            || std::fs::read_dir(dir.path().join("state/journal"))
                .unwrap()
                .next()
                .is_none(),
        "the journal goes once the edits are saved"
    );
}

/// Types `text` into the form's field labelled `label` (emptied first).
pub(crate) fn type_into(h: &mut Harness<'static, CorridorApp>, label: &str, key: &str, text: &str) {
    let is_field =
        |n: &egui_kittest::Node<'_>| n.accesskit_node().role() == egui::accesskit::Role::TextInput;
    h.get_all_by_label(label).find(is_field).unwrap().focus();
    h.run_steps(1);
    for (k, t) in h.state_mut().settings.forms.edit.texts.iter_mut() {
        if *k == key {
            t.clear();
        }
    }
    h.run_steps(1);
    h.get_all_by_label(label)
        .find(is_field)
        .unwrap()
        .type_text(text);
    h.run_steps(2);
}

#[test]
fn the_form_refuses_a_negative_tolerance_and_applies_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let (corridors, track) = sparse_case(dir.path());
    let mut h = app_with_state(vec![corridors, track], dir.path().join("state"));
    start_editing(&mut h, 0);
    select_hc01(&mut h);
    h.get_by_label("corridor HC-01 (feature 0)");
    type_into(&mut h, "Tolerance (m)", "tolerance_m", "-50");
    click(&mut h, "Apply attributes");
    h.get_by_label_contains("-50 m: a distance cannot be negative");
    let props = &h.state().session.layers[0].layer.features[0].properties;
    assert_eq!(
        props["tolerance_m"], 5000,
        "a refused value is never applied"
    );
    assert!(!h.state().session.editor.dirty());
    // 500 m: applied; UN-01 (within 5 km of the sparse line) is now outside it.
    // Enter in the field applies it as the button does.
    type_into(&mut h, "Tolerance (m)", "tolerance_m", "500");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    settle(&mut h);
    assert!(h.query_by_label_contains("cannot be negative").is_none());
    let f = &h.state().session.layers[0].layer.features[0];
    assert_eq!(f.properties["tolerance_m"], 500);
    assert_eq!(f.reach_m(corridor_watch::model::Role::Corridor), 500.0);
    assert_eq!(un01_status(&h), "deviated");
    click(&mut h, "Undo");
    settle(&mut h);
    assert_eq!(un01_status(&h), "clean");
}

#[test]
fn an_incident_drawn_deleted_and_brought_back() {
    let dir = tempfile::tempdir().unwrap();
    let incidents = dir.path().join("incidents.geojson");
    std::fs::copy(data("incidents.geojson"), &incidents).unwrap();
    let mut h = app_with_state(vec![incidents.clone()], dir.path().join("state"));
    let n = h.state().session.layers[0].layer.features.len();
    start_editing(&mut h, 0);
    click(&mut h, "incident");
    let at = geo::Coord { x: 36.2, y: 49.9 };
    h.state_mut().centre_on(at.x, at.y, 8.0);
    h.run_steps(3);
    click_map(&mut h, at);
    settle(&mut h);
    let l = &h.state().session.layers[0].layer;
    assert_eq!(l.features.len(), n + 1);
    let f = &l.features[n];
    assert_eq!(f.role, corridor_watch::model::Role::Incident);
    // The next id after the layer's own, the time now (UTC), in the form.
    let id = f.id.clone().unwrap();
    assert!(id.starts_with("INC-"), "{id}");
    assert!(f.time_span.is_some());
    assert_eq!(h.state().session.editor.selected, Some(n));
    h.get_by_label(&format!("incident {id} (feature {n})"));
    click(&mut h, "Delete feature");
    settle(&mut h);
    assert_eq!(h.state().session.layers[0].layer.features.len(), n);
    click(&mut h, "Undo");
    settle(&mut h);
    assert_eq!(h.state().session.layers[0].layer.features.len(), n + 1);
    assert_eq!(
        h.state().session.layers[0].layer.features[n].id.as_deref(),
        Some(id.as_str())
    );
    // Saved, the file holds every incident it had and the new one last.
    click(&mut h, "Save");
    wait_until(&mut h, |h| {
        !h.state().session.editor.busy && !h.state().session.editor.dirty()
    });
    let layer = corridor_watch::io::read_path(&incidents).unwrap();
    assert_eq!(layer.features.len(), n + 1);
    assert_eq!(layer.features[n].id.as_deref(), Some(id.as_str()));
}

#[test]
fn edits_journaled_before_a_kill_are_restored_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (corridors, track) = sparse_case(dir.path());
    let files = vec![corridors.clone(), track];
    let moved = {
        let mut h = app_with_state(files.clone(), state.clone());
        start_editing(&mut h, 0);
        select_hc01(&mut h);
        let v = hc01(&h);
        let to = geo::Coord {
            x: v[12].x,
            y: v[12].y + 0.3,
        };
        drag_map(&mut h, v[12], to);
        settle(&mut h);
        // The journal thread writes the line; then the app is dropped unsaved (a kill).
        let journal = state.join("journal");
        wait_until(&mut h, |_| {
            std::fs::read_dir(&journal).is_ok_and(|mut d| {
                d.next().is_some_and(|e| {
                    std::fs::read_to_string(e.unwrap().path()).is_ok_and(|t| t.lines().count() == 2)
                })
            })
        });
        hc01(&h)[12]
    };
    // The file was never written.
    let layer = corridor_watch::io::read_path(&corridors).unwrap();
    let Some(geo::Geometry::LineString(ls)) = &layer.features[0].geometry else {
        panic!()
    };
    assert_ne!(ls.0[12], moved);
    let mut h = app_with_state(files.clone(), state.clone());
    h.get_by_label_contains("1 edit(s) journaled when the app stopped");
    click(&mut h, "Restore edits");
    wait_until(&mut h, |h| {
        h.state().session.editor.edit.is_some() && !h.state().session.editor.busy
    });
    settle(&mut h);
    assert_eq!(hc01(&h)[12], moved);
    assert!(h.state().session.editor.dirty());
    assert_eq!(un01_status(&h), "deviated");
    // The restored edit stays journaled (a second kill must not lose it): the
    // journal was once removed as the restored ops were written to it.
    let journal = state.join("journal");
    let lines = |journal: &std::path::Path| {
        std::fs::read_dir(journal)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
                    .map(|e| {
                        std::fs::read_to_string(e.path())
                            .unwrap_or_default()
                            .lines()
                            .count()
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    for _ in 0..50 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(lines(&journal), [2], "header and the restored move");
    // Someone else changes the file meanwhile: Save refuses and writes nothing.
    let theirs = std::fs::read_to_string(&corridors)
        .unwrap()
        .replace("\"sparse\"", "\"changed by someone else\"");
    std::fs::write(&corridors, &theirs).unwrap();
    click(&mut h, "Save");
    wait_until(&mut h, |h| !h.state().session.editor.busy);
    assert_logged_error(
        &h,
        &["changed on disk since it was read", "nothing was written"],
    );
    assert_eq!(std::fs::read_to_string(&corridors).unwrap(), theirs);
    assert!(
        h.state().session.editor.dirty(),
        "the edits are still there"
    );
}

#[test]
fn an_incident_logged_at_an_mgrs_reference() {
    let dir = tempfile::tempdir().unwrap();
    let incidents = dir.path().join("incidents.geojson");
    std::fs::copy(data("incidents.geojson"), &incidents).unwrap();
    let mut h = app_with_state(vec![incidents.clone()], dir.path().join("state"));
    let n = h.state().session.layers[0].layer.features.len();
    // Edit > New incident… (the layer is not in edit mode yet).
    h.get_all_by_label("Edit").next().unwrap().click();
    h.run_steps(2);
    h.get_by_label_contains("New incident").click();
    h.run_steps(2);
    assert!(h.state().settings.windows.new_incident);
    // A window is drawn from its second frame on (egui sizes it first).
    h.run_steps(3);
    let field = h
        .get_all_by_label("Where (MGRS, or a position with N/E)")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .unwrap();
    field.focus();
    field.type_text("37U DP 10659 28111");
    h.run_steps(2);
    // Read back as a position before it is made (the Python mgrs package: 48.1 N, 37.8 E).
    h.get_by_label_contains("MGRS 37U DP 10659 28111: lon 37.80000, lat 48.10000");
    click(&mut h, "Create incident");
    wait_until(&mut h, |h| {
        h.state().session.layers[0].layer.features.len() == n + 1
    });
    settle(&mut h);
    let f = &h.state().session.layers[0].layer.features[n];
    let Some(geo::Geometry::Point(p)) = &f.geometry else {
        panic!("{:?}", f.geometry)
    };
    assert!(
        (p.x() - 37.8).abs() < 1e-4 && (p.y() - 48.1).abs() < 1e-4,
        "{p:?}"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let (t, _) = f.time_span.expect("the time now");
    assert!((now - t).abs() < 120.0, "{t} vs {now}");
    // Its form is open in the Layers tab, the time in UTC.
    let id = f.id.clone().unwrap();
    h.get_by_label(&format!("incident {id} (feature {n})"));
    let time = f.prop_text("time").unwrap();
    assert!(time.ends_with('Z'), "{time}");
    assert!(h.state().session.editor.dirty());
}

#[test]
fn a_corridor_split_at_a_vertex_is_one_feature_of_two_parts() {
    let dir = tempfile::tempdir().unwrap();
    let (corridors, track) = sparse_case(dir.path());
    let mut h = app_with_state(vec![corridors, track], dir.path().join("state"));
    start_editing(&mut h, 0);
    select_hc01(&mut h);
    let v = hc01(&h);
    click_map(&mut h, v[12]);
    click(&mut h, "Split line here");
    settle(&mut h);
    let g = h.state().session.layers[0].layer.features[0]
        .geometry
        .clone();
    let Some(geo::Geometry::MultiLineString(m)) = &g else {
        panic!("{g:?}")
    };
    assert_eq!((m.0.len(), m.0[0].0.len()), (2, 13));
    assert_eq!(m.0[1].0[0], v[12]);
    // Still one corridor, and UN-01 still inside it.
    assert_eq!(h.state().session.layers[0].layer.features.len(), 2);
    assert_eq!(un01_status(&h), "clean");
    click(&mut h, "Undo");
    assert_eq!(hc01(&h), v);
}

#[test]
fn a_new_corridor_snaps_to_a_vertex_unless_shift_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let (corridors, track) = sparse_case(dir.path());
    let mut h = app_with_state(vec![corridors, track], dir.path().join("state"));
    start_editing(&mut h, 0);
    // HC-09 runs from (30, 46) to (30.5, 46.2).
    h.state_mut().centre_on(30.25, 46.1, 10.0);
    h.run_steps(3);
    click(&mut h, "corridor");
    let near = |h: &Harness<'static, CorridorApp>, c: geo::Coord| {
        // 4 screen points right of and below the vertex.
        let p = h.state().screen_pos(c) + egui::vec2(4.0, 4.0);
        h.state().map_coord(p).unwrap()
    };
    let a = near(&h, geo::Coord { x: 30.0, y: 46.0 });
    click_map(&mut h, a);
    // Shift held: placed where clicked.
    let b = near(&h, geo::Coord { x: 30.5, y: 46.2 });
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::SHIFT));
    h.run_steps(1);
    click_map(&mut h, b);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run_steps(1);
    let draft = h.state().session.editor.draft.clone().expect("drawing");
    assert_eq!(draft.points[0], geo::Coord { x: 30.0, y: 46.0 }, "snapped");
    assert!((draft.points[1].x - b.x).abs() < 1e-9 && (draft.points[1].y - b.y).abs() < 1e-9);
    assert_ne!(draft.points[1], geo::Coord { x: 30.5, y: 46.2 });
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    settle(&mut h);
    let l = &h.state().session.layers[0].layer;
    assert_eq!(l.features.len(), 3);
    assert_eq!(l.features[2].id.as_deref(), Some("HC-10"));
}

/// A GeoPackage as GDAL writes it (R-tree triggers calling ST_MinX…): a
/// vertex dragged and a tolerance changed are saved in one transaction; the
/// other rows and the spatial index stay right.
#[test]
fn a_geopackage_written_by_gdal_is_edited_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("corridors.gpkg");
    std::fs::copy(
        crate::util::fixture("formats/issue28/corridors.gpkg"),
        &gpkg,
    )
    .unwrap();
    let before = corridor_watch::io::read_path(&gpkg).unwrap();
    let mut h = app_with_state(vec![gpkg.clone()], dir.path().join("state"));
    start_editing(&mut h, 0);
    h.get_by_label("Editing corridors.gpkg: no unsaved edits");
    let v = hc01(&h);
    h.state_mut().centre_on(v[100].x, v[100].y, 13.0);
    h.run_steps(3);
    click_map(&mut h, v[100]);
    assert_eq!(h.state().session.editor.selected, Some(0));
    let to = geo::Coord {
        x: v[100].x,
        y: v[100].y + 0.01,
    };
    drag_map(&mut h, v[100], to);
    settle(&mut h);
    let moved = hc01(&h)[100];
    assert!((moved.y - to.y).abs() < 1e-4, "{moved:?}");
    type_into(&mut h, "Tolerance (m)", "tolerance_m", "1500");
    click(&mut h, "Apply attributes");
    click(&mut h, "Save");
    wait_until(&mut h, |h| {
        !h.state().session.editor.busy && !h.state().session.editor.dirty()
    });
    assert!(
        !h.state().session.log.iter().any(|e| e.error),
        "{:?}",
        log_texts(&h)
    );
    let after = corridor_watch::io::read_path(&gpkg).unwrap();
    assert_eq!(after.features.len(), before.features.len());
    let Some(geo::Geometry::LineString(l)) = &after.features[0].geometry else {
        panic!()
    };
    assert_eq!(l.0[100], moved);
    assert_eq!(l.0[99], v[99]);
    assert_eq!(after.features[0].properties["tolerance_m"], 1500);
    for k in 1..before.features.len() {
        assert_eq!(after.features[k].geometry, before.features[k].geometry);
        assert_eq!(after.features[k].properties, before.features[k].properties);
    }
    // GDAL's spatial index follows the new geometry (its triggers ran).
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let (miny, maxy): (f64, f64) = db
        .query_row(
            "SELECT miny, maxy FROM rtree_corridors_geom WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let ys = l.0.iter().map(|c| c.y);
    let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    // The R-tree holds single-precision boxes that contain the geometry.
    assert!(
        miny <= lo && maxy >= hi && hi - maxy > -1e-4,
        "{miny} {maxy} vs {lo} {hi}"
    );
    let closures: String = db
        .query_row("SELECT closures FROM corridors WHERE fid = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(closures.contains("2026-03-02T13:00:00Z"), "{closures}");
    drop(db);
    ogrinfo_counts(&gpkg, 4);
}

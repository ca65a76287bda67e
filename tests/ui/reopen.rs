//! Opening a source that is already open (issue 24, item 1): File > Open
//! bundled scenario on the bundled scenario loaded a second copy of every
//! layer, and the Buffer zone tab counted 52 incidents, each twice.

use super::{app_on, click, settle};
use corridor_watch::app::CorridorApp;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;

fn bundled() -> Vec<PathBuf> {
    corridor_watch::app::bundled_files()
}

fn log_has(h: &Harness<'static, CorridorApp>, words: &[&str]) -> bool {
    h.state()
        .session
        .log
        .iter()
        .any(|e| words.iter().all(|w| e.text.contains(w)))
}

#[test]
fn a_source_opened_again_replaces_its_layer() {
    let mut h = app_on(bundled());
    click(&mut h, "Buffer zone");
    h.get_by_label("26 incidents shown, 10 inside the zone (26 loaded)");
    click(&mut h, "File");
    click(&mut h, "Open bundled scenario");
    settle(&mut h);
    assert_eq!(h.state().session.layers.len(), 7, "no second copy");
    h.get_by_label("26 incidents shown, 10 inside the zone (26 loaded)");
    assert!(log_has(&h, &["incidents.geojson", "already open"]));
    assert!(
        !log_has(&h, &["counted twice"]),
        "the same source is no duplicate"
    );
}

/// The same incidents under another file name: loaded (they may be meant),
/// but never counted twice without a warning naming both layers.
#[test]
fn two_layers_with_the_same_ids_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("incidents-copy.geojson");
    std::fs::copy(super::data("incidents.geojson"), &copy).unwrap();
    let mut files = bundled();
    files.push(copy);
    let h = app_on(files);
    assert_eq!(h.state().session.layers.len(), 8);
    assert!(
        log_has(
            &h,
            &[
                "incidents.geojson",
                "incidents-copy.geojson",
                "counted twice"
            ]
        ),
        "{:#?}",
        super::log_texts(&h)
    );
}

/// Issue 24, the map: nothing on the map or the title bar said the bundled
/// data is invented. The map says so while a bundled layer is shown, and
/// only then (a copy of the same file elsewhere is the user's own data).
#[test]
fn the_map_says_illustrative_data_only_over_the_bundled_scenario() {
    let words = "ILLUSTRATIVE DATA: invented corridors";
    let h = app_on(bundled());
    h.get_by_label_contains(words);
    assert!(h.state().session.layers.iter().all(|l| l.illustrative));
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("corridors.geojson");
    std::fs::copy(super::data("corridors.geojson"), &own).unwrap();
    let h = app_on(vec![own]);
    assert!(h.query_by_label_contains(words).is_none());
    assert!(!h.state().session.layers[0].illustrative);
}

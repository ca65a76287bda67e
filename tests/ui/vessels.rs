//! Issue 26 in the app: a vessel's events in the Convoys tab and on the map,
//! vessels outside the lanes hidden on request.

use super::*;

#[test]
fn the_convoys_tab_lists_events_and_goes_to_an_encounter() {
    let events =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/ais/events.nmea");
    let mut h = app_on(vec![data("grain_routes.geojson"), events]);
    click(&mut h, "Convoys");
    h.get_by_label("4 convoys, 0 flagged");
    click(&mut h, "272000001");
    h.get_by_label_contains("Loitering 2 h 30 min at 1.0 kn");
    h.get_by_label_contains("not checked for deviations");
    let enc = "Encounter with 272000002 for 2 h 30 min, closest 300 m";
    h.get_by_label_contains(enc).click();
    h.run_steps(3);
    // The map is centred on the encounter (the midpoint when closest).
    let a = h.state().session.analysis.as_ref().unwrap();
    let e = a.results[0]
        .report
        .events
        .iter()
        .find(|e| e.type_name() == "encounter");
    let at = e.unwrap().position;
    let centre = h.state().map_rect().center();
    let there = h.state().screen_pos(at);
    assert!((centre - there).length() < 2.0, "{centre:?} vs {there:?}");
    // The jump of 272000004 is listed on its convoy.
    click(&mut h, "272000004");
    h.run_steps(2);
    // The last row is clickable (a floating scroll bar covered it).
    assert_eq!(h.state().session.selection.convoy, Some(3));
    h.get_by_label("Convoy 272000004");
    h.get_by_label_contains("Implausible fix dropped at 2026-03-02T06:50:00Z: 241 km/h");
    // Hiding the vessels outside the lanes leaves none.
    click(&mut h, "Hide the 4 vessel(s) not in a lane");
    h.run_steps(2);
    assert!(h.query_by_label("272000003").is_none());
}

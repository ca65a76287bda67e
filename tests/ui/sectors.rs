//! Issue 27: the Buffer zone tab compares each sector's incidents inside the
//! zone with the period before.

use super::*;

#[test]
fn the_buffer_zone_tab_counts_incidents_per_sector() {
    let mut h = app_on(bundled());
    click(&mut h, "Buffer zone");
    h.get_by_label("Inside the zone by sector");
    // The last 7 days of the data: every incident inside (10) is in them.
    h.get_by_label_contains("(the last 7 days of the data), against the 7 days before");
    let a = h.state().session.analysis.as_ref().unwrap();
    let inside = a.incidents.iter().filter(|i| i.inside).count();
    assert_eq!(inside, 10);
    // km 100-150 holds INC-008 and INC-022.
    let row = a
        .incidents
        .iter()
        .filter(|i| i.sector.as_deref() == Some("km 100-150"))
        .count();
    assert_eq!(row, 2);
    h.get_by_label("km 100-150");
    h.get_all_by_label("+2").next().expect("a rise of two");
}

/// Issue 24: the incidents table's depth column is in view in the side panel.
#[test]
fn the_depth_column_is_in_view() {
    let mut h = app_on(bundled());
    click(&mut h, "Buffer zone");
    let a = h.state().session.analysis.as_ref().unwrap();
    let i = a.incidents.iter().find(|i| i.id == "INC-012").unwrap();
    let depth = corridor_watch::output::text::format_length_m(i.depth_m);
    let side = h.state().settings.side_width;
    let r = h.get_by_label(&depth).rect();
    assert!(
        r.right() <= side,
        "{depth} ends at {} past the panel's {side}",
        r.right()
    );
    // The time to the minute.
    h.get_by_label("2026-03-01 08:01");
}

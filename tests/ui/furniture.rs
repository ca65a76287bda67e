//! Issue 24, the map's furniture: a badge for tiles that failed, a grip on
//! the side panel's edge.

use super::{app_on, click, wait_until};
use eframe::egui;
use egui_kittest::kittest::{NodeT, Queryable};
use std::io::{Read, Write};

/// A tile server on 127.0.0.1 that answers every request 404.
fn server_answering_404() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nno tiles\n",
                );
            });
        }
    });
    port
}

/// Online tiles that failed were said only in a log line (walkers logs them;
/// the app had no logger, so nowhere at all). The map now carries a badge
/// with the reason and the count, for the source in use.
#[test]
fn tiles_that_fail_are_counted_on_the_map_with_the_reason() {
    let port = server_answering_404();
    let mut h = app_on(vec![super::data("corridors.geojson")]);
    assert!(h.query_by_label_contains("did not load").is_none());
    h.state_mut().settings.custom_tile_url =
        format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png");
    click(&mut h, "Basemap");
    click(&mut h, "Use custom XYZ tiles");
    wait_until(&mut h, |h| {
        h.query_by_label_contains("did not load").is_some()
    });
    let badge = h
        .get_by_label_contains("did not load")
        .accesskit_node()
        .value() // a Label's text is its accesskit value
        .unwrap_or_default();
    // "3 tiles did not load: …": a count of at least one.
    let n: usize = badge
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(n >= 1, "{badge}");
    assert!(
        badge.contains("the server answered client error (404 Not Found)")
            && badge.contains("The bundled basemap shows beneath"),
        "{badge}"
    );
    // Back to the offline basemap: nothing failed there.
    click(&mut h, "Basemap");
    click(&mut h, "Bundled Natural Earth (offline)");
    h.run_steps(3);
    assert!(h.query_by_label_contains("did not load").is_none());
}

/// The side panel's resize edge was invisible (a faint line until hovered).
/// A grip is drawn at the middle of the edge; dragging it widens the panel.
#[test]
fn the_side_panel_is_widened_by_dragging_its_grip() {
    let mut h = app_on(vec![super::data("corridors.geojson")]);
    let before = h.state().settings.side_width;
    // The grip: just inside the panel's right edge (the map takes the pointer
    // past it), half-way down the panel (below the tabs, above the log).
    let tabs = h.get_by_label("Layers").rect();
    let log = h.get_by_label_contains("messages:").rect();
    let grip = egui::pos2(before - 4.0, (tabs.top() + log.top()) / 2.0);
    let to = grip + egui::vec2(120.0, 0.0);
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(grip));
    h.run_steps(2);
    h.event(button(grip, true));
    h.run_steps(2);
    for i in 1..=6 {
        h.event(egui::Event::PointerMoved(
            grip + (to - grip) * (i as f32 / 6.0),
        ));
        h.run_steps(1);
    }
    h.event(button(to, false));
    h.run_steps(3);
    let after = h.state().settings.side_width;
    // The edge follows the pointer.
    assert!((after - to.x).abs() < 2.0, "{before} → {after}");
}

/// The toolbar's legend ran past the window's edge (it ended at 1438 of 1400
/// points, its last words cut). Where it does not fit it is a "Legend"
/// button opening it as a list; where it fits it stays in the row.
#[test]
fn the_legend_is_a_button_where_the_toolbar_has_no_room_for_it() {
    let mut h = app_on(vec![super::data("corridors.geojson")]);
    h.run_steps(2);
    assert!(h.query_by_label("Legend:").is_none(), "not in the row");
    click(&mut h, "Legend");
    h.get_by_label("ceasefire violation");
    h.get_by_label("corridor (true width)");
    let files = vec![super::data("corridors.geojson")];
    let mut wide = egui_kittest::Harness::builder()
        .with_size([1900.0, 860.0])
        .build_eframe(move |cc| corridor_watch::app::CorridorApp::new(cc, files));
    super::settle(&mut wide);
    let row = wide.get_by_label("Legend:").rect();
    let end = wide
        .get_by_label("incidents by category (ringed: in zone)")
        .rect();
    assert!(end.right() <= 1900.0 && (row.center().y - end.center().y).abs() < 2.0);
    assert!(wide.query_by_label("Legend").is_none());
}

//! The Route tool on the bundled corridors: waypoints, legs outside the
//! corridors in red, undo, and routes planned along the corridors.

use super::*;

fn hc01_vertex(i: usize) -> geo::Coord {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data("corridors.geojson")).unwrap()).unwrap();
    let f = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == "HC-01")
        .unwrap();
    let c = &f["geometry"]["coordinates"][i];
    geo::Coord {
        x: c[0].as_f64().unwrap(),
        y: c[1].as_f64().unwrap(),
    }
}

#[test]
fn route_tool_places_waypoints_shows_a_red_leg_and_undoes() {
    let mut h = app_on(bundled());
    let (a, b) = (hc01_vertex(100), hc01_vertex(112));
    let off = geo::Coord {
        x: b.x + 0.05,
        y: b.y + 0.25,
    };
    h.state_mut().centre_on(b.x, b.y + 0.1, 9.0);
    h.run_steps(3);
    h.get_all_by_label("Route").next().unwrap().click();
    h.run_steps(2);
    assert_eq!(h.state().session.tool, corridor_watch::app::Tool::Route);
    for c in [a, b, off] {
        click_map(&mut h, c);
    }
    assert_eq!(h.state().session.route.waypoints().len(), 3);
    // Leg 1 runs along HC-01; leg 2 leaves it (and is drawn red).
    assert_eq!(h.query_all_by_label_contains(", inside").count(), 1);
    assert_eq!(h.query_all_by_label_contains("OUTSIDE for").count(), 1);
    h.get_by_label_contains("Leg 2:");
    let legs = h.state().session.route.check.clone().expect("legs checked");
    assert!(legs.legs[0].in_corridor() && !legs.legs[1].in_corridor());
    h.get_by_label_contains("1 leg(s) leave the corridors");
    h.get_by_label_contains("ETA");
    hide_log(&mut h);
    h.snapshot_options(
        "route_tool",
        &SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(4000),
    );
    click(&mut h, "Undo");
    h.run_steps(2);
    assert_eq!(h.state().session.route.waypoints().len(), 2);
    h.get_by_label("Every leg stays inside the corridors");
    click(&mut h, "Redo");
    assert_eq!(h.state().session.route.waypoints().len(), 3);
    // Keyboard: click waypoint 2 to select it, Delete removes it, Ctrl+Z brings it back.
    let placed = h.state().session.route.waypoints().to_vec();
    click_map(&mut h, b);
    assert_eq!(h.state().session.route.selected, Some(1));
    h.key_press(egui::Key::Delete);
    h.run_steps(2);
    assert_eq!(h.state().session.route.waypoints(), &[placed[0], placed[2]]);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().session.route.waypoints(), &placed[..]);
}

#[test]
fn route_along_corridors_on_the_bundled_data() {
    let mut h = app_on(bundled());
    h.get_all_by_label("Route").last().unwrap().click(); // the Route tab
    h.run_steps(2);
    h.state_mut()
        .session
        .route
        .edit(|w| *w = vec![KYIV, SLOVIANSK]);
    h.run_steps(3);
    h.get_by_label_contains("1 leg(s) leave the corridors");
    click(&mut h, "Route along corridors");
    settle(&mut h);
    h.get_by_label("Every leg stays inside the corridors");
    h.get_by_label("Corridors: HC-01, HC-04");
    assert!(h.state().session.route.waypoints().len() > 5);
    // Kyiv to Zaporizhzhia: the corridor network does not join them. The app
    // offers the route with the least distance off the corridors and shows the gap.
    h.state_mut()
        .session
        .route
        .edit(|w| *w = vec![KYIV, ZAPORIZHZHIA]);
    h.run_steps(2);
    click(&mut h, "Route along corridors");
    settle(&mut h);
    let msg = h.state().session.route.message.clone().expect("a message");
    assert!(msg.0, "said as a warning: {}", msg.1);
    assert!(
        msg.1
            .contains("no corridor path joins them: a gap between the corridors of "),
        "{}",
        msg.1
    );
    // Said in the Route panel and in the log.
    assert_eq!(
        h.query_all_by_label_contains("a gap between the corridors of")
            .count(),
        2
    );
    assert!(
        h.state().session.route.waypoints().len() > 5,
        "the route is offered"
    );
    h.get_by_label_contains("leave the corridors:");
    // The gap's length is said once (it was repeated: "for 130.24 km (130.24 km from …)").
    let km = msg
        .1
        .split("corridors of ")
        .nth(1)
        .and_then(|r| r.split(" from").next())
        .unwrap_or("");
    assert!(
        km.ends_with(" km") && msg.1.matches(km).count() == 1,
        "{}",
        msg.1
    );
}

/// Issue 27: the Route tab lists the incidents near the route before
/// departure; the reach changed in the tab changes the list.
#[test]
fn the_route_tab_lists_incidents_near_the_route() {
    let mut h = app_on(bundled());
    h.state_mut().session.route.edit(|w| {
        *w = vec![
            geo::Coord {
                x: 36.231,
                y: 49.993,
            },
            geo::Coord {
                x: 37.256,
                y: 49.212,
            },
            geo::Coord {
                x: 37.605,
                y: 48.852,
            },
        ]
    });
    h.state_mut().session.route.exposure.reach_m = 20_000.0;
    h.state_mut().session.route.depart = Some(1_772_668_800.0); // 2026-03-05T00:00:00Z
    h.get_all_by_label("Route").last().unwrap().click(); // the Route tab
    h.run_steps(3);
    // The same incident and distance as `route --exposure-m 20000` gives.
    h.get_by_label_contains("INC-010: ");
    h.get_by_label_contains("5.08 km from leg 2");
    h.get_by_label_contains("Leg 2: 47.48 km, inside; 1 incident near");
    // Within 5 km: none.
    h.state_mut().session.route.exposure.reach_m = 5_000.0;
    h.run_steps(3);
    h.get_by_label("No incident within 5.00 km of the route in those 7 days.");
}

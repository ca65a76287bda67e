//! Issue 25 in the app: the Movements tab's states on the bundled scenario
//! (and under way with the time slider), Notify movement… from the Route tab
//! (a bad window refused beside its field), and the notification package.

use super::*;
use corridor_watch::app::export::ExportKind;

#[test]
fn the_movements_tab_shows_every_state_with_its_reasons() {
    let mut h = app_on(bundled());
    click(&mut h, "Movements");
    h.get_by_label("10 movements:");
    for s in ["3 completed", "5 violated", "1 late", "1 planned"] {
        h.get_by_label(s);
    }
    h.get_by_label_contains("As of 2026-03-03 19:06 UTC (the latest report");
    // The reasons beside each movement.
    h.get_by_label_contains("2026-03-02 10:00 to 16:00 UTC; 1 stretch off its window");
    h.get_by_label_contains(
        "1 stretch in a closed corridor; 1 deviation from its approved area; 1 buffer-zone entry",
    );
    h.get_by_label_contains("its window closed at 2026-03-02 20:00 UTC with no report");
    // WFP-09's window is after the data: 50 km/h over HC-01 (439.99 km) from 06:00 is 14:48.
    h.get_by_label_contains("arrives 2026-03-04 14:48, window closes 2026-03-04 18:00");
    // ICRC-04 moves without one.
    h.get_by_label("Moving with no movement notified:");
    h.get_by_label("ICRC-04");
    // A movement's details.
    click(&mut h, "MOV-002  UN-02");
    h.get_by_label("Movement MOV-002");
    h.get_by_label("VIOLATED");
    h.get_by_label("• 1 stretch off its window");
    h.get_by_label("397.98 km at 50 km/h (7 h 58 min)");
    h.get_by_label("4 trucks (shelter kits)");
}

#[test]
fn with_the_time_slider_a_movement_is_under_way_with_its_arrival() {
    let mut h = app_on(bundled());
    click(&mut h, "Movements");
    // 2026-03-02T12:00:00Z: UN-01 is four hours out of Kyiv on HC-01.
    h.state_mut().session.timeline.enabled = true;
    h.state_mut().session.timeline.t = 1_772_452_800.0;
    h.run_steps(2);
    h.get_by_label_contains("As of 2026-03-02 12:00 UTC (the time slider)");
    // UN-01 and the two vessels (MV-SEA-2 reported first at 12:00); WFP-09 planned;
    // UN-08 late already: HC-03 at 45 km/h takes longer than its 8-hour window.
    h.get_by_label("3 under way");
    h.get_by_label("1 planned");
    h.get_by_label_contains("its route takes longer than its window at 45 km/h");
    click(&mut h, "MOV-001  UN-01");
    h.get_by_label("UNDER WAY");
    // Its last report by then, and the rest of HC-01 at 55 km/h from it.
    let a = h.state().session.analysis.as_ref().unwrap();
    let un01 = a.convoys.iter().find(|c| c.convoy_id == "UN-01").unwrap();
    let (t_last, at) = un01.parts[0]
        .coords
        .iter()
        .zip(&un01.parts[0].times)
        .filter_map(|(c, t)| t.filter(|t| *t <= 1_772_452_800.0).map(|t| (t, *c)))
        .next_back()
        .unwrap();
    let m = &a.scn.notified.movements[0];
    let plan = corridor_watch::analysis::movements::plan(&a.scn, m);
    let (s, _) = plan.locate(at).unwrap();
    let eta = t_last + (plan.length_m() - s) / (55.0 / 3.6);
    // Halted near Lubny (km 200 of 440) since 11:38: 240 km at 55 km/h is
    // 4 h 22 min more, about 16:00, inside the window.
    assert!((1_772_463_600.0..1_772_470_800.0).contains(&eta), "{eta}");
    let hm = corridor_watch::utc::format_rfc3339((eta / 60.0).round() * 60.0).unwrap();
    let text = format!(
        "Expected: arrives {}, window closes 2026-03-02 17:00",
        hm[..16].replace('T', " ")
    );
    h.get_by_label(&text);
}

#[test]
fn a_planned_route_is_notified_refused_when_wrong_and_packaged() {
    let mut h = app_on(bundled());
    // Kharkiv to Poltava along HC-01.
    h.state_mut().session.route.edit(|w| {
        w.push(geo::Coord {
            x: 36.231,
            y: 49.993,
        });
        w.push(geo::Coord {
            x: 34.551,
            y: 49.589,
        });
    });
    h.get_all_by_label("Route").last().unwrap().click(); // the Route tab
    h.run_steps(2);
    wait_until(&mut h, |h| h.state().session.route.check.is_some());
    click(&mut h, "Notify movement…");
    // A window's first frame only sizes it.
    h.run_steps(3);
    // The id after the highest in use (MOV-004 is missing: never reused).
    assert_eq!(h.state().settings.forms.notify.text.id, "MOV-012");
    {
        let f = &mut h.state_mut().settings.forms.notify.text;
        f.convoy_id = "UN-12".into();
        f.window_start = "2026-03-05T08:00:00Z".into();
        f.window_end = "2026-03-05T06:00:00Z".into();
        f.vehicles = "3 trucks".into();
    }
    click(&mut h, "Add movement");
    h.get_by_label("the window ends before it starts");
    assert!(h.state().session.new_movements.is_empty());
    h.state_mut().settings.forms.notify.text.window_end = "2026-03-05T18:00:00Z".into();
    click(&mut h, "Add movement");
    settle(&mut h);
    assert_eq!(h.state().session.new_movements.len(), 1);
    h.get_by_label("11 movements:");
    h.get_by_label("Movement MOV-012");
    h.get_by_label("3 trucks");
    h.get_by_label("2 planned");
    // Saved, and the package written beside it.
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("new.geojson");
    h.state_mut()
        .export_to(ExportKind::NewMovements, saved.clone());
    wait_until(&mut h, |h| h.state().session.new_movements.is_empty());
    let text = std::fs::read_to_string(&saved).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p = &v["features"][0]["properties"];
    assert_eq!(p["kind"], "movement");
    assert_eq!(p["convoy_id"], "UN-12");
    // The corridors the route uses: HC-01, and HC-04 whose end is Kharkiv.
    assert_eq!(p["corridor_ids"], serde_json::json!(["HC-01", "HC-04"]));
    assert_eq!(p["speed_kmh"], 40.0);
    assert_eq!(
        v["features"][0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(p["window_end"], "2026-03-05T18:00:00Z");
    let pdf = dir.path().join("MOV-012.pdf");
    h.state_mut()
        .export_to(ExportKind::NoticePackage, pdf.clone());
    wait_until(&mut h, |h| !h.state().busy());
    for ext in ["pdf", "gpx", "kml", "geojson"] {
        assert!(pdf.with_extension(ext).exists(), "{ext}");
    }
    if let Some(t) = crate::report::pdftotext(&pdf) {
        assert!(t.contains("movement MOV-012") && t.contains("UN-12"), "{t}");
        assert!(t.contains("ILLUSTRATIVE DATA"), "{t}");
    }
}

/// The Convoys table's Stretches column counted deviations and zone entries
/// only: UN-07 said 2 while its details listed 3 (its stretch in the closed
/// corridor HC-04). It counts every stretch the details list.
#[test]
fn the_stretches_column_counts_what_the_details_list() {
    let mut h = app_on(bundled());
    click(&mut h, "Convoys");
    let row = h.get_by_label("UN-07").rect();
    let column = h.get_by_label_contains("Stretches").rect();
    let in_row: Vec<String> = h
        .get_all_by_label("3")
        .filter(|n| (n.rect().center().y - row.center().y).abs() < 12.0)
        .filter(|n| n.rect().left() < column.right() && n.rect().right() > column.left())
        .map(|n| format!("{:?}", n.rect()))
        .collect();
    assert_eq!(in_row.len(), 1, "UN-07's row says 3 stretches: {in_row:?}");
    click(&mut h, "UN-07");
    h.get_by_label_contains("In closed corridor HC-04 (1)");
}

//! `notify`: the notification package of a bundled movement, its figures
//! computed outside this code (GeographicLib in Python, by hand), and its
//! route files read back.

use super::pdftotext;
use crate::util::*;

#[test]
fn the_package_of_a_notified_route_lists_its_waypoints_at_the_planned_speed() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("MOV-005.pdf");
    let o = bin()
        .arg("notify")
        .args([data("corridors.geojson"), data("movements.geojson")])
        .args(["--movement", "MOV-005", "-o"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert_exit(&o, 0, "notify");
    let err = String::from_utf8_lossy(&o.stderr);
    // GeographicLib (Python): the route's 8 vertices are 69,950.08 m long.
    assert!(
        err.contains("69.95 km along its route at 50 km/h; 8 waypoints listed"),
        "{err}"
    );
    // The GeoJSON beside it is a route the Route tab opens, with every vertex.
    let layer = corridor_watch::io::read_path(&pdf.with_extension("geojson")).unwrap();
    let route = corridor_watch::io::route::route_from_layer(&layer).unwrap();
    assert_eq!(route.waypoints.len(), 8);
    assert_eq!(route.speed_kmh, Some(50.0));
    let gpx = std::fs::read_to_string(pdf.with_extension("gpx")).unwrap();
    assert_eq!(gpx.matches("<rtept ").count(), 8);
    assert!(
        std::fs::read_to_string(pdf.with_extension("kml"))
            .unwrap()
            .contains("<LineString>")
    );
    let Some(t) = pdftotext(&pdf) else { return };
    for words in [
        "Humanitarian notification: movement MOV-005",
        "WFP-05",
        "2026-03-02T09:00:00Z to 2026-03-02T12:00:00Z (3 h 00 min)",
        "5 trucks (wheat flour)",
        "ILLUSTRATIVE DATA",
        // The first waypoint leaves at the window's start; the last is reached
        // 69,950.08 m / (50 km/h) = 1 h 23 min 56 s later.
        "2026-03-02T09:00:00Z",
        "2026-03-02T10:23:56Z",
        "Dnipro",
        "Zaporizh",
        "none within 5.00 km of the route in the 7 days before the window opens",
    ] {
        assert!(t.contains(words), "{words} not in:\n{t}");
    }
}

#[test]
fn an_unknown_movement_is_refused_naming_the_ones_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .arg("notify")
        .arg(data("movements.geojson"))
        .args(["--movement", "MOV-999", "-o"])
        .arg(dir.path().join("x.pdf"))
        .output()
        .unwrap();
    assert_exit(&o, 2, "notify");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no movement MOV-999; the layers hold MOV-001"),
        "{err}"
    );
    // A movement whose corridors are not loaded has no line to send.
    let o = bin()
        .arg("notify")
        .arg(data("movements.geojson"))
        .args(["--movement", "MOV-001", "-o"])
        .arg(dir.path().join("x.pdf"))
        .output()
        .unwrap();
    assert_exit(&o, 2, "notify");
    assert!(String::from_utf8_lossy(&o.stderr).contains("movement MOV-001 has no route"));
    assert!(!dir.path().join("x.pdf").exists());
}

#[test]
fn a_route_off_the_corridors_is_said_in_the_package() {
    let dir = tempfile::tempdir().unwrap();
    // Kyiv straight to Dnipro: no corridor joins them that way.
    let m = dir.path().join("m.geojson");
    std::fs::write(
        &m,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"movement","id":"M-1","convoy_id":"C-1","window_start":"2026-03-05T06:00:00Z","window_end":"2026-03-05T20:00:00Z"},"geometry":{"type":"LineString","coordinates":[[30.523,50.45],[35.046,48.464]]}}]}"#,
    )
    .unwrap();
    let pdf = dir.path().join("M-1.pdf");
    let o = bin()
        .arg("notify")
        .args([data("corridors.geojson").as_path(), m.as_path()])
        .args(["--movement", "M-1", "-o"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert_exit(&o, 0, "notify");
    let Some(t) = pdftotext(&pdf) else { return };
    let line = t
        .lines()
        .find(|l| l.contains("Caution"))
        .unwrap_or_default();
    assert!(
        line.contains("the route runs") && line.contains("outside every corridor"),
        "{t}"
    );
}

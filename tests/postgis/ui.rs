//! The app and PostGIS: File > Open database…, Refresh, and another
//! operator's alert heard in the Live tab (LISTEN).

use super::{fresh, load, shared};
use crate::ui::{app_on, assert_logged_error, click, log_texts, settle, wait_until};
use crate::util::*;
use corridor_watch::app::CorridorApp;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

#[test]
fn open_a_table_refresh_it_and_hear_another_operators_alert() {
    let Some(pg) = shared() else { return };
    let table = fresh("public.app_tracks");
    let mut db = pg.client();
    load::geojson_table(
        &mut db,
        &table,
        &load::features_of(&fixture("cases/excursion/tracks.geojson")),
    );
    let mut h = app_on(vec![fixture("cases/excursion/layers.geojson")]);
    // File > Open database…, the URL typed, Open table.
    click(&mut h, "File");
    click(&mut h, "Open database…");
    h.state_mut().settings.forms.db_url = pg.url(&table);
    h.run_steps(2);
    click(&mut h, "Open table");
    let flagged = |h: &Harness<'static, CorridorApp>| {
        h.state()
            .session
            .analysis
            .as_ref()
            .map(|a| a.results.iter().filter(|r| r.report.is_flagged()).count())
    };
    // The harness can see no job running while a result waits to be taken:
    // step until the analysis of the new layer is in.
    wait_until(&mut h, |h| flagged(h) == Some(1));
    let layers = &h.state().session.layers;
    assert_eq!(layers.len(), 2, "{:?}", log_texts(&h));
    assert_eq!(layers[1].layer.name, table);
    assert_eq!(layers[1].layer.features.len(), 1);

    // The label shows the URL with the password masked.
    let label = layers[1].origin.label();
    assert!(
        label.contains("cw:***@") && !label.contains(super::PASSWORD),
        "{label}"
    );

    // A second convoy is added in the database; Refresh reads it.
    db.batch_execute(&format!(
        "INSERT INTO {table} (kind, convoy_id, corridor_ids, times, geom) SELECT kind, 'EX-2', corridor_ids, times, geom FROM {table}"
    ))
    .unwrap();
    click(&mut h, "Refresh");
    wait_until(&mut h, |h| flagged(h) == Some(2));
    assert_eq!(
        h.state().session.layers[1].layer.features.len(),
        2,
        "refreshed in place"
    );
    assert_eq!(h.state().session.layers.len(), 2);
    // The table gone: Refresh fails and the layer keeps its data.
    db.batch_execute(&format!("DROP TABLE {table}")).unwrap();
    click(&mut h, "Refresh");
    wait_until(&mut h, |h| {
        h.state()
            .session
            .log
            .iter()
            .any(|e| e.error && e.text.contains("could not refresh"))
    });
    settle(&mut h);
    assert_eq!(h.state().session.layers[1].layer.features.len(), 2, "kept");
    assert_logged_error(&h, &["does not exist", "keeps the data"]);

    // Live tab: Listen on an alerts table; another operator's watch writes an alert.
    let alerts = fresh("alerts_app");
    h.state_mut().settings.tab = corridor_watch::app::settings::Tab::Live;
    h.run_steps(2);
    h.state_mut().settings.forms.listen_url = pg.url(&alerts);
    h.run_steps(2);
    click(&mut h, "Listen");
    std::thread::sleep(Duration::from_millis(800));
    let url = corridor_watch::io::postgis::PgUrl::parse(&pg.url(&alerts)).unwrap();
    let mut other = corridor_watch::io::postgis::connect(&url).unwrap();
    let alert: serde_json::Value = serde_json::json!({
        "convoy_id": "OTHER-9", "type": "buffer_zone_entry", "start": [30.7, 50.0], "end": [30.9, 50.0],
        "length_m": 14300.0, "max_offset_m": 7000.0, "start_time": "2026-03-02T10:00:00Z",
        "end_time": "2026-03-02T10:20:00Z", "detected_at": "2026-03-02T10:21:00Z"
    });
    let row = corridor_watch::output::postgis_sink::SinkRow {
        convoy_id: "OTHER-9".into(),
        kind: "buffer_zone_entry",
        start_key: "2026-03-02T10:00:00Z".into(),
        start_time: Some("2026-03-02T10:00:00Z".into()),
        end_time: Some("2026-03-02T10:20:00Z".into()),
        length_m: Some(14300.0),
        max_offset_m: Some(7000.0),
        path: vec![
            geo::Coord { x: 30.7, y: 50.0 },
            geo::Coord { x: 30.9, y: 50.0 },
        ],
        payload: Some(alert),
    };
    corridor_watch::output::postgis_sink::write_rows(&mut other, &[row], true).unwrap();
    let t0 = Instant::now();
    while h.state().session.alerts.is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the alert never arrived"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(3);
    let a = &h.state().session.alerts[0];
    assert_eq!(a.alert.convoy_id, "OTHER-9");
    assert!(
        a.from
            .as_deref()
            .is_some_and(|f| f.contains("another operator"))
    );
    h.get_by_label_contains("OTHER-9 ZONE ENTRY");
    click(&mut h, "Stop listening");
}

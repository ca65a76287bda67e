//! Two operators edit the same PostGIS table in the app (issue 28): the
//! first one's save lands, the second one's (from an older read, on the
//! same row) is refused naming the row, and nothing of it is written; an edit
//! to another row then saves.

use super::{fresh, load, shared};
use crate::ui::editing::{
    app_with_state, drag_map, sparse_case, start_editing, type_into, un01_status,
};
use crate::ui::{click, click_map, log_texts, settle, wait_until};
use corridor_watch::app::CorridorApp;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn table_layer(h: &Harness<'static, CorridorApp>, table: &str) -> usize {
    h.state()
        .session
        .layers
        .iter()
        .position(|l| l.layer.name == table)
        .expect("the table's layer")
}

fn line_of(h: &Harness<'static, CorridorApp>, table: &str, id: &str) -> Vec<geo::Coord> {
    let l = &h.state().session.layers[table_layer(h, table)].layer;
    let f = l
        .features
        .iter()
        .find(|f| f.id.as_deref() == Some(id))
        .unwrap();
    match &f.geometry {
        Some(geo::Geometry::LineString(ls)) => ls.0.clone(),
        Some(geo::Geometry::MultiLineString(m)) => m.0[0].0.clone(),
        other => panic!("{other:?}"),
    }
}

/// The sparse case's corridors as a table, heights dropped (the column is
/// 2-D, as GDAL makes it from 2-D lines).
fn corridors_table(db: &mut postgres::Client, table: &str, corridors: &std::path::Path) {
    let mut features = load::features_of(corridors);
    for f in &mut features {
        for p in f["geometry"]["coordinates"].as_array_mut().unwrap() {
            p.as_array_mut().unwrap().truncate(2);
        }
    }
    load::geojson_table(db, table, &features);
}

/// An operator's app on UN-01's track and the table.
fn operator(
    dir: &std::path::Path,
    who: &str,
    track: &std::path::Path,
    url: &str,
    table: &str,
) -> Harness<'static, CorridorApp> {
    let mut h = app_with_state(vec![track.to_path_buf()], dir.join(who));
    h.state_mut().open_url(url.to_string(), None);
    wait_until(&mut h, |h| {
        h.state()
            .session
            .layers
            .iter()
            .any(|l| l.layer.name == table)
            && h.state().session.analysis.is_some()
    });
    settle(&mut h);
    h
}

#[test]
fn two_operators_edit_one_table_and_the_second_save_is_refused_naming_the_row() {
    let Some(pg) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (corridors, track) = sparse_case(dir.path());
    let table = fresh("app_edit_corridors");
    let mut db = pg.client();
    corridors_table(&mut db, &table, &corridors);
    let url = pg.url(&table);

    let mut a = operator(dir.path(), "a", &track, &url, &table);
    let mut b = operator(dir.path(), "b", &track, &url, &table);
    assert_eq!(un01_status(&a), "clean");
    // The track's row has an Edit button too (disabled): the table's is the second.
    start_editing(&mut a, 1);
    start_editing(&mut b, 1);
    assert!(
        log_texts(&a).iter().any(|t| t.contains("editing")),
        "{:?}",
        log_texts(&a)
    );

    // A drags a vertex of HC-01 north: UN-01 is flagged; saved to the table.
    let v = line_of(&a, &table, "HC-01");
    a.state_mut().centre_on(v[12].x, v[12].y, 9.0);
    a.run_steps(3);
    click_map(
        &mut a,
        geo::Coord {
            x: (v[12].x + v[13].x) / 2.0,
            y: (v[12].y + v[13].y) / 2.0,
        },
    );
    let to = geo::Coord {
        x: v[12].x,
        y: v[12].y + 0.3,
    };
    drag_map(&mut a, v[12], to);
    settle(&mut a);
    assert_eq!(un01_status(&a), "deviated");
    click(&mut a, "Save");
    wait_until(&mut a, |h| {
        !h.state().session.editor.busy && !h.state().session.editor.dirty()
    });
    settle(&mut a);
    assert!(
        log_texts(&a)
            .iter()
            .any(|t| t.contains("saved") && !t.contains(super::PASSWORD)),
        "{:?}",
        log_texts(&a)
    );
    let y: f64 = db
        .query_one(
            &format!("SELECT ST_Y(ST_PointN(geom, 13)) FROM {table} WHERE id = 'HC-01'"),
            &[],
        )
        .unwrap()
        .get(0);
    assert!((y - to.y).abs() < 0.01, "the table holds A's move: {y}");
    // Read back, A still sees UN-01 flagged.
    assert_eq!(un01_status(&a), "deviated");

    // B, from its read before A's save, narrows HC-01: Save is refused, naming the row.
    let vb = line_of(&b, &table, "HC-01");
    b.state_mut().centre_on(vb[12].x, vb[12].y, 9.0);
    b.run_steps(3);
    click_map(
        &mut b,
        geo::Coord {
            x: (vb[12].x + vb[13].x) / 2.0,
            y: (vb[12].y + vb[13].y) / 2.0,
        },
    );
    type_into(&mut b, "Tolerance (m)", "tolerance_m", "500");
    click(&mut b, "Apply attributes");
    settle(&mut b);
    assert!(b.state().session.editor.dirty());
    click(&mut b, "Save");
    wait_until(&mut b, |h| !h.state().session.editor.busy);
    settle(&mut b);
    let refused = log_texts(&b)
        .into_iter()
        .find(|t| t.contains("not saved"))
        .expect("the save is refused");
    assert!(
        refused.contains("ogc_fid = 1 (HC-01)")
            && refused.contains("changed by someone else")
            && refused.contains("nothing was written")
            && !refused.contains(super::PASSWORD),
        "{refused}"
    );
    assert!(b.state().session.editor.dirty(), "B's edits are kept");
    // Refresh would put the table's rows under the edits: refused while editing.
    click(&mut b, "Refresh");
    settle(&mut b);
    assert!(log_texts(&b).iter().any(|t| t.contains("is being edited")));
    assert!(b.state().session.editor.dirty());
    let (tol, y2): (f64, f64) = db
        .query_one(
            &format!(
                "SELECT tolerance_m, ST_Y(ST_PointN(geom, 13)) FROM {table} WHERE id = 'HC-01'"
            ),
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!((tol, y2), (5000.0, y), "nothing of B's is written");

    // B undoes, edits the other corridor (a row A did not touch): saved.
    click(&mut b, "Undo");
    settle(&mut b);
    let w = line_of(&b, &table, "HC-09");
    b.state_mut().centre_on(w[0].x, w[0].y, 9.0);
    b.run_steps(3);
    let on_edge = geo::Coord {
        x: (w[0].x * 0.7 + w[1].x * 0.3),
        y: (w[0].y * 0.7 + w[1].y * 0.3),
    };
    // The first click selects HC-09, the second puts a vertex on its edge.
    click_map(&mut b, on_edge);
    click_map(&mut b, on_edge);
    assert_eq!(line_of(&b, &table, "HC-09").len(), 3);
    click(&mut b, "Save");
    wait_until(&mut b, |h| {
        !h.state().session.editor.busy && !h.state().session.editor.dirty()
    });
    settle(&mut b);
    let n: i32 = db
        .query_one(
            &format!("SELECT ST_NPoints(geom) FROM {table} WHERE id = 'HC-09'"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 3, "B's edit of HC-09 saved");
    // B's read after its save has A's move too.
    assert!((line_of(&b, &table, "HC-01")[12].y - to.y).abs() < 0.01);
    assert_eq!(un01_status(&b), "deviated");
}

/// Edits to a table journaled before a kill come back at the next start
/// (the journal names the table by its URL without the password), and save.
#[test]
fn table_edits_journaled_before_a_kill_are_restored_and_saved() {
    let Some(pg) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (corridors, track) = sparse_case(dir.path());
    let table = fresh("app_edit_journal");
    let mut db = pg.client();
    corridors_table(&mut db, &table, &corridors);
    let url = pg.url(&table);
    {
        let mut a = operator(dir.path(), "state", &track, &url, &table);
        start_editing(&mut a, 1);
        let v = line_of(&a, &table, "HC-01");
        a.state_mut().centre_on(v[12].x, v[12].y, 9.0);
        a.run_steps(3);
        click_map(
            &mut a,
            geo::Coord {
                x: (v[12].x + v[13].x) / 2.0,
                y: (v[12].y + v[13].y) / 2.0,
            },
        );
        type_into(&mut a, "Tolerance (m)", "tolerance_m", "500");
        click(&mut a, "Apply attributes");
        settle(&mut a);
        assert_eq!(un01_status(&a), "deviated");
        let journal = dir.path().join("state").join("journal");
        wait_until(&mut a, |_| {
            std::fs::read_dir(&journal).is_ok_and(|mut d| {
                d.next().is_some_and(|e| {
                    std::fs::read_to_string(e.unwrap().path())
                        .is_ok_and(|t| t.lines().count() == 2 && !t.contains(super::PASSWORD))
                })
            })
        });
        // Dropped unsaved: a kill.
    }
    let tol = |db: &mut postgres::Client| -> f64 {
        db.query_one(
            &format!("SELECT tolerance_m FROM {table} WHERE id = 'HC-01'"),
            &[],
        )
        .unwrap()
        .get(0)
    };
    assert_eq!(tol(&mut db), 5000.0, "never written");
    let mut b = operator(dir.path(), "state", &track, &url, &table);
    b.get_by_label_contains("1 edit(s) journaled when the app stopped");
    click(&mut b, "Restore edits");
    wait_until(&mut b, |h| {
        h.state().session.editor.edit.is_some() && !h.state().session.editor.busy
    });
    settle(&mut b);
    assert!(b.state().session.editor.dirty());
    assert_eq!(un01_status(&b), "deviated");
    click(&mut b, "Save");
    wait_until(&mut b, |h| {
        !h.state().session.editor.busy && !h.state().session.editor.dirty()
    });
    assert_eq!(tol(&mut db), 500.0);
}

//! Editing a PostGIS table (issue 28), against the real cluster: only what
//! changed is written, in the column's own SRID, shape and types; a row
//! changed or deleted by someone else since it was read stops the whole save,
//! and the message names it.

use super::{fresh, shared};
use corridor_watch::edit::postgis::{TableRows, read_for_edit, save_table};
use corridor_watch::edit::save::{Edited, SaveError, Stamp};
use corridor_watch::model::Layer;
use geo::{Coord, Geometry, LineString};
use serde_json::json;

/// A table as an operator might keep corridors: a text key, an integer
/// tolerance, closures as JSON, lines in Web Mercator as MultiLineStrings.
pub(super) fn corridors_table(db: &mut postgres::Client, table: &str) {
    db.batch_execute(&format!(
        "DROP TABLE IF EXISTS {table};
         CREATE TABLE {table} (id text PRIMARY KEY, kind text, tolerance_m integer,
             closures jsonb, note text, geom geometry(MultiLineString, 3857));
         INSERT INTO {table} VALUES
           ('HC-01', 'corridor', 5000, NULL, 'north road',
            ST_Transform(ST_GeomFromText('MULTILINESTRING((30 50, 31 50, 32 50.5))', 4326), 3857)),
           ('HC-02', 'corridor', 3000, '[[\"2026-03-01T00:00:00Z\", \"2026-03-02T00:00:00Z\"]]', NULL,
            ST_Transform(ST_GeomFromText('MULTILINESTRING((33 48, 34 48))', 4326), 3857)),
           ('HC-03', 'corridor', 1000, NULL, NULL,
            ST_Transform(ST_GeomFromText('MULTILINESTRING((35 47, 36 47))', 4326), 3857));"
    ))
    .unwrap();
}

/// What a save needs, for a layer as read (nothing touched yet).
pub(super) fn edited(layer: &Layer, rows: &TableRows, stamp: Stamp) -> Edited {
    Edited {
        read: layer.features.iter().map(|f| f.index).collect(),
        touched: Default::default(),
        first_new: rows.keys.len(),
        stamp,
    }
}

pub(super) fn feature<'a>(
    layer: &'a mut Layer,
    id: &str,
) -> &'a mut corridor_watch::model::Feature {
    layer
        .features
        .iter_mut()
        .find(|f| f.properties["id"] == id)
        .unwrap()
}

fn row_hash(db: &mut postgres::Client, table: &str, id: &str) -> String {
    db.query_one(
        &format!("SELECT md5(t::text) FROM {table} t WHERE id = $1"),
        &[&id],
    )
    .unwrap()
    .get(0)
}

#[test]
fn a_table_edit_writes_only_what_changed_in_the_columns_own_srid_and_types() {
    let Some(pg) = shared() else { return };
    let table = fresh("edit_corridors");
    let mut db = pg.client();
    corridors_table(&mut db, &table);
    let url = pg.url(&table);
    let (mut layer, stamp, rows) = read_for_edit(&url).unwrap();
    assert_eq!(layer.features.len(), 3);
    assert_eq!(rows.keys, vec![vec!["HC-01"], vec!["HC-02"], vec!["HC-03"]]);
    let mut ed = edited(&layer, &rows, stamp);
    let hc02 = row_hash(&mut db, &table, "HC-02");

    // HC-01: a vertex moved and the tolerance changed (given as 2500.0).
    let f = feature(&mut layer, "HC-01");
    let moved = LineString::from(vec![(30.0, 50.0), (31.0, 50.25), (32.0, 50.5)]);
    f.geometry = Some(Geometry::MultiLineString(geo::MultiLineString(vec![
        moved.clone(),
    ])));
    f.properties.insert("tolerance_m".into(), json!(2500.0));
    ed.touched.insert(f.index);
    // HC-03 deleted; HC-10 added as a LineString (the column takes MultiLineStrings).
    layer.features.retain(|f| f.properties["id"] != "HC-03");
    let mut new = layer.features[0].clone();
    new.index = ed.first_new;
    new.properties = json!({"id": "HC-10", "kind": "corridor", "tolerance_m": 750,
        "closures": [["2026-04-01T00:00:00Z", "2026-04-03T00:00:00Z"]]})
    .as_object()
    .unwrap()
    .clone();
    new.geometry = Some(Geometry::LineString(LineString::from(vec![
        (37.0, 46.0),
        (37.5, 46.2),
    ])));
    layer.features.push(new);

    save_table(&url, &layer, &ed, &rows).unwrap();

    let r = db
        .query_one(
            &format!(
                "SELECT tolerance_m, note, ST_SRID(geom), ST_Y(ST_Transform(ST_PointN(ST_GeometryN(geom, 1), 2), 4326)) FROM {table} WHERE id = 'HC-01'"
            ),
            &[],
        )
        .unwrap();
    assert_eq!(r.get::<_, i32>(0), 2500);
    assert_eq!(r.get::<_, Option<String>>(1).as_deref(), Some("north road"));
    assert_eq!(r.get::<_, i32>(2), 3857);
    assert!((r.get::<_, f64>(3) - 50.25).abs() < 1e-9);
    assert_eq!(
        row_hash(&mut db, &table, "HC-02"),
        hc02,
        "an untouched row is not written"
    );
    let gone: i64 = db
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE id = 'HC-03'"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(gone, 0);
    let r = db
        .query_one(
            &format!(
                "SELECT GeometryType(geom), ST_SRID(geom), tolerance_m, closures::text FROM {table} WHERE id = 'HC-10'"
            ),
            &[],
        )
        .unwrap();
    assert_eq!(r.get::<_, String>(0), "MULTILINESTRING");
    assert_eq!(r.get::<_, i32>(1), 3857);
    assert_eq!(r.get::<_, i32>(2), 750);
    assert_eq!(
        r.get::<_, String>(3),
        r#"[["2026-04-01T00:00:00Z", "2026-04-03T00:00:00Z"]]"#
    );
    // Read back as a layer (as `check` reads it): the same features.
    let (again, _, _) = read_for_edit(&url).unwrap();
    let ids: Vec<_> = again
        .features
        .iter()
        .map(|f| f.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["HC-01", "HC-02", "HC-10"]);
    assert_eq!(
        again.features[0].reach_m(corridor_watch::model::Role::Corridor),
        2500.0
    );
    let Some(Geometry::MultiLineString(m)) = &again.features[0].geometry else {
        panic!()
    };
    assert!(
        m.0[0]
            .0
            .iter()
            .zip(&moved.0)
            .all(|(a, b): (&Coord, &Coord)| (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9)
    );
}

#[test]
fn a_row_changed_or_deleted_by_someone_else_stops_the_save_and_is_named() {
    let Some(pg) = shared() else { return };
    let table = fresh("edit_conflict");
    let mut db = pg.client();
    corridors_table(&mut db, &table);
    let url = pg.url(&table);
    // Two operators read the table.
    let (mut a, stamp_a, rows_a) = read_for_edit(&url).unwrap();
    let (mut b, stamp_b, rows_b) = read_for_edit(&url).unwrap();
    let mut ed_a = edited(&a, &rows_a, stamp_a);
    let mut ed_b = edited(&b, &rows_b, stamp_b);
    // A narrows HC-01 and saves.
    let f = feature(&mut a, "HC-01");
    f.properties.insert("tolerance_m".into(), json!(1200));
    ed_a.touched.insert(f.index);
    save_table(&url, &a, &ed_a, &rows_a).unwrap();
    // B, from its older read, widens HC-01 and renames HC-02: refused as a whole.
    let before_b = row_hash(&mut db, &table, "HC-02");
    let f = feature(&mut b, "HC-01");
    f.properties.insert("tolerance_m".into(), json!(9000));
    ed_b.touched.insert(f.index);
    let f = feature(&mut b, "HC-02");
    f.properties.insert("note".into(), json!("by B"));
    ed_b.touched.insert(f.index);
    let e = save_table(&url, &b, &ed_b, &rows_b).unwrap_err();
    match &e {
        SaveError::Conflict { rows, .. } => assert_eq!(rows, &["row id = HC-01"]),
        other => panic!("{other}"),
    }
    let text = e.to_string();
    assert!(
        text.contains("nothing was written")
            && text.contains("id = HC-01")
            && !text.contains(super::PASSWORD),
        "{text}"
    );
    let tol: i32 = db
        .query_one(
            &format!("SELECT tolerance_m FROM {table} WHERE id = 'HC-01'"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tol, 1200, "A's save stands");
    assert_eq!(
        row_hash(&mut db, &table, "HC-02"),
        before_b,
        "B's other row not written either"
    );

    // A row deleted by someone else: named as deleted.
    let (mut c, stamp_c, rows_c) = read_for_edit(&url).unwrap();
    let mut ed_c = edited(&c, &rows_c, stamp_c);
    db.batch_execute(&format!("DELETE FROM {table} WHERE id = 'HC-03'"))
        .unwrap();
    let f = feature(&mut c, "HC-03");
    f.properties.insert("tolerance_m".into(), json!(10));
    ed_c.touched.insert(f.index);
    match save_table(&url, &c, &ed_c, &rows_c) {
        Err(SaveError::Conflict { rows, .. }) => assert_eq!(rows, ["row id = HC-03 (deleted)"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn views_tables_without_a_key_and_values_the_column_refuses_are_not_written() {
    let Some(pg) = shared() else { return };
    let table = fresh("edit_refused");
    let mut db = pg.client();
    corridors_table(&mut db, &table);
    db.batch_execute(&format!(
        "CREATE VIEW {table}_v AS SELECT * FROM {table};
         CREATE TABLE {table}_nokey AS SELECT * FROM {table};"
    ))
    .unwrap();
    let e = read_for_edit(&pg.url(&format!("{table}_v"))).unwrap_err();
    assert!(e.contains("view"), "{e}");
    let e = read_for_edit(&pg.url(&format!("{table}_nokey"))).unwrap_err();
    assert!(e.contains("no primary key"), "{e}");
    // A fractional tolerance in an integer column: the server refuses, nothing is written.
    let url = pg.url(&table);
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    let mut ed = edited(&l, &rows, stamp);
    let f = feature(&mut l, "HC-01");
    f.properties.insert("tolerance_m".into(), json!(12.5));
    f.properties.insert("colour".into(), json!("red"));
    ed.touched.insert(f.index);
    let e = save_table(&url, &l, &ed, &rows).unwrap_err().to_string();
    assert!(
        e.contains("no column for colour") && e.contains("nothing was written"),
        "{e}"
    );
    f_remove(&mut l, "colour");
    let e = save_table(&url, &l, &ed, &rows).unwrap_err().to_string();
    assert!(
        e.contains("12.5") && e.contains("nothing was written"),
        "{e}"
    );
    let tol: i32 = db
        .query_one(
            &format!("SELECT tolerance_m FROM {table} WHERE id = 'HC-01'"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tol, 5000);
}

fn f_remove(l: &mut Layer, key: &str) {
    for f in &mut l.features {
        f.properties.remove(key);
    }
}

/// A trigger that keeps an UPDATE from writing (`RETURN NULL`) stops the
/// save with the row named: never "saved" with nothing written.
#[test]
fn a_row_a_trigger_keeps_from_being_written_stops_the_save() {
    let Some(pg) = shared() else { return };
    let table = fresh("edit_guarded");
    let mut db = pg.client();
    corridors_table(&mut db, &table);
    db.batch_execute(&format!(
        "CREATE FUNCTION {table}_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
         CREATE TRIGGER keep BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_keep();"
    ))
    .unwrap();
    let url = pg.url(&table);
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    let mut ed = edited(&l, &rows, stamp);
    let f = feature(&mut l, "HC-02");
    f.properties.insert("tolerance_m".into(), json!(750));
    ed.touched.insert(f.index);
    let e = save_table(&url, &l, &ed, &rows).unwrap_err().to_string();
    assert!(
        e.contains("row id = HC-02") && e.contains("0 rows") && e.contains("nothing was written"),
        "{e}"
    );
}

//! Editing tables as the field keeps them (issue 28's second pass): keys the
//! table numbers itself, geometry columns of any SRID or made with the
//! old-style CHECK constraints, measured and 3-D lines whose heights an edit
//! keeps, a row-level security policy, a row another session holds locked.

use super::edit::{corridors_table, edited, feature};
use super::{fresh, shared};
use corridor_watch::edit::postgis::{read_for_edit, save_table};
use geo::{Geometry, LineString, Point};
use serde_json::{Map, json};

fn one(db: &mut postgres::Client, sql: &str) -> postgres::Row {
    db.query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A new feature as the app makes it for a table: no value for what the
/// table numbers itself.
fn add(
    layer: &mut corridor_watch::model::Layer,
    index: usize,
    props: Map<String, serde_json::Value>,
    g: Geometry,
) {
    let mut f = layer.features[0].clone();
    f.index = index;
    f.id = props.get("id").and_then(|v| v.as_str()).map(str::to_string);
    f.properties = props;
    f.geometry = Some(g);
    layer.features.push(f);
}

#[test]
fn a_new_row_leaves_the_key_the_table_numbers_to_the_table() {
    let Some(pg) = shared() else { return };
    let mut db = pg.client();
    let always = fresh("edit_identity");
    let serial = fresh("edit_serial");
    db.batch_execute(&format!(
        "CREATE TABLE {always} (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text,
             name text, geom geometry(Point, 4326));
         INSERT INTO {always} (kind, name, geom) VALUES
           ('incident', 'a', ST_SetSRID(ST_MakePoint(30, 48), 4326)),
           ('incident', 'b', ST_SetSRID(ST_MakePoint(31, 48), 4326));
         CREATE TABLE {serial} (gid serial PRIMARY KEY, id text, geom geometry(Point, 4326));
         INSERT INTO {serial} (id, geom) VALUES ('INC-1', ST_SetSRID(ST_MakePoint(30, 48), 4326));"
    ))
    .unwrap();

    // GENERATED ALWAYS: the form does not ask for the id, the table gives it.
    let url = pg.url(&always);
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    let why = rows.not_asked("id").expect("the id is the table's");
    assert!(why.contains("numbered by the table"), "{why}");
    assert_eq!(rows.not_asked("name"), None);
    let ed = edited(&l, &rows, stamp);
    let props = json!({"kind": "incident", "name": "c"})
        .as_object()
        .unwrap()
        .clone();
    add(
        &mut l,
        ed.first_new,
        props,
        Geometry::Point(Point::new(32.0, 48.0)),
    );
    save_table(&url, &l, &ed, &rows).unwrap();
    let r = one(
        &mut db,
        &format!("SELECT id FROM {always} WHERE name = 'c'"),
    );
    assert_eq!(r.get::<_, i32>(0), 3);

    // serial `gid`, text `id`: the id typed is written, the key numbered,
    // and the sequence moved on (another client's insert does not collide).
    let url = pg.url(&serial);
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    assert!(rows.not_asked("gid").is_some());
    assert_eq!(rows.not_asked("id"), None);
    let ed = edited(&l, &rows, stamp);
    let props = json!({"id": "INC-2"}).as_object().unwrap().clone();
    add(
        &mut l,
        ed.first_new,
        props,
        Geometry::Point(Point::new(32.0, 48.0)),
    );
    save_table(&url, &l, &ed, &rows).unwrap();
    let r = one(
        &mut db,
        &format!("SELECT gid FROM {serial} WHERE id = 'INC-2'"),
    );
    assert_eq!(r.get::<_, i32>(0), 2);
    db.batch_execute(&format!("INSERT INTO {serial} (id) VALUES ('theirs')"))
        .expect("the sequence was not left behind");
}

#[test]
fn a_geometry_column_of_any_srid_or_with_check_constraints_keeps_its_srid_and_shape() {
    let Some(pg) = shared() else { return };
    let mut db = pg.client();
    let free = fresh("edit_free_srid");
    let checked = fresh("edit_checked");
    db.batch_execute(&format!(
        "CREATE TABLE {free} (gid serial PRIMARY KEY, id text, kind text, geom geometry);
         INSERT INTO {free} (id, kind, geom) VALUES
           ('HC-01', 'corridor', ST_Transform(ST_GeomFromText('LINESTRING(30 50, 31 50)', 4326), 3857)),
           ('HC-02', 'corridor', ST_Transform(ST_GeomFromText('LINESTRING(32 50, 33 50)', 4326), 3857));
         CREATE TABLE {checked} (gid integer PRIMARY KEY, id text, kind text, geom geometry,
           CONSTRAINT enforce_srid_geom CHECK (st_srid(geom) = 3857),
           CONSTRAINT enforce_dims_geom CHECK (st_ndims(geom) = 2),
           CONSTRAINT enforce_geotype_geom CHECK (geometrytype(geom) = 'MULTILINESTRING' OR geom IS NULL));
         INSERT INTO {checked} VALUES (1, 'HC-01', 'corridor',
           ST_Transform(ST_GeomFromText('MULTILINESTRING((30 50, 31 50))', 4326), 3857));"
    ))
    .unwrap();
    for (table, gid) in [(&free, 3), (&checked, 2)] {
        let url = pg.url(table);
        let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
        let mut ed = edited(&l, &rows, stamp);
        let f = feature(&mut l, "HC-01");
        let moved = LineString::from(vec![(30.0, 50.0), (31.0, 50.5)]);
        f.geometry = Some(match &f.geometry {
            Some(Geometry::MultiLineString(_)) => {
                Geometry::MultiLineString(geo::MultiLineString(vec![moved]))
            }
            _ => Geometry::LineString(moved),
        });
        ed.touched.insert(f.index);
        let props = json!({"gid": gid, "id": "HC-10", "kind": "corridor"})
            .as_object()
            .unwrap()
            .clone();
        add(
            &mut l,
            ed.first_new,
            props,
            Geometry::LineString(LineString::from(vec![(34.0, 50.0), (35.0, 50.0)])),
        );
        save_table(&url, &l, &ed, &rows).unwrap_or_else(|e| panic!("{table}: {e}"));
        let r = one(
            &mut db,
            &format!(
                "SELECT array_agg(DISTINCT ST_SRID(geom)), count(*), \
                 ST_Y(ST_Transform(ST_EndPoint(ST_GeometryN((SELECT geom FROM {table} WHERE id = 'HC-01'), 1)), 4326)) \
                 FROM {table}"
            ),
        );
        assert_eq!(
            r.get::<_, Vec<i32>>(0),
            [3857],
            "{table}: one SRID, the rows'"
        );
        assert!(
            (r.get::<_, f64>(2) - 50.5).abs() < 1e-9,
            "{table}: the move written"
        );
    }
    let r = one(
        &mut db,
        &format!("SELECT GeometryType(geom) FROM {checked} WHERE id = 'HC-10'"),
    );
    assert_eq!(r.get::<_, String>(0), "MULTILINESTRING");
}

#[test]
fn an_edited_line_keeps_its_heights_and_measures() {
    let Some(pg) = shared() else { return };
    let mut db = pg.client();
    for (shape, ordinate) in [("LineStringZ", "ST_Z"), ("LineStringM", "ST_M")] {
        let table = fresh("edit_heights");
        db.batch_execute(&format!(
            "CREATE TABLE {table} (id text PRIMARY KEY, kind text, geom geometry({shape}, 3857));
             INSERT INTO {table} VALUES ('HC-01', 'corridor', ST_Transform(ST_GeomFromEWKT(
               'SRID=4326;{}'), 3857));",
            if shape.ends_with('Z') {
                "LINESTRING(30 50 100, 31 50 200, 32 50 300)"
            } else {
                "LINESTRINGM(30 50 100, 31 50 200, 32 50 300)"
            }
        ))
        .unwrap();
        let url = pg.url(&table);
        let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
        let mut ed = edited(&l, &rows, stamp);
        let f = feature(&mut l, "HC-01");
        let Some(Geometry::LineString(line)) = f.geometry.clone() else {
            panic!("{:?}", f.geometry)
        };
        // The middle vertex dragged north, and a vertex inserted halfway to the end.
        let mut cs = line.0.clone();
        cs[1].y += 0.25;
        cs.insert(
            2,
            geo::Coord {
                x: (cs[1].x + cs[2].x) / 2.0,
                y: cs[2].y,
            },
        );
        f.geometry = Some(Geometry::LineString(LineString(cs)));
        ed.touched.insert(f.index);
        save_table(&url, &l, &ed, &rows).unwrap();
        let r = one(
            &mut db,
            &format!(
                "SELECT array_agg({ordinate}((dp).geom) ORDER BY (dp).path), GeometryType(geom) \
                 FROM (SELECT ST_DumpPoints(geom) dp, geom FROM {table}) d GROUP BY geom"
            ),
        );
        let values: Vec<f64> = r.get(0);
        // The dragged vertex is not where any was: between its neighbours.
        assert_eq!(values.len(), 4, "{shape}");
        assert_eq!(values[0], 100.0, "{shape}: {values:?}");
        assert_eq!(values[3], 300.0, "{shape}: {values:?}");
        assert!(
            values[1] > 100.0 && values[1] < 300.0,
            "{shape}: {values:?}"
        );
        assert!(
            values[2] > values[1] && values[2] < 300.0,
            "{shape}: {values:?}"
        );
        let expected = if shape.ends_with('Z') {
            "LINESTRING"
        } else {
            "LINESTRINGM"
        };
        assert_eq!(r.get::<_, String>(1), expected);
    }
}

#[test]
fn a_row_the_user_may_not_change_and_a_row_held_locked_are_named() {
    let Some(pg) = shared() else { return };
    let table = fresh("edit_guarded_rows");
    let mut db = pg.client();
    corridors_table(&mut db, &table);
    db.batch_execute(&format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clerk') THEN
           CREATE ROLE clerk LOGIN PASSWORD 'clerk-pw'; END IF; END $$;
         ALTER ROLE clerk SET lock_timeout = '1s';
         ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
         CREATE POLICY see ON {table} FOR SELECT USING (true);
         CREATE POLICY change ON {table} FOR UPDATE USING (id <> 'HC-02');
         GRANT SELECT, UPDATE ON {table} TO clerk;"
    ))
    .unwrap();
    let url = format!(
        "postgresql://clerk:clerk-pw@127.0.0.1:{}/postgres?table={table}",
        pg.port
    );
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    let mut ed = edited(&l, &rows, stamp);
    let f = feature(&mut l, "HC-02");
    f.properties.insert("tolerance_m".into(), json!(750));
    ed.touched.insert(f.index);
    let e = save_table(&url, &l, &ed, &rows).unwrap_err().to_string();
    assert!(
        e.contains("row id = HC-02 cannot be changed by this database user")
            && e.contains("row-level security")
            && !e.contains("deleted"),
        "{e}"
    );

    // HC-01 held by another session's open transaction: named, not waited on for ever.
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    let mut ed = edited(&l, &rows, stamp);
    let f = feature(&mut l, "HC-01");
    f.properties.insert("tolerance_m".into(), json!(750));
    ed.touched.insert(f.index);
    let mut other = pg.client();
    let mut tx = other.transaction().unwrap();
    tx.batch_execute(&format!(
        "SELECT 1 FROM {table} WHERE id = 'HC-01' FOR UPDATE"
    ))
    .unwrap();
    let e = save_table(&url, &l, &ed, &rows).unwrap_err().to_string();
    assert!(
        e.contains("row id = HC-01 is held by another session") && e.contains("waited 1s"),
        "{e}"
    );
    tx.rollback().unwrap();
    save_table(&url, &l, &ed, &rows).expect("saved once the other session is done");
}

#[test]
fn a_table_without_an_id_or_kind_column_takes_new_features() {
    let Some(pg) = shared() else { return };
    let table = fresh("edit_bare");
    let mut db = pg.client();
    db.batch_execute(&format!(
        "CREATE TABLE {table} (fid bigserial PRIMARY KEY, label text, geom geometry(Point, 4326));
         INSERT INTO {table} (label, geom) VALUES ('post', ST_SetSRID(ST_MakePoint(30, 48), 4326));"
    ))
    .unwrap();
    let url = format!("{}&kind=incident", pg.url(&table));
    let (mut l, stamp, rows) = read_for_edit(&url).unwrap();
    assert!(rows.not_asked("id").unwrap().contains("no column"));
    assert!(rows.not_asked("time").unwrap().contains("no column"));
    let ed = edited(&l, &rows, stamp);
    // As the app makes it: the role as `kind`, no id (the table has no column for one).
    let props = json!({"kind": "incident", "label": "new post"})
        .as_object()
        .unwrap()
        .clone();
    add(
        &mut l,
        ed.first_new,
        props,
        Geometry::Point(Point::new(31.0, 48.0)),
    );
    save_table(&url, &l, &ed, &rows).unwrap();
    let r = one(
        &mut db,
        &format!("SELECT fid FROM {table} WHERE label = 'new post'"),
    );
    assert_eq!(r.get::<_, i64>(0), 2);
}

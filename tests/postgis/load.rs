//! Test fixtures into PostGIS tables, laid out as GDAL's `ogr2ogr -f
//! PostgreSQL` lays them out: an `ogc_fid serial` primary key, one typed
//! column per property (`text`, `float8`, `timestamptz`, `text[]`, and
//! `timestamptz[]` for per-vertex times), `geom geometry(Geometry, 4326)`.
//! Geometries go in through PostGIS's own `ST_GeomFromGeoJSON`.

use serde_json::{Map, Value};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Ty {
    Text,
    Float,
    Time,
    TextArray,
    TimeArray,
    Json,
}

impl Ty {
    fn sql(self) -> &'static str {
        match self {
            Ty::Text => "text",
            Ty::Float => "double precision",
            Ty::Time => "timestamptz",
            Ty::TextArray => "text[]",
            Ty::TimeArray => "timestamptz[]",
            Ty::Json => "jsonb",
        }
    }

    /// The expression turning parameter `$n` (JSON text) into the column's value.
    fn expr(self, n: usize) -> String {
        let arr = |cast: &str| {
            format!(
                "CASE WHEN ${n}::text::jsonb IS NULL THEN NULL ELSE ARRAY(SELECT x FROM jsonb_array_elements_text(${n}::text::jsonb) WITH ORDINALITY t(x, i) ORDER BY i)::{cast} END"
            )
        };
        match self {
            Ty::Text => format!("${n}::text::jsonb #>> '{{}}'"),
            Ty::Float => format!("(${n}::text::jsonb #>> '{{}}')::float8"),
            Ty::Time => format!("(${n}::text::jsonb #>> '{{}}')::timestamptz"),
            Ty::TextArray => arr("text[]"),
            Ty::TimeArray => arr("timestamptz[]"),
            Ty::Json => format!("${n}::text::jsonb"),
        }
    }
}

fn infer(key: &str, values: &[&Value]) -> Ty {
    match key {
        "time" => return Ty::Time,
        "times" | "coordTimes" => return Ty::TimeArray,
        "corridor_ids" => return Ty::TextArray,
        _ => {}
    }
    if values.iter().all(|v| v.is_number()) {
        Ty::Float
    } else if values.iter().all(|v| v.is_string()) {
        Ty::Text
    } else {
        Ty::Json
    }
}

/// A feature's properties with `coordinateProperties.times` lifted to `times`.
fn flat(props: &Map<String, Value>) -> Map<String, Value> {
    let mut p = props.clone();
    if let Some(Value::Object(cp)) = p.remove("coordinateProperties")
        && let Some(t) = cp.get("times")
    {
        p.insert("times".into(), t.clone());
    }
    p.retain(|_, v| !v.is_null());
    p
}

/// Creates `table` (dropping any old one) holding the features of a GeoJSON
/// FeatureCollection, in file order.
pub fn geojson_table(db: &mut postgres::Client, table: &str, features: &[Value]) {
    make_table(db, table, features, false);
}

/// As `ogr2ogr -f PostgreSQL` writes a GeoJSON file (GDAL 3.6): names folded
/// to lower case, nested objects (`coordinateProperties`) as a `json` column,
/// string lists as `varchar[]`, times kept as text.
pub fn gdal_table(db: &mut postgres::Client, table: &str, features: &[Value]) {
    make_table(db, table, features, true);
}

fn make_table(db: &mut postgres::Client, table: &str, features: &[Value], gdal: bool) {
    // A feature without geometry (a movement notified by corridors) is a NULL geom.
    let rows: Vec<(Map<String, Value>, Option<String>)> = features
        .iter()
        .map(|f| {
            let props = f["properties"].as_object().cloned().unwrap_or_default();
            let p = if gdal {
                props
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.to_lowercase(), v))
                    .collect()
            } else {
                flat(&props)
            };
            let g = &f["geometry"];
            (p, (!g.is_null()).then(|| g.to_string()))
        })
        .collect();
    let mut keys: Vec<String> = Vec::new();
    for (p, _) in &rows {
        for k in p.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let types: Vec<Ty> = keys
        .iter()
        .map(|k| {
            let vals: Vec<&Value> = rows.iter().filter_map(|(p, _)| p.get(k)).collect();
            match infer(k, &vals) {
                // GDAL writes times as text and lists of strings as varchar[].
                Ty::Time if gdal => Ty::Text,
                Ty::TimeArray if gdal => Ty::TextArray,
                t => t,
            }
        })
        .collect();
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let cols: Vec<String> = keys
        .iter()
        .zip(&types)
        .map(|(k, t)| format!("{} {}", q(k), t.sql()))
        .collect();
    let mut ddl =
        format!("DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (ogc_fid serial PRIMARY KEY");
    for c in &cols {
        ddl.push_str(", ");
        ddl.push_str(c);
    }
    ddl.push_str(", geom geometry(Geometry, 4326))");
    db.batch_execute(&ddl)
        .unwrap_or_else(|e| panic!("{ddl}: {e:?}"));
    let names: Vec<String> = keys
        .iter()
        .map(|k| q(k))
        .chain(["geom".to_string()])
        .collect();
    let exprs: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| t.expr(i + 1))
        .chain([format!(
            "ST_SetSRID(ST_GeomFromGeoJSON(${}), 4326)",
            keys.len() + 1
        )])
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        exprs.join(", ")
    );
    let stmt = db.prepare(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut tx = db.transaction().expect("transaction");
    for (p, g) in &rows {
        let vals: Vec<Option<String>> = keys
            .iter()
            .map(|k| p.get(k).map(Value::to_string))
            .collect();
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vals
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        params.push(g);
        tx.execute(&stmt, &params)
            .unwrap_or_else(|e| panic!("insert into {table}: {e:?}"));
    }
    tx.commit().expect("commit");
}

/// A GeoJSON file's features.
pub fn features_of(path: &std::path::Path) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("JSON");
    v["features"].as_array().cloned().unwrap_or_default()
}

/// A CSV of position reports (`convoy_id,time,lat,lon[,corridor_ids,…]`) as Point features.
pub fn csv_features(path: &std::path::Path) -> Vec<Value> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            let get = |k: &str| {
                headers
                    .iter()
                    .position(|h| h == k)
                    .and_then(|i| rec.get(i))
                    .unwrap_or("")
            };
            let lon: f64 = get("lon").parse().expect("lon");
            let lat: f64 = get("lat").parse().expect("lat");
            let mut props =
                serde_json::json!({ "convoy_id": get("convoy_id"), "time": get("time") });
            let ids: Vec<&str> = get("corridor_ids")
                .split([';', '|'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if !ids.is_empty() {
                props["corridor_ids"] = serde_json::json!(ids);
            }
            serde_json::json!({
                "type": "Feature",
                "properties": props,
                "geometry": { "type": "Point", "coordinates": [lon, lat] }
            })
        })
        .collect()
}

//! Save as…: the edited layer, unsaved edits included, written to a new file
//! in the format its name asks for: GeoJSON (`.geojson`, `.json`), GeoPackage
//! (`.gpkg`: one table in EPSG:4326, as GDAL writes one) or FlatGeobuf
//! (`.fgb`, features in the layer's order: no spatial index, which would
//! sort them). Columns are the layer's properties in
//! order of first use, typed by their values (integer, real, boolean, else
//! text); a list or an object is written as JSON text, as GDAL writes them
//! (the readers take them back). Written atomically: a failed write leaves
//! no file and no half of one.

use super::save::{SaveError, save_as_geojson};
use crate::model::Layer;
use serde_json::Value;
use std::path::Path;

/// The formats Save as… writes, by extension.
pub const EXTENSIONS: [&str; 4] = ["geojson", "json", "gpkg", "fgb"];

/// A column's type, from every value it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Int,
    Real,
    Bool,
    Text,
}

struct Column {
    name: String,
    ty: Ty,
}

fn ty_of(v: &Value) -> Option<Ty> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(Ty::Bool),
        Value::Number(n) if n.is_i64() => Some(Ty::Int),
        Value::Number(_) => Some(Ty::Real),
        _ => Some(Ty::Text),
    }
}

/// The layer's properties as columns, in order of first use, each typed by
/// every value it takes (null ones aside; a column only ever null is text).
fn columns(layer: &Layer) -> Vec<Column> {
    let mut out: Vec<(String, Option<Ty>)> = Vec::new();
    for f in &layer.features {
        for (k, v) in &f.properties {
            let i = match out.iter().position(|c| &c.0 == k) {
                Some(i) => i,
                None => {
                    out.push((k.clone(), None));
                    out.len() - 1
                }
            };
            let slot = &mut out[i].1;
            *slot = match (*slot, ty_of(v)) {
                (a, None) => a,
                (None, b) => b,
                (Some(a), Some(b)) if a == b => Some(a),
                (Some(Ty::Int), Some(Ty::Real)) | (Some(Ty::Real), Some(Ty::Int)) => Some(Ty::Real),
                _ => Some(Ty::Text),
            };
        }
    }
    out.into_iter()
        .map(|(name, ty)| Column {
            name,
            ty: ty.unwrap_or(Ty::Text),
        })
        .collect()
}

/// A value as text for a text column (a list or an object as JSON).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes `layer` to `path` in the format its extension names.
pub fn save_as(path: &Path, layer: &Layer) -> Result<(), SaveError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let name = path.display().to_string();
    let io = |e: std::io::Error| SaveError::Io {
        path: name.clone(),
        e,
    };
    match ext.as_str() {
        "geojson" | "json" => save_as_geojson(path, layer).map(drop),
        "gpkg" => crate::output::write::write_atomic_file(path, |tmp| {
            write_gpkg(tmp, layer).map_err(std::io::Error::other)
        })
        .map_err(io),
        "fgb" => {
            let bytes = fgb(layer).map_err(|problem| SaveError::Source {
                path: name.clone(),
                problem,
            })?;
            crate::output::write::write_atomic(path, &bytes).map_err(io)
        }
        _ => Err(SaveError::Source {
            path: name.clone(),
            problem: "Save as… writes GeoJSON (.geojson), GeoPackage (.gpkg) or FlatGeobuf (.fgb): give the file one of those extensions".into(),
        }),
    }
}

/// One geometry type for the whole table, or `GEOMETRY` for a mix.
fn geometry_type(layer: &Layer) -> &'static str {
    use geo::Geometry as G;
    let name = |g: &G<f64>| match g {
        G::Point(_) => "POINT",
        G::LineString(_) | G::Line(_) => "LINESTRING",
        G::Polygon(_) | G::Rect(_) | G::Triangle(_) => "POLYGON",
        G::MultiPoint(_) => "MULTIPOINT",
        G::MultiLineString(_) => "MULTILINESTRING",
        G::MultiPolygon(_) => "MULTIPOLYGON",
        G::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    };
    let mut kinds = layer
        .features
        .iter()
        .filter_map(|f| f.geometry.as_ref())
        .map(name);
    match kinds.next() {
        Some(first) if kinds.all(|k| k == first) => first,
        _ => "GEOMETRY",
    }
}

/// The layer as a GeoPackage at `path` (a new file).
fn write_gpkg(path: &Path, layer: &Layer) -> Result<(), String> {
    use rusqlite::types::Value as Sql;
    let cols = columns(layer);
    let mut db = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    let e = |e: rusqlite::Error| format!("GeoPackage: {e}");
    let table = table_name(layer);
    let q = crate::io::gpkg::quoted;
    let mut ddl = format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {}",
        q(&table),
        geometry_type(layer)
    );
    for c in &cols {
        let t = match c.ty {
            Ty::Int => "INTEGER",
            Ty::Real => "REAL",
            Ty::Bool => "BOOLEAN",
            Ty::Text => "TEXT",
        };
        ddl.push_str(&format!(", {} {t}", q(&c.name)));
    }
    ddl.push(')');
    db.execute_batch(crate::output::field::GPKG_SYSTEM_TABLES)
        .map_err(e)?;
    db.execute_batch(&ddl).map_err(e)?;
    let bbox = {
        use geo::BoundingRect;
        let rects: Vec<geo::Rect<f64>> = layer
            .features
            .iter()
            .filter_map(|f| f.geometry.as_ref()?.bounding_rect())
            .collect();
        rects
            .iter()
            .copied()
            .reduce(|a, b| {
                geo::Rect::new(
                    geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                    geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
                )
            })
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
    };
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, 'corridor-watch: an edited layer', ?2, ?3, ?4, ?5, 4326)",
        rusqlite::params![table, bbox.map(|b| b[0]), bbox.map(|b| b[1]), bbox.map(|b| b[2]), bbox.map(|b| b[3])],
    )
    .map_err(e)?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        rusqlite::params![table, geometry_type(layer)],
    )
    .map_err(e)?;
    let tx = db.transaction().map_err(e)?;
    {
        let names: Vec<String> = cols.iter().map(|c| q(&c.name)).collect();
        let marks: Vec<String> = (1..=cols.len() + 1).map(|k| format!("?{k}")).collect();
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO {} (geom{}{}) VALUES ({})",
                q(&table),
                if names.is_empty() { "" } else { ", " },
                names.join(", "),
                marks.join(", ")
            ))
            .map_err(e)?;
        for f in &layer.features {
            let mut values = vec![match &f.geometry {
                Some(g) => Sql::Blob(super::gpkg::blob(g, 4326)?),
                None => Sql::Null,
            }];
            values.extend(cols.iter().map(|c| match f.properties.get(&c.name) {
                None | Some(Value::Null) => Sql::Null,
                Some(v) => match (c.ty, v) {
                    (Ty::Int, Value::Number(n)) => n.as_i64().map_or(Sql::Null, Sql::Integer),
                    (Ty::Real, Value::Number(n)) => n.as_f64().map_or(Sql::Null, Sql::Real),
                    (Ty::Bool, Value::Bool(b)) => Sql::Integer(i64::from(*b)),
                    (_, v) => Sql::Text(text(v)),
                },
            }));
            insert
                .execute(rusqlite::params_from_iter(values))
                .map_err(e)?;
        }
    }
    tx.commit().map_err(e)?;
    db.close().map_err(|(_, err)| e(err))
}

/// The table's name: the layer's, without its extension.
fn table_name(layer: &Layer) -> String {
    let n = layer
        .name
        .rsplit_once('.')
        .map_or(layer.name.as_str(), |(a, _)| a);
    if n.trim().is_empty() {
        "layer".into()
    } else {
        n.to_string()
    }
}

/// The layer as FlatGeobuf bytes (EPSG:4326, in the layer's order). A
/// feature without geometry cannot be held: refused, naming it.
fn fgb(layer: &Layer) -> Result<Vec<u8>, String> {
    use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
    use geozero::ColumnValue;
    if let Some(f) = layer.features.iter().find(|f| f.geometry.is_none()) {
        return Err(format!(
            "FlatGeobuf cannot hold a feature without geometry ({}): save as GeoJSON or GeoPackage",
            f.label()
        ));
    }
    let ty = match geometry_type(layer) {
        "POINT" => GeometryType::Point,
        "LINESTRING" => GeometryType::LineString,
        "POLYGON" => GeometryType::Polygon,
        "MULTIPOINT" => GeometryType::MultiPoint,
        "MULTILINESTRING" => GeometryType::MultiLineString,
        "MULTIPOLYGON" => GeometryType::MultiPolygon,
        _ => GeometryType::Unknown,
    };
    let options = FgbWriterOptions {
        crs: FgbCrs {
            code: 4326,
            ..Default::default()
        },
        // Features keep their order (a spatial index sorts them along a curve).
        write_index: false,
        // Each geometry as it is (no guessing, no single made multi).
        detect_type: false,
        promote_to_multi: false,
        ..Default::default()
    };
    fn err(e: impl std::fmt::Display) -> String {
        format!("FlatGeobuf: {e}")
    }
    let mut w = FgbWriter::create_with_options(&table_name(layer), ty, options).map_err(err)?;
    let cols = columns(layer);
    for c in &cols {
        let t = match c.ty {
            Ty::Int => ColumnType::Long,
            Ty::Real => ColumnType::Double,
            Ty::Bool => ColumnType::Bool,
            Ty::Text => ColumnType::String,
        };
        w.add_column(&c.name, t, |_, col| col.nullable = true);
    }
    for f in &layer.features {
        let Some(g) = f.geometry.clone() else {
            continue;
        };
        let mut texts = Vec::new();
        for c in &cols {
            texts.push(match (c.ty, f.properties.get(&c.name)) {
                (Ty::Text, Some(v)) if !v.is_null() => Some(text(v)),
                _ => None,
            });
        }
        w.add_feature_geom(g, |out| {
            use geozero::PropertyProcessor;
            for (i, c) in cols.iter().enumerate() {
                let v = f.properties.get(&c.name);
                let value = match (c.ty, v) {
                    (_, None | Some(Value::Null)) => continue,
                    (Ty::Int, Some(Value::Number(n))) => n.as_i64().map(ColumnValue::Long),
                    (Ty::Real, Some(Value::Number(n))) => n.as_f64().map(ColumnValue::Double),
                    (Ty::Bool, Some(Value::Bool(b))) => Some(ColumnValue::Bool(*b)),
                    _ => texts[i].as_deref().map(ColumnValue::String),
                };
                if let Some(value) = value {
                    let _ = out.property(i, &c.name, &value);
                }
            }
        })
        .map_err(err)?;
    }
    let mut out = Vec::new();
    w.write(&mut out).map_err(err)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GDAL reads the file with `n` features and no error, where GDAL is
    /// installed (it is not needed by `cargo test`).
    fn ogrinfo_reads(path: &std::path::Path, n: usize) {
        if let Ok(out) = std::process::Command::new("ogrinfo")
            .args(["-al", "-q"])
            .arg(path)
            .output()
        {
            let errors = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && !errors.contains("ERROR"),
                "{}: {errors}",
                path.display()
            );
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(text.matches("OGRFeature(").count(), n, "{}", path.display());
        }
    }

    /// The bundled corridors and incidents written as GeoPackage and
    /// FlatGeobuf read back as the same features (geometry, role, id,
    /// tolerance, closures, times).
    #[test]
    fn a_layer_saved_as_gpkg_and_fgb_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "corridors.geojson",
            "incidents.geojson",
            "contact_line.geojson",
            "grain_routes.geojson",
            "movements.geojson",
        ] {
            let src = crate::io::bundled_files()
                .into_iter()
                .find(|p| p.file_name().is_some_and(|n| n == name))
                .unwrap();
            let layer = crate::io::read_path(&src).unwrap();
            for ext in ["gpkg", "fgb", "geojson"] {
                let out = dir.path().join(format!("saved-{name}.{ext}"));
                if ext == "fgb" && layer.features.iter().any(|f| f.geometry.is_none()) {
                    // Movements notified by corridors have no geometry.
                    let e = save_as(&out, &layer).unwrap_err().to_string();
                    assert!(e.contains("without geometry"), "{e}");
                    assert!(!out.exists());
                    continue;
                }
                save_as(&out, &layer).unwrap();
                ogrinfo_reads(&out, layer.features.len());
                let back = crate::io::read_path(&out).unwrap();
                assert_eq!(back.features.len(), layer.features.len(), "{name} {ext}");
                for (a, b) in layer.features.iter().zip(&back.features) {
                    assert_eq!(a.geometry, b.geometry, "{name} {ext}");
                    assert_eq!((a.role, &a.id), (b.role, &b.id), "{name} {ext}");
                    assert_eq!(a.time_span, b.time_span, "{name} {ext}");
                    assert_eq!(a.reach_m(a.role), b.reach_m(b.role), "{name} {ext}");
                    // Each property back, a list as JSON text (as GDAL reads it too).
                    for (k, v) in &a.properties {
                        let w = b.properties.get(k).unwrap_or(&Value::Null);
                        let as_text = w
                            .as_str()
                            .and_then(|t| serde_json::from_str::<Value>(t).ok());
                        assert!(
                            w == v || as_text.as_ref() == Some(v),
                            "{name} {ext} {k}: {v} / {w}"
                        );
                    }
                    let extra = b
                        .properties
                        .iter()
                        .filter(|(k, w)| !w.is_null() && !a.properties.contains_key(*k));
                    assert_eq!(extra.count(), 0, "{name} {ext}");
                }
            }
        }
        let e = save_as(&dir.path().join("x.kml"), &Layer::default()).unwrap_err();
        assert!(e.to_string().contains(".gpkg"), "{e}");
    }
}

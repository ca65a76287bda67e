//! Saving an edited GeoPackage layer back to its file: one table in WGS 84
//! (SRS 4326, or 0 / -1, read as lon/lat) with an integer primary key, as
//! GDAL writes them. Only the edited rows change: UPDATE, DELETE and INSERT
//! in one transaction, on a copy of the file renamed over it once committed
//! (a crash leaves the old file). GDAL's R-tree triggers call `ST_IsEmpty`
//! and `ST_MinX`…`ST_MaxY` on every write: they are given here. A property
//! without a column, or a file changed on disk since it was read, stops the
//! save before anything is written.

use super::save::{Edited, SaveError, Stamp};
use crate::io::crs::Crs;
use crate::io::gpkg::{TableInfo, decode, feature_tables, primary_key, quoted};
use crate::model::Layer;
use geo::BoundingRect;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The table edits go to: its name, geometry column, SRS and primary key.
struct Target {
    table: TableInfo,
    pk: String,
    /// Every other column but the geometry.
    columns: Vec<String>,
}

fn target(db: &Connection) -> Result<Target, String> {
    let mut tables = feature_tables(db).map_err(|e| format!("not a GeoPackage ({e})"))?;
    if tables.len() != 1 {
        return Err(format!(
            "it has {} feature tables: only a GeoPackage of one table can be edited here for now",
            tables.len()
        ));
    }
    let table = tables.remove(0);
    if !matches!(table.srs_id, 0 | -1 | 4326) {
        return Err(format!(
            "its table is in SRS {}: only GeoPackages in WGS 84 (EPSG:4326) can be edited here for now",
            table.srs_id
        ));
    }
    let pk = primary_key(db, &table.name)
        .ok_or_else(|| "its table has no integer primary key (GDAL's fid)".to_string())?;
    let mut q = db
        .prepare(&format!("PRAGMA table_info({})", quoted(&table.name)))
        .map_err(|e| e.to_string())?;
    let columns = q
        .query_map([], |r| r.get::<_, String>(1))
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .filter(|c| *c != pk && *c != table.geometry_column)
        .collect();
    Ok(Target { table, pk, columns })
}

/// Reads `path` to edit: its layer, and how many rows its table holds (those
/// the reader skipped too). Refused, with why, when it cannot be edited here.
pub fn read_for_edit(path: &Path) -> Result<(Layer, usize), String> {
    let source = path.display().to_string();
    let rows = {
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("{source}: {e}"))?;
        let t = target(&db).map_err(|e| format!("{source}: {e}"))?;
        db.query_row(
            &format!("SELECT count(*) FROM {}", quoted(&t.table.name)),
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(|e| format!("{source}: {e}"))?
    };
    let layer = crate::io::read_path(path).map_err(|e| e.to_string())?;
    Ok((layer, usize::try_from(rows).unwrap_or(0)))
}

/// A geometry as a GeoPackage blob (little-endian, with its envelope).
pub(super) fn blob(g: &geo::Geometry<f64>, srs_id: i64) -> Result<Vec<u8>, String> {
    use geozero::{CoordDimensions, ToWkb};
    let envelope = g
        .bounding_rect()
        .map(|r| vec![r.min().x, r.max().x, r.min().y, r.max().y])
        .unwrap_or_default();
    g.to_gpkg_wkb(
        CoordDimensions::xy(),
        Some(i32::try_from(srs_id).unwrap_or(4326)),
        envelope,
    )
    .map_err(|e| e.to_string())
}

fn sql(v: Option<&Value>) -> Sql {
    match v {
        None | Some(Value::Null) => Sql::Null,
        Some(Value::Bool(b)) => Sql::Integer(i64::from(*b)),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Sql::Integer)
            .unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or(f64::NAN))),
        Some(Value::String(s)) => Sql::Text(s.clone()),
        // Lists and objects as JSON text, as GDAL writes them.
        Some(other) => Sql::Text(other.to_string()),
    }
}

/// `ST_IsEmpty` and `ST_MinX`…`ST_MaxY` of a GeoPackage blob, for GDAL's R-tree triggers.
fn add_functions(db: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let rect = |b: Option<Vec<u8>>| {
        b.and_then(|b| decode(&b, &Crs::Wgs84).ok().flatten())
            .and_then(|g| g.bounding_rect())
    };
    db.create_scalar_function("ST_IsEmpty", 1, flags, move |ctx| {
        Ok(i64::from(rect(ctx.get(0)?).is_none()))
    })?;
    type Side = fn(geo::Rect<f64>) -> f64;
    let sides: [(&str, Side); 4] = [
        ("ST_MinX", |r| r.min().x),
        ("ST_MaxX", |r| r.max().x),
        ("ST_MinY", |r| r.min().y),
        ("ST_MaxY", |r| r.max().y),
    ];
    for (name, side) in sides {
        db.create_scalar_function(name, 1, flags, move |ctx| Ok(rect(ctx.get(0)?).map(side)))?;
    }
    Ok(())
}

/// Writes the edited `layer` back to the GeoPackage at `path`, if the file is
/// still what was read (`edited.stamp`). Returns the new file's stamp.
pub fn save_gpkg(path: &Path, layer: &Layer, edited: &Edited) -> Result<Stamp, SaveError> {
    let name = path.display().to_string();
    let source = |problem: String| SaveError::Source {
        path: name.clone(),
        problem,
    };
    super::save::unchanged_since_read(path, edited)?;
    let t = {
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| source(e.to_string()))?;
        target(&db).map_err(source)?
    };
    // Every property of a changed or new feature needs a column.
    let written = layer
        .features
        .iter()
        .filter(|f| f.index >= edited.first_new || edited.touched.contains(&f.index));
    let mut missing = BTreeSet::new();
    for f in written.clone() {
        for k in f.properties.keys() {
            if !t.columns.contains(k) && *k != t.pk {
                missing.insert(k.clone());
            }
        }
    }
    if !missing.is_empty() {
        return Err(source(format!(
            "table {} has no column for {}: nothing was written (Save as… writes GeoJSON, which takes any property)",
            t.table.name,
            missing.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let kept: BTreeSet<usize> = layer.features.iter().map(|f| f.index).collect();
    let write = |tmp: &Path| -> Result<(), String> {
        std::fs::copy(path, tmp).map_err(|e| e.to_string())?;
        let mut db = Connection::open(tmp).map_err(|e| e.to_string())?;
        add_functions(&db).map_err(|e| e.to_string())?;
        let table = quoted(&t.table.name);
        let rowids: Vec<i64> = {
            let mut q = db
                .prepare(&format!("SELECT rowid FROM {table} ORDER BY rowid"))
                .map_err(|e| e.to_string())?;
            q.query_map([], |r| r.get(0))
                .map_err(|e| e.to_string())?
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?
        };
        let row = |i: usize| {
            rowids
                .get(i)
                .copied()
                .ok_or_else(|| format!("table {} has no row {i} any more", t.table.name))
        };
        let tx = db.transaction().map_err(|e| e.to_string())?;
        let geom = quoted(&t.table.geometry_column);
        let cols: Vec<String> = t.columns.iter().map(|c| quoted(c)).collect();
        for i in edited.read.difference(&kept) {
            tx.execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [row(*i)?])
                .map_err(|e| e.to_string())?;
        }
        for f in written {
            let g = match &f.geometry {
                Some(g) => Sql::Blob(blob(g, t.table.srs_id)?),
                None => Sql::Null,
            };
            let mut values = vec![g];
            values.extend(t.columns.iter().map(|c| sql(f.properties.get(c))));
            if f.index >= edited.first_new {
                let marks: Vec<String> = (1..=values.len()).map(|k| format!("?{k}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({geom}{}{}) VALUES ({})",
                    if cols.is_empty() { "" } else { ", " },
                    cols.join(", "),
                    marks.join(", ")
                );
                tx.execute(&sql, rusqlite::params_from_iter(values))
                    .map_err(|e| e.to_string())?;
            } else {
                let sets: Vec<String> = std::iter::once(geom.clone())
                    .chain(cols.iter().cloned())
                    .enumerate()
                    .map(|(k, c)| format!("{c} = ?{}", k + 1))
                    .collect();
                values.push(Sql::Integer(row(f.index)?));
                let sql = format!(
                    "UPDATE {table} SET {} WHERE rowid = ?{}",
                    sets.join(", "),
                    values.len()
                );
                tx.execute(&sql, rusqlite::params_from_iter(values))
                    .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
        db.close().map_err(|(_, e)| e.to_string())
    };
    crate::output::write::write_atomic_file(path, |tmp| write(tmp).map_err(std::io::Error::other))
        .map_err(|e| SaveError::Io {
            path: name.clone(),
            e,
        })?;
    let after = std::fs::read(path).map_err(|e| SaveError::Io { path: name, e })?;
    Ok(Stamp::of(&after))
}

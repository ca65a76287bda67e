//! GeoPackage (OGC 12-128r18): SQLite through rusqlite (bundled), geometry
//! blobs decoded by geozero.
//!
//! `file.gpkg` reads every feature table (in `gpkg_contents` order) into one
//! layer; `file.gpkg#table` reads one. Properties come from the other columns
//! (the integer primary key is left out), rows in rowid order. Each table's
//! SRS (`gpkg_spatial_ref_sys`: an EPSG code, else its WKT) moves the
//! coordinates to WGS 84. Table names are quoted as identifiers, never pasted.

use super::crs::Crs;
use super::fields::Collector;
use crate::error::LoadError;
use crate::model::Layer;
use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Number, Value};
use std::path::Path;

/// The first bytes of every SQLite database.
pub const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Reads a GeoPackage file; `table` picks one feature table.
pub fn read_gpkg_path(path: &Path, table: Option<&str>) -> Result<Layer, LoadError> {
    let source = path.display().to_string();
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| LoadError::invalid(&source, format!("cannot open as SQLite ({e})")))?;
    read(&source, &db, table)
}

/// Reads a GeoPackage from bytes (a download): SQLite needs a file, so it
/// goes to a private temporary one, removed afterwards.
pub fn read_gpkg_bytes(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let k = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = std::env::temp_dir().join(format!("corridor-watch-{}-{k}.gpkg", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|err| LoadError::Io {
        path: tmp.display().to_string(),
        err,
    })?;
    let out = read_gpkg_path(&tmp, None).map_err(|e| match e {
        LoadError::Invalid { what, .. } => LoadError::invalid(source, what),
        other => other,
    });
    let _ = std::fs::remove_file(&tmp);
    out.map(|mut l| {
        l.source = source.to_string();
        l
    })
}

pub(crate) struct TableInfo {
    pub name: String,
    pub geometry_column: String,
    pub srs_id: i64,
}

fn read(source: &str, db: &Connection, only: Option<&str>) -> Result<Layer, LoadError> {
    let bad = |what: String| LoadError::invalid(source, what);
    let tables = feature_tables(db).map_err(|e| {
        bad(format!(
            "not a GeoPackage: it has no readable gpkg_contents / gpkg_geometry_columns ({e})"
        ))
    })?;
    let tables: Vec<TableInfo> = match only {
        Some(t) => {
            let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
            let picked: Vec<TableInfo> = tables.into_iter().filter(|x| x.name == t).collect();
            if picked.is_empty() {
                return Err(bad(format!(
                    "no feature table \"{t}\" (the file has: {})",
                    names.join(", ")
                )));
            }
            picked
        }
        None => tables,
    };
    if tables.is_empty() {
        return Err(bad("this GeoPackage has no feature table".into()));
    }
    let mut out = Collector::new(source);
    for t in &tables {
        let crs = table_crs(db, t.srs_id).map_err(|e| bad(format!("table {}: {e}", t.name)))?;
        read_table(db, t, &crs, &mut out).map_err(|e| bad(format!("table {}: {e}", t.name)))?;
    }
    Ok(out.finish())
}

pub(crate) fn feature_tables(db: &Connection) -> rusqlite::Result<Vec<TableInfo>> {
    let mut q = db.prepare(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
         WHERE c.data_type = 'features' ORDER BY c.rowid",
    )?;
    let rows = q.query_map([], |r| {
        Ok(TableInfo {
            name: r.get(0)?,
            geometry_column: r.get(1)?,
            srs_id: r.get(2)?,
        })
    })?;
    rows.collect()
}

fn table_crs(db: &Connection, srs_id: i64) -> Result<Crs, crate::error::Problem> {
    // 0 and -1: the spec's undefined geographic and Cartesian systems; read as lon/lat.
    if matches!(srs_id, 0 | -1 | 4326) {
        return Ok(Crs::Wgs84);
    }
    let (org, code, wkt): (String, i64, String) = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| crate::problem!("SRS {srs_id} is not in gpkg_spatial_ref_sys ({e})"))?;
    if org.eq_ignore_ascii_case("EPSG") {
        Crs::from_epsg(u32::try_from(code).unwrap_or(u32::MAX))
    } else {
        Crs::from_wkt(&wkt)
    }
}

/// A SQL identifier, quoted (an embedded quote doubled): never pasted as is.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn read_table(
    db: &Connection,
    t: &TableInfo,
    crs: &Crs,
    out: &mut Collector,
) -> Result<(), crate::error::Problem> {
    let sql = format!("SELECT * FROM {} ORDER BY rowid", quoted(&t.name));
    let mut q = db.prepare(&sql).map_err(|e| e.to_string())?;
    let names: Vec<String> = q.column_names().map(String::from).collect();
    let pk = primary_key(db, &t.name);
    let mut rows = q.query([]).map_err(|e| e.to_string())?;
    let mut n = 0usize;
    // Rows are finished (times read, range checked) in parallel, a batch at a time.
    let mut batch: Vec<super::fields::Row> = Vec::with_capacity(BATCH_ROWS);
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut props = Map::new();
        let mut geometry = Ok(None);
        for (i, name) in names.iter().enumerate() {
            let v = row.get_ref(i).map_err(|e| e.to_string())?;
            if *name == t.geometry_column {
                geometry = match v {
                    ValueRef::Blob(b) => decode(b, crs),
                    ValueRef::Null => Ok(None),
                    _ => Err(crate::problem!("column {name} is not a geometry blob")),
                };
            } else if Some(name) != pk.as_ref() {
                props.insert(name.clone(), value(v));
            }
        }
        batch.push((format!("table {}, row {n}", t.name), props, geometry, None));
        if batch.len() == BATCH_ROWS {
            out.push_many(std::mem::take(&mut batch), |r| r);
        }
        n += 1;
    }
    out.push_many(batch, |r| r);
    Ok(())
}

/// Rows read before they are finished together (in parallel).
const BATCH_ROWS: usize = 512;

/// The table's integer primary key column (GDAL's `fid`), left out of the properties.
pub(crate) fn primary_key(db: &Connection, table: &str) -> Option<String> {
    let sql = format!("PRAGMA table_info({})", quoted(table));
    let mut q = db.prepare(&sql).ok()?;
    let rows = q
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))
        .ok()?;
    let keys: Vec<String> = rows
        .filter_map(Result::ok)
        .filter(|(_, pk)| *pk > 0)
        .map(|(n, _)| n)
        .collect();
    (keys.len() == 1).then(|| keys[0].clone())
}

pub(crate) fn decode(
    blob: &[u8],
    crs: &Crs,
) -> Result<Option<geo::Geometry<f64>>, crate::error::Problem> {
    // An empty geometry (header flag bit 4): no geometry.
    if blob.len() >= 4 && blob.starts_with(b"GP") && blob[3] & 0b1_0000 != 0 {
        return Ok(None);
    }
    // The GeoPackage header: "GP", version, flags (envelope size in bits 1-3), SRS id, envelope.
    let envelope = match blob.get(3).map(|f| (f >> 1) & 0b111) {
        Some(0) => 0,
        Some(1) => 32,
        Some(2 | 3) => 48,
        Some(4) => 64,
        _ => return Err("not a GeoPackage geometry blob".into()),
    };
    if !blob.starts_with(b"GP") || !wkb_fits(blob.get(8 + envelope..).unwrap_or(&[]), 0) {
        return Err("the geometry blob is cut short or its counts do not fit in it".into());
    }
    let mut g = geozero::wkb::GpkgWkb(blob)
        .to_geo()
        .map_err(|e| crate::problem!("geometry cannot be decoded ({e})"))?;
    crs.to_wgs84(&mut g)?;
    Ok(Some(g))
}

/// Whether a WKB geometry's counts fit in its bytes (checked before the
/// decoder sizes anything by them: a hostile count would ask for gigabytes).
pub(crate) fn wkb_fits(b: &[u8], depth: usize) -> bool {
    wkb_len(b, depth).is_some()
}

/// The length of the WKB geometry at the start of `b`, if its counts fit.
fn wkb_len(b: &[u8], depth: usize) -> Option<usize> {
    if depth > 32 {
        return None;
    }
    let little = match b.first()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let u32_at = |at: usize| -> Option<usize> {
        let w: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(w)
        } else {
            u32::from_be_bytes(w)
        } as usize)
    };
    let code = u32_at(1)?;
    // ISO Z/M/ZM (1000s) and EWKB flags (high bits) give the coordinate size.
    let (kind, dims) = {
        let ewkb_z = code & 0x8000_0000 != 0;
        let ewkb_m = code & 0x4000_0000 != 0;
        let srid = code & 0x2000_0000 != 0;
        if srid {
            return None;
        }
        let iso = code & 0x0FFF_FFFF;
        let dims = match iso / 1000 {
            1 | 2 => 3,
            3 => 4,
            _ => 2 + usize::from(ewkb_z) + usize::from(ewkb_m),
        };
        (iso % 1000, dims)
    };
    let point = 8 * dims;
    let mut at = 5;
    let count = |at: usize| u32_at(at);
    match kind {
        1 => at += point,
        2 => {
            let n = count(at)?;
            at = at.checked_add(4)?.checked_add(n.checked_mul(point)?)?;
        }
        3 => {
            let rings = count(at)?;
            at += 4;
            for _ in 0..rings {
                let n = count(at)?;
                at = at.checked_add(4)?.checked_add(n.checked_mul(point)?)?;
                if at > b.len() {
                    return None;
                }
            }
        }
        4..=7 => {
            let n = count(at)?;
            at += 4;
            for _ in 0..n {
                at = at.checked_add(wkb_len(b.get(at..)?, depth + 1)?)?;
            }
        }
        _ => return None,
    }
    (at <= b.len()).then_some(at)
}

fn value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(i) => Value::Number(i.into()),
        ValueRef::Real(x) => Number::from_f64(x).map_or(Value::Null, Value::Number),
        // Checked the quick way first; the lossy way only for text that is not UTF-8.
        ValueRef::Text(t) => Value::String(match std::str::from_utf8(t) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(t).into_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkb_counts_must_fit() {
        let mut line = vec![1u8];
        line.extend_from_slice(&2u32.to_le_bytes());
        line.extend_from_slice(&2u32.to_le_bytes());
        line.extend_from_slice(&[0u8; 32]);
        assert_eq!(wkb_len(&line, 0), Some(41));
        // A count of 300 million points in 41 bytes.
        line[5..9].copy_from_slice(&300_000_000u32.to_le_bytes());
        assert_eq!(wkb_len(&line, 0), None);
        assert_eq!(wkb_len(&[1, 1, 0, 0, 0], 0), None);
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quoted("lines"), "\"lines\"");
        assert_eq!(
            quoted("x\"; DROP TABLE y; --"),
            "\"x\"\"; DROP TABLE y; --\""
        );
    }
}

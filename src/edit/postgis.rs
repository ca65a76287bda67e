//! Editing a PostGIS table: read with each row's primary key and a hash of
//! the row as read (`md5` of the row's text), saved in one transaction that
//! first locks every changed or deleted row (`SELECT … FOR UPDATE`) and
//! compares its hash. A row someone else changed or deleted since it was read
//! stops the save before anything is written, and the message names the rows.
//! Only what changed is written: a row's geometry when it moved, a column
//! when its value changed (a column the reader could not decode is left as
//! it is). Values go as text parameters cast by the server to the column's
//! own type; the geometry as WKB in EPSG:4326, moved to the column's SRID
//! and shape (multi, Z) by PostGIS.

use super::save::{Edited, SaveError, Stamp};
use crate::io::postgis::url::quote_ident;
use crate::io::postgis::{
    DbError, PgUrl, Plan, Session, connect, property_name, stream, table_info,
};
use crate::model::Layer;
use geo::Geometry;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The rows of a table as read for editing, by `Feature::index` (the row's
/// place in primary-key order).
#[derive(Debug, Default)]
pub struct TableRows {
    /// Each row's primary key, column by column, as the server's text.
    pub keys: Vec<Vec<String>>,
    /// `md5` of each row's text as read.
    pub hashes: Vec<String>,
    /// Each row's properties and geometry as read (`None`: the reader skipped it).
    pub read: Vec<Option<RowAsRead>>,
}

/// A row's properties and geometry as read.
pub type RowAsRead = (Map<String, Value>, Option<Geometry<f64>>);

/// The name no table column is likely to take, for the whole row.
const ROW: &str = "_cw_row";

/// A column as the save writes it: its name and the type to cast text to.
struct Target {
    name: String,
    cast: String,
}

/// The geometry column: its name, and how WKB in EPSG:4326 becomes its value.
struct GeomTarget {
    name: String,
    srid: i32,
    multi: bool,
    dims: i32,
    geography: bool,
}

impl GeomTarget {
    /// The SQL that turns parameter `$n` (WKB in EPSG:4326) into the column's value.
    fn expr(&self, n: usize) -> String {
        let mut g = format!("ST_GeomFromWKB(${n}::bytea, 4326)");
        if self.multi {
            g = format!("ST_Multi({g})");
        }
        match self.dims {
            3 => g = format!("ST_Force3D({g})"),
            4 => g = format!("ST_Force4D({g})"),
            _ => {}
        }
        if self.geography {
            return format!("({g})::geography");
        }
        if self.srid != 0 && self.srid != 4326 {
            g = format!("ST_Transform({g}, {})", self.srid);
        }
        g
    }
}

/// What the save needs to know about the table.
struct Table {
    quoted: String,
    name: String,
    keys: Vec<Target>,
    columns: Vec<Target>,
    geom: GeomTarget,
    /// How the reader reads it (the layer's columns, the role it gives rows).
    plan: Plan,
}

fn table(s: &mut Session, url: &PgUrl) -> Result<Table, String> {
    let info = table_info(s).map_err(|e| e.to_string())?;
    let name = s.url.table().map_err(|e| e.to_string())?.to_string();
    let quoted = s.url.table().map_err(|e| e.to_string())?.quoted();
    let kind: String = s
        .client
        .query_one(
            "SELECT relkind::text FROM pg_class WHERE oid = $1",
            &[&info.oid],
        )
        .map_err(|e| e.to_string())?
        .get(0);
    if kind != "r" && kind != "p" {
        return Err(format!(
            "{name} is a view or a foreign table, not a table: it cannot be edited here"
        ));
    }
    if info.primary_key.is_empty() {
        return Err(format!(
            "table {name} has no primary key: only a table with one can be edited (rows are found again by it)"
        ));
    }
    let plan = Plan::new(url, &info).map_err(|e| e.to_string())?;
    let geom_col = crate::io::postgis::geometry_column(url, &info)
        .map_err(|e| e.to_string())?
        .clone();
    let rows = s
        .client
        .query(
            "SELECT a.attname::text, format_type(a.atttypid, NULL), \
             CASE WHEN t.typname IN ('geometry', 'geography') AND a.atttypmod >= 0 \
                  THEN postgis_typmod_srid(a.atttypmod) ELSE 0 END, \
             CASE WHEN t.typname IN ('geometry', 'geography') AND a.atttypmod >= 0 \
                  THEN postgis_typmod_type(a.atttypmod) ELSE '' END, \
             CASE WHEN t.typname IN ('geometry', 'geography') AND a.atttypmod >= 0 \
                  THEN postgis_typmod_dims(a.atttypmod) ELSE 2 END \
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&info.oid],
        )
        .map_err(|e| e.to_string())?;
    let mut columns = Vec::new();
    let mut geom = None;
    for r in &rows {
        let (col, cast): (String, String) = (r.get(0), r.get(1));
        if col == geom_col.name {
            let shape: String = r.get(3);
            geom = Some(GeomTarget {
                name: col,
                srid: r.get(2),
                multi: shape.to_ascii_lowercase().starts_with("multi"),
                dims: r.get(4),
                geography: geom_col.typname == "geography",
            });
        } else if plan.props.iter().any(|(c, _)| c.name == col) {
            columns.push(Target { name: col, cast });
        }
    }
    let geom = geom.ok_or_else(|| format!("table {name} has no geometry column"))?;
    // The whole row is read and locked by this name: a column may not take it.
    if rows.iter().any(|r| r.get::<_, String>(0) == ROW) {
        return Err(format!(
            "table {name} has a column named {ROW}, the name the app gives the whole row: it cannot be edited here"
        ));
    }
    let keys = info
        .primary_key
        .iter()
        .map(|k| {
            columns
                .iter()
                .find(|c| &c.name == k)
                .map(|c| Target {
                    name: c.name.clone(),
                    cast: c.cast.clone(),
                })
                .ok_or_else(|| format!("table {name}: its key column {k} cannot be read"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Table {
        quoted,
        name,
        keys,
        columns,
        geom,
        plan,
    })
}

fn parse(url_text: &str) -> Result<PgUrl, String> {
    PgUrl::parse(url_text).map_err(|e| e.to_string())
}

/// Reads the URL's table to edit: its layer (as `read_table` reads it), the
/// stamp of the rows as read, and each row's key and hash. Refused, with
/// why, for a view, a table without a primary key or one this user cannot read.
pub fn read_for_edit(url_text: &str) -> Result<(Layer, Stamp, TableRows), String> {
    let url = parse(url_text)?;
    let mut s = connect(&url).map_err(|e| e.to_string())?;
    let t = table(&mut s, &url)?;
    let plan = &t.plan;
    let n_props = plan.select.len();
    let mut select = plan.select.clone();
    select.push(format!("md5({ROW}::text)"));
    select.extend(
        t.keys
            .iter()
            .map(|k| format!("{}::text", qualified(&k.name))),
    );
    let order: Vec<String> = t.keys.iter().map(|k| qualified(&k.name)).collect();
    let sql = format!(
        "SELECT {} FROM {} {ROW} ORDER BY {}",
        select.join(", "),
        t.quoted,
        order.join(", ")
    );
    let mut out = crate::io::fields::Collector::new(&url.masked);
    let mut rows = TableRows::default();
    let mut n = 0u64;
    let mut stamp_text = String::new();
    stream(
        &mut s,
        &sql,
        &[],
        &format!("while reading table {} to edit", t.name),
        &Default::default(),
        |row| {
            plan.push(&mut out, row, n);
            n += 1;
            let hash: String = row.try_get(n_props).unwrap_or_default();
            let key: Vec<String> = (0..t.keys.len())
                .map(|k| row.try_get(n_props + 1 + k).unwrap_or_default())
                .collect();
            stamp_text.push_str(&hash);
            stamp_text.push_str(&key.join("\u{1f}"));
            stamp_text.push('\n');
            rows.keys.push(key);
            rows.hashes.push(hash);
        },
    )
    .map_err(|e| e.to_string())?;
    let mut layer = out.finish();
    layer.name = t.name.clone();
    rows.read = vec![None; rows.keys.len()];
    for f in &layer.features {
        if let Some(slot) = rows.read.get_mut(f.index) {
            *slot = Some((f.properties.clone(), f.geometry.clone()));
        }
    }
    Ok((layer, Stamp::of(stamp_text.as_bytes()), rows))
}

/// A column of the row alias (a key named like a function still reads as a column).
fn qualified(col: &str) -> String {
    format!("{ROW}.{}", quote_ident(col))
}

/// A property's value as the text the server casts to the column's type
/// (`None`: NULL). A whole number goes without a fraction (an integer
/// column takes it); lists and objects as JSON.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        other => Some(other.to_string()),
    }
}

/// The SQL that casts text parameter `$n` to a column's type (an array
/// column from a JSON list).
fn cast(c: &Target, n: usize) -> String {
    if c.cast.ends_with("[]") {
        format!(
            "(CASE WHEN ${n}::text IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${n}::text::jsonb)) END)::{}",
            c.cast
        )
    } else {
        format!("${n}::text::{}", c.cast)
    }
}

fn wkb(g: &Option<Geometry<f64>>) -> Result<Option<Vec<u8>>, String> {
    use geozero::{CoordDimensions, ToWkb};
    g.as_ref()
        .map(|g| g.to_wkb(CoordDimensions::xy()).map_err(|e| e.to_string()))
        .transpose()
}

/// How a row is named in a message: its key, and its `id` when it has one.
fn row_name(t: &Table, key: &[String], props: Option<&Map<String, Value>>) -> String {
    let k: Vec<String> = t
        .keys
        .iter()
        .zip(key)
        .map(|(c, v)| format!("{} = {v}", c.name))
        .collect();
    match props.and_then(|p| p.get("id")).and_then(Value::as_str) {
        Some(id) if !t.keys.iter().any(|c| c.name == "id") => format!("{} ({id})", k.join(", ")),
        _ => k.join(", "),
    }
}

/// The column a property goes to (the conventions' mixed-case names to
/// their lower-case columns), or `None`.
fn column_of<'a>(t: &'a Table, property: &str) -> Option<&'a Target> {
    t.columns.iter().find(|c| c.name == property).or_else(|| {
        t.columns
            .iter()
            .find(|c| property_name(&c.name) == property)
    })
}

/// One statement to run: its SQL and its text/bytes parameters.
struct Statement {
    sql: String,
    params: Vec<Param>,
    /// The row an UPDATE or DELETE is for (it must change exactly that one).
    row: Option<String>,
}

enum Param {
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// Writes the edited `layer` back to its table in one transaction, if no row
/// changed or deleted here was changed by someone else since it was read.
pub fn save_table(
    url_text: &str,
    layer: &Layer,
    edited: &Edited,
    rows: &TableRows,
) -> Result<(), SaveError> {
    let url = parse(url_text).map_err(|problem| SaveError::Source {
        path: crate::io::postgis::url::mask(url_text),
        problem,
    })?;
    let source = |problem: String| SaveError::Source {
        path: url.masked.clone(),
        problem,
    };
    let mut s = connect(&url).map_err(|e| source(e.to_string()))?;
    let t = table(&mut s, &url).map_err(source)?;
    let plan = plan_statements(&t, layer, edited, rows).map_err(&source)?;
    let pg = |e: postgres::Error| {
        source(format!(
            "{}; nothing was written",
            DbError::from_pg(&e, &format!("while saving to table {}", t.name))
        ))
    };
    let mut tx = s.client.transaction().map_err(pg)?;
    // Every row changed or deleted here, locked and compared with its hash as read.
    let lock = format!(
        "SELECT md5({ROW}::text) FROM {} {ROW} WHERE {} FOR UPDATE",
        t.quoted,
        key_match(&t, 1)
    );
    let lock = tx.prepare(&lock).map_err(pg)?;
    let mut conflicts = Vec::new();
    for &i in &plan.checked {
        let key = &rows.keys[i];
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = key
            .iter()
            .map(|k| k as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let now: Option<String> = tx.query_opt(&lock, &params).map_err(pg)?.map(|r| r.get(0));
        let name = row_name(
            &t,
            key,
            rows.read.get(i).and_then(|r| r.as_ref()).map(|r| &r.0),
        );
        match now {
            None => conflicts.push(format!("row {name} (deleted)")),
            Some(h) if h != rows.hashes[i] => conflicts.push(format!("row {name}")),
            Some(_) => {}
        }
    }
    if !conflicts.is_empty() {
        // Dropping the transaction rolls it back: nothing is written.
        return Err(SaveError::Conflict {
            table: url.masked.clone(),
            rows: conflicts,
        });
    }
    for st in &plan.statements {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = st
            .params
            .iter()
            .map(|p| match p {
                Param::Text(t) => t as &(dyn postgres::types::ToSql + Sync),
                Param::Bytes(b) => b as &(dyn postgres::types::ToSql + Sync),
            })
            .collect();
        let changed = tx.execute(st.sql.as_str(), &params).map_err(pg)?;
        // A trigger or rule can keep a row from being written: said, not "saved".
        if let Some(row) = &st.row
            && changed != 1
        {
            return Err(source(format!(
                "row {row}: the server changed {changed} rows where one was meant (a trigger or a rule on table {} kept it from being written); nothing was written",
                t.name
            )));
        }
    }
    tx.commit().map_err(pg)
}

/// `key1 = $n::text::type AND …` for the table's primary key.
fn key_match(t: &Table, first: usize) -> String {
    t.keys
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{} = ${}::text::{}", qualified(&c.name), first + k, c.cast))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The rows to check and the statements to run, or why nothing can be written.
struct SavePlan {
    checked: Vec<usize>,
    statements: Vec<Statement>,
}

fn plan_statements(
    t: &Table,
    layer: &Layer,
    edited: &Edited,
    rows: &TableRows,
) -> Result<SavePlan, String> {
    let kept: BTreeSet<usize> = layer.features.iter().map(|f| f.index).collect();
    let mut checked = Vec::new();
    let mut statements = Vec::new();
    let row_of = |i: usize| {
        rows.keys
            .get(i)
            .ok_or_else(|| format!("row {i} was not read from table {}", t.name))
    };
    for &i in edited.read.difference(&kept) {
        let key = row_of(i)?;
        checked.push(i);
        statements.push(Statement {
            sql: format!("DELETE FROM {} {ROW} WHERE {}", t.quoted, key_match(t, 1)),
            params: key.iter().cloned().map(Some).map(Param::Text).collect(),
            row: Some(row_name(
                t,
                key,
                rows.read.get(i).and_then(|r| r.as_ref()).map(|r| &r.0),
            )),
        });
    }
    let mut missing = BTreeSet::new();
    // A property the reader added (the URL's `kind=`, the table having no `kind` column).
    let added = |k: &str, v: &Value| {
        k == "kind" && column_of(t, "kind").is_none() && t.plan.role.as_deref() == v.as_str()
    };
    for f in &layer.features {
        let new = f.index >= edited.first_new;
        if !new && !edited.touched.contains(&f.index) {
            continue;
        }
        let empty = Map::new();
        let (old_props, old_geom) = match rows.read.get(f.index) {
            Some(Some((p, g))) if !new => (p, g.as_ref()),
            _ => (&empty, None),
        };
        // Columns whose value changed (or every given one, for a new row).
        let mut changed: Vec<(&Target, Option<String>)> = Vec::new();
        let names: BTreeSet<&String> = f.properties.keys().chain(old_props.keys()).collect();
        for k in names {
            let v = f.properties.get(k);
            if v == old_props.get(k) || v.is_some_and(|v| added(k, v)) {
                continue;
            }
            match column_of(t, k) {
                // A JSON column takes every value as JSON (a string too).
                Some(c) if c.cast == "json" || c.cast == "jsonb" => {
                    changed.push((c, v.filter(|v| !v.is_null()).map(Value::to_string)))
                }
                Some(c) => changed.push((c, text(v))),
                None if v.is_some() => {
                    missing.insert(k.clone());
                }
                None => {}
            }
        }
        let geometry_changed = new || f.geometry.as_ref() != old_geom;
        let mut params = Vec::new();
        let mut sets = Vec::new();
        if geometry_changed {
            params.push(Param::Bytes(wkb(&f.geometry)?));
            sets.push((quote_ident(&t.geom.name), t.geom.expr(params.len())));
        }
        for (c, v) in changed {
            params.push(Param::Text(v));
            sets.push((quote_ident(&c.name), cast(c, params.len())));
        }
        if new {
            let (cols, values): (Vec<String>, Vec<String>) = sets.into_iter().unzip();
            statements.push(Statement {
                sql: format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    t.quoted,
                    cols.join(", "),
                    values.join(", ")
                ),
                params,
                row: None,
            });
        } else {
            // A row edited back to what was read is neither written nor checked.
            if sets.is_empty() {
                continue;
            }
            let key = row_of(f.index)?;
            checked.push(f.index);
            let set: Vec<String> = sets
                .into_iter()
                .map(|(c, v)| format!("{c} = {v}"))
                .collect();
            let first = params.len() + 1;
            params.extend(key.iter().cloned().map(Some).map(Param::Text));
            statements.push(Statement {
                sql: format!(
                    "UPDATE {} {ROW} SET {} WHERE {}",
                    t.quoted,
                    set.join(", "),
                    key_match(t, first)
                ),
                params,
                row: Some(row_name(t, key, Some(&f.properties))),
            });
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "table {} has no column for {}: nothing was written (Save as… writes GeoJSON, which takes any property)",
            t.name,
            missing.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(SavePlan {
        checked,
        statements,
    })
}

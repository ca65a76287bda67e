//! The statements a save runs: an UPDATE of what changed in each edited row,
//! a DELETE of each row deleted, an INSERT of each new feature (leaving out
//! what the table numbers or computes itself), and the rows to lock and
//! compare first.

use super::catalog::{ROW, Table, TableRows, Target, qualified};
use crate::edit::save::Edited;
use crate::io::postgis::url::quote_ident;
use crate::model::Layer;
use geo::Geometry;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

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
pub(super) fn row_name(t: &Table, key: &[String], props: Option<&Map<String, Value>>) -> String {
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

/// One statement to run: its SQL and its text/bytes parameters.
pub(super) struct Statement {
    pub sql: String,
    pub params: Vec<Param>,
    /// The row an UPDATE or DELETE is for (it must change exactly that one).
    pub row: Option<String>,
}

pub(super) enum Param {
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// `key1 = $n::text::type AND …` for the table's primary key.
pub(super) fn key_match(t: &Table, first: usize) -> String {
    t.keys
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{} = ${}::text::{}", qualified(&c.name), first + k, c.cast))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The rows to check and the statements to run, or why nothing can be written.
pub(super) struct SavePlan {
    pub checked: Vec<usize>,
    pub statements: Vec<Statement>,
    /// The UPDATEs (by place) that rewrite a row's geometry in a 3-D or
    /// measured column, with the row and its new geometry: their first
    /// parameter is made again with the heights the row holds.
    pub heights: Vec<(usize, usize, Geometry<f64>)>,
}

pub(super) fn plan_statements(
    t: &Table,
    layer: &Layer,
    edited: &Edited,
    rows: &TableRows,
) -> Result<SavePlan, String> {
    let kept: BTreeSet<usize> = layer.features.iter().map(|f| f.index).collect();
    let mut checked = Vec::new();
    let mut statements = Vec::new();
    let mut heights = Vec::new();
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
    // A table without a `kind` column gives its rows the layer's role (the
    // URL's `kind=`, or the one the app gives the layer): a row's own is not kept.
    let added = |k: &str, _: &Value| k == "kind" && t.column_of("kind").is_none();
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
            match t.column_of(k) {
                // The table numbers a new row's key (or computes the value) itself.
                Some(c) if new && c.assigned.is_some() => {}
                Some(c) if c.assigned.is_some() => {
                    return Err(format!(
                        "row {}: column {} of table {} is {}: it is not changed here; nothing was written",
                        row_name(t, row_of(f.index)?, Some(old_props)),
                        c.name,
                        t.name,
                        c.assigned.as_deref().unwrap_or_default()
                    ));
                }
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
            let old = (!new).then(|| qualified(&t.geom.name));
            sets.push((
                quote_ident(&t.geom.name),
                t.geom.expr(params.len(), old.as_deref()),
            ));
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
            if geometry_changed
                && t.geom.dims > 2
                && let Some(g) = &f.geometry
            {
                heights.push((statements.len(), f.index, g.clone()));
            }
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
        heights,
    })
}

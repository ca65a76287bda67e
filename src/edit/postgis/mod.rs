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

mod catalog;
mod heights;
mod plan;

pub use self::catalog::{RowAsRead, TableRows};

use self::catalog::{ROW, qualified, table};
use self::plan::{Param, key_match, plan_statements, row_name};
use super::save::{Edited, SaveError, Stamp};
use crate::io::postgis::{DbError, PgUrl, connect, stream};
use crate::model::Layer;

/// How long a save waits for a row another session holds locked (when the
/// server sets no limit of its own).
const LOCK_WAIT: &str = "15s";

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
    rows.columns = t.property_columns();
    Ok((layer, Stamp::of(stamp_text.as_bytes()), rows))
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
    let mut plan = plan_statements(&t, layer, edited, rows).map_err(&source)?;
    let pg = |e: postgres::Error| {
        source(format!(
            "{}; nothing was written",
            DbError::from_pg(&e, &format!("while saving to table {}", t.name))
        ))
    };
    let mut tx = s.client.transaction().map_err(pg)?;
    // A row another session holds locked is waited for, but not for ever
    // (the role's or database's own limit stands when it has one).
    let mut wait: String = tx.query_one("SHOW lock_timeout", &[]).map_err(pg)?.get(0);
    if wait == "0" {
        tx.batch_execute(&format!("SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
            .map_err(pg)?;
        wait = LOCK_WAIT.into();
    }
    // Every row changed or deleted here, locked and compared with its hash as read.
    let lock = format!(
        "SELECT md5({ROW}::text) FROM {} {ROW} WHERE {} FOR UPDATE",
        t.quoted,
        key_match(&t, 1)
    );
    let lock = tx.prepare(&lock).map_err(pg)?;
    let exists = format!(
        "SELECT 1 FROM {} {ROW} WHERE {}",
        t.quoted,
        key_match(&t, 1)
    );
    let mut conflicts = Vec::new();
    for &i in &plan.checked {
        let key = &rows.keys[i];
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = key
            .iter()
            .map(|k| k as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let name = row_name(
            &t,
            key,
            rows.read.get(i).and_then(|r| r.as_ref()).map(|r| &r.0),
        );
        let now: Option<String> = match tx.query_opt(&lock, &params) {
            Ok(r) => r.map(|r| r.get(0)),
            Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                return Err(source(format!(
                    "row {name} is held by another session's unfinished change (waited {wait}); nothing was written: save again once it is done"
                )));
            }
            Err(e) => return Err(pg(e)),
        };
        match now {
            // Not there to lock, but there to read: a row-level security
            // policy keeps this user from changing it.
            None if tx
                .query_opt(exists.as_str(), &params)
                .map_err(pg)?
                .is_some() =>
            {
                return Err(source(format!(
                    "row {name} cannot be changed by this database user (a row-level security policy of table {} keeps it from being changed); nothing was written",
                    t.name
                )));
            }
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
    // A row of a 3-D or measured column keeps its heights (read as locked).
    let old_geometry = format!(
        "SELECT ST_AsEWKB({}) FROM {} {ROW} WHERE {}",
        crate::io::postgis::wgs84_sql(&crate::io::postgis::Column {
            name: t.geom.name.clone(),
            typname: if t.geom.geography {
                "geography"
            } else {
                "geometry"
            }
            .into(),
        }),
        t.quoted,
        key_match(&t, 1)
    );
    for (st, i, g) in std::mem::take(&mut plan.heights) {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = rows.keys[i]
            .iter()
            .map(|k| k as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let old: Option<Vec<u8>> = tx
            .query_opt(old_geometry.as_str(), &params)
            .map_err(pg)?
            .and_then(|r| r.get(0));
        if let Some(wkb) = old
            .as_deref()
            .and_then(heights::parts_of_wkb)
            .and_then(|old| heights::wkb_keeping(&g, &old, t.geom.dims, t.geom.measured))
        {
            plan.statements[st].params[0] = Param::Bytes(Some(wkb));
        }
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
                "row {row}: the server changed {changed} rows where one was meant (a trigger, a rule or a row-level security policy of table {} kept it from being written); nothing was written",
                t.name
            )));
        }
    }
    tx.commit().map_err(pg)
}

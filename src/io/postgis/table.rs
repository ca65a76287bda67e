//! A table read whole into a layer, or only the rows a window may hold
//! (`check --from/--to/--bbox`): the catalog looked up, the plan made, the
//! window sent, the rows streamed.

use super::connect::connect;
use super::error::DbError;
use super::read::{Plan, ReadProgress, geometry_column, stream, table_info, window_filter};
use super::url::{PgUrl, quote_ident};
use crate::io::fields::Collector;
use crate::model::Layer;
use crate::model::window::Window;
use std::sync::atomic::Ordering;

/// Reads the URL's table into a layer named after it.
pub fn read_table(url: &PgUrl, progress: &ReadProgress) -> Result<Layer, DbError> {
    read_table_in(url, progress, &Window::default())
}

/// Reads the URL's table into a layer named after it; with a `window`, the
/// server sends only the rows of reports that may fall in it (the caller
/// trims them to the window exactly: `Layer::keep_reports_in`).
pub fn read_table_in(
    url: &PgUrl,
    progress: &ReadProgress,
    window: &Window,
) -> Result<Layer, DbError> {
    let mut s = connect(url)?;
    let info = table_info(&mut s)?;
    // As the lookup resolved it (`with.dot` may be the table named so).
    let table = s.url.table()?.clone();
    let plan = Plan::new(url, &info)?;
    let order = if info.primary_key.is_empty() {
        String::new()
    } else {
        let keys: Vec<String> = info.primary_key.iter().map(|k| quote_ident(k)).collect();
        format!(" ORDER BY {}", keys.join(", "))
    };
    let filter = if window.is_open() {
        None
    } else {
        let geom = geometry_column(url, &info)?.clone();
        let srid: i32 = s
            .client
            .query_one(
                "SELECT CASE WHEN atttypmod >= 0 THEN postgis_typmod_srid(atttypmod) ELSE 0 END \
                 FROM pg_attribute WHERE attrelid = $1 AND attname = $2",
                &[&info.oid, &geom.name],
            )
            .map(|r| r.get(0))
            .unwrap_or(0);
        window_filter(&plan, &geom, srid, window)
    };
    let (condition, params) = match &filter {
        Some(f) => {
            // A `kind` column: when every row is a report, the period alone
            // is sent (an OR would keep the server from using an index).
            let only_reports = f.others.as_ref().is_some_and(|o| {
                s.client
                    .query_one(
                        &format!(
                            "SELECT NOT EXISTS (SELECT 1 FROM {} WHERE {o})",
                            table.quoted()
                        ),
                        &[],
                    )
                    .is_ok_and(|r| r.get::<_, bool>(0))
            });
            let c = match &f.others {
                Some(o) if !only_reports => format!(" WHERE ({o} OR ({}))", f.reports),
                _ => format!(" WHERE {}", f.reports),
            };
            (c, f.params.clone())
        }
        None => (String::new(), Vec::new()),
    };
    let sql = format!(
        "SELECT {} FROM {}{condition}{order}",
        plan.select.join(", "),
        table.quoted()
    );
    if let Some(t) = progress.total_rows {
        let estimate: f32 = s
            .client
            .query_one(
                "SELECT reltuples FROM pg_class WHERE oid = $1",
                &[&info.oid],
            )
            .map(|r| r.get(0))
            .unwrap_or(-1.0);
        t.store(estimate.max(0.0) as u64, Ordering::Relaxed);
    }
    let mut out = Collector::new(&url.masked);
    let mut n = 0u64;
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect();
    stream(
        &mut s,
        &sql,
        &refs,
        &format!("while reading table {table}"),
        progress,
        |row| {
            plan.push(&mut out, row, n);
            n += 1;
        },
    )?;
    let mut layer = out.finish();
    layer.name = table.to_string();
    layer.warn_unusable_reaches();
    Ok(layer)
}

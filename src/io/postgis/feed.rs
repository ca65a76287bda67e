//! A PostGIS table of position reports as a live feed: each poll fetches the
//! rows past the last one seen, by an increasing column (`since=`, else the
//! table's single-column primary key), so no row is fetched twice.
//!
//! A time column misses rows committed later with an earlier time; an
//! identity or serial column does not (rows are numbered as inserted).

use super::connect::{Session, connect};
use super::error::DbError;
use super::read::{Plan, ReadProgress, stream, table_info};
use super::url::PgUrl;
use super::url::quote_ident;
use crate::io::fields::Collector;
use crate::model::Layer;

/// The feed's state between polls.
pub struct PgFeed {
    url: PgUrl,
    session: Option<Session>,
    /// The last value of the `since` column seen, as the server writes it.
    last: Option<String>,
    /// Rows fetched so far (each once).
    pub fetched: u64,
}

impl PgFeed {
    pub fn new(url: PgUrl) -> PgFeed {
        PgFeed {
            url,
            session: None,
            last: None,
            fetched: 0,
        }
    }

    pub fn masked(&self) -> &str {
        &self.url.masked
    }

    /// The rows added since the last poll. A lost connection is dropped and
    /// opened again on the next poll; the position is kept.
    pub fn poll(&mut self) -> Result<Layer, DbError> {
        let out = self.poll_inner();
        if out.is_err() {
            self.session = None;
        }
        out
    }

    fn poll_inner(&mut self) -> Result<Layer, DbError> {
        if self.session.as_ref().is_none_or(|s| s.client.is_closed()) {
            self.session = Some(connect(&self.url)?);
        }
        let Some(s) = self.session.as_mut() else {
            return Err(DbError::Other("no session".into()));
        };
        let info = table_info(s)?;
        // As the lookup resolved it (`with.dot` may be the table named so).
        let table = s.url.table()?.clone();
        let plan = Plan::new(&self.url, &info)?;
        let since = match (&self.url.since, info.primary_key.as_slice()) {
            (Some(c), _) => c.clone(),
            (None, [pk]) => pk.clone(),
            (None, _) => {
                return Err(DbError::Other(format!(
                    "table {table} has no single-column primary key: name an increasing column with &since=COLUMN"
                )));
            }
        };
        let col = info
            .columns
            .iter()
            .find(|c| c.name == since)
            .ok_or_else(|| {
                DbError::Other(format!("table {table} has no column \"{since}\" (since=)"))
            })?;
        // The last value goes back as text, cast to the column's kind of type.
        let cast = match col.typname.as_str() {
            "int2" | "int4" | "int8" | "numeric" | "float4" | "float8" => "numeric",
            "timestamptz" => "timestamptz",
            "timestamp" => "timestamp",
            other => {
                return Err(DbError::Other(format!(
                    "column \"{since}\" of {table} is {other}: since= needs an increasing number or time"
                )));
            }
        };
        let c = quote_ident(&since);
        let mut select = plan.select.clone();
        select.push(format!("{c}::text AS _since"));
        let last_index = select.len() - 1;
        let filter = if self.last.is_some() {
            format!(" WHERE {c} > $1::text::{cast}")
        } else {
            format!(" WHERE {c} IS NOT NULL")
        };
        let sql = format!(
            "SELECT {} FROM {}{filter} ORDER BY {c}",
            select.join(", "),
            table.quoted()
        );
        let mut out = Collector::new(&self.url.masked);
        let mut n = 0u64;
        let mut last = self.last.clone();
        let during = format!("while polling table {table}");
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = match &self.last {
            Some(v) => vec![v],
            None => Vec::new(),
        };
        stream(s, &sql, &params, &during, &ReadProgress::default(), |row| {
            plan.push(&mut out, row, n);
            if let Ok(Some(v)) = row.try_get::<_, Option<String>>(last_index) {
                last = Some(v);
            }
            n += 1;
        })?;
        self.last = last;
        self.fetched += n;
        let mut layer = out.finish();
        layer.name = table.to_string();
        layer.assign_role(crate::model::Role::Track);
        Ok(layer)
    }
}

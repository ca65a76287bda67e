//! Writing deviations, zone entries and AIS gaps to a PostGIS table, and
//! hearing about other operators' alerts.
//!
//! The table (created when missing) has one row per stretch:
//! `convoy_id`, `type`, `start_key`, `start_time`, `end_time`, `length_m`,
//! `max_offset_m`, `geom geometry(LineString, 4326)`, `checked_at`, unique
//! on (`convoy_id`, `type`, `start_key`). A write is one transaction of
//! upserts: the same check twice leaves the same rows, and a run killed
//! half-way leaves the table as it was. `watch` also `NOTIFY`s a channel named
//! after the table (its name without the schema) with each alert as JSON.

use crate::analysis::ConvoyResult;
use crate::analysis::Stretch;
use crate::analysis::watch::Alert;
use crate::io::postgis::DbError;
use crate::io::postgis::PgUrl;
use crate::io::postgis::url::quote_ident;
use crate::io::postgis::{Session, connect};
use crate::output::report::{AlertEntry, StretchEntry, lon_lat, round_m, stretch_key_text};
use geo::Coord;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use time::OffsetDateTime;

/// The columns a results table must have.
pub const COLUMNS: [&str; 9] = [
    "convoy_id",
    "type",
    "start_key",
    "start_time",
    "end_time",
    "length_m",
    "max_offset_m",
    "geom",
    "checked_at",
];

/// One row to write.
#[derive(Clone, Debug, PartialEq)]
pub struct SinkRow {
    pub convoy_id: String,
    /// `deviation`, `buffer_zone_entry` or `ais_gap`.
    pub kind: &'static str,
    pub start_key: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub length_m: Option<f64>,
    pub max_offset_m: Option<f64>,
    pub path: Vec<Coord>,
    /// The JSON sent with `NOTIFY` (the alert as `watch` prints it).
    pub payload: Option<Value>,
}

fn stretch_row(convoy_id: &str, kind: &'static str, s: &Stretch, path: &[Coord]) -> SinkRow {
    let e = StretchEntry::of(s);
    SinkRow {
        convoy_id: convoy_id.to_string(),
        kind,
        start_key: stretch_key_text(s),
        length_m: Some(e.length_m),
        max_offset_m: e.max_offset_m,
        path: if path.len() >= 2 {
            path.to_vec()
        } else {
            vec![coord(e.start), coord(e.end)]
        },
        start_time: e.start_time,
        end_time: e.end_time,
        payload: None,
    }
}

fn coord(p: [f64; 2]) -> Coord {
    Coord { x: p[0], y: p[1] }
}

/// Every deviation, zone entry and AIS gap of a check (with paths).
pub fn rows_from_results(results: &[ConvoyResult]) -> Vec<SinkRow> {
    let mut out = Vec::new();
    for r in results {
        let id = &r.report.convoy_id;
        let empty = Vec::new();
        let first = out.len();
        for (i, s) in r.report.deviations.iter().enumerate() {
            out.push(stretch_row(
                id,
                "deviation",
                s,
                r.deviation_paths.get(i).unwrap_or(&empty),
            ));
        }
        for (i, s) in r.report.buffer_zone_entries.iter().enumerate() {
            out.push(stretch_row(
                id,
                "buffer_zone_entry",
                s,
                r.zone_paths.get(i).unwrap_or(&empty),
            ));
        }
        // An untimed track keys a stretch by its start position: a loop that
        // leaves twice from one place would share a key and lose a row, so
        // repeats take their ordinal along the track ("…#2").
        let mut seen: std::collections::HashMap<(&str, String), usize> = Default::default();
        for row in &mut out[first..] {
            let n = seen
                .entry((row.kind, row.start_key.clone()))
                .and_modify(|n| *n += 1)
                .or_insert(1);
            if *n > 1 {
                row.start_key = format!("{}#{n}", row.start_key);
            }
        }
        for g in &r.report.gaps {
            let (a, b) = (coord(lon_lat(g.start)), coord(lon_lat(g.end)));
            let g = crate::output::report::GapEntry::of(g);
            out.push(SinkRow {
                convoy_id: id.clone(),
                kind: "ais_gap",
                start_key: g.start_time.clone(),
                start_time: Some(g.start_time.clone()),
                end_time: Some(g.end_time),
                length_m: Some(crate::geodesy::distance_m(a, b)),
                max_offset_m: None,
                path: vec![a, b],
                payload: None,
            });
        }
    }
    out
}

/// Alerts as rows, each with its JSON for `NOTIFY`.
pub fn rows_from_alerts(alerts: &[Alert], detected_at: &str) -> Vec<SinkRow> {
    // A stretch's start and its end (final figures) are written; the updates
    // between are for displays.
    alerts
        .iter()
        .filter(|a| a.event != crate::analysis::watch::AlertEvent::Update)
        .map(|a| {
            let kind = a.alert_type.as_str();
            let mut row = stretch_row(&a.convoy_id, kind, &a.stretch, &a.path);
            if let Some(incident) = &a.incident_id {
                // One row per incident a convoy came near, even at one report.
                row.start_key = format!("{}/{incident}", row.start_key);
                row.max_offset_m = a.distance_m.map(round_m);
            }
            let mut v = serde_json::to_value(AlertEntry::of(a)).unwrap_or(Value::Null);
            if let Some(m) = v.as_object_mut() {
                m.insert("detected_at".into(), detected_at.into());
            }
            row.payload = Some(v);
            row
        })
        .collect()
}

fn time_of(text: &Option<String>) -> Option<OffsetDateTime> {
    let s = crate::io::time::parse_rfc3339(text.as_deref()?).ok()?;
    OffsetDateTime::from_unix_timestamp_nanos((s * 1e9).round() as i128).ok()
}

fn wkb(path: &[Coord]) -> Result<Vec<u8>, DbError> {
    use geozero::{CoordDimensions, ToWkb};
    geo::Geometry::LineString(geo::LineString(path.to_vec()))
        .to_wkb(CoordDimensions::xy())
        .map_err(|e| DbError::Other(format!("cannot encode a stretch as WKB: {e}")))
}

/// Creates the results table when missing; refuses a table of another shape.
fn ensure_table(s: &mut postgres::Transaction, url: &PgUrl) -> Result<(), DbError> {
    let table = url.table()?;
    let during = format!("while creating table {table}");
    let pg = |e: postgres::Error| DbError::from_pg(&e, &during);
    // One writer at a time creates it (two first runs at once would race).
    s.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1))",
        &[&table.to_string()],
    )
    .map_err(pg)?;
    let t = table.quoted();
    let unique = quote_ident(&format!("{}_stretch_key", table.table));
    s.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {t} (\
           id bigserial PRIMARY KEY, \
           convoy_id text NOT NULL, \
           type text NOT NULL, \
           start_key text NOT NULL, \
           start_time timestamptz, \
           end_time timestamptz, \
           length_m double precision, \
           max_offset_m double precision, \
           geom geometry(LineString, 4326), \
           checked_at timestamptz NOT NULL DEFAULT now(), \
           CONSTRAINT {unique} UNIQUE (convoy_id, type, start_key))"
    ))
    .map_err(pg)?;
    let have: Vec<String> = s
        .query(
            "SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = $1::text::regclass \
             AND a.attnum > 0 AND NOT a.attisdropped",
            &[&t],
        )
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !have.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(DbError::Other(format!(
            "table {table} exists but is not a corridor-watch results table (it lacks {})",
            missing.join(", ")
        )));
    }
    Ok(())
}

const UPSERT: &str = "SELECT c, ty, k, st, et, l, o, ST_SetSRID(ST_GeomFromWKB(g), 4326), $9::timestamptz \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], \
                $6::float8[], $7::float8[], $8::bytea[]) AS u(c, ty, k, st, et, l, o, g) \
    ON CONFLICT (convoy_id, type, start_key) DO UPDATE SET \
      start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, \
      length_m = EXCLUDED.length_m, max_offset_m = EXCLUDED.max_offset_m, \
      geom = EXCLUDED.geom, checked_at = EXCLUDED.checked_at";

/// Writes the rows in one transaction (upserts), `NOTIFY`ing each row's
/// payload when `notify`. Returns how many rows were written.
pub fn write_rows(session: &mut Session, rows: &[SinkRow], notify: bool) -> Result<usize, DbError> {
    let url = session.url.clone();
    let table = url.table()?.clone();
    let during = format!("while writing to table {table}");
    let pg = |e: postgres::Error| DbError::from_pg(&e, &during);
    // One row per key (a repeated key would make the upsert touch a row twice).
    let mut by_key = std::collections::HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        by_key.insert((r.convoy_id.as_str(), r.kind, r.start_key.as_str()), i);
    }
    let mut keep: Vec<usize> = by_key.into_values().collect();
    keep.sort_unstable();
    let rows: Vec<&SinkRow> = keep.iter().map(|&i| &rows[i]).collect();
    let mut tx = session.client.transaction().map_err(pg)?;
    ensure_table(&mut tx, &url)?;
    let col = |f: &dyn Fn(&SinkRow) -> Option<String>| -> Vec<Option<String>> {
        rows.iter().map(|r| f(r)).collect()
    };
    let convoy = col(&|r| Some(r.convoy_id.clone()));
    let kind = col(&|r| Some(r.kind.to_string()));
    let key = col(&|r| Some(r.start_key.clone()));
    let start: Vec<Option<OffsetDateTime>> = rows.iter().map(|r| time_of(&r.start_time)).collect();
    let end: Vec<Option<OffsetDateTime>> = rows.iter().map(|r| time_of(&r.end_time)).collect();
    let length: Vec<Option<f64>> = rows.iter().map(|r| r.length_m).collect();
    let offset: Vec<Option<f64>> = rows.iter().map(|r| r.max_offset_m).collect();
    let geom: Vec<Vec<u8>> = rows
        .iter()
        .map(|r| wkb(&r.path))
        .collect::<Result<_, _>>()?;
    let now = OffsetDateTime::now_utc();
    let sql = format!(
        "INSERT INTO {} (convoy_id, type, start_key, start_time, end_time, length_m, max_offset_m, geom, checked_at) {UPSERT}",
        table.quoted()
    );
    let n = tx
        .execute(
            &sql,
            &[
                &convoy, &kind, &key, &start, &end, &length, &offset, &geom, &now,
            ],
        )
        .map_err(pg)?;
    if notify {
        for r in &rows {
            if let Some(p) = &r.payload {
                tx.execute("SELECT pg_notify($1, $2)", &[&table.table, &p.to_string()])
                    .map_err(pg)?;
            }
        }
    }
    tx.commit().map_err(pg)?;
    Ok(n as usize)
}

/// Listens for alerts `NOTIFY`ed on the URL's table channel until `stop` is
/// set, handing each payload (parsed JSON, else the text) to `on`.
pub fn listen(url: &PgUrl, stop: &AtomicBool, mut on: impl FnMut(Value)) -> Result<(), DbError> {
    let table = url.table()?.clone();
    let mut s = connect(url)?;
    let during = format!("while listening on {}", table.table);
    s.client
        .batch_execute(&format!("LISTEN {}", quote_ident(&table.table)))
        .map_err(|e| DbError::from_pg(&e, &during))?;
    while !stop.load(Ordering::Relaxed) {
        let mut notes = s.client.notifications();
        let mut it = notes.timeout_iter(std::time::Duration::from_millis(250));
        use postgres::fallible_iterator::FallibleIterator;
        while let Some(n) = it.next().map_err(|e| DbError::from_pg(&e, &during))? {
            on(serde_json::from_str(n.payload())
                .unwrap_or_else(|_| Value::String(n.payload().into())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Overview, OverviewOptions};

    /// Regression (issue 22, item 13): an untimed track that leaves its
    /// corridor twice from the same place gave two rows one key, and the
    /// upsert kept one. The crossing point is where the track meets the
    /// corridor's edge, the same both times by construction.
    #[test]
    fn an_untimed_loop_keeps_a_row_per_stretch() {
        let geojson = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"kind":"corridor","id":"C","tolerance_m":1000},
  "geometry":{"type":"LineString","coordinates":[[30.0,50.0],[30.2,50.0]]}},
 {"type":"Feature","properties":{"kind":"track","convoy_id":"L","corridor_ids":["C"]},
  "geometry":{"type":"LineString","coordinates":[[30.05,50.0],[30.05,50.05],[30.05,50.0],[30.05,50.05],[30.05,50.0]]}}]}"#;
        let layer = crate::io::read_geojson("loop.geojson", geojson.as_bytes()).unwrap();
        let overview = Overview::build(
            vec![layer],
            &OverviewOptions {
                paths: true,
                ..Default::default()
            },
        );
        let rows = rows_from_results(&overview.results);
        let keys: Vec<&str> = rows.iter().map(|r| r.start_key.as_str()).collect();
        assert_eq!(rows.len(), 2, "{keys:?}");
        assert_ne!(keys[0], keys[1]);
        assert!(keys[1].ends_with("#2"), "{keys:?}");
        assert_eq!(keys[1].trim_end_matches("#2"), keys[0]);
    }
}

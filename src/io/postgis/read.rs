//! A PostGIS table (or view) as a layer.
//!
//! The geometry comes from the table's only geometry or geography column (or
//! the one `geometry=` names), moved to EPSG:4326 by the server, as WKB decoded
//! by geozero. Every other column is a property: text and numbers as they are,
//! times as RFC 3339 UTC, arrays and JSON as JSON values; NULL leaves the
//! property out. Rows come in primary-key order through a server-side cursor,
//! a few thousand at a time, so memory holds one batch beyond the layer.

use super::connect::Session;
use super::error::DbError;
use super::url::quote_ident;
use super::url::{PgUrl, TableName};
use crate::io::fields::Collector;
use crate::model::window::Window;
use geozero::ToGeo;
use postgres::Row;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Rows fetched per round trip.
const BATCH_ROWS: i32 = 2_000;

/// Where a read has got to: rows done, and the table's estimated row count.
#[derive(Default)]
pub struct ReadProgress<'a> {
    pub done_rows: Option<&'a AtomicU64>,
    pub total_rows: Option<&'a AtomicU64>,
    pub cancel: Option<&'a AtomicBool>,
}

/// How a column's values are fetched and turned into JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decode {
    Text,
    Int,
    Float,
    Bool,
    Time,
    Json,
    TextArray,
    IntArray,
    FloatArray,
    BoolArray,
    TimeArray,
}

impl Decode {
    /// By the column's type name (`pg_type.typname`): the SQL that fetches it.
    pub(super) fn for_type(typname: &str) -> Decode {
        match typname {
            "int2" | "int4" | "int8" | "oid" => Decode::Int,
            "float4" | "float8" | "numeric" => Decode::Float,
            "bool" => Decode::Bool,
            "timestamptz" | "timestamp" => Decode::Time,
            "json" | "jsonb" => Decode::Json,
            "_int2" | "_int4" | "_int8" => Decode::IntArray,
            "_float4" | "_float8" | "_numeric" => Decode::FloatArray,
            "_bool" => Decode::BoolArray,
            "_timestamptz" | "_timestamp" => Decode::TimeArray,
            t if t.starts_with('_') => Decode::TextArray,
            _ => Decode::Text,
        }
    }

    /// The select expression for column `col` (quoted).
    pub(super) fn select(self, col: &str) -> String {
        let cast = match self {
            Decode::Text => "text",
            Decode::Int => "int8",
            Decode::Float => "float8",
            Decode::Bool => "bool",
            Decode::Time => "timestamptz",
            Decode::Json => "jsonb",
            Decode::TextArray => "text[]",
            Decode::IntArray => "int8[]",
            Decode::FloatArray => "float8[]",
            Decode::BoolArray => "bool[]",
            Decode::TimeArray => "timestamptz[]",
        };
        format!("{col}::{cast}")
    }

    /// The value at `i`, or `None` for NULL; an error for a value the type
    /// cannot carry (a two-dimensional array, an infinite time).
    pub(super) fn value(self, row: &Row, i: usize) -> Result<Option<Value>, crate::error::Problem> {
        fn get<'a, T: postgres::types::FromSql<'a>>(
            row: &'a Row,
            i: usize,
        ) -> Result<Option<T>, crate::error::Problem> {
            row.try_get::<_, Option<T>>(i)
                .map_err(|e| match std::error::Error::source(&e) {
                    Some(inner) => crate::error::Problem(inner.to_string()),
                    None => crate::error::Problem(e.to_string()),
                })
        }
        let list = |v: Vec<Value>| Value::Array(v);
        Ok(match self {
            Decode::Text => get::<String>(row, i)?.map(Value::String),
            Decode::Int => get::<i64>(row, i)?.map(Value::from),
            Decode::Float => get::<f64>(row, i)?.map(json_f64),
            Decode::Bool => get::<bool>(row, i)?.map(Value::Bool),
            Decode::Time => get::<OffsetDateTime>(row, i)?.map(|t| Value::String(rfc3339(t))),
            Decode::Json => get::<Value>(row, i)?,
            Decode::TextArray => get::<Vec<Option<String>>>(row, i)?.map(|v| {
                list(
                    v.into_iter()
                        .map(|x| x.map_or(Value::Null, Value::String))
                        .collect(),
                )
            }),
            Decode::IntArray => get::<Vec<Option<i64>>>(row, i)?.map(|v| {
                list(
                    v.into_iter()
                        .map(|x| x.map_or(Value::Null, Value::from))
                        .collect(),
                )
            }),
            Decode::FloatArray => get::<Vec<Option<f64>>>(row, i)?.map(|v| {
                list(
                    v.into_iter()
                        .map(|x| x.map_or(Value::Null, json_f64))
                        .collect(),
                )
            }),
            Decode::BoolArray => get::<Vec<Option<bool>>>(row, i)?.map(|v| {
                list(
                    v.into_iter()
                        .map(|x| x.map_or(Value::Null, Value::Bool))
                        .collect(),
                )
            }),
            Decode::TimeArray => get::<Vec<Option<OffsetDateTime>>>(row, i)?.map(|v| {
                list(
                    v.into_iter()
                        .map(|x| x.map_or(Value::Null, |t| Value::String(rfc3339(t))))
                        .collect(),
                )
            }),
        })
    }
}

fn json_f64(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// RFC 3339 in UTC, to the microsecond the server keeps.
pub(super) fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// A column of the table.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub name: String,
    pub typname: String,
}

/// What the catalog says about a table.
pub(crate) struct TableInfo {
    pub oid: u32,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
}

/// Looks the table up by name (as parameters: nothing the user typed is SQL).
pub(crate) fn table_info(s: &mut Session) -> Result<TableInfo, DbError> {
    let table = s.url.table()?.clone();
    let during = format!("while looking up table {table}");
    let row = s
        .client
        .query_opt(
            "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relname = $2 AND c.relkind IN ('r','v','m','p','f') \
             AND (($1::text IS NULL AND pg_table_is_visible(c.oid)) OR n.nspname = $1::text) \
             LIMIT 1",
            &[&table.schema, &table.table],
        )
        .map_err(|e| DbError::from_pg(&e, &during))?;
    // `with.dot` is schema `with`, table `dot`; when there is none, a visible
    // table named `with.dot` itself is the one meant.
    let row = match (row, &table.schema) {
        (None, Some(schema)) => {
            let whole = TableName {
                schema: None,
                table: format!("{schema}.{}", table.table),
            };
            let found = s
                .client
                .query_opt(
                    "SELECT c.oid FROM pg_class c WHERE c.relname = $1 \
                     AND c.relkind IN ('r','v','m','p','f') AND pg_table_is_visible(c.oid) LIMIT 1",
                    &[&whole.table],
                )
                .map_err(|e| DbError::from_pg(&e, &during))?;
            if found.is_some() {
                s.url.table = Some(whole);
            }
            found
        }
        (row, _) => row,
    };
    let Some(row) = row else {
        return Err(DbError::TableMissing(table.to_string()));
    };
    let oid: u32 = row.get(0);
    let columns = s
        .client
        .query(
            "SELECT a.attname::text, t.typname::text FROM pg_attribute a \
             JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&oid],
        )
        .map_err(|e| DbError::from_pg(&e, &during))?
        .iter()
        .map(|r| Column {
            name: r.get(0),
            typname: r.get(1),
        })
        .collect();
    let primary_key = s
        .client
        .query(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = $1 AND i.indisprimary \
             ORDER BY array_position(i.indkey::int2[], a.attnum)",
            &[&oid],
        )
        .map_err(|e| DbError::from_pg(&e, &during))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(TableInfo {
        oid,
        columns,
        primary_key,
    })
}

/// The geometry column: the one `geometry=` names, else the table's only one.
pub(crate) fn geometry_column<'a>(url: &PgUrl, info: &'a TableInfo) -> Result<&'a Column, DbError> {
    let table = url.table()?;
    let spatial: Vec<&Column> = info
        .columns
        .iter()
        .filter(|c| c.typname == "geometry" || c.typname == "geography")
        .collect();
    match (&url.geometry, spatial.as_slice()) {
        (_, []) => Err(DbError::NoGeometry(table.to_string())),
        (Some(want), cols) => cols
            .iter()
            .find(|c| &c.name == want)
            .copied()
            .ok_or_else(|| {
                DbError::Other(format!(
                    "table {table} has no geometry column \"{want}\" (it has: {})",
                    names(cols)
                ))
            }),
        (None, [only]) => Ok(only),
        (None, cols) => Err(DbError::Other(format!(
            "table {table} has several geometry columns ({}): name one with &geometry=COLUMN",
            names(cols)
        ))),
    }
}

fn names(cols: &[&Column]) -> String {
    cols.iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// WKB in EPSG:4326, 2-D, for a geometry or geography column.
pub(super) fn geometry_sql(col: &Column) -> String {
    format!("ST_AsBinary(ST_Force2D({}))", wgs84_sql(col))
}

/// A geometry or geography column in EPSG:4326, as the reader takes it.
pub(crate) fn wgs84_sql(col: &Column) -> String {
    let g = format!("{}::geometry", quote_ident(&col.name));
    format!("CASE WHEN ST_SRID({g}) IN (0, 4326) THEN {g} ELSE ST_Transform({g}, 4326) END")
}

/// What to select from a table, and how its columns become properties.
pub(crate) struct Plan {
    /// The geometry's WKB first, then one expression per property column.
    pub select: Vec<String>,
    pub props: Vec<(Column, Decode)>,
    /// The role given to every row (the table has no `kind` column).
    pub role: Option<String>,
}

impl Plan {
    pub(crate) fn new(url: &PgUrl, info: &TableInfo) -> Result<Plan, DbError> {
        let geom = geometry_column(url, info)?.clone();
        let props: Vec<(Column, Decode)> = info
            .columns
            .iter()
            .filter(|c| c.typname != "geometry" && c.typname != "geography")
            .map(|c| (c.clone(), Decode::for_type(&c.typname)))
            .collect();
        let has_kind = props.iter().any(|(c, _)| c.name == "kind");
        let has_convoy = props.iter().any(|(c, _)| c.name == "convoy_id");
        // `kind=` is the role of every row without one (all rows when there is
        // no `kind` column); with neither, a table of convoy reports (a
        // `convoy_id` column) is read as tracks, as a CSV of reports is.
        let role = match (&url.kind, has_kind) {
            (Some(k), _) => Some(k.clone()),
            (None, false) if has_convoy => Some("track".to_string()),
            _ => None,
        };
        // Output columns are numbered (`_c0`, …): a name could clash with the
        // table's own in ORDER BY and WHERE.
        let mut select = vec![format!("{} AS _c0", geometry_sql(&geom))];
        select.extend(
            props
                .iter()
                .enumerate()
                .map(|(i, (c, d))| format!("{} AS _c{}", d.select(&quote_ident(&c.name)), i + 1)),
        );
        Ok(Plan {
            select,
            props,
            role,
        })
    }

    /// One row as a feature (or a warning naming the row).
    pub(crate) fn push(&self, out: &mut Collector, row: &Row, n: u64) {
        push_row(out, row, n, &self.props, self.role.as_deref());
    }
}

/// Runs `sql` through a server-side cursor in a read-only transaction,
/// handing each row to `each`, `BATCH_ROWS` at a time.
pub(crate) fn stream(
    s: &mut Session,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    during: &str,
    progress: &ReadProgress,
    mut each: impl FnMut(&Row),
) -> Result<u64, DbError> {
    let pg = |e: postgres::Error| DbError::from_pg(&e, during);
    let mut tx = s
        .client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(pg)?;
    // Every row is read: plan for all of them, not for the first few as a
    // cursor is by default (a period's index and a sort beat an ordered scan).
    // JIT compiling costs more than these plain scans save (115 ms seen on a
    // 50,000-row table).
    tx.batch_execute("SET LOCAL cursor_tuple_fraction = 1; SET LOCAL jit = off")
        .map_err(pg)?;
    let stmt = tx.prepare(sql).map_err(pg)?;
    let portal = tx.bind(&stmt, params).map_err(pg)?;
    let mut n = 0u64;
    loop {
        if progress.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(DbError::Cancelled);
        }
        let rows = tx.query_portal(&portal, BATCH_ROWS).map_err(pg)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            each(row);
        }
        n += rows.len() as u64;
        if let Some(d) = progress.done_rows {
            d.store(n, Ordering::Relaxed);
        }
    }
    tx.commit().map_err(pg)?;
    Ok(n)
}

/// The WHERE clause that sends `window` to the server for a table of
/// convoy reports, with its parameters: a `time` column (timestamptz) or
/// per-vertex `times` (timestamptz[]) for the period, the geometry's box for
/// the area (by the index, `&&`). Rows of another role (a `kind` column
/// saying so) always come. `None`: nothing the server can filter by.
pub(crate) fn window_filter(
    plan: &Plan,
    geom: &Column,
    srid: i32,
    window: &Window,
) -> Option<WindowFilter> {
    let mut conds = Vec::new();
    let mut params: Vec<f64> = Vec::new();
    let p = |v: f64, params: &mut Vec<f64>| {
        params.push(v);
        format!("${}::float8", params.len())
    };
    let col = |name: &str, d: Decode| {
        plan.props
            .iter()
            .find(|(c, k)| c.name.eq_ignore_ascii_case(name) && *k == d)
            .map(|(c, _)| quote_ident(&c.name))
    };
    let time = col("time", Decode::Time);
    let times = col("times", Decode::TimeArray).or_else(|| col("coordTimes", Decode::TimeArray));
    if window.from_s.is_some() || window.to_s.is_some() {
        // A track's first and last times (PostgreSQL's arrays start at 1):
        // `times[1]` as written, so that an index on it serves the period.
        let (first, last) = match (&time, &times) {
            (Some(t), _) => (t.clone(), t.clone()),
            (None, Some(t)) => (format!("{t}[1]"), format!("{t}[cardinality({t})]")),
            (None, None) => (String::new(), String::new()),
        };
        if !first.is_empty() {
            if let Some(e) = window.to_s {
                conds.push(format!("{first} <= to_timestamp({})", p(e, &mut params)));
            }
            if let Some(f) = window.from_s {
                conds.push(format!("{last} >= to_timestamp({})", p(f, &mut params)));
            }
        }
    }
    if let Some([w, s, e, n]) = window.bbox
        && geom.typname == "geometry"
        && srid != 0
    {
        let g = quote_ident(&geom.name);
        let boxes: Vec<[f64; 4]> = if w <= e {
            vec![[w, s, e, n]]
        } else {
            vec![[w, s, 180.0, n], [-180.0, s, e, n]]
        };
        let mut any = Vec::new();
        for [w, s, e, n] in boxes {
            let env = format!(
                "ST_MakeEnvelope({}, {}, {}, {}, 4326)",
                p(w, &mut params),
                p(s, &mut params),
                p(e, &mut params),
                p(n, &mut params)
            );
            let env = if srid == 4326 {
                env
            } else {
                format!("ST_Transform({env}, {srid})")
            };
            any.push(format!("{g} && {env}"));
        }
        conds.push(format!("({})", any.join(" OR ")));
    }
    if conds.is_empty() {
        return None;
    }
    let filter = conds.join(" AND ");
    let kind = plan
        .props
        .iter()
        .find(|(c, _)| c.name == "kind")
        .map(|(c, _)| quote_ident(&c.name));
    let others = match (kind, plan.role.as_deref()) {
        // Every row is a report.
        (None, Some("track")) => None,
        (None, _) => return None,
        // Rows of another role (a row without a kind takes the URL's) always come.
        (Some(k), role) => {
            let role = role.map_or("NULL".to_string(), |r| {
                format!("'{}'", r.replace('\'', "''"))
            });
            Some(format!(
                "COALESCE({k}::text, {role}) IS DISTINCT FROM 'track'"
            ))
        }
    };
    Some(WindowFilter {
        reports: filter,
        others,
        params,
    })
}

/// The SQL that sends a window to the server.
pub(crate) struct WindowFilter {
    /// True for the report rows that may fall in the window.
    pub reports: String,
    /// True for the rows that are not reports (a `kind` column), which always come.
    pub others: Option<String>,
    pub params: Vec<f64>,
}

/// One row as a feature (or a warning naming the row).
fn push_row(
    out: &mut Collector,
    row: &Row,
    n: u64,
    props: &[(Column, Decode)],
    role: Option<&str>,
) {
    let mut map = Map::new();
    let mut times = None;
    let geometry = match row.try_get::<_, Option<&[u8]>>(0) {
        Ok(Some(wkb)) => decode_wkb(wkb),
        Ok(None) => Ok(None),
        Err(e) => Err(crate::problem!("geometry: {e}")),
    };
    for (i, (c, d)) in props.iter().enumerate() {
        // Per-vertex times of a LineString straight into times (no text on the way).
        if *d == Decode::TimeArray
            && (c.name == "times" || c.name.eq_ignore_ascii_case("coordTimes"))
            && let Ok(Some(geo::Geometry::LineString(l))) = &geometry
            && let Ok(Some(v)) = row.try_get::<_, Option<Vec<Option<OffsetDateTime>>>>(i + 1)
            && v.len() == l.0.len()
        {
            let secs = v
                .iter()
                .map(|t| t.map(|t| t.unix_timestamp_nanos() as f64 / 1e9))
                .collect();
            times = Some(vec![secs]);
            continue;
        }
        match d.value(row, i + 1) {
            Ok(Some(v)) => {
                map.insert(property_name(&c.name), v);
            }
            Ok(None) => {}
            Err(e) => out.warn(format!("row {n}: column {}: {e}; left out", c.name)),
        }
    }
    if let Some(k) = role
        && !map.contains_key("kind")
    {
        map.insert("kind".into(), Value::String(k.to_string()));
    }
    out.push(&format!("row {n}"), map, geometry, times);
}

/// PostgreSQL folds unquoted names to lower case (GDAL writes
/// `coordinateproperties`, `coordtimes`): the conventions' mixed-case names
/// are given back their case.
pub(crate) fn property_name(column: &str) -> String {
    ["coordinateProperties", "coordTimes"]
        .iter()
        .find(|n| n.eq_ignore_ascii_case(column))
        .map_or_else(|| column.to_string(), |n| n.to_string())
}

fn decode_wkb(wkb: &[u8]) -> Result<Option<geo::Geometry<f64>>, crate::error::Problem> {
    if !crate::io::gpkg::wkb_fits(wkb, 0) {
        return Err("the geometry's WKB is cut short or its counts do not fit in it".into());
    }
    geozero::wkb::Wkb(wkb)
        .to_geo()
        .map(Some)
        .map_err(|e| crate::problem!("geometry cannot be decoded ({e})"))
}

//! What a save needs to know about a table, from the catalog: its key, the
//! columns the layer's properties go to (with the type text is cast to, and
//! whether the table assigns or computes the value itself), and the geometry
//! column's SRID, shape and dimensions as `geometry_columns` reports them
//! (a type modifier or the old-style `CHECK` constraints alike).

use crate::io::postgis::url::quote_ident;
use crate::io::postgis::{PgUrl, Plan, Session, property_name, table_info};
use geo::Geometry;
use serde_json::{Map, Value};

/// The name no table column is likely to take, for the whole row.
pub(super) const ROW: &str = "_cw_row";

/// The rows of a table as read for editing, by `Feature::index` (the row's
/// place in primary-key order), and what the form may ask for it.
#[derive(Debug, Default)]
pub struct TableRows {
    /// Each row's primary key, column by column, as the server's text.
    pub keys: Vec<Vec<String>>,
    /// `md5` of each row's text as read.
    pub hashes: Vec<String>,
    /// Each row's properties and geometry as read (`None`: the reader skipped it).
    pub read: Vec<Option<RowAsRead>>,
    /// The properties the table has a column for, with why the app does not
    /// write it when it does not (the table assigns or computes it).
    pub columns: Vec<(String, Option<String>)>,
}

impl TableRows {
    /// Why the form does not ask for `property` on this table (`None`: it does).
    pub fn not_asked(&self, property: &str) -> Option<String> {
        match self.columns.iter().find(|(p, _)| p == property) {
            Some((_, why)) => why.clone(),
            None => Some("the table has no column for it".into()),
        }
    }
}

/// A row's properties and geometry as read.
pub type RowAsRead = (Map<String, Value>, Option<Geometry<f64>>);

/// A column as the save writes it: its name and the type to cast text to.
pub(super) struct Target {
    pub name: String,
    pub cast: String,
    /// Why the app never writes it (an identity, a key the table numbers, a
    /// generated column), or `None`.
    pub assigned: Option<String>,
}

/// The geometry column: its name, and how WKB in EPSG:4326 becomes its value.
pub(super) struct GeomTarget {
    pub name: String,
    /// The column's SRID (0: any, each row its own).
    pub srid: i32,
    /// For a column of any SRID, the one a new row takes: its rows' (the
    /// first found), else 4326.
    pub new_srid: i32,
    pub multi: bool,
    /// 2, 3 or 4 coordinates.
    pub dims: i32,
    /// The third coordinate is a measure (`LINESTRINGM`), not a height.
    pub measured: bool,
    pub geography: bool,
}

impl GeomTarget {
    /// The SQL that turns parameter `$n` (WKB in EPSG:4326) into the column's
    /// value; `old`: the column as the row holds it (an UPDATE: a column of
    /// any SRID keeps the row's own).
    pub fn expr(&self, n: usize, old: Option<&str>) -> String {
        let mut g = format!("ST_GeomFromWKB(${n}::bytea, 4326)");
        if self.multi {
            g = format!("ST_Multi({g})");
        }
        match (self.dims, self.measured) {
            (3, false) => g = format!("ST_Force3D({g})"),
            (3, true) => g = format!("ST_Force3DM({g})"),
            (4, _) => g = format!("ST_Force4D({g})"),
            _ => {}
        }
        if self.geography {
            return format!("({g})::geography");
        }
        let to = |srid: i32| match srid {
            4326 => g.clone(),
            0 => format!("ST_SetSRID({g}, 0)"),
            s => format!("ST_Transform({g}, {s})"),
        };
        match (self.srid, old) {
            (0, Some(old)) => format!(
                "CASE WHEN ST_SRID({old}) IN (0, 4326) THEN ST_SetSRID({g}, ST_SRID({old})) \
                 WHEN ST_SRID({old}) IS NOT NULL THEN ST_Transform({g}, ST_SRID({old})) \
                 ELSE {} END",
                to(self.new_srid)
            ),
            (0, None) => to(self.new_srid),
            (s, _) => to(s),
        }
    }
}

/// What the save needs to know about the table.
pub(super) struct Table {
    pub quoted: String,
    pub name: String,
    pub keys: Vec<Target>,
    pub columns: Vec<Target>,
    pub geom: GeomTarget,
    /// How the reader reads it (the layer's columns, the role it gives rows).
    pub plan: Plan,
}

impl Table {
    /// The column a property goes to (the conventions' mixed-case names to
    /// their lower-case columns), or `None`.
    pub fn column_of(&self, property: &str) -> Option<&Target> {
        self.columns
            .iter()
            .find(|c| c.name == property)
            .or_else(|| {
                self.columns
                    .iter()
                    .find(|c| property_name(&c.name) == property)
            })
    }

    /// The properties with a column, and why the app does not write one.
    pub fn property_columns(&self) -> Vec<(String, Option<String>)> {
        self.columns
            .iter()
            .map(|c| (property_name(&c.name), c.assigned.clone()))
            .collect()
    }
}

/// A column of the row alias (a key named like a function still reads as a column).
pub(super) fn qualified(col: &str) -> String {
    format!("{ROW}.{}", quote_ident(col))
}

pub(super) fn table(s: &mut Session, url: &PgUrl) -> Result<Table, String> {
    let info = table_info(s).map_err(|e| e.to_string())?;
    let name = s.url.table().map_err(|e| e.to_string())?.to_string();
    let quoted = s.url.table().map_err(|e| e.to_string())?.quoted();
    let rel = s
        .client
        .query_one(
            "SELECT c.relkind::text, n.nspname::text, c.relname::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1",
            &[&info.oid],
        )
        .map_err(|e| e.to_string())?;
    let (kind, schema, relname): (String, String, String) = (rel.get(0), rel.get(1), rel.get(2));
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
            "SELECT a.attname::text, format_type(a.atttypid, NULL), a.attidentity::text, \
             a.attgenerated::text, COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) \
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&info.oid],
        )
        .map_err(|e| e.to_string())?;
    // The whole row is read and locked by this name: a column may not take it.
    if rows.iter().any(|r| r.get::<_, String>(0) == ROW) {
        return Err(format!(
            "table {name} has a column named {ROW}, the name the app gives the whole row: it cannot be edited here"
        ));
    }
    let mut columns = Vec::new();
    for r in &rows {
        let (col, cast, identity, generated, numbered): (String, String, String, String, bool) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        if col == geom_col.name || !plan.props.iter().any(|(c, _)| c.name == col) {
            continue;
        }
        let key = info.primary_key.contains(&col);
        let assigned = if generated == "s" {
            Some("computed by the table".to_string())
        } else if identity == "a" {
            Some("an identity column, numbered by the table".to_string())
        } else if identity == "d" || (key && numbered) {
            Some("numbered by the table".to_string())
        } else {
            None
        };
        columns.push(Target {
            name: col,
            cast,
            assigned,
        });
    }
    let geom = geom_target(s, &geom_col, (&schema, &relname), &quoted)?;
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
                    assigned: c.assigned.clone(),
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

/// The geometry column as `geometry_columns` (or `geography_columns`) reports
/// it: from its type modifier, or from the `CHECK` constraints of a column
/// made the old way.
fn geom_target(
    s: &mut Session,
    col: &crate::io::postgis::Column,
    (schema, relname): (&str, &str),
    quoted: &str,
) -> Result<GeomTarget, String> {
    let geography = col.typname == "geography";
    let sql = if geography {
        "SELECT coord_dimension, srid, type::text FROM geography_columns \
         WHERE f_table_schema::text = $1 AND f_table_name::text = $2 AND f_geography_column::text = $3"
    } else {
        "SELECT coord_dimension, srid, type::text FROM geometry_columns \
         WHERE f_table_schema::text = $1 AND f_table_name::text = $2 AND f_geometry_column::text = $3"
    };
    let row = s
        .client
        .query_opt(sql, &[&schema, &relname, &col.name])
        .map_err(|e| e.to_string())?;
    let (dims, srid, shape): (i32, i32, String) = match &row {
        Some(r) => (r.get(0), r.get(1), r.get(2)),
        None => (2, 0, "GEOMETRY".into()),
    };
    let shape = shape.to_ascii_uppercase();
    let mut new_srid = srid;
    if srid == 0 && !geography {
        // A column of any SRID: a new row takes its rows' (as the reader reads them).
        let sql = format!(
            "SELECT ST_SRID({g}) FROM {quoted} WHERE {g} IS NOT NULL LIMIT 1",
            g = quote_ident(&col.name)
        );
        new_srid = s
            .client
            .query_opt(&sql, &[])
            .map_err(|e| e.to_string())?
            .map_or(4326, |r| r.get(0));
    }
    Ok(GeomTarget {
        name: col.name.clone(),
        srid,
        new_srid,
        multi: shape.starts_with("MULTI"),
        dims,
        measured: dims == 3 && shape.ends_with('M'),
        geography,
    })
}

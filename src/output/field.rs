//! Exports in the field's formats: stretches and routes as KML (styled, named,
//! for Google Earth), a route as GPX (for GPS units), stretches as GeoPackage
//! and FlatGeobuf. Lon/lat on WGS 84 (EPSG:4326), metres, RFC 3339 times.

use crate::analysis::ConvoyResult;
use crate::io::route::Route;
use crate::output::report::{StretchEntry, round_deg};
use geo::{Coord, LineString};
use std::fmt::Write as _;
use std::path::Path;

/// One reported stretch with its path: (convoy, "deviation" or "buffer_zone_entry", number, stretch, path).
type Row<'a> = (
    &'a ConvoyResult,
    &'static str,
    usize,
    StretchEntry,
    &'a [Coord],
);

fn rows(results: &[ConvoyResult]) -> impl Iterator<Item = Row<'_>> {
    results.iter().flat_map(|r| {
        let devs = r.report.deviations.iter().zip(&r.deviation_paths);
        let zone = r.report.buffer_zone_entries.iter().zip(&r.zone_paths);
        let devs = devs
            .enumerate()
            .map(move |(i, (s, p))| (r, "deviation", i + 1, StretchEntry::of(s), p.as_slice()));
        let zone = zone.enumerate().map(move |(i, (s, p))| {
            (
                r,
                "buffer_zone_entry",
                i + 1,
                StretchEntry::of(s),
                p.as_slice(),
            )
        });
        devs.chain(zone)
    })
}

/// Text for XML content or attributes.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn kml_coords(path: &[Coord]) -> String {
    path.iter()
        .map(|c| format!("{},{}", round_deg(c.x), round_deg(c.y)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn kml_document(name: &str, description: Option<&str>, styles: &str, placemarks: &str) -> String {
    let description = description
        .map(|d| format!("<description>{}</description>\n", xml(d)))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<name>{}</name>\n{description}{styles}{placemarks}</Document>\n</kml>\n",
        xml(name)
    )
}

/// Deviations (red) and buffer-zone entries (orange) as KML Placemarks with
/// their figures in ExtendedData and a description a reader understands.
pub fn stretches_kml(results: &[ConvoyResult], illustrative: bool) -> String {
    let styles = "<Style id=\"deviation\"><LineStyle><color>ff1e1edc</color><width>4</width></LineStyle></Style>\n<Style id=\"buffer_zone_entry\"><LineStyle><color>ff008cf5</color><width>4</width></LineStyle></Style>\n";
    let mut marks = String::new();
    for (r, kind, number, s, path) in rows(results) {
        let what = if kind == "deviation" {
            "Deviation"
        } else {
            "Zone entry"
        };
        let offset = s
            .max_offset_m
            .map(crate::output::text::format_length_m)
            .unwrap_or_else(|| "-".into());
        let times = format!(
            "{} to {}",
            s.start_time.as_deref().unwrap_or("?"),
            s.end_time.as_deref().unwrap_or("?")
        );
        let data: String = [
            ("convoy_id", r.report.convoy_id.clone()),
            ("type", kind.to_string()),
            ("number", number.to_string()),
            ("length_m", s.length_m.to_string()),
            (
                "max_offset_m",
                s.max_offset_m.map(|m| m.to_string()).unwrap_or_default(),
            ),
            ("start_time", s.start_time.clone().unwrap_or_default()),
            ("end_time", s.end_time.clone().unwrap_or_default()),
        ]
        .iter()
        .map(|(k, v)| format!("<Data name=\"{k}\"><value>{}</value></Data>", xml(v)))
        .collect();
        let _ = writeln!(
            marks,
            "<Placemark><name>{} {what} {number}</name><description>{}</description><styleUrl>#{kind}</styleUrl><ExtendedData>{data}</ExtendedData><LineString><tessellate>1</tessellate><coordinates>{}</coordinates></LineString></Placemark>",
            xml(&r.report.convoy_id),
            xml(&format!(
                "{} long, {} {}; {times}",
                crate::output::text::format_length_m(s.length_m),
                offset,
                if kind == "deviation" {
                    "off its corridors"
                } else {
                    "deep"
                }
            )),
            kml_coords(path)
        );
    }
    kml_document(
        if illustrative {
            "corridor-watch: deviations and buffer-zone entries (ILLUSTRATIVE DATA)"
        } else {
            "corridor-watch: deviations and buffer-zone entries"
        },
        illustrative.then_some(super::report::ILLUSTRATIVE_NOTE),
        styles,
        &marks,
    )
}

/// A planned route as a KML LineString (kind `route`, its corridors and length).
pub fn route_kml(route: &Route) -> String {
    let styles = "<Style id=\"route\"><LineStyle><color>ff8c7800</color><width>4</width></LineStyle></Style>\n";
    let length =
        crate::output::text::format_length_m(crate::geodesy::line_length_m(&route.waypoints));
    let mark = format!(
        "<Placemark><name>{}</name><description>{}</description><styleUrl>#route</styleUrl><ExtendedData><Data name=\"kind\"><value>route</value></Data><Data name=\"corridor_ids\"><value>{}</value></Data></ExtendedData><LineString><tessellate>1</tessellate><coordinates>{}</coordinates></LineString></Placemark>\n",
        xml(&route.name),
        xml(&if route.corridor_ids.is_empty() {
            length.clone()
        } else {
            format!(
                "{length}; corridors used: {}",
                route.corridor_ids.join(", ")
            )
        }),
        xml(&route.corridor_ids.join(",")),
        kml_coords(&route.waypoints)
    );
    kml_document(&route.name, None, styles, &mark)
}

/// A planned route as a GPX 1.1 `<rte>` for GPS units.
pub fn route_gpx(route: &Route) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"corridor-watch\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    let _ = writeln!(out, "<rte><name>{}</name>", xml(&route.name));
    for (k, c) in route.waypoints.iter().enumerate() {
        let _ = writeln!(
            out,
            "<rtept lat=\"{}\" lon=\"{}\"><name>{}</name></rtept>",
            round_deg(c.y),
            round_deg(c.x),
            k + 1
        );
    }
    out.push_str("</rte>\n</gpx>\n");
    out
}

/// Stretches as FlatGeobuf bytes (EPSG:4326, with a spatial index);
/// `illustrative`: the header's description says it is made from invented data.
pub fn stretches_fgb(
    results: &[ConvoyResult],
    illustrative: bool,
) -> Result<Vec<u8>, crate::error::Problem> {
    use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
    use geozero::ColumnValue;
    fn err(e: impl std::fmt::Display) -> String {
        format!("FlatGeobuf: {e}")
    }
    let options = FgbWriterOptions {
        crs: FgbCrs {
            code: 4326,
            ..Default::default()
        },
        description: illustrative.then_some(super::report::ILLUSTRATIVE_NOTE),
        ..Default::default()
    };
    let mut fgb = FgbWriter::create_with_options("stretches", GeometryType::LineString, options)
        .map_err(err)?;
    let text = |name: &str| (name.to_string(), ColumnType::String);
    for (name, ty) in [
        text("convoy_id"),
        text("type"),
        ("number".to_string(), ColumnType::Int),
        ("length_m".to_string(), ColumnType::Double),
        ("max_offset_m".to_string(), ColumnType::Double),
        text("start_time"),
        text("end_time"),
    ] {
        fgb.add_column(&name, ty, |_, col| col.nullable = true);
    }
    for (r, kind, number, s, path) in rows(results) {
        let line = geo::Geometry::LineString(LineString(path.to_vec()));
        fgb.add_feature_geom(line, |f| {
            use geozero::PropertyProcessor;
            let _ = f.property(0, "convoy_id", &ColumnValue::String(&r.report.convoy_id));
            let _ = f.property(1, "type", &ColumnValue::String(kind));
            let _ = f.property(2, "number", &ColumnValue::Int(number as i32));
            let _ = f.property(3, "length_m", &ColumnValue::Double(s.length_m));
            if let Some(m) = s.max_offset_m {
                let _ = f.property(4, "max_offset_m", &ColumnValue::Double(m));
            }
            if let Some(t) = &s.start_time {
                let _ = f.property(5, "start_time", &ColumnValue::DateTime(t));
            }
            if let Some(t) = &s.end_time {
                let _ = f.property(6, "end_time", &ColumnValue::DateTime(t));
            }
        })
        .map_err(err)?;
    }
    let mut out = Vec::new();
    fgb.write(&mut out).map_err(err)?;
    Ok(out)
}

/// A GeoPackage's own tables (application id, version, the SRS table with
/// WGS 84, contents, geometry columns), before its feature tables.
pub(crate) const GPKG_SYSTEM_TABLES: &str = "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
           ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]', NULL);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));";

/// A GeoPackage geometry blob: the "GP" header with an XY envelope, then
/// little-endian WKB of a LineString, on SRS 4326.
fn gpkg_line(path: &[Coord]) -> Vec<u8> {
    let mut b = Vec::with_capacity(8 + 32 + 9 + 16 * path.len());
    b.extend_from_slice(b"GP");
    b.push(0); // version 1
    b.push(0b0000_0011); // little endian, XY envelope
    b.extend_from_slice(&4326i32.to_le_bytes());
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in path {
        (w, s, e, n) = (w.min(c.x), s.min(c.y), e.max(c.x), n.max(c.y));
    }
    for v in [w, e, s, n] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.push(1);
    b.extend_from_slice(&2u32.to_le_bytes());
    b.extend_from_slice(&(path.len() as u32).to_le_bytes());
    for c in path {
        b.extend_from_slice(&round_deg(c.x).to_le_bytes());
        b.extend_from_slice(&round_deg(c.y).to_le_bytes());
    }
    b
}

/// Writes stretches as a GeoPackage (table `stretches`, EPSG:4326) at `path`
/// (a new file; the caller makes it atomic); `illustrative`: the table's
/// `gpkg_contents` description says it is made from invented data.
pub fn stretches_gpkg(
    results: &[ConvoyResult],
    path: &Path,
    illustrative: bool,
) -> Result<(), crate::error::Problem> {
    let db = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    let sql_err = |e: rusqlite::Error| format!("GeoPackage: {e}");
    db.execute_batch(GPKG_SYSTEM_TABLES).map_err(sql_err)?;
    db.execute_batch(
        "CREATE TABLE stretches (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom LINESTRING, convoy_id TEXT, type TEXT, number INTEGER, length_m REAL, max_offset_m REAL, start_time TEXT, end_time TEXT);
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('stretches', 'features', 'stretches', 'corridor-watch: deviations and buffer-zone entries', 4326);
         INSERT INTO gpkg_geometry_columns VALUES ('stretches', 'geom', 'LINESTRING', 4326, 0, 0);",
    )
    .map_err(sql_err)?;
    if illustrative {
        db.execute(
            "UPDATE gpkg_contents SET description = ?1 WHERE table_name = 'stretches'",
            [super::report::ILLUSTRATIVE_NOTE],
        )
        .map_err(sql_err)?;
    }
    let mut insert = db
        .prepare("INSERT INTO stretches (geom, convoy_id, type, number, length_m, max_offset_m, start_time, end_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .map_err(sql_err)?;
    for (r, kind, number, s, path) in rows(results) {
        insert
            .execute(rusqlite::params![
                gpkg_line(path),
                r.report.convoy_id,
                kind,
                number as i64,
                s.length_m,
                s.max_offset_m,
                s.start_time,
                s.end_time
            ])
            .map_err(sql_err)?;
    }
    Ok(())
}

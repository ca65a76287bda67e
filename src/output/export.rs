//! Exports: deviations and buffer-zone entries as CSV and GeoJSON (and, in
//! `field`, as KML, GeoPackage and FlatGeobuf; routes as KML and GPX),
//! incidents in the zone as CSV, the `check` report as JSON. Lon/lat degrees, metres,
//! RFC 3339 times; write them with [`crate::output::write::write_atomic`].

pub use super::field::{route_gpx, route_kml, stretches_fgb, stretches_gpkg, stretches_kml};

use crate::analysis::ConvoyResult;
use crate::analysis::incidents::IncidentInfo;
use crate::analysis::{ConvoyCheck, Stretch};
use crate::output::report::{ILLUSTRATIVE_NOTE, IncidentRow, Report, StretchEntry, round_deg};
use serde_json::{Value, json};

/// Header of the stretches CSV (`docs/layers.md`, "Exports").
pub const STRETCH_COLUMNS: [&str; 14] = [
    "convoy_id",
    "type",
    "number",
    "start_lon",
    "start_lat",
    "end_lon",
    "end_lat",
    "length_m",
    "max_offset_m",
    "start_time",
    "end_time",
    "corridor_ids",
    "start_mgrs",
    "end_mgrs",
];

/// One stretch as a row of the stretches CSV.
pub struct StretchCsvRow<'a> {
    pub convoy_id: &'a str,
    /// `deviation` or `buffer_zone_entry`.
    pub kind: &'static str,
    /// Its number among the convoy's stretches of that kind (from 1).
    pub number: usize,
    pub stretch: &'a Stretch,
    pub corridor_ids: Option<&'a [String]>,
}

/// Every deviation and zone entry of convoys checked, in order.
pub fn stretch_rows<'a>(
    checks: impl Iterator<Item = &'a ConvoyCheck>,
) -> impl Iterator<Item = StretchCsvRow<'a>> {
    checks.flat_map(|c| {
        let row = move |kind: &'static str| {
            move |(i, s): (usize, &'a Stretch)| StretchCsvRow {
                convoy_id: &c.convoy_id,
                kind,
                number: i + 1,
                stretch: s,
                corridor_ids: c.corridor_ids.as_deref(),
            }
        };
        let devs = c.deviations.iter().enumerate().map(row("deviation"));
        let zone = c
            .buffer_zone_entries
            .iter()
            .enumerate()
            .map(row("buffer_zone_entry"));
        devs.chain(zone)
    })
}

/// The last column of a CSV made from the bundled scenario.
pub const ILLUSTRATIVE_COLUMN: &str = "illustrative_data";

/// `cells`, and `note` after them when `illustrative`.
fn with_note<S: AsRef<str>>(cells: &[S], illustrative: bool, note: &str) -> Vec<String> {
    let mut v: Vec<String> = cells.iter().map(|c| c.as_ref().to_string()).collect();
    if illustrative {
        v.push(note.to_string());
    }
    v
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The stretches CSV: one row per deviation or zone entry (empty cells for
/// nulls), as `check --csv`, the app's export and the report's side file write it.
/// `illustrative`: made from the bundled scenario, every row ends with the
/// column `illustrative_data` saying so (a row copied elsewhere keeps it).
pub fn stretches_csv<'a>(
    rows: impl Iterator<Item = StretchCsvRow<'a>>,
    illustrative: bool,
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(with_note(
        &STRETCH_COLUMNS,
        illustrative,
        ILLUSTRATIVE_COLUMN,
    ));
    for r in rows {
        let s = StretchEntry::of(r.stretch);
        let cells = [
            r.convoy_id.to_string(),
            r.kind.to_string(),
            r.number.to_string(),
            s.start[0].to_string(),
            s.start[1].to_string(),
            s.end[0].to_string(),
            s.end[1].to_string(),
            s.length_m.to_string(),
            opt(s.max_offset_m),
            s.start_time.unwrap_or_default(),
            s.end_time.unwrap_or_default(),
            r.corridor_ids.map(|v| v.join(";")).unwrap_or_default(),
            crate::output::text::mgrs(r.stretch.start),
            crate::output::text::mgrs(r.stretch.end),
        ];
        let _ = w.write_record(with_note(&cells, illustrative, ILLUSTRATIVE_NOTE));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Every deviation and zone entry as a LineString feature with its
/// properties; `illustrative`: the collection says it is made from invented
/// data (a foreign member `illustrative`, RFC 7946 section 6.1).
pub fn stretches_geojson(results: &[ConvoyResult], illustrative: bool) -> String {
    let mut features = Vec::new();
    for r in results {
        let c = &r.report;
        let lists = [
            ("deviation", &c.deviations, &r.deviation_paths),
            ("buffer_zone_entry", &c.buffer_zone_entries, &r.zone_paths),
        ];
        for (kind, stretches, paths) in lists {
            for (i, (s, path)) in stretches.iter().zip(paths).enumerate() {
                let s = StretchEntry::of(s);
                let coords: Vec<Value> = path
                    .iter()
                    .map(|p| json!([round_deg(p.x), round_deg(p.y)]))
                    .collect();
                features.push(json!({
                    "type": "Feature",
                    "properties": {
                        "convoy_id": c.convoy_id,
                        "type": kind,
                        "number": i + 1,
                        "length_m": s.length_m,
                        "max_offset_m": s.max_offset_m,
                        "start_time": s.start_time,
                        "end_time": s.end_time,
                        "corridor_ids": c.corridor_ids,
                    },
                    "geometry": {"type": "LineString", "coordinates": coords},
                }));
            }
        }
    }
    let mut fc = crate::output::write::feature_collection(features);
    if let (true, Some(o)) = (illustrative, fc.as_object_mut()) {
        o.insert(
            "illustrative".into(),
            super::report::ILLUSTRATIVE_NOTE.into(),
        );
    }
    serde_json::to_string_pretty(&fc).unwrap_or_default()
}

/// Header of the incidents CSV (`docs/layers.md`, "Exports").
pub const INCIDENT_COLUMNS: [&str; 8] = [
    "id",
    "category",
    "time",
    "lon",
    "lat",
    "depth_m",
    "distance_to_contact_m",
    "mgrs",
];

/// The incidents CSV: one row per incident given (`check --incidents-csv`
/// and the report's side file give those inside the zone), with the report's
/// figures (`output::report::IncidentRow`) and the MGRS reference.
/// `illustrative`: as for [`stretches_csv`].
pub fn incidents_csv<'a>(
    incidents: impl Iterator<Item = &'a IncidentInfo>,
    illustrative: bool,
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(with_note(
        &INCIDENT_COLUMNS,
        illustrative,
        ILLUSTRATIVE_COLUMN,
    ));
    for i in incidents {
        let r = IncidentRow::of(i);
        let cells = [
            r.id,
            r.category,
            r.time,
            r.position[0].to_string(),
            r.position[1].to_string(),
            opt(r.depth_m),
            opt(r.distance_to_contact_m),
            crate::output::text::mgrs(i.pos),
        ];
        let _ = w.write_record(with_note(&cells, illustrative, ILLUSTRATIVE_NOTE));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The `check` report, pretty JSON.
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

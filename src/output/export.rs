//! Exports: deviations and buffer-zone entries as CSV and GeoJSON (and, in
//! `field`, as KML, GeoPackage and FlatGeobuf; routes as KML and GPX),
//! incidents in the zone as CSV, the `check` report as JSON. Lon/lat degrees, metres,
//! RFC 3339 times; write them with [`crate::output::write::write_atomic`].



pub use super::field::{route_gpx, route_kml, stretches_fgb, stretches_gpkg, stretches_kml};

use crate::analysis::ConvoyResult;
use crate::analysis::incidents::IncidentInfo;
use crate::output::report::{ConvoyReport, Report, Stretch, round_deg};
use serde_json::{Value, json};

/// Header of the stretches CSV.
pub const STRETCH_COLUMNS: [&str; 12] = [
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
];

fn each_stretch<'a>(
    reports: impl Iterator<Item = &'a ConvoyReport>,
) -> impl Iterator<Item = (&'a ConvoyReport, &'static str, usize, &'a Stretch)> {
    reports.flat_map(|c| {
        let devs = c
            .deviations
            .iter()
            .enumerate()
            .map(move |(i, s)| (c, "deviation", i + 1, s));
        let zone = c
            .buffer_zone_entries
            .iter()
            .enumerate()
            .map(move |(i, s)| (c, "buffer_zone_entry", i + 1, s));
        devs.chain(zone)
    })
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Every deviation and zone entry, one CSV row each (empty cells for nulls).
pub fn stretches_csv<'a>(reports: impl Iterator<Item = &'a ConvoyReport>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(STRETCH_COLUMNS);
    for (c, kind, n, s) in each_stretch(reports) {
        let _ = w.write_record([
            c.convoy_id.clone(),
            kind.to_string(),
            n.to_string(),
            s.start[0].to_string(),
            s.start[1].to_string(),
            s.end[0].to_string(),
            s.end[1].to_string(),
            s.length_m.to_string(),
            opt(s.max_offset_m),
            s.start_time.clone().unwrap_or_default(),
            s.end_time.clone().unwrap_or_default(),
            c.corridor_ids
                .as_ref()
                .map(|v| v.join(";"))
                .unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Every deviation and zone entry as a LineString feature with its properties.
pub fn stretches_geojson(results: &[ConvoyResult]) -> String {
    let mut features = Vec::new();
    for r in results {
        let c = &r.report;
        let lists = [
            ("deviation", &c.deviations, &r.deviation_paths),
            ("buffer_zone_entry", &c.buffer_zone_entries, &r.zone_paths),
        ];
        for (kind, stretches, paths) in lists {
            for (i, (s, path)) in stretches.iter().zip(paths).enumerate() {
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
    serde_json::to_string_pretty(&crate::output::write::feature_collection(features))
        .unwrap_or_default()
}

/// Incidents inside a buffer zone, one CSV row each.
pub fn incidents_csv(incidents: &[IncidentInfo]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "id",
        "category",
        "time",
        "lon",
        "lat",
        "depth_m",
        "contact_line_m",
    ]);
    for i in incidents.iter().filter(|i| i.inside) {
        let _ = w.write_record([
            i.id.clone(),
            i.category.clone(),
            i.time.clone(),
            round_deg(i.pos.x).to_string(),
            round_deg(i.pos.y).to_string(),
            crate::output::report::round_m(i.depth_m).to_string(),
            opt(i.contact_line_m.map(crate::output::report::round_m)),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The `check` report, pretty JSON.
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

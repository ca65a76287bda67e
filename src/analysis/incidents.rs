//! Incidents and the buffer zone: which are inside, how deep, how far from the
//! contact line. Distances in metres (geodesic), positions lon/lat.

use super::scenario::Scenario;
use crate::model::Role;
use geo::{Coord, Geometry};

/// An incident as the buffer-zone panel shows it.
#[derive(Clone, Debug)]
pub struct IncidentInfo {
    pub layer: usize,
    pub feature: usize,
    pub id: String,
    pub category: String,
    pub time: String,
    /// The start of the incident's time (Unix seconds).
    pub time_s: Option<f64>,
    /// The end of its period, exclusive: after `time_s` when the time is a
    /// date (a whole day) or a month; equal to it for an instant.
    pub time_end_s: Option<f64>,
    pub pos: Coord,
    pub inside: bool,
    /// Distance to the zone boundary when inside, metres.
    pub depth_m: f64,
    /// Distance to the nearest contact line, metres.
    pub contact_line_m: Option<f64>,
    /// Its sector of the zone, when inside (`analysis::sectors`).
    pub sector: Option<String>,
}

impl IncidentInfo {
    /// Whether the incident's time (an instant, or a whole day or month)
    /// meets the period `[from, to]`; an untimed one only an open period.
    pub fn in_period(&self, from: Option<f64>, to: Option<f64>) -> bool {
        match (self.time_s, self.time_end_s) {
            (Some(a), Some(b)) => {
                let meets_from = from.is_none_or(|f| if b > a { b > f } else { a >= f });
                meets_from && to.is_none_or(|e| a <= e)
            }
            _ => from.is_none() && to.is_none(),
        }
    }
}

/// Every incident of the scenario's layers, in layer and feature order
/// (sectors cut every `DEFAULT_SECTOR_KM` along the contact lines).
pub fn incidents(scn: &Scenario) -> Vec<IncidentInfo> {
    incidents_in(
        scn,
        &super::sectors::Sectors::of(&scn.layers, super::sectors::DEFAULT_SECTOR_KM),
    )
}

/// [`incidents`] with the zone cut into `sectors`.
pub fn incidents_in(scn: &Scenario, sectors: &super::sectors::Sectors) -> Vec<IncidentInfo> {
    let keep = |_: u32| true;
    let contact = |s: u32| scn.zone.shapes[s as usize].role == Role::ContactLine;
    let mut incidents = Vec::new();
    for (li, l) in scn.layers.iter().enumerate() {
        for (fi, f) in l.features.iter().enumerate() {
            let (Role::Incident, Some(Geometry::Point(p))) = (f.role, &f.geometry) else {
                continue;
            };
            let inside = scn.zone.contains(p.0, &keep);
            // The distance to the nearest contact line itself (not to its zone).
            let contact_line_m = scn.zone.line_distance_m(p.0, &contact);
            let time = f.prop_text("time").unwrap_or_default();
            let span = f.time_span;
            incidents.push(IncidentInfo {
                layer: li,
                feature: fi,
                id: f.id.clone().unwrap_or_else(|| f.label()),
                category: f
                    .prop_text("category")
                    .unwrap_or_else(|| "uncategorised".into()),
                time_s: span.map(|s| s.0),
                time_end_s: span.map(|s| s.1),
                time,
                pos: p.0,
                inside,
                depth_m: if inside { scn.zone.depth_m(p.0) } else { 0.0 },
                contact_line_m,
                sector: if inside { sectors.sector_of(p.0) } else { None },
            });
        }
    }
    incidents
}

//! Incidents and the buffer zone: which are inside, how deep, how far from the
//! contact line. Distances in metres (geodesic), positions lon/lat.

use super::scenario::Scenario;
use crate::io::time::parse_rfc3339;
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
    pub time_s: Option<f64>,
    pub pos: Coord,
    pub inside: bool,
    /// Distance to the zone boundary when inside, metres.
    pub depth_m: f64,
    /// Distance to the nearest contact line, metres.
    pub contact_line_m: Option<f64>,
}

/// Every incident of the scenario's layers, in layer and feature order.
pub fn incidents(scn: &Scenario) -> Vec<IncidentInfo> {
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
            incidents.push(IncidentInfo {
                layer: li,
                feature: fi,
                id: f.id.clone().unwrap_or_else(|| f.label()),
                category: f
                    .prop_text("category")
                    .unwrap_or_else(|| "uncategorised".into()),
                time_s: parse_rfc3339(&time).ok(),
                time,
                pos: p.0,
                inside,
                depth_m: if inside { scn.zone.depth_m(p.0) } else { 0.0 },
                contact_line_m,
            });
        }
    }
    incidents
}

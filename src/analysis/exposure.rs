//! Danger along a route (`docs/layers.md`, "Route exposure"): the incidents
//! of the layers within a reach of a planned route (geodesic, WGS 84) whose
//! time falls in the days before departure, nearest first, each with the leg
//! it is nearest to.

use crate::model::{Layer, Role};
use geo::Coord;

/// How far and how far back to look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exposure {
    /// Metres from the route.
    pub reach_m: f64,
    /// Days before departure.
    pub days: f64,
    /// Departure, Unix seconds.
    pub depart_s: f64,
}

impl Exposure {
    pub const DEFAULT_REACH_M: f64 = 5_000.0;
    pub const DEFAULT_DAYS: f64 = 7.0;

    /// The period looked at: the `days` before departure.
    pub fn period(&self) -> (f64, f64) {
        (self.depart_s - self.days * 86_400.0, self.depart_s)
    }
}

/// An incident near the route.
#[derive(Clone, Debug, PartialEq)]
pub struct NearIncident {
    /// (layer, feature) in the layers given.
    pub at_feature: (usize, usize),
    pub id: Option<String>,
    pub category: Option<String>,
    /// Its `time` as written.
    pub time: Option<String>,
    /// The start of its period, Unix seconds.
    pub time_s: f64,
    pub position: Coord,
    /// Geodesic distance to the route, metres.
    pub distance_m: f64,
    /// The leg (from 0) it is nearest to.
    pub leg: usize,
    pub fatalities: Option<f64>,
}

/// The incidents of `layers` within `e.reach_m` of the route through
/// `waypoints` and in `e`'s period (an undated incident is in no period),
/// nearest first.
pub fn near_route(layers: &[Layer], waypoints: &[Coord], e: &Exposure) -> Vec<NearIncident> {
    let mut out = Vec::new();
    if waypoints.len() < 2 || e.reach_m.is_nan() || e.reach_m < 0.0 {
        return out;
    }
    let (from, to) = e.period();
    // A box around each leg, widened by the reach (degrees of latitude are
    // at least 110.5 km; of longitude, scaled at the leg's highest latitude).
    let boxes: Vec<[f64; 4]> = waypoints
        .windows(2)
        .map(|w| {
            let dlat = e.reach_m / 110_000.0;
            let lat = w[0].y.abs().max(w[1].y.abs()) + dlat;
            let dlon = e.reach_m / (111_000.0 * lat.to_radians().cos().max(0.01));
            [
                w[0].x.min(w[1].x) - dlon,
                w[0].y.min(w[1].y) - dlat,
                w[0].x.max(w[1].x) + dlon,
                w[0].y.max(w[1].y) + dlat,
            ]
        })
        .collect();
    for (li, l) in layers.iter().enumerate() {
        for (fi, f) in l.features.iter().enumerate() {
            if f.role != Role::Incident {
                continue;
            }
            let Some(geo::Geometry::Point(p)) = &f.geometry else {
                continue;
            };
            let Some((a, b)) = f.time_span else { continue };
            let inside = if b > a {
                b > from && a <= to
            } else {
                a >= from && a <= to
            };
            if !inside {
                continue;
            }
            let p = p.0;
            let mut best: Option<(f64, usize)> = None;
            for (k, w) in waypoints.windows(2).enumerate() {
                let bx = boxes[k];
                if p.x < bx[0] || p.x > bx[2] || p.y < bx[1] || p.y > bx[3] {
                    continue;
                }
                let d = crate::geodesy::point_segment_distance_m(p, w[0], w[1]);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, k));
                }
            }
            let Some((d, leg)) = best.filter(|(d, _)| *d <= e.reach_m) else {
                continue;
            };
            out.push(NearIncident {
                at_feature: (li, fi),
                id: f.id.clone(),
                category: f.prop_text("category"),
                time: f.prop_text("time"),
                time_s: a,
                position: p,
                distance_m: d,
                leg,
                fatalities: f.prop_f64("fatalities"),
            });
        }
    }
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    out
}

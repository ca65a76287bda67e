//! Where a trip ends: a convoy whose report says it arrived, or that stopped
//! at an end of one of its corridors, a grain lane or a planned route, has
//! finished its trip and is not silent.

use crate::model::{Feature, Layer, Role};
use geo::Coord;

/// Whether a track feature or report says the convoy has arrived
/// (`status: arrived`, any case).
pub fn says_arrived(f: &Feature) -> bool {
    f.prop_str("status")
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("arrived"))
}

/// One end of a corridor, grain lane or planned route, and how near counts as there.
#[derive(Clone, Debug)]
pub struct Destination {
    pub at: Coord,
    pub reach_m: f64,
    /// The corridor's id (a convoy approved for other corridors has not arrived here).
    pub id: Option<String>,
    pub role: Role,
}

/// Both ends of every line of every corridor, grain lane and route of `layers`.
pub fn destinations(layers: &[Layer]) -> Vec<Destination> {
    let mut out = Vec::new();
    for f in layers.iter().flat_map(|l| &l.features) {
        let reach_m = match f.role {
            Role::Corridor | Role::GrainRoute => f.reach_m(f.role),
            Role::Route => 1_000.0,
            _ => continue,
        };
        let lines: Vec<&geo::LineString<f64>> = match &f.geometry {
            Some(geo::Geometry::LineString(l)) => vec![l],
            Some(geo::Geometry::MultiLineString(m)) => m.0.iter().collect(),
            _ => continue,
        };
        for l in lines {
            for at in [l.0.first(), l.0.last()].into_iter().flatten() {
                out.push(Destination {
                    at: *at,
                    reach_m,
                    id: f.id.clone(),
                    role: f.role,
                });
            }
        }
    }
    out
}

/// Whether `at` is at the end of a corridor the convoy is approved for (any,
/// when it names none), a grain lane or a route.
pub fn at_destination(
    destinations: &[Destination],
    at: Coord,
    corridor_ids: Option<&[String]>,
) -> bool {
    destinations.iter().any(|d| {
        let approved = match (d.role, corridor_ids, &d.id) {
            (Role::Route, _, _) | (_, None, _) => true,
            (_, Some(ids), Some(id)) => ids.iter().any(|i| i == id),
            (_, Some(_), None) => false,
        };
        approved && crate::geodesy::fast_distance_m(at, d.at) <= d.reach_m
    })
}

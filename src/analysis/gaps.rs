//! AIS gaps: a vessel inside a grain lane that stops reporting for longer
//! than a threshold. Going dark in the corridor is what monitors look for.
//!
//! Between two consecutive timed reports of one track part, a silence longer
//! than `gap_s` seconds is a gap when the report before it lies inside a grain
//! lane (`grain_route`, within its `tolerance_m`). A gap is reported with where
//! and when the vessel went silent and reappeared.

use super::result::Gap;
use super::scenario::Scenario;
use super::stretches::{DensePart, Mode, find_stretches};
use crate::model::{Convoy, Role};

/// `--ais-gap-min` by default: 30 minutes.
pub const DEFAULT_GAP_S: f64 = 1800.0;

/// Whether some part of the convoy's track comes within a grain lane (a
/// vertex inside one, or an edge through one).
pub fn uses_a_lane(scn: &Scenario, convoy: &Convoy) -> bool {
    let idx = &scn.allowed;
    let in_lane = |s: u32| idx.shapes[s as usize].role == Role::GrainRoute;
    if !idx.shapes.iter().any(|s| s.role == Role::GrainRoute) {
        return false;
    }
    let parts = &convoy.parts;
    parts
        .iter()
        .any(|p| p.coords.iter().any(|&c| idx.contains(c, &in_lane)))
        || parts.iter().any(|p| {
            let dense = DensePart::new(p);
            !find_stretches(&dense, idx, &in_lane, Mode::Inside).is_empty()
        })
}

/// Every silence of more than `gap_s` seconds that starts inside a grain lane.
pub fn silences_in_lanes(scn: &Scenario, convoy: &Convoy, gap_s: f64) -> Vec<Gap> {
    if gap_s.is_nan() || gap_s <= 0.0 {
        return Vec::new();
    }
    let idx = &scn.allowed;
    let in_lane = |s: u32| idx.shapes[s as usize].role == Role::GrainRoute;
    if !idx.shapes.iter().any(|s| s.role == Role::GrainRoute) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in &convoy.parts {
        let timed: Vec<(f64, geo::Coord)> = part
            .times
            .iter()
            .zip(&part.coords)
            .filter_map(|(t, c)| t.map(|t| (t, *c)))
            .collect();
        for w in timed.windows(2) {
            let ((t0, a), (t1, b)) = (w[0], w[1]);
            if t1 - t0 > gap_s && idx.contains(a, &in_lane) {
                out.push(Gap {
                    start: a,
                    end: b,
                    start_s: t0,
                    end_s: t1,
                });
            }
        }
    }
    out
}

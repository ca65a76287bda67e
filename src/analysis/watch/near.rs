//! Incidents near a position in time and space (the `near_incident` rule):
//! timed incidents in an R-tree, asked for those within a distance (Karney's
//! geodesic, through `SpatialIndex::within_m`) that were reported in a window
//! of hours before a report.

use crate::index::{IndexItem, SpatialIndex};
use crate::model::{FeatureRef, Layer, Role};
use geo::{Coord, Geometry};

/// The incidents of a layer set, indexed for the rule.
pub struct NearIncidents {
    window_s: f64,
    index: SpatialIndex,
    /// Per shape of the index: the incident's id and time (Unix seconds).
    incidents: Vec<(String, f64)>,
    /// Incidents without a readable time (never "recent": not indexed).
    untimed: usize,
}

impl NearIncidents {
    /// The timed incidents of `layers`, recent for `window_h` hours after each.
    pub fn new(layers: &[Layer], window_h: f64) -> NearIncidents {
        let mut incidents = Vec::new();
        let mut untimed = 0;
        let mut items = Vec::new();
        for (li, l) in layers.iter().enumerate() {
            for (fi, f) in l.features.iter().enumerate() {
                let (Role::Incident, Some(g @ Geometry::Point(_))) = (f.role, &f.geometry) else {
                    continue;
                };
                // An instant (a date or a month has no time to be recent from).
                let time = f.time_span.filter(|(a, b)| a == b).map(|(a, _)| a);
                let Some(t) = time else {
                    untimed += 1;
                    continue;
                };
                incidents.push((f.id.clone().unwrap_or_else(|| f.label()), t));
                items.push(IndexItem {
                    feature: FeatureRef {
                        layer: li as u32,
                        feature: fi as u32,
                    },
                    role: Role::Incident,
                    reach_m: 0.0,
                    geometry: g,
                });
            }
        }
        NearIncidents {
            window_s: window_h * 3600.0,
            index: SpatialIndex::build(items),
            incidents,
            untimed,
        }
    }

    /// Timed incidents watched.
    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// Incidents left out for want of a time.
    pub fn untimed(&self) -> usize {
        self.untimed
    }

    /// Incidents within `radius_m` of `at` reported in the window up to
    /// `time` (not after it: a replay must not see the future), nearest first:
    /// (id, distance in metres).
    pub fn near(&self, at: Coord, time: f64, radius_m: f64) -> Vec<(&str, f64)> {
        if self.is_empty() {
            return Vec::new();
        }
        self.index
            .within_m(at, radius_m)
            .into_iter()
            .filter_map(|(shape, d)| {
                let (id, t) = self.incidents.get(shape as usize)?;
                (*t <= time && time - *t <= self.window_s).then_some((id.as_str(), d))
            })
            .collect()
    }
}

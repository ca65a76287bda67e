//! A planned route checked leg by leg against the corridors and the buffer zone.
//!
//! A route is a list of waypoints (lon/lat degrees); each leg is the geodesic
//! between two waypoints, checked exactly as a convoy track is (see
//! `docs/layers.md`, "Deviation"): where it leaves the allowed area, how far,
//! and where it enters a buffer zone. Lengths in metres, speeds in km/h.
//!
//! ```
//! use corridor_watch::analysis::{Scenario, route::check_route};
//! use geo::Coord;
//! let scn = Scenario::new(Vec::new());
//! let legs = check_route(&scn, &[Coord { x: 30.0, y: 50.0 }, Coord { x: 30.1, y: 50.0 }], None);
//! assert_eq!(legs.legs.len(), 1);
//! assert!(!legs.legs[0].in_corridor()); // no corridor loaded: the leg leaves it
//! ```

use super::{CheckOptions, Scenario, check_convoy_with_paths};
use crate::analysis::Stretch;
use crate::model::{Convoy, TrackPart};
use geo::Coord;

/// One leg's answer.
#[derive(Clone, Debug, Default)]
pub struct LegCheck {
    /// Geodesic length of the leg, metres.
    pub length_m: f64,
    /// Stretches of the leg outside the allowed area.
    pub deviations: Vec<Stretch>,
    /// Stretches of the leg inside a buffer zone.
    pub zone_entries: Vec<Stretch>,
    /// Lon/lat path of each deviation (for drawing).
    pub deviation_paths: Vec<Vec<Coord>>,
    /// Lon/lat path of each zone entry (for drawing).
    pub zone_paths: Vec<Vec<Coord>>,
}

impl LegCheck {
    /// Whether the whole leg stays inside an approved corridor.
    pub fn in_corridor(&self) -> bool {
        self.deviations.is_empty()
    }

    /// Length of the leg outside the allowed area, metres.
    pub fn outside_m(&self) -> f64 {
        self.deviations.iter().map(|s| s.length_m).sum()
    }

    /// The farthest the leg gets from the allowed area, metres (`None` when
    /// the leg is inside, or there is no allowed area to measure to).
    pub fn max_offset_m(&self) -> Option<f64> {
        self.deviations
            .iter()
            .filter_map(|s| s.max_offset_m)
            .reduce(f64::max)
    }

    /// Length of the leg inside a buffer zone, metres.
    pub fn zone_m(&self) -> f64 {
        self.zone_entries.iter().map(|s| s.length_m).sum()
    }
}

/// Every leg of a route.
#[derive(Clone, Debug, Default)]
pub struct RouteCheck {
    pub legs: Vec<LegCheck>,
    /// Warnings (e.g. a corridor id that names no loaded corridor).
    pub warnings: Vec<String>,
}

impl RouteCheck {
    pub fn length_m(&self) -> f64 {
        self.legs.iter().map(|l| l.length_m).sum()
    }

    pub fn outside_m(&self) -> f64 {
        self.legs.iter().map(LegCheck::outside_m).sum()
    }

    pub fn zone_m(&self) -> f64 {
        self.legs.iter().map(LegCheck::zone_m).sum()
    }

    pub fn all_in_corridor(&self) -> bool {
        self.legs.iter().all(LegCheck::in_corridor)
    }

    /// Travel time at `speed_kmh`, seconds (`None` for a speed that is not positive).
    pub fn eta_s(&self, speed_kmh: f64) -> Option<f64> {
        (speed_kmh.is_finite() && speed_kmh > 0.0).then(|| self.length_m() / (speed_kmh / 3.6))
    }
}

/// Checks each leg of `waypoints` against the corridors named by
/// `corridor_ids` (`None`: every corridor and grain route) and the buffer zones.
pub fn check_route(
    scn: &Scenario,
    waypoints: &[Coord],
    corridor_ids: Option<&[String]>,
) -> RouteCheck {
    let mut out = RouteCheck::default();
    let opts = CheckOptions::default();
    for (i, w) in waypoints.windows(2).enumerate() {
        let convoy = Convoy {
            convoy_id: format!("leg {}", i + 1),
            corridor_ids: corridor_ids.map(<[String]>::to_vec),
            parts: vec![TrackPart {
                coords: vec![w[0], w[1]],
                times: vec![None, None],
            }],
            warnings: Vec::new(),
            ..Default::default()
        };
        let r = check_convoy_with_paths(scn, &convoy, &opts);
        if i == 0 {
            out.warnings = r.report.warnings.clone();
        }
        out.legs.push(LegCheck {
            length_m: crate::geodesy::distance_m(w[0], w[1]),
            deviations: r.report.deviations,
            zone_entries: r.report.buffer_zone_entries,
            deviation_paths: r.deviation_paths,
            zone_paths: r.zone_paths,
        });
    }
    out
}

/// Ids of the corridors and grain routes whose areas the route passes through,
/// in the order it meets them (sampled every kilometre along each leg).
pub fn corridors_used(scn: &Scenario, waypoints: &[Coord]) -> Vec<String> {
    use crate::index::{PieceKind, SpatialIndex, box_around};
    let idx = &scn.allowed;
    let mut out: Vec<String> = Vec::new();
    for p in crate::geodesy::densify_line(waypoints, 1_000.0) {
        let env = box_around(p, 0.0);
        let mut here: Vec<u32> = idx
            .pieces_in(&env)
            .filter(|(_, pc)| {
                pc.kind == PieceKind::Line
                    && SpatialIndex::piece_distance_m(pc, p)
                        <= idx.shapes[pc.shape as usize].reach_m
            })
            .map(|(_, pc)| pc.shape)
            .collect();
        here.extend(
            idx.polygon_shapes_in(&env)
                .filter(|&s| idx.contains(p, &|t| t == s)),
        );
        here.sort_unstable();
        here.dedup();
        for s in here {
            let sh = &idx.shapes[s as usize];
            let f = &scn.layers[sh.feature.layer as usize].features[sh.feature.feature as usize];
            let id = f.id.clone().unwrap_or_else(|| f.label());
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_bytes;

    fn scenario() -> Scenario {
        // One corridor along the parallel 50 N from 30 E to 31 E, 1 km wide each side.
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"kind":"corridor","id":"C1","tolerance_m":1000},
           "geometry":{"type":"LineString","coordinates":[[30,50],[30.5,50],[31,50]]}}]}"#;
        Scenario::new(vec![
            read_bytes("t.geojson", text.as_bytes()).expect("fixture"),
        ])
    }

    #[test]
    fn a_leg_along_the_corridor_is_inside_and_a_leg_off_it_is_not() {
        let scn = scenario();
        let wps = [
            Coord { x: 30.1, y: 50.0 },
            Coord { x: 30.4, y: 50.0 },
            Coord { x: 30.4, y: 50.1 },
        ];
        let r = check_route(&scn, &wps, None);
        assert_eq!(r.legs.len(), 2);
        assert!(r.legs[0].in_corridor());
        assert!(!r.legs[1].in_corridor());
        // The second leg runs 0.1 degree north (about 11.1 km) from the centreline
        // (a geodesic, bowing a few metres north of the parallel): its end is farthest.
        let end_to_centreline = crate::geodesy::point_segment_distance_m(
            wps[2],
            Coord { x: 30.0, y: 50.0 },
            Coord { x: 30.5, y: 50.0 },
        );
        let off = r.legs[1].max_offset_m().expect("an offset");
        assert!((off - (end_to_centreline - 1000.0)).abs() < 1.0, "{off}");
        assert!((r.legs[1].outside_m() - off).abs() < 30.0);
        // 0.3 degree of longitude at 50 N is about 21.5 km.
        assert!(
            (r.legs[0].length_m - 21_505.0).abs() < 50.0,
            "{}",
            r.legs[0].length_m
        );
        assert!(!r.all_in_corridor());
        assert_eq!(corridors_used(&scn, &wps), vec!["C1".to_string()]);
        assert!(corridors_used(&scn, &wps[2..]).is_empty());
    }

    #[test]
    fn eta_at_a_speed() {
        let r = RouteCheck {
            legs: vec![LegCheck {
                length_m: 120_000.0,
                ..Default::default()
            }],
            warnings: Vec::new(),
        };
        assert_eq!(r.eta_s(40.0), Some(10_800.0));
        assert_eq!(r.eta_s(0.0), None);
    }
}

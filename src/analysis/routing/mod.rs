//! "Route along corridors": the shortest path through the corridor network.
//!
//! The network is the centrelines of the line corridors and grain routes
//! (densified to the index's 2-km pieces). Two centrelines are joined wherever a
//! vertex of one comes within the sum of both tolerances of the other (their
//! areas overlap there, so a convoy can pass from one to the other without
//! leaving an approved area); lines sharing a vertex are joined there. The start
//! and the end are joined to the nearest point of the network by an access leg
//! (which is outside every corridor if the point is). Lengths are geodesic metres.
//! Corridors given as polygons have no centreline and are not part of the network.
//!
//! ```
//! use corridor_watch::analysis::{Scenario, routing::plan_route};
//! use corridor_watch::io::read_bytes;
//! use geo::Coord;
//! let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
//!   "properties":{"kind":"corridor","id":"A"},
//!   "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#;
//! let scn = Scenario::new(vec![read_bytes("a.geojson", text.as_bytes()).unwrap()]);
//! let r = plan_route(&scn, Coord { x: 30.0, y: 50.0 }, Coord { x: 31.0, y: 50.0 }, None).unwrap();
//! assert_eq!(r.corridor_ids, vec!["A".to_string()]);
//! assert!((r.length_m - 71_687.0).abs() < 100.0);
//! ```

mod network;

use super::scenario::Scenario;
use crate::geodesy::{closest_on_segment_m, distance_m};
use crate::index::{PieceKind, box_around};
use geo::Coord;
use network::{BRIDGE_COST, Builder, add_bridges, build_graph, junctions, lerp};
use petgraph::graph::NodeIndex;

/// A planned path through the corridor network.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRoute {
    /// Waypoints, lon/lat: the start, the centreline vertices and junctions, the end.
    pub waypoints: Vec<Coord>,
    /// Corridor and grain-route ids used, in the order the path meets them.
    pub corridor_ids: Vec<String>,
    /// Geodesic length of the whole path, metres.
    pub length_m: f64,
    /// Length of the access legs from the start and to the end onto the network, metres.
    pub access_m: [f64; 2],
    /// Where the route leaves the corridors to reach another one (only from
    /// [`plan_route_bridging`] when no corridor path exists): from, to, metres.
    pub gaps: Vec<(Coord, Coord, f64)>,
}

/// Why no path could be planned.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RouteError {
    #[error("no corridor with a centreline is loaded (polygon corridors have none)")]
    NoNetwork,
    #[error(
        "no corridor path joins the start and the end: the corridor nearest the start ({from}) and the one nearest the end ({to}) are not connected within their tolerances"
    )]
    NoPath { from: String, to: String },
    #[error("the start or end is not a valid lon/lat position")]
    BadPoint,
}

fn nearest_piece(
    scn: &Scenario,
    p: Coord,
    usable: &dyn Fn(u32) -> bool,
) -> Option<(u32, f64, f64)> {
    let mut radius_m = 5_000.0;
    while radius_m <= 40_000_000.0 {
        let best = scn
            .allowed
            .pieces_in(&box_around(p, radius_m))
            .filter(|(_, pc)| pc.kind == PieceKind::Line && usable(pc.shape))
            .map(|(id, pc)| {
                let (_, t) = closest_on_segment_m(p, pc.a, pc.b);
                (id, t, distance_m(p, lerp(pc.a, pc.b, t)))
            })
            .filter(|x| x.2.is_finite())
            .min_by(|a, b| a.2.total_cmp(&b.2));
        if let Some(b) = best
            && b.2 <= radius_m
        {
            return Some(b);
        }
        radius_m *= 4.0;
    }
    None
}

fn shape_label(scn: &Scenario, shape: u32) -> String {
    let s = &scn.allowed.shapes[shape as usize];
    let f = &scn.layers[s.feature.layer as usize].features[s.feature.feature as usize];
    f.id.clone().unwrap_or_else(|| f.label())
}

/// The shortest path from `from` to `to` through the network of the corridors
/// named by `corridor_ids` (`None`: every corridor and grain route).
pub fn plan_route(
    scn: &Scenario,
    from: Coord,
    to: Coord,
    corridor_ids: Option<&[String]>,
) -> Result<PlannedRoute, RouteError> {
    plan(scn, from, to, corridor_ids, false)
}

/// As [`plan_route`]; when the corridors nearest the start and the end do
/// not meet, the route with the least distance off the corridors instead,
/// its off-corridor legs in `gaps`.
pub fn plan_route_bridging(
    scn: &Scenario,
    from: Coord,
    to: Coord,
    corridor_ids: Option<&[String]>,
) -> Result<PlannedRoute, RouteError> {
    plan(scn, from, to, corridor_ids, true)
}

fn plan(
    scn: &Scenario,
    from: Coord,
    to: Coord,
    corridor_ids: Option<&[String]>,
    bridging: bool,
) -> Result<PlannedRoute, RouteError> {
    let ok = |c: Coord| c.x.is_finite() && c.y.is_finite() && c.y.abs() <= 90.0;
    if !ok(from) || !ok(to) {
        return Err(RouteError::BadPoint);
    }
    let mask = scn.allowed_mask(corridor_ids, &mut Vec::new());
    let usable = |s: u32| mask.get(s as usize).copied().unwrap_or(false);
    let idx = &scn.allowed;
    let (Some(snap_from), Some(snap_to)) = (
        nearest_piece(scn, from, &usable),
        nearest_piece(scn, to, &usable),
    ) else {
        return Err(RouteError::NoNetwork);
    };

    let (mut splits, links) = junctions(idx, &usable);
    let from_at = {
        let pc = &idx.pieces[snap_from.0 as usize];
        lerp(pc.a, pc.b, snap_from.1)
    };
    let to_at = {
        let pc = &idx.pieces[snap_to.0 as usize];
        lerp(pc.a, pc.b, snap_to.1)
    };
    splits
        .entry(snap_from.0)
        .or_default()
        .push((snap_from.1, from_at));
    splits
        .entry(snap_to.0)
        .or_default()
        .push((snap_to.1, to_at));

    let mut b = build_graph(idx, &usable, &mut splits, links);
    let (start, goal) = (b.node(from_at), b.node(to_at));
    let search = |b: &Builder| {
        petgraph::algo::astar(
            &b.graph,
            start,
            |n| n == goal,
            |e| {
                let w = e.weight();
                if w.bridge {
                    w.length_m * BRIDGE_COST
                } else {
                    w.length_m
                }
            },
            |_| 0.0,
        )
    };
    let mut found = search(&b);
    if found.is_none() && bridging {
        add_bridges(&mut b);
        found = search(&b);
    }
    let Some((_, path)) = found else {
        return Err(RouteError::NoPath {
            from: shape_label(scn, idx.pieces[snap_from.0 as usize].shape),
            to: shape_label(scn, idx.pieces[snap_to.0 as usize].shape),
        });
    };
    let mut net_m = 0.0;
    let mut gaps = Vec::new();
    for w in path.windows(2) {
        if let Some(e) = b
            .graph
            .edges_connecting(w[0], w[1])
            .min_by(|x, y| x.weight().length_m.total_cmp(&y.weight().length_m))
        {
            net_m += e.weight().length_m;
            if e.weight().bridge {
                gaps.push((b.graph[w[0]], b.graph[w[1]], e.weight().length_m));
            }
        }
    }

    let (points, corridor_ids, min_reach_m) = path_points(scn, &b, &path, from, to);
    // Fewer waypoints: drop vertices within a quarter of the narrowest reach
    // (at most 100 m) of the geodesic that replaces them.
    let tol_m = (0.25 * min_reach_m).clamp(1.0, 100.0);
    let waypoints = simplify_keeping(&points, tol_m);
    let access_m = [snap_from.2, snap_to.2];
    Ok(PlannedRoute {
        length_m: net_m + access_m[0] + access_m[1],
        waypoints,
        corridor_ids,
        access_m,
        gaps,
    })
}

/// The path's points, each with whether it must stay (ends, junctions,
/// corridor changes); the corridors it runs along; the narrowest reach used.
fn path_points(
    scn: &Scenario,
    b: &Builder,
    path: &[NodeIndex],
    from: Coord,
    to: Coord,
) -> (Vec<(Coord, bool)>, Vec<String>, f64) {
    let idx = &scn.allowed;
    let mut corridor_ids: Vec<String> = Vec::new();
    let mut points: Vec<(Coord, bool)> = vec![(from, true)];
    let mut min_reach_m = f64::INFINITY;
    for (i, n) in path.iter().enumerate() {
        let c = b.graph[*n];
        let edge_shape = |a: NodeIndex, z: NodeIndex| {
            b.graph
                .edges_connecting(a, z)
                .min_by(|x, y| x.weight().length_m.total_cmp(&y.weight().length_m))
                .and_then(|e| e.weight().shape)
        };
        let before = (i > 0).then(|| edge_shape(path[i - 1], *n)).flatten();
        let after = path.get(i + 1).and_then(|z| edge_shape(*n, *z));
        if let Some(s) = after {
            min_reach_m = min_reach_m.min(idx.shapes[s as usize].reach_m);
            let label = shape_label(scn, s);
            if !corridor_ids.contains(&label) {
                corridor_ids.push(label);
            }
        }
        let must = i == 0 || i + 1 == path.len() || before != after || before.is_none();
        if points.last().map(|p| p.0) != Some(c) {
            points.push((c, must));
        } else if let Some(last) = points.last_mut() {
            last.1 |= must;
        }
    }
    if points.last().map(|p| p.0) != Some(to) {
        points.push((to, true));
    }
    if let Some(last) = points.last_mut() {
        last.1 = true;
    }
    (points, corridor_ids, min_reach_m)
}

/// Douglas-Peucker on geodesics between the points marked to stay: a dropped
/// vertex is within `tol_m` metres of the geodesic that replaces it.
fn simplify_keeping(points: &[(Coord, bool)], tol_m: f64) -> Vec<Coord> {
    fn dp(pts: &[(Coord, bool)], tol_m: f64, keep: &mut [bool], lo: usize, hi: usize) {
        if hi <= lo + 1 {
            return;
        }
        let (a, b) = (pts[lo].0, pts[hi].0);
        let mut worst = (0.0, lo);
        for (k, p) in pts.iter().enumerate().take(hi).skip(lo + 1) {
            let d = crate::geodesy::point_segment_distance_m(p.0, a, b);
            if d > worst.0 {
                worst = (d, k);
            }
        }
        if worst.0 > tol_m {
            keep[worst.1] = true;
            dp(pts, tol_m, keep, lo, worst.1);
            dp(pts, tol_m, keep, worst.1, hi);
        }
    }
    let mut keep: Vec<bool> = points.iter().map(|p| p.1).collect();
    let anchors: Vec<usize> = (0..points.len()).filter(|&i| points[i].1).collect();
    for w in anchors.windows(2) {
        dp(points, tol_m, &mut keep, w[0], w[1]);
    }
    points
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| p.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_bytes;

    fn scn(text: &str) -> Scenario {
        Scenario::new(vec![
            read_bytes("t.geojson", text.as_bytes()).expect("fixture"),
        ])
    }

    // A runs east along 50 N; B runs north from A's middle; C is far away, alone.
    const NET: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"A"},
       "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}},
      {"type":"Feature","properties":{"kind":"corridor","id":"B","tolerance_m":500},
       "geometry":{"type":"LineString","coordinates":[[30.5,50.005],[30.5,51]]}},
      {"type":"Feature","properties":{"kind":"corridor","id":"C"},
       "geometry":{"type":"LineString","coordinates":[[35,45],[35.5,45]]}}]}"#;

    /// Plans from (lon, lat) to (lon, lat).
    fn plan(
        s: &Scenario,
        from: (f64, f64),
        to: (f64, f64),
        ids: Option<&[String]>,
    ) -> Result<PlannedRoute, RouteError> {
        let c = |p: (f64, f64)| Coord { x: p.0, y: p.1 };
        plan_route(s, c(from), c(to), ids)
    }

    #[test]
    fn turns_from_one_corridor_into_another_where_they_meet() {
        let s = scn(NET);
        let r = plan(&s, (30.0, 50.0), (30.5, 51.0), None).expect("a path");
        assert_eq!(r.corridor_ids, vec!["A".to_string(), "B".to_string()]);
        // Half of A (about 35.8 km) plus B (about 110.6 km) plus the 556-m gap.
        let expect = distance_m(Coord { x: 30.0, y: 50.0 }, Coord { x: 30.5, y: 50.0 })
            + distance_m(Coord { x: 30.5, y: 50.005 }, Coord { x: 30.5, y: 51.0 })
            + distance_m(Coord { x: 30.5, y: 50.0 }, Coord { x: 30.5, y: 50.005 });
        // Junction links may cut the corner across the overlap of the two areas.
        assert!(
            r.length_m <= expect + 1.0 && r.length_m > expect - 500.0,
            "{} vs {expect}",
            r.length_m
        );
        // The route is a few waypoints, not the 2-km densification.
        assert!(r.waypoints.len() <= 6, "{:?}", r.waypoints);
        // Every leg of it stays inside the corridors.
        let legs = super::super::route::check_route(&s, &r.waypoints, None);
        assert!(legs.all_in_corridor(), "{:?}", legs.legs);
    }

    #[test]
    fn bridging_leaves_the_corridors_for_the_shortest_gap() {
        let s = scn(NET);
        let r = plan_route_bridging(
            &s,
            Coord { x: 30.0, y: 50.0 },
            Coord { x: 35.5, y: 45.0 },
            None,
        )
        .expect("a route with a gap");
        assert_eq!(r.gaps.len(), 1, "{:?}", r.gaps);
        let (a, b, m) = r.gaps[0];
        // The gap is a geodesic between the two networks' nearest nodes.
        assert!((m - distance_m(a, b)).abs() < 1e-6);
        assert!(
            (b.x - 35.0).abs() < 1e-9 && (b.y - 45.0).abs() < 1e-9,
            "{b:?}"
        );
        assert!(r.length_m > m);
        // Without bridging it is still refused.
        assert!(
            plan_route(
                &s,
                Coord { x: 30.0, y: 50.0 },
                Coord { x: 35.5, y: 45.0 },
                None
            )
            .is_err()
        );
    }

    #[test]
    fn says_so_when_no_corridor_path_exists() {
        let s = scn(NET);
        let e = plan(&s, (30.0, 50.0), (35.5, 45.0), None).expect_err("no path");
        assert_eq!(
            e,
            RouteError::NoPath {
                from: "A".into(),
                to: "C".into()
            }
        );
        assert!(e.to_string().contains("no corridor path"));
    }

    #[test]
    fn keeps_to_the_allowed_corridors() {
        let s = scn(NET);
        let only_a = vec!["A".to_string()];
        let r = plan(&s, (30.0, 50.0), (30.5, 51.0), Some(&only_a)).expect("snaps to A");
        // B is not allowed: the path goes along A and a long access leg north.
        assert_eq!(r.corridor_ids, vec!["A".to_string()]);
        assert!(r.access_m[1] > 100_000.0);
    }

    #[test]
    fn no_corridors_is_a_clear_error() {
        let s = Scenario::new(Vec::new());
        assert_eq!(
            plan_route(&s, Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 }, None),
            Err(RouteError::NoNetwork)
        );
    }
}

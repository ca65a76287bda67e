//! Buffer-zone outlines for drawing and export: every point within the reach
//! (`width_km`/2) of a contact line, as lon/lat polygons.
//!
//! Each densified piece of the line becomes a geodesic capsule (offsets and
//! round caps from Karney's direct solution, a vertex every 2 degrees of arc, so
//! the chords stay within ~2.3 m of the true 15-km circle), and the capsules are
//! unioned. Membership tests never use this outline: they use the exact
//! distance to the line (see `index`).

use crate::geodesy::{destination, inverse_m};
use crate::index::{PieceKind, SpatialIndex};
use geo::{Coord, LineString, MultiPolygon, Polygon};

const ARC_STEP_DEG: f64 = 2.0;

fn arc(centre: Coord, from_deg: f64, to_deg: f64, r_m: f64, out: &mut Vec<Coord>) {
    let steps = ((to_deg - from_deg).abs() / ARC_STEP_DEG).ceil().max(1.0) as usize;
    for k in 0..=steps {
        let az = from_deg + (to_deg - from_deg) * k as f64 / steps as f64;
        out.push(destination(centre, az, r_m));
    }
}

/// The capsule of radius `r_m` around the geodesic `a`-`b`, counter-clockwise.
pub fn capsule(a: Coord, b: Coord, r_m: f64) -> Polygon<f64> {
    let mut ring = Vec::new();
    let (s12, azi1) = inverse_m(a, b);
    if s12 < 1e-3 {
        arc(a, 0.0, 360.0, r_m, &mut ring);
    } else {
        // Forward azimuth at b, from the reverse direction.
        let (_, back) = inverse_m(b, a);
        let azi2 = back + 180.0;
        // Clockwise in azimuth: left of a, left of b, round the front, right side, round the back.
        arc(b, azi2 - 90.0, azi2 + 90.0, r_m, &mut ring);
        arc(a, azi1 + 90.0, azi1 + 270.0, r_m, &mut ring);
    }
    ring.reverse(); // increasing azimuth is clockwise on the map; RFC 7946 wants counter-clockwise
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    Polygon::new(LineString(ring), vec![])
}

/// The zone around one indexed line shape, as polygons.
pub fn zone_outline(idx: &SpatialIndex, shape: u32) -> MultiPolygon<f64> {
    let s = &idx.shapes[shape as usize];
    let capsules: Vec<Polygon<f64>> = idx.pieces[s.pieces.clone()]
        .iter()
        .filter(|p| p.kind == PieceKind::Line)
        .map(|p| capsule(p.a, p.b, s.reach_m))
        .collect();
    if capsules.is_empty() {
        return MultiPolygon(s.polygons.clone());
    }
    geo::unary_union(capsules.iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{distance_m, point_segment_distance_m};
    use geo::coord;

    #[test]
    fn capsule_boundary_is_at_the_radius() {
        let a = coord! { x: 37.0, y: 48.0 };
        let b = coord! { x: 37.02, y: 48.015 };
        let c = capsule(a, b, 15_000.0);
        for v in &c.exterior().0 {
            let d = point_segment_distance_m(*v, a, b);
            assert!((d - 15_000.0).abs() < 1.0, "{d}");
        }
        // Chord midpoints sag at most ~2.3 m inside the circle.
        for w in c.exterior().0.windows(2) {
            let m = coord! { x: 0.5 * (w[0].x + w[1].x), y: 0.5 * (w[0].y + w[1].y) };
            assert!(point_segment_distance_m(m, a, b) > 15_000.0 - 5.0);
        }
        assert!(distance_m(a, b) > 0.0);
        use geo::Winding;
        assert!(c.exterior().is_ccw());
    }
}

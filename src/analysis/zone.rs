//! Zone outlines for drawing and export: every point within the reach
//! (`width_km`/2, or a corridor's `tolerance_m`) of a line, as lon/lat polygons
//! cut at 180. How they are built: `index::outline`.

use crate::index::{PieceKind, SpatialIndex};
use geo::{Coord, MultiPolygon};

pub use crate::index::outline::line_zone;

/// The zone around one indexed line shape, as polygons (a polygon shape: its polygons).
pub fn zone_outline(idx: &SpatialIndex, shape: u32) -> MultiPolygon<f64> {
    let s = &idx.shapes[shape as usize];
    let lines: Vec<(Coord, Coord)> = idx.pieces[s.pieces.clone()]
        .iter()
        .filter(|p| p.kind == PieceKind::Line)
        .map(|p| (p.a, p.b))
        .collect();
    if lines.is_empty() || s.reach_m <= 0.0 {
        return MultiPolygon(s.polygons.clone());
    }
    line_zone(&lines, s.reach_m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::point_segment_distance_m;
    use geo::coord;

    /// The outline of a V with a 200-km zone: every vertex at 100 km from the
    /// line (to a metre), every chord's middle within 3 m of it (issue 16.8:
    /// the apex cap was up to 15 m short).
    #[test]
    fn a_wide_v_outline_is_within_three_metres() {
        let (a, apex, b) = (
            coord! { x: 36.0, y: 48.0 },
            coord! { x: 36.15, y: 48.4 },
            coord! { x: 36.3, y: 48.0 },
        );
        let lines = [(a, apex), (apex, b)];
        let zone = line_zone(&lines, 100_000.0);
        assert_eq!(zone.0.len(), 1);
        let dist = |p: Coord| {
            point_segment_distance_m(p, a, apex).min(point_segment_distance_m(p, apex, b))
        };
        let ring = &zone.0[0].exterior().0;
        for w in ring.windows(2) {
            assert!(
                (dist(w[0]) - 100_000.0).abs() < 1.0,
                "{:?}: {}",
                w[0],
                dist(w[0])
            );
            let m = crate::geodesy::LocalFrame::new(w[0]);
            let [x, y] = m.to_xy(w[1]);
            let mid = m.to_lon_lat([0.5 * x, 0.5 * y]);
            assert!(dist(mid) > 100_000.0 - 3.0, "{mid:?}: {}", dist(mid));
        }
    }
}

//! Depth inside the buffer zones: the distance from a point to the boundary of
//! the union of every zone of the index (contact-line zones and polygons alike).
//!
//! Two steps. First the depth inside the single deepest area is a lower bound;
//! its nearest boundary point (the "witness", at exactly that distance) is on
//! the union's boundary unless another area covers it, and then the lower bound
//! is the answer, exactly as the area gives it (a straight stretch of line with
//! no other part within a width: almost everywhere). Otherwise (where a line
//! bends back or zones overlap) the answer is the distance to the outline of
//! the union, built once on first need with every vertex exact and arcs within
//! [`DEPTH_SAG_M`] (see `outline`), and kept in an R-tree of its edges: a few
//! box queries a point, whatever the line's length.

use super::outline::union_of;
use super::{Boundary, COPY, LocalFrame, PieceKind, SpatialIndex, box_around, grown, push_entry};
use crate::geodesy::closest_on_segment_m;
use geo::Coord;
use rstar::RTree;

/// Largest gap between the depth outline's arcs and the true circles, metres.
pub const DEPTH_SAG_M: f64 = 0.05;
/// How far inside another area (metres) a witness must be to count as covered;
/// below that the depth differs from the lower bound by centimetres.
const COVER_EPS_M: f64 = 0.1;

impl Boundary {
    fn build(idx: &SpatialIndex) -> Boundary {
        let lines: Vec<(Vec<(Coord, Coord)>, f64)> = idx
            .shapes
            .iter()
            .filter(|s| s.reach_m > 0.0)
            .map(|s| {
                let pieces = idx.pieces[s.pieces.clone()]
                    .iter()
                    .filter(|p| p.kind == PieceKind::Line)
                    .map(|p| (p.a, p.b))
                    .collect();
                (pieces, s.reach_m)
            })
            .filter(|(p, _): &(Vec<_>, f64)| !p.is_empty())
            .collect();
        let refs: Vec<(&[(Coord, Coord)], f64)> =
            lines.iter().map(|(p, r)| (p.as_slice(), *r)).collect();
        let polygons: Vec<_> = idx
            .shapes
            .iter()
            .flat_map(|s| s.polygons.iter().cloned())
            .collect();
        let union = union_of(&refs, &polygons, DEPTH_SAG_M);
        let mut edges = Vec::new();
        for poly in &union.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                edges.extend(ring.0.windows(2).map(|w| (w[0], w[1])));
            }
        }
        let mut entries = Vec::with_capacity(edges.len());
        for (i, &(a, b)) in edges.iter().enumerate() {
            push_entry(&mut entries, grown(a, b, 0.0), i as u32);
        }
        Boundary {
            edges,
            tree: RTree::bulk_load(entries),
        }
    }

    /// Distance from `p` to the nearest edge, metres, searching first within
    /// `start_m` (no edge is nearer than the lower bound).
    fn distance_m(&self, p: Coord, start_m: f64) -> f64 {
        let mut radius_m = start_m.max(50.0) * 1.05 + 10.0;
        loop {
            let env = box_around(p, radius_m);
            let best = self
                .tree
                .locate_in_envelope_intersecting(&env)
                .chain(
                    super::wrapped(&env)
                        .into_iter()
                        .flat_map(|e| self.tree.locate_in_envelope_intersecting(&e)),
                )
                .map(|e| {
                    let (a, b) = self.edges[(e.id & !COPY) as usize];
                    closest_on_segment_m(p, a, b).0
                })
                .fold(f64::INFINITY, f64::min);
            if best <= radius_m || radius_m > 2.1e7 {
                return best;
            }
            radius_m *= 2.0;
        }
    }
}

/// The deepest single area's nearest boundary point(s), in lon/lat.
pub(super) enum Witness {
    /// A line piece at `d_m` from the point: the point(s) at its reach beyond.
    Line { id: u32, d_m: f64, t: f64 },
    /// A polygon's ring piece: its nearest point.
    Ring { id: u32, t: f64 },
}

impl SpatialIndex {
    /// The depth at `p` given the deepest single area's depth `lower_m` and
    /// its witness (see the module's doc).
    pub(super) fn union_depth_m(&self, p: Coord, lower_m: f64, witness: Witness) -> f64 {
        let frame = LocalFrame::new(p);
        let on = |id: u32, t: f64| {
            let pc = &self.pieces[id as usize];
            let (a, b) = (frame.to_xy(pc.a), frame.to_xy(pc.b));
            [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
        };
        let (points, own_polygon): (Vec<[f64; 2]>, Option<u32>) = match witness {
            Witness::Line { id, d_m, t } => {
                let reach = self.shapes[self.pieces[id as usize].shape as usize].reach_m;
                let c = on(id, t);
                if d_m > 1e-6 {
                    let k = reach / d_m;
                    (vec![[c[0] - c[0] * k, c[1] - c[1] * k]], None)
                } else {
                    // On the line: either side.
                    let pc = &self.pieces[id as usize];
                    let (a, b) = (frame.to_xy(pc.a), frame.to_xy(pc.b));
                    let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
                    let len = ex.hypot(ey).max(1e-12);
                    let n = [-ey / len * reach, ex / len * reach];
                    (vec![n, [-n[0], -n[1]]], None)
                }
            }
            Witness::Ring { id, t } => (vec![on(id, t)], Some(self.pieces[id as usize].shape)),
        };
        let free = points
            .iter()
            .any(|&xy| !self.covered(frame.to_lon_lat(xy), own_polygon));
        if free {
            return lower_m;
        }
        let boundary = self.boundary.get_or_init(|| Boundary::build(self));
        boundary.distance_m(p, lower_m).max(lower_m)
    }

    /// Whether `q` is inside some area by more than [`COVER_EPS_M`] (`except`:
    /// a polygon whose ring `q` is on).
    fn covered(&self, q: Coord, except: Option<u32>) -> bool {
        let env = box_around(q, 0.0);
        let by_line = self.pieces_in(&env).any(|(_, pc)| {
            pc.kind == PieceKind::Line && {
                let reach = self.shapes[pc.shape as usize].reach_m;
                Self::piece_distance_m(pc, q) < reach - COVER_EPS_M
            }
        });
        by_line
            || self.polygon_shapes_in(&env).any(|s| {
                Some(s) != except
                    && self.polygon_contains(s, q)
                    && self.ring_distance_m(s, q) > COVER_EPS_M
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::index::{IndexItem, SpatialIndex};
    use crate::model::{FeatureRef, Role};
    use geo::{Geometry, LineString, coord};

    fn zone(coords: &[(f64, f64)]) -> (Geometry<f64>, f64) {
        (
            Geometry::LineString(LineString(
                coords.iter().map(|&(x, y)| coord! { x: x, y: y }).collect(),
            )),
            15_000.0,
        )
    }

    fn index(g: &Geometry<f64>, reach_m: f64) -> SpatialIndex {
        SpatialIndex::build([IndexItem {
            feature: FeatureRef {
                layer: 0,
                feature: 0,
            },
            role: Role::ContactLine,
            reach_m,
            geometry: g,
        }])
    }

    /// Beside a straight line the depth is the half-width minus the distance
    /// (the witness is free) and no outline is built.
    #[test]
    fn a_straight_line_needs_no_outline() {
        let (g, r) = zone(&[(30.0, 48.0), (31.0, 48.0)]);
        let idx = index(&g, r);
        let p = crate::geodesy::destination(coord! { x: 30.5, y: 48.0 }, 0.0, 4_000.0);
        let d = idx.depth_m(p);
        let off = crate::geodesy::point_segment_distance_m(
            p,
            coord! { x: 30.0, y: 48.0 },
            coord! { x: 31.0, y: 48.0 },
        );
        assert!((d - (15_000.0 - off)).abs() < 0.5, "{d} vs {off}");
        assert!(idx.boundary.get().is_none());
    }

    /// Inside a V the union is deeper than either arm's band: the outline is
    /// built and answers.
    #[test]
    fn inside_a_v_the_outline_answers() {
        let (g, r) = zone(&[(36.0, 48.0), (36.15, 48.4), (36.3, 48.0)]);
        let idx = index(&g, r);
        let p = coord! { x: 36.15, y: 48.2 };
        let d = idx.depth_m(p);
        assert!(idx.boundary.get().is_some());
        let arm = crate::geodesy::point_segment_distance_m(
            p,
            coord! { x: 36.0, y: 48.0 },
            coord! { x: 36.15, y: 48.4 },
        );
        assert!(
            d > 15_000.0 - arm + 1_000.0,
            "{d} vs band {}",
            15_000.0 - arm
        );
    }
}

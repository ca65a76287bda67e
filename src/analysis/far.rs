//! The greatest offset of a stretch far from every area (a vessel hundreds
//! of kilometres from any grain lane, a convoy of another operation), in
//! metres, without probing each of its vertices: far away each probe solves
//! geodesics to many pieces of the area, so a search that probes every vertex
//! costs what the distance costs.
//!
//! Branch and bound over ranges of the stretch (not edges): the offset is
//! 1-Lipschitz, so on a range of path length L whose ends are at f0 and f1 it
//! is at most (f0 + f1 + L) / 2, and at most f0 + R0 (and f1 + R1), where R0
//! is the farthest the range gets from its first end (Lambert's distances,
//! widened by their error; measured on ranges of up to 16 vertices, longer
//! ones are split anyway). A range wholly inside one edge
//! also takes the nearest piece's bound, as the per-edge search does. Ranges
//! are split at their middle vertex, so a stretch moving towards or away from
//! the areas is settled with a few probes, and the answer is held to the same
//! relative tolerance as the per-vertex search. Probes are Lambert's estimates
//! (`SpatialIndex::distance_to_area_estimate_from`); the answer is solved
//! exactly where they peak.

use super::stretches::{
    DensePart, Node, Probe, Search, max_offset_with_ends_at, piece_bound, probe_ends, search_heap,
};
use crate::geodesy::{LAMBERT_MAX_M, LAMBERT_REL_ERR, Reduced};
use geo::Coord;
use std::collections::BinaryHeap;

/// Either end of a stretch further than this from every area (metres): the
/// stretch is searched by ranges. Both nearer, the per-vertex search of
/// `stretches::max_offset_m` is as cheap and gives the same answers as before.
pub const FAR_M: f64 = 20_000.0;

/// Ranges of more vertices than this are bounded by their length alone.
const REACH_VERTICES: f64 = 16.0;

/// The vertices of a far stretch made ready for Lambert's formula once (the
/// range bounds measure from each range's ends to every vertex inside it).
struct Vertices {
    first: usize,
    reduced: Vec<Reduced>,
}

impl Vertices {
    fn new(dense: &DensePart, span: &crate::analysis::stretches::StretchSpan) -> Vertices {
        let first = span.start.floor().max(0.0) as usize;
        let last = (span.end.ceil() as usize).min(dense.coords.len().saturating_sub(1));
        Vertices {
            first,
            reduced: dense.coords[first..=last.max(first)]
                .iter()
                .map(|&c| Reduced::new(c))
                .collect(),
        }
    }

    /// The farthest any vertex strictly inside (g0, g1), or either end of the
    /// range, is from `from`, metres: an upper bound (Lambert's distances
    /// widened by their error, or the exact solution beyond Lambert's range).
    fn reach_from(&self, dense: &DensePart, from: Coord, g0: f64, g1: f64) -> f64 {
        let origin = Reduced::new(from);
        let upper_m = |d: f64, c: Coord| {
            if d <= LAMBERT_MAX_M {
                d * (1.0 + LAMBERT_REL_ERR) + 0.01
            } else {
                crate::geodesy::distance_m(from, c) + 0.01
            }
        };
        let end_m = |g: f64| {
            let c = dense.coord_at(g);
            if c == from {
                0.0
            } else {
                upper_m(origin.lambert_m(&Reduced::new(c)), c)
            }
        };
        let far_end = end_m(g0).max(end_m(g1));
        let (i0, i1) = (g0.floor() as usize + 1, g1.ceil() as usize);
        (i0.max(self.first)..i1.min(self.first + self.reduced.len()))
            .map(|i| {
                upper_m(
                    origin.lambert_m(&self.reduced[i - self.first]),
                    dense.coords[i],
                )
            })
            .fold(far_end, f64::max)
    }
}

/// The greatest of `offset_m` along `span` (as `stretches::max_offset_m`):
/// by ranges when either of its ends is far from every area and it has more
/// than two edges, else vertex by vertex.
///
/// `estimate_m` is `offset_m` within a small part of `rel_tol` (far from
/// every area, Lambert's bounds; see `SpatialIndex::distance_to_area_estimate_from`):
/// the range search probes with it, and the value returned is `offset_m`
/// solved exactly where the estimates peaked.
pub fn max_offset_m(s: &Search, estimate_m: &dyn Fn(Coord) -> Probe) -> f64 {
    let ends = probe_ends(s);
    let edges = s.span.end.ceil() - s.span.start.floor();
    let estimated = Search {
        offset_m: estimate_m,
        ..*s
    };
    let (best, at) = if (ends.0.0 > FAR_M || ends.1.0 > FAR_M) && edges > 2.0 {
        max_offset_far_m(&estimated, ends)
    } else {
        // Vertex by vertex: near every area the estimate is the exact value,
        // so near answers are those of the exact search.
        max_offset_with_ends_at(&estimated, ends)
    };
    if at.is_nan() {
        best
    } else {
        (s.offset_m)(s.dense.coord_at(at))
            .0
            .max(ends.0.0)
            .max(ends.1.0)
    }
}

/// The greatest of `offset_m` along `span`, whose ends `ends` are far from
/// every area, within `rel_tol` of it (or 5 cm), and where a probe found it
/// (NaN: at an end).
fn max_offset_far_m(s: &Search, ends: (Probe, Probe)) -> (f64, f64) {
    let (dense, span, piece_m) = (s.dense, s.span, s.piece_m);
    let vertices = Vertices::new(dense, span);
    let node = |g0: f64, g1: f64, f0: Probe, f1: Probe| {
        let len = dense.s_at(g1) - dense.s_at(g0);
        let ub = 0.5 * (f0.0 + f1.0 + len);
        let one_edge = g1.ceil() - g0.floor() <= 1.0;
        let ub = if one_edge {
            // On one straight piece the nearest piece's distance is convex.
            piece_bound(dense, piece_m, [g0, g1], [f0, f1], ub)
        } else if g1 - g0 > REACH_VERTICES {
            // A long range is split anyway: measuring its reach costs more
            // than the probe it might save.
            ub
        } else {
            let (c0, c1) = (dense.coord_at(g0), dense.coord_at(g1));
            ub.min(f0.0 + vertices.reach_from(dense, c0, g0, g1))
                .min(f1.0 + vertices.reach_from(dense, c1, g0, g1))
        };
        Node::new([g0, g1], [f0, f1], ub)
    };
    let mut heap = BinaryHeap::new();
    heap.push(node(span.start, span.end, ends.0, ends.1));
    // Split at the middle vertex inside the range, or in the middle of an edge.
    let split = |n: &Node| {
        let (lo, hi) = (n.g[0].floor() as i64 + 1, n.g[1].ceil() as i64 - 1);
        let gm = if hi >= lo {
            ((lo + hi) / 2) as f64
        } else {
            0.5 * (n.g[0] + n.g[1])
        };
        (gm > n.g[0] && gm < n.g[1]).then_some(gm)
    };
    let best = ends.0.0.max(ends.1.0);
    search_heap(s, heap, (best, 2), &node, &split)
}

//! The greatest offset of a stretch far from every area (a vessel hundreds
//! of kilometres from any grain lane, a convoy of another operation), in
//! metres, without probing each of its vertices: far away each probe solves
//! geodesics to many pieces of the area, so a search that probes every vertex
//! costs what the distance costs.
//!
//! Branch and bound over ranges of the stretch (not edges): the offset is
//! 1-Lipschitz, so on a range of path length L whose ends are at f0 and f1 it
//! is at most (f0 + f1 + L) / 2, and at most f0 + R0 (and f1 + R1), where R0
//! is the farthest the range gets from its first end (measured with the fast
//! geodesic distance, widened by its error). A range wholly inside one edge
//! also takes the nearest piece's bound, as the per-edge search does. Ranges
//! are split at their middle vertex, so a stretch moving towards or away from
//! the areas is settled with a few probes, and the answer is held to the same
//! relative tolerance as the per-vertex search.

use super::stretches::{
    DensePart, Node, Probe, Search, max_offset_with_ends_m, piece_bound, probe_ends, search_heap,
};
use geo::Coord;
use std::collections::BinaryHeap;

/// Both ends of a stretch further than this from every area (metres): the
/// stretch is searched by ranges. Nearer, the per-vertex search of
/// `stretches::max_offset_m` is as cheap and gives the same answers as before.
pub const FAR_M: f64 = 20_000.0;

/// The farthest any vertex strictly inside (g0, g1), or the far end, is from
/// `from`, metres: an upper bound (Lambert's distances widened by their
/// error, or the exact solution beyond Lambert's range).
fn reach_from(dense: &DensePart, from: Coord, g0: f64, g1: f64) -> f64 {
    let (i0, i1) = (g0.floor() as usize + 1, g1.ceil() as usize);
    let upper_m = |c: Coord| {
        let d = crate::geodesy::lambert_distance_m(from, c);
        if d <= crate::geodesy::LAMBERT_MAX_M {
            d * (1.0 + crate::geodesy::LAMBERT_REL_ERR) + 0.01
        } else {
            crate::geodesy::distance_m(from, c) + 0.01
        }
    };
    let far_end = upper_m(dense.coord_at(g1));
    (i0..i1.min(dense.coords.len()))
        .map(|i| upper_m(dense.coords[i]))
        .fold(far_end, f64::max)
}

/// The greatest of `offset_m` along `span` (as `stretches::max_offset_m`):
/// by ranges when both its ends are far from every area and it has more than
/// two edges, else vertex by vertex.
pub fn max_offset_m(s: &Search) -> f64 {
    let ends = probe_ends(s);
    let edges = s.span.end.ceil() - s.span.start.floor();
    if ends.0.0 > FAR_M && ends.1.0 > FAR_M && edges > 2.0 {
        max_offset_far_m(s, ends)
    } else {
        max_offset_with_ends_m(s, ends)
    }
}

/// The greatest of `offset_m` along `span`, whose ends `ends` are far from
/// every area; within `rel_tol` of it (or 5 cm).
fn max_offset_far_m(s: &Search, ends: (Probe, Probe)) -> f64 {
    let (dense, span, piece_m) = (s.dense, s.span, s.piece_m);
    let node = |g0: f64, g1: f64, f0: Probe, f1: Probe| {
        let len = dense.s_at(g1) - dense.s_at(g0);
        let ub = 0.5 * (f0.0 + f1.0 + len);
        let one_edge = g1.ceil() - g0.floor() <= 1.0;
        let ub = if one_edge {
            // On one straight piece the nearest piece's distance is convex.
            piece_bound(dense, piece_m, [g0, g1], [f0, f1], ub)
        } else {
            let (c0, c1) = (dense.coord_at(g0), dense.coord_at(g1));
            ub.min(f0.0 + reach_from(dense, c0, g0, g1))
                .min(f1.0 + reach_from(dense, c1, g0, g1))
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

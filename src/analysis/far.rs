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

use super::stretches::{DensePart, Node, Probe, StretchSpan, max_offset_with_ends_m, probe_ends};
use geo::Coord;
use std::collections::BinaryHeap;

/// Both ends of a stretch further than this from every area (metres): the
/// stretch is searched by ranges. Nearer, the per-vertex search of
/// `stretches::max_offset_m` is as cheap and gives the same answers as before.
pub const FAR_M: f64 = 20_000.0;

/// The farthest any vertex strictly inside (g0, g1), or the far end, is from
/// `from`, metres (fast distances, widened by their 5e-6 relative error).
fn reach_from(dense: &DensePart, from: Coord, g0: f64, g1: f64) -> f64 {
    let (i0, i1) = (g0.floor() as usize + 1, g1.ceil() as usize);
    let far_end = crate::geodesy::fast_distance_m(from, dense.coord_at(g1));
    let inner = (i0..i1.min(dense.coords.len()))
        .map(|i| crate::geodesy::fast_distance_m(from, dense.coords[i]))
        .fold(0.0, f64::max);
    far_end.max(inner) * (1.0 + 1e-5) + 0.01
}

/// The greatest of `offset_m` along `span` (as `stretches::max_offset_m`):
/// by ranges when both its ends are far from every area and it has more than
/// two edges, else vertex by vertex.
pub fn max_offset_m(
    dense: &DensePart,
    span: &StretchSpan,
    offset_m: &dyn Fn(Coord) -> Probe,
    piece_m: Option<&dyn Fn(u32, Coord) -> f64>,
    rel_tol: f64,
) -> f64 {
    let ends = probe_ends(dense, span, offset_m);
    let edges = span.end.ceil() - span.start.floor();
    if ends.0.0 > FAR_M && ends.1.0 > FAR_M && edges > 2.0 {
        max_offset_far_m(dense, span, offset_m, piece_m, rel_tol, ends)
    } else {
        max_offset_with_ends_m(dense, span, offset_m, piece_m, rel_tol, ends)
    }
}

/// The greatest of `offset_m` along `span`, whose ends `ends` are far from
/// every area; within `rel_tol` of it (or 5 cm).
fn max_offset_far_m(
    dense: &DensePart,
    span: &StretchSpan,
    offset_m: &dyn Fn(Coord) -> Probe,
    piece_m: Option<&dyn Fn(u32, Coord) -> f64>,
    rel_tol: f64,
    ends: (Probe, Probe),
) -> f64 {
    let node = |g0: f64, g1: f64, f0: Probe, f1: Probe| {
        let len = dense.s_at(g1) - dense.s_at(g0);
        let mut ub = 0.5 * (f0.0 + f1.0 + len);
        let one_edge = g1.ceil() - g0.floor() <= 1.0;
        if one_edge {
            // On one straight piece the nearest piece's distance is convex.
            if let Some(pm) = piece_m {
                if let Some(j) = f0.1 {
                    ub = ub.min(f0.0.max(pm(j, dense.coord_at(g1))));
                }
                if let Some(k) = f1.1 {
                    ub = ub.min(f1.0.max(pm(k, dense.coord_at(g0))));
                }
            }
        } else {
            let (c0, c1) = (dense.coord_at(g0), dense.coord_at(g1));
            ub = ub
                .min(f0.0 + reach_from(dense, c0, g0, g1))
                .min(f1.0 + reach_from(dense, c1, g0, g1));
        }
        Node {
            ub: ub.max(f0.0).max(f1.0),
            g: [g0, g1],
            f: [f0, f1],
        }
    };
    let mut best = ends.0.0.max(ends.1.0);
    let mut heap = BinaryHeap::new();
    heap.push(node(span.start, span.end, ends.0, ends.1));
    let mut evals = 2usize;
    while let Some(n) = heap.pop() {
        let tol = (rel_tol * best).max(0.05);
        if n.ub <= best + tol || evals > 5_000 {
            break;
        }
        // Split at the middle vertex inside the range, or in the middle of an edge.
        let (lo, hi) = (n.g[0].floor() as i64 + 1, n.g[1].ceil() as i64 - 1);
        let gm = if hi >= lo {
            ((lo + hi) / 2) as f64
        } else {
            0.5 * (n.g[0] + n.g[1])
        };
        if !(gm > n.g[0] && gm < n.g[1]) {
            continue;
        }
        let fm = offset_m(dense.coord_at(gm));
        evals += 1;
        best = best.max(fm.0);
        heap.push(node(n.g[0], gm, n.f[0], fm));
        heap.push(node(gm, n.g[1], fm, n.f[1]));
    }
    best
}

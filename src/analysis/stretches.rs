//! Cutting a track into maximal stretches outside (or inside) a set of areas.
//!
//! A track is a continuous line: its edges are geodesics, densified here to
//! pieces of at most [`TRACK_DENSIFY_M`] so that each piece is straight in a local
//! metric frame. Positions along a part are "global parameters" `g = i + t`:
//! edge `i` of the densified part, fraction `t` along it.

use crate::geodesy::{densify_edge, wrap_dlon_deg};
use crate::index::SpatialIndex;
use crate::model::TrackPart;
use geo::Coord;
use std::collections::BinaryHeap;

/// Longest track piece analysed in one step, metres.
pub const TRACK_DENSIFY_M: f64 = 2_000.0;
/// Gaps and stretches shorter than this are numerical noise (a track that only
/// touches a boundary), metres.
pub const TOUCH_M: f64 = 0.05;

/// Deviations' greatest offsets are held to 0.05 % (they are kilometres off a
/// corridor whose own width is uncertain by more).
pub const DEVIATION_REL_TOL: f64 = 5e-4;
/// Zone depths are held to 0.002 % (0.3 m at 15 km): peacekeepers compare them
/// with surveyed figures.
pub const DEPTH_REL_TOL: f64 = 2e-5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stretches outside every area (deviations).
    Outside,
    /// Stretches inside any area (buffer-zone entries).
    Inside,
}

/// A stretch between two global parameters of a [`DensePart`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StretchSpan {
    pub start: f64,
    pub end: f64,
}

impl StretchSpan {
    pub fn length_m(&self, dense: &DensePart) -> f64 {
        dense.s_at(self.end) - dense.s_at(self.start)
    }
}

/// A track part densified along its geodesics, with distances and times.
#[derive(Clone, Debug, Default)]
pub struct DensePart {
    pub coords: Vec<Coord>,
    /// Distance along the part at each vertex, metres.
    pub cum_m: Vec<f64>,
    /// (distance along the part, Unix seconds) of each timed input vertex.
    timed: Vec<(f64, f64)>,
}

impl DensePart {
    pub fn new(part: &TrackPart) -> DensePart {
        let n = part.coords.len();
        let mut out = DensePart {
            coords: Vec::with_capacity(n),
            cum_m: Vec::with_capacity(n),
            timed: Vec::with_capacity(if part.times.iter().any(Option::is_some) {
                n
            } else {
                0
            }),
        };
        let mut s = 0.0;
        let mut tmp = Vec::new();
        let mut chain = crate::geodesy::FastChain::default();
        for (i, &c) in part.coords.iter().enumerate() {
            if i > 0 {
                let prev = part.coords[i - 1];
                let len = chain.distance_m(prev, c);
                if len > TRACK_DENSIFY_M {
                    tmp.clear();
                    densify_edge(prev, c, TRACK_DENSIFY_M, &mut tmp);
                    let step = len / tmp.len() as f64;
                    for (k, &q) in tmp.iter().enumerate().skip(1) {
                        out.coords.push(q);
                        out.cum_m.push(s + step * k as f64);
                    }
                }
                s += len;
            }
            out.coords.push(c);
            out.cum_m.push(s);
            if let Some(Some(t)) = part.times.get(i)
                && t.is_finite()
            {
                out.timed.push((s, *t));
            }
        }
        out
    }

    pub fn edges(&self) -> usize {
        self.coords.len().saturating_sub(1)
    }

    pub fn length_m(&self) -> f64 {
        self.cum_m.last().copied().unwrap_or(0.0)
    }

    /// The whole part as one stretch (none if it has no edge).
    pub fn whole(&self) -> Vec<StretchSpan> {
        if self.edges() == 0 {
            Vec::new()
        } else {
            vec![StretchSpan {
                start: 0.0,
                end: self.edges() as f64,
            }]
        }
    }

    fn split(&self, g: f64) -> (usize, f64) {
        let n = self.edges();
        if n == 0 {
            return (0, 0.0);
        }
        let i = (g.floor().max(0.0) as usize).min(n - 1);
        (i, (g - i as f64).clamp(0.0, 1.0))
    }

    /// Distance along the part at `g`, metres.
    pub fn s_at(&self, g: f64) -> f64 {
        if self.edges() == 0 {
            return 0.0;
        }
        let (i, t) = self.split(g);
        self.cum_m[i] + t * (self.cum_m[i + 1] - self.cum_m[i])
    }

    /// Position at `g` (straight within a short piece, i.e. on the geodesic).
    pub fn coord_at(&self, g: f64) -> Coord {
        if self.edges() == 0 {
            return self
                .coords
                .first()
                .copied()
                .unwrap_or(Coord { x: 0.0, y: 0.0 });
        }
        let (i, t) = self.split(g);
        let (a, b) = (self.coords[i], self.coords[i + 1]);
        if a.y.abs().max(b.y.abs()) > crate::geodesy::POLAR_LAT_DEG {
            // Straight in the azimuthal frame: the piece may run over the pole.
            let f = crate::geodesy::LocalFrame::new(a);
            let [x, y] = f.to_xy(b);
            return f.to_lon_lat([t * x, t * y]);
        }
        let mut x = a.x + t * wrap_dlon_deg(b.x - a.x);
        if x > 180.0 {
            x -= 360.0;
        } else if x < -180.0 {
            x += 360.0;
        }
        Coord {
            x,
            y: a.y + t * (b.y - a.y),
        }
    }

    /// (distance along the part, Unix seconds) of each timed input vertex.
    pub fn timed(&self) -> &[(f64, f64)] {
        &self.timed
    }

    /// The input times carry fractions of a second (then times along the part
    /// are written to the millisecond).
    pub fn subsecond(&self) -> bool {
        self.timed.iter().any(|&(_, t)| t.fract() != 0.0)
    }

    /// Time at `g`, interpolated by distance between the neighbouring timed
    /// vertices. Where several timed vertices sit at that very distance (a halt),
    /// a stretch start takes the last of them (when the convoy left) and a stretch
    /// end the first (when it arrived). `None` outside the timed range.
    pub fn time_at(&self, g: f64, leaving: bool) -> Option<f64> {
        time_at_distance(&self.timed, self.s_at(g), leaving)
    }
}

/// The time at distance `s_m` along a part, from its timed vertices
/// `(distance along the part in metres, Unix seconds)` in order: interpolated
/// by distance between the neighbouring ones; where several sit at `s_m` (a
/// halt), the last when `leaving`, else the first; `None` outside their range.
/// The one rule for times along a track (stretches, replay).
pub fn time_at_distance(timed: &[(f64, f64)], s_m: f64, leaving: bool) -> Option<f64> {
    let s = s_m;
    let eps = 1e-6;
    let first_ge = timed.partition_point(|&(cs, _)| cs < s - eps);
    let first_gt = timed.partition_point(|&(cs, _)| cs <= s + eps);
    if first_gt > first_ge {
        // Timed vertices exactly here.
        return Some(if leaving {
            timed[first_gt - 1].1
        } else {
            timed[first_ge].1
        });
    }
    let (prev, next) = (timed.get(first_ge.checked_sub(1)?)?, timed.get(first_ge)?);
    let span = next.0 - prev.0;
    if span <= 0.0 {
        return Some(prev.1);
    }
    Some(prev.1 + (next.1 - prev.1) * (s - prev.0) / span)
}

/// Maximal stretches of `dense` outside (or inside) the areas of `idx` that `keep`
/// accepts, in track order.
pub fn find_stretches(
    dense: &DensePart,
    idx: &SpatialIndex,
    keep: &dyn Fn(u32) -> bool,
    mode: Mode,
) -> Vec<StretchSpan> {
    find_stretches_hinted(dense, idx, keep, mode, &mut None)
}

/// [`find_stretches`] starting from a corridor hint (the piece that held the
/// track's previous edge, kept by a caller that sees a track edge by edge),
/// left at the piece that held the last edge. The hint only saves work: the
/// answer is the same without it.
pub fn find_stretches_hinted(
    dense: &DensePart,
    idx: &SpatialIndex,
    keep: &dyn Fn(u32) -> bool,
    mode: Mode,
    hint: &mut Option<u32>,
) -> Vec<StretchSpan> {
    let mut spans: Vec<StretchSpan> = Vec::new();
    let mut inside = Vec::new();
    let mut targets = Vec::new();
    for i in 0..dense.edges() {
        idx.edge_inside_intervals(
            dense.coords[i],
            dense.coords[i + 1],
            keep,
            hint,
            &mut inside,
        );
        targets.clear();
        match mode {
            Mode::Inside => targets.extend_from_slice(&inside),
            Mode::Outside => {
                let mut at = 0.0;
                for &(lo, hi) in &inside {
                    if lo > at {
                        targets.push((at, lo));
                    }
                    at = at.max(hi);
                }
                if at < 1.0 {
                    targets.push((at, 1.0));
                }
            }
        }
        for &(lo, hi) in &targets {
            let (g0, g1) = (i as f64 + lo, i as f64 + hi);
            match spans.last_mut() {
                Some(last) if dense.s_at(g0) - dense.s_at(last.end) <= TOUCH_M => last.end = g1,
                _ => spans.push(StretchSpan { start: g0, end: g1 }),
            }
        }
    }
    spans.retain(|s| s.length_m(dense) > TOUCH_M);
    spans
}

/// A value along a stretch and, when known, the index piece nearest there.
pub type Probe = (f64, Option<u32>);

/// A piece of a stretch in a branch-and-bound search for its greatest value:
/// the bound on it, its ends (as `g`) and their values; ordered by the bound.
pub(super) struct Node {
    pub(super) ub: f64,
    pub(super) g: [f64; 2],
    pub(super) f: [Probe; 2],
}

impl Node {
    /// A range `g` with its end values `f`, bounded by `ub` (never below either end).
    pub(super) fn new(g: [f64; 2], f: [Probe; 2], ub: f64) -> Node {
        Node {
            ub: ub.max(f[0].0).max(f[1].0),
            g,
            f,
        }
    }
}

/// `ub` tightened by the nearest pieces at the range's ends: along one straight
/// piece of track a piece's distance is convex, so the offset cannot exceed
/// that piece's distance at either end.
pub(super) fn piece_bound(
    dense: &DensePart,
    piece_m: Option<&dyn Fn(u32, Coord) -> f64>,
    g: [f64; 2],
    f: [Probe; 2],
    mut ub: f64,
) -> f64 {
    if let Some(pm) = piece_m {
        if let Some(j) = f[0].1 {
            ub = ub.min(f[0].0.max(pm(j, dense.coord_at(g[1]))));
        }
        if let Some(k) = f[1].1 {
            ub = ub.min(f[1].0.max(pm(k, dense.coord_at(g[0]))));
        }
    }
    ub
}

impl PartialEq for Node {
    fn eq(&self, o: &Self) -> bool {
        self.ub == o.ub
    }
}
impl Eq for Node {}
impl PartialOrd for Node {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Node {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.ub.total_cmp(&o.ub)
    }
}

/// The greatest value of `offset_m` (a 1-Lipschitz function of position, in
/// metres, such as the distance to an area) along a stretch, by branch and bound:
/// on a piece of length L with end values f0, f1 it cannot exceed (f0 + f1 + L) / 2.
///
/// With `piece_m` (the distance to one index piece, a convex function along a
/// straight piece of track, never below the distance to the whole area): if
/// piece j is nearest at one end, the offset on the piece cannot exceed
/// j's distance at either end. That bound is tight where one corridor piece is
/// nearest throughout, so most pieces need no splitting at all.
///
/// The search stops when no part of the stretch can beat the best value found by
/// more than `rel_tol` of it ([`DEVIATION_REL_TOL`], [`DEPTH_REL_TOL`]).
pub fn max_offset_m(s: &Search) -> f64 {
    max_offset_with_ends_m(s, probe_ends(s))
}

/// A search for the greatest offset along one stretch: the densified part,
/// the stretch, the offset at a point (with the nearest index piece), the
/// distance to one piece when known, and the relative tolerance.
#[derive(Clone, Copy)]
pub struct Search<'a> {
    pub dense: &'a DensePart,
    pub span: &'a StretchSpan,
    pub offset_m: &'a dyn Fn(Coord) -> Probe,
    pub piece_m: Option<&'a dyn Fn(u32, Coord) -> f64>,
    pub rel_tol: f64,
}

/// `offset_m` at a stretch's two ends.
pub fn probe_ends(s: &Search) -> (Probe, Probe) {
    (
        (s.offset_m)(s.dense.coord_at(s.span.start)),
        (s.offset_m)(s.dense.coord_at(s.span.end)),
    )
}

/// [`max_offset_m`] with the values at the stretch's two ends already probed.
pub fn max_offset_with_ends_m(s: &Search, ends: (Probe, Probe)) -> f64 {
    max_offset_with_ends_at(s, ends).0
}

/// [`max_offset_with_ends_m`] and where it was found (as `g`; NaN at an end).
pub fn max_offset_with_ends_at(s: &Search, ends: (Probe, Probe)) -> (f64, f64) {
    let Search {
        dense,
        span,
        offset_m,
        piece_m,
        ..
    } = *s;
    let node = |g0: f64, g1: f64, f0: Probe, f1: Probe| {
        let len = dense.s_at(g1) - dense.s_at(g0);
        let ub = (0.5 * (f0.0 + f1.0 + len)).max(0.0);
        Node::new(
            [g0, g1],
            [f0, f1],
            piece_bound(dense, piece_m, [g0, g1], [f0, f1], ub),
        )
    };
    let mut heap: BinaryHeap<Node> = BinaryHeap::new();
    let mut best = 0.0f64;
    let first = span.start.floor().max(0.0) as usize;
    let last = (span.end.ceil() as usize).min(dense.edges());
    // Each vertex once: consecutive pieces share their ends.
    let mut gs: Vec<f64> = vec![span.start];
    gs.extend(
        ((first + 1)..last)
            .map(|i| i as f64)
            .filter(|g| *g > span.start && *g < span.end),
    );
    gs.push(span.end);
    let n = gs.len();
    let vals: Vec<Probe> = gs
        .iter()
        .enumerate()
        .map(|(k, g)| match k {
            0 => ends.0,
            k if k + 1 == n => ends.1,
            _ => offset_m(dense.coord_at(*g)),
        })
        .collect();
    let evals = vals.len();
    let mut at = f64::NAN;
    for k in 0..gs.len() - 1 {
        if gs[k + 1] > gs[k] {
            for j in [k, k + 1] {
                if vals[j].0 > best {
                    best = vals[j].0;
                    at = if j == 0 || j + 1 == n {
                        f64::NAN
                    } else {
                        gs[j]
                    };
                }
            }
            heap.push(node(gs[k], gs[k + 1], vals[k], vals[k + 1]));
        }
    }
    match search_heap(s, heap, (best, evals), &node, &|n| {
        Some(0.5 * (n.g[0] + n.g[1]))
    }) {
        (found, inner) if !inner.is_nan() => (found, inner),
        (found, _) => (found, at),
    }
}

/// The branch and bound both searches share: takes the most promising range
/// from `heap`, stops when no range can beat the `best` value (of `evals`
/// probes so far) by more than `rel_tol` of it (or 5 cm; reported to 0.1 m),
/// else probes it where `split` says and pushes its two halves. Returns the
/// best value and where a probe found it (NaN: at none of the probes it made).
pub(super) fn search_heap(
    s: &Search,
    mut heap: BinaryHeap<Node>,
    (mut best, mut evals): (f64, usize),
    node: &dyn Fn(f64, f64, Probe, Probe) -> Node,
    split: &dyn Fn(&Node) -> Option<f64>,
) -> (f64, f64) {
    let mut at = f64::NAN;
    while let Some(n) = heap.pop() {
        let tol = (s.rel_tol * best).max(0.05);
        if n.ub <= best + tol || evals > 5_000 {
            break;
        }
        let Some(gm) = split(&n) else {
            continue;
        };
        let fm = (s.offset_m)(s.dense.coord_at(gm));
        evals += 1;
        if fm.0 > best {
            (best, at) = (fm.0, gm);
        }
        heap.push(node(n.g[0], gm, n.f[0], fm));
        heap.push(node(gm, n.g[1], fm, n.f[1]));
    }
    (best, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn part(coords: &[(f64, f64)], times: &[Option<f64>]) -> TrackPart {
        TrackPart {
            coords: coords.iter().map(|&(x, y)| coord! { x: x, y: y }).collect(),
            times: times.to_vec(),
        }
    }

    #[test]
    fn times_interpolate_by_distance_and_respect_halts() {
        let p = part(
            &[(30.0, 46.0), (30.0, 46.01), (30.0, 46.01), (30.0, 46.025)],
            &[Some(0.0), Some(100.0), Some(7300.0), Some(7500.0)],
        );
        let d = DensePart::new(&p);
        assert!((d.time_at(0.5, true).unwrap() - 50.0).abs() < 1e-6);
        // At the halted vertex: arriving at 100, leaving at 7300.
        assert_eq!(d.time_at(1.0, false), Some(100.0));
        assert_eq!(d.time_at(2.0, true), Some(7300.0));
        assert!((d.time_at(2.5, true).unwrap() - 7400.0).abs() < 1e-6);
    }

    #[test]
    fn untimed_ends_give_no_time() {
        let d = DensePart::new(&part(
            &[(30.0, 46.0), (30.0, 46.01), (30.0, 46.02)],
            &[None, Some(10.0), None],
        ));
        assert_eq!(d.time_at(0.5, true), None);
        assert_eq!(d.time_at(1.0, true), Some(10.0));
        assert_eq!(d.time_at(1.5, false), None);
    }

    #[test]
    fn long_edges_are_densified_with_exact_length() {
        let d = DensePart::new(&part(&[(30.0, 46.0), (30.0, 46.2)], &[None, None]));
        assert!(d.edges() >= 12);
        let exact =
            crate::geodesy::distance_m(coord! { x: 30.0, y: 46.0 }, coord! { x: 30.0, y: 46.2 });
        assert!((d.length_m() - exact).abs() < 1e-3);
    }

    #[test]
    fn branch_and_bound_finds_an_interior_peak() {
        // f peaks in the middle of a single long piece; the ends are 0.
        let d = DensePart::new(&part(&[(30.0, 46.0), (30.0, 46.01)], &[None, None]));
        let mid = d.coord_at(0.37);
        let f = |c: Coord| ((300.0 - crate::geodesy::distance_m(c, mid)).max(0.0), None);
        let best = max_offset_m(&Search {
            dense: &d,
            span: &StretchSpan {
                start: 0.0,
                end: 1.0,
            },
            offset_m: &f,
            piece_m: None,
            rel_tol: DEVIATION_REL_TOL,
        });
        assert!((best - 300.0).abs() < 1.0, "{best}");
    }
}

#[cfg(test)]
mod touch_tests {
    use super::*;
    use crate::geodesy::destination;
    use crate::index::{IndexItem, SpatialIndex};
    use crate::model::{FeatureRef, Role};
    use geo::{Geometry, LineString, coord};

    /// A track that reaches the corridor's edge at one vertex and turns back has
    /// no stretch there; one that goes 1 m beyond has one.
    #[test]
    fn touching_the_boundary_is_not_a_deviation() {
        let line = Geometry::LineString(LineString(vec![
            coord! { x: 30.0, y: 46.0 },
            coord! { x: 30.0, y: 46.2 },
        ]));
        let idx = SpatialIndex::build([IndexItem {
            feature: FeatureRef {
                layer: 0,
                feature: 0,
            },
            role: Role::Corridor,
            reach_m: 1_000.0,
            geometry: &line,
        }]);
        let keep = |_: u32| true;
        for (peak_m, want) in [(1_000.0, 0usize), (999.0, 0), (1_001.0, 1)] {
            let base = |s: f64| destination(coord! { x: 30.0, y: 46.05 }, 0.0, s);
            let coords = vec![
                base(0.0),
                destination(base(500.0), 90.0, peak_m),
                base(1_000.0),
            ];
            let part = TrackPart {
                times: vec![None; coords.len()],
                coords,
            };
            let spans = find_stretches(&DensePart::new(&part), &idx, &keep, Mode::Outside);
            assert_eq!(spans.len(), want, "peak {peak_m}: {spans:?}");
        }
    }
}

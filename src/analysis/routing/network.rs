//! The corridor network as a graph: each usable piece cut at its junctions,
//! junction links where shapes meet within their reaches, and (when asked)
//! bridges between networks that do not meet.

use crate::geodesy::{closest_on_segment_m, distance_m, fast_distance_m};
use crate::index::{PieceKind, box_around};
use geo::Coord;
use petgraph::graph::{NodeIndex, UnGraph};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug)]
pub(super) struct Edge {
    pub(super) length_m: f64,
    /// Allowed shape this edge runs along (`None` for a junction or access leg).
    pub(super) shape: Option<u32>,
    /// A leg off the corridors between two networks that do not meet.
    pub(super) bridge: bool,
}

/// How much more a metre off the corridors costs than one along them, when
/// bridging: the route minimises its distance off the corridors first.
pub(super) const BRIDGE_COST: f64 = 1000.0;

fn key(c: Coord) -> (u64, u64) {
    (c.x.to_bits(), c.y.to_bits())
}

pub(super) struct Builder {
    pub(super) graph: UnGraph<Coord, Edge>,
    nodes: HashMap<(u64, u64), NodeIndex>,
}

impl Builder {
    pub(super) fn node(&mut self, c: Coord) -> NodeIndex {
        *self
            .nodes
            .entry(key(c))
            .or_insert_with(|| self.graph.add_node(c))
    }
}

/// Point at fraction `t` of the short piece `a`-`b` (straight in lon/lat; pieces are ≤ 2 km).
pub(super) fn lerp(a: Coord, b: Coord, t: f64) -> Coord {
    Coord {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
}

/// The nearest line piece to `p` among `usable` shapes: (piece id, t, metres).
/// Joins every pair of networks that do not meet by their closest nodes
/// (geodesic length, costed `BRIDGE_COST` times a corridor metre).
pub(super) fn add_bridges(b: &mut Builder) {
    use petgraph::unionfind::UnionFind;
    let g = &b.graph;
    let mut uf = UnionFind::<usize>::new(g.node_count());
    for e in g.edge_indices() {
        if let Some((x, y)) = g.edge_endpoints(e) {
            uf.union(x.index(), y.index());
        }
    }
    let mut parts: HashMap<usize, Vec<NodeIndex>> = HashMap::new();
    for n in g.node_indices() {
        parts.entry(uf.find(n.index())).or_default().push(n);
    }
    let parts: Vec<Vec<NodeIndex>> = parts.into_values().collect();
    let mut bridges = Vec::new();
    for i in 0..parts.len() {
        for j in i + 1..parts.len() {
            let mut best: Option<(f64, NodeIndex, NodeIndex)> = None;
            for &p in &parts[i] {
                for &q in &parts[j] {
                    let d = fast_distance_m(g[p], g[q]);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, p, q));
                    }
                }
            }
            if let Some((_, p, q)) = best {
                bridges.push((p, q, distance_m(g[p], g[q])));
            }
        }
    }
    for (p, q, d) in bridges {
        b.graph.add_edge(
            p,
            q,
            Edge {
                length_m: d,
                shape: None,
                bridge: true,
            },
        );
    }
}

/// Split points along each usable piece, (t, point), and the junction links
/// (point, point, metres) where another shape's piece lies within both reaches.
#[allow(clippy::type_complexity)]
pub(super) fn junctions(
    idx: &crate::index::SpatialIndex,
    usable: &dyn Fn(u32) -> bool,
) -> (HashMap<u32, Vec<(f64, Coord)>>, Vec<(Coord, Coord, f64)>) {
    let mut splits: HashMap<u32, Vec<(f64, Coord)>> = HashMap::new();
    let mut links: Vec<(Coord, Coord, f64)> = Vec::new();
    for (sid, shape) in idx.shapes.iter().enumerate() {
        if !usable(sid as u32) {
            continue;
        }
        for pc in &idx.pieces[shape.pieces.clone()] {
            if pc.kind != PieceKind::Line {
                continue;
            }
            for v in [pc.a, pc.b] {
                // Closest piece of each other shape within both reaches.
                let mut best: HashMap<u32, (u32, f64, f64)> = HashMap::new();
                for (oid, other) in idx.pieces_in(&box_around(v, shape.reach_m)) {
                    if other.shape == sid as u32
                        || other.kind != PieceKind::Line
                        || !usable(other.shape)
                    {
                        continue;
                    }
                    let (d, t) = closest_on_segment_m(v, other.a, other.b);
                    let reach = shape.reach_m + idx.shapes[other.shape as usize].reach_m;
                    if d.is_finite() && d <= reach.max(1.0) {
                        let e = best.entry(other.shape).or_insert((oid, t, d));
                        if d < e.2 {
                            *e = (oid, t, d);
                        }
                    }
                }
                for (_, (oid, t, d)) in best {
                    let other = &idx.pieces[oid as usize];
                    let at = lerp(other.a, other.b, t);
                    splits.entry(oid).or_default().push((t, at));
                    links.push((v, at, d));
                }
            }
        }
    }
    (splits, links)
}

/// The network: each usable piece cut at its split points, plus the junction links.
pub(super) fn build_graph(
    idx: &crate::index::SpatialIndex,
    usable: &dyn Fn(u32) -> bool,
    splits: &mut HashMap<u32, Vec<(f64, Coord)>>,
    links: Vec<(Coord, Coord, f64)>,
) -> Builder {
    let mut b = Builder {
        graph: UnGraph::default(),
        nodes: HashMap::new(),
    };
    for (sid, shape) in idx.shapes.iter().enumerate() {
        if !usable(sid as u32) {
            continue;
        }
        for pid in shape.pieces.clone() {
            let pc = &idx.pieces[pid];
            if pc.kind != PieceKind::Line {
                continue;
            }
            let mut chain = vec![(0.0, pc.a)];
            if let Some(s) = splits.get_mut(&(pid as u32)) {
                s.sort_by(|x, y| x.0.total_cmp(&y.0));
                chain.extend(s.iter().copied());
            }
            chain.push((1.0, pc.b));
            for w in chain.windows(2) {
                let (na, nb) = (b.node(w[0].1), b.node(w[1].1));
                if na != nb {
                    b.graph.add_edge(
                        na,
                        nb,
                        Edge {
                            length_m: fast_distance_m(w[0].1, w[1].1),
                            shape: Some(sid as u32),
                            bridge: false,
                        },
                    );
                }
            }
        }
    }
    for (p, q, d) in links {
        let (np, nq) = (b.node(p), b.node(q));
        if np != nq {
            b.graph.add_edge(
                np,
                nq,
                Edge {
                    length_m: d,
                    shape: None,
                    bridge: false,
                },
            );
        }
    }
    b
}

//! The R-tree over a layer set: built once, queried for analysis and identify.
//!
//! Every line is densified along its geodesics to pieces of at most
//! [`DENSIFY_M`] metres, so that a straight segment in lon/lat (and in a local
//! metric frame) follows the geodesic to well under a metre. Each piece sits in
//! the tree under its bounding box grown by the shape's reach (a corridor's
//! `tolerance_m`, half a contact line's `width_km`), so a box query at a point
//! returns every area that could contain it. Distances are metres on WGS 84.

mod depth;
mod intervals;

pub use intervals::merge_intervals;

use crate::geodesy::{
    LocalFrame, POLAR_LAT_DEG, closest_on_segment_m, densify_line, distance_m,
    point_segment_distance_m, reach_in_degrees,
};
use crate::model::{FeatureRef, Role};
use geo::{BoundingRect, Coord, Geometry, Intersects, LineString, Polygon};
use rstar::{AABB, RTree, RTreeObject};
use std::collections::HashMap;

/// Longest piece of a line or ring in the index, metres.
pub const DENSIFY_M: f64 = 2_000.0;
/// Beyond this distance, point-to-piece distances use the exact geodesic solution.
const EXACT_BEYOND_M: f64 = 20_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    /// A piece of a line: the area is every point within the shape's reach.
    Line,
    /// A piece of a polygon ring (the area is the polygon).
    Ring,
    /// A point feature.
    Point,
}

#[derive(Clone, Copy, Debug)]
pub struct Piece {
    pub shape: u32,
    pub kind: PieceKind,
    pub a: Coord,
    pub b: Coord,
}

/// One feature as the index sees it.
#[derive(Clone, Debug)]
pub struct Shape {
    pub feature: FeatureRef,
    pub role: Role,
    /// Half-width of the area around a line, metres (0 for other geometry).
    pub reach_m: f64,
    /// Densified polygons (for containment).
    pub polygons: Vec<Polygon<f64>>,
    /// This shape's pieces: `pieces[range]`.
    pub pieces: std::ops::Range<usize>,
    /// West- and easternmost longitude of its polygons (continuous across 180,
    /// so possibly past it; containment rays end at the east one).
    polygon_x: Option<(f64, f64)>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    env: AABB<[f64; 2]>,
    /// The piece (or shape) id; with [`COPY`] set, a copy shifted by 360
    /// degrees of an entry whose box runs past +/-180.
    id: u32,
}

/// The bit of an entry's id that marks a copy across the antimeridian.
const COPY: u32 = 1 << 31;

/// `entry`, and its copy shifted by 360 degrees when its box runs past +/-180,
/// so that a query on either side of the antimeridian finds it.
fn push_entry(out: &mut Vec<Entry>, env: AABB<[f64; 2]>, id: u32) {
    out.push(Entry { env, id });
    if let Some(env) = wrapped(&env) {
        out.push(Entry { env, id: id | COPY });
    }
}

/// Longitudes made continuous along a line or ring (each step taken the short
/// way), so that a line across the antimeridian runs on past +/-180.
fn unwrap_lon(coords: &mut [Coord]) {
    for i in 1..coords.len() {
        let prev = coords[i - 1].x;
        coords[i].x = prev + crate::geodesy::wrap_dlon_deg(coords[i].x - prev);
    }
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// What to index: a feature, its role, its reach in metres and its geometry.
pub struct IndexItem<'a> {
    pub feature: FeatureRef,
    pub role: Role,
    pub reach_m: f64,
    pub geometry: &'a Geometry<f64>,
}

/// What the corridor hint needs of one line piece, in one cache line: its start,
/// the plate carrée scale there, the piece as a vector in that frame, and the
/// squared inner limit of its area (`limit2 <= 0`: never "clearly inside").
#[derive(Clone, Copy, Debug, Default)]
struct HintPiece {
    a: [f64; 2],
    k: [f64; 2],
    e: [f64; 2],
    ee: f64,
    limit2: f64,
}

#[derive(Default)]
pub struct SpatialIndex {
    pub shapes: Vec<Shape>,
    pub pieces: Vec<Piece>,
    tree: RTree<Entry>,
    /// Metres per degree (east, north) at each piece's first point.
    piece_scale: Vec<[f64; 2]>,
    /// Bounding boxes of polygon shapes.
    polygon_tree: RTree<Entry>,
    max_reach_m: f64,
    /// Per piece, for the corridor hint (filled by [`SpatialIndex::prepare_hints`]).
    hint_pieces: Vec<HintPiece>,
}

/// The piece's box grown by `reach_m`; an edge across the antimeridian is taken
/// the short way (its box may run past +/-180: queries look on both sides).
fn grown(a: Coord, b: Coord, reach_m: f64) -> AABB<[f64; 2]> {
    let b = Coord {
        x: a.x + crate::geodesy::wrap_dlon_deg(b.x - a.x),
        y: b.y,
    };
    let lat = a.y.abs().max(b.y.abs());
    let (dlat, dlon) = if reach_m > 0.0 {
        reach_in_degrees(reach_m, lat)
    } else {
        (0.0, 0.0)
    };
    if lat > POLAR_LAT_DEG && (lat + dlat >= 89.99 || (b.x - a.x).abs() > 90.0) {
        return polar_cap(a, b, dlat);
    }
    AABB::from_corners(
        [a.x.min(b.x) - dlon, a.y.min(b.y) - dlat],
        [a.x.max(b.x) + dlon, a.y.max(b.y) + dlat],
    )
}

/// Near a pole a piece may run over it, and a reach may span every longitude:
/// the box is the whole cap.
/// Plate carrée is no guide near a pole: the local (azimuthal) frame's distance.
#[cold]
fn polar_distance_m(piece: &Piece, p: Coord) -> f64 {
    closest_on_segment_m(p, piece.a, piece.b).0
}

#[cold]
fn polar_cap(a: Coord, b: Coord, dlat: f64) -> AABB<[f64; 2]> {
    if a.y + b.y > 0.0 {
        AABB::from_corners([-180.0, a.y.min(b.y) - dlat], [180.0, 90.0])
    } else {
        AABB::from_corners([-180.0, -90.0], [180.0, a.y.max(b.y) + dlat])
    }
}

thread_local! {
    /// Candidate pieces of one distance query, reused (see `distance_to_area_with_piece`).
    static NEAR_BUF: std::cell::RefCell<Vec<(f64, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Where `env` runs past +/-180, its copy shifted by 360 degrees (else `None`).
#[inline]
fn wrapped(env: &AABB<[f64; 2]>) -> Option<AABB<[f64; 2]>> {
    let (lo, hi) = (env.lower(), env.upper());
    let shift = |dx: f64| AABB::from_corners([lo[0] + dx, lo[1]], [hi[0] + dx, hi[1]]);
    if hi[0] > 180.0 {
        Some(shift(-360.0))
    } else if lo[0] < -180.0 {
        Some(shift(360.0))
    } else {
        None
    }
}

/// A search box of `radius_m` metres around `p`, in degrees.
pub fn box_around(p: Coord, radius_m: f64) -> AABB<[f64; 2]> {
    grown(p, p, radius_m)
}

impl SpatialIndex {
    /// Builds the index (bulk-loaded R-trees).
    pub fn build<'a>(items: impl IntoIterator<Item = IndexItem<'a>>) -> SpatialIndex {
        let mut idx = SpatialIndex::default();
        let mut entries = Vec::new();
        let mut poly_entries = Vec::new();
        for item in items {
            let shape_id = idx.shapes.len() as u32;
            let start = idx.pieces.len();
            let mut polygons = Vec::new();
            let reach_m = if item.reach_m.is_finite() {
                item.reach_m.max(0.0)
            } else {
                0.0
            };
            let add_line = |idx: &mut SpatialIndex, coords: &[Coord], kind: PieceKind| {
                let mut dense = densify_line(coords, DENSIFY_M);
                unwrap_lon(&mut dense);
                for w in dense.windows(2) {
                    idx.pieces.push(Piece {
                        shape: shape_id,
                        kind,
                        a: w[0],
                        b: w[1],
                    });
                }
            };
            let mut stack = vec![item.geometry];
            while let Some(g) = stack.pop() {
                match g {
                    Geometry::Point(p) => idx.pieces.push(Piece {
                        shape: shape_id,
                        kind: PieceKind::Point,
                        a: p.0,
                        b: p.0,
                    }),
                    Geometry::MultiPoint(mp) => {
                        for p in &mp.0 {
                            idx.pieces.push(Piece {
                                shape: shape_id,
                                kind: PieceKind::Point,
                                a: p.0,
                                b: p.0,
                            });
                        }
                    }
                    Geometry::LineString(l) => add_line(&mut idx, &l.0, PieceKind::Line),
                    Geometry::MultiLineString(m) => {
                        for l in &m.0 {
                            add_line(&mut idx, &l.0, PieceKind::Line);
                        }
                    }
                    Geometry::Polygon(p) => polygons.push(p.clone()),
                    Geometry::MultiPolygon(m) => polygons.extend(m.0.iter().cloned()),
                    Geometry::GeometryCollection(c) => stack.extend(c.0.iter()),
                    Geometry::Line(l) => add_line(&mut idx, &[l.start, l.end], PieceKind::Line),
                    Geometry::Rect(r) => polygons.push(r.to_polygon()),
                    Geometry::Triangle(t) => polygons.push(t.to_polygon()),
                }
            }
            let polygons: Vec<Polygon<f64>> = polygons
                .iter()
                .map(|p| {
                    let ring = |r: &LineString<f64>| {
                        let mut dense = densify_line(&r.0, DENSIFY_M);
                        unwrap_lon(&mut dense);
                        LineString(dense)
                    };
                    let ext = ring(p.exterior());
                    // Holes continue from the exterior's side of 180.
                    let x0 = ext.0.first().map_or(0.0, |c| c.x);
                    let ints = p
                        .interiors()
                        .iter()
                        .map(|r| {
                            let mut h = ring(r);
                            if let Some(first) = h.0.first().map(|c| c.x) {
                                let shift = x0 + crate::geodesy::wrap_dlon_deg(first - x0) - first;
                                h.0.iter_mut().for_each(|c| c.x += shift);
                            }
                            h
                        })
                        .collect();
                    Polygon::new(ext, ints)
                })
                .collect();
            for p in &polygons {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for w in ring.0.windows(2) {
                        idx.pieces.push(Piece {
                            shape: shape_id,
                            kind: PieceKind::Ring,
                            a: w[0],
                            b: w[1],
                        });
                    }
                }
                if let Some(r) = p.bounding_rect() {
                    push_entry(
                        &mut poly_entries,
                        AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        shape_id,
                    );
                }
            }
            let pieces = start..idx.pieces.len();
            for (i, piece) in idx.pieces[pieces.clone()].iter().enumerate() {
                let reach = if piece.kind == PieceKind::Line {
                    reach_m
                } else {
                    0.0
                };
                push_entry(
                    &mut entries,
                    grown(piece.a, piece.b, reach),
                    (start + i) as u32,
                );
            }
            idx.max_reach_m = idx.max_reach_m.max(reach_m);
            let polygon_x = polygons
                .iter()
                .filter_map(|poly| poly.bounding_rect())
                .map(|r| (r.min().x, r.max().x))
                .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
            idx.shapes.push(Shape {
                feature: item.feature,
                role: item.role,
                reach_m,
                polygons,
                pieces,
                polygon_x,
            });
        }
        idx.piece_scale = idx
            .pieces
            .iter()
            .map(|p| {
                let (m, n) = crate::geodesy::radii_m(p.a.y);
                [
                    n * p.a.y.to_radians().cos() * std::f64::consts::PI / 180.0,
                    m * std::f64::consts::PI / 180.0,
                ]
            })
            .collect();
        idx.tree = RTree::bulk_load(entries);
        idx.polygon_tree = RTree::bulk_load(poly_entries);
        idx
    }

    /// Precomputes what the corridor hint of [`Self::edge_inside_intervals`]
    /// tests per piece (64 bytes a piece: for the analysis indexes, not the
    /// app's index of every feature). Without it the hint always falls through.
    pub fn prepare_hints(&mut self) {
        self.hint_pieces = self
            .pieces
            .iter()
            .zip(&self.piece_scale)
            .map(|(piece, &[kx, ky])| {
                let e = [
                    crate::geodesy::wrap_dlon_deg(piece.b.x - piece.a.x) * kx,
                    (piece.b.y - piece.a.y) * ky,
                ];
                let reach = self.shapes[piece.shape as usize].reach_m;
                let limit = reach * (1.0 - 2e-3) - 0.5;
                HintPiece {
                    a: [piece.a.x, piece.a.y],
                    k: [kx, ky],
                    e,
                    ee: e[0] * e[0] + e[1] * e[1],
                    limit2: if limit > 0.0
                        && piece.kind == PieceKind::Line
                        && piece.a.y.abs().max(piece.b.y.abs()) < POLAR_LAT_DEG - 1.0
                    {
                        limit * limit
                    } else {
                        0.0
                    },
                }
            })
            .collect();
    }

    /// Every feature of every layer (for identify, queries and drawing).
    pub fn of_layers(layers: &[crate::model::Layer]) -> SpatialIndex {
        SpatialIndex::build(layers.iter().enumerate().flat_map(|(li, l)| {
            l.features.iter().enumerate().filter_map(move |(fi, f)| {
                Some(IndexItem {
                    feature: FeatureRef {
                        layer: li as u32,
                        feature: fi as u32,
                    },
                    role: f.role,
                    reach_m: f.reach_m(f.role),
                    geometry: f.geometry.as_ref()?,
                })
            })
        }))
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Pieces whose (reach-grown) box meets `env`.
    #[inline]
    pub fn pieces_in(&self, env: &AABB<[f64; 2]>) -> impl Iterator<Item = (u32, &Piece)> {
        // The common case is one plain R-tree query; the copy across 180 is rare.
        self.tree
            .locate_in_envelope_intersecting(env)
            .chain(
                wrapped(env)
                    .into_iter()
                    .flat_map(|e| self.tree.locate_in_envelope_intersecting(&e)),
            )
            .map(|e| {
                let id = e.id & !COPY;
                (id, &self.pieces[id as usize])
            })
    }

    /// Polygon shapes whose bounding box meets `env`.
    pub fn polygon_shapes_in(&self, env: &AABB<[f64; 2]>) -> impl Iterator<Item = u32> + '_ {
        self.polygon_tree
            .locate_in_envelope_intersecting(env)
            .chain(
                wrapped(env)
                    .into_iter()
                    .flat_map(|e| self.polygon_tree.locate_in_envelope_intersecting(&e)),
            )
            .map(|e| e.id & !COPY)
    }

    /// Even-odd containment by casting a ray east from `p` through the indexed
    /// ring pieces (an R-tree query on a thin box, not a walk over every vertex).
    /// Rings are continuous in longitude, so a polygon across 180 may run past
    /// it: `p` is tried at its longitude and 360 degrees either side.
    fn polygon_contains(&self, shape: u32, p: Coord) -> bool {
        let Some((min_x, max_x)) = self.shapes[shape as usize].polygon_x else {
            return false;
        };
        let x = crate::geodesy::wrap_dlon_deg(p.x);
        [x, x + 360.0, x - 360.0]
            .into_iter()
            .filter(|x| (min_x..=max_x).contains(x))
            .any(|x| self.ray_cast(shape, Coord { x, y: p.y }, max_x))
    }

    fn ray_cast(&self, shape: u32, p: Coord, max_x: f64) -> bool {
        let env = AABB::from_corners([p.x, p.y], [max_x, p.y]);
        let mut inside = false;
        for e in self.tree.locate_in_envelope_intersecting(&env) {
            if e.id & COPY != 0 {
                continue;
            }
            let pc = &self.pieces[e.id as usize];
            if pc.shape != shape || pc.kind != PieceKind::Ring {
                continue;
            }
            let (a, b) = (pc.a, pc.b);
            if (a.y > p.y) != (b.y > p.y) {
                let x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
                if x > p.x {
                    inside = !inside;
                } else if x == p.x {
                    return true;
                }
            }
        }
        inside
    }

    /// Distance from `p` to the nearest ring piece of a polygon shape, metres.
    fn ring_distance_m(&self, shape: u32, p: Coord) -> f64 {
        let mut radius_m = 1_000.0f64;
        loop {
            let best = self
                .pieces_in(&box_around(p, radius_m))
                .filter(|(_, pc)| pc.shape == shape && pc.kind == PieceKind::Ring)
                .map(|(_, pc)| Self::piece_distance_m(pc, p))
                .fold(f64::INFINITY, f64::min);
            if best <= radius_m || radius_m > 2.1e7 {
                return best;
            }
            radius_m *= 4.0;
        }
    }

    /// Distance from `p` to a piece's geometry, metres.
    pub fn piece_distance_m(piece: &Piece, p: Coord) -> f64 {
        if piece.a == piece.b {
            return distance_m(p, piece.a);
        }
        let (d, _) = closest_on_segment_m(p, piece.a, piece.b);
        if d > EXACT_BEYOND_M {
            point_segment_distance_m(p, piece.a, piece.b)
        } else {
            d
        }
    }

    /// Whether `p` lies in the area of any shape that `keep` accepts (a closed
    /// set: the boundary counts as inside).
    pub fn contains(&self, p: Coord, keep: &dyn Fn(u32) -> bool) -> bool {
        let env = box_around(p, 0.0);
        for (_, piece) in self.pieces_in(&env) {
            if piece.kind == PieceKind::Line && keep(piece.shape) {
                let reach = self.shapes[piece.shape as usize].reach_m;
                if Self::piece_distance_m(piece, p) <= reach {
                    return true;
                }
            }
        }
        self.polygon_shapes_in(&env)
            .any(|s| keep(s) && self.polygon_contains(s, p))
    }

    /// Distance in metres from `p` to the union of the areas `keep` accepts
    /// (0 inside); `None` when no shape is accepted.
    pub fn distance_to_area_m(&self, p: Coord, keep: &dyn Fn(u32) -> bool) -> Option<f64> {
        self.distance_to_area_with_piece(p, keep).map(|(d, _)| d)
    }

    /// Distance from `p` to the area of one piece (0 inside a line's area; for a
    /// ring piece, the distance to that edge), metres. Never below the distance
    /// to the whole area, and convex along a straight path.
    pub fn piece_area_distance_m(&self, id: u32, p: Coord) -> f64 {
        let piece = &self.pieces[id as usize];
        let reach = if piece.kind == PieceKind::Line {
            self.shapes[piece.shape as usize].reach_m
        } else {
            0.0
        };
        (Self::piece_distance_m(piece, p) - reach).max(0.0)
    }

    /// [`Self::distance_to_area_m`] with the piece that is nearest (`None`
    /// inside a polygon area).
    pub fn distance_to_area_with_piece(
        &self,
        p: Coord,
        keep: &dyn Fn(u32) -> bool,
    ) -> Option<(f64, Option<u32>)> {
        self.distance_to_area_from(p, keep, 5_000.0)
    }

    /// [`Self::distance_to_area_with_piece`], searching first within
    /// `start_radius_m` (a known upper bound on the answer saves a widening pass).
    pub fn distance_to_area_from(
        &self,
        p: Coord,
        keep: &dyn Fn(u32) -> bool,
        start_radius_m: f64,
    ) -> Option<(f64, Option<u32>)> {
        // Inside a polygon area: 0. Inside a line's area shows as 0 in the loop below.
        let here = box_around(p, 0.0);
        if self
            .polygon_shapes_in(&here)
            .any(|s| keep(s) && self.polygon_contains(s, p))
        {
            return Some((0.0, None));
        }
        let mut radius_m = if start_radius_m.is_finite() {
            start_radius_m.clamp(50.0, 2.1e7)
        } else {
            5_000.0
        };
        loop {
            let env = box_around(p, radius_m + self.max_reach_m);
            let mut best: Option<(f64, Option<u32>)> = None;
            // Pieces far away (where the local frame is not exact enough) are
            // bracketed by their end distances first: a piece of length L at end
            // distance D is between D - L and D away; only the contenders get the
            // exact (and costly) geodesic solution.
            let mut far: Vec<(u32, f64, f64)> = Vec::new();
            // A cheap plate carrée distance first (no trigonometry); only pieces that
            // could be the nearest get the accurate local-frame solution. The buffer
            // is reused per thread: this runs for every probe of every max offset.
            let mut near: Vec<(f64, u32)> = NEAR_BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
            near.clear();
            for (id, piece) in self.pieces_in(&env) {
                if piece.kind == PieceKind::Point || !keep(piece.shape) {
                    continue;
                }
                let reach = if piece.kind == PieceKind::Line {
                    self.shapes[piece.shape as usize].reach_m
                } else {
                    0.0
                };
                near.push((self.plate_carree_m(id, p) - reach, id));
            }
            let min_approx = near.iter().map(|n| n.0).fold(f64::INFINITY, f64::min);
            // The plate carrée scale is off by about tan(lat) x the latitude span.
            let slack = min_approx.max(0.0)
                * (0.01
                    + 3.0 * min_approx.max(0.0) / 6.371e6 * p.y.to_radians().tan().abs().max(1.0))
                + 50.0;
            for &(approx, id) in &near {
                if approx > min_approx + slack {
                    continue;
                }
                let piece = &self.pieces[id as usize];
                let reach = if piece.kind == PieceKind::Line {
                    self.shapes[piece.shape as usize].reach_m
                } else {
                    0.0
                };
                let (fast, _) = closest_on_segment_m(p, piece.a, piece.b);
                if fast <= EXACT_BEYOND_M {
                    let d = (fast - reach).max(0.0);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, Some(id)));
                    }
                } else {
                    let ends = distance_m(p, piece.a).min(distance_m(p, piece.b));
                    far.push((id, reach, ends));
                }
            }
            let upper = far
                .iter()
                .map(|&(_, reach, ends)| ends - reach)
                .fold(best.map_or(f64::INFINITY, |b| b.0), f64::min);
            for &(id, reach, ends) in &far {
                let piece = &self.pieces[id as usize];
                let len = distance_m(piece.a, piece.b);
                if ends - len - reach <= upper {
                    let d = (point_segment_distance_m(p, piece.a, piece.b) - reach).max(0.0);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, Some(id)));
                    }
                }
            }
            NEAR_BUF.with(|b| *b.borrow_mut() = near);
            if let Some(b) = best
                && b.0 <= radius_m
            {
                return Some(b);
            }
            if radius_m > 2.1e7 {
                return best;
            }
            radius_m *= 4.0;
        }
    }

    /// How deep `p` is inside the areas `keep` accepts: the distance from `p` to
    /// the boundary of their union, metres (0 outside). Where a contact line bends
    /// or areas overlap this is more than the depth inside any one of them.
    pub fn depth_m(&self, p: Coord, keep: &dyn Fn(u32) -> bool) -> f64 {
        let env = box_around(p, 0.0);
        let mut line_dist: HashMap<u32, f64> = HashMap::new();
        for (_, piece) in self.pieces_in(&env) {
            if piece.kind == PieceKind::Line && keep(piece.shape) {
                let d = Self::piece_distance_m(piece, p);
                let e = line_dist.entry(piece.shape).or_insert(f64::INFINITY);
                *e = e.min(d);
            }
        }
        // The depth inside the deepest single area: a lower bound of the union's.
        let mut lower_m = 0.0f64;
        let mut inside = false;
        for (s, d) in line_dist {
            let depth = self.shapes[s as usize].reach_m - d;
            inside |= depth > 0.0;
            lower_m = lower_m.max(depth);
        }
        for s in self.polygon_shapes_in(&env).collect::<Vec<_>>() {
            if keep(s) && self.polygon_contains(s, p) {
                inside = true;
                let d = self.ring_distance_m(s, p);
                if d.is_finite() {
                    lower_m = lower_m.max(d);
                }
            }
        }
        if !inside {
            return 0.0;
        }
        self.union_depth_m(p, keep, lower_m.max(0.0))
    }

    /// Distance from `p` to the nearest geometry (not area) of the line shapes
    /// `keep` accepts, metres; `None` when there is none.
    pub fn line_distance_m(&self, p: Coord, keep: &dyn Fn(u32) -> bool) -> Option<f64> {
        if !self.shapes.iter().enumerate().any(|(s, sh)| {
            keep(s as u32)
                && self.pieces[sh.pieces.clone()]
                    .iter()
                    .any(|pc| pc.kind == PieceKind::Line)
        }) {
            return None;
        }
        let mut radius_m = 1_000.0f64;
        loop {
            let best = self
                .pieces_in(&box_around(p, radius_m))
                .filter(|(_, pc)| pc.kind == PieceKind::Line && keep(pc.shape))
                .map(|(_, pc)| Self::piece_distance_m(pc, p))
                .fold(f64::INFINITY, f64::min);
            if best <= radius_m || radius_m > 2.1e7 {
                return best.is_finite().then_some(best);
            }
            radius_m *= 4.0;
        }
    }

    /// Distance from `p` to piece `id` in a plate carrée frame scaled at the piece:
    /// cheap, within about 1 % for nearby points (used to pick candidates only).
    #[inline]
    fn plate_carree_m(&self, id: u32, p: Coord) -> f64 {
        let piece = &self.pieces[id as usize];
        if p.y.abs().max(piece.a.y.abs()) > POLAR_LAT_DEG - 1.0 {
            return polar_distance_m(piece, p);
        }
        let [kx, ky] = self.piece_scale[id as usize];
        let q = [
            crate::geodesy::wrap_dlon_deg(p.x - piece.a.x) * kx,
            (p.y - piece.a.y) * ky,
        ];
        let e = [
            crate::geodesy::wrap_dlon_deg(piece.b.x - piece.a.x) * kx,
            (piece.b.y - piece.a.y) * ky,
        ];
        crate::geodesy::planar_closest_pub(q, [0.0, 0.0], e).0
    }

    /// Whether `p` is inside the capsule of line piece `id` with a safety margin,
    /// in a plate carrée frame scaled at the piece (no trigonometry per point).
    /// Within ~20 km its scale error is below 2e-3, so a point passing this test
    /// is inside; one failing it gets the exact test.
    #[inline]
    fn clearly_inside(&self, id: u32, p: Coord) -> bool {
        let Some(h) = self.hint_pieces.get(id as usize) else {
            return false;
        };
        if h.limit2 <= 0.0 {
            return false;
        }
        let q = [
            crate::geodesy::wrap_dlon_deg(p.x - h.a[0]) * h.k[0],
            (p.y - h.a[1]) * h.k[1],
        ];
        let (e, ee, l2) = (h.e, h.ee, h.limit2);
        // Squared distances, no division or square root: |q - t e| <= limit.
        let (qq, dot) = (q[0] * q[0] + q[1] * q[1], q[0] * e[0] + q[1] * e[1]);
        if dot <= 0.0 || ee <= 0.0 {
            qq <= l2
        } else if dot >= ee {
            let (dx, dy) = (q[0] - e[0], q[1] - e[1]);
            dx * dx + dy * dy <= l2
        } else {
            qq * ee - dot * dot <= l2 * ee
        }
    }

    /// The parts of the short edge `a`-`b` inside the areas `keep` accepts, as
    /// sorted, disjoint parameter intervals in [0, 1] (closed).
    ///
    /// `hint` carries the line piece that held the previous edge whole: areas
    /// around a segment are convex, so if it holds both ends it holds the edge.
    pub fn edge_inside_intervals(
        &self,
        a: Coord,
        b: Coord,
        keep: &dyn Fn(u32) -> bool,
        hint: &mut Option<u32>,
        out: &mut Vec<(f64, f64)>,
    ) {
        out.clear();
        if let Some(h) = *hint {
            // A track follows its corridor: try the hinted piece, then its neighbours
            // along the same line, before asking the R-tree.
            let shape = self.pieces[h as usize].shape;
            for id in [Some(h), h.checked_add(1), h.checked_sub(1)]
                .into_iter()
                .flatten()
            {
                // The hinted piece held all of the previous edge, whose end is this start.
                if (id as usize) < self.pieces.len()
                    && self.pieces[id as usize].shape == shape
                    && self.pieces[id as usize].kind == PieceKind::Line
                    && keep(shape)
                    && (id == h || self.clearly_inside(id, a))
                    && self.clearly_inside(id, b)
                {
                    *hint = Some(id);
                    out.push((0.0, 1.0));
                    return;
                }
            }
        }
        // From here on the hint only survives if a piece holds this whole edge.
        *hint = None;
        let frame = LocalFrame::new(a);
        let pa = [0.0, 0.0];
        let pb = frame.to_xy(b);
        let env = grown(a, b, 0.0);
        let mut ring_pieces: Vec<&Piece> = Vec::new();
        for (id, piece) in self.pieces_in(&env) {
            if !keep(piece.shape) {
                continue;
            }
            match piece.kind {
                PieceKind::Line => {
                    let reach = self.shapes[piece.shape as usize].reach_m;
                    let (ca, cb) = (frame.to_xy(piece.a), frame.to_xy(piece.b));
                    if let Some(iv) = intervals::segment_in_capsule(pa, pb, ca, cb, reach) {
                        if iv == (0.0, 1.0) {
                            *hint = Some(id);
                            out.clear();
                            out.push(iv);
                            return;
                        }
                        out.push(iv);
                    }
                }
                PieceKind::Ring => ring_pieces.push(piece),
                PieceKind::Point => {}
            }
        }
        for s in self.polygon_shapes_in(&env).collect::<Vec<_>>() {
            if !keep(s) {
                continue;
            }
            let mut cuts: Vec<f64> = vec![0.0, 1.0];
            for piece in ring_pieces.iter().filter(|p| p.shape == s) {
                if let Some(t) =
                    intervals::segment_crossing(pa, pb, frame.to_xy(piece.a), frame.to_xy(piece.b))
                {
                    cuts.push(t);
                }
            }
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            for w in cuts.windows(2) {
                let tm = 0.5 * (w[0] + w[1]);
                let m = Coord {
                    x: a.x + tm * crate::geodesy::wrap_dlon_deg(b.x - a.x),
                    y: a.y + tm * (b.y - a.y),
                };
                if self.polygon_contains(s, m) {
                    out.push((w[0], w[1]));
                }
            }
        }
        merge_intervals(out);
    }

    /// Shapes with their distance (metres) from `p`, for those within `radius_m`
    /// of their geometry (0 inside a polygon); sorted by distance. The distances
    /// are Karney's (exact geodesics): the local frame picks the candidates.
    pub fn within_m(&self, p: Coord, radius_m: f64) -> Vec<(u32, f64)> {
        let env = box_around(p, radius_m.max(0.0));
        // Per shape: the fast distance of each nearby piece.
        let mut near: HashMap<u32, Vec<(f64, u32)>> = HashMap::new();
        for (id, piece) in self.pieces_in(&env) {
            let d = Self::piece_distance_m(piece, p);
            near.entry(piece.shape).or_default().push((d, id));
        }
        let mut best: HashMap<u32, f64> = HashMap::new();
        for (shape, pieces) in near {
            let fast = pieces.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
            // The frame is within ~4e-6 of Karney to 20 km, exact beyond.
            let slack = 1e-5 * fast + 0.1;
            if fast > radius_m + slack {
                continue;
            }
            let exact = pieces
                .iter()
                .filter(|c| c.0 <= fast + slack)
                .map(|&(_, id)| self.piece_distance_exact_m(id, p))
                .fold(f64::INFINITY, f64::min);
            best.insert(shape, exact);
        }
        for s in self.polygon_shapes_in(&env).collect::<Vec<_>>() {
            if self.polygon_contains(s, p) {
                best.insert(s, 0.0);
            }
        }
        let mut out: Vec<(u32, f64)> = best.into_iter().filter(|(_, d)| *d <= radius_m).collect();
        out.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
        out
    }

    /// Distance from `p` to piece `id`'s geometry on the geodesic, metres (Karney).
    pub fn piece_distance_exact_m(&self, id: u32, p: Coord) -> f64 {
        let piece = &self.pieces[id as usize];
        if piece.a == piece.b {
            distance_m(p, piece.a)
        } else {
            point_segment_distance_m(p, piece.a, piece.b)
        }
    }

    /// The `k` shapes nearest to `p`, with distances in metres.
    pub fn nearest(&self, p: Coord, k: usize) -> Vec<(u32, f64)> {
        if k == 0 || self.shapes.is_empty() {
            return Vec::new();
        }
        let mut radius_m = 1_000.0;
        loop {
            let found = self.within_m(p, radius_m);
            if found.len() >= k.min(self.shapes.len()) || radius_m > 4.1e7 {
                return found.into_iter().take(k).collect();
            }
            radius_m *= 4.0;
        }
    }

    /// Shapes with any part inside the lon/lat box (west, south, east, north).
    /// A box with `west > east` runs across the antimeridian (RFC 7946, 5.2).
    pub fn in_bbox(&self, west: f64, south: f64, east: f64, north: f64) -> Vec<u32> {
        let east = if west > east { east + 360.0 } else { east };
        let env = AABB::from_corners([west, south], [east, north]);
        let rect = geo::Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north });
        let mut hit: Vec<u32> = Vec::new();
        for (_, piece) in self.pieces_in(&env) {
            let a = piece.a;
            let b = Coord {
                x: a.x + crate::geodesy::wrap_dlon_deg(piece.b.x - a.x),
                y: piece.b.y,
            };
            // The piece where it is, and 360 degrees either side of it.
            let inside = [0.0, 360.0, -360.0].into_iter().any(|dx| {
                let (a, b) = (
                    Coord {
                        x: a.x + dx,
                        y: a.y,
                    },
                    Coord {
                        x: b.x + dx,
                        y: b.y,
                    },
                );
                if a == b {
                    rect.intersects(&a)
                } else {
                    rect.intersects(&geo::Line::new(a, b))
                }
            });
            if inside {
                hit.push(piece.shape);
            }
        }
        // A box wholly inside a polygon touches none of its rings.
        let centre = Coord {
            x: 0.5 * (west + east),
            y: 0.5 * (south + north),
        };
        for s in self.polygon_shapes_in(&env).collect::<Vec<_>>() {
            if self.polygon_contains(s, centre) {
                hit.push(s);
            }
        }
        hit.sort_unstable();
        hit.dedup();
        hit
    }

    /// The shape's area contains `p`, or its geometry is within `pick_m` metres.
    pub fn at(&self, p: Coord, pick_m: f64) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = self
            .within_m(p, pick_m.max(self.max_reach_m))
            .into_iter()
            .filter(|&(s, d)| {
                let shape = &self.shapes[s as usize];
                d <= pick_m
                    || (shape.reach_m > 0.0
                        && d <= shape.reach_m
                        && !self.pieces[shape.pieces.clone()]
                            .iter()
                            .all(|pc| pc.kind != PieceKind::Line))
            })
            .collect();
        out.sort_by(|x, y| x.1.total_cmp(&y.1));
        out
    }
}

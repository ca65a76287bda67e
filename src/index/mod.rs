//! The R-tree over a layer set: built once, queried for analysis and identify.
//!
//! Every line is densified along its geodesics to pieces of at most
//! [`DENSIFY_M`] metres, so that a straight segment in lon/lat (and in a local
//! metric frame) follows the geodesic to well under a metre. Each piece sits in
//! the tree under its bounding box grown by the shape's reach (a corridor's
//! `tolerance_m`, half a contact line's `width_km`), so a box query at a point
//! returns every area that could contain it. Distances are metres on WGS 84.

mod area;
mod depth;
mod far;
mod hint;
mod intervals;
pub mod outline;
mod query;
pub use query::QueryArea;

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

#[derive(Default)]
pub struct SpatialIndex {
    pub shapes: Vec<Shape>,
    pub pieces: Vec<Piece>,
    tree: RTree<Entry>,
    /// Metres per degree (east, north) at each piece's first point.
    piece_scale: Vec<[f64; 2]>,
    /// Per piece and per run of pieces, what far distances need (`far`).
    far: far::FarTables,
    /// Bounding boxes of polygon shapes.
    polygon_tree: RTree<Entry>,
    max_reach_m: f64,
    /// Per piece, for the corridor hint (filled by [`SpatialIndex::prepare_hints`]).
    hint_pieces: Vec<hint::HintPiece>,
    /// The outline of the union of all areas, built on first need (depth).
    boundary: std::sync::OnceLock<Boundary>,
}

/// The outline of the union of all zones, as edges in an R-tree (built in `depth`).
struct Boundary {
    edges: Vec<(Coord, Coord)>,
    tree: RTree<Entry>,
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
#[cold]
fn polar_cap(a: Coord, b: Coord, dlat: f64) -> AABB<[f64; 2]> {
    if a.y + b.y > 0.0 {
        AABB::from_corners([-180.0, a.y.min(b.y) - dlat], [180.0, 90.0])
    } else {
        AABB::from_corners([-180.0, -90.0], [180.0, a.y.max(b.y) + dlat])
    }
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
        idx.far = far::FarTables::build(&idx.pieces, &idx.shapes);
        idx.tree = RTree::bulk_load(entries);
        idx.polygon_tree = RTree::bulk_load(poly_entries);
        idx
    }

    /// Every feature of every layer (for identify, queries and drawing).
    pub fn of_layers(layers: &[crate::model::Layer]) -> SpatialIndex {
        SpatialIndex::of_layers_where(layers, &|_| true)
    }

    /// The features of `layers` whose geometry `keep` accepts.
    pub(crate) fn of_layers_where(
        layers: &[crate::model::Layer],
        keep: &dyn Fn(&Geometry<f64>) -> bool,
    ) -> SpatialIndex {
        SpatialIndex::build(layers.iter().enumerate().flat_map(|(li, l)| {
            l.features.iter().enumerate().filter_map(move |(fi, f)| {
                Some(IndexItem {
                    feature: FeatureRef {
                        layer: li as u32,
                        feature: fi as u32,
                    },
                    role: f.role,
                    reach_m: f.reach_m(f.role),
                    geometry: f.geometry.as_ref().filter(|g| keep(g))?,
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
}

//! Distances far from every area (a vessel hundreds of kilometres from any
//! grain lane): bounds from Lambert's formula, first on runs of pieces
//! ("chunks", up to 32 km of a line or ring as one chord with its sagitta),
//! then on the pieces of the chunks that could be nearest, so that a far
//! query solves exact geodesics for one or two pieces, not for every piece a
//! sphere cannot rule out.

use super::*;
use crate::geodesy::{LAMBERT_MAX_M, LAMBERT_REL_ERR, Reduced, fast_distance_m, foot_from_sides};

thread_local! {
    /// The chunks of one far query, reused (`far_band` runs for every far probe).
    static CHUNK_BUF: std::cell::RefCell<Vec<(u32, f64, f64)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Pieces per chunk.
const CHUNK_PIECES: usize = 16;
/// Mean Earth radius, metres (the plane triangle's error term).
const R_M: f64 = 6_371_008.8;
/// Beyond this distance (metres) from every chunk a query takes the far path.
pub(super) const FAR_PATH_M: f64 = 25_000.0;

/// A piece's ends as Lambert's formula takes them, and its length (metres).
#[derive(Clone, Copy, Debug)]
pub(super) struct PieceFar {
    a: Reduced,
    b: Reduced,
    len_m: f64,
}

/// Consecutive pieces of one line or ring: the chord from the first piece's
/// start to the last piece's end, its length, and how far any of its
/// vertices lies from the chord (metres, widened).
#[derive(Clone, Debug)]
pub(super) struct Chunk {
    shape: u32,
    kind: PieceKind,
    pieces: std::ops::Range<u32>,
    a: Reduced,
    b: Reduced,
    len_m: f64,
    sag_m: f64,
}

/// The far-distance tables of an index: per piece, and per chunk with an
/// R-tree over the chunks' boxes (grown by their reach).
#[derive(Default)]
pub(super) struct FarTables {
    pieces: Vec<PieceFar>,
    chunks: Vec<Chunk>,
    tree: RTree<Entry>,
}

impl FarTables {
    pub(super) fn build(pieces: &[Piece], shapes: &[Shape]) -> FarTables {
        let far = pieces
            .iter()
            .map(|p| PieceFar {
                a: Reduced::new(p.a),
                b: Reduced::new(p.b),
                len_m: fast_distance_m(p.a, p.b),
            })
            .collect();
        let mut chunks = Vec::new();
        let mut entries = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            let first = &pieces[i];
            let mut j = i + 1;
            if first.kind != PieceKind::Point {
                while j < pieces.len()
                    && j - i < CHUNK_PIECES
                    && pieces[j].shape == first.shape
                    && pieces[j].kind == first.kind
                    && pieces[j].a == pieces[j - 1].b
                {
                    j += 1;
                }
                let (a, b) = (first.a, pieces[j - 1].b);
                let sag_m = pieces[i..j]
                    .iter()
                    .map(|pc| closest_on_segment_m(pc.b, a, b).0)
                    .fold(0.0, f64::max);
                let reach = if first.kind == PieceKind::Line {
                    shapes[first.shape as usize].reach_m
                } else {
                    0.0
                };
                let env = pieces[i..j]
                    .iter()
                    .map(|pc| grown(pc.a, pc.b, reach))
                    .reduce(|x, y| rstar::Envelope::merged(&x, &y))
                    .expect("a chunk holds a piece");
                push_entry(&mut entries, env, chunks.len() as u32);
                chunks.push(Chunk {
                    shape: first.shape,
                    kind: first.kind,
                    pieces: i as u32..j as u32,
                    a: Reduced::new(a),
                    b: Reduced::new(b),
                    len_m: fast_distance_m(a, b),
                    // The local frame's error at 32 km, and a metre.
                    sag_m: sag_m * 1.001 + 1.0,
                });
            }
            i = j;
        }
        FarTables {
            pieces: far,
            chunks,
            tree: RTree::bulk_load(entries),
        }
    }
}

impl SpatialIndex {
    /// The pieces that could be nearest `p` among the shapes `keep` accepts
    /// within `env`, with bounds on their area distances (lower, upper;
    /// metres), nearest bound first, when every chunk in `env` is over
    /// [`FAR_PATH_M`] away (and within Lambert's range); `None` otherwise.
    pub(super) fn far_band(
        &self,
        p: Coord,
        keep: &dyn Fn(u32) -> bool,
        env: &AABB<[f64; 2]>,
    ) -> Option<Vec<(u32, f64, f64)>> {
        let from = Reduced::new(p);
        let mut chunks = CHUNK_BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
        chunks.clear();
        let found = self.far_chunks(&from, keep, env, &mut chunks);
        let band = found.then(|| self.band_of_chunks(p, &from, &mut chunks));
        CHUNK_BUF.with(|b| *b.borrow_mut() = chunks);
        band
    }

    /// The chunks in `env` of the shapes `keep` accepts, with their bounds,
    /// into `out`; false as soon as one is within [`FAR_PATH_M`].
    fn far_chunks(
        &self,
        from: &Reduced,
        keep: &dyn Fn(u32) -> bool,
        env: &AABB<[f64; 2]>,
        out: &mut Vec<(u32, f64, f64)>,
    ) -> bool {
        let wraps = wrapped(env);
        let hits = self.far.tree.locate_in_envelope_intersecting(env).chain(
            wraps
                .into_iter()
                .flat_map(|e| self.far.tree.locate_in_envelope_intersecting(&e)),
        );
        for e in hits {
            let id = e.id & !COPY;
            let c = &self.far.chunks[id as usize];
            // A chunk and its copy across 180 both meet a box that wraps.
            if !keep(c.shape) || (wraps.is_some() && out.iter().any(|k| k.0 == id)) {
                continue;
            }
            match self.chunk_bounds_m(c, from) {
                Some((lo, hi)) if lo > FAR_PATH_M => out.push((id, lo, hi)),
                _ => return false,
            }
        }
        true
    }

    /// The pieces of `chunks` that could be nearest, with their bounds, nearest first.
    fn band_of_chunks(
        &self,
        p: Coord,
        from: &Reduced,
        chunks: &mut [(u32, f64, f64)],
    ) -> Vec<(u32, f64, f64)> {
        let mut upper = chunks.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
        chunks.sort_unstable_by(|x, y| x.1.total_cmp(&y.1));
        let mut band = Vec::new();
        for &(id, lo, _) in chunks.iter() {
            if lo > upper {
                break;
            }
            // The pieces of a chunk run end to start: each vertex is measured once.
            let pieces = self.far.chunks[id as usize].pieces.clone();
            let mut da = from.lambert_m(&self.far.pieces[pieces.start as usize].a);
            for piece in pieces {
                let db = from.lambert_m(&self.far.pieces[piece as usize].b);
                let (lo, hi) = self.lambert_bounds_from_ends_m(piece, p, (da, db));
                da = db;
                upper = upper.min(hi);
                band.push((piece, lo, hi));
            }
        }
        band.retain(|b| b.1 <= upper);
        band.sort_unstable_by(|x, y| x.1.total_cmp(&y.1));
        band
    }

    /// Bounds on the distance from `from` to the area of a chunk, metres: the
    /// plane triangle's foot on its chord, widened by twice Lambert's error,
    /// the triangle's own error (len^2 x d / (2 R^2): at most 7 m for a 32-km
    /// chord at 500 km), the sagitta and a metre. `None` beyond Lambert's range.
    fn chunk_bounds_m(&self, c: &Chunk, from: &Reduced) -> Option<(f64, f64)> {
        let (da, db) = (from.lambert_m(&c.a), from.lambert_m(&c.b));
        let far_m = da.max(db);
        if far_m.is_nan() || far_m > LAMBERT_MAX_M {
            return None;
        }
        let reach = if c.kind == PieceKind::Line {
            self.shapes[c.shape as usize].reach_m
        } else {
            0.0
        };
        let (h, _) = foot_from_sides(da, db, c.len_m);
        let margin = 2.0 * LAMBERT_REL_ERR * far_m
            + c.len_m * c.len_m * far_m / (2.0 * R_M * R_M)
            + c.sag_m
            + 1.0;
        Some(((h - margin - reach).max(0.0), h + margin - reach))
    }

    /// Bounds on the distance from `p` to the area of piece `id`, metres, from
    /// Lambert's distances from `from` (`p`) to its ends: the plane triangle's
    /// foot (see `geodesy::foot_from_sides`; within 0.1 m at 5,000 km for a
    /// 2-km piece) widened by twice Lambert's error and a metre. Beyond
    /// Lambert's range, the sphere's bounds.
    pub(super) fn lambert_bounds_m(&self, id: u32, p: Coord, from: &Reduced) -> (f64, f64) {
        let far = &self.far.pieces[id as usize];
        let ends = (from.lambert_m(&far.a), from.lambert_m(&far.b));
        self.lambert_bounds_from_ends_m(id, p, ends)
    }

    /// [`Self::lambert_bounds_m`] with Lambert's distances to the piece's ends known.
    fn lambert_bounds_from_ends_m(&self, id: u32, p: Coord, (da, db): (f64, f64)) -> (f64, f64) {
        let far = &self.far.pieces[id as usize];
        let far_m = da.max(db);
        if far_m.is_nan() || far_m > LAMBERT_MAX_M {
            return self.sphere_bounds_m(id, p);
        }
        let piece = &self.pieces[id as usize];
        let reach = if piece.kind == PieceKind::Line {
            self.shapes[piece.shape as usize].reach_m
        } else {
            0.0
        };
        let (h, _) = foot_from_sides(da, db, far.len_m);
        let margin = 2.0 * LAMBERT_REL_ERR * far_m + 1.0;
        ((h - margin - reach).max(0.0), h + margin - reach)
    }

    /// Bounds on the distance from `p` to the area of piece `id` (its line's
    /// reach taken off), metres: the great-circle distance to the piece on a
    /// sphere of the mean radius, widened by the sphere's largest departure
    /// from WGS 84 geodesics (0.56 %, measured against GeographicLib over
    /// random pairs; 0.65 % taken) and 20 m for a piece's geodesic against
    /// its great circle (pieces are at most 2 km long).
    pub(super) fn sphere_bounds_m(&self, id: u32, p: Coord) -> (f64, f64) {
        const R_M: f64 = 6_371_008.8;
        const EPS: f64 = 0.0065;
        let piece = &self.pieces[id as usize];
        let reach = if piece.kind == PieceKind::Line {
            self.shapes[piece.shape as usize].reach_m
        } else {
            0.0
        };
        let d = R_M * great_circle_segment_rad(p, piece.a, piece.b);
        (
            (d * (1.0 - EPS) - 20.0 - reach).max(0.0),
            d * (1.0 + EPS) + 20.0 - reach,
        )
    }
}

/// The angle (radians) from `p` to the great-circle segment from `a` to `b`
/// on the unit sphere (lon/lat degrees read as spherical coordinates).
fn great_circle_segment_rad(p: Coord, a: Coord, b: Coord) -> f64 {
    fn unit(c: Coord) -> [f64; 3] {
        let (lat, lon) = (c.y.to_radians(), c.x.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    }
    fn cross(u: [f64; 3], v: [f64; 3]) -> [f64; 3] {
        [
            u[1] * v[2] - u[2] * v[1],
            u[2] * v[0] - u[0] * v[2],
            u[0] * v[1] - u[1] * v[0],
        ]
    }
    fn dot(u: [f64; 3], v: [f64; 3]) -> f64 {
        u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
    }
    fn norm(u: [f64; 3]) -> f64 {
        dot(u, u).sqrt()
    }
    let angle = |u: [f64; 3], v: [f64; 3]| norm(cross(u, v)).atan2(dot(u, v));
    let (up, ua, ub) = (unit(p), unit(a), unit(b));
    let n = cross(ua, ub);
    let nn = norm(n);
    let ends = angle(up, ua).min(angle(up, ub));
    if nn < 1e-15 {
        return ends;
    }
    let n = [n[0] / nn, n[1] / nn, n[2] / nn];
    let s = dot(up, n);
    // The foot on the great circle lies between a and b when it is on the
    // inner side of both ends.
    let foot = [up[0] - s * n[0], up[1] - s * n[1], up[2] - s * n[2]];
    if dot(cross(ua, foot), n) >= 0.0 && dot(cross(foot, ub), n) >= 0.0 {
        s.abs().clamp(0.0, 1.0).asin().min(ends)
    } else {
        ends
    }
}

#[cfg(test)]
mod sphere_tests {
    use super::*;
    use geo::coord;

    /// The sphere's bounds hold the exact (GeographicLib-based) distance from
    /// far points to a 2-km piece, across latitudes and directions.
    #[test]
    fn sphere_bounds_hold_the_exact_distance() {
        let line = geo::Geometry::LineString(geo::LineString(vec![
            coord! { x: 30.0, y: 46.0 },
            coord! { x: 30.02, y: 46.01 },
        ]));
        let idx = SpatialIndex::build([IndexItem {
            feature: crate::model::FeatureRef {
                layer: 0,
                feature: 0,
            },
            role: crate::model::Role::Corridor,
            reach_m: 1_000.0,
            geometry: &line,
        }]);
        for (k, (lon, lat)) in [
            (35.0, 50.0),
            (10.0, 30.0),
            (30.01, 80.0),
            (-170.0, -60.0),
            (30.01, 46.5),
            (100.0, 5.0),
        ]
        .into_iter()
        .enumerate()
        {
            let p = coord! { x: lon, y: lat };
            let exact = crate::geodesy::point_segment_distance_m(
                p,
                coord! { x: 30.0, y: 46.0 },
                coord! { x: 30.02, y: 46.01 },
            ) - 1_000.0;
            let (lo, hi) = idx.sphere_bounds_m(0, p);
            assert!(lo <= exact && exact <= hi, "{k}: {lo} <= {exact} <= {hi}");
        }
    }
}

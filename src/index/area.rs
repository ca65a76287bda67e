//! Areas: containment, distances to areas and to their pieces, depth inside.
//! Metres on WGS 84; lon/lat in degrees.

use super::*;

/// Beyond this distance, point-to-piece distances use the exact geodesic solution.
const EXACT_BEYOND_M: f64 = 20_000.0;

thread_local! {
    /// Candidate pieces of one distance query, reused (see `distance_to_area_with_piece`).
    static NEAR_BUF: std::cell::RefCell<Vec<(f64, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The candidate pieces with their bounds (`near_band`), reused likewise.
    static BAND_BUF: std::cell::RefCell<Vec<(u32, f64, f64)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Plate carrée is no guide near a pole: the local (azimuthal) frame's distance.
#[cold]
fn polar_distance_m(piece: &Piece, p: Coord) -> f64 {
    closest_on_segment_m(p, piece.a, piece.b).0
}

impl SpatialIndex {
    /// Even-odd containment by casting a ray east from `p` through the indexed
    /// ring pieces (an R-tree query on a thin box, not a walk over every vertex).
    /// Rings are continuous in longitude, so a polygon across 180 may run past
    /// it: `p` is tried at its longitude and 360 degrees either side.
    pub(super) fn polygon_contains(&self, shape: u32, p: Coord) -> bool {
        let Some((min_x, max_x)) = self.shapes[shape as usize].polygon_x else {
            return false;
        };
        let x = crate::geodesy::wrap_dlon_deg(p.x);
        [x, x + 360.0, x - 360.0]
            .into_iter()
            .filter(|x| (min_x..=max_x).contains(x))
            .any(|x| self.ray_cast(shape, Coord { x, y: p.y }, max_x))
    }

    pub(super) fn ray_cast(&self, shape: u32, p: Coord, max_x: f64) -> bool {
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
    pub(super) fn ring_distance_m(&self, shape: u32, p: Coord) -> f64 {
        self.nearest_piece(p, &|pc| pc.shape == shape && pc.kind == PieceKind::Ring)
            .map_or(f64::INFINITY, |n| n.0)
    }

    /// The piece nearest `p` among those `accept` takes: (metres, piece, fraction
    /// along it), searching ever wider boxes; `None` when there is none.
    pub(super) fn nearest_piece(
        &self,
        p: Coord,
        accept: &dyn Fn(&Piece) -> bool,
    ) -> Option<(f64, u32, f64)> {
        let mut radius_m = 1_000.0f64;
        loop {
            let best = self
                .pieces_in(&box_around(p, radius_m))
                .filter(|(_, pc)| accept(pc))
                .map(|(id, pc)| {
                    let (d, t) = closest_on_segment_m(p, pc.a, pc.b);
                    let d = if d > EXACT_BEYOND_M {
                        Self::piece_distance_m(pc, p)
                    } else {
                        d
                    };
                    (d, id, t)
                })
                .min_by(|x, y| x.0.total_cmp(&y.0));
            match best {
                Some(b) if b.0 <= radius_m => return Some(b),
                _ if radius_m > 2.1e7 => return best,
                _ => radius_m *= 4.0,
            }
        }
    }

    /// Distance from `p` to a piece's geometry, metres.
    pub fn piece_distance_m(piece: &Piece, p: Coord) -> f64 {
        if piece.a == piece.b {
            return distance_m(p, piece.a);
        }
        let (d, _) = closest_on_segment_m(p, piece.a, piece.b);
        if d > EXACT_BEYOND_M {
            // Over 20 km away: the foot to a metre moves the distance by 0.025 mm at most.
            crate::geodesy::point_segment_distance_far_m(p, piece.a, piece.b)
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
    /// to the whole area, and convex along a straight path. Over 20 km away,
    /// an upper bound on it within 2e-5 of it and a metre (Lambert's formula:
    /// it bounds searches, it is never reported).
    pub fn piece_area_distance_m(&self, id: u32, p: Coord) -> f64 {
        let piece = &self.pieces[id as usize];
        let reach = if piece.kind == PieceKind::Line {
            self.shapes[piece.shape as usize].reach_m
        } else {
            0.0
        };
        if piece.a == piece.b {
            return (distance_m(p, piece.a) - reach).max(0.0);
        }
        let (d, _) = closest_on_segment_m(p, piece.a, piece.b);
        if d > EXACT_BEYOND_M {
            let from = crate::geodesy::Reduced::new(p);
            return self.lambert_bounds_m(id, p, &from).1.max(0.0);
        }
        (d - reach).max(0.0)
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
        self.distance_to_area_searched(p, keep, start_radius_m, false)
    }

    /// [`Self::distance_to_area_from`], except that over 25 km from every
    /// area it is Lambert's estimate (within 2e-5 of the distance and 2 m;
    /// 1.4e-6 measured), with no exact geodesic solved: for searches that
    /// solve their answer exactly afterwards.
    pub fn distance_to_area_estimate_from(
        &self,
        p: Coord,
        keep: &dyn Fn(u32) -> bool,
        start_radius_m: f64,
    ) -> Option<(f64, Option<u32>)> {
        self.distance_to_area_searched(p, keep, start_radius_m, true)
    }

    fn distance_to_area_searched(
        &self,
        p: Coord,
        keep: &dyn Fn(u32) -> bool,
        start_radius_m: f64,
        estimate: bool,
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
            // Far from every area (the search already wide): bounds on runs of
            // pieces first (`far`); else a scan of the pieces in the box.
            let far = if radius_m > super::far::FAR_PATH_M {
                self.far_band(p, keep, &env)
            } else {
                None
            };
            if estimate && let Some(band) = &far {
                // The middle of the bounds: within their half-width of the distance.
                let centre = band
                    .iter()
                    .map(|&(id, lo, hi)| (0.5 * (lo + hi), id))
                    .min_by(|x, y| x.0.total_cmp(&y.0));
                match centre {
                    Some((d, id)) if d <= radius_m => return Some((d, Some(id))),
                    _ if radius_m > 2.1e7 => return centre.map(|(d, id)| (d, Some(id))),
                    _ => {
                        radius_m *= 4.0;
                        continue;
                    }
                }
            }
            let band = far.unwrap_or_else(|| {
                let mut band = BAND_BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
                self.near_band(p, keep, &env, &mut band);
                band
            });
            let mut end_cache: Vec<((u64, u64), f64)> = Vec::new();
            for &(id, lower, _) in &band {
                if best.is_some_and(|b| lower > b.0) {
                    break;
                }
                let piece = &self.pieces[id as usize];
                let reach = if piece.kind == PieceKind::Line {
                    self.shapes[piece.shape as usize].reach_m
                } else {
                    0.0
                };
                let (fast, _) = closest_on_segment_m(p, piece.a, piece.b);
                let d = if fast <= EXACT_BEYOND_M {
                    fast
                } else {
                    // Neighbouring pieces share an end: each end's geodesic is solved once.
                    let mut end_m = |c: Coord| {
                        let key = (c.x.to_bits(), c.y.to_bits());
                        match end_cache.iter().find(|(k, _)| *k == key) {
                            Some(&(_, d)) => d,
                            None => {
                                let d = distance_m(p, c);
                                end_cache.push((key, d));
                                d
                            }
                        }
                    };
                    let (da, db) = (end_m(piece.a), end_m(piece.b));
                    crate::geodesy::point_segment_distance_far_from_ends_m(
                        p, piece.a, piece.b, da, db,
                    )
                };
                let d = (d - reach).max(0.0);
                if best.is_none_or(|b| d < b.0) {
                    best = Some((d, Some(id)));
                }
            }
            BAND_BUF.with(|b| *b.borrow_mut() = band);
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

    /// The pieces in `env` of the shapes `keep` accepts that could be nearest
    /// `p`, with bounds on their area distances (lower, upper; metres; 0 and
    /// infinity when near), into `band`: a plate carrée scan, then, when every
    /// piece is over 20 km away, Lambert's bounds (nearest first).
    fn near_band(
        &self,
        p: Coord,
        keep: &dyn Fn(u32) -> bool,
        env: &AABB<[f64; 2]>,
        band: &mut Vec<(u32, f64, f64)>,
    ) {
        // A cheap plate carrée distance first (no trigonometry); only pieces that
        // could be the nearest get the accurate local-frame solution. The buffer
        // is reused per thread: this runs for every probe of every max offset.
        let mut near: Vec<(f64, u32)> = NEAR_BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
        near.clear();
        for (id, piece) in self.pieces_in(env) {
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
            * (0.01 + 3.0 * min_approx.max(0.0) / 6.371e6 * p.y.to_radians().tan().abs().max(1.0))
            + 50.0;
        // The pieces that could be nearest, with bounds on their distances.
        band.clear();
        band.extend(
            near.iter()
                .filter(|&&(approx, _)| approx <= min_approx + slack)
                .map(|&(_, id)| (id, 0.0, f64::INFINITY)),
        );
        // Far away the plate carrée band is wide: each piece in it is
        // bracketed with Lambert's formula (a few metres at 500 km), and
        // only those that can be nearest are solved exactly.
        if min_approx > EXACT_BEYOND_M {
            let from = crate::geodesy::Reduced::new(p);
            for entry in band.iter_mut() {
                (entry.1, entry.2) = self.lambert_bounds_m(entry.0, p, &from);
            }
            let upper = band.iter().map(|b| b.2).fold(f64::INFINITY, f64::min);
            band.retain(|b| b.1 <= upper);
            band.sort_unstable_by(|x, y| x.1.total_cmp(&y.1));
        }
        NEAR_BUF.with(|b| *b.borrow_mut() = near);
    }

    /// How deep `p` is inside the areas of this index: the distance from `p` to
    /// the boundary of their union, metres (0 outside). Where a contact line bends
    /// or areas overlap this is more than the depth inside any one of them.
    pub fn depth_m(&self, p: Coord) -> f64 {
        let env = box_around(p, 0.0);
        // The depth inside the deepest single area (a lower bound) and its witness.
        let mut best: Option<(f64, super::depth::Witness)> = None;
        for (id, piece) in self.pieces_in(&env) {
            if piece.kind != PieceKind::Line {
                continue;
            }
            let (d_m, t) = closest_on_segment_m(p, piece.a, piece.b);
            let d_m = if d_m > EXACT_BEYOND_M {
                point_segment_distance_m(p, piece.a, piece.b)
            } else {
                d_m
            };
            let depth = self.shapes[piece.shape as usize].reach_m - d_m;
            if depth > 0.0 && best.as_ref().is_none_or(|b| depth > b.0) {
                best = Some((depth, super::depth::Witness::Line { id, d_m, t }));
            }
        }
        for s in self.polygon_shapes_in(&env).collect::<Vec<_>>() {
            if self.polygon_contains(s, p)
                && let Some((d, id, t)) =
                    self.nearest_piece(p, &|pc| pc.shape == s && pc.kind == PieceKind::Ring)
                && best.as_ref().is_none_or(|b| d > b.0)
            {
                best = Some((d, super::depth::Witness::Ring { id, t }));
            }
        }
        match best {
            None => 0.0,
            Some((lower_m, witness)) => self.union_depth_m(p, lower_m, witness),
        }
    }

    /// Distance from `p` to the nearest geometry (not area) of the line shapes
    /// `keep` accepts, metres; `None` when there is none.
    pub fn line_distance_m(&self, p: Coord, keep: &dyn Fn(u32) -> bool) -> Option<f64> {
        self.nearest_piece(p, &|pc| pc.kind == PieceKind::Line && keep(pc.shape))
            .map(|n| n.0)
    }

    /// Distance from `p` to piece `id` in a plate carrée frame scaled at the piece:
    /// cheap, within about 1 % for nearby points (used to pick candidates only).
    #[inline]
    pub(super) fn plate_carree_m(&self, id: u32, p: Coord) -> f64 {
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
}

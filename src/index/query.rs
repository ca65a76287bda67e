//! Queries for identify and the `query` command: within a radius, the k
//! nearest, inside a box (across 180 too), at a point. Distances in metres,
//! Karney's.

use super::*;

impl SpatialIndex {
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

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn index_of(geoms: &[Geometry<f64>]) -> SpatialIndex {
        SpatialIndex::build(geoms.iter().enumerate().map(|(i, g)| IndexItem {
            feature: FeatureRef {
                layer: 0,
                feature: i as u32,
            },
            role: Role::Corridor,
            reach_m: 1_000.0,
            geometry: g,
        }))
    }

    /// A line given unsplit across 180 and a point west of it: boxes on either
    /// side, and a box across 180 written west > east, find what they should.
    #[test]
    fn in_bbox_across_the_antimeridian() {
        let idx = index_of(&[
            Geometry::LineString(LineString(vec![
                coord! { x: 179.0, y: 0.0 },
                coord! { x: -179.0, y: 0.0 },
            ])),
            Geometry::Point(geo::Point::new(-179.5, 0.5)),
        ]);
        assert_eq!(idx.in_bbox(179.5, -1.0, 179.9, 1.0), vec![0]);
        assert_eq!(idx.in_bbox(-179.9, -1.0, -179.1, 1.0), vec![0, 1]);
        assert_eq!(idx.in_bbox(179.0, -1.0, -179.0, 1.0), vec![0, 1]);
        assert!(idx.in_bbox(-10.0, -1.0, 10.0, 1.0).is_empty());
    }

    #[test]
    fn within_and_nearest_are_karney() {
        let idx = index_of(&[Geometry::Point(geo::Point::new(30.0, 48.0))]);
        let p = crate::geodesy::destination(coord! { x: 30.0, y: 48.0 }, 37.0, 65_000.0);
        let got = idx.nearest(p, 1);
        assert_eq!(got.len(), 1);
        assert!((got[0].1 - 65_000.0).abs() < 1e-6, "{got:?}");
    }
}

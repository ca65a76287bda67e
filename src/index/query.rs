//! Queries for identify and the `query` command: within a radius, the k
//! nearest, inside a box (across 180 too), at a point. Distances in metres,
//! Karney's.

use super::*;

/// Where a one-off query looks (`query --bbox`, `--near`, `--at`).
#[derive(Clone, Copy, Debug)]
pub enum QueryArea {
    /// A lon/lat box (west, south, east, north); `west > east` runs across 180.
    Box([f64; 4]),
    /// Within `radius_m` metres of a point's geometry, or inside an area
    /// there (`radius_m` then covers the widest reach).
    Around(Coord, f64),
}

impl QueryArea {
    /// Boxes (continuous lon/lat) that every feature able to answer meets.
    fn boxes(&self) -> Vec<AABB<[f64; 2]>> {
        let core = match *self {
            QueryArea::Box([west, south, east, north]) => {
                let east = if west > east { east + 360.0 } else { east };
                AABB::from_corners([west, south], [east, north])
            }
            QueryArea::Around(p, radius_m) => box_around(p, radius_m.max(0.0)),
        };
        let (lo, hi) = (core.lower(), core.upper());
        [0.0, 360.0, -360.0]
            .into_iter()
            .map(|dx| AABB::from_corners([lo[0] + dx, lo[1]], [hi[0] + dx, hi[1]]))
            .collect()
    }
}

impl SpatialIndex {
    /// An index of only the features whose bounding box meets `area` (or
    /// is wider than 180 degrees, as a feature given across 180 is):
    /// a one-off query then indexes what could answer it, not every segment
    /// of every track. Its answers are those of [`SpatialIndex::of_layers`].
    pub fn for_query(layers: &[crate::model::Layer], area: QueryArea) -> SpatialIndex {
        let boxes = area.boxes();
        let meets = |g: &Geometry<f64>| {
            g.bounding_rect().is_some_and(|r| {
                // Given across 180 unsplit ([179, 0] to [-179, 0]), a feature's
                // box spans the rest of the world instead: wider than 180
                // degrees, it is kept.
                if r.max().x - r.min().x > 180.0 {
                    return true;
                }
                let fb = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                boxes.iter().any(|b| rstar::Envelope::intersects(b, &fb))
            })
        };
        SpatialIndex::of_layers_where(layers, &meets)
    }

    /// The widest reach (metres) of any feature in `layers`: how far from its
    /// geometry a point can be and still be inside a feature's area.
    pub fn widest_reach_m(layers: &[crate::model::Layer]) -> f64 {
        layers
            .iter()
            .flat_map(|l| &l.features)
            .map(|f| f.reach_m(f.role))
            .filter(|r| r.is_finite())
            .fold(0.0, f64::max)
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

    /// An index of what a box or a radius can meet answers as the whole
    /// index does: lines, points, a corridor whose area reaches over the
    /// point, a polygon around it, and a line given across 180.
    #[test]
    fn a_query_index_answers_as_the_whole_index() {
        let feature = |i: usize, role: Role, g: Geometry<f64>, tol: f64| crate::model::Feature {
            index: i,
            role,
            geometry: Some(g),
            properties: serde_json::json!({ "tolerance_m": tol })
                .as_object()
                .unwrap()
                .clone(),
            id: Some(format!("F{i}")),
            times: None,
            time_span: None,
        };
        let line = |pts: &[(f64, f64)]| {
            Geometry::LineString(LineString(
                pts.iter().map(|&(x, y)| coord! { x: x, y: y }).collect(),
            ))
        };
        let mut features = Vec::new();
        for k in 0..40 {
            let (x, y) = (28.0 + 0.2 * k as f64, 45.0 + 0.1 * (k % 7) as f64);
            features.push(feature(
                k,
                Role::Track,
                line(&[(x, y), (x + 0.3, y + 0.05), (x + 0.35, y + 0.3)]),
                0.0,
            ));
            features.push(feature(
                100 + k,
                Role::Incident,
                Geometry::Point(geo::Point::new(x + 0.1, y - 0.1)),
                0.0,
            ));
        }
        features.push(feature(
            200,
            Role::Corridor,
            line(&[(30.0, 44.0), (34.0, 44.0)]),
            30_000.0,
        ));
        features.push(feature(
            201,
            Role::BufferZone,
            Geometry::Polygon(geo::Polygon::new(
                LineString(vec![
                    coord! { x: 29.0, y: 43.0 },
                    coord! { x: 36.0, y: 43.0 },
                    coord! { x: 36.0, y: 48.0 },
                    coord! { x: 29.0, y: 48.0 },
                    coord! { x: 29.0, y: 43.0 },
                ]),
                vec![],
            )),
            0.0,
        ));
        features.push(feature(
            202,
            Role::Track,
            line(&[(179.5, 44.2), (-179.5, 44.3)]),
            0.0,
        ));
        let layers = [crate::model::Layer {
            name: "t".into(),
            source: "t".into(),
            features,
            warnings: vec![],
            skipped_reports: 0,
        }];
        let whole = SpatialIndex::of_layers(&layers);
        let names = |idx: &SpatialIndex, hits: Vec<u32>| {
            let mut v: Vec<FeatureRef> = hits
                .iter()
                .map(|&s| idx.shapes[s as usize].feature)
                .collect();
            v.sort_by_key(|r| (r.layer, r.feature));
            v
        };
        assert!(whole.in_bbox(30.0, 45.0, 31.0, 45.5).len() > 3);
        assert!(!whole.in_bbox(179.0, 44.0, -179.0, 45.0).is_empty());
        let mut found = 0;
        let boxes = [
            [30.0, 45.0, 31.0, 45.5],
            [33.5, 43.8, 33.6, 43.9],
            [179.0, 44.0, -179.0, 45.0],
            [40.0, 10.0, 41.0, 11.0],
        ];
        for b in boxes {
            let idx = SpatialIndex::for_query(&layers, QueryArea::Box(b));
            assert!(
                idx.shapes.len() < whole.shapes.len(),
                "{b:?}: the index holds fewer features"
            );
            assert_eq!(
                names(&idx, idx.in_bbox(b[0], b[1], b[2], b[3])),
                names(&whole, whole.in_bbox(b[0], b[1], b[2], b[3])),
                "{b:?}"
            );
        }
        let widest = SpatialIndex::widest_reach_m(&layers);
        assert_eq!(widest, 30_000.0);
        for (p, r) in [
            ((30.5, 45.2), 20_000.0),
            ((33.0, 44.2), 5_000.0),
            ((179.9, 44.25), 50_000.0),
            ((-179.8, 44.25), 5_000.0),
        ] {
            let p = coord! { x: p.0, y: p.1 };
            let idx = SpatialIndex::for_query(&layers, QueryArea::Around(p, r));
            let dist = |idx: &SpatialIndex, hits: Vec<(u32, f64)>| {
                names(idx, hits.iter().map(|h| h.0).collect())
            };
            let within = dist(&idx, idx.within_m(p, r));
            assert_eq!(within, dist(&whole, whole.within_m(p, r)), "{p:?}");
            if p.x < -179.0 {
                // Only the line given across 180 passes within 5 km there.
                assert_eq!(within.len(), 1, "{p:?}");
            }
            let idx = SpatialIndex::for_query(&layers, QueryArea::Around(p, widest.max(50.0)));
            let at = dist(&idx, idx.at(p, 50.0));
            assert_eq!(at, dist(&whole, whole.at(p, 50.0)), "{p:?}");
            found += at.len();
        }
        // Inside the corridor's area and the polygon at (33.0, 44.2).
        assert!(found >= 2, "{found}");
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

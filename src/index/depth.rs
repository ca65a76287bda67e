//! Depth inside a union of areas: the distance from a point to the boundary of
//! the union of every accepted area, contact-line zones and polygons alike.
//!
//! The work is done in the plane of an azimuthal equidistant projection centred
//! on the point (Karney's inverse per vertex), so distances *from the point* are
//! geodesic and the shapes around it are placed to well under a metre within a
//! zone's width. There the boundary of the union is made of three kinds of
//! element: the two offset segments of each line piece (at its reach), the
//! circles of its end caps, and the edges of polygon rings. The nearest
//! boundary point is the nearest point of some element that no area covers.
//! Elements are taken in order of their distance; each is cut where it meets
//! the others, and the nearest uncovered part of it is a candidate. A search
//! stops as soon as no element can come nearer than the best candidate.

use super::{PieceKind, SpatialIndex, box_around};
use crate::geodesy::{inverse_m, planar_closest_pub as planar_closest};
use geo::Coord;
use std::collections::HashMap;

type P = [f64; 2];

/// How far inside another area (metres) a boundary point must be to count as covered.
const EPS_M: f64 = 1e-3;

#[derive(Clone, Copy, Debug)]
enum Elem {
    Seg(P, P),
    Circle(P, f64),
}

/// A polygon as the projection sees it: whether the centre is inside, and the
/// ring edges near the centre (every edge that can cross a ray from the centre
/// to a point within the search radius).
struct LocalPoly {
    inside_centre: bool,
    edges: Vec<(P, P)>,
}

/// The areas around the centre (at the origin), in metres.
struct Local {
    /// Line pieces with their reach: every point within `r` of `a`-`b`.
    caps: Vec<(P, P, f64)>,
    polys: Vec<LocalPoly>,
}

fn sub(a: P, b: P) -> P {
    [a[0] - b[0], a[1] - b[1]]
}
fn norm(a: P) -> f64 {
    a[0].hypot(a[1])
}
fn cross(a: P, b: P) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}

/// Whether segment `a`-`b` crosses the segment from the origin to `q` (half-open at
/// the edge's ends, so a ray through a shared vertex counts once).
fn crosses_ray(q: P, a: P, b: P) -> bool {
    let (sa, sb) = (cross(q, a), cross(q, b));
    if (sa > 0.0) == (sb > 0.0) {
        return false;
    }
    let e = sub(b, a);
    let (so, sq) = (cross(e, sub([0.0, 0.0], a)), cross(e, sub(q, a)));
    (so > 0.0) != (sq > 0.0)
}

impl Local {
    /// Whether `q` lies strictly inside some area (by more than [`EPS_M`]).
    fn covered(&self, q: P) -> bool {
        if self
            .caps
            .iter()
            .any(|&(a, b, r)| planar_closest(q, a, b).0 < r - EPS_M)
        {
            return true;
        }
        self.polys.iter().any(|poly| {
            let mut inside = poly.inside_centre;
            for &(a, b) in &poly.edges {
                if planar_closest(q, a, b).0 <= EPS_M {
                    return false;
                }
                if crosses_ray(q, a, b) {
                    inside = !inside;
                }
            }
            inside
        })
    }

    fn elements(&self) -> Vec<Elem> {
        let mut out = Vec::new();
        let mut circles: Vec<(P, f64)> = Vec::new();
        for &(a, b, r) in &self.caps {
            let d = sub(b, a);
            let len = norm(d);
            if len > 0.0 && r > 0.0 {
                let n = [-d[1] / len * r, d[0] / len * r];
                out.push(Elem::Seg(
                    [a[0] + n[0], a[1] + n[1]],
                    [b[0] + n[0], b[1] + n[1]],
                ));
                out.push(Elem::Seg(
                    [a[0] - n[0], a[1] - n[1]],
                    [b[0] - n[0], b[1] - n[1]],
                ));
            }
            for c in [a, b] {
                if r > 0.0 && !circles.contains(&(c, r)) {
                    circles.push((c, r));
                }
            }
        }
        out.extend(circles.into_iter().map(|(c, r)| Elem::Circle(c, r)));
        for poly in &self.polys {
            out.extend(poly.edges.iter().map(|&(a, b)| Elem::Seg(a, b)));
        }
        out
    }
}

impl Elem {
    /// Distance from the origin to the element.
    fn lower_bound(&self) -> f64 {
        match *self {
            Elem::Seg(a, b) => planar_closest([0.0, 0.0], a, b).0,
            Elem::Circle(c, r) => (norm(c) - r).abs(),
        }
    }

    fn point(&self, u: f64) -> P {
        match *self {
            Elem::Seg(a, b) => [a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1])],
            Elem::Circle(c, r) => [c[0] + r * u.cos(), c[1] + r * u.sin()],
        }
    }

    /// The element's point nearest the origin.
    fn nearest_point(&self) -> P {
        match *self {
            Elem::Seg(a, b) => self.point(planar_closest([0.0, 0.0], a, b).1),
            Elem::Circle(c, r) => {
                let n = norm(c);
                if n > 0.0 {
                    [c[0] - c[0] / n * r, c[1] - c[1] / n * r]
                } else {
                    [c[0] + r, c[1]]
                }
            }
        }
    }
}

/// Points where two elements meet.
fn meet(e: &Elem, f: &Elem, out: &mut Vec<P>) {
    match (*e, *f) {
        (Elem::Seg(a, b), Elem::Seg(c, d)) => {
            if let Some(t) = super::intervals::segment_crossing(a, b, c, d) {
                out.push(e.point(t));
            }
        }
        (Elem::Seg(a, b), Elem::Circle(c, r)) | (Elem::Circle(c, r), Elem::Seg(a, b)) => {
            let d = sub(b, a);
            let fv = sub(a, c);
            let qa = d[0] * d[0] + d[1] * d[1];
            if qa == 0.0 {
                return;
            }
            let qb = 2.0 * (fv[0] * d[0] + fv[1] * d[1]);
            let qc = fv[0] * fv[0] + fv[1] * fv[1] - r * r;
            let disc = qb * qb - 4.0 * qa * qc;
            if disc < 0.0 {
                return;
            }
            let s = disc.sqrt();
            for t in [(-qb - s) / (2.0 * qa), (-qb + s) / (2.0 * qa)] {
                if (0.0..=1.0).contains(&t) {
                    out.push([a[0] + t * d[0], a[1] + t * d[1]]);
                }
            }
        }
        (Elem::Circle(c0, r0), Elem::Circle(c1, r1)) => {
            let v = sub(c1, c0);
            let dist = norm(v);
            if dist == 0.0 || dist > r0 + r1 || dist < (r0 - r1).abs() {
                return;
            }
            let x = (dist * dist + r0 * r0 - r1 * r1) / (2.0 * dist);
            let h = (r0 * r0 - x * x).max(0.0).sqrt();
            let (ux, uy) = (v[0] / dist, v[1] / dist);
            let m = [c0[0] + x * ux, c0[1] + x * uy];
            out.push([m[0] - h * uy, m[1] + h * ux]);
            out.push([m[0] + h * uy, m[1] - h * ux]);
        }
    }
}

/// The distance from the origin to the nearest uncovered boundary point within
/// `radius_m`, if there is one.
///
/// On one element the uncovered points form closed intervals whose ends are
/// where the element meets another element's boundary, so the nearest of them
/// is the element's own nearest point (if uncovered) or a meeting point (if
/// uncovered): those are the only candidates tested.
fn solve(local: &Local, radius_m: f64) -> Option<f64> {
    let elems = local.elements();
    let mut order: Vec<(f64, usize)> = elems
        .iter()
        .enumerate()
        .map(|(i, e)| (e.lower_bound(), i))
        .filter(|(lb, _)| *lb <= radius_m)
        .collect();
    order.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut best = f64::INFINITY;
    let mut points: Vec<P> = Vec::new();
    let mut cands: Vec<(f64, P)> = Vec::new();
    for &(lb, i) in &order {
        if lb >= best {
            break;
        }
        let e = &elems[i];
        points.clear();
        points.push(e.nearest_point());
        for (j, f) in elems.iter().enumerate() {
            if j != i {
                meet(e, f, &mut points);
            }
        }
        cands.clear();
        cands.extend(points.iter().map(|&q| (norm(q), q)).filter(|c| c.0 < best));
        cands.sort_by(|x, y| x.0.total_cmp(&y.0));
        if let Some(&(d, _)) = cands.iter().find(|c| !local.covered(c.1)) {
            best = d;
        }
    }
    (best <= radius_m).then_some(best)
}

impl SpatialIndex {
    /// The areas `keep` accepts within `radius_m` of `p`, projected azimuthally
    /// (equidistant) about `p`.
    fn local_areas(&self, p: Coord, keep: &dyn Fn(u32) -> bool, radius_m: f64) -> Local {
        let mut cache: HashMap<[u64; 2], P> = HashMap::new();
        let mut project = |c: Coord| {
            *cache
                .entry([c.x.to_bits(), c.y.to_bits()])
                .or_insert_with(|| {
                    let (s, az) = inverse_m(p, c);
                    let (sin, cos) = az.to_radians().sin_cos();
                    [s * sin, s * cos]
                })
        };
        let mut local = Local {
            caps: Vec::new(),
            polys: Vec::new(),
        };
        let mut poly_of: HashMap<u32, usize> = HashMap::new();
        for s in self.polygon_shapes_in(&box_around(p, 0.0)) {
            if keep(s) && self.polygon_contains(s, p) && !poly_of.contains_key(&s) {
                poly_of.insert(s, local.polys.len());
                local.polys.push(LocalPoly {
                    inside_centre: true,
                    edges: Vec::new(),
                });
            }
        }
        // A box across 180 can meet a piece and its copy: each piece once (a ring
        // edge counted twice would flip the containment parity).
        let mut seen = std::collections::HashSet::new();
        for (id, piece) in self.pieces_in(&box_around(p, radius_m)) {
            if !keep(piece.shape) || !seen.insert(id) {
                continue;
            }
            match piece.kind {
                PieceKind::Line => {
                    let r = self.shapes[piece.shape as usize].reach_m;
                    local.caps.push((project(piece.a), project(piece.b), r));
                }
                PieceKind::Ring => {
                    let k = *poly_of.entry(piece.shape).or_insert_with(|| {
                        local.polys.push(LocalPoly {
                            inside_centre: false,
                            edges: Vec::new(),
                        });
                        local.polys.len() - 1
                    });
                    local.polys[k]
                        .edges
                        .push((project(piece.a), project(piece.b)));
                }
                PieceKind::Point => {}
            }
        }
        local
    }

    /// The distance from `p` to the boundary of the union of the areas `keep`
    /// accepts, given `lower_m`, the depth inside the single deepest area (a
    /// lower bound). Returns `lower_m` when the nearest boundary point of that
    /// area is on the union's boundary (the common case: no other area there).
    pub(super) fn union_depth_m(&self, p: Coord, keep: &dyn Fn(u32) -> bool, lower_m: f64) -> f64 {
        let mut radius_m = (2.0 * lower_m).max(lower_m + 1_000.0);
        loop {
            let local = self.local_areas(p, keep, radius_m);
            if witness_is_free(&local, lower_m) {
                return lower_m;
            }
            if let Some(d) = solve(&local, radius_m) {
                return d.max(lower_m);
            }
            if radius_m > 4.0e6 {
                return lower_m;
            }
            radius_m *= 2.0;
        }
    }
}

/// Whether the nearest boundary point of the deepest single area (at `lower_m`
/// from the centre) is covered by no other area: then the depth is `lower_m`.
fn witness_is_free(local: &Local, lower_m: f64) -> bool {
    let mut cands: Vec<(f64, P)> = Vec::new();
    for &(a, b, r) in &local.caps {
        let (d, t) = planar_closest([0.0, 0.0], a, b);
        if d >= r {
            continue;
        }
        let c = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        if d > 1e-9 {
            let k = r / d;
            cands.push((r - d, [c[0] - c[0] * k, c[1] - c[1] * k]));
        } else {
            let e = sub(b, a);
            let len = norm(e);
            if len > 0.0 {
                let n = [-e[1] / len * r, e[0] / len * r];
                cands.push((r, n));
                cands.push((r, [-n[0], -n[1]]));
            }
        }
    }
    for poly in local.polys.iter().filter(|p| p.inside_centre) {
        for &(a, b) in &poly.edges {
            let (d, t) = planar_closest([0.0, 0.0], a, b);
            cands.push((d, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]));
        }
    }
    // Only the candidates that realise the lower bound (to rounding of the projection).
    let tol = 0.05 + 1e-5 * lower_m;
    cands
        .iter()
        .filter(|(d, _)| (d - lower_m).abs() <= tol)
        .any(|&(_, q)| !local.covered(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local_line(pts: &[P], r: f64) -> Local {
        Local {
            caps: pts.windows(2).map(|w| (w[0], w[1], r)).collect(),
            polys: Vec::new(),
        }
    }

    #[test]
    fn straight_band_depth_is_half_width_minus_offset() {
        // A horizontal line 2 km below the origin, reach 15 km: the boundary is 13 km up.
        let l = local_line(&[[-50e3, -2e3], [0.0, -2e3], [50e3, -2e3]], 15e3);
        let d = solve(&l, 60e3).unwrap();
        assert!((d - 13e3).abs() < 1e-6, "{d}");
        assert!(witness_is_free(&l, 13e3));
    }

    #[test]
    fn inside_a_v_the_inner_offsets_meet_deeper_than_the_band() {
        // A V with its apex 20 km north of the origin, arms 30 degrees either side
        // of south, reach 15 km. The origin is 10 km from each arm (band depth
        // 5 km), but both arms cover it: the inner offset lines meet on the
        // bisector 2 x 15 = 30 km below the apex, 10 km south of the origin.
        let (s, c) = 30f64.to_radians().sin_cos();
        let apex = [0.0, 20e3];
        let arm = |sx: f64| [apex[0] + sx * 60e3 * s, apex[1] - 60e3 * c];
        let l = local_line(&[arm(-1.0), apex, arm(1.0)], 15e3);
        assert!(!witness_is_free(&l, 5e3));
        let d = solve(&l, 60e3).unwrap();
        assert!((d - 10e3).abs() < 1e-6, "{d}");
    }

    #[test]
    fn closed_square_line_covers_its_middle() {
        // A closed square line of half-side 15 km, reach 25 km, around the origin:
        // the middle is covered, and the boundary is the outer band, 40 km away.
        let h = 15e3;
        let l = local_line(&[[-h, -h], [h, -h], [h, h], [-h, h], [-h, -h]], 25e3);
        assert!(!witness_is_free(&l, 10e3));
        let d = solve(&l, 80e3).unwrap();
        assert!((d - 40e3).abs() < 1e-6, "{d}");
    }

    #[test]
    fn overlapping_polygons_measure_to_the_union() {
        // Two squares [-10,10] km and [5,25] km in x (both [-10,10] in y); the
        // origin is 10 km from the union's boundary (top, bottom, left).
        let sq = |x0: f64, x1: f64, inside: bool| LocalPoly {
            inside_centre: inside,
            edges: vec![
                ([x0, -10e3], [x1, -10e3]),
                ([x1, -10e3], [x1, 10e3]),
                ([x1, 10e3], [x0, 10e3]),
                ([x0, 10e3], [x0, -10e3]),
            ],
        };
        let l = Local {
            caps: Vec::new(),
            polys: vec![sq(-10e3, 10e3, true), sq(5e3, 25e3, false)],
        };
        let shifted = |dx: f64| Local {
            caps: Vec::new(),
            polys: l
                .polys
                .iter()
                .map(|p| LocalPoly {
                    inside_centre: true,
                    edges: p
                        .edges
                        .iter()
                        .map(|&(a, b)| ([a[0] - dx, a[1]], [b[0] - dx, b[1]]))
                        .collect(),
                })
                .collect(),
        };
        // At x = 8 km: 2 km from the first square's east edge, but that edge is
        // inside the second square; the union's boundary is 10 km away (top/bottom).
        let at8 = shifted(8e3);
        assert!(!witness_is_free(&at8, 3e3));
        let d = solve(&at8, 60e3).unwrap();
        assert!((d - 10e3).abs() < 1e-6, "{d}");
    }
}

//! Distance from a point to a geodesic segment, metres.

use super::ellipsoid::{destination, distance_m, inverse_m};
use super::frame::LocalFrame;
use geo::Coord;

/// Closest point of the planar segment `a`-`b` to `p` (all in one local frame):
/// returns (distance, t) with `t` in [0, 1] along `a`-`b`.
#[inline]
pub fn planar_closest(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    ((cx * cx + cy * cy).sqrt(), t)
}

/// Fast distance (metres) from `p` to the short segment `a`-`b`, and the fraction
/// `t` of the closest point along it, computed in a frame centred on `p`.
///
/// Within 1e-4 relative + 0.1 m when the segment is a few kilometres long and
/// within ~50 km of `p` (see tests); use [`point_segment_distance_m`] beyond that.
#[inline]
pub fn closest_on_segment_m(p: Coord, a: Coord, b: Coord) -> (f64, f64) {
    let f = LocalFrame::new(p);
    planar_closest([0.0, 0.0], f.to_xy(a), f.to_xy(b))
}

/// Exact distance (metres) from `p` to the geodesic segment `a`-`b` on WGS 84,
/// by golden-section search along the geodesic (Karney's direct and inverse).
///
/// ```
/// use corridor_watch::geodesy::point_segment_distance_m;
/// use geo::coord;
/// // A point 0.1 degrees north of the equator, over the middle of an equatorial segment.
/// let d = point_segment_distance_m(coord! { x: 0.5, y: 0.1 }, coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 0.0 });
/// assert!((d - 11_057.4).abs() < 1.0);
/// ```
pub fn point_segment_distance_m(p: Coord, a: Coord, b: Coord) -> f64 {
    point_segment_distance_to_m(p, a, b, 1e-4)
}

/// The foot of the perpendicular in a plane triangle with sides `da` (to the
/// segment's start), `db` (to its end) and `len` (the segment), all metres:
/// (the distance to the segment, the foot's distance along it from the start).
/// Far from a short segment the geodesic triangle is this plane one to within
/// (h / R)^2 / 3 of the foot's offset from the segment's middle.
pub fn foot_from_sides(da: f64, db: f64, len: f64) -> (f64, f64) {
    if len <= 0.0 {
        return (da.min(db), 0.0);
    }
    let along = (da * da - db * db + len * len) / (2.0 * len);
    if along <= 0.0 {
        (da, 0.0)
    } else if along >= len {
        (db, len)
    } else {
        ((da * da - along * along).max(0.0).sqrt(), along)
    }
}

/// [`point_segment_distance_m`] for a point at least 20 km from the segment,
/// whose exact distances to the segment's ends, `da` and `db`, are known: the
/// foot is placed by the plane triangle of the three sides (within 2 m at
/// 500 km, 35 m at 2,000 km of a 2-km segment) and the distance solved exactly
/// there, which is within (2 m)^2 / (2 x 500 km) = 0.004 mm (0.3 mm at
/// 2,000 km) of the least distance: the distance is flat at its minimum.
/// Three geodesic solutions instead of a search.
pub fn point_segment_distance_far_from_ends_m(
    p: Coord,
    a: Coord,
    b: Coord,
    da: f64,
    db: f64,
) -> f64 {
    let (len, azi) = inverse_m(a, b);
    if len.is_nan() || len <= 1e-6 {
        return da.min(db);
    }
    let (_, along) = foot_from_sides(da, db, len);
    if along <= 0.0 || along >= len {
        return da.min(db);
    }
    distance_m(p, destination(a, azi, along)).min(da).min(db)
}

/// [`point_segment_distance_far_from_ends_m`], solving the distances to the ends too.
pub fn point_segment_distance_far_m(p: Coord, a: Coord, b: Coord) -> f64 {
    point_segment_distance_far_from_ends_m(p, a, b, distance_m(p, a), distance_m(p, b))
}

/// Golden-section search for the foot along the geodesic a-b, to `foot_tol_m`.
fn point_segment_distance_to_m(p: Coord, a: Coord, b: Coord, foot_tol_m: f64) -> f64 {
    let (s12, azi1) = inverse_m(a, b);
    if s12.is_nan() || s12 <= 1e-6 {
        return distance_m(p, a);
    }
    let f = |s: f64| distance_m(p, destination(a, azi1, s));
    // Start from the planar estimate and bracket it generously; distance to a
    // geodesic is unimodal along it at these scales.
    let (lo, hi) = (0.0, s12);
    let gr = 0.5 * (5f64.sqrt() - 1.0);
    let (mut x1, mut x2) = (hi - gr * (hi - lo), lo + gr * (hi - lo));
    let (mut f1, mut f2) = (f(x1), f(x2));
    let (mut lo, mut hi) = (lo, hi);
    for _ in 0..60 {
        if hi - lo < foot_tol_m {
            break;
        }
        if f1 < f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - gr * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + gr * (hi - lo);
            f2 = f(x2);
        }
    }
    f1.min(f2).min(distance_m(p, a)).min(distance_m(p, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn fast_segment_distance_matches_exact() {
        let a = coord! { x: 35.0, y: 48.0 };
        let b = crate::geodesy::destination(a, 60.0, 2_000.0);
        for (az, range) in [
            (150.0, 500.0),
            (330.0, 1_000.0),
            (150.0, 15_000.0),
            (330.0, 40_000.0),
            (240.0, 3_000.0),
        ] {
            let mid = crate::geodesy::destination(a, 60.0, 1_000.0);
            let p = crate::geodesy::destination(mid, az, range);
            let exact = point_segment_distance_m(p, a, b);
            let (fast, _) = closest_on_segment_m(p, a, b);
            assert!(
                (fast - exact).abs() < 1e-4 * exact + 0.1,
                "az {az} range {range}: {fast} vs {exact}"
            );
        }
    }

    #[test]
    fn perpendicular_offset_is_the_destination_distance() {
        // Offsetting perpendicular from the middle of a segment by D gives distance D.
        let a = coord! { x: 30.0, y: 46.0 };
        let (_, azi) = inverse_m(a, coord! { x: 30.05, y: 46.02 });
        let b = destination(a, azi, 4_000.0);
        let mid = destination(a, azi, 2_000.0);
        let p = destination(mid, azi + 90.0, 7_500.0);
        let d = point_segment_distance_m(p, a, b);
        assert!((d - 7_500.0).abs() < 0.05, "{d}");
    }

    #[test]
    fn far_distance_by_the_plane_foot_matches_the_search() {
        let a = coord! { x: 31.0, y: 45.0 };
        let b = destination(a, 70.0, 2_000.0);
        let mid = destination(a, 70.0, 900.0);
        for range in [20_000.0, 60_000.0, 300_000.0, 1_000_000.0, 3_000_000.0] {
            for az in [160.0, 100.0, 30.0, 250.0, 345.0] {
                let p = destination(mid, az, range);
                let search = point_segment_distance_m(p, a, b);
                let far = point_segment_distance_far_m(p, a, b);
                assert!(
                    far >= search - 1e-3,
                    "az {az} range {range}: {far} vs {search}"
                );
                assert!(
                    far - search < 2e-3,
                    "az {az} range {range}: {far} vs {search}"
                );
            }
        }
        // The plane triangle: a 3-4-5 triangle's foot, and feet beyond the ends.
        assert_eq!(foot_from_sides(4.0, 3.0, 5.0).1, 3.2);
        assert!((foot_from_sides(4.0, 3.0, 5.0).0 - 2.4).abs() < 1e-12);
        assert_eq!(foot_from_sides(3.0, 9.0, 5.0), (3.0, 0.0));
        assert_eq!(foot_from_sides(9.0, 3.0, 5.0), (3.0, 5.0));
    }

    #[test]
    fn beyond_the_ends_is_the_distance_to_the_end() {
        let a = coord! { x: 30.0, y: 46.0 };
        let b = coord! { x: 30.01, y: 46.0 };
        let p = coord! { x: 29.9, y: 46.0 };
        assert!((point_segment_distance_m(p, a, b) - distance_m(p, a)).abs() < 1e-3);
    }
}

//! The ellipsoid itself: WGS 84 constants, Karney's direct and inverse,
//! fast distances, densified edges and lengths, reach in degrees.

use geo::Coord;
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use std::sync::LazyLock;

/// WGS 84 semi-major axis, metres.
pub const WGS84_A_M: f64 = 6_378_137.0;
/// WGS 84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// First eccentricity squared.
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);

static GEOD: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// The shared WGS 84 geodesic solver.
pub fn geod() -> &'static Geodesic {
    &GEOD
}

/// Meridional (`M`) and prime-vertical (`N`) radii of curvature at `lat_deg`, metres.
pub fn radii_m(lat_deg: f64) -> (f64, f64) {
    let s = lat_deg.to_radians().sin();
    let w2 = 1.0 - WGS84_E2 * s * s;
    let w = w2.sqrt();
    let n = WGS84_A_M / w;
    let m = WGS84_A_M * (1.0 - WGS84_E2) / (w2 * w);
    (m, n)
}

/// Longitude difference `b - a` wrapped into [-180, 180) degrees.
pub fn wrap_dlon_deg(dlon: f64) -> f64 {
    if (-180.0..180.0).contains(&dlon) {
        dlon
    } else {
        (dlon + 180.0).rem_euclid(360.0) - 180.0
    }
}

/// Exact geodesic distance between two lon/lat points, metres (Karney).
///
/// ```
/// use corridor_watch::geodesy::distance_m;
/// use geo::coord;
/// // Sofia to Plovdiv, the value geo's own docs give for `Geodesic.distance`.
/// let d = distance_m(coord! { x: 23.319941, y: 42.698334 }, coord! { x: 24.742168, y: 42.136097 });
/// assert!((d - 132_675.501_858_820_6).abs() < 1e-6);
/// ```
pub fn distance_m(a: Coord, b: Coord) -> f64 {
    geod().inverse(a.y, a.x, b.y, b.x)
}

/// Exact geodesic distance (metres) and initial azimuth (degrees clockwise from north).
pub fn inverse_m(a: Coord, b: Coord) -> (f64, f64) {
    let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) = geod().inverse(a.y, a.x, b.y, b.x);
    (s12, azi1)
}

/// The point `dist_m` metres from `origin` along the geodesic leaving at `azimuth_deg`.
pub fn destination(origin: Coord, azimuth_deg: f64, dist_m: f64) -> Coord {
    let (lat, lon): (f64, f64) = geod().direct(origin.y, origin.x, azimuth_deg, dist_m);
    Coord { x: lon, y: lat }
}

/// Up to this distance (metres) [`lambert_distance_m`] keeps to [`LAMBERT_REL_ERR`].
pub const LAMBERT_MAX_M: f64 = 7_000_000.0;
/// A bound on [`lambert_distance_m`]'s relative error up to [`LAMBERT_MAX_M`]:
/// 1.41e-6 measured against Karney's solution over random pairs from 1 m to
/// 8,000 km (see tests), 1e-5 taken.
pub const LAMBERT_REL_ERR: f64 = 1e-5;

/// Lambert's formula for long lines: the great-circle angle between the
/// reduced latitudes, corrected to first order in the flattening. A few
/// trigonometric calls, no iteration; within [`LAMBERT_REL_ERR`] of the
/// geodesic distance (metres) up to [`LAMBERT_MAX_M`]. Used to bound
/// distances, never to report them.
pub fn lambert_distance_m(a: Coord, b: Coord) -> f64 {
    Reduced::new(a).lambert_m(&Reduced::new(b))
}

/// A point ready for [`lambert_distance_m`]: the sine and cosine of its
/// reduced latitude (tan(beta) = (1 - f) tan(lat)) and of half its longitude.
/// Computed once per point, it makes each distance a few products, square
/// roots and one arcsine.
#[derive(Clone, Copy, Debug)]
pub struct Reduced {
    sin: f64,
    cos: f64,
    sin_half_lon: f64,
    cos_half_lon: f64,
}

impl Reduced {
    pub fn new(c: Coord) -> Reduced {
        let (sin, cos) = if c.y.abs() >= 90.0 {
            (c.y.signum(), 0.0)
        } else {
            let t = (1.0 - WGS84_F) * c.y.to_radians().tan();
            let cos = 1.0 / (1.0 + t * t).sqrt();
            (t * cos, cos)
        };
        let (sin_half_lon, cos_half_lon) = (0.5 * c.x.to_radians()).sin_cos();
        Reduced {
            sin,
            cos,
            sin_half_lon,
            cos_half_lon,
        }
    }

    /// [`lambert_distance_m`] from this point to `o`.
    pub fn lambert_m(&self, o: &Reduced) -> f64 {
        let (s1, c1, s2, c2) = (self.sin, self.cos, o.sin, o.cos);
        // The haversine of the central angle, without cancellation:
        // sin^2(d_beta / 2) = sin^2(d_beta) / (2 (1 + cos(d_beta))), and
        // sin(d_lon / 2) by the difference formula (its sign does not matter).
        let sin_db = s2 * c1 - c2 * s1;
        let cos_db = c1 * c2 + s1 * s2;
        let sh = o.sin_half_lon * self.cos_half_lon - o.cos_half_lon * self.sin_half_lon;
        let h = (sin_db * sin_db / (2.0 * (1.0 + cos_db)) + c1 * c2 * sh * sh).clamp(0.0, 1.0);
        if h == 0.0 {
            return 0.0;
        }
        let sigma = 2.0 * h.sqrt().asin();
        let sin_sigma = 2.0 * (h * (1.0 - h)).sqrt();
        // sin P cos Q and cos P sin Q, with P and Q the half sum and half
        // difference of the reduced latitudes.
        let (spcq, cpsq) = (0.5 * (s1 + s2), 0.5 * (s2 - s1));
        let x = (sigma - sin_sigma) * spcq * spcq / (1.0 - h);
        let y = (sigma + sin_sigma) * cpsq * cpsq / h;
        WGS84_A_M * (sigma - 0.5 * WGS84_F * (x + y))
    }
}

/// Edges shorter than this (in both degree components) use the mid-latitude formula.
const FAST_SPAN_DEG: f64 = 0.25;

/// Geodesic distance in metres with a fast path for short edges.
///
/// Up to ~25 km apart the ellipsoidal mid-latitude formula is used (relative error
/// below 5e-6, see tests); longer edges go to Karney's exact solution.
pub fn fast_distance_m(a: Coord, b: Coord) -> f64 {
    let dlat = b.y - a.y;
    let dlon = wrap_dlon_deg(b.x - a.x);
    if dlat.abs() < FAST_SPAN_DEG && dlon.abs() < FAST_SPAN_DEG && a.y.abs() < 85.0 {
        let lat_mid = a.y + 0.5 * dlat;
        // One sin_cos for both radii and the parallel's scale.
        let (s, c) = lat_mid.to_radians().sin_cos();
        let w2 = 1.0 - WGS84_E2 * s * s;
        let w = w2.sqrt();
        let n = WGS84_A_M / w;
        let m = n * (1.0 - WGS84_E2) / w2;
        let dy = dlat.to_radians() * m;
        let dx = dlon.to_radians() * n * c;
        (dx * dx + dy * dy).sqrt()
    } else {
        distance_m(a, b)
    }
}

/// [`fast_distance_m`] along a polyline, vertex after vertex, without a
/// `sin_cos` per edge: the sine and cosine of the latitude are carried from
/// vertex to vertex by the angle-addition formulas with short series for the
/// small step (exact to rounding for steps under 0.25 degree), and recomputed
/// exactly every 32 edges and wherever the chain breaks.
#[derive(Default)]
pub struct FastChain {
    /// (latitude in degrees, its sine, its cosine) of the last vertex reached.
    at: Option<(f64, f64, f64)>,
    steps: u32,
}

/// sin and cos of a small angle (|x| < 0.0023 rad here), by their series.
#[inline]
fn small_sin_cos(x: f64) -> (f64, f64) {
    let x2 = x * x;
    (
        x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0)),
        1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0)),
    )
}

impl FastChain {
    /// Geodesic distance from `a` to `b`, metres (as [`fast_distance_m`]).
    #[inline]
    pub fn distance_m(&mut self, a: Coord, b: Coord) -> f64 {
        let dlat = b.y - a.y;
        let dlon = wrap_dlon_deg(b.x - a.x);
        if !(dlat.abs() < FAST_SPAN_DEG && dlon.abs() < FAST_SPAN_DEG && a.y.abs() < 85.0) {
            self.at = None;
            return distance_m(a, b);
        }
        let (sa, ca) = match self.at {
            Some((lat, s, c)) if lat == a.y && self.steps < 32 => (s, c),
            _ => {
                self.steps = 0;
                a.y.to_radians().sin_cos()
            }
        };
        let (sh, ch) = small_sin_cos(0.5 * dlat.to_radians());
        // Mid-latitude, then the next vertex, each half a step on.
        let (s, c) = (sa * ch + ca * sh, ca * ch - sa * sh);
        self.at = Some((b.y, s * ch + c * sh, c * ch - s * sh));
        self.steps += 1;
        // With n = a/w and m = a(1-e2)/w^3 (w^2 = 1 - e2 sin^2), the length
        // sqrt((dlon n cos)^2 + (dlat m)^2) = a sqrt(((dlon cos)^2 + (dlat (1-e2)/w^2)^2) / w^2):
        // one division and one square root per edge.
        let inv_w2 = 1.0 / (1.0 - WGS84_E2 * s * s);
        let ex = dlon.to_radians() * c;
        let ny = dlat.to_radians() * (1.0 - WGS84_E2) * inv_w2;
        WGS84_A_M * ((ex * ex + ny * ny) * inv_w2).sqrt()
    }
}

/// Points along the geodesic from `a` to `b` so that no piece is longer than
/// `max_edge_m`; `a` is included, `b` is not.
pub fn densify_edge(a: Coord, b: Coord, max_edge_m: f64, out: &mut Vec<Coord>) {
    out.push(a);
    // Most edges are short: skip the exact solution when the fast one is well under the limit.
    if fast_distance_m(a, b) < 0.999 * max_edge_m {
        return;
    }
    let (s12, azi1) = inverse_m(a, b);
    if s12.is_nan() || s12 <= max_edge_m || !max_edge_m.is_finite() || max_edge_m <= 0.0 {
        return;
    }
    let pieces = (s12 / max_edge_m).ceil().min(100_000.0) as usize;
    for k in 1..pieces {
        let mut c = destination(a, azi1, s12 * k as f64 / pieces as f64);
        // Keep longitudes continuous from `a` (a meridian at 180 must not flip to
        // -180; an edge across the antimeridian runs on past 180).
        c.x = a.x + wrap_dlon_deg(c.x - a.x);
        out.push(c);
    }
}

/// A polyline densified along its geodesics (see [`densify_edge`]).
pub fn densify_line(coords: &[Coord], max_edge_m: f64) -> Vec<Coord> {
    let mut out = Vec::with_capacity(coords.len());
    for w in coords.windows(2) {
        densify_edge(w[0], w[1], max_edge_m, &mut out);
    }
    if let Some(last) = coords.last() {
        out.push(*last);
    }
    out
}

/// Geodesic length of a polyline, metres.
pub fn line_length_m(coords: &[Coord]) -> f64 {
    coords.windows(2).map(|w| fast_distance_m(w[0], w[1])).sum()
}

/// Degrees of latitude and longitude that `reach_m` metres can span near `lat_deg`
/// (an upper bound, for building search boxes).
pub fn reach_in_degrees(reach_m: f64, lat_deg: f64) -> (f64, f64) {
    // The smallest meridional radius (equator) bounds the latitude span from above.
    let m_min = WGS84_A_M * (1.0 - WGS84_E2);
    let dlat = ((reach_m / m_min).to_degrees() * 1.001).min(180.0);
    let lat_far = (lat_deg.abs() + dlat).min(90.0);
    let (_, n) = radii_m(lat_far);
    let cos = lat_far.to_radians().cos();
    let dlon = if cos < 1e-6 {
        360.0
    } else {
        ((reach_m / (n * cos)).to_degrees() * 1.001).min(360.0)
    };
    (dlat, dlon)
}

#[cfg(test)]
mod chain_tests {
    use super::*;

    #[test]
    fn the_chain_agrees_with_the_fast_distance_edge_by_edge() {
        let mut chain = FastChain::default();
        let mut prev = Coord { x: 30.0, y: 46.0 };
        for k in 0..500 {
            let next = Coord {
                x: prev.x + 0.003 + 0.001 * ((k % 7) as f64),
                y: prev.y + 0.004 * (((k * 13) % 11) as f64 - 5.0) / 5.0,
            };
            let (want, got) = (fast_distance_m(prev, next), chain.distance_m(prev, next));
            assert!(
                (want - got).abs() <= 1e-9 * want.max(1.0),
                "{k}: {want} vs {got}"
            );
            prev = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn lambert_keeps_to_its_bound() {
        // Random pairs (a fixed LCG), 1 m to 8,000 km, latitudes to 85 degrees.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut worst = 0.0f64;
        for _ in 0..20_000 {
            let a = coord! { x: 360.0 * next() - 180.0, y: 170.0 * next() - 85.0 };
            let d = 10f64.powf(6.9 * next());
            let b = destination(a, 360.0 * next(), d);
            let exact = distance_m(a, b);
            worst = worst.max((lambert_distance_m(a, b) - exact).abs() / exact);
        }
        assert!(worst < 2e-6, "{worst}");
        assert!(worst < LAMBERT_REL_ERR / 5.0);
        assert_eq!(
            lambert_distance_m(coord! { x: 3.0, y: 4.0 }, coord! { x: 3.0, y: 4.0 }),
            0.0
        );
    }

    #[test]
    fn known_geodesic_values() {
        // One degree of longitude on the equator is a * pi / 180 = 111,319.4908 m.
        let d = distance_m(coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 0.0 });
        assert!((d - 111_319.490_8).abs() < 1e-3, "{d}");
        // One degree of latitude at the equator: 110,574.4 m; at the pole: 111,693.9 m.
        let d_eq = distance_m(coord! { x: 0.0, y: 0.0 }, coord! { x: 0.0, y: 1.0 });
        assert!((d_eq - 110_574.4).abs() < 0.1, "{d_eq}");
        let d_pole = distance_m(coord! { x: 0.0, y: 89.0 }, coord! { x: 0.0, y: 90.0 });
        assert!((d_pole - 111_693.9).abs() < 0.1, "{d_pole}");
    }

    #[test]
    fn fast_distance_matches_karney() {
        let mut worst = 0.0f64;
        for lat in [-60.0, -10.0, 0.0, 30.0, 46.5, 50.0, 70.0] {
            for (dlon, dlat) in [
                (0.2, 0.0),
                (0.0, 0.2),
                (0.15, -0.1),
                (0.001, 0.0005),
                (0.24, 0.24),
            ] {
                let a = coord! { x: 30.0, y: lat };
                let b = coord! { x: 30.0 + dlon, y: lat + dlat };
                let exact = distance_m(a, b);
                let fast = fast_distance_m(a, b);
                worst = worst.max(((fast - exact) / exact).abs());
            }
        }
        assert!(worst < 5e-6, "worst relative error {worst}");
    }

    #[test]
    fn densify_keeps_pieces_short_and_on_the_geodesic() {
        let a = coord! { x: 30.7, y: 46.5 };
        let b = coord! { x: 29.1, y: 41.2 };
        let line = densify_line(&[a, b], 2_000.0);
        let total: f64 = line.windows(2).map(|w| distance_m(w[0], w[1])).sum();
        assert!((total - distance_m(a, b)).abs() < 0.01);
        assert!(
            line.windows(2)
                .all(|w| distance_m(w[0], w[1]) <= 2_000.0 + 1e-6)
        );
        assert_eq!(line.last(), Some(&b));
    }

    #[test]
    fn wrap_dlon() {
        assert_eq!(wrap_dlon_deg(190.0), -170.0);
        assert_eq!(wrap_dlon_deg(-190.0), 170.0);
        assert_eq!(wrap_dlon_deg(10.0), 10.0);
    }

    #[test]
    fn reach_box_covers_the_distance() {
        for lat in [0.0, 48.0, 80.0] {
            let (dlat, dlon) = reach_in_degrees(15_000.0, lat);
            let c = coord! { x: 10.0, y: lat };
            assert!(distance_m(c, coord! { x: 10.0, y: lat + dlat }) >= 15_000.0);
            assert!(distance_m(c, coord! { x: 10.0 + dlon, y: lat }) >= 15_000.0);
        }
    }
}

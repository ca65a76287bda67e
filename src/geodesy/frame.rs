//! A local metric frame centred on one point.
//!
//! `x` is metres east and `y` metres north of the centre. The east scale is taken
//! at the latitude midway between the centre and the mapped point, so distances
//! *from the centre* agree with the geodesic to second order (relative error about
//! 1e-6 at 20 km, 1e-4 at 200 km; see tests). Distances between two points that are
//! both away from the centre carry a first-order error of about
//! `tan(lat) * offset / (2 R)`; callers keep such points within a few kilometres of
//! the centre.

use super::{radii_m, wrap_dlon_deg};
use geo::Coord;

#[derive(Clone, Copy, Debug)]
pub struct LocalFrame {
    pub lon0: f64,
    pub lat0: f64,
}

impl LocalFrame {
    pub fn new(centre: Coord) -> Self {
        Self {
            lon0: centre.x,
            lat0: centre.y,
        }
    }

    /// Lon/lat degrees to metres east/north of the centre.
    #[inline]
    pub fn to_xy(&self, c: Coord) -> [f64; 2] {
        let dlat = c.y - self.lat0;
        let lat_mid = self.lat0 + 0.5 * dlat;
        let (m, n) = radii_m(lat_mid);
        let x = wrap_dlon_deg(c.x - self.lon0).to_radians() * n * lat_mid.to_radians().cos();
        let y = dlat.to_radians() * m;
        [x, y]
    }

    /// Metres east/north of the centre back to lon/lat degrees (inverse of [`Self::to_xy`]).
    pub fn to_lon_lat(&self, xy: [f64; 2]) -> Coord {
        // y depends only on latitude; two fixed-point steps reach sub-millimetre.
        let mut lat = self.lat0 + (xy[1] / radii_m(self.lat0).0).to_degrees();
        for _ in 0..3 {
            let lat_mid = 0.5 * (self.lat0 + lat);
            lat = self.lat0 + (xy[1] / radii_m(lat_mid).0).to_degrees();
        }
        let lat_mid = 0.5 * (self.lat0 + lat);
        let (_, n) = radii_m(lat_mid);
        let cos = lat_mid.to_radians().cos().max(1e-12);
        let lon = self.lon0 + (xy[0] / (n * cos)).to_degrees();
        Coord {
            x: wrap_dlon_deg(lon),
            y: lat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::distance_m;
    use geo::coord;

    #[test]
    fn distances_from_the_centre_match_karney() {
        for lat0 in [0.0, 46.5, 48.5, 52.0, 65.0] {
            let c = coord! { x: 33.0, y: lat0 };
            let f = LocalFrame::new(c);
            for (range_m, tol) in [(2_000.0, 1e-6), (20_000.0, 5e-6), (200_000.0, 3e-4)] {
                for k in 0..16 {
                    let az = k as f64 * 22.5;
                    let p = crate::geodesy::destination(c, az, range_m);
                    let [x, y] = f.to_xy(p);
                    let d = (x * x + y * y).sqrt();
                    let exact = distance_m(c, p);
                    assert!(
                        ((d - exact) / exact).abs() < tol,
                        "lat0 {lat0} az {az} range {range_m}: {d} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn round_trip() {
        let f = LocalFrame::new(coord! { x: 36.2, y: 49.9 });
        let p = coord! { x: 36.35, y: 49.7 };
        let q = f.to_lon_lat(f.to_xy(p));
        assert!(
            (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9,
            "{q:?}"
        );
    }
}

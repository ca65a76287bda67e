//! Zone outlines for drawing and export: every point within the reach
//! (`width_km`/2, or a corridor's `tolerance_m`) of a line, as lon/lat polygons.
//!
//! The area within `r` of a polyline is the union of three kinds of piece, with
//! no need for a full disc at every vertex: each point of the area has a
//! nearest point on the line, inside a piece (then it lies in that piece's
//! *band*, the offsets at `r` either side) or at a vertex (then it lies in the
//! *sector* between the normals of the two pieces there, on the outer side of
//! the bend, or in the half-disc *cap* at an end). Every vertex of these pieces
//! is placed exactly with Karney's direct solution, and arcs get a vertex every
//! few tenths of a degree so that no chord sags more than [`ARC_SAG_M`].
//!
//! The pieces are projected (azimuthal equidistant about the line's middle
//! vertex, Karney's inverse) and unioned in a cascade: neighbouring pieces
//! pairwise, then the results pairwise, so that each step only meets outlines,
//! never the interiors already swallowed. Output vertices go back to
//! lon/lat exactly; only the points where outlines cross are placed in the
//! projection, on edges a few hundred metres long. Polygons that run across
//! the antimeridian are cut there (RFC 7946). The cost grows as
//! `n log n` in the line's vertices (see the `zone` benchmark).
//!
//! Membership tests never use this outline: they use the exact distance to the
//! line (see `index`).

use crate::geodesy::{destination, geod, inverse_m, wrap_dlon_deg};
use crate::index::{PieceKind, SpatialIndex};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, Rect};
use geographiclib_rs::InverseGeodesic;
use rayon::prelude::*;

/// Largest gap between an arc and its chords, metres.
pub const ARC_SAG_M: f64 = 0.5;

/// Arc step (degrees) so that chords at radius `r_m` sag at most [`ARC_SAG_M`].
fn arc_step_deg(r_m: f64) -> f64 {
    let step = 2.0
        * (1.0 - ARC_SAG_M / r_m.max(ARC_SAG_M * 2.0))
            .acos()
            .to_degrees();
    step.clamp(0.05, 2.0)
}

/// Points at `r_m` from `centre`, azimuths from `from_deg` to `to_deg` (both included).
fn arc(centre: Coord, from_deg: f64, to_deg: f64, r_m: f64, out: &mut Vec<Coord>) {
    let steps = ((to_deg - from_deg).abs() / arc_step_deg(r_m))
        .ceil()
        .max(1.0) as usize;
    for k in 0..=steps {
        let az = from_deg + (to_deg - from_deg) * k as f64 / steps as f64;
        out.push(destination(centre, az, r_m));
    }
}

/// (length, azimuth at `a`, azimuth at `b`) of the geodesic `a`-`b`.
fn geodesic(a: Coord, b: Coord) -> (f64, f64, f64) {
    let (s12, azi1, azi2, _): (f64, f64, f64, f64) = geod().inverse(a.y, a.x, b.y, b.x);
    (s12, azi1, azi2)
}

/// The capsule of radius `r_m` around the geodesic `a`-`b`, counter-clockwise.
pub fn capsule(a: Coord, b: Coord, r_m: f64) -> Polygon<f64> {
    let mut ring = Vec::new();
    let (s12, azi1, azi2) = geodesic(a, b);
    if s12 < 1e-3 {
        arc(a, 0.0, 360.0, r_m, &mut ring);
    } else {
        // Clockwise in azimuth: left of a, left of b, round the front, right side, round the back.
        arc(b, azi2 - 90.0, azi2 + 90.0, r_m, &mut ring);
        arc(a, azi1 + 90.0, azi1 + 270.0, r_m, &mut ring);
    }
    ring.reverse(); // increasing azimuth is clockwise on the map; RFC 7946 wants counter-clockwise
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    Polygon::new(LineString(ring), vec![])
}

/// The bands, sectors and caps of one part (a run of joined pieces) of a line,
/// as lon/lat rings, in line order.
fn part_pieces(part: &[(Coord, Coord)], r_m: f64, out: &mut Vec<Vec<Coord>>) {
    let legs: Vec<(Coord, Coord, f64, f64)> = part
        .iter()
        .filter_map(|&(a, b)| {
            let (s12, azi1, azi2) = geodesic(a, b);
            (s12 > 1e-3).then_some((a, b, azi1, azi2))
        })
        .collect();
    let (Some(first), Some(last)) = (legs.first(), legs.last()) else {
        // A line that does not move: a disc.
        if let Some(&(a, _)) = part.first() {
            let mut ring = Vec::new();
            arc(a, 0.0, 360.0, r_m, &mut ring);
            out.push(ring);
        }
        return;
    };
    // Neighbouring pieces overlap a little (sectors by OVERLAP_DEG either side,
    // bands by OVERLAP_M at each end) so that the union never meets two pieces
    // that only touch. Every point of a sector is within r of its vertex, so a
    // wider sector stays inside the zone; a band run on by 0.5 m passes the
    // true boundary by at most 0.5^2 / 2r (micrometres).
    const OVERLAP_DEG: f64 = 1.0;
    const OVERLAP_M: f64 = 0.5;
    let cap = |centre: Coord, from: f64, to: f64| {
        let mut ring = vec![centre];
        arc(centre, from - OVERLAP_DEG, to + OVERLAP_DEG, r_m, &mut ring);
        ring
    };
    out.push(cap(first.0, first.2 + 90.0, first.2 + 270.0));
    for (i, &(a, b, azi1, azi2)) in legs.iter().enumerate() {
        let (a, b) = (
            destination(a, azi1 + 180.0, OVERLAP_M),
            destination(b, azi2, OVERLAP_M),
        );
        out.push(vec![
            destination(a, azi1 - 90.0, r_m),
            destination(a, azi1 + 90.0, r_m),
            destination(b, azi2 + 90.0, r_m),
            destination(b, azi2 - 90.0, r_m),
        ]);
        if let Some(&(_, _, next_azi1, _)) = legs.get(i + 1) {
            // The outer side of the bend at b: between the two normals there.
            let turn = wrap_dlon_deg(next_azi1 - azi2);
            if turn > 1e-9 {
                out.push(cap(b, azi2 - 90.0, azi2 - 90.0 + turn));
            } else if turn < -1e-9 {
                out.push(cap(b, azi2 + 90.0 + turn, azi2 + 90.0));
            }
        }
    }
    out.push(cap(last.1, last.3 - 90.0, last.3 + 90.0));
}

/// Signed area (x east, y north): positive counter-clockwise.
fn signed_area(ring: &[Coord]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (p, q) = (ring[i], ring[(i + 1) % n]);
            p.x * q.y - q.x * p.y
        })
        .sum::<f64>()
        * 0.5
}

/// An azimuthal equidistant projection about `centre` (Karney both ways).
struct Aeqd {
    centre: Coord,
}

impl Aeqd {
    fn to_xy(&self, c: Coord) -> Coord {
        let (s, az) = inverse_m(self.centre, c);
        let (sin, cos) = az.to_radians().sin_cos();
        Coord {
            x: s * sin,
            y: s * cos,
        }
    }

    fn to_lon_lat(&self, p: Coord) -> Coord {
        destination(self.centre, p.x.atan2(p.y).to_degrees(), p.x.hypot(p.y))
    }
}

/// Cuts polygons whose longitudes (made continuous along each ring) run past
/// +/-180 at the antimeridian, each side brought back into [-180, 180].
fn split_at_antimeridian(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let mut out = Vec::new();
    for poly in mp.0 {
        let unwrap = |ring: &LineString<f64>, near: Option<f64>| {
            let mut c = ring.0.clone();
            for i in 1..c.len() {
                c[i].x = c[i - 1].x + wrap_dlon_deg(c[i].x - c[i - 1].x);
            }
            if let (Some(x0), Some(first)) = (near, c.first().map(|p| p.x)) {
                let shift = x0 + wrap_dlon_deg(first - x0) - first;
                c.iter_mut().for_each(|p| p.x += shift);
            }
            LineString(c)
        };
        let ext = unwrap(poly.exterior(), None);
        let x0 = ext.0.first().map(|p| p.x);
        let ints: Vec<_> = poly.interiors().iter().map(|r| unwrap(r, x0)).collect();
        let poly = Polygon::new(ext, ints);
        let (lo, hi) = poly
            .exterior()
            .0
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.x), hi.max(p.x))
            });
        if lo >= -180.0 && hi <= 180.0 {
            out.push(poly);
            continue;
        }
        for shift in [-360.0, 0.0, 360.0] {
            let window = Rect::new(
                Coord {
                    x: -180.0 - shift,
                    y: -90.0,
                },
                Coord {
                    x: 180.0 - shift,
                    y: 90.0,
                },
            )
            .to_polygon();
            for mut piece in poly.intersection(&window).0 {
                // The overlay works on a fine grid: keep the cut exactly on 180.
                piece.map_coords_in_place(|c| Coord {
                    x: (c.x + shift).clamp(-180.0, 180.0),
                    y: c.y.clamp(-90.0, 90.0),
                });
                out.push(piece);
            }
        }
    }
    MultiPolygon(out)
}

use geo::MapCoordsInPlace;

/// The zone around one indexed line shape, as polygons (a polygon shape: its polygons).
pub fn zone_outline(idx: &SpatialIndex, shape: u32) -> MultiPolygon<f64> {
    let s = &idx.shapes[shape as usize];
    let lines: Vec<(Coord, Coord)> = idx.pieces[s.pieces.clone()]
        .iter()
        .filter(|p| p.kind == PieceKind::Line)
        .map(|p| (p.a, p.b))
        .collect();
    if lines.is_empty() || s.reach_m <= 0.0 {
        return MultiPolygon(s.polygons.clone());
    }
    line_zone(&lines, s.reach_m)
}

/// The area within `r_m` of the joined geodesic pieces `lines` (a new part
/// starts wherever a piece does not begin at the previous one's end).
pub fn line_zone(lines: &[(Coord, Coord)], r_m: f64) -> MultiPolygon<f64> {
    let mut rings: Vec<Vec<Coord>> = Vec::new();
    let mut start = 0;
    for i in 1..=lines.len() {
        if i == lines.len() || lines[i].0 != lines[i - 1].1 {
            part_pieces(&lines[start..i], r_m, &mut rings);
            start = i;
        }
    }
    let centre = lines[lines.len() / 2].0;
    let proj = Aeqd { centre };
    let polys: Vec<Polygon<f64>> = rings
        .par_iter()
        .map(|ring| {
            let mut xy: Vec<Coord> = ring.iter().map(|&c| proj.to_xy(c)).collect();
            if signed_area(&xy) < 0.0 {
                xy.reverse();
            }
            Polygon::new(LineString(xy), vec![])
        })
        .collect();
    // The cascade: neighbouring pieces pairwise, then neighbouring results
    // pairwise, and so on. (Unioning dozens at once is far slower: a chunk of
    // short pieces of a long wiggly line holds dozens of long, nearly parallel
    // band ends that all cross one another.)
    let mut level: Vec<MultiPolygon<f64>> =
        polys.into_iter().map(|p| MultiPolygon(vec![p])).collect();
    while level.len() > 1 {
        level = level
            .par_chunks(2)
            .map(|pair| match pair {
                [a, b] => a.union(b),
                [a] => a.clone(),
                _ => MultiPolygon(Vec::new()),
            })
            .collect();
    }
    let mut merged = level.pop().unwrap_or(MultiPolygon(Vec::new()));
    merged.0.par_iter_mut().for_each(|p| {
        p.map_coords_in_place(|c| proj.to_lon_lat(c));
    });
    split_at_antimeridian(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{distance_m, point_segment_distance_m};
    use geo::coord;

    #[test]
    fn capsule_boundary_is_at_the_radius() {
        let a = coord! { x: 37.0, y: 48.0 };
        let b = coord! { x: 37.02, y: 48.015 };
        let c = capsule(a, b, 15_000.0);
        for v in &c.exterior().0 {
            let d = point_segment_distance_m(*v, a, b);
            assert!((d - 15_000.0).abs() < 1.0, "{d}");
        }
        // Chord midpoints sag at most ~0.5 m inside the circle.
        for w in c.exterior().0.windows(2) {
            let m = coord! { x: 0.5 * (w[0].x + w[1].x), y: 0.5 * (w[0].y + w[1].y) };
            assert!(point_segment_distance_m(m, a, b) > 15_000.0 - 1.0);
        }
        assert!(distance_m(a, b) > 0.0);
        use geo::Winding;
        assert!(c.exterior().is_ccw());
    }

    /// The outline of a V with a 200-km zone: every vertex at 100 km from the
    /// line (to a metre), every chord's middle within 3 m of it (issue 16.8:
    /// the apex cap was up to 15 m short).
    #[test]
    fn a_wide_v_outline_is_within_three_metres() {
        let (a, apex, b) = (
            coord! { x: 36.0, y: 48.0 },
            coord! { x: 36.15, y: 48.4 },
            coord! { x: 36.3, y: 48.0 },
        );
        let lines = [(a, apex), (apex, b)];
        let zone = line_zone(&lines, 100_000.0);
        assert_eq!(zone.0.len(), 1);
        let dist = |p: Coord| {
            point_segment_distance_m(p, a, apex).min(point_segment_distance_m(p, apex, b))
        };
        let ring = &zone.0[0].exterior().0;
        for w in ring.windows(2) {
            assert!(
                (dist(w[0]) - 100_000.0).abs() < 1.0,
                "{:?}: {}",
                w[0],
                dist(w[0])
            );
            let m = crate::geodesy::LocalFrame::new(w[0]);
            let [x, y] = m.to_xy(w[1]);
            let mid = m.to_lon_lat([0.5 * x, 0.5 * y]);
            assert!(dist(mid) > 100_000.0 - 3.0, "{mid:?}: {}", dist(mid));
        }
    }
}

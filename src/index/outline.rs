//! Zone outlines: every point within the reach
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
//! line. Depth inside the zones uses the union of all of them (see `depth`).

use crate::geodesy::{destination, geod, inverse_m, wrap_dlon_deg};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, Rect};
use geographiclib_rs::InverseGeodesic;
use rayon::prelude::*;

/// Parts and holes of a union smaller than this (square metres) are overlay specks.
const SPECK_M2: f64 = 100.0;

/// Largest gap between an arc and its chords in drawn and exported zones, metres.
pub const ARC_SAG_M: f64 = 0.5;

/// Arc step (degrees) so that chords at radius `r_m` sag at most `sag_m`.
fn arc_step_deg(r_m: f64, sag_m: f64) -> f64 {
    let step = 2.0 * (1.0 - sag_m / r_m.max(sag_m * 2.0)).acos().to_degrees();
    step.clamp(0.02, 2.0)
}

/// Points at `r_m` from `centre`, azimuths from `from_deg` to `to_deg` (both included).
fn arc(centre: Coord, from_deg: f64, to_deg: f64, r_m: f64, sag_m: f64, out: &mut Vec<Coord>) {
    let steps = ((to_deg - from_deg).abs() / arc_step_deg(r_m, sag_m))
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

/// The bands, sectors and caps of one part (a run of joined pieces) of a line,
/// as lon/lat rings, in line order.
fn part_pieces(part: &[(Coord, Coord)], r_m: f64, sag_m: f64, out: &mut Vec<Vec<Coord>>) {
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
            arc(a, 0.0, 360.0, r_m, sag_m, &mut ring);
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
        arc(
            centre,
            from - OVERLAP_DEG,
            to + OVERLAP_DEG,
            r_m,
            sag_m,
            &mut ring,
        );
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
pub fn split_at_antimeridian(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
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

/// The area within `r_m` of the joined geodesic pieces `lines` (a new part
/// starts wherever a piece does not begin at the previous one's end), cut at 180.
pub fn line_zone(lines: &[(Coord, Coord)], r_m: f64) -> MultiPolygon<f64> {
    split_at_antimeridian(union_of(&[(lines, r_m)], &[], ARC_SAG_M))
}

/// Runs of joined pieces.
fn parts(lines: &[(Coord, Coord)]) -> impl Iterator<Item = &[(Coord, Coord)]> {
    let mut start = 0;
    (1..=lines.len()).filter_map(move |i| {
        if i == lines.len() || lines[i].0 != lines[i - 1].1 {
            let part = &lines[start..i];
            start = i;
            Some(part)
        } else {
            None
        }
    })
}

/// The union of the areas within a reach of each set of lines and of the
/// polygons, in lon/lat (longitudes as Karney's direct gives them, not cut at
/// 180); arcs sag at most `sag_m`.
pub fn union_of(
    lines: &[(&[(Coord, Coord)], f64)],
    polygons: &[Polygon<f64>],
    sag_m: f64,
) -> MultiPolygon<f64> {
    let mut rings: Vec<Vec<Coord>> = Vec::new();
    for &(pieces, r_m) in lines {
        for part in parts(pieces) {
            part_pieces(part, r_m, sag_m, &mut rings);
        }
    }
    let centre = lines
        .iter()
        .find_map(|(l, _)| l.get(l.len() / 2).map(|p| p.0))
        .or_else(|| {
            polygons
                .first()
                .and_then(|p| p.exterior().0.first().copied())
        });
    let Some(centre) = centre else {
        return MultiPolygon(Vec::new());
    };
    let proj = Aeqd { centre };
    let ccw = |ring: &[Coord], want_ccw: bool| {
        let mut xy: Vec<Coord> = ring.iter().map(|&c| proj.to_xy(c)).collect();
        if (signed_area(&xy) > 0.0) != want_ccw {
            xy.reverse();
        }
        LineString(xy)
    };
    let mut polys: Vec<Polygon<f64>> = rings
        .par_iter()
        .map(|ring| Polygon::new(ccw(ring, true), vec![]))
        .collect();
    polys.extend(polygons.iter().map(|p| {
        Polygon::new(
            ccw(&p.exterior().0, true),
            p.interiors().iter().map(|r| ccw(&r.0, false)).collect(),
        )
    }));
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
    // Where several pieces meet at one point the overlay can leave specks
    // (slivers of a few square millimetres): no zone has a hole or a part that
    // small.
    merged
        .0
        .retain(|p| signed_area(&p.exterior().0).abs() > SPECK_M2);
    for p in &mut merged.0 {
        if p.interiors()
            .iter()
            .any(|h| signed_area(&h.0).abs() <= SPECK_M2)
        {
            let holes: Vec<LineString<f64>> = p
                .interiors()
                .iter()
                .filter(|h| signed_area(&h.0).abs() > SPECK_M2)
                .cloned()
                .collect();
            *p = Polygon::new(p.exterior().clone(), holes);
        }
    }
    merged.0.par_iter_mut().for_each(|p| {
        p.map_coords_in_place(|c| proj.to_lon_lat(c));
    });
    merged
}

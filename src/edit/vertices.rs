//! A geometry's vertices and edges as edit mode addresses them, and a
//! geometry moved as a whole.

use geo::{Coord, Geometry};

/// Where a vertex is in a feature's geometry: the part (of a multi geometry),
/// the ring (of a polygon: 0 the exterior) and the index along it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VertexAt {
    pub part: usize,
    pub ring: usize,
    pub index: usize,
}

impl VertexAt {
    pub fn new(part: usize, ring: usize, index: usize) -> VertexAt {
        VertexAt { part, ring, index }
    }
}

/// Where vertex `at` of a geometry is.
pub fn vertex_position(g: Option<&Geometry<f64>>, at: VertexAt) -> Option<Coord> {
    vertices(g?)
        .into_iter()
        .find(|(v, _)| *v == at)
        .map(|(_, c)| c)
}

/// Every vertex of a geometry with its address (a ring's closing vertex left out).
pub fn vertices(g: &Geometry<f64>) -> Vec<(VertexAt, Coord)> {
    let mut out = Vec::new();
    let mut path = |part: usize, ring: usize, v: &[Coord], closed: bool| {
        let n = if closed {
            v.len().saturating_sub(1)
        } else {
            v.len()
        };
        out.extend(
            v[..n]
                .iter()
                .enumerate()
                .map(|(i, c)| (VertexAt::new(part, ring, i), *c)),
        );
    };
    match g {
        Geometry::Point(p) => path(0, 0, &[p.0], false),
        Geometry::MultiPoint(m) => {
            for (k, p) in m.0.iter().enumerate() {
                path(k, 0, &[p.0], false)
            }
        }
        Geometry::LineString(l) => path(0, 0, &l.0, false),
        Geometry::MultiLineString(m) => {
            for (k, l) in m.0.iter().enumerate() {
                path(k, 0, &l.0, false)
            }
        }
        Geometry::Polygon(p) => {
            path(0, 0, &p.exterior().0, true);
            for (r, ring) in p.interiors().iter().enumerate() {
                path(0, r + 1, &ring.0, true)
            }
        }
        Geometry::MultiPolygon(m) => {
            for (k, p) in m.0.iter().enumerate() {
                path(k, 0, &p.exterior().0, true);
                for (r, ring) in p.interiors().iter().enumerate() {
                    path(k, r + 1, &ring.0, true)
                }
            }
        }
        _ => {}
    }
    out
}

/// Every edge of a geometry: the address a vertex inserted on it takes, and its ends.
pub fn edges(g: &Geometry<f64>) -> Vec<(VertexAt, Coord, Coord)> {
    let mut out = Vec::new();
    let mut path = |part: usize, ring: usize, v: &[Coord]| {
        for (i, w) in v.windows(2).enumerate() {
            out.push((VertexAt::new(part, ring, i + 1), w[0], w[1]));
        }
    };
    match g {
        Geometry::LineString(l) => path(0, 0, &l.0),
        Geometry::MultiLineString(m) => {
            for (k, l) in m.0.iter().enumerate() {
                path(k, 0, &l.0)
            }
        }
        Geometry::Polygon(p) => {
            path(0, 0, &p.exterior().0);
            for (r, ring) in p.interiors().iter().enumerate() {
                path(0, r + 1, &ring.0)
            }
        }
        Geometry::MultiPolygon(m) => {
            for (k, p) in m.0.iter().enumerate() {
                path(k, 0, &p.exterior().0);
                for (r, ring) in p.interiors().iter().enumerate() {
                    path(k, r + 1, &ring.0)
                }
            }
        }
        _ => {}
    }
    out
}

/// A geometry moved by `d` degrees (a feature dragged as a whole).
pub fn translate(mut g: Geometry<f64>, d: Coord) -> Geometry<f64> {
    use geo::MapCoordsInPlace;
    g.map_coords_in_place(|c| Coord {
        x: c.x + d.x,
        y: c.y + d.y,
    });
    g
}

/// A line cut in two at vertex `at` (which ends the first part and starts the
/// second): a LineString becomes a MultiLineString of two parts, a part of a
/// MultiLineString two parts. Not at a line's first or last vertex.
pub fn split_at(g: &Geometry<f64>, at: VertexAt) -> Result<Geometry<f64>, crate::error::Problem> {
    let cut =
        |l: &geo::LineString<f64>| -> Result<[geo::LineString<f64>; 2], crate::error::Problem> {
            let i = at.index;
            if at.ring != 0 || i == 0 || i + 1 >= l.0.len() {
                return Err(crate::problem!(
                    "a line is split at a vertex between its ends (vertex {i} of {})",
                    l.0.len()
                ));
            }
            Ok([
                geo::LineString(l.0[..=i].to_vec()),
                geo::LineString(l.0[i..].to_vec()),
            ])
        };
    match g {
        Geometry::LineString(l) if at.part == 0 => Ok(Geometry::MultiLineString(
            geo::MultiLineString(cut(l)?.to_vec()),
        )),
        Geometry::MultiLineString(m) => {
            let part =
                m.0.get(at.part)
                    .ok_or_else(|| crate::problem!("it has no part {}", at.part))?;
            let [a, b] = cut(part)?;
            let mut parts = m.0.clone();
            parts.splice(at.part..=at.part, [a, b]);
            Ok(Geometry::MultiLineString(geo::MultiLineString(parts)))
        }
        _ => Err(crate::problem!("only lines are split")),
    }
}

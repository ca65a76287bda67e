//! A polyline measured along: geodesic length to each vertex, and where a
//! point lies along it (the foot of the perpendicular on the nearest edge).

use geo::Coord;

/// Geodesic length along `line` up to each vertex, metres (first 0).
pub fn along_m(line: &[Coord]) -> Vec<f64> {
    let mut along = Vec::with_capacity(line.len());
    let mut s = 0.0;
    for (i, c) in line.iter().enumerate() {
        if i > 0 {
            s += super::distance_m(line[i - 1], *c);
        }
        along.push(s);
    }
    along
}

/// Where `p` lies along `line` (metres from its start, given `along` from
/// [`along_m`]) and how far off it (metres): the foot on the nearest edge,
/// found in a local plane about `p` (ample for edges of a few km; the offset
/// is the geodesic distance to that foot).
pub fn locate(line: &[Coord], along: &[f64], p: Coord) -> Option<(f64, f64)> {
    let mut best: Option<(f64, f64)> = None;
    let k = p.y.to_radians().cos().max(0.01);
    for (i, w) in line.windows(2).enumerate() {
        let (ax, ay) = ((w[0].x - p.x) * k, w[0].y - p.y);
        let (bx, by) = ((w[1].x - p.x) * k, w[1].y - p.y);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let foot = Coord {
            x: w[0].x + (w[1].x - w[0].x) * t,
            y: w[0].y + (w[1].y - w[0].y) * t,
        };
        let off = super::distance_m(p, foot);
        if best.is_none_or(|(_, o)| off < o) {
            let seg = along[i + 1] - along[i];
            best = Some((along[i] + seg * t, off));
        }
    }
    best
}

//! Where a straight segment meets a capsule or crosses another segment, in a
//! local metric frame (metres). Parameters `t` run from 0 at `a` to 1 at `b`.

/// The closed interval of `t` in [0, 1] where `a + t (b - a)` is within `r` of
/// the segment `c`-`e`, if any. A capsule is convex, so this is one interval.
pub fn segment_in_capsule(
    a: [f64; 2],
    b: [f64; 2],
    c: [f64; 2],
    e: [f64; 2],
    r: f64,
) -> Option<(f64, f64)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut add = |iv: Option<(f64, f64)>| {
        if let Some((x, y)) = iv {
            lo = lo.min(x);
            hi = hi.max(y);
        }
    };
    add(segment_in_disc(a, d, c, r));
    add(segment_in_disc(a, d, e, r));
    // The band between the end caps: 0 <= u <= L, |v| <= r.
    let (ex, ey) = (e[0] - c[0], e[1] - c[1]);
    let len = (ex * ex + ey * ey).sqrt();
    if len > 0.0 {
        let (ux, uy) = (ex / len, ey / len);
        let (ac_x, ac_y) = (a[0] - c[0], a[1] - c[1]);
        let u0 = ac_x * ux + ac_y * uy;
        let du = d[0] * ux + d[1] * uy;
        let v0 = -ac_x * uy + ac_y * ux;
        let dv = -d[0] * uy + d[1] * ux;
        let mut t0 = 0.0f64;
        let mut t1 = 1.0f64;
        let mut ok = true;
        // Each constraint p + q t >= 0 (Liang-Barsky).
        for (p, q) in [(u0, du), (len - u0, -du), (r - v0, -dv), (r + v0, dv)] {
            if q == 0.0 {
                if p < 0.0 {
                    ok = false;
                }
            } else {
                let t = -p / q;
                if q > 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        if ok && t0 <= t1 {
            add(Some((t0, t1)));
        }
    }
    let (lo, hi) = (lo.max(0.0), hi.min(1.0));
    (lo <= hi).then_some((lo, hi))
}

/// `t` in [0, 1] where `a + t d` is within `r` of `c`.
fn segment_in_disc(a: [f64; 2], d: [f64; 2], c: [f64; 2], r: f64) -> Option<(f64, f64)> {
    let (fx, fy) = (a[0] - c[0], a[1] - c[1]);
    let qa = d[0] * d[0] + d[1] * d[1];
    let qc = fx * fx + fy * fy - r * r;
    if qa == 0.0 {
        return (qc <= 0.0).then_some((0.0, 1.0));
    }
    let qb = 2.0 * (fx * d[0] + fy * d[1]);
    let disc = qb * qb - 4.0 * qa * qc;
    if disc < 0.0 {
        return None;
    }
    let s = disc.sqrt();
    let (t0, t1) = ((-qb - s) / (2.0 * qa), (-qb + s) / (2.0 * qa));
    let (t0, t1) = (t0.max(0.0), t1.min(1.0));
    (t0 <= t1).then_some((t0, t1))
}

/// `t` in [0, 1] where segment `a`-`b` crosses segment `c`-`e`, if it does.
pub fn segment_crossing(a: [f64; 2], b: [f64; 2], c: [f64; 2], e: [f64; 2]) -> Option<f64> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [e[0] - c[0], e[1] - c[1]];
    let den = r[0] * s[1] - r[1] * s[0];
    if den == 0.0 {
        return None;
    }
    let q = [c[0] - a[0], c[1] - a[1]];
    let t = (q[0] * s[1] - q[1] * s[0]) / den;
    let u = (q[0] * r[1] - q[1] * r[0]) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

/// Sorts and merges overlapping or touching closed intervals in place.
pub fn merge_intervals(v: &mut Vec<(f64, f64)>) {
    if v.len() < 2 {
        return;
    }
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(v.len());
    for &(lo, hi) in v.iter() {
        match out.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    *v = out;
}

use super::{LocalFrame, Piece, PieceKind, SpatialIndex, grown};
use geo::Coord;

impl SpatialIndex {
    /// The parts of the short edge `a`-`b` inside the areas `keep` accepts, as
    /// sorted, disjoint parameter intervals in [0, 1] (closed).
    ///
    /// `hint` carries the line piece that held the previous edge whole: areas
    /// around a segment are convex, so if it holds both ends it holds the edge.
    pub fn edge_inside_intervals(
        &self,
        a: Coord,
        b: Coord,
        keep: &dyn Fn(u32) -> bool,
        hint: &mut Option<u32>,
        out: &mut Vec<(f64, f64)>,
    ) {
        out.clear();
        if let Some(h) = *hint {
            // A track follows its corridor: try the hinted piece, then its neighbours
            // along the same line, before asking the R-tree.
            let shape = self.pieces[h as usize].shape;
            for id in [Some(h), h.checked_add(1), h.checked_sub(1)]
                .into_iter()
                .flatten()
            {
                // The hinted piece held all of the previous edge, whose end is this start.
                if (id as usize) < self.pieces.len()
                    && self.pieces[id as usize].shape == shape
                    && self.pieces[id as usize].kind == PieceKind::Line
                    && keep(shape)
                    && (id == h || self.clearly_inside(id, a))
                    && self.clearly_inside(id, b)
                {
                    *hint = Some(id);
                    out.push((0.0, 1.0));
                    return;
                }
            }
        }
        // From here on the hint only survives if a piece holds this whole edge.
        *hint = None;
        let frame = LocalFrame::new(a);
        let pa = [0.0, 0.0];
        let pb = frame.to_xy(b);
        let env = grown(a, b, 0.0);
        let mut ring_pieces: Vec<&Piece> = Vec::new();
        for (id, piece) in self.pieces_in(&env) {
            if !keep(piece.shape) {
                continue;
            }
            match piece.kind {
                PieceKind::Line => {
                    let reach = self.shapes[piece.shape as usize].reach_m;
                    let (ca, cb) = (frame.to_xy(piece.a), frame.to_xy(piece.b));
                    if let Some(iv) = segment_in_capsule(pa, pb, ca, cb, reach) {
                        if iv == (0.0, 1.0) {
                            *hint = Some(id);
                            out.clear();
                            out.push(iv);
                            return;
                        }
                        out.push(iv);
                    }
                }
                PieceKind::Ring => ring_pieces.push(piece),
                PieceKind::Point => {}
            }
        }
        for s in self.polygon_shapes_in(&env).collect::<Vec<_>>() {
            if !keep(s) {
                continue;
            }
            let mut cuts: Vec<f64> = vec![0.0, 1.0];
            for piece in ring_pieces.iter().filter(|p| p.shape == s) {
                if let Some(t) =
                    segment_crossing(pa, pb, frame.to_xy(piece.a), frame.to_xy(piece.b))
                {
                    cuts.push(t);
                }
            }
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            for w in cuts.windows(2) {
                let tm = 0.5 * (w[0] + w[1]);
                let m = Coord {
                    x: a.x + tm * crate::geodesy::wrap_dlon_deg(b.x - a.x),
                    y: a.y + tm * (b.y - a.y),
                };
                if self.polygon_contains(s, m) {
                    out.push((w[0], w[1]));
                }
            }
        }
        merge_intervals(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_a_band_at_right_angles() {
        // Band along the x axis from 0 to 100, radius 10; segment x=50 from y=-30 to y=30.
        let iv = segment_in_capsule([50.0, -30.0], [50.0, 30.0], [0.0, 0.0], [100.0, 0.0], 10.0)
            .unwrap();
        assert!(
            (iv.0 - 20.0 / 60.0).abs() < 1e-12 && (iv.1 - 40.0 / 60.0).abs() < 1e-12,
            "{iv:?}"
        );
    }

    #[test]
    fn end_cap_is_round() {
        // Passing 6 beyond the end cap at x=106, radius 10: chord half-length 8.
        let iv = segment_in_capsule(
            [106.0, -20.0],
            [106.0, 20.0],
            [0.0, 0.0],
            [100.0, 0.0],
            10.0,
        )
        .unwrap();
        assert!(
            (iv.0 - 12.0 / 40.0).abs() < 1e-12 && (iv.1 - 28.0 / 40.0).abs() < 1e-12,
            "{iv:?}"
        );
        assert!(
            segment_in_capsule(
                [111.0, -20.0],
                [111.0, 20.0],
                [0.0, 0.0],
                [100.0, 0.0],
                10.0
            )
            .is_none()
        );
    }

    #[test]
    fn wholly_inside_and_touching() {
        assert_eq!(
            segment_in_capsule([10.0, 1.0], [20.0, -1.0], [0.0, 0.0], [100.0, 0.0], 10.0),
            Some((0.0, 1.0))
        );
        // Grazing the band edge y=10 at one point.
        let iv = segment_in_capsule(
            [40.0, 20.0],
            [60.0, 0.0 + 20.0 - 20.0 + 0.0],
            [0.0, 0.0],
            [100.0, 0.0],
            10.0,
        );
        assert!(iv.is_some());
    }

    #[test]
    fn crossing_and_merge() {
        assert_eq!(
            segment_crossing([0.0, 0.0], [10.0, 0.0], [5.0, -1.0], [5.0, 1.0]),
            Some(0.5)
        );
        assert_eq!(
            segment_crossing([0.0, 0.0], [10.0, 0.0], [11.0, -1.0], [11.0, 1.0]),
            None
        );
        let mut v = vec![(0.5, 0.7), (0.0, 0.2), (0.6, 0.9), (0.2, 0.3)];
        merge_intervals(&mut v);
        assert_eq!(v, vec![(0.0, 0.3), (0.5, 0.9)]);
    }
}

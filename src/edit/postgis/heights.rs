//! Heights and measures kept through an edit. The app edits in 2-D; a row
//! of a 3-D or measured column (`LineStringZ`, `LineStringM`, `…ZM`) gets
//! back, vertex by vertex, the Z and M it held: by place when the edit kept
//! the vertices' count (a vertex dragged, the feature moved whole), else from
//! the vertex at the same position, and for a vertex new or moved, the value
//! interpolated along its line between the nearest ones kept (the nearest
//! kept one at an end). A new row's heights are 0: there is nothing to keep.

use geo::{Coord, Geometry};

/// Each part (a point, a line, a ring) of a geometry, in order: x, y, z, m.
type Parts = Vec<Vec<[f64; 4]>>;

/// The old row's EWKB (or ISO WKB) in EPSG:4326 read into its parts, or `None`
/// when it does not parse.
pub(super) fn parts_of_wkb(wkb: &[u8]) -> Option<Parts> {
    let mut r = Reader { b: wkb, at: 0 };
    let mut parts = Vec::new();
    r.geometry(&mut parts, 0)?;
    Some(parts)
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let s = self.b.get(self.at..self.at.checked_add(N)?)?;
        self.at += N;
        s.try_into().ok()
    }

    fn u32(&mut self, little: bool) -> Option<u32> {
        let b = self.bytes::<4>()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Option<f64> {
        let b = self.bytes::<8>()?;
        Some(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn geometry(&mut self, parts: &mut Parts, depth: usize) -> Option<()> {
        if depth > 8 {
            return None;
        }
        let little = self.bytes::<1>()?[0] == 1;
        let code = self.u32(little)?;
        // EWKB flags, or ISO's thousands.
        let (mut z, mut m) = (code & 0x8000_0000 != 0, code & 0x4000_0000 != 0);
        if code & 0x2000_0000 != 0 {
            self.u32(little)?;
        }
        let base = code & 0x0fff_ffff;
        match base / 1000 {
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => {}
        }
        let coord = |r: &mut Self| -> Option<[f64; 4]> {
            let (x, y) = (r.f64(little)?, r.f64(little)?);
            let zv = if z { r.f64(little)? } else { 0.0 };
            let mv = if m { r.f64(little)? } else { 0.0 };
            Some([x, y, zv, mv])
        };
        let count = |r: &mut Self| -> Option<usize> {
            let n = r.u32(little)? as usize;
            // Each count at least one coordinate's bytes: a lie stops here.
            (n <= r.b.len() / 16).then_some(n)
        };
        match base % 1000 {
            1 => parts.push(vec![coord(self)?]),
            2 => {
                let n = count(self)?;
                parts.push((0..n).map(|_| coord(self)).collect::<Option<_>>()?);
            }
            3 => {
                for _ in 0..count(self)? {
                    let n = count(self)?;
                    parts.push((0..n).map(|_| coord(self)).collect::<Option<_>>()?);
                }
            }
            4..=7 => {
                for _ in 0..count(self)? {
                    self.geometry(parts, depth + 1)?;
                }
            }
            _ => return None,
        }
        Some(())
    }
}

/// The parts of a 2-D geometry, in the order WKB writes them.
fn parts_of(g: &Geometry<f64>, out: &mut Vec<Vec<Coord>>) -> Option<()> {
    match g {
        Geometry::Point(p) => out.push(vec![p.0]),
        Geometry::LineString(l) => out.push(l.0.clone()),
        Geometry::Polygon(p) => {
            out.push(p.exterior().0.clone());
            out.extend(p.interiors().iter().map(|r| r.0.clone()));
        }
        Geometry::MultiPoint(m) => out.extend(m.0.iter().map(|p| vec![p.0])),
        Geometry::MultiLineString(m) => out.extend(m.0.iter().map(|l| l.0.clone())),
        Geometry::MultiPolygon(m) => {
            for p in &m.0 {
                parts_of(&Geometry::Polygon(p.clone()), out)?;
            }
        }
        Geometry::GeometryCollection(c) => {
            for g in &c.0 {
                parts_of(g, out)?;
            }
        }
        _ => return None,
    }
    Some(())
}

/// The Z and M of each vertex of `new`, from `old`'s.
fn values(new: &[Vec<Coord>], old: &Parts) -> Vec<Vec<[f64; 2]>> {
    let same_shape = new.len() == old.len() && new.iter().zip(old).all(|(a, b)| a.len() == b.len());
    if same_shape {
        return old
            .iter()
            .map(|p| p.iter().map(|c| [c[2], c[3]]).collect())
            .collect();
    }
    let all: Vec<&[f64; 4]> = old.iter().flatten().collect();
    new.iter()
        .map(|part| {
            // Each vertex still where a vertex was keeps that one's values.
            let kept: Vec<Option<[f64; 2]>> = part
                .iter()
                .map(|c| {
                    all.iter()
                        .find(|o| o[0] == c.x && o[1] == c.y)
                        .map(|o| [o[2], o[3]])
                })
                .collect();
            (0..part.len())
                .map(|i| kept[i].unwrap_or_else(|| between(part, &kept, i, &all)))
                .collect()
        })
        .collect()
}

/// The values at vertex `i` of `part`, which is not where an old vertex
/// was: interpolated by distance along the part between the nearest kept
/// vertices, the nearest kept one at an end, the nearest old vertex else.
fn between(part: &[Coord], kept: &[Option<[f64; 2]>], i: usize, all: &[&[f64; 4]]) -> [f64; 2] {
    let before = (0..i).rev().find_map(|k| kept[k].map(|v| (k, v)));
    let after = (i + 1..part.len()).find_map(|k| kept[k].map(|v| (k, v)));
    let along = |a: usize, b: usize| -> f64 {
        (a.min(b)..a.max(b))
            .map(|k| (part[k + 1].x - part[k].x).hypot(part[k + 1].y - part[k].y))
            .sum()
    };
    match (before, after) {
        (Some((a, va)), Some((b, vb))) => {
            let (da, db) = (along(a, i), along(i, b));
            let t = if da + db > 0.0 { da / (da + db) } else { 0.5 };
            [va[0] + (vb[0] - va[0]) * t, va[1] + (vb[1] - va[1]) * t]
        }
        (Some((_, v)), None) | (None, Some((_, v))) => v,
        (None, None) => {
            let c = part[i];
            all.iter()
                .min_by(|a, b| {
                    let da = (a[0] - c.x).hypot(a[1] - c.y);
                    let db = (b[0] - c.x).hypot(b[1] - c.y);
                    da.total_cmp(&db)
                })
                .map_or([0.0, 0.0], |o| [o[2], o[3]])
        }
    }
}

/// `new` as ISO WKB with a Z (`m`: an M; `dims` 4: both) taken from `old`'s
/// vertices; `None` for a shape WKB has no place for.
pub(super) fn wkb_keeping(new: &Geometry<f64>, old: &Parts, dims: i32, m: bool) -> Option<Vec<u8>> {
    let mut parts = Vec::new();
    parts_of(new, &mut parts)?;
    let vals = values(&parts, old);
    let mut w = Writer {
        out: Vec::new(),
        vals: vals.into_iter().flatten().collect::<Vec<_>>().into_iter(),
        extra: match (dims, m) {
            (4, _) => 3000,
            (3, true) => 2000,
            _ => 1000,
        },
    };
    w.geometry(new)?;
    Some(w.out)
}

struct Writer {
    out: Vec<u8>,
    vals: std::vec::IntoIter<[f64; 2]>,
    /// 1000 (Z), 2000 (M) or 3000 (ZM), added to each type code.
    extra: u32,
}

impl Writer {
    fn head(&mut self, code: u32) {
        self.out.push(1);
        self.out.extend((code + self.extra).to_le_bytes());
    }

    fn n(&mut self, n: usize) {
        self.out.extend((n as u32).to_le_bytes());
    }

    fn coords(&mut self, cs: &[Coord]) {
        for c in cs {
            let v = self.vals.next().unwrap_or([0.0, 0.0]);
            self.out.extend(c.x.to_le_bytes());
            self.out.extend(c.y.to_le_bytes());
            match self.extra {
                1000 => self.out.extend(v[0].to_le_bytes()),
                2000 => self.out.extend(v[1].to_le_bytes()),
                _ => {
                    self.out.extend(v[0].to_le_bytes());
                    self.out.extend(v[1].to_le_bytes());
                }
            }
        }
    }

    fn polygon(&mut self, p: &geo::Polygon<f64>) {
        self.head(3);
        self.n(1 + p.interiors().len());
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            self.n(r.0.len());
            self.coords(&r.0);
        }
    }

    fn geometry(&mut self, g: &Geometry<f64>) -> Option<()> {
        match g {
            Geometry::Point(p) => {
                self.head(1);
                self.coords(&[p.0]);
            }
            Geometry::LineString(l) => {
                self.head(2);
                self.n(l.0.len());
                self.coords(&l.0);
            }
            Geometry::Polygon(p) => self.polygon(p),
            Geometry::MultiPoint(m) => {
                self.head(4);
                self.n(m.0.len());
                for p in &m.0 {
                    self.geometry(&Geometry::Point(*p))?;
                }
            }
            Geometry::MultiLineString(m) => {
                self.head(5);
                self.n(m.0.len());
                for l in &m.0 {
                    self.head(2);
                    self.n(l.0.len());
                    self.coords(&l.0);
                }
            }
            Geometry::MultiPolygon(m) => {
                self.head(6);
                self.n(m.0.len());
                for p in &m.0 {
                    self.polygon(p);
                }
            }
            Geometry::GeometryCollection(c) => {
                self.head(7);
                self.n(c.0.len());
                for g in &c.0 {
                    self.geometry(g)?;
                }
            }
            _ => return None,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::LineString;

    fn ewkb_line_z(cs: &[[f64; 3]]) -> Vec<u8> {
        let mut b = vec![1];
        b.extend((2u32 | 0x8000_0000 | 0x2000_0000).to_le_bytes());
        b.extend(4326u32.to_le_bytes());
        b.extend((cs.len() as u32).to_le_bytes());
        for c in cs {
            for v in c {
                b.extend(v.to_le_bytes());
            }
        }
        b
    }

    fn zs(wkb: &[u8]) -> Vec<f64> {
        parts_of_wkb(wkb).unwrap()[0].iter().map(|c| c[2]).collect()
    }

    #[test]
    fn heights_follow_the_vertices_kept_and_are_interpolated_between() {
        let old = parts_of_wkb(&ewkb_line_z(&[
            [0.0, 0.0, 100.0],
            [1.0, 0.0, 200.0],
            [2.0, 0.0, 300.0],
        ]))
        .unwrap();
        // A vertex dragged: the same count, each keeps its own.
        let dragged =
            Geometry::LineString(LineString::from(vec![(0.0, 0.0), (1.0, 0.5), (2.0, 0.0)]));
        let w = wkb_keeping(&dragged, &old, 3, false).unwrap();
        assert_eq!(zs(&w), [100.0, 200.0, 300.0]);
        // A vertex inserted a quarter of the way: interpolated by distance.
        let inserted = Geometry::LineString(LineString::from(vec![
            (0.0, 0.0),
            (0.5, 0.0),
            (1.0, 0.0),
            (2.0, 0.0),
        ]));
        let w = wkb_keeping(&inserted, &old, 3, false).unwrap();
        assert_eq!(zs(&w), [100.0, 150.0, 200.0, 300.0]);
        // The last vertex deleted and a new end: the nearest kept one's.
        let cut = Geometry::LineString(LineString::from(vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (1.5, 1.0),
            (1.7, 1.0),
        ]));
        let w = wkb_keeping(&cut, &old, 3, false).unwrap();
        assert_eq!(zs(&w), [100.0, 200.0, 200.0, 200.0]);
        // A measure: written as M (ISO 2002), read back.
        let w = wkb_keeping(&dragged, &old, 3, true).unwrap();
        assert_eq!(u32::from_le_bytes(w[1..5].try_into().unwrap()), 2002);
        // Cut short or lying WKB is refused, never read past its end.
        let b = ewkb_line_z(&[[0.0, 0.0, 1.0]]);
        assert!(parts_of_wkb(&b[..b.len() - 3]).is_none());
        let mut lie = b.clone();
        lie[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parts_of_wkb(&lie).is_none());
    }
}

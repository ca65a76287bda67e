//! The byte scanner behind the fast GeoJSON reader: JSON values, strings and
//! numbers read straight from the bytes, coordinates as nested lists.

use crate::io::time::TimeRun;
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

pub(super) const MAX_DEPTH: usize = 64;
/// Most members of an object the fast path reads (its duplicate check is quadratic).
pub(super) const MAX_MEMBERS: usize = 64;
/// Below this many bytes a chunk is not worth a thread (small in tests, to exercise the cuts).
#[cfg(not(test))]
pub(super) const MIN_CHUNK_BYTES: usize = 1 << 20;
#[cfg(test)]
pub(super) const MIN_CHUNK_BYTES: usize = 64;

pub(super) struct P<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

/// A coordinates array: a position (up to 3 numbers kept, and how many there were) or a list.
pub(super) enum C {
    /// One position: up to three numbers kept, and how many were written.
    Pos([f64; 3], usize),
    /// A list of positions, each of two numbers or more, read straight into
    /// x/y pairs (a line's or ring's vertices, no list of `Pos` between);
    /// its first and last position in full, for the ring check.
    Run(Vec<Coord>, ([f64; 3], usize), ([f64; 3], usize)),
    List(Vec<C>),
}

impl<'a> P<'a> {
    #[inline]
    pub(super) fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    pub(super) fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    #[inline]
    pub(super) fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// After an item of an array or object: true after a comma (more follow),
    /// false after `close` (consumed), `None` on anything else.
    #[inline]
    pub(super) fn more(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(true)
            }
            c if c == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// An object of known shape, member by member: `member(p, key)` reads each
    /// value. `None` (the strict reader decides) on a repeated key, on more than
    /// `MAX_MEMBERS` members, or on anything malformed.
    pub(super) fn members(
        &mut self,
        mut member: impl FnMut(&mut Self, &str) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        let mut seen: Vec<Cow<'a, str>> = Vec::new();
        loop {
            let k = self.string()?;
            if seen.contains(&k) || seen.len() >= MAX_MEMBERS {
                return None;
            }
            self.eat(b':')?;
            member(self, &k)?;
            seen.push(k);
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    pub(super) fn lit(&mut self, word: &[u8]) -> Option<()> {
        self.b
            .get(self.i..self.i + word.len())
            .filter(|s| *s == word)
            .map(|_| self.i += word.len())
    }

    /// A string after its opening quote has been seen (not consumed).
    pub(super) fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            let c = *self.b.get(self.i)?;
            match c {
                b'"' => {
                    let s = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                    self.i += 1;
                    return Some(Cow::Borrowed(s));
                }
                b'\\' => break,
                0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
        // With escapes.
        let mut out: Vec<u8> = self.b[start..self.i].to_vec();
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok().map(Cow::Owned),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let hex = |p: &mut Self| -> Option<u32> {
                                let h = std::str::from_utf8(p.b.get(p.i..p.i + 4)?).ok()?;
                                p.i += 4;
                                u32::from_str_radix(h, 16).ok()
                            };
                            let mut cp = hex(self)?;
                            if (0xD800..0xDC00).contains(&cp) {
                                self.lit(b"\\u")?;
                                let lo = hex(self)?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            } else if (0xDC00..0xE000).contains(&cp) {
                                return None;
                            }
                            let ch = char::from_u32(cp)?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => out.push(c),
            }
        }
    }

    /// A JSON number: its value, whether it was written as an integer, and its text.
    pub(super) fn number(&mut self) -> Option<(f64, bool, &'a str)> {
        let (v, integer, start) = self.number_at()?;
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        Some((v, integer, text))
    }

    /// A JSON number: its value, whether it was written as an integer, and
    /// where its text starts (it ends at `self.i`).
    fn number_at(&mut self) -> Option<(f64, bool, usize)> {
        self.ws();
        let start = self.i;
        let b = self.b;
        let mut i = self.i;
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        // The digits' value, exact while there are 19 of them or fewer (more:
        // the text is parsed instead, below).
        let mut mant: u64 = 0;
        let digit = |i: usize| b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10);
        let int_start = i;
        while let Some(d) = digit(i) {
            mant = mant.wrapping_mul(10).wrapping_add(d as u64);
            i += 1;
        }
        if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
            return None;
        }
        let mut digits = i - int_start;
        let mut exp10: i32 = 0;
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            let frac_start = i;
            while let Some(d) = digit(i) {
                mant = mant.wrapping_mul(10).wrapping_add(d as u64);
                i += 1;
            }
            if i == frac_start {
                return None;
            }
            digits += i - frac_start;
            exp10 = -((i - frac_start).min(1000) as i32);
        }
        let mut plain = digits <= 19;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integer = false;
            plain = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let e_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == e_start {
                return None;
            }
        }
        self.i = i;
        // Clinger's fast path: exact when the mantissa and the power of ten are exact in f64.
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        let v = if plain && mant < (1u64 << 53) && exp10 >= -22 {
            let m = mant as f64 / POW10[(-exp10) as usize];
            if neg { -m } else { m }
        } else {
            std::str::from_utf8(&b[start..i])
                .ok()?
                .parse::<f64>()
                .ok()?
        };
        v.is_finite().then_some((v, integer, start))
    }

    /// Any JSON value, as serde_json would build it; duplicate members refused.
    pub(super) fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.i += 1;
                let mut m = Map::new();
                if self.eat(b'}').is_some() {
                    return Some(Value::Object(m));
                }
                loop {
                    let k = self.string()?.into_owned();
                    self.eat(b':')?;
                    let v = self.value(depth + 1)?;
                    if m.insert(k, v).is_some() {
                        return None;
                    }
                    if !self.more(b'}')? {
                        return Some(Value::Object(m));
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                if self.eat(b']').is_some() {
                    return Some(Value::Array(a));
                }
                loop {
                    a.push(self.value(depth + 1)?);
                    if !self.more(b']')? {
                        return Some(Value::Array(a));
                    }
                }
            }
            b'"' => Some(Value::String(self.string()?.into_owned())),
            b't' => self.lit(b"true").map(|_| Value::Bool(true)),
            b'f' => self.lit(b"false").map(|_| Value::Bool(false)),
            b'n' => self.lit(b"null").map(|_| Value::Null),
            _ => {
                let (v, integer, text) = self.number()?;
                // serde_json reads "-0" as the float -0.0.
                if integer && !(v == 0.0 && text.starts_with('-')) {
                    if let Ok(u) = text.parse::<u64>() {
                        return Some(Value::Number(u.into()));
                    }
                    if let Ok(i) = text.parse::<i64>() {
                        return Some(Value::Number(i.into()));
                    }
                }
                Number::from_f64(v).map(Value::Number)
            }
        }
    }

    pub(super) fn coords(&mut self, depth: usize) -> Option<C> {
        if depth > 8 {
            return None;
        }
        self.eat(b'[')?;
        match self.peek()? {
            b']' => {
                self.i += 1;
                Some(C::List(Vec::new()))
            }
            b'[' => {
                let first = self.coords(depth + 1)?;
                if let C::Pos(v, n) = first {
                    // A list of positions: every item must be one (a list
                    // among them, or a position of fewer than two numbers,
                    // is no geometry: the strict reader words it).
                    if n < 2 {
                        return None;
                    }
                    let mut xy = vec![Coord { x: v[0], y: v[1] }];
                    let mut last = (v, n);
                    while self.more(b']')? {
                        self.eat(b'[')?;
                        last = self.position()?;
                        if last.1 < 2 {
                            return None;
                        }
                        xy.push(Coord {
                            x: last.0[0],
                            y: last.0[1],
                        });
                    }
                    return Some(C::Run(xy, (v, n), last));
                }
                let mut list = vec![first];
                while self.more(b']')? {
                    list.push(self.coords(depth + 1)?);
                }
                Some(C::List(list))
            }
            _ => {
                let (xyz, n) = self.position()?;
                Some(C::Pos(xyz, n))
            }
        }
    }

    /// A position's numbers after its opening bracket, through the closing
    /// one: the first three kept, and how many there were.
    fn position(&mut self) -> Option<([f64; 3], usize)> {
        let mut xyz = [0.0; 3];
        let mut n = 0;
        loop {
            let (v, _, _) = self.number_at()?;
            if n < 3 {
                xyz[n] = v;
            }
            n += 1;
            if !self.more(b']')? {
                return Some((xyz, n));
            }
        }
    }

    /// An array of RFC 3339 strings (or nulls).
    pub(super) fn times(&mut self) -> Option<Vec<Option<f64>>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        if self.eat(b']').is_some() {
            return Some(out);
        }
        let mut run = TimeRun::default();
        loop {
            match self.peek()? {
                b'n' => {
                    self.lit(b"null")?;
                    out.push(None);
                }
                b'"' => {
                    let from = self.i + 1;
                    // The common case: the plain form on the day of the last one.
                    if let Some(text) = self.b.get(from..from + 21)
                        && text[20] == b'"'
                        && let Some(t) = run.same_day(&text[..20])
                    {
                        self.i = from + 21;
                        out.push(Some(t));
                        if !self.more(b']')? {
                            return Some(out);
                        }
                        continue;
                    }
                    // ASCII without escapes is the time's own bytes (no UTF-8 check needed).
                    let len = self.b[from..]
                        .iter()
                        .position(|&c| c == b'"' || c == b'\\' || !(0x20..0x80).contains(&c));
                    match len.map(|n| (n, self.b[from + n])) {
                        Some((n, b'"')) => {
                            self.i = from + n + 1;
                            out.push(Some(run.parse(&self.b[from..from + n])?));
                        }
                        _ => {
                            let s = self.string()?;
                            out.push(Some(run.parse(s.as_bytes())?));
                        }
                    }
                }
                _ => return None,
            }
            if !self.more(b']')? {
                return Some(out);
            }
        }
    }

    pub(super) fn geometry(&mut self) -> Option<Option<Geometry<f64>>> {
        if self.peek()? == b'n' {
            self.lit(b"null")?;
            return Some(None);
        }
        let (mut ty, mut coords) = (None, None);
        self.members(|p, k| {
            match k {
                "type" => ty = Some(p.string()?),
                "coordinates" => coords = Some(p.coords(0)?),
                "bbox" | "geometries" => return None,
                _ => {
                    p.value(1)?;
                }
            }
            Some(())
        })?;
        build_geometry(ty?.as_ref(), coords?).map(Some)
    }
}

fn pos(c: &C) -> Option<Coord> {
    match c {
        C::Pos(v, n) if *n >= 2 => Some(Coord { x: v[0], y: v[1] }),
        _ => None,
    }
}

fn list(c: C) -> Option<Vec<C>> {
    match c {
        C::List(l) => Some(l),
        C::Pos(..) | C::Run(..) => None,
    }
}

/// A list of positions as x/y pairs (an empty list is one too).
fn positions(c: C) -> Option<Vec<Coord>> {
    match c {
        C::Run(xy, ..) => Some(xy),
        C::List(l) if l.is_empty() => Some(Vec::new()),
        _ => None,
    }
}

fn line(c: C) -> Option<LineString<f64>> {
    let pts = positions(c)?;
    (pts.len() >= 2).then_some(LineString(pts))
}

fn ring(c: C) -> Option<LineString<f64>> {
    let C::Run(pts, (a, na), (b, nb)) = c else {
        return None;
    };
    // Closed means equal positions, z included; beyond three numbers, let the strict reader judge.
    if na != nb || na > 3 || a[..na] != b[..nb] {
        return None;
    }
    (pts.len() >= 4).then_some(LineString(pts))
}

fn polygon(c: C) -> Option<Polygon<f64>> {
    let mut rings = list(c)?.into_iter().map(ring);
    let ext = rings.next()??;
    Some(Polygon::new(ext, rings.collect::<Option<_>>()?))
}

pub(super) fn build_geometry(ty: &str, c: C) -> Option<Geometry<f64>> {
    Some(match ty {
        "Point" => Geometry::Point(Point(pos(&c)?)),
        "MultiPoint" => {
            Geometry::MultiPoint(MultiPoint(positions(c)?.into_iter().map(Point).collect()))
        }
        "LineString" => Geometry::LineString(line(c)?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            list(c)?.into_iter().map(line).collect::<Option<_>>()?,
        )),
        "Polygon" => Geometry::Polygon(polygon(c)?),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(
            list(c)?.into_iter().map(polygon).collect::<Option<_>>()?,
        )),
        _ => return None,
    })
}

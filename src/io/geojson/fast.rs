//! A fast path for the common shape of GeoJSON: a FeatureCollection of features
//! with ordinary properties and Point/LineString/Polygon/Multi* geometry.
//!
//! It parses bytes straight into the model (no intermediate JSON tree for
//! coordinates, per-vertex times parsed as they are read) and gives up, returning
//! `None`, on anything it does not handle or anything invalid: the strict reader
//! (`geojson.rs`) then reads the file and words any error. So this path never
//! decides what is valid; it only has to be right on what it accepts, which the
//! tests check against the strict reader on every fixture.

use super::feature::finish_feature;
use crate::io::time::parse_rfc3339;
use crate::model::Feature;
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

const MAX_DEPTH: usize = 64;
/// Below this many bytes a chunk is not worth a thread (small in tests, to exercise the cuts).
#[cfg(not(test))]
const MIN_CHUNK_BYTES: usize = 1 << 20;
#[cfg(test)]
const MIN_CHUNK_BYTES: usize = 64;

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

/// A coordinates array: a position (up to 3 numbers kept, and how many there were) or a list.
enum C {
    Pos([f64; 3], usize),
    List(Vec<C>),
}

impl<'a> P<'a> {
    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn lit(&mut self, word: &[u8]) -> Option<()> {
        self.b
            .get(self.i..self.i + word.len())
            .filter(|s| *s == word)
            .map(|_| self.i += word.len())
    }

    /// A string after its opening quote has been seen (not consumed).
    fn string(&mut self) -> Option<Cow<'a, str>> {
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
    fn number(&mut self) -> Option<(f64, bool, &'a str)> {
        self.ws();
        let start = self.i;
        let b = self.b;
        let mut i = self.i;
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let mut mant: u64 = 0;
        let mut digits = 0usize;
        let int_start = i;
        while let Some(&c) = b.get(i) {
            if c.is_ascii_digit() {
                if digits < 19 {
                    mant = mant * 10 + (c - b'0') as u64;
                }
                digits += 1;
                i += 1;
            } else {
                break;
            }
        }
        if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
            return None;
        }
        let mut exp10: i32 = 0;
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            let frac_start = i;
            while let Some(&c) = b.get(i) {
                if c.is_ascii_digit() {
                    if digits < 19 {
                        mant = mant * 10 + (c - b'0') as u64;
                        exp10 -= 1;
                    }
                    digits += 1;
                    i += 1;
                } else {
                    break;
                }
            }
            if i == frac_start {
                return None;
            }
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
        let text = std::str::from_utf8(&b[start..i]).ok()?;
        // Clinger's fast path: exact when the mantissa and the power of ten are exact in f64.
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        let v = if plain && mant < (1u64 << 53) && exp10 >= -22 {
            let m = mant as f64 / POW10[(-exp10) as usize];
            if neg { -m } else { m }
        } else {
            text.parse::<f64>().ok()?
        };
        v.is_finite().then_some((v, integer, text))
    }

    /// Any JSON value, as serde_json would build it; duplicate members refused.
    fn value(&mut self, depth: usize) -> Option<Value> {
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
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Value::Object(m));
                        }
                        _ => return None,
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
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Value::Array(a));
                        }
                        _ => return None,
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

    fn coords(&mut self, depth: usize) -> Option<C> {
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
                let mut list = Vec::new();
                loop {
                    list.push(self.coords(depth + 1)?);
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(C::List(list));
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                let mut xyz = [0.0; 3];
                let mut n = 0;
                loop {
                    let (v, _, _) = self.number()?;
                    if n < 3 {
                        xyz[n] = v;
                    }
                    n += 1;
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(C::Pos(xyz, n));
                        }
                        _ => return None,
                    }
                }
            }
        }
    }

    /// An array of RFC 3339 strings (or nulls).
    fn times(&mut self) -> Option<Vec<Option<f64>>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        if self.eat(b']').is_some() {
            return Some(out);
        }
        loop {
            match self.peek()? {
                b'n' => {
                    self.lit(b"null")?;
                    out.push(None);
                }
                b'"' => {
                    let s = self.string()?;
                    out.push(Some(parse_rfc3339(&s).ok()?));
                }
                _ => return None,
            }
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn geometry(&mut self) -> Option<Option<Geometry<f64>>> {
        if self.peek()? == b'n' {
            self.lit(b"null")?;
            return Some(None);
        }
        self.eat(b'{')?;
        let (mut ty, mut coords) = (None, None);
        let mut seen: Vec<Cow<str>> = Vec::new();
        if self.eat(b'}').is_some() {
            return None;
        }
        loop {
            let k = self.string()?;
            if seen.contains(&k) {
                return None;
            }
            self.eat(b':')?;
            match k.as_ref() {
                "type" => ty = Some(self.string()?),
                "coordinates" => coords = Some(self.coords(0)?),
                "bbox" | "geometries" => return None,
                _ => {
                    self.value(1)?;
                }
            }
            seen.push(k);
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    break;
                }
                _ => return None,
            }
        }
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
        C::Pos(..) => None,
    }
}

fn line(c: C) -> Option<LineString<f64>> {
    let l = list(c)?;
    let pts: Vec<Coord> = l.iter().map(pos).collect::<Option<_>>()?;
    (pts.len() >= 2).then_some(LineString(pts))
}

fn ring(c: C) -> Option<LineString<f64>> {
    let l = list(c)?;
    let (Some(C::Pos(a, na)), Some(C::Pos(b, nb))) = (l.first(), l.last()) else {
        return None;
    };
    // Closed means equal positions, z included; beyond three numbers, let the strict reader judge.
    if na != nb || *na > 3 || a[..*na] != b[..*nb] {
        return None;
    }
    let pts: Vec<Coord> = l.iter().map(pos).collect::<Option<_>>()?;
    (pts.len() >= 4).then_some(LineString(pts))
}

fn polygon(c: C) -> Option<Polygon<f64>> {
    let mut rings = list(c)?.into_iter().map(ring);
    let ext = rings.next()??;
    Some(Polygon::new(ext, rings.collect::<Option<_>>()?))
}

fn build_geometry(ty: &str, c: C) -> Option<Geometry<f64>> {
    Some(match ty {
        "Point" => Geometry::Point(Point(pos(&c)?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            list(c)?
                .iter()
                .map(|p| pos(p).map(Point))
                .collect::<Option<_>>()?,
        )),
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

fn feature(p: &mut P, index: usize, warnings: &mut Vec<String>) -> Option<Option<Feature>> {
    p.eat(b'{')?;
    let mut ty_ok = false;
    let mut props: Option<Map<String, Value>> = None;
    let mut props_seen = false;
    let mut geometry: Option<Option<Geometry<f64>>> = None;
    let mut id: Option<String> = None;
    let mut times: Option<Vec<Option<f64>>> = None;
    let mut seen: Vec<Cow<str>> = Vec::new();
    if p.eat(b'}').is_some() {
        return None;
    }
    loop {
        let k = p.string()?;
        if seen.contains(&k) {
            return None;
        }
        p.eat(b':')?;
        match k.as_ref() {
            "type" => ty_ok = p.string()? == "Feature",
            "geometry" => geometry = Some(p.geometry()?),
            "id" => {
                id = match p.peek()? {
                    b'"' => Some(p.string()?.into_owned()),
                    b'n' => {
                        p.lit(b"null")?;
                        None
                    }
                    _ => {
                        let (_, integer, text) = p.number()?;
                        // Beyond 64-bit integers serde_json words the number differently.
                        if !integer
                            || (text.parse::<u64>().is_err() && text.parse::<i64>().is_err())
                        {
                            return None;
                        }
                        Some(text.to_string())
                    }
                }
            }
            "properties" => {
                props_seen = true;
                if p.peek()? == b'n' {
                    p.lit(b"null")?;
                    props = Some(Map::new());
                } else {
                    p.eat(b'{')?;
                    let mut m = Map::new();
                    if p.eat(b'}').is_none() {
                        loop {
                            let pk = p.string()?.into_owned();
                            p.eat(b':')?;
                            if (pk == "times" || pk == "coordTimes") && p.peek()? == b'[' {
                                // Per-vertex times, parsed as read; two sources: let the strict reader choose.
                                if times.is_some() {
                                    return None;
                                }
                                times = Some(p.times()?);
                                if m.contains_key(&pk) {
                                    return None;
                                }
                                m.insert(pk, Value::Null);
                            } else {
                                let v = p.value(2)?;
                                if m.insert(pk, v).is_some() {
                                    return None;
                                }
                            }
                            match p.peek()? {
                                b',' => p.i += 1,
                                b'}' => {
                                    p.i += 1;
                                    break;
                                }
                                _ => return None,
                            }
                        }
                    }
                    props = Some(m);
                }
            }
            "bbox" => return None,
            _ => {
                p.value(1)?;
            }
        }
        seen.push(k);
        match p.peek()? {
            b',' => p.i += 1,
            b'}' => {
                p.i += 1;
                break;
            }
            _ => return None,
        }
    }
    if !ty_ok || !props_seen {
        return None;
    }
    let (mut props, geometry) = (props?, geometry?);
    let times = match times {
        None => None,
        Some(t) => {
            // Only a LineString's own times, with nothing else naming times.
            let n = match &geometry {
                Some(Geometry::LineString(l)) => l.0.len(),
                _ => return None,
            };
            let cp_times = props
                .get("coordinateProperties")
                .and_then(|c| c.get("times"))
                .is_some();
            if t.len() != n || cp_times {
                return None;
            }
            props.remove("times");
            props.remove("coordTimes");
            Some(vec![t])
        }
    };
    finish_feature(index, props, id, geometry, times, warnings).ok()
}

/// Features from `q.i` on: until `stop` (the start of the next chunk, after a
/// comma) or, for the last chunk, through the closing bracket. Indices are local.
fn features_run(
    q: &mut P,
    stop: Option<usize>,
    warnings: &mut Vec<String>,
) -> Option<Vec<Feature>> {
    let mut out = Vec::new();
    loop {
        // Skipped by the range check (inner None): the strict reader words that.
        out.push(feature(q, out.len(), warnings)??);
        match q.peek()? {
            b',' => {
                q.i += 1;
                q.ws();
                match stop {
                    Some(s) if q.i == s => return Some(out),
                    Some(s) if q.i > s => return None,
                    _ => {}
                }
            }
            b']' if stop.is_none() => {
                q.i += 1;
                return Some(out);
            }
            _ => return None,
        }
    }
}

/// One run's features, warnings, and where it stopped.
type Run = (Vec<Feature>, Vec<String>, usize);

/// Parses the features array in parallel (rayon), in order; `None` if any part
/// needs the strict reader. The array is cut at places that look like the start
/// of a feature; a cut that falls inside a string cannot tile with the run
/// before it, so a wrong guess only sends the file to the strict reader.
fn features_parallel(p: &mut P) -> Option<(Vec<Feature>, Vec<String>)> {
    use rayon::prelude::*;
    p.eat(b'[')?;
    if p.eat(b']').is_some() {
        return Some((Vec::new(), Vec::new()));
    }
    p.ws();
    let bytes = p.b;
    let first = p.i;
    let parts = rayon::current_num_threads().max(1) * 4;
    let span = (bytes.len() - first) / parts;
    let finder = memchr::memmem::Finder::new(b"{\"type\":\"Feature\"");
    let mut cuts = vec![first];
    if span > MIN_CHUNK_BYTES {
        for k in 1..parts {
            let from = first + k * span;
            if from <= *cuts.last()? {
                continue;
            }
            if let Some(off) = finder.find(&bytes[from..]) {
                let at = from + off;
                // Preceded by a comma and blanks: the start of an array element.
                let before = bytes[..at].iter().rev().find(|c| !c.is_ascii_whitespace());
                if before == Some(&b',') && at > *cuts.last()? {
                    cuts.push(at);
                }
            }
        }
    }
    let runs: Vec<Option<Run>> = (0..cuts.len())
        .into_par_iter()
        .map(|k| {
            let mut q = P {
                b: bytes,
                i: cuts[k],
            };
            let mut warnings = Vec::new();
            let out = features_run(&mut q, cuts.get(k + 1).copied(), &mut warnings)?;
            Some((out, warnings, q.i))
        })
        .collect();
    let mut features = Vec::new();
    let mut warnings = Vec::new();
    let mut end = first;
    for (k, run) in runs.into_iter().enumerate() {
        let (mut f, w, stop) = run?;
        if k > 0 {
            // Indices (and any warning naming one) were counted from the cut.
            if !w.is_empty() {
                return None;
            }
            let offset = features.len();
            f.iter_mut().for_each(|x| x.index += offset);
        } else {
            warnings = w;
        }
        features.extend(f);
        end = stop;
    }
    p.i = end;
    Some((features, warnings))
}

/// One feature's text (a streamed FeatureCollection's element), or `None` to
/// let the strict reader do it (and word the error).
pub fn read_feature(
    bytes: &[u8],
    index: usize,
    warnings: &mut Vec<String>,
) -> Option<Option<Feature>> {
    let mut p = P { b: bytes, i: 0 };
    let f = feature(&mut p, index, warnings)?;
    p.ws();
    (p.i == bytes.len()).then_some(f)
}

/// Reads a FeatureCollection quickly, or `None` to let the strict reader do it.
pub fn try_read(bytes: &[u8]) -> Option<(Vec<Feature>, Vec<String>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut p = P { b: bytes, i: 0 };
    p.eat(b'{')?;
    let mut ty_ok = false;
    let mut features = None;
    let mut warnings = Vec::new();
    let mut seen: Vec<Cow<str>> = Vec::new();
    loop {
        let k = p.string()?;
        if seen.contains(&k) {
            return None;
        }
        p.eat(b':')?;
        match k.as_ref() {
            "type" => ty_ok = p.string()? == "FeatureCollection",
            "features" => {
                let (out, w) = features_parallel(&mut p)?;
                warnings.extend(w);
                features = Some(out);
            }
            "bbox" => return None,
            _ => {
                p.value(1)?;
            }
        }
        seen.push(k);
        match p.peek()? {
            b',' => p.i += 1,
            b'}' => {
                p.i += 1;
                break;
            }
            _ => return None,
        }
    }
    p.ws();
    if p.i != bytes.len() || !ty_ok {
        return None;
    }
    Some((features?, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::geojson::read_geojson_strict;
    use std::path::Path;

    /// Whatever the fast path accepts, the strict reader reads the same way.
    fn agree(name: &str, bytes: &[u8]) -> bool {
        let Some((features, warnings)) = try_read(bytes) else {
            return false;
        };
        let strict = read_geojson_strict(name, bytes).unwrap_or_else(|e| {
            panic!("{name}: fast path accepted what the strict reader refuses: {e}")
        });
        assert_eq!(
            format!("{features:?}"),
            format!("{:?}", strict.features),
            "{name}: features differ"
        );
        assert_eq!(warnings, strict.warnings, "{name}: warnings differ");
        true
    }

    fn files_in(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                files_in(&p, out);
            } else if p.extension().is_some_and(|x| x == "geojson") {
                out.push(p);
            }
        }
    }

    #[test]
    fn fast_path_agrees_with_the_strict_reader_on_every_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_in(&root.join("tests/fixtures"), &mut files);
        files_in(&root.join("data"), &mut files);
        let mut fast = 0;
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            if agree(&f.display().to_string(), &bytes) {
                fast += 1;
            }
        }
        // The bundled scenario and the hand-built cases all take the fast path.
        assert!(
            fast >= 15,
            "only {fast} of {} files took the fast path",
            files.len()
        );
        let case = crate::synth::LargeCase {
            corridors: 5,
            segments: 10,
            convoys: 50,
            points: 5_000,
            seed: 9,
            times: true,
        };
        let (c, t) = crate::synth::make_large(&case);
        assert!(agree("synth corridors", c.as_bytes()) && agree("synth tracks", t.as_bytes()));
    }

    #[test]
    fn tricky_but_valid_json_agrees() {
        let docs = [
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":{"name":"a\"b\u00e9\ud83d\ude00","n":-0,"big":18446744073709551615,"neg":-5,"f":1.5e-7,"e":2E3,"arr":[1,[2,{"x":null}]],"t":true},"geometry":{"type":"Point","coordinates":[30.1234567890123,46.5,12]}}]}"#,
            r#" { "features" : [ ] , "type" : "FeatureCollection" , "name" : "x" } "#,
            r#"{"type":"FeatureCollection","features":[{"properties":{"kind":"track","times":["2026-03-02T08:00:00Z",null]},"geometry":{"coordinates":[[30,46],[30.1,46.1]],"type":"LineString"},"type":"Feature"}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]]]}}]}"#,
        ];
        for d in docs {
            assert!(agree(d, d.as_bytes()), "fast path declined: {d}");
        }
    }

    #[test]
    fn a_cut_inside_a_string_cannot_mislead() {
        // Property text that looks like the start of a feature, in every feature.
        let f = r#"{"type":"Feature","properties":{"note":"x\",\n{\"type\":\"Feature\",{\"type\":\"Feature\"}"},"geometry":{"type":"Point","coordinates":[30,46]}}"#;
        let doc = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            vec![f; 400].join(",\n")
        );
        if let Some((features, _)) = try_read(doc.as_bytes()) {
            let strict = read_geojson_strict("t", doc.as_bytes()).unwrap();
            assert_eq!(format!("{features:?}"), format!("{:?}", strict.features));
        }
        assert_eq!(
            crate::io::read_geojson("t", doc.as_bytes())
                .unwrap()
                .features
                .len(),
            400
        );
    }

    #[test]
    fn invalid_input_is_left_to_the_strict_reader() {
        for d in [
            r#"{"type":"FeatureCollection","type":"Feature","features":[]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0,5]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1,"a":2},"geometry":null}]}"#,
            r#"{"type":"FeatureCollection","features":[]} x"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[01,2]}}]}"#,
        ] {
            assert!(try_read(d.as_bytes()).is_none(), "{d}");
        }
    }
}

//! A fast path for the common shape of GeoJSON: a FeatureCollection of features
//! with ordinary properties and Point/LineString/Polygon/Multi* geometry.
//!
//! It parses bytes straight into the model (no intermediate JSON tree for
//! coordinates, per-vertex times parsed as they are read) and gives up, returning
//! `None`, on anything it does not handle or anything invalid: the strict reader
//! (`strict.rs`) then reads the file and words any error. So this path never
//! decides what is valid; it only has to be right on what it accepts, which the
//! tests check against the strict reader on every fixture.

use super::scan::{MIN_CHUNK_BYTES, P};
use crate::io::feature::finish_feature;
use crate::model::Feature;
use geo::Geometry;
use serde_json::{Map, Value};

fn feature(
    p: &mut P,
    index: usize,
    warnings: &mut Vec<crate::model::Warning>,
) -> Option<Option<Feature>> {
    let mut ty_ok = false;
    let mut props: Option<Map<String, Value>> = None;
    let mut props_seen = false;
    let mut geometry: Option<Option<Geometry<f64>>> = None;
    let mut id: Option<String> = None;
    let mut times: Option<Vec<Option<f64>>> = None;
    p.members(|p, k| {
        match k {
            "type" => ty_ok = p.string()? == "Feature",
            "geometry" => geometry = Some(p.geometry()?),
            "id" => id = feature_id(p)?,
            "properties" => {
                props_seen = true;
                props = Some(properties(p, &mut times)?);
            }
            "bbox" => return None,
            _ => {
                p.value(1)?;
            }
        }
        Some(())
    })?;
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
    warnings: &mut Vec<crate::model::Warning>,
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
type Run = (Vec<Feature>, Vec<crate::model::Warning>, usize);

/// Parses the features array in parallel (rayon), in order; `None` if any part
/// needs the strict reader. The array is cut at places that look like the start
/// of a feature; a cut that falls inside a string cannot tile with the run
/// before it, so a wrong guess only sends the file to the strict reader.
fn features_parallel(p: &mut P) -> Option<(Vec<Feature>, Vec<crate::model::Warning>)> {
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
    warnings: &mut Vec<crate::model::Warning>,
) -> Option<Option<Feature>> {
    let mut p = P { b: bytes, i: 0 };
    let f = feature(&mut p, index, warnings)?;
    p.ws();
    (p.i == bytes.len()).then_some(f)
}

/// A feature's `id`: a string, null, or an integer serde_json words the same way.
fn feature_id(p: &mut P) -> Option<Option<String>> {
    Some(match p.peek()? {
        b'"' => Some(p.string()?.into_owned()),
        b'n' => {
            p.lit(b"null")?;
            None
        }
        _ => {
            let (_, integer, text) = p.number()?;
            // Beyond 64-bit integers serde_json words the number differently.
            if !integer || (text.parse::<u64>().is_err() && text.parse::<i64>().is_err()) {
                return None;
            }
            Some(text.to_string())
        }
    })
}

/// A feature's properties (null reads as none); per-vertex `times` or
/// `coordTimes` are parsed as read into `times`, their member kept as null.
fn properties(p: &mut P, times: &mut Option<Vec<Option<f64>>>) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    if p.peek()? == b'n' {
        p.lit(b"null")?;
        return Some(m);
    }
    p.members(|p, pk| {
        if (pk == "times" || pk == "coordTimes") && p.peek()? == b'[' {
            // Per-vertex times from two sources: let the strict reader choose.
            if times.is_some() {
                return None;
            }
            *times = Some(p.times()?);
            m.insert(pk.to_string(), Value::Null);
        } else {
            let v = p.value(2)?;
            m.insert(pk.to_string(), v);
        }
        Some(())
    })?;
    Some(m)
}

/// Reads a FeatureCollection quickly, or `None` to let the strict reader do it.
pub fn try_read(bytes: &[u8]) -> Option<(Vec<Feature>, Vec<crate::model::Warning>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut p = P { b: bytes, i: 0 };
    let mut ty_ok = false;
    let mut features = None;
    let mut warnings = Vec::new();
    p.members(|p, k| {
        match k {
            "type" => ty_ok = p.string()? == "FeatureCollection",
            "features" => {
                let (out, w) = features_parallel(p)?;
                warnings.extend(w);
                features = Some(out);
            }
            "bbox" => return None,
            _ => {
                p.value(1)?;
            }
        }
        Some(())
    })?;
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
            report_every_s: None,
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
            // A raw control character in a time on the day of the one before.
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kind\":\"track\",\"times\":[\"2026-03-02T08:00:00Z\",\"2026-03-02T08:00:0\u{1}Z\"]},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[30,46],[30.1,46.1]]}}]}",
            // A list among positions, and a position of one number.
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[30,46],[[30.1,46.1]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[30,46],[30.1]]}}]}"#,
        ] {
            assert!(try_read(d.as_bytes()).is_none(), "{d}");
        }
    }
}

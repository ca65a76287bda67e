//! Large GeoJSON files read as a stream: the FeatureCollection is scanned in
//! chunks, each complete feature is parsed on its own (fast path, strict reader
//! for its error), and the text is dropped as soon as its features are built.
//! Memory is the model plus one chunk, never the whole text. Progress is the
//! bytes read so far; a cancel flag is checked between chunks.
//!
//! The members beside `features` are scanned for well-formed nesting and
//! strings only (a 2-GB file is a FeatureCollection of features); `type` must
//! be "FeatureCollection" and `features` an array of objects.

use crate::error::LoadError;
use crate::model::{Feature, Layer};
use rayon::prelude::*;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Files larger than this are streamed (smaller ones are read whole: faster).
pub const STREAM_ABOVE_BYTES: u64 = 256 * 1024 * 1024;
/// Bytes read per chunk.
pub const CHUNK_BYTES: usize = 32 * 1024 * 1024;

#[derive(Default)]
struct Scan {
    depth: usize,
    in_string: bool,
    escape: bool,
    /// Start (in the buffer) of the string being read at depth 1, for member names.
    string_start: Option<usize>,
    last_string: Option<String>,
    /// The name of the member whose value comes next at depth 1.
    key: Option<String>,
    seen_features: bool,
    in_features: bool,
    type_ok: bool,
    /// Start (in the buffer) of the feature being read.
    feature_start: Option<usize>,
    features_done: bool,
    root_done: bool,
}

/// One feature's answer: the feature (or `None` when skipped) and its warnings.
type Parsed = Result<(Option<Feature>, Vec<crate::model::Warning>), crate::error::Problem>;

fn parse_one(bytes: &[u8], index: usize) -> Parsed {
    let mut warnings = Vec::new();
    if let Some(f) = super::fast::read_feature(bytes, index, &mut warnings) {
        return Ok((f, warnings));
    }
    warnings.clear();
    let value =
        crate::io::strict_json::parse(bytes).map_err(|e| crate::problem!("not valid JSON: {e}"))?;
    let f = super::strict::parse_feature(value, index, &mut warnings)?;
    Ok((f, warnings))
}

/// Reads a GeoJSON FeatureCollection from `reader` in chunks of `chunk_bytes`.
pub fn read_geojson_stream(
    source: &str,
    mut reader: impl Read,
    chunk_bytes: usize,
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
) -> Result<Layer, LoadError> {
    let err = |what: String| LoadError::invalid(source, what);
    let mut layer = Layer {
        source: source.to_string(),
        ..Default::default()
    };
    let mut buf: Vec<u8> = Vec::with_capacity(chunk_bytes + 1024);
    let mut chunk = vec![0u8; chunk_bytes.max(16)];
    let mut s = Scan::default();
    let mut pos = 0usize; // scan position in `buf`
    let mut read_total: u64 = 0;
    let mut first = true;
    let mut eof = false;
    while !eof {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(LoadError::cancelled(source));
        }
        let n = reader.read(&mut chunk).map_err(LoadError::io(source))?;
        eof = n == 0;
        read_total += n as u64;
        if let Some(d) = done_bytes {
            d.store(read_total, Ordering::Relaxed);
        }
        buf.extend_from_slice(&chunk[..n]);
        if first && buf.len() >= 3 {
            if buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            first = false;
        }
        // Scan what arrived; collect the byte ranges of complete features.
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        while pos < buf.len() {
            let c = buf[pos];
            if s.in_string {
                if s.escape {
                    s.escape = false;
                } else if c == b'\\' {
                    s.escape = true;
                } else if c == b'"' {
                    s.in_string = false;
                    if let Some(st) = s.string_start.take() {
                        s.last_string = Some(String::from_utf8_lossy(&buf[st..pos]).into_owned());
                    }
                }
                pos += 1;
                continue;
            }
            match c {
                b'"' => {
                    s.in_string = true;
                    if s.depth == 1 {
                        s.string_start = Some(pos + 1);
                    }
                }
                b':' if s.depth == 1 => s.key = s.last_string.take(),
                b',' if s.depth == 1 => {
                    if s.key.as_deref() == Some("type") {
                        s.type_ok = s.last_string.as_deref() == Some("FeatureCollection");
                    }
                    s.key = None;
                    s.last_string = None;
                }
                b'{' | b'[' => {
                    if s.root_done {
                        return Err(err("text after the end of the FeatureCollection".into()));
                    }
                    if s.depth == 0 && c != b'{' {
                        return Err(err(
                            "the root of a GeoJSON document must be an object".into()
                        ));
                    }
                    if s.depth == 1 && c == b'[' && s.key.as_deref() == Some("features") {
                        if s.seen_features {
                            return Err(err("duplicate member \"features\"".into()));
                        }
                        s.seen_features = true;
                        s.in_features = true;
                    } else if s.depth == 2 && s.in_features {
                        if c != b'{' {
                            return Err(LoadError::feature(
                                source,
                                layer.features.len() + ranges.len(),
                                "a feature must be an object, found an array",
                            ));
                        }
                        s.feature_start = Some(pos);
                    }
                    s.depth += 1;
                    if s.depth > 1_000 {
                        return Err(err("nesting deeper than 1000 levels".into()));
                    }
                }
                b'}' | b']' => {
                    if s.depth == 0 {
                        return Err(err(format!("unexpected '{}'", c as char)));
                    }
                    s.depth -= 1;
                    if s.depth == 2 && s.in_features && c == b'}' {
                        if let Some(st) = s.feature_start.take() {
                            ranges.push((st, pos + 1));
                        }
                    } else if s.depth == 1 && s.in_features {
                        s.in_features = false;
                        s.features_done = true;
                    } else if s.depth == 0 {
                        if s.key.as_deref() == Some("type") {
                            s.type_ok = s.last_string.as_deref() == Some("FeatureCollection");
                        }
                        s.root_done = true;
                    }
                }
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => {}
                _ if s.depth == 2 && s.in_features => {
                    return Err(LoadError::feature(
                        source,
                        layer.features.len() + ranges.len(),
                        "a feature must be an object",
                    ));
                }
                _ if s.depth == 0 => {
                    return Err(err(
                        "the root of a GeoJSON document must be an object".into()
                    ));
                }
                _ => {}
            }
            pos += 1;
        }
        // Parse the complete features of this chunk in parallel, in order.
        let base = layer.features.len();
        let parsed: Vec<Parsed> = ranges
            .par_iter()
            .enumerate()
            .map(|(k, &(a, b))| parse_one(&buf[a..b], base + k))
            .collect();
        for (k, r) in parsed.into_iter().enumerate() {
            let (f, w) = r.map_err(|e| LoadError::feature(source, base + k, e))?;
            layer.warnings.extend(w);
            layer.features.extend(f);
        }
        // Drop the text already turned into features.
        let keep_from = s
            .feature_start
            .unwrap_or(pos)
            .min(s.string_start.unwrap_or(pos));
        buf.drain(..keep_from);
        pos -= keep_from;
        if let Some(st) = s.feature_start.as_mut() {
            *st -= keep_from;
        }
        if let Some(st) = s.string_start.as_mut() {
            *st -= keep_from;
        }
    }
    if !s.root_done {
        return Err(err(format!(
            "the file ends inside the FeatureCollection after {read_total} bytes (truncated?)"
        )));
    }
    if !s.type_ok {
        return Err(err(
            "the root object's \"type\" must be \"FeatureCollection\" to be streamed".into(),
        ));
    }
    if !s.features_done {
        return Err(err("FeatureCollection without a \"features\" array".into()));
    }
    Ok(layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &[u8]) -> Layer {
        crate::io::read_geojson("t.geojson", text).expect("reads whole")
    }

    fn streamed(text: &[u8], chunk: usize) -> Result<Layer, LoadError> {
        read_geojson_stream("t.geojson", text, chunk, None, None)
    }

    #[test]
    fn a_stream_in_small_chunks_reads_what_the_whole_reader_reads() {
        let text = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tracks.geojson"),
        )
        .expect("data");
        let want = whole(&text);
        for chunk in [7, 64, 1000, 1 << 20] {
            let got = streamed(&text, chunk).expect("streams");
            assert_eq!(got.features.len(), want.features.len());
            for (a, b) in got.features.iter().zip(&want.features) {
                assert_eq!(a.geometry, b.geometry);
                assert_eq!(a.properties, b.properties);
                assert_eq!(a.times, b.times);
                assert_eq!(a.index, b.index);
            }
        }
    }

    #[test]
    fn truncated_wrong_and_cancelled_streams_are_named_errors() {
        let text = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        assert_eq!(streamed(text, 5).expect("ok").features.len(), 2);
        let e = streamed(&text[..text.len() - 30], 5)
            .expect_err("cut")
            .to_string();
        assert!(e.contains("truncated"), "{e}");
        let bad = String::from_utf8_lossy(text).replace("[1,2]}},{", "[1,\"x\"]}},{");
        let e = streamed(bad.as_bytes(), 5).expect_err("bad").to_string();
        assert!(e.starts_with("feature 0:"), "{e}");
        let e = streamed(br#"{"type":"FeatureCollection","features":[1]}"#, 5)
            .expect_err("not an object")
            .to_string();
        assert!(e.contains("feature 0: a feature must be an object"), "{e}");
        let e = streamed(br#"{"type":"Feature","features":[]}"#, 5)
            .expect_err("type")
            .to_string();
        assert!(e.contains("FeatureCollection"), "{e}");
        let cancel = AtomicBool::new(true);
        let e = read_geojson_stream("t.geojson", &text[..], 5, None, Some(&cancel))
            .expect_err("cancelled")
            .to_string();
        assert!(e.contains("cancelled"), "{e}");
        let done = AtomicU64::new(0);
        read_geojson_stream("t.geojson", &text[..], 16, Some(&done), None).expect("ok");
        assert_eq!(done.load(Ordering::Relaxed), text.len() as u64);
    }
}

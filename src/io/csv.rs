//! CSV position reports: one `track` point per row.
//!
//! Needs `convoy_id`, `time` (RFC 3339) and `lat`/`lon` (or `latitude`/`longitude`,
//! `lng`) columns, matched case-insensitively; an optional `corridor_ids` column
//! lists ids separated by `;` (or `|`). Other columns become properties.

use super::time::parse_rfc3339;
use crate::error::LoadError;
use crate::model::{Feature, Layer, Role};
use geo::{Coord, Geometry, Point};
use serde_json::{Map, Value, json};

/// Line numbers of byte offsets, counted forward (the csv crate's own count,
/// and its offset, are one short after a CRLF line end).
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line (from 1) holding byte `offset` (offsets asked in order).
    pub(super) fn of(&mut self, offset: u64) -> u64 {
        // After a CRLF the record's offset is at the line end's "\n": step over it.
        let mut to = (offset as usize).min(self.bytes.len());
        while to < self.bytes.len() && matches!(self.bytes[to], b'\r' | b'\n') {
            to += 1;
        }
        if to > self.at {
            self.line += memchr::memchr_iter(b'\n', &self.bytes[self.at..to]).count() as u64;
            self.at = to;
        }
        self.line
    }
}

pub fn read_csv(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            LoadError::invalid(source, format!("line 1: cannot read the header row: {e}"))
        })?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (convoy, time, lat, lon) = (
        col(&["convoy_id"]),
        col(&["time", "timestamp"]),
        col(&["lat", "latitude"]),
        col(&["lon", "lng", "long", "longitude"]),
    );
    let missing: Vec<&str> = [
        (convoy, "convoy_id"),
        (time, "time"),
        (lat, "lat"),
        (lon, "lon"),
    ]
    .iter()
    .filter(|(c, _)| c.is_none())
    .map(|(_, n)| *n)
    .collect();
    let (Some(convoy), Some(time), Some(lat), Some(lon)) = (convoy, time, lat, lon) else {
        return Err(LoadError::invalid(
            source,
            format!(
                "line 1: missing column(s) {} (need convoy_id, time, lat, lon)",
                missing.join(", ")
            ),
        ));
    };
    let corridor_ids = col(&["corridor_ids"]);
    let mut lines = Lines::new(bytes);
    let mut layer = Layer {
        source: source.to_string(),
        ..Default::default()
    };
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| LoadError::invalid(source, format!("row {}: {e}", i + 2)))?;
        let line = rec.position().map_or(i as u64 + 2, |p| lines.of(p.byte()));
        let field = |c: usize, name: &str| {
            rec.get(c).filter(|s| !s.is_empty()).ok_or_else(|| {
                LoadError::invalid(source, format!("line {line}: empty or missing {name}"))
            })
        };
        let num = |c: usize, name: &str, range: f64| -> Result<f64, LoadError> {
            let s = field(c, name)?;
            let v: f64 = s.parse().map_err(|_| {
                LoadError::invalid(
                    source,
                    format!("line {line}: {name} \"{s}\" is not a number"),
                )
            })?;
            if !v.is_finite() || v.abs() > range {
                return Err(LoadError::invalid(
                    source,
                    format!("line {line}: {name} {s} is outside -{range}..{range}"),
                ));
            }
            Ok(v)
        };
        let c = Coord {
            x: num(lon, "lon", 180.0)?,
            y: num(lat, "lat", 90.0)?,
        };
        let t_text = field(time, "time")?;
        let t = parse_rfc3339(t_text)
            .map_err(|e| LoadError::invalid(source, format!("line {line}: time {e}")))?;
        let mut properties = Map::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if !v.is_empty() {
                properties.insert(h.clone(), Value::String(v.to_string()));
            }
        }
        properties.insert("kind".into(), json!("track"));
        properties.insert("convoy_id".into(), json!(field(convoy, "convoy_id")?));
        if let Some(ci) = corridor_ids {
            let ids: Vec<Value> = rec
                .get(ci)
                .unwrap_or("")
                .split([';', '|'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| json!(s))
                .collect();
            // An empty cell means "not given", not "approves nothing".
            if ids.is_empty() {
                properties.remove("corridor_ids");
            } else {
                properties.insert("corridor_ids".into(), Value::Array(ids));
            }
        }
        layer.features.push(Feature {
            index: i,
            role: Role::Track,
            geometry: Some(Geometry::Point(Point(c))),
            properties,
            id: None,
            times: Some(vec![vec![Some(t)]]),
            time_span: None,
        });
    }
    Ok(layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reports_and_names_bad_lines() {
        let l = read_csv(
            "r.csv",
            b"Convoy_ID,time,latitude,longitude,note\nA,2026-03-02T08:00:00Z,46.5,30.7,\"x, y\"\n",
        )
        .unwrap();
        assert_eq!(l.features.len(), 1);
        assert_eq!(l.features[0].prop_str("note"), Some("x, y"));
        let e = read_csv(
            "r.csv",
            b"convoy_id,time,lat,lon\nA,2026-03-02T08:00:00Z,95,30\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 2") && e.contains("lat"), "{e}");
        let e = read_csv("r.csv", b"convoy_id,lat\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing column(s) time, lon"), "{e}");
    }
}

//! GPX tracks (`<trk>`) as `track` features; `<rte>` as `route` features.
//!
//! A track's `convoy_id` is its `<name>`; an unnamed track gets
//! `<file stem>-<n>` (n counts tracks from 1). Each non-empty `<trkseg>` is one
//! part of the track (no edge joins two segments). Points without `<time>` keep a
//! null time. Waypoints are not layers of ours and are skipped with a note.

use crate::error::LoadError;
use crate::model::{Feature, Layer, Role};
use geo::{Coord, Geometry, LineString, MultiLineString};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

pub fn read_gpx(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc =
        gpx::read(bytes).map_err(|e| LoadError::invalid(source, format!("not valid GPX: {e}")))?;
    let stem = std::path::Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "track".into());
    let mut layer = Layer {
        source: source.to_string(),
        ..Default::default()
    };
    for (ti, trk) in doc.tracks.iter().enumerate() {
        let convoy_id = trk
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{stem}-{}", ti + 1));
        let mut lines = Vec::new();
        let mut times = Vec::new();
        for (si, seg) in trk.segments.iter().enumerate() {
            if seg.points.len() < 2 {
                if !seg.points.is_empty() {
                    layer.warnings.push(format!("track {ti} ({convoy_id}) segment {si}: a single point is not a line; skipped"));
                }
                continue;
            }
            let mut coords = Vec::with_capacity(seg.points.len());
            let mut ts = Vec::with_capacity(seg.points.len());
            for (pi, w) in seg.points.iter().enumerate() {
                let p = w.point();
                if !p.x().is_finite()
                    || !p.y().is_finite()
                    || p.y().abs() > 90.0
                    || p.x().abs() > 180.0
                {
                    return Err(LoadError::invalid(
                        source,
                        format!(
                            "track {ti} segment {si} point {pi}: position ({}, {}) is outside WGS 84 ranges",
                            p.x(),
                            p.y()
                        ),
                    ));
                }
                coords.push(Coord { x: p.x(), y: p.y() });
                ts.push(
                    w.time
                        .map(|t| OffsetDateTime::from(t).unix_timestamp_nanos() as f64 / 1e9),
                );
            }
            lines.push(LineString(coords));
            times.push(ts);
        }
        if lines.is_empty() {
            layer.warnings.push(format!(
                "track {ti} ({convoy_id}) has no segment with 2 or more points; skipped"
            ));
            continue;
        }
        let any_time = times.iter().flatten().any(Option::is_some);
        let mut properties = Map::new();
        properties.insert("kind".into(), json!("track"));
        properties.insert("convoy_id".into(), Value::String(convoy_id));
        let geometry = if lines.len() == 1 {
            Geometry::LineString(lines.remove(0))
        } else {
            Geometry::MultiLineString(MultiLineString(lines))
        };
        layer.features.push(Feature {
            index: ti,
            role: Role::Track,
            geometry: Some(geometry),
            properties,
            id: None,
            times: any_time.then_some(times),
        });
    }
    for (ri, rte) in doc.routes.iter().enumerate() {
        let coords: Vec<Coord> = rte
            .points
            .iter()
            .map(|w| Coord {
                x: w.point().x(),
                y: w.point().y(),
            })
            .collect();
        if coords.len() < 2 {
            continue;
        }
        let mut properties = Map::new();
        properties.insert("kind".into(), json!("route"));
        if let Some(n) = &rte.name {
            properties.insert("name".into(), json!(n));
        }
        layer.features.push(Feature {
            index: doc.tracks.len() + ri,
            role: Role::Route,
            geometry: Some(Geometry::LineString(LineString(coords))),
            properties,
            id: None,
            times: None,
        });
    }
    if !doc.waypoints.is_empty() {
        layer.warnings.push(format!(
            "{} waypoints (<wpt>) skipped: only tracks and routes are read from GPX",
            doc.waypoints.len()
        ));
    }
    Ok(layer)
}

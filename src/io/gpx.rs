//! GPX 1.0 / 1.1 tracks (`<trk>`) as `track` features; `<rte>` as `route` features.
//!
//! Read with a plain XML parser (roxmltree) and only the elements we need, so
//! that any extension or unusual child element is ignored rather than fatal.
//! A track's `convoy_id` is its `<name>`; an unnamed track gets
//! `<file stem>-<n>` (n counts tracks from 1). Each `<trkseg>` with two or more
//! points is one part of the track (no edge joins two segments). Points without
//! `<time>` keep a null time. Waypoints are skipped with a note.

use super::time::parse_rfc3339;
use crate::error::LoadError;
use crate::model::{Feature, Layer, Role};
use geo::{Coord, Geometry, LineString, MultiLineString};
use roxmltree::Node;
use serde_json::{Map, Value, json};

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text_of(n: Node, name: &str) -> Option<String> {
    child(n, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A `<trkpt>`/`<rtept>` position and time.
fn point(n: Node, what: &str) -> Result<(Coord, Option<f64>), crate::error::Problem> {
    let attr = |k: &str| -> Result<f64, crate::error::Problem> {
        let s = n
            .attribute(k)
            .ok_or_else(|| crate::problem!("{what}: missing the {k} attribute"))?;
        s.trim()
            .parse::<f64>()
            .map_err(|_| crate::problem!("{what}: {k}=\"{s}\" is not a number"))
    };
    let (lat, lon) = (attr("lat")?, attr("lon")?);
    if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
        return Err(crate::problem!(
            "{what}: position lat={lat} lon={lon} is outside WGS 84 ranges"
        ));
    }
    let time = match text_of(n, "time") {
        // GPX times are xsd:dateTime; one without an offset is read as UTC, as GPS tools do.
        Some(t) => Some(
            parse_rfc3339(&t)
                .or_else(|e| parse_rfc3339(&format!("{t}Z")).map_err(|_| e))
                .map_err(|e| crate::problem!("{what}: <time> {e}"))?,
        ),
        None => None,
    };
    Ok((Coord { x: lon, y: lat }, time))
}

pub fn read_gpx(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| LoadError::invalid(source, format!("GPX is not UTF-8 text ({e})")))?;
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| LoadError::invalid(source, format!("not valid XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "gpx" {
        return Err(LoadError::invalid(
            source,
            format!("not GPX: the root element is <{}>", root.tag_name().name()),
        ));
    }
    let stem = std::path::Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "track".into());
    let mut layer = Layer {
        source: source.to_string(),
        ..Default::default()
    };
    for (ti, trk) in children(root, "trk").enumerate() {
        let convoy_id = text_of(trk, "name").unwrap_or_else(|| format!("{stem}-{}", ti + 1));
        let mut lines = Vec::new();
        let mut times = Vec::new();
        for (si, seg) in children(trk, "trkseg").enumerate() {
            let mut coords = Vec::new();
            let mut ts = Vec::new();
            for (pi, p) in children(seg, "trkpt").enumerate() {
                let (c, t) = point(p, &format!("track {ti} segment {si} point {pi}"))
                    .map_err(|e| LoadError::invalid(source, e))?;
                coords.push(c);
                ts.push(t);
            }
            match coords.len() {
                0 => {}
                1 => layer.warnings.push(crate::note!(
                    "track {ti} ({convoy_id}) segment {si}: a single point is not a line; skipped"
                )),
                _ => {
                    lines.push(LineString(coords));
                    times.push(ts);
                }
            }
        }
        if lines.is_empty() {
            layer.warnings.push(crate::note!(
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
            time_span: None,
        });
    }
    let tracks = layer.features.len();
    for (ri, rte) in children(root, "rte").enumerate() {
        let mut coords = Vec::new();
        for (pi, p) in children(rte, "rtept").enumerate() {
            coords.push(
                point(p, &format!("route {ri} point {pi}"))
                    .map_err(|e| LoadError::invalid(source, e))?
                    .0,
            );
        }
        if coords.len() < 2 {
            layer
                .warnings
                .push(crate::note!("route {ri} has fewer than 2 points; skipped"));
            continue;
        }
        let mut properties = Map::new();
        properties.insert("kind".into(), json!("route"));
        if let Some(n) = text_of(rte, "name") {
            properties.insert("name".into(), json!(n));
        }
        layer.features.push(Feature {
            index: tracks + ri,
            role: Role::Route,
            geometry: Some(Geometry::LineString(LineString(coords))),
            properties,
            id: None,
            times: None,
            time_span: None,
        });
    }
    let wpts = children(root, "wpt").count();
    if wpts > 0 {
        layer.warnings.push(crate::note!(
            "{wpts} waypoints (<wpt>) skipped: only tracks and routes are read from GPX"
        ));
    }
    Ok(layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_tracks_and_segments() {
        let g = br#"<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
            <trkpt lat="46.0" lon="30.0"><time>2026-03-02T08:00:00Z</time><magvar>3</magvar></trkpt><trkpt lat="46.1" lon="30.0"/></trkseg>
            <trkseg><trkpt lat="46.2" lon="30.0"/><trkpt lat="46.3" lon="30.0"/></trkseg></trk></gpx>"#;
        let l = read_gpx("dir/conv.gpx", g).unwrap();
        assert_eq!(l.features[0].prop_str("convoy_id"), Some("conv-1"));
        assert!(
            matches!(l.features[0].geometry, Some(Geometry::MultiLineString(ref m)) if m.0.len() == 2)
        );
        let e = read_gpx(
            "x.gpx",
            br#"<gpx><trk><trkseg><trkpt lat="95" lon="0"/></trkseg></trk></gpx>"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("track 0 segment 0 point 0"), "{e}");
    }
}

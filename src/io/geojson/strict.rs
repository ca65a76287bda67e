//! GeoJSON (RFC 7946) into the model, strictly: the reference reader (the
//! fast one falls back to it, and must agree with it).
//!
//! Accepted: FeatureCollection, Feature, a bare Geometry; every geometry type
//! including GeometryCollection; 3-D (or longer) positions, with z ignored;
//! foreign members, ignored. Refused, with the feature index and the problem:
//! anything RFC 7946 does not define (wrong or mis-cased `type`, coordinates
//! nested wrongly or not numbers, lines with one position, rings that are short or
//! open, `properties` not an object, `id` not a string or number, a malformed
//! `bbox`, duplicate member names). A file with one bad feature is refused whole:
//! dropping a corridor silently would turn a clean convoy into a false alarm.

use crate::error::LoadError;
use crate::io::feature::{check_range, finish_feature, json_kind};
use crate::model::{Feature, Layer, Role};
use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde_json::{Map, Value};

const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// The strict reader alone (the fast path's referee in tests).
pub fn read_geojson_strict(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    read(source, bytes, false)
}

/// As [`read_geojson_strict`], but a feature of a FeatureCollection that
/// cannot be read is skipped with a warning naming it (as GDAL and QGIS do),
/// and the rest loads. The app reads this way; `check` stays strict.
pub fn read_geojson_skipping(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    read(source, bytes, true)
}

fn read(source: &str, bytes: &[u8], skip_bad: bool) -> Result<Layer, LoadError> {
    let root = crate::io::strict_json::parse(bytes)
        .map_err(|e| LoadError::invalid(source, format!("not valid JSON: {e}")))?;
    let mut layer = Layer {
        source: source.to_string(),
        ..Default::default()
    };
    let mut root = root;
    let obj = root.as_object().ok_or_else(|| {
        LoadError::invalid(
            source,
            format!(
                "the root of a GeoJSON document must be an object, found {}",
                json_kind(&root)
            ),
        )
    })?;
    let ty = type_of(obj)
        .map_err(|e| LoadError::invalid(source, e))?
        .to_string();
    check_bbox(obj).map_err(|e| LoadError::invalid(source, e))?;
    let mut warnings = Vec::new();
    match ty.as_str() {
        "FeatureCollection" => {
            let mut features = root.get_mut("features").map(Value::take).ok_or_else(|| {
                LoadError::invalid(source, "FeatureCollection without a \"features\" member")
            })?;
            let features = std::mem::take(features.as_array_mut().ok_or_else(|| {
                LoadError::invalid(source, "FeatureCollection \"features\" must be an array")
            })?);
            layer.features.reserve(features.len());
            for (index, value) in features.into_iter().enumerate() {
                let is_track =
                    value.pointer("/properties/kind").and_then(Value::as_str) == Some("track");
                match parse_feature(value, index, &mut warnings) {
                    Ok(Some(feature)) => layer.features.push(feature),
                    Ok(None) => layer.skipped_reports += usize::from(is_track),
                    Err(e) if skip_bad => {
                        warnings.push(crate::model::Warning::skipped(
                            Some(index),
                            format!("feature {index} skipped: {e}"),
                        ));
                        layer.skipped_reports += usize::from(is_track);
                    }
                    Err(e) => {
                        return Err(LoadError::feature(source, index, e));
                    }
                }
            }
        }
        "Feature" => {
            let feature = parse_feature(root, 0, &mut warnings)
                .map_err(|e| LoadError::feature(source, 0, e))?;
            layer.features.extend(feature);
        }
        t if GEOMETRY_TYPES.contains(&t) => {
            let geometry = parse_geometry(&root, 0)
                .map_err(|e| LoadError::invalid(source, format!("geometry: {e}")))?;
            let feature = Feature {
                index: 0,
                role: Role::Unassigned,
                geometry,
                properties: Map::new(),
                id: None,
                times: None,
                time_span: None,
            };
            layer.features.extend(check_range(feature, &mut warnings));
        }
        other => {
            return Err(LoadError::invalid(source, unknown_type(other)));
        }
    }
    layer.warnings = warnings;
    Ok(layer)
}

fn unknown_type(t: &str) -> String {
    let known = ["FeatureCollection", "Feature"]
        .iter()
        .chain(GEOMETRY_TYPES.iter());
    match known.into_iter().find(|k| k.eq_ignore_ascii_case(t)) {
        Some(k) => {
            format!("unknown type \"{t}\" (types are case-sensitive: did you mean \"{k}\"?)")
        }
        None => format!("unknown type \"{t}\""),
    }
}

fn type_of(obj: &Map<String, Value>) -> Result<&str, crate::error::Problem> {
    match obj.get("type") {
        None => Err("missing the \"type\" member".into()),
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(crate::problem!(
            "\"type\" must be a string, found {}",
            json_kind(v)
        )),
    }
}

fn check_bbox(obj: &Map<String, Value>) -> Result<(), crate::error::Problem> {
    let Some(b) = obj.get("bbox") else {
        return Ok(());
    };
    let arr = b.as_array().ok_or_else(|| {
        format!(
            "\"bbox\" must be an array of numbers, found {}",
            json_kind(b)
        )
    })?;
    if arr.iter().any(|v| !v.is_number()) {
        return Err("every element of \"bbox\" must be a number".into());
    }
    if arr.len() != 4 && arr.len() != 6 {
        return Err(crate::problem!(
            "\"bbox\" must have 4 (2-D) or 6 (3-D) numbers, has {}",
            arr.len()
        ));
    }
    Ok(())
}

pub(crate) fn parse_feature(
    mut value: Value,
    index: usize,
    warnings: &mut Vec<crate::model::Warning>,
) -> Result<Option<Feature>, crate::error::Problem> {
    // Properties are moved out, not copied: a track's times can be most of a file.
    let taken_properties = value.get_mut("properties").map(Value::take);
    let obj = value.as_object().ok_or_else(|| {
        crate::problem!("a feature must be an object, found {}", json_kind(&value))
    })?;
    match type_of(obj)? {
        "Feature" => {}
        t => {
            return Err(crate::problem!(
                "expected type \"Feature\", found {}",
                if t.eq_ignore_ascii_case("feature") {
                    format!("\"{t}\" (types are case-sensitive)")
                } else {
                    format!("\"{t}\"")
                }
            ));
        }
    }
    check_bbox(obj)?;
    let properties = match taken_properties {
        None => {
            warnings.push(crate::note!(
                "feature {index}: no \"properties\" member; read as null"
            ));
            Map::new()
        }
        Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(v) => {
            return Err(crate::problem!(
                "\"properties\" must be an object or null, found {}",
                json_kind(&v)
            ));
        }
    };
    let id = match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(v) => {
            return Err(crate::problem!(
                "\"id\" must be a string or a number, found {}",
                json_kind(v)
            ));
        }
    };
    let geometry = match obj.get("geometry") {
        None => return Err("missing the \"geometry\" member (use null for none)".into()),
        Some(g) => parse_geometry(g, 0)?,
    };
    finish_feature(index, properties, id, geometry, None, warnings)
}

const MAX_GEOMETRY_DEPTH: usize = 16;

fn parse_geometry(
    value: &Value,
    depth: usize,
) -> Result<Option<Geometry<f64>>, crate::error::Problem> {
    let obj = match value {
        Value::Null => return Ok(None),
        Value::Object(o) => o,
        v => {
            return Err(crate::problem!(
                "a geometry must be an object or null, found {}",
                json_kind(v)
            ));
        }
    };
    if depth > MAX_GEOMETRY_DEPTH {
        return Err(crate::problem!(
            "GeometryCollections nested more than {MAX_GEOMETRY_DEPTH} deep"
        ));
    }
    let ty = type_of(obj)?;
    check_bbox(obj)?;
    if ty == "GeometryCollection" {
        let geoms = obj
            .get("geometries")
            .ok_or("GeometryCollection without a \"geometries\" member")?
            .as_array()
            .ok_or("GeometryCollection \"geometries\" must be an array")?;
        let mut out = Vec::with_capacity(geoms.len());
        for (i, g) in geoms.iter().enumerate() {
            if !g.is_object() {
                return Err(crate::problem!(
                    "GeometryCollection member {i} must be a geometry object, found {}",
                    json_kind(g)
                ));
            }
            if let Some(g) = parse_geometry(g, depth + 1)
                .map_err(|e| crate::problem!("GeometryCollection member {i}: {e}"))?
            {
                out.push(g);
            }
        }
        return Ok(Some(Geometry::GeometryCollection(GeometryCollection(out))));
    }
    if !GEOMETRY_TYPES.contains(&ty) {
        return Err(crate::problem!("geometry: {}", unknown_type(ty)));
    }
    let coords = obj
        .get("coordinates")
        .ok_or_else(|| crate::problem!("{ty} without a \"coordinates\" member"))?;
    let g = match ty {
        "Point" => Geometry::Point(Point(position(coords)?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            array(coords, "MultiPoint coordinates")?
                .iter()
                .map(|p| position(p).map(Point))
                .collect::<Result<_, _>>()?,
        )),
        "LineString" => Geometry::LineString(line(coords)?),
        "MultiLineString" => {
            Geometry::MultiLineString(MultiLineString(each(coords, ty, "line", line)?))
        }
        "Polygon" => Geometry::Polygon(polygon(coords)?),
        "MultiPolygon" => {
            Geometry::MultiPolygon(MultiPolygon(each(coords, ty, "polygon", polygon)?))
        }
        _ => unreachable!("checked against GEOMETRY_TYPES"),
    };
    Ok(Some(g))
}

/// Each member of a Multi* geometry's coordinates read by `read`; errors say which ("line 2: …").
fn each<T>(
    coords: &Value,
    ty: &str,
    member: &str,
    read: impl Fn(&Value) -> Result<T, crate::error::Problem>,
) -> Result<Vec<T>, crate::error::Problem> {
    array(coords, &format!("{ty} coordinates"))?
        .iter()
        .enumerate()
        .map(|(i, v)| read(v).map_err(|e| crate::problem!("{member} {i}: {e}")))
        .collect()
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, crate::error::Problem> {
    match v {
        Value::Array(a) => Ok(a),
        Value::Number(_) => Err(crate::problem!(
            "{what}: a number where an array was expected (nest it one level deeper)"
        )),
        other => Err(crate::problem!(
            "{what} must be an array, found {}",
            json_kind(other)
        )),
    }
}

fn position(v: &Value) -> Result<Coord, crate::error::Problem> {
    let a = array(v, "a position")?;
    if a.len() < 2 {
        return Err(crate::problem!(
            "a position needs 2 or more numbers, has {}",
            a.len()
        ));
    }
    let mut xy = [0.0; 2];
    for (i, e) in a.iter().enumerate() {
        let n = e.as_f64().ok_or_else(|| {
            if e.is_array() {
                "an array where a number was expected (nested too deeply)".to_string()
            } else {
                format!(
                    "every element of a position must be a number, found {}",
                    json_kind(e)
                )
            }
        })?;
        if i < 2 {
            if !n.is_finite() {
                return Err("a coordinate is not a finite number".into());
            }
            xy[i] = n;
        }
    }
    Ok(Coord { x: xy[0], y: xy[1] })
}

fn positions(v: &Value, what: &str) -> Result<Vec<Coord>, crate::error::Problem> {
    array(v, what)?
        .iter()
        .enumerate()
        .map(|(i, p)| position(p).map_err(|e| crate::problem!("position {i}: {e}")))
        .collect()
}

fn line(v: &Value) -> Result<LineString<f64>, crate::error::Problem> {
    let pts = positions(v, "LineString coordinates")?;
    if pts.len() < 2 {
        return Err(crate::problem!(
            "a LineString needs 2 or more positions, has {}",
            pts.len()
        ));
    }
    Ok(LineString(pts))
}

fn ring(v: &Value) -> Result<LineString<f64>, crate::error::Problem> {
    let pts = positions(v, "a linear ring")?;
    if pts.len() < 4 {
        return Err(crate::problem!(
            "a linear ring needs 4 or more positions, has {}",
            pts.len()
        ));
    }
    // Compare whole positions, z included: [100, 0] does not close [100, 0, 4.9].
    let same = |x: &Value, y: &Value| match (x.as_array(), y.as_array()) {
        (Some(x), Some(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.as_f64() == q.as_f64())
        }
        _ => false,
    };
    let raw = v.as_array().map(Vec::as_slice).unwrap_or_default();
    let closed = raw.len() >= 2 && same(&raw[0], &raw[raw.len() - 1]);
    if pts.first() != pts.last() || !closed {
        return Err(
            "a linear ring must end where it starts (first and last positions differ)".into(),
        );
    }
    Ok(LineString(pts))
}

fn polygon(v: &Value) -> Result<Polygon<f64>, crate::error::Problem> {
    let rings = array(v, "Polygon coordinates")?;
    let mut it = rings
        .iter()
        .enumerate()
        .map(|(i, r)| ring(r).map_err(|e| crate::problem!("ring {i}: {e}")));
    let exterior = it.next().ok_or("a Polygon needs at least one ring")??;
    let interiors = it.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_geojson;

    fn read(s: &str) -> Result<Layer, LoadError> {
        read_geojson("t.geojson", s.as_bytes())
    }

    #[test]
    fn reads_track_with_times_and_kind() {
        let l = read(r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"track","convoy_id":"A",
            "coordinateProperties":{"times":["2026-03-02T08:00:00Z","2026-03-02T09:00:00+01:00"]}},
            "geometry":{"type":"LineString","coordinates":[[30,46,12],[30.1,46.1,5]]}}]}"#).unwrap();
        let f = &l.features[0];
        assert_eq!(f.role, Role::Track);
        let t = f.times.as_ref().unwrap();
        assert_eq!(t[0][0], t[0][1]);
    }

    #[test]
    fn errors_name_feature_and_file() {
        let e = read(r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},
            {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2]]}}]}"#).unwrap_err().to_string();
        assert!(
            e.contains("feature 1")
                && e.contains("2 or more positions")
                && e.ends_with("(in t.geojson)"),
            "{e}"
        );
    }

    #[test]
    fn case_of_type_matters() {
        let e = read(r#"{"type":"featurecollection","features":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("case-sensitive"), "{e}");
    }

    #[test]
    fn out_of_range_features_are_skipped_with_a_warning() {
        let l = read(r#"{"type":"Point","coordinates":[200,10]}"#).unwrap();
        assert!(l.features.is_empty());
        assert!(l.warnings[0].contains("outside longitude"));
    }

    #[test]
    fn mismatched_times_are_refused() {
        let e = read(
            r#"{"type":"Feature","properties":{"kind":"track","times":["2026-03-02T08:00:00Z"]},
            "geometry":{"type":"LineString","coordinates":[[30,46],[30.1,46.1]]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("1 times for 2 positions"), "{e}");
    }
}

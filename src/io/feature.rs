//! What every reader does with a feature once parsed: its role, id,
//! per-vertex times and the range check on its positions.

use crate::io::time::{parse_rfc3339, parse_time_span};
use crate::model::{Feature, Role};
use geo::Geometry;
use serde_json::{Map, Value};

/// The steps both readers share once a feature's parts are parsed: id from the
/// `id` property or else the member, role from `kind`, per-vertex times (parsed here
/// from the properties unless `times` is given), and the WGS 84 range check.
pub(crate) fn finish_feature(
    index: usize,
    properties: Map<String, Value>,
    id: Option<String>,
    geometry: Option<Geometry<f64>>,
    times: Option<Vec<Vec<Option<f64>>>>,
    warnings: &mut Vec<crate::model::Warning>,
) -> Result<Option<Feature>, crate::error::Problem> {
    // The `id` property (docs/layers.md) first: an OGC API server's feature
    // `id` member is its own row key (pygeoapi's `fid`), not the corridor's id.
    let id = match properties.get("id") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
    .or(id);
    let role = match properties.get("kind") {
        None | Some(Value::Null) => Role::Unassigned,
        Some(Value::String(k)) => {
            let r = Role::from_kind(k);
            if r == Role::Other {
                warnings.push(crate::note!(
                    "feature {index}: unknown kind \"{k}\"; shown but not analysed"
                ));
            }
            r
        }
        Some(v) => {
            warnings.push(crate::note!(
                "feature {index}: \"kind\" should be a string, found {}; not analysed",
                json_kind(v)
            ));
            Role::Other
        }
    };
    let mut feature = Feature {
        index,
        role,
        geometry,
        properties,
        id,
        times,
        time_span: None,
    };
    if role == Role::Incident {
        feature.time_span = feature
            .prop_text("time")
            .and_then(|t| parse_time_span(&t).ok());
    }
    if feature.times.is_none() {
        feature.times = read_times(&feature)?;
    }
    if feature.times.is_some() && !matches!(feature.geometry, Some(Geometry::Point(_))) {
        // Parsed into `times`; the text copies would double a track's memory.
        feature.properties.remove("times");
        feature.properties.remove("coordTimes");
        if let Some(Value::Object(cp)) = feature.properties.get_mut("coordinateProperties") {
            cp.remove("times");
        }
    }
    Ok(check_range(feature, warnings))
}

/// Skips (with a warning) a feature whose coordinates are outside WGS 84 ranges.
pub(crate) fn check_range(
    feature: Feature,
    warnings: &mut Vec<crate::model::Warning>,
) -> Option<Feature> {
    use geo::CoordsIter;
    if let Some(g) = &feature.geometry
        && let Some(c) = g
            .coords_iter()
            .find(|c| !(-90.0..=90.0).contains(&c.y) || !(-180.0..=180.0).contains(&c.x))
    {
        warnings.push(crate::model::Warning::skipped(
            Some(feature.index),
            format!(
                "feature {}: position [{}, {}] is outside longitude -180..180 / latitude -90..90; feature skipped",
                feature.index, c.x, c.y
            ),
        ));
        return None;
    }
    Some(feature)
}

/// Per-vertex times of a track: `coordinateProperties.times`, `coordTimes` or
/// `times` for lines, `time` for a point report.
fn read_times(f: &Feature) -> Result<Option<Vec<Vec<Option<f64>>>>, crate::error::Problem> {
    let parts: Vec<usize> = match &f.geometry {
        Some(Geometry::LineString(l)) => vec![l.0.len()],
        Some(Geometry::MultiLineString(m)) => m.0.iter().map(|l| l.0.len()).collect(),
        Some(Geometry::Point(_)) => {
            return match f.properties.get("time") {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => {
                    // A date is a whole day (an incident's period starts then); a
                    // position report needs the time of day it was made.
                    let (start, end) =
                        parse_time_span(s).map_err(|e| crate::problem!("\"time\": {e}"))?;
                    if end > start && f.role == Role::Track {
                        return Err(crate::problem!(
                            "\"time\" \"{s}\" is a date without a time of day; a position report needs one"
                        ));
                    }
                    Ok(Some(vec![vec![Some(start)]]))
                }
                Some(v) => Err(crate::problem!(
                    "\"time\": a time must be an RFC 3339 string, found {}",
                    json_kind(v)
                )),
            };
        }
        _ => return Ok(None),
    };
    let (key, value) = match f
        .properties
        .get("coordinateProperties")
        .and_then(|c| c.get("times"))
        .map(|v| ("coordinateProperties.times", v))
        .or_else(|| f.properties.get("coordTimes").map(|v| ("coordTimes", v)))
        .or_else(|| f.properties.get("times").map(|v| ("times", v)))
    {
        Some((k, v)) if !v.is_null() => (k, v),
        _ => return Ok(None),
    };
    let arr = value
        .as_array()
        .ok_or_else(|| crate::problem!("\"{key}\" must be an array"))?;
    let nested = arr.first().is_some_and(Value::is_array) || (parts.len() > 1 && arr.is_empty());
    let lists: Vec<&Vec<Value>> = if nested {
        arr.iter()
            .map(|v| {
                v.as_array()
                    .ok_or_else(|| crate::problem!("\"{key}\" mixes arrays and times"))
            })
            .collect::<Result<_, _>>()?
    } else {
        vec![arr]
    };
    if lists.len() != parts.len() {
        return Err(crate::problem!(
            "\"{key}\" has {} lists of times for {} lines",
            lists.len(),
            parts.len()
        ));
    }
    let mut out = Vec::with_capacity(parts.len());
    for (list, &n) in lists.iter().zip(&parts) {
        if list.len() != n {
            return Err(crate::problem!(
                "\"{key}\" has {} times for {} positions",
                list.len(),
                n
            ));
        }
        let mut times = Vec::with_capacity(n);
        for (i, v) in list.iter().enumerate() {
            times.push(match v {
                Value::Null => None,
                v => Some(parse_time_value(v).map_err(|e| crate::problem!("\"{key}\"[{i}]: {e}"))?),
            });
        }
        out.push(times);
    }
    Ok(Some(out))
}

fn parse_time_value(v: &Value) -> Result<f64, crate::error::Problem> {
    match v {
        Value::String(s) => parse_rfc3339(s),
        other => Err(crate::problem!(
            "a time must be an RFC 3339 string, found {}",
            json_kind(other)
        )),
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

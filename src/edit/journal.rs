//! The edit journal: every op applied to an edited layer, one JSON line each,
//! appended as it is made, so that edits survive the app being killed. The
//! first line names the source and its stamp; replaying the lines on the
//! source as read gives the edited layer back.
//!
//! A journal is read as hostile input: a line that cannot be read or does not
//! fit the layer stops the replay there, and says which line and why.

use super::{Op, VertexAt};
use crate::error::Problem;
use crate::model::{Feature, Layer};
use geo::Coord;
use serde_json::{Map, Value, json};

/// The journal's first line: the source it edits and the stamp of that source as read.
pub fn header(source: &str, stamp_hex: &str) -> String {
    json!({"journal": 1, "source": source, "sha256": stamp_hex}).to_string()
}

/// The source and stamp a journal's first line names.
pub fn read_header(line: &str) -> Result<(String, String), Problem> {
    let v: Value = serde_json::from_str(line)
        .map_err(|e| crate::problem!("line 1 is not a journal header ({e})"))?;
    match (v.get("journal"), v.get("source"), v.get("sha256")) {
        (Some(Value::Number(n)), Some(Value::String(s)), Some(Value::String(h)))
            if n.as_u64() == Some(1) =>
        {
            Ok((s.clone(), h.clone()))
        }
        _ => Err(crate::problem!(
            "line 1 is not a journal header of version 1"
        )),
    }
}

fn xy(c: Coord) -> Value {
    json!([c.x, c.y])
}

fn at(a: VertexAt) -> Value {
    json!([a.part, a.ring, a.index])
}

/// An op as one journal line. Deletions and replacements name what they
/// change but do not copy it: the replay takes it from the layer.
pub fn line(op: &Op) -> String {
    match op {
        Op::Move {
            feature, at: a, from, to,
        } => json!({"op": "move", "feature": feature, "at": at(*a), "from": xy(*from), "to": xy(*to)}),
        Op::Insert { feature, at: a, c } => {
            json!({"op": "insert", "feature": feature, "at": at(*a), "c": xy(*c)})
        }
        Op::Remove { feature, at: a, c } => {
            json!({"op": "remove", "feature": feature, "at": at(*a), "c": xy(*c)})
        }
        Op::Add { at: p, feature } => json!({
            "op": "add", "at": p, "index": feature.index,
            "feature": super::save::feature_json(feature),
        }),
        Op::Delete { at: p, feature } => json!({"op": "delete", "at": p, "index": feature.index}),
        Op::Properties { feature, after, .. } => {
            json!({"op": "properties", "feature": feature, "after": Value::Object((**after).clone())})
        }
        Op::Reshape { feature, after, .. } => json!({
            "op": "reshape", "feature": feature,
            "after": (**after).as_ref().and_then(|g| serde_json::to_value(geojson::Geometry::from(g)).ok()),
        }),
    }
    .to_string()
}

fn num(v: &Value, key: &str) -> Result<usize, Problem> {
    v.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| crate::problem!("\"{key}\" is not a count"))
}

fn coord(v: &Value, key: &str) -> Result<Coord, Problem> {
    match v.get(key).and_then(Value::as_array).map(Vec::as_slice) {
        Some([x, y]) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => Ok(Coord { x, y }),
            _ => Err(crate::problem!("\"{key}\" is not a position")),
        },
        _ => Err(crate::problem!("\"{key}\" is not a position")),
    }
}

fn vertex(v: &Value) -> Result<VertexAt, Problem> {
    let bad = || crate::problem!("\"at\" is not [part, ring, index]");
    let list = v.get("at").and_then(Value::as_array).ok_or_else(bad)?;
    let n = |i: usize| {
        list.get(i)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(bad)
    };
    if list.len() != 3 {
        return Err(bad());
    }
    Ok(VertexAt::new(n(0)?, n(1)?, n(2)?))
}

fn geometry(v: Option<&Value>) -> Result<Option<geo::Geometry<f64>>, Problem> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(g) => {
            let g: geojson::Geometry = serde_json::from_value(g.clone())
                .map_err(|e| crate::problem!("the geometry cannot be read ({e})"))?;
            geo::Geometry::<f64>::try_from(g)
                .map(Some)
                .map_err(|e| crate::problem!("the geometry cannot be read ({e})"))
        }
    }
}

/// The op a journal line stands for, on `layer` as it is before the line.
pub fn op_of(layer: &Layer, text: &str) -> Result<Op, Problem> {
    let v: Value = serde_json::from_str(text).map_err(|e| crate::problem!("not JSON ({e})"))?;
    let feature_at = |i: usize| -> Result<&Feature, Problem> {
        layer
            .features
            .get(i)
            .ok_or_else(|| crate::problem!("the layer has no feature at position {i}"))
    };
    Ok(match v.get("op").and_then(Value::as_str) {
        Some("move") => Op::Move {
            feature: num(&v, "feature")?,
            at: vertex(&v)?,
            from: coord(&v, "from")?,
            to: coord(&v, "to")?,
        },
        Some("insert") => Op::Insert {
            feature: num(&v, "feature")?,
            at: vertex(&v)?,
            c: coord(&v, "c")?,
        },
        Some("remove") => Op::Remove {
            feature: num(&v, "feature")?,
            at: vertex(&v)?,
            c: coord(&v, "c")?,
        },
        Some("add") => {
            let f = v
                .get("feature")
                .ok_or_else(|| crate::problem!("no \"feature\""))?;
            let properties: Map<String, Value> = match f.get("properties") {
                Some(Value::Object(m)) => m.clone(),
                None | Some(Value::Null) => Map::new(),
                Some(_) => return Err(crate::problem!("\"properties\" is not an object")),
            };
            let mut warnings = Vec::new();
            let feature = crate::io::finish_feature(
                num(&v, "index")?,
                properties,
                None,
                geometry(f.get("geometry"))?,
                None,
                &mut warnings,
            )?
            .ok_or_else(|| crate::problem!("the feature cannot be read"))?;
            Op::Add {
                at: num(&v, "at")?,
                feature: Box::new(feature),
            }
        }
        Some("delete") => {
            let at = num(&v, "at")?;
            let f = feature_at(at)?;
            if f.index != num(&v, "index")? {
                return Err(crate::problem!(
                    "position {at} holds feature {}, not the one deleted",
                    f.index
                ));
            }
            Op::Delete {
                at,
                feature: Box::new(f.clone()),
            }
        }
        Some("properties") => {
            let i = num(&v, "feature")?;
            let Some(Value::Object(after)) = v.get("after") else {
                return Err(crate::problem!("\"after\" is not an object"));
            };
            Op::Properties {
                feature: i,
                before: Box::new(feature_at(i)?.properties.clone()),
                after: Box::new(after.clone()),
            }
        }
        Some("reshape") => {
            let i = num(&v, "feature")?;
            Op::Reshape {
                feature: i,
                before: Box::new(feature_at(i)?.geometry.clone()),
                after: Box::new(geometry(v.get("after"))?),
            }
        }
        Some(other) => return Err(crate::problem!("unknown op \"{other}\"")),
        None => return Err(crate::problem!("no \"op\"")),
    })
}

/// What a replay did: the ops applied (in order), and where it stopped and why.
#[derive(Debug, Default)]
pub struct Replayed {
    pub ops: Vec<Op>,
    /// (line number, 1-based; what is wrong) of the line the replay stopped at.
    pub stopped: Option<(usize, Problem)>,
}

/// Applies a journal's op lines (the header is line 1, not passed here) to
/// `layer` in order; the first line that cannot be read or applied stops it.
pub fn replay<'a>(layer: &mut Layer, lines: impl Iterator<Item = &'a str>) -> Replayed {
    let mut out = Replayed::default();
    for (k, text) in lines.enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let op = match op_of(layer, text).and_then(|op| super::apply(layer, &op).map(|()| op)) {
            Ok(op) => op,
            Err(e) => {
                out.stopped = Some((k + 2, e));
                break;
            }
        };
        out.ops.push(op);
    }
    out
}

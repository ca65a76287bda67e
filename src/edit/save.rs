//! Saving an edited layer back to its GeoJSON file, or as a new file.
//!
//! Back to the source, only what was edited is rewritten: the file is read
//! again, each changed feature's geometry and properties replaced, deleted
//! features left out and new ones added at their place; everything else in
//! the file (foreign members, a feature's `id` member, features the reader
//! skipped, untouched geometries with their heights) stays as it was. The
//! file is written atomically, and only if it is still what was read: a file
//! changed on disk by someone else since is not overwritten.

use crate::model::{Feature, Layer};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The source file as it was read: its length and SHA-256, to tell whether
/// someone changed it since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub sha256: [u8; 32],
}

impl Stamp {
    pub fn of(bytes: &[u8]) -> Stamp {
        use sha2::Digest;
        Stamp {
            len: bytes.len() as u64,
            sha256: sha2::Sha256::digest(bytes).into(),
        }
    }

    pub fn hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What an edited layer's save needs besides the layer: which of the file's
/// features were there when editing began (so a feature the reader skipped
/// is not taken for one deleted), which were changed, and the stamp of the
/// file as read.
#[derive(Clone, Debug)]
pub struct Edited {
    /// File positions (`Feature::index`) of the features read.
    pub read: BTreeSet<usize>,
    /// File positions of features changed by an edit (rewritten on save).
    pub touched: BTreeSet<usize>,
    /// Positions from here on are features made in the app.
    pub first_new: usize,
    pub stamp: Stamp,
}

/// Why a save did not happen (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "{path} changed on disk since it was read ({was} bytes then, {now} now): nothing was written; save your edits elsewhere with Save as…, or reopen the file"
    )]
    Changed { path: String, was: u64, now: u64 },
    #[error(
        "nothing was written to {table}: {} changed by someone else since it was read; Discard edits reads the table again with their changes (Save as… keeps yours in a file first)",
        rows.join(", ")
    )]
    Conflict { table: String, rows: Vec<String> },
    #[error("{path}: {problem}")]
    Source { path: String, problem: String },
    #[error("could not write {path}: {e}")]
    Io { path: String, e: std::io::Error },
}

/// A feature as GeoJSON (its `id` member when it came with one).
pub fn feature_json(f: &Feature) -> Value {
    let geometry = f
        .geometry
        .as_ref()
        .and_then(|g| serde_json::to_value(geojson::Geometry::from(g)).ok())
        .unwrap_or(Value::Null);
    serde_json::json!({
        "type": "Feature",
        "properties": Value::Object(f.properties.clone()),
        "geometry": geometry,
    })
}

/// The file's bytes, if it is still what was read (`edited.stamp`): a file
/// changed on disk since is not written over.
pub(super) fn unchanged_since_read(path: &Path, edited: &Edited) -> Result<Vec<u8>, SaveError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| SaveError::Io {
        path: name.clone(),
        e,
    })?;
    let now = Stamp::of(&bytes);
    if now != edited.stamp {
        return Err(SaveError::Changed {
            path: name,
            was: edited.stamp.len,
            now: now.len,
        });
    }
    Ok(bytes)
}

/// Writes the edited `layer` back to `path`, if the file is still what was
/// read (`edited.stamp`). Returns the new file's stamp.
pub fn save_geojson(path: &Path, layer: &Layer, edited: &Edited) -> Result<Stamp, SaveError> {
    let name = path.display().to_string();
    let bytes = unchanged_since_read(path, edited)?;
    let source = |problem: String| SaveError::Source {
        path: name.clone(),
        problem,
    };
    let mut doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| source(format!("no longer reads as JSON ({e})")))?;
    let Some(Value::Array(old)) = doc.get_mut("features").map(std::mem::take) else {
        return Err(source(
            "is not a FeatureCollection: save the edits with Save as…".into(),
        ));
    };
    let mut old: Vec<Option<Value>> = old.into_iter().map(Some).collect();
    // Features in the layer's order; a file feature the reader skipped stays
    // where it was (after the feature read before it).
    let mut out = Vec::with_capacity(old.len());
    let mut next_old = 0;
    let mut take_skipped_up_to =
        |end: usize, out: &mut Vec<Value>, old: &mut Vec<Option<Value>>| {
            while next_old < end.min(old.len()) {
                if !edited.read.contains(&next_old)
                    && let Some(v) = old[next_old].take()
                {
                    out.push(v);
                }
                next_old += 1;
            }
        };
    for f in &layer.features {
        if f.index >= edited.first_new {
            out.push(feature_json(f));
            continue;
        }
        take_skipped_up_to(f.index, &mut out, &mut old);
        let Some(mut v) = old.get_mut(f.index).and_then(Option::take) else {
            return Err(source(format!("has no feature {} any more", f.index)));
        };
        if edited.touched.contains(&f.index) {
            let fresh = feature_json(f);
            if let (Some(o), Value::Object(n)) = (v.as_object_mut(), fresh) {
                for (k, val) in n {
                    if k != "type" {
                        o.insert(k, val);
                    }
                }
            }
        }
        out.push(v);
    }
    take_skipped_up_to(usize::MAX, &mut out, &mut old);
    // A feature read but no longer in the layer was deleted: it is not written.
    doc["features"] = Value::Array(out);
    write_json(path, &doc)
}

/// The layer as a new GeoJSON FeatureCollection at `path` (Save as…).
pub fn save_as_geojson(path: &Path, layer: &Layer) -> Result<Stamp, SaveError> {
    let doc =
        crate::output::write::feature_collection(layer.features.iter().map(feature_json).collect());
    write_json(path, &doc)
}

fn write_json(path: &Path, doc: &Value) -> Result<Stamp, SaveError> {
    let mut text = serde_json::to_vec_pretty(doc).map_err(|e| SaveError::Io {
        path: path.display().to_string(),
        e: e.into(),
    })?;
    text.push(b'\n');
    crate::output::write::write_atomic(path, &text).map_err(|e| SaveError::Io {
        path: path.display().to_string(),
        e,
    })?;
    Ok(Stamp::of(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{History, Op, VertexAt, new_feature};
    use crate::model::Role;
    use geo::coord;

    /// Feature 1 cannot be read (a latitude of 95): the reader skips it.
    const FILE: &str = r#"{"type": "FeatureCollection", "name": "kept", "crs_note": "foreign",
 "features": [
  {"type": "Feature", "id": "a", "properties": {"kind": "corridor", "id": "C1"},
   "geometry": {"type": "LineString", "coordinates": [[30, 50, 100], [31, 50, 110]]}},
  {"type": "Feature", "properties": {"kind": "incident", "id": "BAD"},
   "geometry": {"type": "Point", "coordinates": [30, 95]}},
  {"type": "Feature", "properties": {"kind": "corridor", "id": "C2"},
   "geometry": {"type": "LineString", "coordinates": [[32, 50, 7], [33, 50, 8]]}},
  {"type": "Feature", "properties": {"kind": "corridor", "id": "C3"},
   "geometry": {"type": "LineString", "coordinates": [[34, 50], [35, 50]]}}
 ]}"#;

    fn edited_layer(path: &Path) -> (Layer, Edited) {
        std::fs::write(path, FILE).unwrap();
        let layer = crate::io::read_geojson_skipping("t", FILE.as_bytes()).unwrap();
        assert_eq!(layer.features.len(), 3);
        let edited = Edited {
            read: layer.features.iter().map(|f| f.index).collect(),
            touched: Default::default(),
            first_new: 4,
            stamp: Stamp::of(FILE.as_bytes()),
        };
        (layer, edited)
    }

    #[test]
    fn only_the_edited_features_are_rewritten_and_a_skipped_one_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.geojson");
        let (mut layer, mut edited) = edited_layer(&path);
        let mut h = History::default();
        // C1 moved, C2 deleted, a new incident after C3.
        h.apply(
            &mut layer,
            Op::Move {
                feature: 0,
                at: VertexAt::new(0, 0, 1),
                from: coord! {x: 31.0, y: 50.0},
                to: coord! {x: 31.5, y: 50.25},
            },
        )
        .unwrap();
        edited.touched.insert(0);
        let c2 = layer.features[1].clone();
        h.apply(
            &mut layer,
            Op::Delete {
                at: 1,
                feature: Box::new(c2),
            },
        )
        .unwrap();
        let inc = new_feature(
            4,
            Role::Incident,
            geo::Geometry::Point(geo::Point::new(36.0, 48.0)),
            serde_json::json!({"id": "INC-1", "time": "2026-12-04T18:22:00Z"})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
        h.apply(
            &mut layer,
            Op::Add {
                at: 2,
                feature: Box::new(inc),
            },
        )
        .unwrap();
        let stamp = save_geojson(&path, &layer, &edited).unwrap();
        let text = std::fs::read(&path).unwrap();
        assert_eq!(stamp, Stamp::of(&text));
        let v: Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(v["name"], "kept");
        assert_eq!(v["crs_note"], "foreign");
        let f = v["features"].as_array().unwrap();
        let ids: Vec<&str> = f
            .iter()
            .map(|f| f["properties"]["id"].as_str().unwrap())
            .collect();
        // The skipped feature keeps its place; C2 is gone; the new one is last.
        assert_eq!(ids, ["C1", "BAD", "C3", "INC-1"]);
        // C1 rewritten (its `id` member kept; heights go with the rewrite), C3 untouched.
        assert_eq!(f[0]["id"], "a");
        assert_eq!(
            f[0]["geometry"]["coordinates"],
            serde_json::json!([[30.0, 50.0], [31.5, 50.25]])
        );
        assert_eq!(
            f[2]["geometry"]["coordinates"],
            serde_json::json!([[34, 50], [35, 50]])
        );
        assert_eq!(f[3]["properties"]["kind"], "incident");
        // A second save with the old stamp: the file changed since (it was saved).
        let e = save_geojson(&path, &layer, &edited).unwrap_err();
        assert!(matches!(e, SaveError::Changed { .. }), "{e}");
        assert!(e.to_string().contains("nothing was written"));
        assert_eq!(std::fs::read(&path).unwrap(), text);
    }

    #[test]
    fn a_file_that_is_no_longer_a_feature_collection_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.geojson");
        let (layer, mut edited) = edited_layer(&path);
        let other = br#"{"type": "Feature", "properties": {}, "geometry": null}"#;
        std::fs::write(&path, other).unwrap();
        edited.stamp = Stamp::of(other);
        let e = save_geojson(&path, &layer, &edited).unwrap_err();
        assert!(e.to_string().contains("not a FeatureCollection"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), other);
        // Save as writes every feature of the layer.
        let copy = dir.path().join("copy.geojson");
        save_as_geojson(&copy, &layer).unwrap();
        let back = crate::io::read_path(&copy).unwrap();
        assert_eq!(back.features.len(), 3);
    }
}

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

/// Writes the edited `layer` back to `path`, if the file is still what was
/// read (`edited.stamp`). Returns the new file's stamp.
pub fn save_geojson(path: &Path, layer: &Layer, edited: &Edited) -> Result<Stamp, SaveError> {
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

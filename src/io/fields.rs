//! Features from the field's formats other than GeoJSON (KML, shapefiles,
//! GeoPackage, FlatGeobuf): property names as the conventions spell them, and
//! the finishing every reader shares (role, id, times, the WGS 84 range check).
//! A feature that cannot be read is skipped with a warning naming it, as GDAL
//! and QGIS do; the rest of the file loads.

use crate::model::Layer;
use geo::Geometry;
use serde_json::{Map, Value};

/// The property names of `docs/layers.md`.
pub const CONVENTION_NAMES: [&str; 14] = [
    "kind",
    "id",
    "name",
    "tolerance_m",
    "width_km",
    "convoy_id",
    "corridor_ids",
    "time",
    "times",
    "category",
    "description",
    "report_interval_s",
    "coordTimes",
    "coordinateProperties",
];

/// Properties that hold lists (per-vertex times, approved corridors).
const LIST_NAMES: [&str; 3] = ["times", "coordTimes", "corridor_ids"];

/// A list written as text by a format without lists: GDAL's string-list form
/// `(3:a,b,c)` (the count must match), or a JSON array.
fn list_from_text(s: &str) -> Option<Value> {
    let t = s.trim();
    if t.starts_with('[') {
        return serde_json::from_str::<Value>(t)
            .ok()
            .filter(Value::is_array);
    }
    let (n, items) = t.strip_prefix('(')?.strip_suffix(')')?.split_once(':')?;
    let n: usize = n.parse().ok()?;
    let items: Vec<Value> = if items.is_empty() {
        Vec::new()
    } else {
        items
            .split(',')
            .map(|i| Value::from(i.to_string()))
            .collect()
    };
    (items.len() == n).then_some(Value::Array(items))
}

/// dBASE holds at most 254 bytes in a text field, and ogr2ogr cuts longer
/// values there without a word: a list or JSON text of that length that does
/// not read is named as cut, not as malformed.
const DBASE_TEXT_MAX: usize = 254;

/// The reason a list or JSON text written by GDAL cannot be read, when it was
/// cut at dBASE's limit.
fn cut_at_dbase_limit(key: &str, text: &str) -> Option<String> {
    (text.len() == DBASE_TEXT_MAX).then(|| {
        format!(
            "\"{key}\" is cut at {DBASE_TEXT_MAX} characters (dBASE's limit for a text field, where ogr2ogr cuts longer values when it writes a shapefile), so its per-vertex values are lost; write the layer as GeoPackage, FlatGeobuf or GeoJSON instead"
        )
    })
}

/// Per-vertex times given as GDAL's text list `(n:t1,t2,…)` with one time
/// per vertex, all readable; `None` sends anything else the general way.
fn fast_times(properties: &Map<String, Value>, vertices: usize) -> Option<Vec<Option<f64>>> {
    let text = ["times", "coordTimes"]
        .iter()
        .find_map(|k| properties.get(*k))?
        .as_str()?;
    let (n, items) = text
        .trim()
        .strip_prefix('(')?
        .strip_suffix(')')?
        .split_once(':')?;
    if n.parse::<usize>().ok()? != vertices {
        return None;
    }
    // Consecutive times share their day: read as one run.
    let mut run = super::time::TimeRun::default();
    let mut out = Vec::with_capacity(vertices);
    for t in items.split(',') {
        out.push(Some(run.parse(t.as_bytes())?));
    }
    (out.len() == vertices).then_some(out)
}

/// dBASE cuts field names to 10 characters. A 10-character name that is the
/// cut of exactly one conventions name reads as that name (`tolerance_` ->
/// `tolerance_m`, `corridor_i` -> `corridor_ids`); any other stays as it is.
pub fn expand_cut_name(name: &str) -> String {
    if name.len() != 10 {
        return name.to_string();
    }
    let mut matches = CONVENTION_NAMES
        .iter()
        .filter(|c| c.len() > 10 && c.starts_with(name));
    match (matches.next(), matches.next()) {
        (Some(full), None) => full.to_string(),
        _ => name.to_string(),
    }
}

/// Collects a reader's features into a layer.
pub struct Collector {
    pub layer: Layer,
    next_index: usize,
}

impl Collector {
    pub fn new(source: &str) -> Collector {
        Collector {
            layer: Layer {
                source: source.to_string(),
                ..Default::default()
            },
            next_index: 0,
        }
    }

    /// Adds a feature (numbered in file order), or skips it with a warning
    /// naming it when it cannot be used. `what` says where it came from
    /// ("placemark 3", "table lines, row 7") for the warning.
    pub fn push(
        &mut self,
        what: &str,
        properties: Map<String, Value>,
        geometry: Result<Option<Geometry<f64>>, crate::error::Problem>,
        times: Option<Vec<Vec<Option<f64>>>>,
    ) {
        let index = self.next_index;
        self.next_index += 1;
        let done = finish_row(index, what, properties, geometry, times);
        self.add(done);
    }

    /// As [`push`](Self::push) for many rows at once: each row is made into
    /// its parts by `make` and finished (times read, lists, the range check)
    /// in parallel; features and warnings come out in row order, as if pushed
    /// one by one.
    pub fn push_many<T: Send>(&mut self, rows: Vec<T>, make: impl Fn(T) -> Row + Sync + Send) {
        use rayon::prelude::*;
        let first = self.next_index;
        self.next_index += rows.len();
        let done: Vec<Finished> = rows
            .into_par_iter()
            .enumerate()
            .map(|(k, row)| {
                let (what, properties, geometry, times) = make(row);
                finish_row(first + k, &what, properties, geometry, times)
            })
            .collect();
        for d in done {
            self.add(d);
        }
    }

    fn add(&mut self, done: Finished) {
        let (outcome, warnings, is_track) = done;
        self.layer.warnings.extend(warnings);
        match outcome {
            Some(f) => self.layer.features.push(f),
            None => self.layer.skipped_reports += usize::from(is_track),
        }
    }

    /// Adds a warning that is not about one feature.
    pub fn warn(&mut self, text: String) {
        self.layer.warnings.push(crate::model::Warning::note(text));
    }

    pub fn finish(self) -> Layer {
        self.layer
    }
}

/// A row as a reader hands it over: where it came from (for warnings), its
/// properties, its geometry (or why it has none) and any per-vertex times.
pub type Row = (
    String,
    Map<String, Value>,
    Result<Option<Geometry<f64>>, crate::error::Problem>,
    Option<Vec<Vec<Option<f64>>>>,
);

/// A finished row: the feature (`None`: skipped), its warnings, and whether
/// it was a track (a skipped track counts as a lost report).
type Finished = (
    Option<crate::model::Feature>,
    Vec<crate::model::Warning>,
    bool,
);

/// What `Collector::push` does to one row, numbered `index`.
fn finish_row(
    index: usize,
    what: &str,
    properties: Map<String, Value>,
    geometry: Result<Option<Geometry<f64>>, crate::error::Problem>,
    times: Option<Vec<Vec<Option<f64>>>>,
) -> Finished {
    let mut properties = properties;
    let mut times = times;
    if times.is_none()
        && let Ok(Some(geo::Geometry::LineString(l))) = &geometry
        && let Some(t) = fast_times(&properties, l.0.len())
    {
        // GDAL's text list of one time per vertex, parsed straight into times
        // (a million vertices need no million JSON strings on the way).
        properties.remove("times");
        properties.remove("coordTimes");
        times = Some(vec![t]);
    }
    let is_track = properties.get("kind").and_then(Value::as_str) == Some("track");
    let mut cut = None;
    for k in LIST_NAMES {
        if let Some(Value::String(text)) = properties.get(k) {
            match list_from_text(text) {
                Some(list) => {
                    properties.insert(k.to_string(), list);
                }
                None => cut = cut.or_else(|| cut_at_dbase_limit(k, text)),
            }
        }
    }
    // GDAL writes a GeoJSON feature's `coordinateProperties` (per-vertex
    // times) as a JSON text column in GeoPackage, FlatGeobuf, KML and dBASE.
    if let Some(Value::String(text)) = properties.get("coordinateProperties") {
        match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Object(_)) => {
                properties.insert("coordinateProperties".into(), v);
            }
            _ => cut = cut.or_else(|| cut_at_dbase_limit("coordinateProperties", text)),
        }
    }
    let mut warnings = Vec::new();
    let finished = match cut {
        Some(reason) => Err(reason.into()),
        None => geometry.and_then(|g| {
            super::feature::finish_feature(index, properties, None, g, times, &mut warnings)
        }),
    };
    match finished {
        Ok(f) => (f, warnings, is_track),
        Err(e) => {
            warnings.push(crate::model::Warning::skipped(
                Some(index),
                format!("feature {index} ({what}) skipped: {e}"),
            ));
            (None, warnings, is_track)
        }
    }
}

/// A finished feature, for the readers' unit tests.
#[cfg(test)]
pub fn only_feature(layer: &Layer) -> &crate::model::Feature {
    assert_eq!(layer.features.len(), 1, "{:?}", layer.warnings);
    &layer.features[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_written_as_text_are_lists() {
        assert_eq!(
            list_from_text("(2:HC-01,HC-02)"),
            Some(serde_json::json!(["HC-01", "HC-02"]))
        );
        assert_eq!(list_from_text("(0:)"), Some(serde_json::json!([])));
        assert_eq!(
            list_from_text(r#"["a","b"]"#),
            Some(serde_json::json!(["a", "b"]))
        );
        // A count that does not match, or plain text: not a list.
        assert_eq!(list_from_text("(3:a,b)"), None);
        assert_eq!(list_from_text("HC-01,HC-02"), None);
    }

    #[test]
    fn cut_dbase_names_read_as_the_conventions_names() {
        assert_eq!(expand_cut_name("tolerance_"), "tolerance_m");
        assert_eq!(expand_cut_name("corridor_i"), "corridor_ids");
        assert_eq!(expand_cut_name("descriptio"), "description");
        assert_eq!(expand_cut_name("report_int"), "report_interval_s");
        // Not a cut of a conventions name, or a short name: unchanged.
        assert_eq!(expand_cut_name("population"), "population");
        assert_eq!(expand_cut_name("kind"), "kind");
    }
}

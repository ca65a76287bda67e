//! Incident tables as the field exchanges them (`docs/layers.md`, "Incident
//! tables"): ACLED CSV exports, recognised by their header, and HXL-tagged
//! CSV (the Humanitarian Data Exchange), recognised by a row of hashtags
//! within the first 25 rows. Each row is an `incident` point; a row whose
//! position, date or id cannot be read is skipped with a warning naming its
//! line, and the rest loads.

use crate::error::LoadError;
use crate::model::{Feature, Layer, Role, Warning};
use geo::{Coord, Geometry, Point};
use serde_json::{Map, json};

/// Which layout a CSV is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    Acled,
    /// The hashtag row's index (0-based, among the records) and its tags.
    Hxl {
        tag_row: usize,
    },
}

/// ACLED's columns this reader needs (the 2023 layout has 31).
const ACLED_NEEDS: [&str; 5] = [
    "event_id_cnty",
    "event_date",
    "latitude",
    "longitude",
    "event_type",
];

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(bytes)
}

/// A hashtag cell's tag and attributes, lower case (`#geo +lat` is `("geo", ["lat"])`).
fn tag(cell: &str) -> Option<(String, Vec<String>)> {
    let t = cell.trim().strip_prefix('#')?;
    let mut parts = t.split('+').map(|p| p.trim().to_ascii_lowercase());
    let name = parts.next().filter(|n| !n.is_empty())?;
    Some((name, parts.filter(|p| !p.is_empty()).collect()))
}

/// The layout of a CSV, when it is an incident table.
pub fn layout(bytes: &[u8]) -> Option<Layout> {
    let mut rdr = reader(bytes);
    for (i, rec) in rdr.records().take(25).enumerate() {
        let Ok(rec) = rec else { return None };
        if i == 0 {
            let names: Vec<String> = rec.iter().map(str::to_ascii_lowercase).collect();
            if ACLED_NEEDS.iter().all(|n| names.iter().any(|h| h == n)) {
                return Some(Layout::Acled);
            }
        }
        let cells: Vec<&str> = rec.iter().filter(|c| !c.is_empty()).collect();
        let tags: Vec<(String, Vec<String>)> = cells.iter().filter_map(|c| tag(c)).collect();
        let has = |a: &str| {
            tags.iter()
                .any(|(n, at)| n == "geo" && at.iter().any(|x| x == a))
        };
        if !cells.is_empty() && tags.len() * 2 >= cells.len() && has("lat") && has("lon") {
            return Some(Layout::Hxl { tag_row: i });
        }
    }
    None
}

/// Columns found in a table: index by meaning, and every column's property name.
struct Columns {
    id: Option<usize>,
    date: usize,
    lat: usize,
    lon: usize,
    category: Option<usize>,
    fatalities: Option<usize>,
    precision: Option<usize>,
    kind: Option<usize>,
    names: Vec<String>,
}

fn acled_columns(header: &[String]) -> Columns {
    let col = |n: &str| header.iter().position(|h| h == n);
    Columns {
        id: col("event_id_cnty"),
        date: col("event_date").unwrap_or(0),
        lat: col("latitude").unwrap_or(0),
        lon: col("longitude").unwrap_or(0),
        category: col("event_type"),
        fatalities: col("fatalities"),
        precision: col("time_precision"),
        kind: None,
        names: header.to_vec(),
    }
}

fn hxl_columns(text: &[String], tags: &[String]) -> Result<Columns, String> {
    let parsed: Vec<Option<(String, Vec<String>)>> = tags.iter().map(|t| tag(t)).collect();
    let find = |name: &str, attrs: &[&str]| {
        parsed.iter().position(|p| {
            p.as_ref()
                .is_some_and(|(n, at)| n == name && attrs.iter().all(|a| at.iter().any(|x| x == a)))
        })
    };
    let lat = find("geo", &["lat"]).ok_or("no #geo+lat column")?;
    let lon = find("geo", &["lon"]).ok_or("no #geo+lon column")?;
    let date = find("date", &[]).ok_or("no #date column")?;
    let id = find("event", &["id"]).or_else(|| find("meta", &["id"]));
    let category = find("event", &["type"]).or_else(|| find("event", &["category"]));
    let fatalities = find("affected", &["killed"]);
    let kind = find("meta", &["kind"])
        .or_else(|| text.iter().position(|h| h.eq_ignore_ascii_case("kind")));
    let location = find("loc", &["name"]);
    let names = (0..tags.len().max(text.len()))
        .map(|k| {
            let known = [
                (Some(lat), "lat"),
                (Some(lon), "lon"),
                (Some(date), "date"),
                (id, "id"),
                (category, "category"),
                (fatalities, "fatalities"),
                (location, "location"),
                (kind, "kind"),
            ];
            match known.iter().find(|(c, _)| *c == Some(k)) {
                Some((_, n)) => (*n).to_string(),
                None => text
                    .get(k)
                    .filter(|t| !t.is_empty())
                    .or_else(|| tags.get(k))
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", k + 1)),
            }
        })
        .collect();
    Ok(Columns {
        id,
        date,
        lat,
        lon,
        category,
        fatalities,
        precision: None,
        kind,
        names,
    })
}

/// "02 March 2023" (ACLED's spreadsheet exports) as "2023-03-02".
fn long_date(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let mut it = s.split_whitespace();
    let (d, m, y) = (it.next()?, it.next()?, it.next()?);
    let m = m.to_ascii_lowercase();
    let month = MONTHS.iter().position(|n| *n == m || n[..3] == m)? + 1;
    let (d, y): (u32, i32) = (d.parse().ok()?, y.parse().ok()?);
    Some(format!("{y:04}-{month:02}-{d:02}"))
}

const DAY: f64 = 86_400.0;

/// The period a row's date covers: its day; with ACLED's `time_precision` 2
/// the week (Monday to Sunday) holding it, with 3 its calendar month.
fn span(date: &str, precision: Option<&str>) -> Result<(String, (f64, f64)), String> {
    let text = long_date(date).unwrap_or_else(|| date.to_string());
    let bad = || format!("date \"{date}\" is not a date (write 2026-03-02 or 02 March 2026)");
    let (a, b) = super::time::parse_time_span(&text).map_err(|_| bad())?;
    let out = match precision.map(str::trim) {
        Some("2") => {
            // 1970-01-01 was a Thursday: days since a Monday.
            let day = (a / DAY).floor();
            let monday = (day - (day + 3.0).rem_euclid(7.0)) * DAY;
            (monday, monday + 7.0 * DAY)
        }
        Some("3") => {
            let month = text.get(..7).unwrap_or(&text);
            super::time::parse_time_span(month).map_err(|_| bad())?
        }
        _ => (a, b),
    };
    Ok((text, out))
}

/// Reads an incident table in `layout`.
pub fn read(source: &str, bytes: &[u8], layout: &Layout) -> Result<Layer, LoadError> {
    let mut rdr = reader(bytes);
    let mut lines = super::csv::Lines::new(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let mut records = rdr.records();
    let mut head: Vec<Vec<String>> = Vec::new();
    let header_rows = match layout {
        Layout::Acled => 1,
        Layout::Hxl { tag_row } => tag_row + 1,
    };
    for _ in 0..header_rows {
        match records.next() {
            Some(Ok(r)) => head.push(r.iter().map(str::to_string).collect()),
            Some(Err(e)) => return Err(LoadError::invalid(source, format!("header: {e}"))),
            None => return Err(LoadError::invalid(source, "no header row")),
        }
    }
    let cols = match layout {
        Layout::Acled => {
            let lower: Vec<String> = head[0].iter().map(|h| h.to_ascii_lowercase()).collect();
            acled_columns(&lower)
        }
        Layout::Hxl { tag_row } => {
            let text = if *tag_row > 0 {
                head[tag_row - 1].clone()
            } else {
                Vec::new()
            };
            hxl_columns(&text, &head[*tag_row]).map_err(|e| LoadError::invalid(source, e))?
        }
    };
    let mut layer = Layer {
        source: source.to_string(),
        ..Default::default()
    };
    for rec in records {
        let rec = rec.map_err(|e| LoadError::invalid(source, e.to_string()))?;
        let line = rec.position().map_or(0, |p| lines.of(p.byte()));
        let index = layer.features.len();
        match row(&rec, &cols) {
            Ok(Some(mut f)) => {
                f.index = index;
                layer.features.push(f);
            }
            Ok(None) => {}
            Err(e) => layer.warnings.push(Warning::skipped(
                None,
                format!("line {line}: {e}; row skipped"),
            )),
        }
    }
    Ok(layer)
}

/// One row as an incident (`None`: a row of another kind, or empty).
fn row(rec: &csv::StringRecord, c: &Columns) -> Result<Option<Feature>, String> {
    if rec.iter().all(str::is_empty) {
        return Ok(None);
    }
    let cell = |k: usize| rec.get(k).unwrap_or("").trim();
    let kind = c
        .kind
        .map(cell)
        .filter(|k| !k.is_empty())
        .unwrap_or("incident");
    if !kind.eq_ignore_ascii_case("incident") {
        return Ok(None);
    }
    let num = |k: usize, what: &str, range: f64| -> Result<f64, String> {
        let s = cell(k);
        let v: f64 = s
            .parse()
            .map_err(|_| format!("{what} \"{s}\" is not a number"))?;
        if !v.is_finite() || v.abs() > range {
            return Err(format!("{what} {s} is outside -{range}..{range}"));
        }
        Ok(v)
    };
    let at = Coord {
        x: num(c.lon, "longitude", 180.0)?,
        y: num(c.lat, "latitude", 90.0)?,
    };
    let id = match c.id.map(cell) {
        Some("") => return Err("empty id".into()),
        Some(id) => Some(id.to_string()),
        None => None,
    };
    let (date, period) = span(cell(c.date), c.precision.map(cell))?;
    let mut properties = Map::new();
    for (k, v) in rec.iter().enumerate() {
        let v = v.trim();
        if v.is_empty() || [c.lat, c.lon, c.date].contains(&k) {
            continue;
        }
        let name = c
            .names
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("column {}", k + 1));
        let value = if Some(k) == c.fatalities {
            v.parse::<f64>().map_or_else(|_| json!(v), |n| json!(n))
        } else {
            json!(v)
        };
        properties.insert(name, value);
    }
    if let Some(cat) = c.category.map(cell).filter(|s| !s.is_empty()) {
        properties.insert("category".into(), json!(cat));
    }
    if let Some(id) = &id {
        properties.insert("id".into(), json!(id));
    }
    properties.insert("kind".into(), json!("incident"));
    properties.insert("time".into(), json!(date));
    Ok(Some(Feature {
        index: 0,
        role: Role::Incident,
        geometry: Some(Geometry::Point(Point(at))),
        properties,
        id,
        times: None,
        time_span: Some(period),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_are_counted_after_crlf_too() {
        let bytes = b"a,b\r\n1,2\r\n3,4\r\n";
        let mut r = super::reader(bytes);
        let mut lines = crate::io::csv::Lines::new(bytes);
        let got: Vec<u64> = r
            .records()
            .map(|x| lines.of(x.unwrap().position().unwrap().byte()))
            .collect();
        assert_eq!(got, vec![1, 2, 3]);
    }
}

//! The attribute form: the fields each role has (docs/layers.md), with their
//! units, and the check of a typed value. A bad value is refused with what is
//! wrong with it and never reaches the layer.

use crate::error::Problem;
use crate::model::{Layer, MAX_REACH_M, Role};
use serde_json::{Map, Value};

/// What a field holds, and so how its text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text (empty: the property is left out).
    Text,
    /// An id: text, unique among the layer's features of the role.
    Id,
    /// A distance in metres, 0 up to half the Earth's circumference.
    Metres,
    /// A distance in kilometres, the same range.
    Kilometres,
    /// A time in UTC: a date and time (`2026-12-04 18:22`), or a date, a month, a year.
    Time,
    /// An incident's category: one of the layer's, or a new one typed.
    Category,
    /// A corridor's closures: one `start, end` pair of times per line.
    Closures,
}

/// One field of the form.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn field(key: &'static str, label: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        key,
        label,
        kind,
        required,
    }
}

const CORRIDOR: &[Field] = &[
    field("id", "Id", Kind::Id, true),
    field("name", "Name", Kind::Text, false),
    field("tolerance_m", "Tolerance (m)", Kind::Metres, false),
    field("closures", "Closures (UTC)", Kind::Closures, false),
];
const CONTACT_LINE: &[Field] = &[
    field("id", "Id", Kind::Id, false),
    field("name", "Name", Kind::Text, false),
    field("width_km", "Zone width (km)", Kind::Kilometres, false),
];
const AREA: &[Field] = &[
    field("id", "Id", Kind::Id, true),
    field("name", "Name", Kind::Text, false),
];
const INCIDENT: &[Field] = &[
    field("id", "Id", Kind::Id, true),
    field("time", "Time (UTC)", Kind::Time, true),
    field("category", "Category", Kind::Category, false),
    field("description", "Description", Kind::Text, false),
];
const MOVEMENT: &[Field] = &[
    field("id", "Id", Kind::Id, true),
    field("convoy_id", "Convoy", Kind::Text, true),
    field("window_start", "Window start (UTC)", Kind::Time, true),
    field("window_end", "Window end (UTC)", Kind::Time, true),
    field("tolerance_m", "Tolerance (m)", Kind::Metres, false),
];
const OTHER: &[Field] = &[
    field("id", "Id", Kind::Id, false),
    field("name", "Name", Kind::Text, false),
];

/// The form's fields for a feature of `role`.
pub fn fields(role: Role) -> &'static [Field] {
    match role {
        Role::Corridor | Role::GrainRoute => CORRIDOR,
        Role::ContactLine => CONTACT_LINE,
        Role::BufferZone | Role::Sector => AREA,
        Role::Incident => INCIDENT,
        Role::Movement => MOVEMENT,
        _ => OTHER,
    }
}

/// A property as the form shows it: numbers and text as they are, closures one per line.
pub fn text_of(properties: &Map<String, Value>, f: &Field) -> String {
    match (f.kind, properties.get(f.key)) {
        (_, None | Some(Value::Null)) => String::new(),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Number(n))) => n.to_string(),
        (Kind::Closures, Some(Value::Array(list))) => list
            .iter()
            .map(|p| match p {
                Value::Array(pair) => pair
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        (_, Some(other)) => other.to_string(),
    }
}

/// A distance typed in the field's unit (a trailing unit is allowed, spaces
/// and `_` between digits too), checked to be from 0 to half the Earth's circumference.
fn distance(text: &str, unit: &str, limit: f64) -> Result<Value, Problem> {
    let t = text.trim();
    let t = t.strip_suffix(unit).unwrap_or(t).trim();
    let digits: String = t.chars().filter(|c| *c != ' ' && *c != '_').collect();
    let v: f64 = digits
        .parse()
        .map_err(|_| crate::problem!("\"{text}\" is not a number of {unit}"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(crate::problem!(
            "{text} {unit}: a distance cannot be negative (0 to {limit} {unit})"
        ));
    }
    if v > limit {
        return Err(crate::problem!(
            "{text} {unit} is more than half the Earth's circumference ({limit} {unit})"
        ));
    }
    // Whole numbers stay integers in the file (1500, not 1500.0).
    Ok(if v.fract() == 0.0 && v < 1e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    })
}

/// A time in UTC as the layer keeps it: a date and time becomes RFC 3339 UTC
/// (`2026-12-04T18:22:00Z`; no offset typed means UTC, seconds may be left
/// out); a date, a month or a year stays as typed (it names that period).
pub fn time_text(text: &str) -> Result<String, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(crate::problem!("a time is needed"));
    }
    let mut candidates = vec![t.to_string()];
    // "2026-12-04 18:22" or "…T18:22:05": UTC when no offset is written.
    let has_offset = t.len() > 10 && (t.ends_with(['Z', 'z']) || t[10..].contains(['+', '-']));
    if t.len() >= 16 && !has_offset {
        let mut full = t.replacen(' ', "T", 1);
        if full.len() == 16 {
            full.push_str(":00");
        }
        full.push('Z');
        candidates.insert(0, full);
    }
    for c in &candidates {
        if let Ok((a, b)) = crate::io::time::parse_time_span(c) {
            return Ok(if a == b {
                crate::utc::format_rfc3339(a).unwrap_or_else(|| c.clone())
            } else {
                t.to_string()
            });
        }
    }
    Err(crate::problem!(
        "\"{text}\" is not a time: write YYYY-MM-DD HH:MM (UTC), a date YYYY-MM-DD, or RFC 3339"
    ))
}

/// The value a field's text gives, or what is wrong with it; `None`: the
/// property is left out (an empty optional field).
pub fn check(f: &Field, text: &str) -> Result<Option<Value>, Problem> {
    if text.trim().is_empty() {
        return if f.required {
            Err(crate::problem!("{} is needed", f.label))
        } else {
            Ok(None)
        };
    }
    Ok(Some(match f.kind {
        Kind::Text | Kind::Category | Kind::Id => Value::from(text.trim()),
        Kind::Metres => distance(text, "m", MAX_REACH_M)?,
        Kind::Kilometres => distance(text, "km", MAX_REACH_M / 1000.0)?,
        Kind::Time => Value::from(time_text(text)?),
        Kind::Closures => {
            let mut pairs = Vec::new();
            for (k, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let (a, b) = line.split_once(',').ok_or_else(|| {
                    crate::problem!("line {}: \"{}\" is not \"start, end\"", k + 1, line.trim())
                })?;
                let pair = Value::from(vec![time_text(a)?, time_text(b)?]);
                crate::analysis::notified::closure(&pair)
                    .map_err(|e| crate::problem!("line {}: {e}", k + 1))?;
                pairs.push(pair);
            }
            Value::from(pairs)
        }
    }))
}

/// Whether the values of `after` the form would refuse, among those that
/// differ from `before` (all of them for a new feature): a journal line or an
/// op from elsewhere is held to the form's own checks.
pub fn check_changed(
    role: Role,
    before: Option<&Map<String, Value>>,
    after: &Map<String, Value>,
) -> Result<(), Problem> {
    for f in fields(role) {
        let (Some(v), was) = (after.get(f.key), before.and_then(|b| b.get(f.key))) else {
            continue;
        };
        if was == Some(v) || v.is_null() || f.kind == Kind::Id {
            continue;
        }
        check(f, &text_of(after, f)).map_err(|e| crate::problem!("{}: {e}", f.key))?;
    }
    Ok(())
}

/// The properties a filled-in form gives: `typed` holds each field's text
/// (by key). Fields not on the form, and fields whose text is the one the
/// form showed, are kept as they were (a time with fractions of a second, a
/// name with spaces around it, stay as the source holds them). An id another
/// feature of the same role in `layer` holds is refused (`position`: the
/// feature's own place in the layer, `None` for a new one). Every problem is
/// returned with its field's key, for the form to show beside the field.
pub fn fill(
    layer: &Layer,
    position: Option<usize>,
    role: Role,
    before: &Map<String, Value>,
    typed: &[(&'static str, String)],
) -> Result<Map<String, Value>, Vec<(&'static str, Problem)>> {
    let mut out = before.clone();
    let mut problems = Vec::new();
    for f in fields(role) {
        let Some((_, text)) = typed.iter().find(|(k, _)| *k == f.key) else {
            continue;
        };
        // A field left as shown keeps its value exactly (not re-read from its text).
        if *text == text_of(before, f) {
            continue;
        }
        match check(f, text) {
            Ok(Some(v)) => {
                if f.kind == Kind::Id
                    && let Some(other) = layer.features.iter().enumerate().find(|(i, g)| {
                        Some(*i) != position && g.role == role && g.id.as_deref() == v.as_str()
                    })
                {
                    problems.push((
                        f.key,
                        crate::problem!(
                            "id {} is already used by feature {} of this layer",
                            text.trim(),
                            other.1.index
                        ),
                    ));
                    continue;
                }
                out.insert(f.key.to_string(), v);
            }
            Ok(None) => {
                out.remove(f.key);
            }
            Err(e) => problems.push((f.key, e)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The categories the incidents of a layer use, most used first (for the
/// category field's list).
pub fn categories(layer: &Layer) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for f in layer.features.iter().filter(|f| f.role == Role::Incident) {
        if let Some(c) = f.prop_text("category") {
            match counts.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1,
                None => counts.push((c, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.into_iter().map(|(c, _)| c).collect()
}

/// The next free id of a role in a layer: the prefix of its first numbered
/// id with the next number after the highest (`INC-0042` after `INC-0041`),
/// else `PREFIX-1`.
pub fn next_id(layer: &Layer, role: Role, prefix: &str) -> String {
    let numbered: Vec<(&str, u64, usize)> = layer
        .features
        .iter()
        .filter(|f| f.role == role)
        .filter_map(|f| f.id.as_deref())
        .filter_map(|id| {
            let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (head, num) = id.split_at(id.len() - digits);
            Some((head, num.parse::<u64>().ok()?, digits))
        })
        .collect();
    let fallback = format!("{prefix}-");
    let head = numbered.first().map_or(fallback.as_str(), |x| x.0);
    let (mut n, width) = numbered
        .iter()
        .filter(|x| x.0 == head)
        .fold((0, 1), |(n, w), x| (n.max(x.1), w.max(x.2)));
    let taken = |s: &str| {
        layer
            .features
            .iter()
            .any(|f| f.role == role && f.id.as_deref() == Some(s))
    };
    loop {
        n = n.saturating_add(1);
        let id = format!("{head}{n:0width$}");
        if !taken(&id) || n == u64::MAX {
            return id;
        }
    }
}

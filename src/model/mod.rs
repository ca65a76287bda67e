//! Plain data: layers, features, roles and convoy tracks.
//!
//! Lon/lat degrees (RFC 7946 order), metres, and seconds since the Unix epoch.

pub mod window;

use geo::{Coord, Geometry};
use serde_json::{Map, Value};

/// A feature's role, from its `kind` property (see `docs/layers.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Corridor,
    ContactLine,
    BufferZone,
    GrainRoute,
    Track,
    Incident,
    Route,
    /// A humanitarian notification: a convoy, a window, a route or corridors.
    Movement,
    /// A named sector of a mission's zone (Polygon / MultiPolygon).
    Sector,
    /// No `kind`: the layer's role, picked by the user, applies.
    Unassigned,
    /// A `kind` this version does not know; kept and shown, not analysed.
    Other,
}

impl Role {
    pub fn from_kind(kind: &str) -> Role {
        match kind {
            "corridor" => Role::Corridor,
            "contact_line" => Role::ContactLine,
            "buffer_zone" => Role::BufferZone,
            "grain_route" => Role::GrainRoute,
            "track" => Role::Track,
            "incident" => Role::Incident,
            "route" => Role::Route,
            "movement" => Role::Movement,
            "sector" => Role::Sector,
            _ => Role::Other,
        }
    }

    pub fn as_kind(self) -> &'static str {
        match self {
            Role::Corridor => "corridor",
            Role::ContactLine => "contact_line",
            Role::BufferZone => "buffer_zone",
            Role::GrainRoute => "grain_route",
            Role::Track => "track",
            Role::Incident => "incident",
            Role::Route => "route",
            Role::Movement => "movement",
            Role::Sector => "sector",
            Role::Unassigned => "unassigned",
            Role::Other => "other",
        }
    }

    /// Default half-width in metres of a line of this role (`tolerance_m` or `width_km`/2).
    pub fn default_reach_m(self) -> f64 {
        match self {
            Role::Corridor | Role::Movement => 1_000.0,
            Role::GrainRoute => 5_556.0,
            Role::ContactLine => 15_000.0,
            _ => 0.0,
        }
    }
}

/// One feature of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// Position in its file, 0-based (the "feature N" of messages).
    pub index: usize,
    pub role: Role,
    /// `None` for a GeoJSON `null` geometry.
    pub geometry: Option<Geometry<f64>>,
    pub properties: Map<String, Value>,
    /// The `id` property, or else the feature's `id` member, as text.
    pub id: Option<String>,
    /// Per-vertex times (Unix seconds) of a line track, one list per line part;
    /// `None` inside a list where that vertex has no time.
    pub times: Option<Vec<Vec<Option<f64>>>>,
    /// An incident's `time` read where it was loaded: its start and the end of
    /// its period (exclusive), Unix seconds; equal for an instant, a whole day
    /// or month apart for a date or a month. `None` when absent or unreadable.
    pub time_span: Option<(f64, f64)>,
}

impl Feature {
    pub fn prop_str(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }

    /// A property as text, numbers included (e.g. a numeric `convoy_id`).
    pub fn prop_text(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A numeric property; a number written as text ("1500") is read too.
    /// A list of ids (`corridor_ids`): an array of strings or numbers, or
    /// text split at `;`, `,` or `|`; `None` when absent or of another kind.
    pub fn id_list(&self, key: &str) -> Option<Vec<String>> {
        match self.properties.get(key)? {
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect(),
            ),
            Value::String(s) => Some(
                s.split([';', ',', '|'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            _ => None,
        }
    }

    pub fn prop_f64(&self, key: &str) -> Option<f64> {
        match self.properties.get(key)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|v: &f64| v.is_finite())
    }

    /// A human label: `name`, else `id`, else `convoy_id`, else "feature N".
    pub fn label(&self) -> String {
        self.own_label()
            .unwrap_or_else(|| format!("feature {}", self.index))
    }

    /// The feature's own name, id or convoy id, if it has one (`label`
    /// falls back to its number).
    pub fn own_label(&self) -> Option<String> {
        self.prop_text("name")
            .or_else(|| self.id.clone())
            .or_else(|| self.prop_text("convoy_id"))
    }

    /// Half-width in metres of the area a line of this role stands for: its
    /// `tolerance_m` or `width_km` when usable (0 up to half the Earth's
    /// circumference), else the role's default.
    pub fn reach_m(&self, role: Role) -> f64 {
        match role {
            Role::Corridor | Role::GrainRoute | Role::Movement => self
                .prop_f64("tolerance_m")
                .filter(|v| (0.0..=MAX_REACH_M).contains(v))
                .unwrap_or(role.default_reach_m()),
            Role::ContactLine => self
                .prop_f64("width_km")
                .filter(|v| (0.0..=MAX_REACH_M / 1000.0).contains(v))
                .map(|w| w * 500.0)
                .unwrap_or(role.default_reach_m()),
            _ => 0.0,
        }
    }
}

/// Half the Earth's circumference (WGS 84, along a meridian; the longest
/// geodesic), metres: a tolerance or width beyond it covers the whole Earth and
/// is a mistake, not a zone.
pub const MAX_REACH_M: f64 = 20_003_931.5;

/// A loaded file: its features and what the loader had to say about it.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// Display name (the file name).
    pub name: String,
    /// Path or URL it came from.
    pub source: String,
    pub features: Vec<Feature>,
    pub warnings: Vec<Warning>,
    /// Track features and position reports the reader skipped (each named in
    /// `warnings`): a file whose every one was skipped must not pass as clean.
    pub skipped_reports: usize,
}

impl Layer {
    /// Whether the reader skipped track features or reports and kept none:
    /// checking what is left would answer "nothing flagged" about nothing.
    pub fn lost_every_report(&self) -> bool {
        self.skipped_reports > 0 && !self.features.iter().any(|f| f.role == Role::Track)
    }

    /// Warns of every `tolerance_m` or `width_km` that is given but cannot be
    /// used (negative, not a number), naming the feature and the default taken.
    pub fn warn_unusable_reaches(&mut self) {
        for f in &self.features {
            let (key, unit, scale) = match f.role {
                Role::Corridor | Role::GrainRoute | Role::Movement => ("tolerance_m", "m", 1.0),
                Role::ContactLine => ("width_km", "km", 0.002),
                _ => continue,
            };
            let Some(v) = f.properties.get(key) else {
                continue;
            };
            let limit = if unit == "km" {
                MAX_REACH_M / 1000.0
            } else {
                MAX_REACH_M
            };
            if v.is_null() || f.prop_f64(key).is_some_and(|x| (0.0..=limit).contains(&x)) {
                continue;
            }
            self.warnings.push(crate::note!(
                "feature {} ({}): {key} {v} is not a distance from 0 to {limit} {unit} (half the Earth's circumference); the default {} {unit} is used",
                f.index,
                f.label(),
                f.role.default_reach_m() * scale
            ));
        }
    }

    /// The role of a feature, with `Unassigned` resolved to `fallback` when given.
    pub fn assign_role(&mut self, fallback: Role) {
        for f in &mut self.features {
            if f.role == Role::Unassigned {
                f.role = fallback;
            }
        }
    }
}

/// A feature's place in a layer set: (layer index, feature index in the layer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeatureRef {
    pub layer: u32,
    pub feature: u32,
}

/// How much a warning matters to the reader of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Something to know (a default taken, a value read another way).
    Note,
    /// Something was left out: a feature, a report or a part was skipped.
    Skipped,
}

/// A reader's warning about a layer: what it says, the feature it is about
/// (its index in the file) when it is about one, and how much it matters.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub feature: Option<usize>,
    pub severity: Severity,
    pub text: String,
}

impl Warning {
    pub fn note(text: impl Into<String>) -> Warning {
        Warning {
            feature: None,
            severity: Severity::Note,
            text: text.into(),
        }
    }

    /// Feature `feature` (or a part of the file) was left out.
    pub fn skipped(feature: Option<usize>, text: impl Into<String>) -> Warning {
        Warning {
            feature,
            severity: Severity::Skipped,
            text: text.into(),
        }
    }

    /// The same warning with its text prefixed (e.g. by the member of an archive).
    pub fn prefixed(mut self, prefix: &str) -> Warning {
        self.text = format!("{prefix}{}", self.text);
        self
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The text, to read (code decides by `severity`, not by the words).
impl std::ops::Deref for Warning {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// A [`Warning::note`] from `format!` arguments.
#[macro_export]
macro_rules! note {
    ($($t:tt)*) => {
        $crate::model::Warning::note(format!($($t)*))
    };
}

/// One continuous piece of a convoy's path.
#[derive(Clone, Debug, Default)]
pub struct TrackPart {
    pub coords: Vec<Coord>,
    /// One entry per coordinate; `None` where that vertex has no time.
    pub times: Vec<Option<f64>>,
}

/// A convoy (or vessel): every track feature sharing a `convoy_id`.
#[derive(Clone, Debug, Default)]
pub struct Convoy {
    pub convoy_id: String,
    /// Approved corridor ids; `None` approves every corridor and grain route.
    pub corridor_ids: Option<Vec<String>>,
    pub parts: Vec<TrackPart>,
    pub warnings: Vec<String>,
    /// A vessel (an `mmsi` property, as AIS readers give, or `vessel: true`).
    pub vessel: bool,
    /// Fixes left out of `parts` as implausible jumps (`analysis::fixes`).
    pub dropped: Vec<DroppedFix>,
}

/// A fix no vehicle could have reached from the last kept fix at its maximum
/// speed, while the fix after it could be (a jump out and back): left out of
/// the track.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DroppedFix {
    pub at: Coord,
    pub time_s: f64,
    /// The last kept fix before it (where the jump started).
    pub from: Coord,
    /// The speed reaching it would need, km/h (`None` at the same time).
    pub speed_kmh: Option<f64>,
}

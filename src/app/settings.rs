//! The user's choices: which tab, which panels and windows are open, what is
//! typed into filters and forms. Panels edit these directly (they are theirs);
//! the saved part is written between runs by `persist`.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    Layers,
    Convoys,
    Zone,
    Results,
    Route,
    Movements,
    Live,
}

/// The basemap: the bundled offline one, or tiles over it (see `map::tiles`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TileChoice {
    Offline,
    OpenStreetMap,
    Custom(String),
    PmTiles(PathBuf),
}

/// The Buffer zone tab's filter of incidents.
pub struct ZoneFilter {
    /// The incidents table's order.
    pub sort: TableSort,
    pub category: String,
    pub inside_only: bool,
    pub from: String,
    pub to: String,
}

impl Default for ZoneFilter {
    fn default() -> Self {
        Self {
            sort: TableSort {
                column: 2,
                ascending: true,
            },
            category: "All".into(),
            inside_only: false,
            from: String::new(),
            to: String::new(),
        }
    }
}

/// A "from" or "to" time typed by the user: RFC 3339, or a date alone
/// (`2026-03-03`: the start of that day, UTC, for `from`; its end for `to`).
pub fn typed_time(text: &str, end_of_day: bool) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        let clock = if end_of_day {
            "23:59:59.999"
        } else {
            "00:00:00"
        };
        return crate::io::time::parse_rfc3339(&format!("{t}T{clock}Z"))
            .map(Some)
            .map_err(String::from);
    }
    crate::io::time::parse_rfc3339(t)
        .map(Some)
        .map_err(String::from)
}

impl ZoneFilter {
    /// The filter's time window, or the first problem with what was typed.
    pub fn window(&self) -> Result<(Option<f64>, Option<f64>), String> {
        Ok((typed_time(&self.from, false)?, typed_time(&self.to, true)?))
    }

    /// Whether an incident passes the filter (a bad time typed lets everything through it).
    pub fn accepts(&self, i: &crate::analysis::incidents::IncidentInfo) -> bool {
        let (from, to) = self.window().unwrap_or((None, None));
        (self.category == "All" || i.category == self.category)
            && (!self.inside_only || i.inside)
            && ((from.is_none() && to.is_none()) || (i.time_s.is_some() && i.in_period(from, to)))
    }

    /// True when it lets every incident through.
    pub fn is_open(&self) -> bool {
        self.category == "All"
            && !self.inside_only
            && self.from.trim().is_empty()
            && self.to.trim().is_empty()
    }
}

/// The attribute table's order: a column and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableSort {
    pub column: usize,
    pub ascending: bool,
}

impl Default for TableSort {
    fn default() -> Self {
        Self {
            column: 0,
            ascending: true,
        }
    }
}

/// Which windows are open.
#[derive(Default)]
pub struct Windows {
    pub about: bool,
    /// Help > Keyboard and mouse.
    pub keys: bool,
    pub open_url: bool,
    /// File > Open database…
    pub open_db: bool,
    /// File > Open OGC API…
    pub open_ogc: bool,
    pub feed: bool,
    /// Route tab > Notify movement…
    pub notify: bool,
    /// The window was asked to close with unsaved edits: save, quit or stay.
    pub quit_ask: bool,
    /// Edit > New incident… (Ctrl+I, or the map's context menu).
    pub new_incident: bool,
}

/// Text being typed into the windows' forms.
#[derive(Default)]
pub struct Forms {
    pub url: String,
    pub feed_url: String,
    pub db_url: String,
    pub ogc_url: String,
    /// Open OGC API…: only the items within the current view.
    pub ogc_view_only: bool,
    /// Live tab: the alerts table other operators write to.
    pub listen_url: String,
    /// The toolbar's place search.
    pub place: String,
    /// Where a typed position reads both as lat, lon and as lon, lat: the two
    /// places, for the user to pick (the text they were read from first).
    pub go_to_choices: Option<(String, Vec<(geo::Coord, String)>)>,
    /// Route tab > Notify movement…
    pub notify: NotifyForm,
    /// Route tab: the departure as typed (for the incidents before it).
    pub route_depart: String,
    /// The attribute form of the feature selected in edit mode.
    pub edit: EditForm,
    /// What is wrong with the attribute form's values: (field key, problem).
    pub edit_problems: Vec<(&'static str, String)>,
    /// New incident…: where (MGRS or a position, as typed) and into which layer (its seq).
    pub incident_at: String,
    pub incident_layer: Option<u64>,
}

/// The attribute form as typed: whose it is ((layer seq, feature index,
/// the feature's properties when filled in)) and each field's text.
#[derive(Default, Clone, Debug)]
pub struct EditForm {
    pub of: Option<(u64, usize, serde_json::Map<String, serde_json::Value>)>,
    pub texts: Vec<(&'static str, String)>,
}

/// The Notify movement… form: the movement as typed (times in RFC 3339 or
/// any form the readers take) and what is wrong with it, beside its field.
#[derive(Default, Clone, Debug)]
pub struct NotifyForm {
    pub text: crate::output::route::MovementText,
    /// (field, problem).
    pub error: Option<(&'static str, String)>,
}

/// The side panel's width on a first start, and the range it may be dragged in (points).
pub const SIDE_WIDTH: f32 = 420.0;
pub const SIDE_WIDTH_RANGE: std::ops::RangeInclusive<f32> = 320.0..=640.0;

/// The user's choices. Fields without `serde(skip)` are saved between runs.
#[derive(Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub tab: Tab,
    pub show_log: bool,
    /// The log shows only errors, warnings and alerts (they do not scroll away under info lines).
    pub log_errors_only: bool,
    /// The side panel's width (points) as the user last dragged it.
    pub side_width: f32,
    /// The basemap in use (changed through `Command::SetTiles`, which also swaps the tiles).
    #[serde(rename = "tiles")]
    pub tile_choice: TileChoice,
    pub custom_tile_url: String,
    pub feed_interval_s: f64,
    pub flagged_only: bool,
    /// The Convoys tab leaves out vessels that never came within a grain lane.
    pub hide_not_in_lane: bool,
    /// The Live tab's alert rules (for the next feed or replay started).
    pub alert_rules: crate::analysis::watch::Options,
    /// Alert types the Live tab hides (`AlertType::as_str` names).
    pub hidden_alerts: Vec<String>,
    /// Recorded seconds per second for the next replay (infinite: as fast as it goes).
    pub replay_speed: f64,
    #[serde(skip)]
    pub zone_filter: ZoneFilter,
    #[serde(skip)]
    pub table_sort: TableSort,
    /// The Convoys tab's order (input order until a header is clicked).
    #[serde(skip)]
    pub convoy_sort: Option<TableSort>,
    /// The Movements tab's selected movement (its id).
    #[serde(skip)]
    pub movement: Option<String>,
    #[serde(skip)]
    pub windows: Windows,
    #[serde(skip)]
    pub forms: Forms,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            tab: Tab::Layers,
            show_log: true,
            log_errors_only: false,
            side_width: SIDE_WIDTH,
            tile_choice: TileChoice::Offline,
            custom_tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            feed_interval_s: 30.0,
            flagged_only: false,
            hide_not_in_lane: false,
            alert_rules: crate::analysis::watch::Options::default(),
            hidden_alerts: Vec::new(),
            replay_speed: 60.0,
            zone_filter: ZoneFilter::default(),
            table_sort: TableSort::default(),
            movement: None,
            convoy_sort: None,
            windows: Windows::default(),
            forms: Forms::default(),
        }
    }
}

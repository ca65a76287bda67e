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
    pub category: String,
    pub inside_only: bool,
    pub from: String,
    pub to: String,
}

impl Default for ZoneFilter {
    fn default() -> Self {
        Self {
            category: "All".into(),
            inside_only: false,
            from: String::new(),
            to: String::new(),
        }
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
    pub open_url: bool,
    pub feed: bool,
}

/// Text being typed into the windows' forms.
#[derive(Default)]
pub struct Forms {
    pub url: String,
    pub feed_url: String,
    /// The toolbar's place search.
    pub place: String,
}

/// The user's choices. Fields without `serde(skip)` are saved between runs.
#[derive(Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub tab: Tab,
    pub show_log: bool,
    /// The log shows only errors and warnings (they do not scroll away under info lines).
    pub log_errors_only: bool,
    /// The basemap in use (changed through `Command::SetTiles`, which also swaps the tiles).
    #[serde(rename = "tiles")]
    pub tile_choice: TileChoice,
    pub custom_tile_url: String,
    pub feed_interval_s: f64,
    pub flagged_only: bool,
    #[serde(skip)]
    pub zone_filter: ZoneFilter,
    #[serde(skip)]
    pub table_sort: TableSort,
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
            tile_choice: TileChoice::Offline,
            custom_tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            feed_interval_s: 30.0,
            flagged_only: false,
            zone_filter: ZoneFilter::default(),
            table_sort: TableSort::default(),
            windows: Windows::default(),
            forms: Forms::default(),
        }
    }
}

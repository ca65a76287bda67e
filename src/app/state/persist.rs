//! What is remembered between runs, and where.

#[allow(unused_imports)]
use super::*;

pub(super) const STORAGE_KEY: &str = "corridor-watch-state";

#[derive(Serialize, Deserialize)]
pub(super) struct SavedLayer {
    pub(super) origin: Origin,
    pub(super) style: LayerStyle,
    pub(super) role_pick: String,
}

/// What is remembered between runs.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
pub(super) struct Saved {
    pub(super) layers: Vec<SavedLayer>,
    pub(super) centre: Option<[f64; 2]>,
    pub(super) zoom: Option<f64>,
    pub(super) tiles: Option<TileChoice>,
    pub(super) tab: Option<Tab>,
    pub(super) show_log: bool,
    /// The route being planned: name, waypoints [lon, lat], speed (km/h).
    pub(super) route: Option<SavedRoute>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
pub(super) struct SavedRoute {
    pub(super) name: String,
    pub(super) waypoints: Vec<[f64; 2]>,
    pub(super) corridor_ids: Vec<String>,
    pub(super) speed_kmh: f64,
}

/// Where the app keeps its state (`CORRIDOR_WATCH_STATE_DIR` overrides it).
pub fn state_dir() -> Option<PathBuf> {
    std::env::var_os("CORRIDOR_WATCH_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| eframe::storage_dir("corridor-watch"))
}

/// The state file, written atomically on save (eframe's own storage is not).
pub fn state_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join(STATE_FILE))
}

pub(super) const STATE_FILE: &str = "corridor-watch-state.json";

impl CorridorApp {
    /// Writes what is remembered between runs: our own file (atomically) and
    /// eframe's storage.
    pub(super) fn save_state(&mut self, storage: &mut dyn eframe::Storage) {
        let centre = self
            .map_memory
            .detached()
            .map(|p| [p.x(), p.y()])
            .or(Some([33.5, 48.3]));
        let saved = Saved {
            layers: self
                .layers
                .iter()
                .filter(|l| !matches!(l.origin, Origin::Feed(_)))
                .map(|l| SavedLayer {
                    origin: l.origin.clone(),
                    style: l.style.clone(),
                    role_pick: l.role_pick.as_kind().to_string(),
                })
                .collect(),
            centre,
            zoom: Some(self.map_memory.zoom()),
            tiles: Some(self.tile_choice.clone()),
            tab: Some(self.tab),
            show_log: self.show_log,
            route: (!self.route.waypoints().is_empty()).then(|| SavedRoute {
                name: self.route.route.name.clone(),
                waypoints: self.route.waypoints().iter().map(|c| [c.x, c.y]).collect(),
                corridor_ids: self.route.route.corridor_ids.clone(),
                speed_kmh: self.route.speed_kmh,
            }),
        };
        let Ok(text) = serde_json::to_string(&saved) else {
            return;
        };
        if let Some(path) = self.state_dir.as_ref().map(|d| d.join(STATE_FILE)) {
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| crate::io::write::write_atomic(&path, text.as_bytes()));
            if let Err(e) = written {
                self.warn(format!(
                    "could not save the app state to {}: {e}",
                    path.display()
                ));
            }
        }
        storage.set_string(STORAGE_KEY, text);
    }
}

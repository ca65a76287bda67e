//! What is remembered between runs, and where; starting the app from it.

use super::CorridorApp;
use super::model::{LayerStyle, Origin};
use super::settings::Settings;
use crate::model::Role;
use geo::Coord;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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
    /// The route being planned: name, waypoints [lon, lat], speed (km/h).
    pub(super) route: Option<SavedRoute>,
    #[serde(flatten)]
    pub(super) settings: Settings,
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
    /// The app on `files`, or on what was open last time, or on the bundled scenario.
    pub fn new(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> Self {
        // Our own state file (written atomically) first; eframe's storage as a fallback.
        let text = cc.storage.and_then(|s| {
            state_file()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .or_else(|| s.get_string(STORAGE_KEY))
        });
        // No storage (a headless harness): no state directory either, so that
        // nothing of the user's (state, edit journals) is read or written.
        let dir = cc.storage.and_then(|_| state_dir());
        Self::new_with_state(cc, files, text, dir)
    }

    /// The app on `files`, restoring the saved state `text` (JSON) when given.
    /// The app keeps its state (and any corrupt copy) in `state_dir`.
    pub fn new_with_state(
        cc: &eframe::CreationContext<'_>,
        files: Vec<PathBuf>,
        text: Option<String>,
        state_dir: Option<PathBuf>,
    ) -> Self {
        let mut app = Self::blank(cc.egui_ctx.clone());
        app.runtime.state_dir = state_dir;
        let saved = text.and_then(|t| app.read_saved(&t));
        let layers = match saved {
            Some(s) => app.restore(s),
            None => Vec::new(),
        };
        if !files.is_empty() {
            for f in files {
                // A URL (http(s), postgresql) on the command line opens as File > Open URL would.
                let text = f.to_string_lossy();
                if crate::io::http::is_url(&text) || crate::io::postgis::is_db_url(&text) {
                    app.open_url(text.into_owned(), None);
                } else {
                    app.open_path(f, None);
                }
            }
        } else if !layers.is_empty() {
            for l in layers {
                let role = match Role::from_kind(&l.role_pick) {
                    Role::Other => Role::Unassigned,
                    r => r,
                };
                match l.origin {
                    Origin::Path(p) => app.open_path(p, Some((l.style, role))),
                    Origin::Url(u) => app.open_url(u, Some((l.style, role))),
                    Origin::Feed(_) | Origin::Drawn(_) => {}
                }
            }
        } else {
            for f in super::bundled_files() {
                app.open_path(f, None);
            }
        }
        // Edits journaled but never saved (the app was killed): offered in the Layers tab.
        if let Some(dir) = app.runtime.state_dir.clone() {
            let found = super::editor::journal::find(&dir);
            for f in &found {
                app.warn(format!(
                    "{} has {} unsaved edit(s) from a run that stopped without saving them: Restore or Discard them in the Layers tab",
                    super::editor::EditSource::from_key(&f.source).label(),
                    f.edits
                ));
            }
            if !found.is_empty() {
                app.settings.tab = super::settings::Tab::Layers;
            }
            app.session.editor.found = found;
        }
        app
    }

    /// The saved state, or a warning (the bad copy kept aside) and `None`.
    fn read_saved(&mut self, text: &str) -> Option<Saved> {
        match serde_json::from_str::<Saved>(text) {
            Ok(s) => Some(s),
            Err(e) => {
                // Keep the bad copy aside for whoever wants to look at it.
                let kept = self.runtime.state_dir.clone().map(|d| {
                    let t = time::OffsetDateTime::now_utc().unix_timestamp();
                    let p = d.join(format!("corrupt-state-{t}.json"));
                    (std::fs::write(&p, text).is_ok(), p)
                });
                let aside = match kept {
                    Some((true, p)) => format!("; the bad copy is kept as {}", p.display()),
                    _ => String::new(),
                };
                self.warn(format!(
                    "the saved state could not be read ({e}); starting clean{aside}"
                ));
                None
            }
        }
    }

    /// Restores settings, camera, tiles and route; returns the layers to reopen.
    fn restore(&mut self, s: Saved) -> Vec<SavedLayer> {
        if let (Some(c), Some(z)) = (s.centre, s.zoom) {
            self.runtime.map.centre_on(c[0], c[1], z);
        }
        if let Some(r) = &s.route {
            let route = &mut self.session.route;
            route.route = crate::io::route::Route {
                name: r.name.clone(),
                waypoints: r
                    .waypoints
                    .iter()
                    .filter(|c| c[0].is_finite() && c[1].is_finite() && c[1].abs() <= 90.0)
                    .map(|c| Coord { x: c[0], y: c[1] })
                    .collect(),
                corridor_ids: r.corridor_ids.clone(),
                speed_kmh: None,
            };
            if r.speed_kmh.is_finite() && r.speed_kmh > 0.0 {
                route.speed_kmh = r.speed_kmh;
            }
        }
        let tiles = s.settings.tile_choice.clone();
        self.settings = s.settings;
        self.settings.tile_choice = super::settings::TileChoice::Offline;
        self.set_tiles(tiles);
        s.layers
    }

    /// Writes what is remembered between runs: our own file (atomically) and
    /// eframe's storage.
    pub(super) fn save_state(&mut self, storage: &mut dyn eframe::Storage) {
        let Ok(text) = serde_json::to_string(&self.saved()) else {
            return;
        };
        if let Some(path) = self.runtime.state_dir.as_ref().map(|d| d.join(STATE_FILE)) {
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| crate::output::write::write_atomic(&path, text.as_bytes()));
            if let Err(e) = written {
                self.warn(format!(
                    "could not save the app state to {}: {e}",
                    path.display()
                ));
            }
        }
        storage.set_string(STORAGE_KEY, text);
    }

    fn saved(&self) -> SavedRef<'_> {
        let memory = &self.runtime.map.memory;
        let route = &self.session.route;
        SavedRef {
            layers: self
                .session
                .layers
                .iter()
                .filter(|l| !matches!(l.origin, Origin::Feed(_) | Origin::Drawn(_)))
                .map(|l| SavedLayer {
                    // A database password is never written to disk: on the next
                    // start it comes from PGPASSWORD or ~/.pgpass.
                    origin: match &l.origin {
                        Origin::Url(u) if crate::io::postgis::is_db_url(u) => {
                            Origin::Url(crate::io::postgis::url::without_password(u))
                        }
                        o => o.clone(),
                    },
                    style: l.style.clone(),
                    role_pick: l.role_pick.as_kind().to_string(),
                })
                .collect(),
            centre: memory
                .detached()
                .map(|p| [p.x(), p.y()])
                .or(Some([super::map::MAP_ORIGIN.0, super::map::MAP_ORIGIN.1])),
            zoom: Some(memory.zoom()),
            route: (!route.waypoints().is_empty()).then(|| SavedRoute {
                name: route.route.name.clone(),
                waypoints: route.waypoints().iter().map(|c| [c.x, c.y]).collect(),
                corridor_ids: route.route.corridor_ids.clone(),
                speed_kmh: route.speed_kmh,
            }),
            settings: &self.settings,
        }
    }
}

/// `Saved` as written: the settings borrowed, not cloned.
#[derive(Serialize)]
struct SavedRef<'a> {
    layers: Vec<SavedLayer>,
    centre: Option<[f64; 2]>,
    zoom: Option<f64>,
    route: Option<SavedRoute>,
    #[serde(flatten)]
    settings: &'a Settings,
}

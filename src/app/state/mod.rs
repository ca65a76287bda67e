//! The app: its state and a frame (poll the workers and the feed, draw, apply).
//! By concern: `loading` (files, URLs, job results), `map_view` (tiles, camera,
//! the map and its tools), `chrome` (menus, toolbar, status bar), `actions`
//! (routes, exports), `live` (the feed), `persist` (saved state). Panels are in
//! `panels.rs` and `ops_panels.rs`.

mod actions;
mod chrome;
mod live;
mod loading;
mod map_view;
mod persist;

pub use map_view::{TileChoice, XyzSource};
use persist::{STORAGE_KEY, Saved};
pub use persist::{state_dir, state_file};

use super::basemap::{Basemap, BasemapPlugin};
use super::draw::{Highlight, LayersPlugin, OverlayPlugin, ToolShape};
use super::export::{ExportKind, export_text, png_of_region};
use super::feed::{FeedAlert, FeedMsg, FeedWatch};
use super::jobs::Jobs;
use super::model::{
    Analysis, LayerStyle, LoadedLayer, Origin, analyse, bbox_of_coords, bbox_of_features, download,
};
use super::replay::Replay;
use super::route::RouteEditor;
use crate::geodesy::distance_m;
use crate::io::{read_bytes, read_path};
use crate::model::{Layer, Role};
use eframe::egui::{self, Color32};
use geo::Coord;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use walkers::sources::{Attribution, OpenStreetMap, TileSource};
use walkers::{HttpOptions, HttpTiles, Map, MapMemory, TileId, Tiles, lon_lat};

/// What a worker job sends back.
pub enum JobOut {
    Loaded {
        seq: u64,
        origin: Origin,
        saved: Option<(LayerStyle, Role)>,
        result: Result<Layer, crate::error::LoadError>,
    },
    Analysed(Box<Analysis>),
    Basemap(Result<Basemap, String>),
    Picked(Vec<PathBuf>),
    PickedPmTiles(Option<PathBuf>),
    /// A route planned along the corridors (or why not).
    Planned(Result<crate::analysis::routing::PlannedRoute, String>),
    RouteLoaded(Result<crate::io::route::Route, String>),
    RoutePicked(Option<PathBuf>),
    SavePicked(ExportKind, Option<PathBuf>),
    /// A file written (log text) or why not.
    Wrote(Result<String, String>),
    /// The window's screenshot for File > Export > Map as PNG: (target, image, map rect in pixels).
    Screenshot(PathBuf, std::sync::Arc<egui::ColorImage>, [f32; 4]),
    Error(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    Layers,
    Convoys,
    Zone,
    Results,
    Route,
    Live,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Identify,
    Measure,
    BoxQuery,
    RadiusQuery,
    Route,
}

pub struct LogEntry {
    pub error: bool,
    pub text: String,
    pub at: String,
}

#[derive(Default)]
pub struct ZoneFilter {
    pub category: String,
    pub inside_only: bool,
    pub from: String,
    pub to: String,
}

pub struct CorridorApp {
    pub layers: Vec<LoadedLayer>,
    pub analysis: Option<Analysis>,
    generation: u64,
    pending_loads: usize,
    /// Layers are listed in the order they were asked for, whatever order they load in.
    open_seq: u64,
    jobs: Jobs<JobOut>,
    pub log: Vec<LogEntry>,
    basemap: Option<Basemap>,
    map_memory: MapMemory,
    tiles: Option<Box<dyn Tiles>>,
    pub tile_choice: TileChoice,
    pub custom_url: String,
    pub tab: Tab,
    pub tool: Tool,
    pub highlight: Highlight,
    pub results: Vec<(usize, usize, Option<f64>)>,
    pub results_title: String,
    pub measure: Vec<Coord>,
    drag_start: Option<Coord>,
    query_shape: Option<ToolShape>,
    cursor: Option<Coord>,
    metres_per_pixel: f64,
    map_size: egui::Vec2,
    pub selected_convoy: Option<usize>,
    pub selected_stretch: Option<(bool, usize)>,
    pub flagged_only: bool,
    pub zone_filter: ZoneFilter,
    pub table_layer: Option<usize>,
    pub table_sort: (usize, bool),
    pub show_about: bool,
    pub show_url: bool,
    pub url_input: String,
    pub show_log: bool,
    /// The log shows only errors and warnings (they do not scroll away under info lines).
    pub log_errors_only: bool,
    pending_fit: bool,
    pub pending_zoom: Option<[f64; 4]>,
    /// Where the map was drawn last frame (screen points).
    pub map_rect: egui::Rect,
    ctx: egui::Context,
    pub route: RouteEditor,
    pub planning: bool,
    pub feed: Option<FeedWatch>,
    pub alerts: Vec<FeedAlert>,
    pub selected_alert: Option<usize>,
    pub show_feed: bool,
    pub feed_url_input: String,
    pub feed_interval_s: f64,
    pub replay: Replay,
    /// Where the state file goes (`None`: nowhere; tests and headless runs).
    pub state_dir: Option<PathBuf>,
}

pub use crate::io::bundled_files;

fn now_hms() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

impl CorridorApp {
    /// The app on `files`, or on what was open last time, or on the bundled scenario.
    pub fn new(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> Self {
        // Our own state file (written atomically) first; eframe's storage as a fallback.
        let text = cc.storage.and_then(|s| {
            state_file()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .or_else(|| s.get_string(STORAGE_KEY))
        });
        Self::new_with_state(cc, files, text, state_dir())
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
        app.state_dir = state_dir;
        let mut saved: Option<Saved> = None;
        if let Some(text) = text {
            match serde_json::from_str::<Saved>(&text) {
                Ok(s) => saved = Some(s),
                Err(e) => {
                    // Keep the bad copy aside for whoever wants to look at it.
                    let kept = app.state_dir.clone().map(|d| {
                        let t = time::OffsetDateTime::now_utc().unix_timestamp();
                        let p = d.join(format!("corrupt-state-{t}.json"));
                        (std::fs::write(&p, &text).is_ok(), p)
                    });
                    let aside = match kept {
                        Some((true, p)) => format!("; the bad copy is kept as {}", p.display()),
                        _ => String::new(),
                    };
                    app.warn(format!(
                        "the saved state could not be read ({e}); starting clean{aside}"
                    ));
                }
            }
        }
        if let Some(s) = &saved {
            if let (Some(c), Some(z)) = (s.centre, s.zoom) {
                app.map_memory.center_at(lon_lat(c[0], c[1]));
                let _ = app.map_memory.set_zoom(z);
                app.pending_fit = false;
            }
            app.tab = s.tab.unwrap_or(Tab::Layers);
            app.show_log = s.show_log;
            if let Some(r) = &s.route {
                let waypoints: Vec<Coord> = r
                    .waypoints
                    .iter()
                    .filter(|c| c[0].is_finite() && c[1].is_finite() && c[1].abs() <= 90.0)
                    .map(|c| Coord { x: c[0], y: c[1] })
                    .collect();
                app.route.route = crate::io::route::Route {
                    name: r.name.clone(),
                    waypoints,
                    corridor_ids: r.corridor_ids.clone(),
                    speed_kmh: None,
                };
                if r.speed_kmh.is_finite() && r.speed_kmh > 0.0 {
                    app.route.speed_kmh = r.speed_kmh;
                }
            }
            if let Some(t) = s.tiles.clone() {
                app.set_tiles(t, &cc.egui_ctx);
            }
        }
        if !files.is_empty() {
            for f in files {
                app.open_path(f, None);
            }
        } else if let Some(s) = saved.filter(|s| !s.layers.is_empty()) {
            for l in s.layers {
                let role = crate::model::Role::from_kind(&l.role_pick);
                let role = if role == Role::Other {
                    Role::Unassigned
                } else {
                    role
                };
                match l.origin {
                    Origin::Path(p) => app.open_path(p, Some((l.style, role))),
                    Origin::Url(u) => app.open_url(u, Some((l.style, role))),
                    Origin::Feed(_) => {}
                }
            }
        } else {
            for f in bundled_files() {
                app.open_path(f, None);
            }
        }
        app
    }

    /// An app with no layers (the basemap still loads).
    pub fn blank(ctx: egui::Context) -> Self {
        let mut jobs = Jobs::new(ctx.clone());
        jobs.spawn(
            "basemap",
            |_| JobOut::Basemap(Basemap::load_bundled()),
            JobOut::Error,
        );
        let mut map_memory = MapMemory::default();
        map_memory.center_at(lon_lat(33.5, 48.3));
        let _ = map_memory.set_zoom(6.0);
        Self {
            layers: Vec::new(),
            analysis: None,
            generation: 0,
            pending_loads: 0,
            open_seq: 0,
            jobs,
            log: Vec::new(),
            basemap: None,
            map_memory,
            tiles: None,
            tile_choice: TileChoice::Offline,
            custom_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            tab: Tab::Layers,
            tool: Tool::Identify,
            highlight: Highlight::default(),
            results: Vec::new(),
            results_title: String::new(),
            measure: Vec::new(),
            drag_start: None,
            query_shape: None,
            cursor: None,
            metres_per_pixel: 0.0,
            map_size: egui::vec2(800.0, 600.0),
            selected_convoy: None,
            selected_stretch: None,
            flagged_only: false,
            zone_filter: ZoneFilter {
                category: "All".into(),
                ..Default::default()
            },
            table_layer: None,
            table_sort: (0, true),
            show_about: false,
            show_url: false,
            url_input: String::new(),
            show_log: true,
            log_errors_only: false,
            pending_fit: true,
            pending_zoom: None,
            map_rect: egui::Rect::NOTHING,
            ctx,
            route: RouteEditor::default(),
            planning: false,
            feed: None,
            alerts: Vec::new(),
            selected_alert: None,
            show_feed: false,
            feed_url_input: String::new(),
            feed_interval_s: 30.0,
            replay: Replay::default(),
            state_dir: None,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.log.push(LogEntry {
            error: false,
            text: text.into(),
            at: now_hms(),
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.log.push(LogEntry {
            error: true,
            text: text.into(),
            at: now_hms(),
        });
        self.show_log = true;
    }

    /// True while any job (load, download, analysis, basemap) is running.
    pub fn busy(&self) -> bool {
        !self.jobs.is_idle()
    }

    /// Starts a fresh analysis of the current layers (older results are dropped).
    pub fn reanalyse(&mut self) {
        self.generation += 1;
        self.analysis = None;
        let generation = self.generation;
        let layers: Vec<Layer> = self.layers.iter().map(LoadedLayer::for_analysis).collect();
        self.jobs.spawn(
            "analysing",
            move |_| JobOut::Analysed(Box::new(analyse(generation, layers))),
            JobOut::Error,
        );
    }

    pub fn remove_layer(&mut self, i: usize) {
        if i < self.layers.len() {
            let l = self.layers.remove(i);
            self.info(format!("removed {}", l.layer.name));
            self.highlight = Highlight::default();
            self.results.clear();
            self.selected_convoy = None;
            self.selected_stretch = None;
            self.table_layer = None;
            self.reanalyse();
        }
    }
}

impl eframe::App for CorridorApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        for out in self.jobs.poll() {
            self.apply(out);
        }
        self.poll_feed();
        if self.replay.enabled {
            self.replay.tick(ui.ctx());
        }
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for p in dropped {
            self.open_path(p, None);
        }
        if let Some(b) = self.pending_zoom.take() {
            self.apply_zoom(b);
        }
        egui::Panel::top("menu").show(ui, |ui| {
            self.menu_ui(ui);
            self.toolbar_ui(ui);
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        if self.replay.enabled {
            egui::Panel::bottom("replay").show(ui, |ui| super::ops_panels::replay_ui(self, ui));
        }
        if self.show_log {
            egui::Panel::bottom("log")
                .resizable(true)
                .default_size(110.0)
                .show(ui, |ui| super::windows::log_ui(self, ui));
        }
        egui::Panel::left("side")
            .resizable(true)
            .default_size(380.0)
            .show(ui, |ui| super::panels::side_ui(self, ui));
        super::windows::windows_ui(self, ui.ctx());
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.map_ui(ui));
        if self.busy() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_state(storage);
    }
}

/// Routes, the live feed, replay and exports.
impl CorridorApp {
    fn analysis_generation(&self) -> u64 {
        self.analysis.as_ref().map(|a| a.generation).unwrap_or(0)
    }
}

/// "35TPL4563318317" as peacekeepers write it: "35T PL 45633 18317".
pub fn spaced_mgrs(m: &str) -> String {
    let Some(band) = m.find(|c: char| c.is_ascii_alphabetic()) else {
        return m.to_string();
    };
    let (zone, rest) = m.split_at(band + 1);
    if rest.len() < 2 || !rest.is_char_boundary(2) {
        return m.to_string();
    }
    let (square, digits) = rest.split_at(2);
    let half = digits.len() / 2;
    if digits.is_char_boundary(half) {
        format!("{zone} {square} {} {}", &digits[..half], &digits[half..])
    } else {
        m.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mgrs_is_spaced_and_right() {
        // Reference values from the Python `mgrs` package (GeoTrans), not from geoconvert.
        for (lat, lon, want) in [
            (50.4501, 30.5234, "36U UA 24182 91607"),
            (48.1, 37.8, "37U DP 10659 28111"),
        ] {
            let m = geoconvert::LatLon::create(lat, lon)
                .unwrap()
                .to_mgrs(5)
                .to_string();
            assert_eq!(super::spaced_mgrs(&m), want);
        }
        assert_eq!(super::spaced_mgrs("35TPL4563318317"), "35T PL 45633 18317");
    }
}

//! The app: state, jobs, menus and the map. Panels are in `panels.rs`.

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

const STORAGE_KEY: &str = "corridor-watch-state";

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TileChoice {
    Offline,
    OpenStreetMap,
    Custom(String),
    PmTiles(PathBuf),
}

#[derive(Serialize, Deserialize)]
struct SavedLayer {
    origin: Origin,
    style: LayerStyle,
    role_pick: String,
}

/// What is remembered between runs.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Saved {
    layers: Vec<SavedLayer>,
    centre: Option<[f64; 2]>,
    zoom: Option<f64>,
    tiles: Option<TileChoice>,
    tab: Option<Tab>,
    show_log: bool,
    left_width: Option<f32>,
    /// The route being planned: name, waypoints [lon, lat], speed (km/h).
    route: Option<SavedRoute>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct SavedRoute {
    name: String,
    waypoints: Vec<[f64; 2]>,
    corridor_ids: Vec<String>,
    speed_kmh: f64,
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

/// An XYZ tile server given by a URL template with `{z}`, `{x}` and `{y}`.
pub struct XyzSource {
    pub template: String,
}

impl TileSource for XyzSource {
    fn tile_url(&self, t: TileId) -> String {
        self.template
            .replace("{z}", &t.zoom.to_string())
            .replace("{x}", &t.x.to_string())
            .replace("{y}", &t.y.to_string())
    }
    fn attribution(&self) -> Attribution {
        Attribution {
            text: "Custom tiles: see the provider's terms",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }
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

/// The bundled scenario's files, found beside the working directory or the crate.
pub fn bundled_files() -> Vec<PathBuf> {
    let dirs = [
        PathBuf::from("data"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
    ];
    let Some(dir) = dirs
        .into_iter()
        .find(|d| d.join("corridors.geojson").exists())
    else {
        return Vec::new();
    };
    [
        "corridors.geojson",
        "grain_routes.geojson",
        "contact_line.geojson",
        "incidents.geojson",
        "tracks.geojson",
        "position_reports.csv",
    ]
    .iter()
    .map(|f| dir.join(f))
    .filter(|p| p.exists())
    .collect()
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

const STATE_FILE: &str = "corridor-watch-state.json";

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

    pub fn open_path(&mut self, path: PathBuf, saved: Option<(LayerStyle, Role)>) {
        // Remembered between runs: keep it valid from any working directory.
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        self.pending_loads += 1;
        self.open_seq += 1;
        let seq = self.open_seq;
        let origin = Origin::Path(path.clone());
        let o2 = origin.clone();
        let s2 = saved.clone();
        self.jobs.spawn(
            format!("loading {}", path.display()),
            move |p| JobOut::Loaded {
                seq,
                origin,
                saved,
                result: crate::io::read_path_with(
                    &path,
                    Some(&p.done_bytes),
                    Some(&p.total_bytes),
                    Some(&p.cancel),
                ),
            },
            move |msg| JobOut::Loaded {
                seq,
                origin: o2.clone(),
                saved: s2,
                result: Err(crate::error::LoadError::invalid(&o2.label(), msg)),
            },
        );
    }

    pub fn open_url(&mut self, url: String, saved: Option<(LayerStyle, Role)>) {
        self.pending_loads += 1;
        self.open_seq += 1;
        let seq = self.open_seq;
        let origin = Origin::Url(url.clone());
        let (o2, s2) = (origin.clone(), saved.clone());
        self.jobs.spawn(
            format!("downloading {url}"),
            move |p| {
                let result = download(&url, p).and_then(|bytes| read_bytes(&url, &bytes));
                JobOut::Loaded {
                    seq,
                    origin,
                    saved,
                    result,
                }
            },
            move |msg| JobOut::Loaded {
                seq,
                origin: o2.clone(),
                saved: s2,
                result: Err(crate::error::LoadError::invalid(&o2.label(), msg)),
            },
        );
    }

    pub fn pick_files(&mut self) {
        self.jobs.spawn(
            "file dialog",
            |_| {
                let picked = rfd::FileDialog::new()
                    .set_title("Open layers")
                    .add_filter(
                        "Layers (GeoJSON, GPX, CSV)",
                        &["geojson", "json", "gpx", "csv"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_files();
                JobOut::Picked(picked.unwrap_or_default())
            },
            JobOut::Error,
        );
    }

    pub fn pick_pmtiles(&mut self) {
        self.jobs.spawn(
            "file dialog",
            |_| {
                let picked = rfd::FileDialog::new()
                    .set_title("Open a PMTiles basemap")
                    .add_filter("PMTiles", &["pmtiles"])
                    .pick_file();
                JobOut::PickedPmTiles(picked)
            },
            JobOut::Error,
        );
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

    fn apply(&mut self, out: JobOut) {
        match out {
            JobOut::Loaded {
                seq,
                origin,
                saved,
                result,
            } => {
                self.pending_loads = self.pending_loads.saturating_sub(1);
                match result {
                    Ok(layer) => {
                        for w in &layer.warnings {
                            self.log.push(LogEntry {
                                error: false,
                                text: format!("{w} (in {})", layer.source),
                                at: now_hms(),
                            });
                        }
                        self.info(format!(
                            "loaded {} ({} features)",
                            layer.name,
                            layer.features.len()
                        ));
                        let mut l = LoadedLayer::new(layer, origin);
                        if let Some((style, role)) = saved {
                            l.style = style;
                            l.role_pick = role;
                        }
                        if l.unassigned() > 0 && l.role_pick == Role::Unassigned {
                            self.warn(format!(
                                "{}: {} feature(s) have no \"kind\"; pick a role for the layer in the Layers panel",
                                l.layer.name,
                                l.unassigned()
                            ));
                        }
                        l.seq = seq;
                        let at = self.layers.partition_point(|x| x.seq < seq);
                        self.layers.insert(at, l);
                    }
                    Err(e) if e.is_cancelled() => {
                        self.info(format!("stopped loading {} (cancelled)", origin.label()))
                    }
                    Err(e) => self.warn(format!("could not open {}: {e}", origin.label())),
                }
                if self.pending_loads == 0 {
                    self.reanalyse();
                }
            }
            JobOut::Analysed(a) => {
                if a.generation == self.generation {
                    let flagged = a.results.iter().filter(|r| r.report.is_flagged()).count();
                    self.info(format!(
                        "analysis: {} convoys, {} flagged; {} incidents",
                        a.results.len(),
                        flagged,
                        a.incidents.len()
                    ));
                    for r in &a.results {
                        for w in &r.report.warnings {
                            self.log.push(LogEntry {
                                error: false,
                                text: format!("{}: {w}", r.report.convoy_id),
                                at: now_hms(),
                            });
                        }
                    }
                    self.analysis = Some(*a);
                    if self.pending_fit {
                        self.pending_fit = false;
                        self.pending_zoom = bbox_of_features(self.layers.iter().flat_map(|l| {
                            l.layer.features.iter().filter_map(|f| f.geometry.as_ref())
                        }));
                    }
                }
            }
            JobOut::Basemap(Ok(b)) => self.basemap = Some(b),
            JobOut::Basemap(Err(e)) => {
                self.warn(format!("the bundled basemap could not be read: {e}"))
            }
            JobOut::Picked(paths) => {
                for p in paths {
                    self.open_path(p, None);
                }
            }
            JobOut::PickedPmTiles(Some(p)) => {
                let ctx = self.ctx.clone();
                self.set_tiles(TileChoice::PmTiles(p), &ctx);
            }
            JobOut::PickedPmTiles(None) => {}
            JobOut::Planned(result) => {
                self.planning = false;
                match result {
                    Ok(p) => {
                        let text = format!(
                            "route along corridors: {} through {} ({} waypoints)",
                            crate::text::format_length_m(p.length_m),
                            p.corridor_ids.join(", "),
                            p.waypoints.len()
                        );
                        self.info(text.clone());
                        self.route.message = Some((false, text));
                        let name = self.route.route.name.clone();
                        self.route.replace(crate::io::route::Route {
                            name,
                            waypoints: p.waypoints,
                            corridor_ids: p.corridor_ids,
                            speed_kmh: None,
                        });
                    }
                    Err(e) => {
                        self.route.message = Some((true, e.clone()));
                        self.warn(format!("route along corridors: {e}"));
                    }
                }
            }
            JobOut::RoutePicked(Some(p)) => self.load_route(p),
            JobOut::RoutePicked(None) => {}
            JobOut::RouteLoaded(Ok(r)) => {
                let text = format!(
                    "loaded route \"{}\" ({} waypoints)",
                    r.name,
                    r.waypoints.len()
                );
                self.info(text.clone());
                self.route.message = Some((false, text));
                self.route.replace(r);
                self.tab = Tab::Route;
                self.tool = Tool::Route;
                let wps = self.route.waypoints().to_vec();
                self.zoom_to(bbox_of_coords(&wps));
            }
            JobOut::RouteLoaded(Err(e)) => {
                self.route.message = Some((true, e.clone()));
                self.warn(format!("could not open the route: {e}"));
            }
            JobOut::SavePicked(kind, Some(p)) => self.export_to(kind, p),
            JobOut::SavePicked(_, None) => {}
            JobOut::Screenshot(path, img, px) => {
                self.jobs.spawn(
                    format!("writing {}", path.display()),
                    move |_| {
                        JobOut::Wrote(
                            png_of_region(&img, px)
                                .and_then(|png| {
                                    crate::io::write::write_atomic(&path, &png).map_err(|e| {
                                        format!("cannot write {}: {e}", path.display())
                                    })
                                })
                                .map(|()| format!("exported the map to {}", path.display())),
                        )
                    },
                    JobOut::Error,
                );
            }
            JobOut::Wrote(Ok(text)) => self.info(text),
            JobOut::Wrote(Err(e)) => self.warn(e),
            JobOut::Error(e) => self.warn(e),
        }
    }

    pub fn set_tiles(&mut self, choice: TileChoice, ctx: &egui::Context) {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir)
            .join("corridor-watch/tiles");
        let options = || HttpOptions {
            cache: Some(cache.clone()),
            user_agent: walkers::HeaderValue::from_str(concat!(
                "corridor-watch/",
                env!("CARGO_PKG_VERSION"),
                " (humanitarian GIS desktop app)"
            ))
            .ok(),
            ..Default::default()
        };
        self.tiles = match &choice {
            TileChoice::Offline => None,
            TileChoice::OpenStreetMap => Some(Box::new(HttpTiles::with_options(
                OpenStreetMap,
                options(),
                ctx.clone(),
            ))),
            TileChoice::Custom(t) => Some(Box::new(HttpTiles::with_options(
                XyzSource {
                    template: t.clone(),
                },
                options(),
                ctx.clone(),
            ))),
            TileChoice::PmTiles(p) => {
                if !p.is_file() {
                    self.warn(format!(
                        "cannot open the PMTiles file {}: no such file",
                        p.display()
                    ));
                    return;
                }
                Some(Box::new(walkers::PmTiles::new(p, ctx.clone())))
            }
        };
        self.tile_choice = choice;
    }

    /// Centres the map on a lon/lat point at a zoom level.
    pub fn centre_on(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.pending_fit = false;
        self.pending_zoom = None;
        self.map_memory.center_at(lon_lat(lon, lat));
        let _ = self.map_memory.set_zoom(zoom);
    }

    /// Zooms the map to a lon/lat box on the next frame.
    pub fn zoom_to(&mut self, bbox: Option<[f64; 4]>) {
        if bbox.is_some() {
            self.pending_zoom = bbox;
        }
    }

    fn apply_zoom(&mut self, b: [f64; 4]) {
        let (w, h) = (
            self.map_size.x.max(100.0) as f64,
            self.map_size.y.max(100.0) as f64,
        );
        let merc = |lat: f64| {
            (std::f64::consts::FRAC_PI_4 + lat.clamp(-85.0, 85.0).to_radians() / 2.0)
                .tan()
                .ln()
        };
        let dlon = (b[2] - b[0]).max(1e-4);
        let dy = (merc(b[3]) - merc(b[1])).abs().max(1e-6);
        let zx = (w * 360.0 / (256.0 * dlon)).log2();
        let zy = (h * std::f64::consts::TAU / (256.0 * dy)).log2();
        let zoom = (zx.min(zy) - 0.3).clamp(2.0, 17.0);
        let lat_c = {
            let y = 0.5 * (merc(b[1]) + merc(b[3]));
            (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees()
        };
        self.map_memory
            .center_at(lon_lat(0.5 * (b[0] + b[2]), lat_c));
        let _ = self.map_memory.set_zoom(zoom);
    }

    /// Features at a point, within a pick distance that follows the zoom.
    fn identify_at(&self, c: Coord) -> Vec<(usize, usize, Option<f64>)> {
        let Some(a) = &self.analysis else {
            return Vec::new();
        };
        let pick_m = (8.0 * self.metres_per_pixel).max(1.0);
        a.all
            .at(c, pick_m)
            .into_iter()
            .map(|(s, d)| {
                let f = a.all.shapes[s as usize].feature;
                (f.layer as usize, f.feature as usize, Some(d))
            })
            .filter(|(l, _, _)| self.layers.get(*l).is_some_and(|l| l.style.visible))
            .collect()
    }

    fn map_ui(&mut self, ui: &mut egui::Ui) {
        let tool_shape = match self.tool {
            Tool::Measure if !self.measure.is_empty() => {
                Some(ToolShape::Measure(self.measure.clone()))
            }
            Tool::BoxQuery | Tool::RadiusQuery => self.query_shape.clone(),
            _ => None,
        };
        let panning = matches!(self.tool, Tool::Identify | Tool::Measure);
        self.route.refresh(
            self.analysis.as_ref().map(|a| &a.scn),
            self.analysis_generation(),
        );
        if self.replay.enabled {
            self.replay.refresh(self.analysis.as_ref());
            if let Some(c) = self.replay.followed_position() {
                self.map_memory.center_at(lon_lat(c.x, c.y));
            }
        }
        // Alerts flash on the map for six seconds after they arrive.
        let flashes: Vec<(Vec<Coord>, f32)> = self
            .alerts
            .iter()
            .filter_map(|a| {
                let age = a.received.elapsed().as_secs_f32();
                (age < 6.0).then(|| (a.alert.path.clone(), age))
            })
            .collect();
        if !flashes.is_empty() {
            ui.ctx().request_repaint();
        }
        if self.tiles.is_some()
            && let Some(b) = &self.basemap
        {
            // Beneath the tiles: where a tile is missing or failed, the land still shows.
            let rect = ui.available_rect_before_wrap();
            let projector = walkers::Projector::new(
                rect,
                &walkers::MercatorProjection,
                &self.map_memory,
                lon_lat(33.5, 48.3),
            );
            super::basemap::paint_land(&ui.painter().with_clip_rect(rect), &projector, b);
        }
        let fill = self.tiles.is_none();
        let attribution = match &self.tile_choice {
            TileChoice::Offline => "Basemap: Natural Earth (public domain)",
            TileChoice::OpenStreetMap => "© OpenStreetMap contributors; Natural Earth",
            TileChoice::Custom(_) => "Custom XYZ tiles (see the provider's terms); Natural Earth",
            TileChoice::PmTiles(_) => "Local PMTiles file (see its licence); Natural Earth",
        };
        let tiles: Option<&mut dyn Tiles> =
            self.tiles.as_mut().map(|t| t.as_mut() as &mut dyn Tiles);
        let map = Map::new(tiles, &mut self.map_memory, lon_lat(33.5, 48.3))
            .with_plugin(BasemapPlugin {
                basemap: self.basemap.as_ref(),
                fill,
            })
            .with_plugin(LayersPlugin {
                layers: &self.layers,
                analysis: self.analysis.as_ref(),
                highlight: &self.highlight,
                tool: tool_shape,
                hide_tracks: self.replay.enabled,
            })
            .with_plugin(OverlayPlugin {
                route: (self.tool == Tool::Route || !self.route.waypoints().is_empty())
                    .then_some(&self.route),
                replay: self.replay.enabled.then_some(&self.replay),
                flashes,
            })
            .drag_pan_buttons(if panning {
                egui::DragPanButtons::PRIMARY | egui::DragPanButtons::MIDDLE
            } else {
                egui::DragPanButtons::SECONDARY | egui::DragPanButtons::MIDDLE
            })
            .double_click_to_zoom(true);
        let out = map.show(ui, |ui, response, projector, _memory| {
            let to_coord = |p: egui::Pos2| {
                let pos = projector.unproject(p.to_vec2());
                Coord {
                    x: pos.x(),
                    y: pos.y(),
                }
            };
            let centre = projector.unproject(projector.clip_rect().center().to_vec2());
            let mpp = 1.0 / projector.scale_pixel_per_meter(centre).max(1e-9) as f64;
            let hover = response.hover_pos().map(to_coord);
            let clicked = if response.clicked() {
                response.interact_pointer_pos().map(to_coord)
            } else {
                None
            };
            let drag_start = if response.drag_started() {
                response.interact_pointer_pos().map(to_coord)
            } else {
                None
            };
            let dragging = if response.dragged() {
                response.interact_pointer_pos().map(to_coord)
            } else {
                None
            };
            let drag_stop = response.drag_stopped();
            let click_px = if response.clicked() {
                response.interact_pointer_pos()
            } else {
                None
            };
            // Where the button went down (the drag starts only after a few pixels of motion).
            let press_px = if response.drag_started() {
                ui.input(|i| i.pointer.press_origin())
                    .or(response.interact_pointer_pos())
            } else {
                None
            };
            // Attribution, as the sources require.
            let text = attribution;
            ui.painter().text(
                projector.clip_rect().right_bottom() - egui::vec2(6.0, 6.0),
                egui::Align2::RIGHT_BOTTOM,
                text,
                egui::FontId::proportional(11.0),
                Color32::from_gray(60),
            );
            (
                hover,
                clicked,
                drag_start,
                dragging,
                drag_stop,
                mpp,
                projector.clip_rect(),
                (click_px, press_px),
            )
        });
        let (hover, clicked, drag_start, dragging, drag_stop, mpp, rect, (click_px, press_px)) =
            out.inner;
        let size = rect.size();
        self.map_rect = rect;
        self.cursor = hover;
        self.metres_per_pixel = mpp;
        self.map_size = size;
        match self.tool {
            Tool::Identify => {
                if let Some(c) = clicked {
                    self.results = self.identify_at(c);
                    self.results_title = format!(
                        "Identify at {:.5}, {:.5}: {} feature(s)",
                        c.x,
                        c.y,
                        self.results.len()
                    );
                    self.highlight.features = self.results.iter().map(|r| (r.0, r.1)).collect();
                    self.tab = Tab::Results;
                } else if let Some(h) = hover
                    && ui.input(|i| i.pointer.delta() != egui::Vec2::ZERO)
                    && self.tab != Tab::Results
                {
                    self.highlight.features =
                        self.identify_at(h).iter().map(|r| (r.0, r.1)).collect();
                }
            }
            Tool::Measure => {
                if let Some(c) = clicked {
                    self.measure.push(c);
                    self.tab = Tab::Results;
                }
            }
            Tool::Route => {
                let projector = walkers::Projector::new(
                    rect,
                    &walkers::MercatorProjection,
                    &self.map_memory,
                    lon_lat(33.5, 48.3),
                );
                if let Some(p) = press_px
                    && let Some(i) = self.route.waypoint_at(&projector, p)
                {
                    self.route.begin_drag(i);
                }
                if let Some(c) = dragging {
                    self.route.drag_to(c);
                }
                if drag_stop {
                    self.route.end_drag();
                }
                if let (Some(p), Some(c)) = (click_px, clicked) {
                    self.route.click(&projector, p, c);
                    self.tab = Tab::Route;
                }
                // Shortcuts match the modifiers sent with the key (not the state at frame end).
                let (undo, redo, delete) = ui.input_mut(|i| {
                    use egui::{Key, KeyboardShortcut, Modifiers};
                    let redo = i.consume_shortcut(&KeyboardShortcut::new(
                        Modifiers::COMMAND | Modifiers::SHIFT,
                        Key::Z,
                    )) || i
                        .consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Y));
                    let undo =
                        i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Z));
                    (
                        undo,
                        redo,
                        i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
                    )
                });
                if undo {
                    self.route.undo();
                }
                if redo {
                    self.route.redo();
                }
                if delete
                    && !ui.ctx().egui_wants_keyboard_input()
                    && let Some(i) = self.route.selected
                {
                    self.route.delete(i);
                }
            }
            Tool::BoxQuery | Tool::RadiusQuery => {
                if let Some(s) = drag_start {
                    self.drag_start = Some(s);
                }
                if let (Some(s), Some(c)) = (self.drag_start, dragging) {
                    self.query_shape = Some(if self.tool == Tool::BoxQuery {
                        ToolShape::Box(s, c)
                    } else {
                        ToolShape::Circle(s, distance_m(s, c))
                    });
                }
                if drag_stop {
                    self.drag_start = None;
                    self.run_area_query();
                }
            }
        }
        ui.input(|i| {
            if i.key_pressed(egui::Key::Escape) {
                self.measure.clear();
                self.query_shape = None;
            }
        });
    }

    fn run_area_query(&mut self) {
        let Some(a) = &self.analysis else { return };
        let visible = |l: usize| self.layers.get(l).is_some_and(|l| l.style.visible);
        match self.query_shape.clone() {
            Some(ToolShape::Box(p, q)) => {
                let (w, s, e, n) = (p.x.min(q.x), p.y.min(q.y), p.x.max(q.x), p.y.max(q.y));
                self.results = a
                    .all
                    .in_bbox(w, s, e, n)
                    .into_iter()
                    .map(|sh| a.all.shapes[sh as usize].feature)
                    .map(|f| (f.layer as usize, f.feature as usize, None))
                    .filter(|r| visible(r.0))
                    .collect();
                self.results_title = format!(
                    "Box {w:.4}, {s:.4} to {e:.4}, {n:.4}: {} feature(s)",
                    self.results.len()
                );
            }
            Some(ToolShape::Circle(c, r)) => {
                self.results = a
                    .all
                    .within_m(c, r)
                    .into_iter()
                    .map(|(sh, d)| {
                        let f = a.all.shapes[sh as usize].feature;
                        (f.layer as usize, f.feature as usize, Some(d))
                    })
                    .filter(|r| visible(r.0))
                    .collect();
                self.results_title = format!(
                    "Within {} of {:.5}, {:.5}: {} feature(s)",
                    crate::text::format_length_m(r),
                    c.x,
                    c.y,
                    self.results.len()
                );
            }
            _ => return,
        }
        self.highlight.features = self.results.iter().map(|r| (r.0, r.1)).collect();
        self.tab = Tab::Results;
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            match self.cursor {
                Some(c) => {
                    ui.label(format!("lon {:.5}°, lat {:.5}°", c.x, c.y));
                    let mgrs = geoconvert::LatLon::create(c.y, c.x)
                        .map(|ll| spaced_mgrs(&ll.to_mgrs(5).to_string()))
                        .unwrap_or_else(|_| "-".into());
                    ui.separator();
                    ui.label(format!("MGRS {mgrs}"));
                }
                None => {
                    ui.label("lon -, lat - (move the pointer over the map)");
                }
            }
            ui.separator();
            ui.label(format!("zoom {:.1}", self.map_memory.zoom()));
            ui.separator();
            // Scale bar: a round length in metres that fits in 120 pixels.
            if self.metres_per_pixel > 0.0 {
                let max_m = 120.0 * self.metres_per_pixel;
                let p = 10f64.powf(max_m.log10().floor());
                let len_m = [5.0, 2.0, 1.0]
                    .iter()
                    .map(|k| k * p)
                    .find(|l| *l <= max_m)
                    .unwrap_or(p);
                let px = (len_m / self.metres_per_pixel) as f32;
                let (rect, _) = ui.allocate_exact_size(egui::vec2(px, 12.0), egui::Sense::hover());
                let stroke = egui::Stroke::new(2.0, ui.visuals().text_color());
                ui.painter()
                    .line_segment([rect.left_bottom(), rect.right_bottom()], stroke);
                ui.painter()
                    .line_segment([rect.left_top(), rect.left_bottom()], stroke);
                ui.painter()
                    .line_segment([rect.right_top(), rect.right_bottom()], stroke);
                ui.label(if len_m >= 1000.0 {
                    format!("{} km", len_m / 1000.0)
                } else {
                    format!("{len_m} m")
                });
            }
            let running = self.jobs.running();
            if !running.is_empty() {
                ui.separator();
                ui.spinner();
                for (_, name, progress) in running {
                    let done = progress
                        .done_bytes
                        .load(std::sync::atomic::Ordering::Relaxed);
                    let total = progress
                        .total_bytes
                        .load(std::sync::atomic::Ordering::Relaxed);
                    let text = if done > 0 && total > 0 {
                        format!(
                            "{name} ({:.1} of {:.1} MB, {:.0} %)",
                            done as f64 / 1e6,
                            total as f64 / 1e6,
                            100.0 * done as f64 / total as f64
                        )
                    } else if done > 0 {
                        format!("{name} ({:.1} MB)", done as f64 / 1e6)
                    } else {
                        name.clone()
                    };
                    ui.label(text);
                    if (name.starts_with("downloading") || name.starts_with("loading"))
                        && ui.small_button("Cancel").clicked()
                    {
                        progress
                            .cancel
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }
        });
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…").clicked() {
                    self.pick_files();
                    ui.close();
                }
                if ui.button("Open URL…").clicked() {
                    self.show_url = true;
                    ui.close();
                }
                if ui.button("Open bundled scenario").clicked() {
                    for f in bundled_files() {
                        self.open_path(f, None);
                    }
                    ui.close();
                }
                ui.separator();
                if ui.button("Watch feed URL…").clicked() {
                    self.show_feed = true;
                    ui.close();
                }
                if self.feed.as_ref().is_some_and(FeedWatch::is_running)
                    && ui.button("Stop watching the feed").clicked()
                {
                    self.stop_feed();
                    ui.close();
                }
                ui.separator();
                if ui.button("Open route…").clicked() {
                    self.pick_route_file();
                    ui.close();
                }
                if ui.button("Save route…").clicked() {
                    self.pick_export(ExportKind::Route);
                    ui.close();
                }
                ui.menu_button("Export", |ui| {
                    for kind in ExportKind::MENU {
                        if ui.button(kind.menu_label()).clicked() {
                            self.pick_export(kind);
                            ui.close();
                        }
                    }
                });
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Basemap", |ui| {
                let ctx = ui.ctx().clone();
                if ui
                    .radio(
                        self.tile_choice == TileChoice::Offline,
                        "Bundled Natural Earth (offline)",
                    )
                    .clicked()
                {
                    self.set_tiles(TileChoice::Offline, &ctx);
                    ui.close();
                }
                if ui
                    .radio(
                        self.tile_choice == TileChoice::OpenStreetMap,
                        "OpenStreetMap tiles (online)",
                    )
                    .clicked()
                {
                    self.set_tiles(TileChoice::OpenStreetMap, &ctx);
                    ui.close();
                }
                ui.horizontal(|ui| {
                    ui.label("XYZ URL:");
                    ui.text_edit_singleline(&mut self.custom_url);
                });
                if ui.button("Local PMTiles file…").clicked() {
                    self.pick_pmtiles();
                    ui.close();
                }
                if ui.button("Use custom XYZ tiles").clicked() {
                    if self.custom_url.contains("{z}")
                        && self.custom_url.contains("{x}")
                        && self.custom_url.contains("{y}")
                    {
                        let t = TileChoice::Custom(self.custom_url.clone());
                        self.set_tiles(t, &ctx);
                    } else {
                        self.warn(format!(
                            "a tile URL needs {{z}}, {{x}} and {{y}}: {}",
                            self.custom_url
                        ));
                    }
                    ui.close();
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Zoom to all layers").clicked() {
                    let b =
                        bbox_of_features(self.layers.iter().flat_map(|l| {
                            l.layer.features.iter().filter_map(|f| f.geometry.as_ref())
                        }));
                    self.zoom_to(b);
                    ui.close();
                }
                ui.checkbox(&mut self.show_log, "Log panel");
                ui.checkbox(&mut self.replay.enabled, "Replay (time slider)");
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About corridor-watch").clicked() {
                    self.show_about = true;
                    ui.close();
                }
            });
        });
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Tool:");
            for (tool, label, tip) in [
                (
                    Tool::Identify,
                    "Identify",
                    "Click a feature to see its properties; drag to pan",
                ),
                (
                    Tool::Measure,
                    "Measure",
                    "Click points: geodesic length of each leg and in all (Esc clears)",
                ),
                (
                    Tool::BoxQuery,
                    "Box query",
                    "Drag a box: list what is inside",
                ),
                (
                    Tool::RadiusQuery,
                    "Radius query",
                    "Drag from a centre: list what is within that distance",
                ),
                (
                    Tool::Route,
                    "Route",
                    "Click to add waypoints, click a leg to insert one, drag a waypoint to move it; select one and press Delete; Ctrl+Z / Ctrl+Y undo and redo; right-drag pans",
                ),
            ] {
                if ui
                    .selectable_label(self.tool == tool, label)
                    .on_hover_text(tip)
                    .clicked()
                {
                    self.tool = tool;
                    self.query_shape = None;
                    if tool == Tool::Route {
                        self.tab = Tab::Route;
                    }
                }
            }
            ui.separator();
            super::panels::legend_ui(ui);
        });
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
                .show(ui, |ui| super::panels::log_ui(self, ui));
        }
        egui::Panel::left("side")
            .resizable(true)
            .default_size(380.0)
            .show(ui, |ui| super::panels::side_ui(self, ui));
        super::panels::windows_ui(self, ui.ctx());
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.map_ui(ui));
        if self.busy() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
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
            left_width: None,
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

/// Routes, the live feed, replay and exports.
impl CorridorApp {
    /// Where a lon/lat point is on screen (as the map drew it last frame).
    pub fn screen_pos(&self, c: Coord) -> egui::Pos2 {
        let projector = walkers::Projector::new(
            self.map_rect,
            &walkers::MercatorProjection,
            &self.map_memory,
            lon_lat(33.5, 48.3),
        );
        super::projection::to_screen(&projector, c)
    }

    fn analysis_generation(&self) -> u64 {
        self.analysis.as_ref().map(|a| a.generation).unwrap_or(0)
    }

    /// Plans the shortest corridor path from the route's first to its last waypoint (worker).
    pub fn plan_along_corridors(&mut self) {
        let wps = self.route.waypoints();
        let (Some(&from), Some(&to)) = (wps.first(), wps.last()) else {
            return;
        };
        if wps.len() < 2 {
            self.route.message = Some((true, "place a start and an end first".into()));
            return;
        }
        let layers: Vec<Layer> = self.layers.iter().map(LoadedLayer::for_analysis).collect();
        let layers = super::route::planning_layers(&layers);
        self.planning = true;
        self.jobs.spawn(
            "routing along corridors",
            move |_| {
                let scn = crate::analysis::Scenario::new(layers);
                JobOut::Planned(
                    crate::analysis::routing::plan_route(&scn, from, to, None)
                        .map_err(|e| e.to_string()),
                )
            },
            |e| JobOut::Planned(Err(e)),
        );
    }

    pub fn load_route(&mut self, path: PathBuf) {
        self.jobs.spawn(
            format!("opening route {}", path.display()),
            move |_| {
                JobOut::RouteLoaded(
                    read_path(&path)
                        .and_then(|l| crate::io::route::route_from_layer(&l))
                        .map_err(|e| e.to_string()),
                )
            },
            |e| JobOut::RouteLoaded(Err(e)),
        );
    }

    pub fn pick_route_file(&mut self) {
        self.jobs.spawn(
            "file dialog",
            |_| {
                JobOut::RoutePicked(
                    rfd::FileDialog::new()
                        .set_title("Open a route")
                        .add_filter("Route (GeoJSON)", &["geojson", "json"])
                        .pick_file(),
                )
            },
            JobOut::Error,
        );
    }

    /// Asks where to save an export, then writes it.
    pub fn pick_export(&mut self, kind: ExportKind) {
        self.jobs.spawn(
            "file dialog",
            move |_| {
                JobOut::SavePicked(
                    kind,
                    rfd::FileDialog::new()
                        .set_title(kind.menu_label().trim_end_matches('…'))
                        .set_file_name(kind.default_name())
                        .add_filter(kind.extension(), &[kind.extension()])
                        .save_file(),
                )
            },
            JobOut::Error,
        );
    }

    /// Writes an export to `path` (atomically, on a worker; the map PNG after the next frame).
    pub fn export_to(&mut self, kind: ExportKind, path: PathBuf) {
        let shown = path.display().to_string();
        let text = match kind {
            ExportKind::Route => {
                if self.route.waypoints().len() < 2 {
                    self.warn("the route needs at least two waypoints to be saved");
                    return;
                }
                let mut r = self.route.route.clone();
                r.speed_kmh = Some(self.route.speed_kmh);
                if r.corridor_ids.is_empty()
                    && let Some(a) = &self.analysis
                {
                    r.corridor_ids = crate::analysis::route::corridors_used(&a.scn, &r.waypoints);
                }
                (
                    crate::io::route::route_to_geojson(&r),
                    format!("route, {} waypoints", r.waypoints.len()),
                )
            }
            ExportKind::MapPng => {
                let rect = self.map_rect;
                let tx = self.jobs.sender();
                let ctx = self.ctx.clone();
                let ppp = self.ctx.pixels_per_point();
                self.ctx
                    .send_viewport_cmd(egui::ViewportCommand::Screenshot(
                        egui::ScreenshotCallback::new(move |img| {
                            let px = [
                                rect.min.x * ppp,
                                rect.min.y * ppp,
                                rect.max.x * ppp,
                                rect.max.y * ppp,
                            ];
                            // Encoding and writing run on a worker, not in the frame.
                            let _ = tx.send(JobOut::Screenshot(path, img, px));
                            ctx.request_repaint();
                        }),
                    ));
                self.ctx.request_repaint();
                return;
            }
            _ => match self.analysis.as_ref().and_then(|a| export_text(kind, a)) {
                Some(t) => t,
                None => {
                    self.warn("nothing to export yet: the analysis is still running");
                    return;
                }
            },
        };
        let (body, what) = text;
        self.jobs.spawn(
            format!("writing {shown}"),
            move |_| {
                JobOut::Wrote(
                    crate::io::write::write_atomic(&path, body.as_bytes())
                        .map(|()| format!("exported {what} to {}", path.display()))
                        .map_err(|e| format!("cannot write {}: {e}", path.display())),
                )
            },
            JobOut::Error,
        );
    }

    /// Starts watching a feed against the layers loaded now (stops any other).
    pub fn start_feed(&mut self, url: String, interval_s: f64) {
        if !crate::io::http::is_url(&url) {
            self.warn(format!("a feed must be an http:// or https:// URL: {url}"));
            return;
        }
        if let Some(mut f) = self.feed.take() {
            f.stop();
        }
        let layers: Vec<Layer> = self
            .layers
            .iter()
            .filter(|l| !matches!(l.origin, Origin::Feed(_)))
            .map(LoadedLayer::for_analysis)
            .collect();
        self.info(format!("watching feed {url} every {interval_s} s"));
        self.feed = Some(FeedWatch::start(url, interval_s, layers, self.ctx.clone()));
        self.tab = Tab::Live;
    }

    pub fn stop_feed(&mut self) {
        if let Some(f) = &mut self.feed {
            f.stop();
            let text = format!("stopped watching {}", f.url);
            self.info(text);
        }
    }

    fn poll_feed(&mut self) {
        let Some(feed) = &mut self.feed else { return };
        let url = feed.url.clone();
        let msgs = feed.poll();
        let mut grew = false;
        for m in msgs {
            match m {
                FeedMsg::Polled {
                    new_reports,
                    alerts,
                    warnings,
                    ..
                } => {
                    for w in warnings {
                        self.info(format!("{w} (in {url})"));
                    }
                    if !new_reports.is_empty() {
                        grew = true;
                        let origin = Origin::Feed(url.clone());
                        match self.layers.iter_mut().find(|l| l.origin == origin) {
                            Some(l) => l.extend(new_reports),
                            None => {
                                let mut l = LoadedLayer::new(
                                    Layer {
                                        name: format!("Live feed ({})", url),
                                        source: url.clone(),
                                        ..Default::default()
                                    },
                                    origin,
                                );
                                let c = super::style::role_colour(Role::Track);
                                l.style.rgb = [c.r(), c.g(), c.b()];
                                l.style.width = 2.5;
                                l.extend(new_reports);
                                self.open_seq += 1;
                                l.seq = self.open_seq;
                                self.layers.push(l);
                            }
                        }
                    }
                    let hms = now_hms();
                    for a in alerts {
                        let what = match a.alert_type {
                            crate::analysis::watch::AlertType::Deviation => "left its corridors",
                            crate::analysis::watch::AlertType::BufferZoneEntry => {
                                "entered the buffer zone"
                            }
                        };
                        self.log.push(LogEntry {
                            error: true,
                            text: format!("ALERT {}: {what}", a.convoy_id),
                            at: hms.clone(),
                        });
                        self.alerts.push(FeedAlert {
                            alert: a,
                            received: std::time::Instant::now(),
                            received_hms: hms.clone(),
                        });
                    }
                }
                FeedMsg::Failed {
                    error,
                    attempt,
                    retry_in_s,
                } => {
                    self.info(format!(
                        "feed {url}: {error}; attempt {attempt} failed, retrying in {retry_in_s:.0} s"
                    ));
                }
            }
        }
        if grew {
            self.reanalyse();
        }
    }

    /// Selects an alert: zoom to its stretch and highlight it.
    pub fn select_alert(&mut self, i: usize) {
        let Some(a) = self.alerts.get(i) else { return };
        let path = a.alert.path.clone();
        self.selected_alert = Some(i);
        self.zoom_to(bbox_of_coords(&path).map(|b| {
            let pad = 0.05;
            [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]
        }));
        self.highlight.path = Some(path);
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

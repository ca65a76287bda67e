//! The desktop app (feature `gui`): egui, eframe and walkers live only here.
//!
//! The app is three parts: `Settings` (the user's choices, partly saved),
//! `Session` (layers, analysis, selection) and `Runtime` (workers, map, feed).
//! A frame is poll → draw → apply: workers' results and the feed are taken
//! in, the chrome, panels and map are drawn from the session and push
//! `Command`s, and the commands are applied after drawing (`apply`).
//! Loading, indexing, analysis and HTTP run on worker threads (`jobs`).

mod actions;
mod apply;
mod chrome;
pub mod command;
mod dialogs;
mod editing;
pub mod editor;
pub mod export;
mod jobs;
pub mod live;
mod loading;
pub mod map;
pub mod model;
mod movements;
mod panels;
mod persist;
mod report;
pub mod route_editor;
mod runtime;
pub mod session;
pub mod settings;
pub mod sources;
pub mod timeline;

pub use command::Command;
pub use session::{Session, Tool};
pub use settings::{Settings, Tab};

pub use crate::io::bundled_files;
use eframe::egui;
use runtime::Runtime;
use std::path::PathBuf;

/// Opens the window on `files` (or the last session, or the bundled scenario).
pub fn run(files: Vec<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("corridor-watch")
            .with_inner_size([1400.0, 860.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "corridor-watch",
        options,
        Box::new(move |cc| Ok(Box::new(CorridorApp::new(cc, files)))),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}

pub struct CorridorApp {
    pub settings: Settings,
    pub session: Session,
    runtime: Runtime,
}

impl CorridorApp {
    /// An app with no layers (the basemap still loads).
    pub fn blank(ctx: egui::Context) -> Self {
        let mut runtime = Runtime::new(ctx);
        runtime.jobs.spawn(
            "basemap",
            |_| jobs::JobOut::Basemap(map::basemap::Basemap::load_bundled()),
            jobs::JobOut::Error,
        );
        runtime.jobs.spawn(
            "place names",
            |_| jobs::JobOut::Places(crate::places::Gazetteer::bundled()),
            jobs::JobOut::Error,
        );
        Self {
            settings: Settings::default(),
            session: Session::default(),
            runtime,
        }
    }

    /// True while any job (load, download, analysis, basemap) is running.
    pub fn busy(&self) -> bool {
        !self.runtime.jobs.is_idle()
    }

    /// An info line in the log.
    pub fn info(&mut self, text: impl Into<String>) {
        self.session.info(text);
    }

    /// An error or warning in the log, which opens the log panel.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.session.warn(text);
        self.settings.show_log = true;
    }

    /// Centres the map on a lon/lat point at a zoom level.
    pub fn centre_on(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.runtime.map.centre_on(lon, lat, zoom);
    }

    /// Where the map was drawn last frame (screen points).
    pub fn map_rect(&self) -> egui::Rect {
        self.runtime.map.rect
    }

    /// The lon/lat at a screen position on the map (as drawn last frame), if it is on the map.
    pub fn map_coord(&self, p: egui::Pos2) -> Option<geo::Coord> {
        let map = &self.runtime.map;
        map.rect.contains(p).then(|| map.coord_at(p))
    }

    /// Where a lon/lat point is on screen (as the map drew it last frame).
    pub fn screen_pos(&self, c: geo::Coord) -> egui::Pos2 {
        self.runtime.map.screen_pos(c)
    }

    /// Takes in what the workers and the feed sent, and moves the replay on.
    fn poll(&mut self, ui: &egui::Ui) {
        for out in self.runtime.jobs.poll() {
            self.apply_job(out);
        }
        self.poll_feed();
        self.poll_listener();
        let s = &mut self.session;
        let generation = s.analysis_generation();
        s.route
            .refresh(s.analysis.as_ref().map(|a| &a.scn), generation);
        if s.timeline.enabled {
            s.timeline.tick(ui.ctx());
            s.timeline.refresh(s.analysis.as_ref());
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
        // The title bar names invented data while it is shown, as the map does.
        let title = if self.session.layers.iter().any(|l| l.illustrative) {
            "corridor-watch - ILLUSTRATIVE DATA (bundled scenario)"
        } else {
            "corridor-watch"
        };
        if self.runtime.title != title {
            self.runtime.title = title.to_string();
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.to_string()));
        }
    }

    /// Draws everything from the session; what the user asks for goes to `out`.
    fn draw(&mut self, ui: &mut egui::Ui, out: &mut Vec<Command>) {
        let (settings, session, runtime) = (&mut self.settings, &self.session, &mut self.runtime);
        egui::Panel::top("menu").show(ui, |ui| {
            chrome::menu_ui(ui, settings, session, runtime.feed.as_ref(), out);
            chrome::toolbar_ui(ui, session, settings, runtime.map.places.as_ref(), out);
        });
        egui::Panel::bottom("status").show(ui, |ui| chrome::status_ui(ui, runtime, out));
        if session.timeline.enabled {
            // Replay as live drives the time slider: the bar shows that replay's speed.
            let live_speed = runtime
                .feed
                .as_ref()
                .filter(|f| !matches!(f.state, live::feed::FeedState::Stopped))
                .and_then(|f| f.replay.as_ref())
                .map(|r| r.speed());
            egui::Panel::bottom("timeline").show(ui, |ui| {
                panels::timeline_bar_ui(ui, session, live_speed, out)
            });
        }
        if settings.show_log {
            egui::Panel::bottom("log")
                .resizable(true)
                .default_size(110.0)
                .show(ui, |ui| panels::log_ui(ui, session, settings, out));
        }
        // The side panel keeps its width (the user may drag it; the width is
        // remembered between runs); wide tables scroll inside it.
        let side_width = settings.side_width.clamp(
            *settings::SIDE_WIDTH_RANGE.start(),
            *settings::SIDE_WIDTH_RANGE.end(),
        );
        let side = egui::Panel::left("side")
            .resizable(true)
            .default_size(if side_width.is_finite() {
                side_width
            } else {
                settings::SIDE_WIDTH
            })
            .size_range(settings::SIDE_WIDTH_RANGE)
            .show(ui, |ui| {
                panels::side_ui(
                    ui,
                    session,
                    settings,
                    runtime.feed.as_ref(),
                    runtime.listener.as_ref(),
                    out,
                )
            });
        settings.side_width = side.response.rect.width();
        panels::windows_ui(ui.ctx(), session, settings, out);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| runtime.map.show(ui, session, settings, out));
        panels::resize_grip(ui.ctx(), side.response.rect);
    }
}

impl eframe::App for CorridorApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll(ui);
        self.hold_close_for_edits(ui.ctx());
        let mut commands = Vec::new();
        self.draw(ui, &mut commands);
        for c in commands {
            self.apply(c);
        }
        if self.busy() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_state(storage);
    }

    /// Closing: a journal of edits that are all saved (or undone back to the
    /// file) goes; one with unsaved edits stays (the user chose to quit
    /// without saving them, which clears it, or the close was not asked).
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(e) = &self.session.editor.edit
            && !e.history.is_dirty()
        {
            e.journal.clear();
            self.runtime.journal.flush();
        }
    }
}

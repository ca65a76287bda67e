//! The desktop app (feature `gui`): egui, eframe and walkers live only here.
//!
//! Loading, indexing, analysis and HTTP run on worker threads (`jobs`); the UI
//! thread only draws. Map overlays are walkers plugins (`draw`, `basemap`).

pub mod basemap;
pub mod draw;
pub mod export;
pub mod feed;
mod jobs;
pub mod model;
mod ops_panels;
mod panels;
mod projection;
pub mod replay;
pub mod route;
pub mod state;
pub mod style;
mod windows;

pub use state::{CorridorApp, Tab, Tool};

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

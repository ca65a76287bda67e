//! Runtime handles: worker jobs, the map's camera and tiles, the live feed,
//! and the bookkeeping of loads and analyses. Nothing here is saved.

use super::jobs::{JobOut, Jobs};
use super::live::feed::FeedWatch;
use super::map::MapView;
use eframe::egui;
use std::path::PathBuf;

pub struct Runtime {
    pub jobs: Jobs<JobOut>,
    pub map: MapView,
    pub feed: Option<FeedWatch>,
    /// Other operators' alerts heard from a PostGIS table.
    pub listener: Option<super::live::listen::Listener>,
    /// Layers being read again: new load sequence -> the layer's sequence.
    pub refreshing: std::collections::HashMap<u64, u64>,
    pub ctx: egui::Context,
    /// The analysis asked for last; older results are dropped when they arrive.
    pub generation: u64,
    /// Loads still running (the analysis starts when they are all in).
    pub pending_loads: usize,
    /// Layers are listed in the order they were asked for, whatever order they load in.
    pub open_seq: u64,
    /// The window title last set (it names illustrative data while shown).
    pub title: String,
    /// Where the state file goes (`None`: nowhere; tests and headless runs).
    pub state_dir: Option<PathBuf>,
    /// The thread writing the edit journals.
    pub journal: super::editor::journal::Writer,
}

impl Runtime {
    pub fn new(ctx: egui::Context) -> Self {
        // Tiles that do not load are only logged by walkers: keep those lines for the map.
        super::map::install_tile_logger();
        Self {
            jobs: Jobs::new(ctx.clone()),
            map: MapView::default(),
            feed: None,
            listener: None,
            refreshing: Default::default(),
            ctx,
            generation: 0,
            pending_loads: 0,
            open_seq: 0,
            title: "corridor-watch".into(),
            state_dir: None,
            journal: Default::default(),
        }
    }
}

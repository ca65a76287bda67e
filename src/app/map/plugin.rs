//! One walkers plugin for everything the map paints over the tiles.

use eframe::egui;
use walkers::{Plugin, Projector};

/// Something painted on the map each frame, in the map's projection.
pub trait Paint {
    fn paint(&self, painter: &egui::Painter, projector: &Projector);
}

/// A walkers plugin for anything that paints.
pub struct Painted<T>(pub T);

impl<T: Paint> Plugin for Painted<T> {
    fn run(
        self: Box<Self>,
        ui: &mut egui::Ui,
        _response: &egui::Response,
        projector: &Projector,
        _memory: &walkers::MapMemory,
    ) {
        self.0.paint(ui.painter(), projector);
    }
}

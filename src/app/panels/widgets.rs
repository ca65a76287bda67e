//! Small pieces the panels share.

use eframe::egui;

/// "Analysing…" with a spinner, while there is no analysis to show.
pub fn analysing_ui(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label("Analysing…");
    });
}

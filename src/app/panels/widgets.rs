//! Small pieces the panels share.

use eframe::egui;

/// "Analysing…" with a spinner, while there is no analysis to show.
pub fn analysing_ui(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label("Analysing…");
    });
}

/// A striped table with bold headers; `rows` adds the rows (each ends with `end_row`).
pub fn table_ui(ui: &mut egui::Ui, id: &str, headers: &[&str], rows: impl FnOnce(&mut egui::Ui)) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(headers.len())
        .show(ui, |ui| {
            for h in headers {
                ui.strong(*h);
            }
            ui.end_row();
            rows(ui);
        });
}

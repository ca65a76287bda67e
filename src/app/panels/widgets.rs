//! Small pieces the panels share.

use eframe::egui;

/// "Analysing…" with a spinner, while there is no analysis to show.
pub fn analysing_ui(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label("Analysing…");
    });
}

/// Column headers as buttons: a click sorts by that column, a second click
/// turns the order round; the sorted column shows ^ or v.
pub fn sort_headers_ui<S: AsRef<str>>(
    ui: &mut egui::Ui,
    headers: &[S],
    sort: &mut crate::app::settings::TableSort,
) {
    for (ci, h) in headers.iter().enumerate() {
        let arrow = match (ci == sort.column, sort.ascending) {
            (false, _) => "",
            (true, true) => " ^",
            (true, false) => " v",
        };
        if ui
            .button(egui::RichText::new(format!("{}{arrow}", h.as_ref())).strong())
            .on_hover_text("Sort")
            .clicked()
        {
            *sort = crate::app::settings::TableSort {
                column: ci,
                ascending: ci != sort.column || !sort.ascending,
            };
        }
    }
    ui.end_row();
}

/// A small window with a form; true on the frame its button is pressed (it then closes).
pub(super) fn form_window(
    ctx: &egui::Context,
    title: &str,
    open: &mut bool,
    button: &str,
    body: impl FnOnce(&mut egui::Ui),
) -> bool {
    let mut pressed = false;
    egui::Window::new(title)
        .open(open)
        .collapsible(false)
        .show(ctx, |ui| {
            body(ui);
            pressed = ui.button(button).clicked();
        });
    *open &= !pressed;
    pressed
}

/// The room left in a row, to the edge of the `ui`'s rectangle: in a
/// horizontal row `available_width` runs past that edge once the row
/// overflows, so what fits is judged by this instead.
pub fn room_in_row(ui: &egui::Ui) -> f32 {
    ui.max_rect().right() - ui.cursor().min.x
}

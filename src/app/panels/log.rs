//! The log panel: info lines, warnings and errors, newest at the bottom.

use crate::app::command::Command;
use crate::app::session::Session;
use crate::app::settings::Settings;
use eframe::egui::{self, Color32};

pub fn log_ui(
    ui: &mut egui::Ui,
    session: &Session,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    let log = &session.log;
    ui.horizontal(|ui| {
        ui.strong("Log");
        let errors = log.iter().filter(|e| e.error).count();
        ui.label(format!(
            "{} messages, {errors} errors or warnings",
            log.len()
        ));
        ui.checkbox(&mut settings.log_errors_only, "Errors and warnings only");
        if ui.small_button("Clear").clicked() {
            out.push(Command::ClearLog);
        }
    });
    egui::ScrollArea::vertical()
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for e in log.iter().filter(|e| e.error || !settings.log_errors_only) {
                let text = format!("{}  {}", e.at, e.text);
                if e.error {
                    ui.colored_label(Color32::from_rgb(190, 40, 30), text);
                } else {
                    ui.label(text);
                }
            }
        });
}

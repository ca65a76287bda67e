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
        ui.label(header_text(log));
        ui.checkbox(
            &mut settings.log_errors_only,
            "Errors, warnings and alerts only",
        );
        if ui.small_button("Clear").clicked() {
            out.push(Command::ClearLog);
        }
    });
    egui::ScrollArea::vertical()
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for e in log
                .iter()
                .filter(|e| e.error || e.alert || !settings.log_errors_only)
            {
                let text = format!("{}  {}", e.at, e.text);
                if e.error {
                    ui.colored_label(Color32::from_rgb(190, 40, 30), text);
                } else if e.alert {
                    ui.colored_label(Color32::from_rgb(176, 100, 0), text);
                } else {
                    ui.label(text);
                }
            }
        });
}

/// "12 messages: 1 error or warning, 3 alerts": live alerts are counted as
/// alerts, not as errors of the app.
fn header_text(log: &[crate::app::session::LogEntry]) -> String {
    use crate::output::text::count;
    let errors = log.iter().filter(|e| e.error).count();
    let alerts = log.iter().filter(|e| e.alert).count();
    format!(
        "{}: {}, {}",
        count(log.len(), "message", "messages"),
        count(errors, "error or warning", "errors or warnings"),
        count(alerts, "alert", "alerts")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::session::LogEntry;

    #[test]
    fn alerts_are_not_counted_as_errors() {
        let line = |error, alert| LogEntry {
            error,
            alert,
            text: String::new(),
            at: String::new(),
        };
        let log = [
            line(false, false),
            line(true, false),
            line(false, true),
            line(false, true),
            line(false, true),
        ];
        assert_eq!(
            header_text(&log),
            "5 messages: 1 error or warning, 3 alerts"
        );
        assert_eq!(
            header_text(&[]),
            "0 messages: 0 errors or warnings, 0 alerts"
        );
    }
}

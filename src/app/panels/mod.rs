//! The side panel's tabs, the replay bar, the log and the windows. Each reads
//! the session, edits only its own settings, and pushes commands.

mod convoys;
mod edit;
mod layers;
mod live;
mod log;
mod movements;
mod notify;
mod results;
mod route;
mod sources;
mod timeline_bar;
mod widgets;
mod windows;
mod zone;

pub use log::log_ui;
pub use timeline_bar::timeline_bar_ui;
pub use widgets::room_in_row;
pub use windows::windows_ui;

use super::command::Command;
use super::live::feed::FeedWatch;
use super::session::Session;
use super::settings::{Settings, Tab};
use eframe::egui;

pub fn side_ui(
    ui: &mut egui::Ui,
    session: &Session,
    settings: &mut Settings,
    feed: Option<&FeedWatch>,
    listener: Option<&crate::app::live::listen::Listener>,
    out: &mut Vec<Command>,
) {
    // Wrapped: the tabs never widen the panel past the width the user gave it.
    ui.horizontal_wrapped(|ui| {
        for (tab, label) in [
            (Tab::Layers, "Layers"),
            (Tab::Convoys, "Convoys"),
            (Tab::Zone, "Buffer zone"),
            (Tab::Results, "Results"),
            (Tab::Route, "Route"),
            (Tab::Movements, "Movements"),
            (Tab::Live, "Live"),
        ] {
            if ui.selectable_label(settings.tab == tab, label).clicked() {
                settings.tab = tab;
            }
        }
    });
    ui.separator();
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| match settings.tab {
            Tab::Layers => layers::layers_ui(ui, session, &mut settings.forms, out),
            Tab::Convoys => convoys::convoys_ui(ui, session, settings, out),
            Tab::Zone => match &session.analysis {
                Some(a) => zone::zone_ui(ui, a, &mut settings.zone_filter, out),
                None => widgets::analysing_ui(ui),
            },
            Tab::Results => results::results_ui(ui, session, out),
            Tab::Route => route::route_ui(ui, session, &mut settings.forms.route_depart, out),
            Tab::Movements => movements::movements_ui(ui, session, settings, out),
            Tab::Live => live::live_ui(ui, session, feed, listener, settings, out),
        });
}

/// A grip on the side panel's edge, so that the user sees it can be dragged
/// wider (egui's resize edge is a faint line until hovered). Painted after
/// the map, just inside the edge: egui's resize area reaches a few points
/// either side of it, but the map takes the pointer on its own side.
/// How far inside the panel's edge the grip's middle is (points).
pub const GRIP_INSET: f32 = 4.0;

pub fn resize_grip(ctx: &egui::Context, panel: egui::Rect) {
    let painter = ctx.layer_painter(egui::LayerId::background());
    let x = panel.right();
    let mid = panel.center().y;
    let line = egui::Stroke::new(1.0, egui::Color32::from_gray(110));
    painter.vline(x, panel.y_range(), line);
    let at = egui::pos2(x - GRIP_INSET, mid);
    let grip = egui::Rect::from_center_size(at, egui::vec2(7.0, 44.0));
    painter.rect_filled(grip, 3.0, egui::Color32::from_gray(120));
    for dy in [-10.0, 0.0, 10.0] {
        painter.circle_filled(at + egui::vec2(0.0, dy), 1.5, egui::Color32::from_gray(235));
    }
}

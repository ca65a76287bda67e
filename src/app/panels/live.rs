//! The Live tab: the feed's state and the alerts it raised.

use crate::analysis::watch::AlertType;
use crate::app::command::Command;
use crate::app::feed::{FeedAlert, FeedState, FeedWatch};
use crate::app::listen::Listener;
use crate::app::map::style::{DEVIATION, ZONE_ENTRY};
use crate::app::route_editor::LEG_INSIDE;
use crate::app::session::Session;
use crate::text::format_length_m;
use eframe::egui::{self, Color32, RichText};

pub fn live_ui(
    ui: &mut egui::Ui,
    session: &Session,
    feed: Option<&FeedWatch>,
    listener: Option<&Listener>,
    listen_url: &mut String,
    out: &mut Vec<Command>,
) {
    listen_ui(ui, listener, listen_url, out);
    ui.separator();
    let Some(feed) = feed else {
        ui.label("No feed is watched. File > Watch feed URL… polls an endpoint of position reports (GeoJSON track points, OGC API Features items, or a PostGIS table).");
        if ui.button("Watch feed URL…").clicked() {
            out.push(Command::ShowFeedWindow);
        }
        alerts_ui(ui, session, out);
        return;
    };
    let colour = match feed.state {
        FeedState::Live if feed.status_text().contains("stale") => ZONE_ENTRY,
        FeedState::Live => LEG_INSIDE,
        FeedState::Retrying { .. } => ZONE_ENTRY,
        FeedState::Connecting | FeedState::Stopped => Color32::GRAY,
    };
    ui.colored_label(colour, feed.status_text());
    ui.label(RichText::new(&feed.url).small());
    if feed.is_running() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(1));
        if ui.button("Stop watching").clicked() {
            out.push(Command::StopFeed);
        }
    }
    ui.separator();
    alerts_ui(ui, session, out);
}

/// Other operators' alerts: a PostGIS table their `watch --to-db` writes to.
fn listen_ui(
    ui: &mut egui::Ui,
    listener: Option<&Listener>,
    listen_url: &mut String,
    out: &mut Vec<Command>,
) {
    match listener {
        Some(l) => {
            ui.colored_label(
                LEG_INSIDE,
                format!("Listening for other operators' alerts: {} heard", l.heard),
            );
            ui.label(RichText::new(&l.url).small());
            if ui.button("Stop listening").clicked() {
                out.push(Command::StopListening);
            }
        }
        None => {
            ui.label("Other operators' alerts (a PostGIS table written by watch --to-db):");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(listen_url)
                        .hint_text("postgresql://user@host/db?table=alerts")
                        .desired_width(260.0),
                );
                if ui.button("Listen").clicked() {
                    out.push(Command::ListenAlerts(listen_url.trim().to_string()));
                }
            });
        }
    }
}

fn alerts_ui(ui: &mut egui::Ui, session: &Session, out: &mut Vec<Command>) {
    ui.strong(format!("{} alert(s)", session.alerts.len()));
    for (i, a) in session.alerts.iter().enumerate().rev() {
        let selected = session.selection.alert == Some(i);
        if ui.selectable_label(selected, alert_text(a)).clicked() {
            out.push(Command::SelectAlert(i));
        }
    }
}

fn alert_text(a: &FeedAlert) -> RichText {
    let s = &a.alert.stretch;
    let (kind, what, colour) = match a.alert.alert_type {
        AlertType::Deviation => (
            "DEVIATION",
            format!(
                "left its corridors{}",
                s.max_offset_m
                    .map(|m| format!(", up to {}", format_length_m(m)))
                    .unwrap_or_default()
            ),
            DEVIATION,
        ),
        AlertType::BufferZoneEntry => (
            "ZONE ENTRY",
            format!(
                "entered the buffer zone, {} deep",
                format_length_m(s.max_offset_m.unwrap_or(0.0))
            ),
            ZONE_ENTRY,
        ),
        AlertType::Silent => (
            "SILENT",
            "no report since its last position".to_string(),
            Color32::GRAY,
        ),
        AlertType::Stuck => (
            "STUCK",
            format!(
                "at one position until {}",
                s.end_time.as_deref().unwrap_or("-")
            ),
            ZONE_ENTRY,
        ),
        AlertType::NearIncident => (
            "NEAR INCIDENT",
            format!(
                "{} from incident {}",
                format_length_m(a.alert.distance_m.unwrap_or(0.0)),
                a.alert.incident_id.as_deref().unwrap_or("?")
            ),
            DEVIATION,
        ),
    };
    let when = s.start_time.as_deref().unwrap_or("no time");
    let from = a
        .from
        .as_ref()
        .map(|f| format!(", from {f}"))
        .unwrap_or_default();
    RichText::new(format!(
        "{} {kind}: {what} at {when} (received {}{from})",
        a.alert.convoy_id, a.received_hms
    ))
    .color(colour)
}

//! The Live tab: the feed's state and the alerts it raised.

use crate::analysis::watch::AlertType;
use crate::analysis::watch::Options;
use crate::app::command::Command;
use crate::app::live::feed::{AS_FAST, FeedAlert, FeedState, FeedWatch, speed_text};
use crate::app::live::listen::Listener;
use crate::app::map::style::{DEVIATION, ZONE_ENTRY};
use crate::app::route_editor::LEG_INSIDE;
use crate::app::session::Session;
use crate::app::settings::Settings;
use crate::output::report::StretchEntry;
use crate::output::text::format_length_m;
use eframe::egui::{self, Color32, RichText};

pub fn live_ui(
    ui: &mut egui::Ui,
    session: &Session,
    feed: Option<&FeedWatch>,
    listener: Option<&Listener>,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    listen_ui(ui, listener, &mut settings.forms.listen_url, out);
    ui.separator();
    rules_ui(ui, &mut settings.alert_rules);
    replay_ui(ui, feed, settings.replay_speed, out);
    ui.separator();
    let Some(feed) = feed else {
        ui.label("No feed is watched. File > Watch feed URL… polls an endpoint of position reports (GeoJSON track points, OGC API Features items, or a PostGIS table).");
        if ui.button("Watch feed URL…").clicked() {
            out.push(Command::ShowFeedWindow);
        }
        alerts_ui(ui, session, &mut settings.hidden_alerts, out);
        return;
    };
    let colour = match feed.state {
        FeedState::Live if feed.stale_s().is_some() => ZONE_ENTRY,
        FeedState::Live => LEG_INSIDE,
        FeedState::Retrying { .. } => ZONE_ENTRY,
        FeedState::Connecting | FeedState::Stopped => Color32::GRAY,
    };
    ui.colored_label(colour, feed.status_text());
    ui.label(RichText::new(&feed.url).small());
    if feed.is_running() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(1));
        let stop = if feed.replay.is_some() {
            "Stop the replay"
        } else {
            "Stop watching"
        };
        if ui.button(stop).clicked() {
            out.push(Command::StopFeed);
        }
    }
    ui.separator();
    alerts_ui(ui, session, &mut settings.hidden_alerts, out);
}

/// The alert rules for the next feed or replay (each convoy's own properties come first).
fn rules_ui(ui: &mut egui::Ui, rules: &mut Options) {
    egui::CollapsingHeader::new("Alert rules (0 = off, except where said)")
        .id_salt("alert rules")
        .show(ui, |ui| {
            let row = |ui: &mut egui::Ui, label: &str, v: &mut f64, unit: &str, hint: &str| {
                ui.horizontal(|ui| {
                    ui.label(label);
                    ui.add(
                        egui::DragValue::new(v)
                            .range(0.0..=1.0e7)
                            .speed(10.0)
                            .suffix(unit),
                    )
                    .on_hover_text(hint);
                });
            };
            row(ui, "Alert a deviation or zone entry after", &mut rules.min_duration_s, " s",
                "a stretch must last this long before it alerts (cuts grazes of a boundary)");
            row(ui, "Silent: no report for", &mut rules.silent_after_s, " s",
                "a convoy under way that sends nothing for this long (its report_interval_s x 3 comes first)");
            row(ui, "Stuck: one position for", &mut rules.stuck_after_s, " s",
                "a convoy that arrived under way and then reports the same position");
            row(ui, "Near an incident within", &mut rules.near_incident_m, " m",
                "an incident reported in the window before the report");
            ui.horizontal(|ui| {
                ui.label("Incidents count as recent for");
                ui.add(
                    egui::DragValue::new(&mut rules.incident_window_h)
                        .range(0.1..=8760.0)
                        .speed(1.0)
                        .suffix(" h"),
                );
            });
            row(ui, "Implausible fix beyond (0: the default)", &mut rules.max_speed_kmh, " km/h",
                "a report no vehicle could reach and leave at this speed is dropped and alerted; 0 is not off but the default: 150 km/h on land, 50 knots for a vessel");
            row(ui, "Vessel slow under", &mut rules.slow_kn, " kn",
                "loitering and encounters: every speed between fixes under this");
            row(ui, "Loitering: slow for", &mut rules.loiter_min, " min",
                "a vessel slow this long alerts once per run");
            row(ui, "Encounter: within", &mut rules.encounter_m, " m",
                "two slow vessels this close (geodesic) ...");
            row(ui, "Encounter: for", &mut rules.encounter_min, " min",
                "... for this long alert on both vessels, once per pair");
                        ui.small("The rules apply to the next feed or replay started. A convoy's own min_duration_s, silent_after_s, stuck_after_s and near_incident_m properties come first.");
        });
}

/// Replay recorded tracks as live: the loaded ones, or files; the speed.
fn replay_ui(ui: &mut egui::Ui, feed: Option<&FeedWatch>, speed: f64, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui
            .button("Replay loaded tracks as live")
            .on_hover_text("The loaded convoy tracks, report by report in recorded time, through the same alerting as a feed")
            .clicked()
        {
            out.push(Command::ReplayLoadedAsLive);
        }
        if ui.button("Replay files…").clicked() {
            out.push(Command::PickReplayFiles);
        }
    });
    ui.horizontal(|ui| {
        ui.label("Replay speed");
        let mut chosen = speed;
        egui::ComboBox::from_id_salt("replay speed")
            .selected_text(speed_text(speed))
            .show_ui(ui, |ui| {
                for s in [0.0, 1.0, 10.0, 60.0, 600.0, 3600.0, AS_FAST] {
                    let label = if s == 0.0 {
                        "paused".into()
                    } else {
                        speed_text(s)
                    };
                    ui.selectable_value(&mut chosen, s, label);
                }
            });
        if chosen != speed {
            out.push(Command::SetReplaySpeed(chosen));
        }
        if feed.is_some_and(|f| f.replay.is_some() && f.is_running()) {
            ui.small("recorded seconds per second");
        }
    });
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

fn alerts_ui(
    ui: &mut egui::Ui,
    session: &Session,
    hidden: &mut Vec<String>,
    out: &mut Vec<Command>,
) {
    ui.strong(format!("{} alert(s)", session.alerts.len()));
    // One checkbox per type, with how many of it there are.
    ui.horizontal_wrapped(|ui| {
        ui.label("Show:");
        for t in AlertType::ALL {
            let n = session
                .alerts
                .iter()
                .filter(|a| a.alert.alert_type == t)
                .count();
            let mut shown = !hidden.iter().any(|h| h == t.as_str());
            if ui
                .checkbox(&mut shown, format!("{} ({n})", t.label()))
                .changed()
            {
                hidden.retain(|h| h != t.as_str());
                if !shown {
                    hidden.push(t.as_str().to_string());
                }
            }
        }
    });
    for (i, a) in session.alerts.iter().enumerate().rev() {
        if hidden.iter().any(|h| h == a.alert.alert_type.as_str()) {
            continue;
        }
        let selected = session.selection.alert == Some(i);
        if ui.selectable_label(selected, alert_text(a)).clicked() {
            out.push(Command::SelectAlert(i));
        }
    }
}

/// "ongoing" (the figures so far) or "ended at …" (final), with its duration.
fn progress(a: &FeedAlert) -> String {
    let s = &a.alert.stretch;
    let lasted = match (s.start_s, s.end_s) {
        (Some(t0), Some(t1)) => {
            format!(" after {}", crate::output::text::format_duration_s(t1 - t0))
        }
        _ => String::new(),
    };
    if a.ended {
        format!(
            "ended at {}{lasted}",
            StretchEntry::of(s).end_time.as_deref().unwrap_or("-")
        )
    } else {
        format!("ongoing{lasted}")
    }
}

fn alert_text(a: &FeedAlert) -> RichText {
    let s = &a.alert.stretch;
    let kind = a.alert.alert_type.label();
    let (what, colour) = match a.alert.alert_type {
        AlertType::Deviation => (
            format!(
                "left its corridors: {}{}, {}",
                format_length_m(s.length_m),
                s.max_offset_m
                    .map(|m| format!(", up to {} off", format_length_m(m)))
                    .unwrap_or_default(),
                progress(a)
            ),
            DEVIATION,
        ),
        AlertType::BufferZoneEntry => (
            format!(
                "entered the buffer zone: {}, {} deep, {}",
                format_length_m(s.length_m),
                format_length_m(s.max_offset_m.unwrap_or(0.0)),
                progress(a)
            ),
            ZONE_ENTRY,
        ),
        AlertType::Silent => (
            "no report from its last position".to_string(),
            Color32::GRAY,
        ),
        AlertType::Stuck => (
            match (s.start_s, s.end_s) {
                (Some(t0), Some(t1)) => format!(
                    "has not moved for {} (to {})",
                    crate::output::text::format_duration_s(t1 - t0),
                    StretchEntry::of(s).end_time.as_deref().unwrap_or("-")
                ),
                _ => "has not moved".to_string(),
            },
            ZONE_ENTRY,
        ),
        AlertType::NearIncident => (
            format!(
                "{} from incident {}",
                format_length_m(a.alert.distance_m.unwrap_or(0.0)),
                a.alert.incident_id.as_deref().unwrap_or("?")
            ),
            DEVIATION,
        ),
        AlertType::ImplausibleJump => (
            format!(
                "a fix {} from its last, {}: dropped, not a deviation",
                format_length_m(a.alert.distance_m.unwrap_or(0.0)),
                a.alert
                    .speed_kmh
                    .map(|v| format!("{v:.0} km/h away"))
                    .unwrap_or_else(|| "at the same time".into())
            ),
            Color32::GRAY,
        ),
        AlertType::Loitering => (
            format!(
                "slow for {}, {:.1} kn on average",
                crate::output::text::format_duration_s(
                    s.end_s.unwrap_or(0.0) - s.start_s.unwrap_or(0.0)
                ),
                a.alert.speed_kmh.unwrap_or(0.0) / 1.852
            ),
            crate::app::map::style::LOITERING,
        ),
        AlertType::Encounter => (
            format!(
                "met {} for {}, closest {}",
                a.alert.other.as_deref().unwrap_or("?"),
                crate::output::text::format_duration_s(
                    s.end_s.unwrap_or(0.0) - s.start_s.unwrap_or(0.0)
                ),
                format_length_m(a.alert.distance_m.unwrap_or(0.0))
            ),
            crate::app::map::style::ENCOUNTER,
        ),
        AlertType::OffWindow => (
            "under way outside every window of its movements".to_string(),
            DEVIATION,
        ),
        AlertType::NotNotified => ("moving with no notified movement".to_string(), DEVIATION),
        AlertType::ClosedCorridor => (
            format!(
                "in corridor {} while it is closed",
                a.alert.other.as_deref().unwrap_or("?")
            ),
            DEVIATION,
        ),
    };
    // A stretch is "at" its start; a silence or a halt runs "since" it.
    let when = format!(
        "{} {}",
        match a.alert.alert_type {
            AlertType::Silent | AlertType::Stuck => "since",
            _ => "at",
        },
        StretchEntry::of(s)
            .start_time
            .as_deref()
            .unwrap_or("no time")
    );
    let from = a
        .from
        .as_ref()
        .map(|f| format!(", from {f}"))
        .unwrap_or_default();
    RichText::new(format!(
        "{} {kind}: {what} {when} (received {}{from})",
        a.alert.convoy_id, a.received_hms
    ))
    .color(colour)
}

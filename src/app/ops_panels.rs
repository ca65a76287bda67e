//! The Route and Live panels, the replay bar and the Watch feed window.

use super::export::ExportKind;
use super::feed::FeedState;
use super::replay::format_time;
use super::route::LEG_INSIDE;
use super::state::{CorridorApp, Tool};
use super::style::{DEVIATION, ZONE_ENTRY};
use crate::analysis::watch::AlertType;
use crate::text::{format_duration_s, format_length_m as km};
use eframe::egui::{self, Color32, RichText};

pub fn route_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.label("Route name:");
        ui.text_edit_singleline(&mut app.route.route.name);
    });
    if app.tool != Tool::Route {
        ui.horizontal(|ui| {
            ui.label("Pick the Route tool to edit on the map.");
            if ui.button("Edit on the map").clicked() {
                app.tool = Tool::Route;
            }
        });
    } else {
        ui.label(
            RichText::new("Click the map to add a waypoint; click a leg to insert one; drag a waypoint to move it; select one and press Delete. Right-drag pans.")
                .small(),
        );
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(app.route.can_undo(), egui::Button::new("Undo"))
            .clicked()
        {
            app.route.undo();
        }
        if ui
            .add_enabled(app.route.can_redo(), egui::Button::new("Redo"))
            .clicked()
        {
            app.route.redo();
        }
        if ui
            .add_enabled(
                !app.route.waypoints().is_empty(),
                egui::Button::new("Clear"),
            )
            .clicked()
        {
            app.route.edit(Vec::clear);
            app.route.message = None;
        }
        if ui
            .add_enabled(
                app.route.waypoints().len() >= 2,
                egui::Button::new("Reverse"),
            )
            .clicked()
        {
            app.route.edit(|w| w.reverse());
        }
    });
    ui.horizontal(|ui| {
        let can_plan = app.route.waypoints().len() >= 2 && !app.planning;
        if ui
            .add_enabled(can_plan, egui::Button::new("Route along corridors"))
            .on_hover_text("Replace the route with the shortest path through the corridor network from its first to its last waypoint")
            .clicked()
        {
            app.plan_along_corridors();
        }
        if app.planning {
            ui.spinner();
        }
        if ui.button("Open…").clicked() {
            app.pick_route_file();
        }
        if ui
            .add_enabled(app.route.waypoints().len() >= 2, egui::Button::new("Save…"))
            .clicked()
        {
            app.pick_export(ExportKind::Route);
        }
    });
    if let Some((error, text)) = &app.route.message {
        if *error {
            ui.colored_label(DEVIATION, text);
        } else {
            ui.label(text);
        }
    }
    ui.horizontal(|ui| {
        ui.label("Speed:");
        ui.add(
            egui::DragValue::new(&mut app.route.speed_kmh)
                .range(1.0..=200.0)
                .suffix(" km/h"),
        );
    });
    ui.separator();
    let n = app.route.waypoints().len();
    if n < 2 {
        ui.label(format!("{n} waypoint(s): place at least two."));
        return;
    }
    let Some(check) = app.route.check.clone() else {
        ui.label("Waiting for the corridors to be analysed…");
        return;
    };
    let eta = check
        .eta_s(app.route.speed_kmh)
        .map(format_duration_s)
        .unwrap_or_else(|| "-".into());
    ui.strong(format!(
        "Total {} in {} leg(s); ETA {eta} at {:.0} km/h",
        km(check.length_m()),
        check.legs.len(),
        app.route.speed_kmh
    ));
    let outside: Vec<usize> = (0..check.legs.len())
        .filter(|&i| !check.legs[i].in_corridor())
        .collect();
    if outside.is_empty() {
        ui.colored_label(LEG_INSIDE, "Every leg stays inside the corridors");
    } else {
        ui.colored_label(
            DEVIATION,
            format!(
                "{} leg(s) leave the corridors: {} outside",
                outside.len(),
                km(check.outside_m())
            ),
        );
    }
    if check.zone_m() > 0.0 {
        ui.colored_label(
            ZONE_ENTRY,
            format!(
                "The route runs {} inside the buffer zone",
                km(check.zone_m())
            ),
        );
    }
    if !app.route.route.corridor_ids.is_empty() {
        ui.label(format!(
            "Corridors: {}",
            app.route.route.corridor_ids.join(", ")
        ));
    }
    ui.separator();
    ui.label(RichText::new("Legs (geodesic lengths):").small());
    for (i, leg) in check.legs.iter().enumerate() {
        let mut text = format!("Leg {}: {}", i + 1, km(leg.length_m));
        let colour = if leg.in_corridor() {
            text.push_str(", inside");
            LEG_INSIDE
        } else {
            text.push_str(&format!(
                ", OUTSIDE for {}{}",
                km(leg.outside_m()),
                leg.max_offset_m()
                    .map(|m| format!(", up to {m:.0} m from a corridor"))
                    .unwrap_or_else(|| ", no corridor loaded".into())
            ));
            DEVIATION
        };
        if leg.zone_m() > 0.0 {
            text.push_str(&format!("; {} in the zone", km(leg.zone_m())));
        }
        ui.colored_label(colour, text);
    }
    ui.separator();
    ui.label(RichText::new("Waypoints (lon, lat in degrees):").small());
    let mut delete = None;
    let mut select = None;
    for (i, c) in app.route.waypoints().iter().enumerate() {
        ui.horizontal(|ui| {
            let label = format!("{}: {:.5}, {:.5}", i + 1, c.x, c.y);
            if ui
                .selectable_label(app.route.selected == Some(i), label)
                .clicked()
            {
                select = Some(i);
            }
            if ui
                .small_button("Delete")
                .on_hover_text(format!("Delete waypoint {}", i + 1))
                .clicked()
            {
                delete = Some(i);
            }
        });
    }
    if let Some(i) = select {
        app.route.selected = Some(i);
    }
    if let Some(i) = delete {
        app.route.delete(i);
    }
}

pub fn live_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    let Some(feed) = &app.feed else {
        ui.label("No feed is watched. File > Watch feed URL… polls an endpoint of position reports (GeoJSON track points, or OGC API Features items).");
        if ui.button("Watch feed URL…").clicked() {
            app.show_feed = true;
        }
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
    let running = feed.is_running();
    if running {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(1));
        if ui.button("Stop watching").clicked() {
            app.stop_feed();
        }
    }
    ui.separator();
    ui.strong(format!("{} alert(s)", app.alerts.len()));
    let mut select = None;
    for (i, a) in app.alerts.iter().enumerate().rev() {
        let what = match a.alert.alert_type {
            AlertType::Deviation => format!(
                "left its corridors{}",
                a.alert
                    .stretch
                    .max_offset_m
                    .map(|m| format!(", up to {m:.0} m"))
                    .unwrap_or_default()
            ),
            AlertType::BufferZoneEntry => format!(
                "entered the buffer zone, {:.0} m deep",
                a.alert.stretch.max_offset_m.unwrap_or(0.0)
            ),
        };
        let when = a
            .alert
            .stretch
            .start_time
            .clone()
            .unwrap_or_else(|| "no time".into());
        let text = format!(
            "{} {}: {what} at {when} (received {})",
            a.alert.convoy_id,
            if a.alert.alert_type == AlertType::Deviation {
                "DEVIATION"
            } else {
                "ZONE ENTRY"
            },
            a.received_hms
        );
        let c = if a.alert.alert_type == AlertType::Deviation {
            DEVIATION
        } else {
            ZONE_ENTRY
        };
        if ui
            .selectable_label(app.selected_alert == Some(i), RichText::new(text).color(c))
            .clicked()
        {
            select = Some(i);
        }
    }
    if let Some(i) = select {
        app.select_alert(i);
    }
}

pub fn feed_window(app: &mut CorridorApp, ctx: &egui::Context) {
    let mut open = app.show_feed;
    let mut start = false;
    egui::Window::new("Watch feed URL")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label("Position reports over http(s): GeoJSON track Points with convoy_id and time, or an OGC API Features /collections/{id}/items URL.");
            ui.horizontal(|ui| {
                ui.label("Feed URL:");
                ui.text_edit_singleline(&mut app.feed_url_input);
            });
            ui.horizontal(|ui| {
                ui.label("Poll every");
                ui.add(
                    egui::DragValue::new(&mut app.feed_interval_s)
                        .range(1.0..=3600.0)
                        .suffix(" s"),
                );
            });
            if ui.button("Start watching").clicked() {
                start = true;
            }
        });
    app.show_feed = open && !start;
    if start {
        let url = app.feed_url_input.trim().to_string();
        let every = app.feed_interval_s;
        app.start_feed(url, every);
    }
}

pub fn replay_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    let Some(d) = &app.replay.data else {
        ui.label("Replay: waiting for the analysis…");
        return;
    };
    let (t_min, t_max) = (d.t_min, d.t_max);
    let ids: Vec<String> = d.tracks.iter().map(|t| t.convoy_id.clone()).collect();
    ui.horizontal(|ui| {
        ui.strong("Replay");
        if t_max <= t_min {
            ui.label("no track has times to replay");
            return;
        }
        let label = if app.replay.playing { "Pause" } else { "Play" };
        if ui.button(label).clicked() {
            if !app.replay.playing && app.replay.t >= t_max {
                app.replay.t = t_min;
            }
            app.replay.playing = !app.replay.playing;
        }
        egui::ComboBox::from_id_salt("replay speed")
            .selected_text(speed_label(app.replay.speed))
            .show_ui(ui, |ui| {
                for s in [60.0, 600.0, 3600.0, 6.0 * 3600.0] {
                    ui.selectable_value(&mut app.replay.speed, s, speed_label(s));
                }
            });
        ui.label(format_time(app.replay.t));
        ui.spacing_mut().slider_width = (ui.available_width() - 260.0).max(100.0);
        ui.add(
            egui::Slider::new(&mut app.replay.t, t_min..=t_max)
                .show_value(false)
                .text("time"),
        );
        egui::ComboBox::from_id_salt("replay follow")
            .selected_text(
                app.replay
                    .follow
                    .clone()
                    .map(|f| format!("Follow {f}"))
                    .unwrap_or_else(|| "Follow: none".into()),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut app.replay.follow, None, "none");
                for id in ids {
                    ui.selectable_value(&mut app.replay.follow, Some(id.clone()), id);
                }
            });
        if ui.button("Close").clicked() {
            app.replay.enabled = false;
            app.replay.playing = false;
        }
    });
}

fn speed_label(s: f64) -> String {
    if s >= 3600.0 {
        format!("{:.0} h per second", s / 3600.0)
    } else {
        format!("{:.0} min per second", s / 60.0)
    }
}

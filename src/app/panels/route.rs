//! The Route tab: name, editing buttons, planning along corridors, speed, and
//! every leg checked against the corridors and the zone.

use crate::analysis::route::RouteCheck;
use crate::app::command::{Command, RouteEdit};
use crate::app::export::ExportKind;
use crate::app::map::style::{DEVIATION, ZONE_ENTRY};
use crate::app::route_editor::{LEG_INSIDE, RouteEditor};
use crate::app::session::{Session, Tool};
use crate::output::text::{format_duration_s, format_length_m as km};
use eframe::egui::{self, RichText};

pub fn route_ui(ui: &mut egui::Ui, session: &Session, depart: &mut String, out: &mut Vec<Command>) {
    let route = &session.route;
    let edit = |out: &mut Vec<Command>, e| out.push(Command::Route(e));
    ui.horizontal(|ui| {
        ui.label("Route name:");
        let mut name = route.route.name.clone();
        if ui.text_edit_singleline(&mut name).changed() {
            edit(out, RouteEdit::Rename(name));
        }
    });
    if session.tool != Tool::Route {
        ui.horizontal(|ui| {
            ui.label("Pick the Route tool to edit on the map.");
            if ui.button("Edit on the map").clicked() {
                out.push(Command::UseTool(Tool::Route));
            }
        });
    } else {
        ui.label(
            RichText::new("Click the map to add a waypoint; click a leg to insert one; drag a waypoint to move it; select one and press Delete. Right-drag pans.")
                .small(),
        );
    }
    let n = route.waypoints().len();
    edit_buttons_ui(ui, session, out);
    if let Some((error, text)) = &route.message {
        if *error {
            ui.colored_label(DEVIATION, text);
        } else {
            ui.label(text);
        }
    }
    ui.horizontal(|ui| {
        ui.label("Speed:");
        let mut speed = route.speed_kmh;
        let drag = egui::DragValue::new(&mut speed)
            .range(1.0..=200.0)
            .suffix(" km/h");
        if ui.add(drag).changed() {
            edit(out, RouteEdit::SetSpeed(speed));
        }
    });
    ui.separator();
    if n < 2 {
        ui.label(format!("{n} waypoint(s): place at least two."));
        return;
    }
    let Some(check) = &route.check else {
        ui.label("Waiting for the corridors to be analysed…");
        return;
    };
    summary_ui(ui, route, check);
    if ui
        .button("Notify movement…")
        .on_hover_text("Make this route a notified movement: convoy, window, vehicles, contact; then its notification package")
        .clicked()
    {
        out.push(Command::OpenNotify);
    }
    ui.separator();
    legs_ui(ui, check, route);
    ui.separator();
    danger_ui(ui, route, depart, out);
    ui.separator();
    waypoints_ui(ui, route, out);
}

/// The incidents near the route before departure: how far and how far back
/// (changed here), and the list, nearest first; a click goes to one.
fn danger_ui(ui: &mut egui::Ui, route: &RouteEditor, depart: &mut String, out: &mut Vec<Command>) {
    let mut e = route.exposure;
    ui.strong("Danger along the route");
    ui.horizontal(|ui| {
        ui.label("Incidents within");
        let mut km_ = e.reach_m / 1000.0;
        if ui
            .add(
                egui::DragValue::new(&mut km_)
                    .range(0.0..=200.0)
                    .speed(0.1)
                    .suffix(" km"),
            )
            .changed()
        {
            e.reach_m = km_ * 1000.0;
        }
        ui.label("in the");
        ui.add(
            egui::DragValue::new(&mut e.days)
                .range(0.0..=3650.0)
                .speed(0.2)
                .suffix(" days"),
        );
    });
    ui.horizontal(|ui| {
        ui.label("before departure (UTC):");
        let edit = ui.add(
            egui::TextEdit::singleline(depart)
                .hint_text("now, or 2026-03-10T06:00:00Z")
                .desired_width(170.0),
        );
        let typed = depart.trim();
        let parsed = crate::io::time::parse_rfc3339(typed);
        if edit.changed() {
            match (&parsed, typed.is_empty()) {
                (_, true) => out.push(Command::Route(RouteEdit::SetDepart(None))),
                (Ok(t), _) => out.push(Command::Route(RouteEdit::SetDepart(Some(*t)))),
                _ => {}
            }
        }
        if !typed.is_empty() && parsed.is_err() {
            ui.colored_label(DEVIATION, "not a time: 2026-03-10T06:00:00Z");
        }
    });
    if (e.reach_m, e.days) != (route.exposure.reach_m, route.exposure.days) {
        out.push(Command::Route(RouteEdit::SetExposure {
            reach_m: e.reach_m,
            days: e.days,
        }));
    }
    if route.near.is_empty() {
        ui.label(format!(
            "No incident within {} of the route in those {} days.",
            km(e.reach_m),
            e.days
        ));
        return;
    }
    ui.label(format!(
        "{} near the route, nearest first:",
        crate::output::text::count(route.near.len(), "incident", "incidents")
    ));
    for n in &route.near {
        let days = (e.depart_s - n.time_s) / 86_400.0;
        let text = format!(
            "{}: {}, {} from leg {}, {:.1} days before{}",
            n.id.as_deref().unwrap_or("(no id)"),
            n.category.as_deref().unwrap_or("-"),
            km(n.distance_m),
            n.leg + 1,
            days,
            n.fatalities
                .filter(|f| *f > 0.0)
                .map(|f| format!(", {f} killed"))
                .unwrap_or_default()
        );
        if ui.link(text).clicked() {
            out.push(Command::GoTo {
                at: n.position,
                zoom: 11.0,
                what: format!("incident {}", n.id.as_deref().unwrap_or("(no id)")),
            });
        }
    }
}

/// Undo, redo, clear, reverse; plan along corridors, open, save.
fn edit_buttons_ui(ui: &mut egui::Ui, session: &Session, out: &mut Vec<Command>) {
    let route = &session.route;
    let n = route.waypoints().len();
    ui.horizontal(|ui| {
        for (enabled, label, e) in [
            (route.can_undo(), "Undo", RouteEdit::Undo),
            (route.can_redo(), "Redo", RouteEdit::Redo),
            (n > 0, "Clear", RouteEdit::Clear),
            (n >= 2, "Reverse", RouteEdit::Reverse),
        ] {
            if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                out.push(Command::Route(e));
            }
        }
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(n >= 2 && !session.planning, egui::Button::new("Route along corridors"))
            .on_hover_text("Replace the route with the shortest path through the corridor network from its first to its last waypoint")
            .clicked()
        {
            out.push(Command::PlanRoute);
        }
        if session.planning {
            ui.spinner();
        }
        if ui.button("Open…").clicked() {
            out.push(Command::PickRouteFile);
        }
        if ui.add_enabled(n >= 2, egui::Button::new("Save…")).clicked() {
            out.push(Command::PickExport(ExportKind::Route));
        }
    });
}

/// Total, ETA, and how much runs outside the corridors or inside the zone.
fn summary_ui(ui: &mut egui::Ui, route: &RouteEditor, check: &RouteCheck) {
    let eta = check
        .eta_s(route.speed_kmh)
        .map(format_duration_s)
        .unwrap_or_else(|| "-".into());
    ui.strong(format!(
        "Total {} in {} leg(s); ETA {eta} at {:.0} km/h",
        km(check.length_m()),
        check.legs.len(),
        route.speed_kmh
    ));
    let outside = check.legs.iter().filter(|l| !l.in_corridor()).count();
    if outside == 0 {
        ui.colored_label(LEG_INSIDE, "Every leg stays inside the corridors");
    } else {
        ui.colored_label(
            DEVIATION,
            format!(
                "{outside} leg(s) leave the corridors: {} outside",
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
    if !route.route.corridor_ids.is_empty() {
        ui.label(format!(
            "Corridors: {}",
            route.route.corridor_ids.join(", ")
        ));
    }
}

fn legs_ui(ui: &mut egui::Ui, check: &RouteCheck, route: &RouteEditor) {
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
                    .map(|m| format!(", up to {} from a corridor", km(m)))
                    .unwrap_or_else(|| ", no corridor loaded".into())
            ));
            DEVIATION
        };
        if leg.zone_m() > 0.0 {
            text.push_str(&format!("; {} in the zone", km(leg.zone_m())));
        }
        let near = route.near.iter().filter(|n| n.leg == i).count();
        if near > 0 {
            text.push_str(&format!(
                "; {} near",
                crate::output::text::count(near, "incident", "incidents")
            ));
        }
        ui.colored_label(colour, text);
    }
}

fn waypoints_ui(ui: &mut egui::Ui, route: &RouteEditor, out: &mut Vec<Command>) {
    ui.label(RichText::new("Waypoints (lon, lat in degrees):").small());
    for (i, c) in route.waypoints().iter().enumerate() {
        ui.horizontal(|ui| {
            let label = format!("{}: {:.5}, {:.5}", i + 1, c.x, c.y);
            if ui
                .selectable_label(route.selected == Some(i), label)
                .clicked()
            {
                out.push(Command::Route(RouteEdit::Select(i)));
            }
            if ui
                .small_button("Delete")
                .on_hover_text(format!("Delete waypoint {}", i + 1))
                .clicked()
            {
                out.push(Command::Route(RouteEdit::Delete(i)));
            }
        });
    }
}

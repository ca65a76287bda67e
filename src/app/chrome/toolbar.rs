//! The toolbar: the map tools, and the legend of what the map draws.

use crate::app::command::Command;
use crate::app::map::style::{DEVIATION, ZONE_ENTRY, category_colour, role_colour};
use crate::app::session::{Session, Tool};
use crate::model::Role;
use eframe::egui::{self, Color32, RichText};

const TOOLS: [(Tool, &str, &str); 5] = [
    (
        Tool::Identify,
        "Identify",
        "Click a feature to see its properties; drag to pan",
    ),
    (
        Tool::Measure,
        "Measure",
        "Click points: geodesic length of each leg and in all (Esc clears)",
    ),
    (
        Tool::BoxQuery,
        "Box query",
        "Drag a box: list what is inside",
    ),
    (
        Tool::RadiusQuery,
        "Radius query",
        "Drag from a centre: list what is within that distance",
    ),
    (
        Tool::Route,
        "Route",
        "Click to add waypoints, click a leg to insert one, drag a waypoint to move it; select one and press Delete; Ctrl+Z / Ctrl+Y undo and redo; right-drag pans",
    ),
];

pub fn toolbar_ui(ui: &mut egui::Ui, session: &Session, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label("Tool:");
        for (tool, label, tip) in TOOLS {
            if ui
                .selectable_label(session.tool == tool, label)
                .on_hover_text(tip)
                .clicked()
            {
                out.push(Command::UseTool(tool));
            }
        }
        ui.separator();
        legend_ui(ui);
    });
}

fn legend_ui(ui: &mut egui::Ui) {
    let swatch = |ui: &mut egui::Ui, c: Color32, text: &str| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
        ui.painter().rect_filled(r, 2.0, c);
        ui.label(RichText::new(text).small());
    };
    ui.label(RichText::new("Legend:").small());
    let area = |r| role_colour(r).gamma_multiply(0.6);
    swatch(ui, area(Role::Corridor), "corridor (true width)");
    swatch(ui, area(Role::GrainRoute), "grain lane");
    swatch(ui, area(Role::BufferZone), "buffer zone");
    swatch(ui, role_colour(Role::Track), "track");
    swatch(ui, DEVIATION, "deviation");
    swatch(ui, ZONE_ENTRY, "zone entry");
    swatch(
        ui,
        category_colour("shelling"),
        "incident (ringed: in zone)",
    );
}

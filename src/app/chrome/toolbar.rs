//! The toolbar: the map tools, and the legend of what the map draws.

use crate::app::command::Command;
use crate::app::map::style::{DEVIATION, GAP, ZONE_ENTRY, category_colour, role_colour};
use crate::app::session::{Session, Tool};
use crate::app::settings::Settings;
use crate::model::Role;
use crate::places::Gazetteer;
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

pub fn toolbar_ui(
    ui: &mut egui::Ui,
    session: &Session,
    settings: &mut Settings,
    places: Option<&Gazetteer>,
    out: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let forms = &mut settings.forms;
        place_search_ui(ui, &mut forms.place, &mut forms.go_to_choices, places, out);
        ui.separator();
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
        if session.editor.edit.is_some()
            && ui
                .selectable_label(session.tool == Tool::Edit, "Edit")
                .on_hover_text(
                    "Edit the layer in edit mode (Layers tab): select, drag, insert, draw",
                )
                .clicked()
        {
            out.push(Command::UseTool(Tool::Edit));
        }
        ui.separator();
        legend_or_button_ui(ui);
    });
}

/// The legend in the toolbar when the window leaves room for it, else a
/// "Legend" button opening it as a list (it ran past the window's edge).
/// Its width is measured when drawn in the row and remembered.
fn legend_or_button_ui(ui: &mut egui::Ui) {
    let id = ui.scope_id().with("toolbar legend width");
    let needed: Option<f32> = ui.data(|d| d.get_temp(id));
    let room = crate::app::panels::room_in_row(ui) - 8.0;
    if needed.is_some_and(|w| w > room) {
        ui.menu_button("Legend", |ui| {
            legend_items_ui(ui, false);
        })
        .response
        .on_hover_text("What the map's colours mean");
        return;
    }
    let r = ui.scope(|ui| legend_items_ui(ui, true)).response;
    ui.data_mut(|d| d.insert_temp(id, r.rect.width()));
}

/// "Find a place": matches as you type (up to 6, largest first); Enter or a
/// click centres the map on one.
fn place_search_ui(
    ui: &mut egui::Ui,
    query: &mut String,
    choices: &mut Option<(String, Vec<(geo::Coord, String)>)>,
    places: Option<&Gazetteer>,
    out: &mut Vec<Command>,
) {
    let edit = ui.add(
        egui::TextEdit::singleline(query)
            .hint_text("Go to… (Ctrl+F)")
            .desired_width(150.0),
    );
    // Ctrl+F (Cmd+F) goes to the search box, as in a browser or QGIS.
    if ui.input_mut(|i| {
        i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            egui::Key::F,
        ))
    }) {
        edit.request_focus();
    }
    if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
        let found = crate::output::text::parse_position(query);
        match found.as_slice() {
            [(at, what)] => {
                *choices = None;
                out.push(Command::GoTo {
                    at: *at,
                    zoom: 11.0,
                    what: what.clone(),
                });
                return;
            }
            [_, _] => {
                // Both orders are positions: the user picks, each shown with its nearest town.
                // The reading nearer a town first (the other is often in a desert or the sea).
                let mut named: Vec<(f64, geo::Coord, String)> = found
                    .iter()
                    .map(|(at, what)| {
                        let nearest = places.and_then(|g| g.nearest(*at, 100_000.0));
                        let near = nearest
                            .map(|(p, d)| {
                                format!(" - {:.0} km from {} ({})", d / 1000.0, p.name, p.country)
                            })
                            .unwrap_or_else(|| " - no town within 100 km".into());
                        let d = nearest.map_or(f64::INFINITY, |(_, d)| d);
                        (d, *at, format!("{what}{near}"))
                    })
                    .collect();
                named.sort_by(|a, b| a.0.total_cmp(&b.0));
                let named = named.into_iter().map(|(_, at, text)| (at, text)).collect();
                *choices = Some((query.clone(), named));
                return;
            }
            _ => *choices = None,
        }
    }
    if let Some((typed, list)) = choices.as_ref()
        && typed == query
    {
        let mut picked = None;
        egui::Area::new(ui.scope_id().with("go to choices"))
            .fixed_pos(edit.rect.left_bottom() + egui::vec2(0.0, 2.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label("Both orders are positions; which is meant?");
                    for (at, text) in list {
                        if ui.selectable_label(false, text).clicked() {
                            picked = Some((*at, text.clone()));
                        }
                    }
                });
            });
        if let Some((at, what)) = picked {
            *choices = None;
            out.push(Command::GoTo {
                at,
                zoom: 11.0,
                what,
            });
        }
        return;
    }
    let Some(g) = places else { return };
    let hits = if query.trim().chars().count() >= 2 {
        g.search(query, 6)
    } else {
        Vec::new()
    };
    let go = |p: &crate::places::Place| Command::GoTo {
        at: p.at,
        zoom: if p.population >= 100_000 { 10.0 } else { 12.0 },
        what: format!(
            "{} ({}), {} people",
            p.name,
            p.country,
            crate::output::text::thousands(p.population)
        ),
    };
    if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
        match hits.first() {
            Some(p) => out.push(go(p)),
            None if !query.trim().is_empty() => out.push(Command::Warn(format!(
                "no place called \"{}\" in the bundled place names",
                query.trim()
            ))),
            None => {}
        }
        return;
    }
    if edit.has_focus() && !hits.is_empty() {
        egui::Area::new(ui.scope_id().with("place hits"))
            .fixed_pos(edit.rect.left_bottom() + egui::vec2(0.0, 2.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    for p in &hits {
                        let text = format!(
                            "{}, {} ({} people)",
                            p.name,
                            p.country,
                            crate::output::text::thousands(p.population)
                        );
                        if ui.selectable_label(false, text).clicked() {
                            out.push(go(p));
                        }
                    }
                });
            });
    }
}

/// The legend's items: in a row (`inline`, the categories as one strip with
/// their names on hover), else one per line with every category named.
fn legend_items_ui(ui: &mut egui::Ui, inline: bool) {
    let swatch = |ui: &mut egui::Ui, c: Color32, text: &str| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
        ui.painter().rect_filled(r, 2.0, c);
        // A light edge keeps dark swatches (tracks) visible on the dark toolbar.
        let edge = egui::Stroke::new(1.0, Color32::from_gray(150));
        ui.painter()
            .rect_stroke(r, 2.0, edge, egui::StrokeKind::Inside);
        // Small in the toolbar's row; read at full size in the list.
        let t = RichText::new(text);
        ui.label(if inline { t.small() } else { t });
    };
    let item = |ui: &mut egui::Ui, c: Color32, text: &str| {
        if inline {
            swatch(ui, c, text);
        } else {
            ui.horizontal(|ui| swatch(ui, c, text));
        }
    };
    if inline {
        ui.label(RichText::new("Legend:").small());
    }
    let area = |r| role_colour(r).gamma_multiply(0.6);
    item(ui, area(Role::Corridor), "corridor (true width)");
    item(ui, area(Role::GrainRoute), "grain lane");
    item(ui, role_colour(Role::ContactLine), "contact line");
    item(ui, area(Role::BufferZone), "buffer zone");
    item(ui, role_colour(Role::Track), "track");
    item(ui, DEVIATION, "deviation");
    item(ui, ZONE_ENTRY, "zone entry");
    item(ui, GAP, "AIS gap");
    let cats = crate::output::palette::CATEGORIES;
    if !inline {
        ui.separator();
        ui.label("Incidents by category (ringed: in the zone)");
        for (name, _) in cats {
            item(ui, category_colour(name), &name.replace('_', " "));
        }
        item(ui, category_colour(""), "any other category");
        return;
    }
    // One swatch per category, in a strip (the categories' names on hover).
    let (r, resp) = ui.allocate_exact_size(
        egui::vec2(6.0 * cats.len() as f32, 10.0),
        egui::Sense::hover(),
    );
    for (k, (name, _)) in cats.iter().enumerate() {
        let cell = egui::Rect::from_min_size(
            r.min + egui::vec2(6.0 * k as f32, 0.0),
            egui::vec2(6.0, 10.0),
        );
        ui.painter().rect_filled(cell, 0.0, category_colour(name));
    }
    resp.on_hover_ui(|ui| {
        for (name, _) in cats {
            ui.horizontal(|ui| swatch(ui, category_colour(name), &name.replace('_', " ")));
        }
        ui.horizontal(|ui| swatch(ui, category_colour(""), "any other category"));
    });
    ui.label(RichText::new("incidents by category (ringed: in zone)").small());
}

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
        place_search_ui(ui, &mut settings.forms.place, places, out);
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
        ui.separator();
        legend_ui(ui);
    });
}

/// "Find a place": matches as you type (up to 6, largest first); Enter or a
/// click centres the map on one.
fn place_search_ui(
    ui: &mut egui::Ui,
    query: &mut String,
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
    if edit.lost_focus()
        && ui.input(|i| i.key_pressed(egui::Key::Enter))
        && let Some((at, what)) = parse_go_to(query)
    {
        out.push(Command::GoTo {
            at,
            zoom: 11.0,
            what,
        });
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
        what: format!("{} ({}), {} people", p.name, p.country, p.population),
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
                        let text = format!("{}, {} ({} people)", p.name, p.country, p.population);
                        if ui.selectable_label(false, text).clicked() {
                            out.push(go(p));
                        }
                    }
                });
            });
    }
}

/// A position typed into the search box: "48.0, 37.8" (lat, lon; either
/// order with N/S/E/W letters, "37.8E 48.0N") or an MGRS reference
/// ("37U DP 10659 28111").
pub fn parse_go_to(text: &str) -> Option<(geo::Coord, String)> {
    let t = text.trim();
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 5
        && compact.chars().next().is_some_and(|c| c.is_ascii_digit())
        && compact.chars().any(|c| c.is_ascii_alphabetic())
        && !compact.contains(['.', ','])
        && let Ok(m) = geoconvert::Mgrs::parse_str(&compact)
    {
        let ll = m.to_latlon();
        return Some((
            geo::Coord {
                x: ll.longitude(),
                y: ll.latitude(),
            },
            format!("MGRS {t}"),
        ));
    }
    // Tokens; a hemisphere letter standing alone belongs to the number before it.
    let mut parts: Vec<String> = Vec::new();
    for p in t.split([',', ';', ' ']).filter(|p| !p.is_empty()) {
        match parts.last_mut() {
            Some(last) if p.len() == 1 && "NSEWnsew".contains(p) => last.push_str(p),
            _ => parts.push(p.to_string()),
        }
    }
    if parts.len() != 2 {
        return None;
    }
    // Each number with its hemisphere letter, if any: +1 north/east, -1 south/west.
    let read = |p: &str| -> Option<(f64, Option<char>)> {
        let up = p.to_ascii_uppercase();
        let letter = up.chars().find(|c| "NSEW".contains(*c));
        let num: f64 = up
            .trim_matches(|c: char| "NSEW°".contains(c))
            .parse()
            .ok()?;
        let signed = if matches!(letter, Some('S' | 'W')) {
            -num
        } else {
            num
        };
        signed.is_finite().then_some((signed, letter))
    };
    let (a, b) = (read(&parts[0])?, read(&parts[1])?);
    let (lat, lon) = match (a.1, b.1) {
        (Some('E' | 'W'), _) | (_, Some('N' | 'S')) => (b.0, a.0),
        _ if a.0.abs() > 90.0 => (b.0, a.0),
        _ => (a.0, b.0),
    };
    (lat.abs() <= 90.0 && lon.abs() <= 180.0).then(|| {
        (
            geo::Coord { x: lon, y: lat },
            format!("{lat:.5}, {lon:.5} (lat, lon)"),
        )
    })
}

fn legend_ui(ui: &mut egui::Ui) {
    let swatch = |ui: &mut egui::Ui, c: Color32, text: &str| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
        ui.painter().rect_filled(r, 2.0, c);
        // A light edge keeps dark swatches (tracks) visible on the dark toolbar.
        let edge = egui::Stroke::new(1.0, Color32::from_gray(150));
        ui.painter()
            .rect_stroke(r, 2.0, edge, egui::StrokeKind::Inside);
        ui.label(RichText::new(text).small());
    };
    ui.label(RichText::new("Legend:").small());
    let area = |r| role_colour(r).gamma_multiply(0.6);
    swatch(ui, area(Role::Corridor), "corridor (true width)");
    swatch(ui, area(Role::GrainRoute), "grain lane");
    swatch(ui, role_colour(Role::ContactLine), "contact line");
    swatch(ui, area(Role::BufferZone), "buffer zone");
    swatch(ui, role_colour(Role::Track), "track");
    swatch(ui, DEVIATION, "deviation");
    swatch(ui, ZONE_ENTRY, "zone entry");
    swatch(ui, GAP, "AIS gap");
    swatch(
        ui,
        category_colour("checkpoint"),
        "incident, by category (ringed: in zone)",
    );
}

#[cfg(test)]
mod tests {
    use super::parse_go_to;

    #[test]
    fn positions_in_either_order_and_mgrs() {
        let near = |t: &str, lon: f64, lat: f64| {
            let (c, _) = parse_go_to(t).unwrap_or_else(|| panic!("{t}"));
            assert!(
                (c.x - lon).abs() < 1e-3 && (c.y - lat).abs() < 1e-3,
                "{t}: {c:?}"
            );
        };
        near("48.0, 37.8", 37.8, 48.0);
        near("37.8E 48.0N", 37.8, 48.0);
        near("48.0N, 37.8E", 37.8, 48.0);
        near("46.5 S, 30.75 W", -30.75, -46.5);
        // An MGRS reference (from the Python mgrs package: 48.1 N, 37.8 E).
        near("37U DP 10659 28111", 37.8, 48.1);
        assert!(parse_go_to("Zaporizhzhia").is_none());
        assert!(parse_go_to("95, 200").is_none());
    }
}

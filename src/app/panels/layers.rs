//! The Layers tab: visibility, colour and width, zoom, table, remove, and the
//! role read for features without `kind`.

use crate::app::command::Command;
use crate::app::session::Session;
use crate::model::Role;
use eframe::egui;

const ROLES: [Role; 10] = [
    Role::Unassigned,
    Role::Corridor,
    Role::GrainRoute,
    Role::ContactLine,
    Role::BufferZone,
    Role::Track,
    Role::Incident,
    Role::Route,
    Role::Movement,
    Role::Sector,
];

pub fn layers_ui(
    ui: &mut egui::Ui,
    session: &Session,
    forms: &mut crate::app::settings::Forms,
    out: &mut Vec<Command>,
) {
    super::edit::found_ui(ui, session, out);
    if session.layers.is_empty() {
        ui.label("No layers. File > Open, File > Open URL, or drop files on the window.");
    }
    for (i, l) in session.layers.iter().enumerate() {
        let mut style = l.style.clone();
        let mut changed = false;
        ui.horizontal(|ui| {
            // An edited layer is marked while its edits are not saved.
            let name = if session.editor.editing(l.seq) && session.editor.dirty() {
                format!("{} (unsaved edits)", l.layer.name)
            } else {
                l.layer.name.clone()
            };
            changed |= ui
                .checkbox(&mut style.visible, name)
                .on_hover_text(l.origin.label())
                .changed();
            ui.label(crate::output::text::count(
                l.layer.features.len(),
                "feature",
                "features",
            ));
            if let Some((badge, detail)) = skipped_badge(&l.layer) {
                ui.colored_label(egui::Color32::from_rgb(190, 40, 30), badge)
                    .on_hover_text(detail);
            }
        });
        ui.horizontal(|ui| {
            changed |= ui
                .color_edit_button_srgb(&mut style.rgb)
                .on_hover_text("Colour")
                .changed();
            changed |= ui
                .add(
                    egui::DragValue::new(&mut style.width)
                        .range(0.5..=10.0)
                        .speed(0.1)
                        .suffix(" px"),
                )
                .on_hover_text(
                    "Line width in pixels (corridor bands are drawn at their true width in metres)",
                )
                .changed();
            if ui.small_button("Zoom to").clicked()
                && let Some(b) = l.bbox()
            {
                out.push(Command::ZoomTo(b));
            }
            if ui.small_button("Table").clicked() {
                out.push(Command::ShowTable(Some(i)));
            }
            if matches!(l.origin, crate::app::model::Origin::Url(_))
                && ui
                    .small_button("Refresh")
                    .on_hover_text(
                        "Read the table or URL again (the layer keeps its data if that fails)",
                    )
                    .clicked()
            {
                out.push(Command::RefreshLayer(i));
            }
            let editing = session.editor.editing(l.seq);
            if !editing {
                let editable = super::edit::editable(l);
                let b = ui.add_enabled(editable.is_ok(), egui::Button::new("Edit").small());
                let b = match &editable {
                    Ok(()) => {
                        b.on_hover_text("Edit this layer's features and attributes on the map")
                    }
                    Err(why) => b.on_disabled_hover_text(why.as_str()),
                };
                if b.clicked() {
                    out.push(Command::Edit(crate::app::command::EditCommand::Start(i)));
                }
            }
            if ui.small_button("Remove").clicked() {
                out.push(Command::RemoveLayer(i));
            }
        });
        if session.editor.editing(l.seq) {
            super::edit::edit_ui(ui, session, l, forms, out);
        }
        if changed {
            out.push(Command::SetLayerStyle(i, style));
        }
        let unassigned = l.unassigned();
        if unassigned > 0 {
            ui.horizontal(|ui| {
                ui.label(format!("{unassigned} without kind, read as:"));
                egui::ComboBox::from_id_salt(("role", i))
                    .selected_text(l.role_pick.as_kind())
                    .show_ui(ui, |ui| {
                        for r in ROLES {
                            if ui.selectable_label(l.role_pick == r, r.as_kind()).clicked()
                                && r != l.role_pick
                            {
                                out.push(Command::SetLayerRole(i, r));
                            }
                        }
                    });
            });
        }
        ui.separator();
    }
}

/// "(3 skipped)", in red, for a layer whose reader left features or reports out, with
/// the first reasons to show on hover (all of them are in the log).
fn skipped_badge(layer: &crate::model::Layer) -> Option<(String, String)> {
    let skipped: Vec<&str> = layer
        .warnings
        .iter()
        .filter(|w| w.severity == crate::model::Severity::Skipped)
        .map(|w| w.text.as_str())
        .collect();
    if skipped.is_empty() {
        return None;
    }
    let mut detail = skipped
        .iter()
        .take(5)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if skipped.len() > 5 {
        detail.push_str(&format!(
            "\n... and {} more (see the log)",
            skipped.len() - 5
        ));
    }
    Some((format!("({} skipped)", skipped.len()), detail))
}

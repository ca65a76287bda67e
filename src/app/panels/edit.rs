//! The Layers tab's edit section: the layer in edit mode (save, undo, redo,
//! stop or discard), new features by role, the selected feature's attribute
//! form with its checks, and the unsaved edits found at start.

use crate::app::command::{Command, EditCommand};
use crate::app::editor::{NEW_ROLES, Shape, shape_of};
use crate::app::model::LoadedLayer;
use crate::app::session::Session;
use crate::app::settings::Forms;
use crate::edit::form::{Kind, fields, text_of};
use eframe::egui::{self, Color32, RichText};

const PROBLEM: Color32 = Color32::from_rgb(190, 40, 30);

/// Journals of edits the app never saved (it was killed): restore or discard.
pub fn found_ui(ui: &mut egui::Ui, session: &Session, out: &mut Vec<Command>) {
    for (k, f) in session.editor.found.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(
                RichText::new(format!(
                    "Unsaved edits to {}: {} edit(s) journaled when the app stopped without saving them.",
                    crate::app::editor::EditSource::from_key(&f.source).label(),
                    f.edits
                ))
                .color(PROBLEM),
            );
            ui.horizontal(|ui| {
                if ui
                    .button("Restore edits")
                    .on_hover_text("Edit the layer with these edits made again (nothing is saved until you Save)")
                    .clicked()
                {
                    out.push(Command::Edit(EditCommand::Restore(k)));
                }
                if ui
                    .button("Discard them")
                    .on_hover_text("Forget these edits: the file stays as it is")
                    .clicked()
                {
                    out.push(Command::Edit(EditCommand::Forget(k)));
                }
            });
        });
    }
}

/// The edit section for layer `i` (in edit mode).
pub fn edit_ui(
    ui: &mut egui::Ui,
    session: &Session,
    l: &LoadedLayer,
    forms: &mut Forms,
    out: &mut Vec<Command>,
) {
    let editor = &session.editor;
    let Some(edit) = &editor.edit else { return };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let dirty = edit.history.is_dirty();
        ui.label(
            RichText::new(format!(
                "Editing {}: {}",
                l.layer.name,
                if dirty { "unsaved edits" } else { "no unsaved edits" }
            ))
            .strong(),
        );
        ui.horizontal_wrapped(|ui| {
            let save = ui.add_enabled(
                dirty && !editor.busy && !l.illustrative,
                egui::Button::new("Save"),
            );
            let save = if l.illustrative {
                save.on_disabled_hover_text(
                    "The bundled scenario's files are kept as shipped: Save as… writes your copy",
                )
            } else {
                save.on_hover_text(format!("Write the edits to {}", edit.source.label()))
            };
            if save.clicked() {
                out.push(Command::Edit(EditCommand::Save));
            }
            if ui
                .add_enabled(edit.history.can_undo(), egui::Button::new("Undo"))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                out.push(Command::Edit(EditCommand::Undo));
            }
            if ui
                .add_enabled(edit.history.can_redo(), egui::Button::new("Redo"))
                .on_hover_text("Ctrl+Y")
                .clicked()
            {
                out.push(Command::Edit(EditCommand::Redo));
            }
            if ui
                .button("Save as…")
                .on_hover_text("Write the layer with its edits to a new GeoJSON file")
                .clicked()
            {
                out.push(Command::PickExport(crate::app::export::ExportKind::EditedLayer));
            }
            if dirty {
                if ui
                    .button("Discard edits")
                    .on_hover_text("Leave edit mode and read the file again: the unsaved edits are lost")
                    .clicked()
                {
                    out.push(Command::Edit(EditCommand::Discard));
                }
            } else if ui.button("Stop editing").clicked() {
                out.push(Command::Edit(EditCommand::Stop));
            }
        });
        match &editor.draft {
            Some(d) => {
                let what = d.role.as_kind().replace('_', " ");
                let how = match shape_of(d.role) {
                    Shape::Point => "Click the map where it is.".to_string(),
                    _ => format!(
                        "Click the map for each vertex ({} placed); double click or Enter to finish, Esc to cancel.",
                        d.points.len()
                    ),
                };
                ui.label(format!("New {what}: {how}"));
                ui.horizontal(|ui| {
                    if shape_of(d.role) != Shape::Point
                        && ui
                            .add_enabled(d.points.len() >= d.needed(), egui::Button::new("Finish"))
                            .clicked()
                    {
                        out.push(Command::Edit(EditCommand::FinishDrawing));
                    }
                    if ui.button("Cancel").clicked() {
                        out.push(Command::Edit(EditCommand::CancelDrawing));
                    }
                });
            }
            None => {
                ui.horizontal_wrapped(|ui| {
                    ui.label("New:");
                    for (role, _) in NEW_ROLES {
                        if ui
                            .small_button(role.as_kind().replace('_', " "))
                            .on_hover_text(format!(
                                "Draw a new {} on the map",
                                role.as_kind().replace('_', " ")
                            ))
                            .clicked()
                        {
                            out.push(Command::Edit(EditCommand::StartDrawing(role)));
                        }
                    }
                });
            }
        }
        ui.label(
            RichText::new(
                "Click a feature to select it. Drag a square to move a vertex, or the feature to move it whole; click its edge to insert a vertex; Delete removes the selected vertex (the feature when none is). Points snap to other features' vertices and lines; hold Shift not to. Right-drag pans.",
            )
            .small(),
        );
        let selected = editor
            .selected
            .and_then(|i| Some((i, l.layer.features.get(i)?)));
        if let Some((i, f)) = selected {
            ui.separator();
            form_ui(ui, l, (edit, i, f), editor.vertex, forms, out);
        }
    });
}

/// The selected feature's attributes, by role, with each problem beside its field.
fn form_ui(
    ui: &mut egui::Ui,
    l: &LoadedLayer,
    (edit, i, f): (
        &crate::app::editor::LayerEdit,
        usize,
        &crate::model::Feature,
    ),
    selected_vertex: Option<crate::edit::VertexAt>,
    forms: &mut Forms,
    out: &mut Vec<Command>,
) {
    let role = l.effective_role(f.role);
    let seq = edit.seq;
    let key = (seq, f.index, f.properties.clone());
    let form = &mut forms.edit;
    if form.of.as_ref() != Some(&key) {
        // A table's form asks only what the table holds and lets the app write.
        form.texts = fields(role)
            .iter()
            .filter(|fd| edit.not_asked(fd.key).is_none())
            .map(|fd| (fd.key, text_of(&f.properties, fd)))
            .collect();
        form.of = Some(key);
        forms.edit_problems.clear();
    }
    ui.add(
        egui::Label::new(
            RichText::new({
                let kind = role.as_kind().replace('_', " ");
                // A feature without a name or id is labelled by its number alone.
                match f.own_label() {
                    Some(label) => format!("{kind} {label} (feature {})", f.index),
                    None => format!("{kind} {}", f.label()),
                }
            })
            .strong(),
        )
        .wrap(),
    );
    ui.horizontal(|ui| {
        let line = matches!(
            f.geometry,
            Some(geo::Geometry::LineString(_) | geo::Geometry::MultiLineString(_))
        );
        if let Some(v) = selected_vertex.filter(|_| line)
            && ui
                .small_button("Split line here")
                .on_hover_text(format!(
                    "Cut the line in two at vertex {}: one feature of two parts meeting there (delete the vertices beside it to open a gap)",
                    v.index
                ))
                .clicked()
        {
            out.push(Command::Edit(EditCommand::Split));
        }
        if ui
            .small_button("Delete feature")
            .on_hover_text("Delete this feature (Undo brings it back)")
            .clicked()
        {
            out.push(Command::Edit(EditCommand::SelectVertex(None)));
            out.push(Command::Edit(EditCommand::RemoveVertex));
        }
    });
    // Above the fields, so that a problem shown under one does not move it.
    let mut apply = ui
        .button("Apply attributes")
        .on_hover_text("Check the values and change the feature (Undo takes it back); Enter in a field does the same")
        .clicked();
    let categories = crate::edit::form::categories(&l.layer);
    egui::Grid::new(("edit form", seq, i))
        .num_columns(2)
        .show(ui, |ui| {
            for fd in fields(role) {
                let Some((_, text)) = form.texts.iter_mut().find(|(k, _)| *k == fd.key) else {
                    if let Some(why) = edit.not_asked(fd.key) {
                        ui.label(RichText::new(fd.label).weak());
                        let shown = text_of(&f.properties, fd);
                        // A feature not yet saved has no number: the table gives it one then.
                        let (shown, why) = if shown.is_empty() {
                            let why = if why.contains("numbered by the table") {
                                format!("{why} when the feature is saved")
                            } else {
                                why
                            };
                            ("—".to_string(), why)
                        } else {
                            (shown, why)
                        };
                        // Wrapped: at the panel's usual width the reason would be cut off.
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!("{shown} (read-only: {why})")).weak(),
                            )
                            .wrap(),
                        );
                        ui.end_row();
                    }
                    continue;
                };
                let label = if fd.required {
                    format!("{} *", fd.label)
                } else {
                    fd.label.to_string()
                };
                let label = ui.label(label);
                ui.vertical(|ui| {
                    let edit = match fd.kind {
                        Kind::Closures => egui::TextEdit::multiline(text).desired_rows(2),
                        _ => egui::TextEdit::singleline(text),
                    };
                    let hint = match fd.kind {
                        Kind::Time => "YYYY-MM-DD HH:MM (UTC)",
                        Kind::Closures => "start, end (UTC), one per line",
                        Kind::Metres => "metres",
                        Kind::Kilometres => "kilometres",
                        _ => "",
                    };
                    let width = (ui.available_width() - 8.0).clamp(120.0, 240.0);
                    let field = ui
                        .add(edit.hint_text(hint).desired_width(width))
                        .labelled_by(label.id)
                        .on_hover_text(format!("the property \"{}\"", fd.key));
                    // Enter in a one-line field applies the form.
                    if fd.kind != Kind::Closures
                        && field.lost_focus()
                        && ui.input(|i| i.key_pressed(egui::Key::Enter))
                    {
                        apply = true;
                    }
                    if fd.kind == Kind::Category && !categories.is_empty() {
                        egui::ComboBox::from_id_salt(("category", seq, i))
                            .selected_text("pick")
                            .show_ui(ui, |ui| {
                                for c in &categories {
                                    if ui.selectable_label(text == c, c.as_str()).clicked() {
                                        *text = c.clone();
                                    }
                                }
                            });
                    }
                    for (_, p) in forms.edit_problems.iter().filter(|(k, _)| *k == fd.key) {
                        ui.label(RichText::new(p).color(PROBLEM));
                    }
                });
                ui.end_row();
            }
        });
    if apply {
        out.push(Command::Edit(EditCommand::Attributes {
            feature: i,
            typed: form.texts.clone(),
        }));
    }
}

/// The window was asked to close while the edited layer has unsaved edits.
pub fn quit_window(
    ctx: &egui::Context,
    session: &Session,
    open: &mut bool,
    out: &mut Vec<Command>,
) {
    if !*open {
        return;
    }
    let Some(edit) = &session.editor.edit else {
        *open = false;
        return;
    };
    let mut stay = false;
    egui::Modal::new(egui::Id::unique("quit with unsaved edits")).show(ctx, |ui| {
        ui.heading("Unsaved edits");
        ui.label(format!(
            "{} has edits that are not saved.",
            edit.source.label()
        ));
        ui.horizontal(|ui| {
            if ui.button("Save, then quit").clicked() {
                out.push(Command::Edit(EditCommand::Quit { save: true }));
            }
            if ui
                .button("Quit without saving")
                .on_hover_text("The edits are lost")
                .clicked()
            {
                out.push(Command::Edit(EditCommand::Quit { save: false }));
            }
            if ui.button("Cancel").clicked() {
                stay = true;
            }
        });
    });
    if stay {
        *open = false;
    }
}

/// New incident… (Ctrl+I, the map's context menu): where, as MGRS or a
/// position typed (or the last place found with Go to), and into which
/// incidents layer; the layer's form then opens with the id and time filled in.
pub fn new_incident_window(
    ctx: &egui::Context,
    session: &Session,
    settings: &mut crate::app::settings::Settings,
    out: &mut Vec<Command>,
) {
    if !settings.windows.new_incident {
        return;
    }
    let forms = &mut settings.forms;
    let layers: Vec<(usize, &LoadedLayer)> = session
        .layers
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            crate::app::model::dominant_role(&l.layer) == crate::model::Role::Incident
                && editable(l).is_ok()
        })
        .collect();
    if forms
        .incident_layer
        .is_none_or(|s| !layers.iter().any(|(_, l)| l.seq == s))
    {
        forms.incident_layer = layers
            .iter()
            .find(|(_, l)| session.editor.editing(l.seq))
            .or(layers.first())
            .map(|(_, l)| l.seq);
    }
    let mut open = true;
    let mut create = None;
    egui::Window::new("New incident")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            let label = ui.label("Where (MGRS, or a position with N/E)");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut forms.incident_at)
                        .hint_text("37U DP 10659 28111, or 48.1N 37.8E")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
            // Ready to type into as the window opens.
            if ui.memory(|m| m.focused().is_none()) {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some((at, what)) = &session.last_go_to
                && ui
                    .small_button(format!("At the place found: {what}"))
                    .clicked()
            {
                forms.incident_at = crate::output::text::mgrs(*at);
            }
            let found = crate::output::text::parse_position(&forms.incident_at);
            let at = match found.as_slice() {
                [(at, what)] => {
                    ui.label(format!("{what} (WGS 84)"));
                    Some(*at)
                }
                [] if forms.incident_at.trim().is_empty() => None,
                [] => {
                    ui.label(
                        RichText::new("Not a position: write MGRS (37U DP 10659 28111) or 48.1N 37.8E")
                            .color(PROBLEM),
                    );
                    None
                }
                _ => {
                    ui.label(
                        RichText::new("Both orders are positions: add N/E (48.1N 37.8E), or write MGRS")
                            .color(PROBLEM),
                    );
                    None
                }
            };
            let chosen = layers
                .iter()
                .find(|(_, l)| Some(l.seq) == forms.incident_layer);
            match chosen {
                None => {
                    ui.label(
                        RichText::new(
                            "No incidents layer that can be edited is open (a GeoJSON or GeoPackage file, or a PostGIS table, of incidents): open one first.",
                        )
                        .color(PROBLEM),
                    );
                }
                Some((_, l)) => {
                    egui::ComboBox::from_label("Into layer")
                        .selected_text(l.layer.name.as_str())
                        .show_ui(ui, |ui| {
                            for (_, x) in &layers {
                                if ui
                                    .selectable_label(Some(x.seq) == forms.incident_layer, x.layer.name.as_str())
                                    .clicked()
                                {
                                    forms.incident_layer = Some(x.seq);
                                }
                            }
                        });
                }
            }
            if (ui
                .add_enabled(at.is_some() && chosen.is_some(), egui::Button::new("Create incident"))
                .on_hover_text("The incident is added there, its id and the time now (UTC) filled in; its form opens in the Layers tab (Enter in the field does the same)")
                .clicked()
                || entered)
                && let (Some(at), Some((i, _))) = (at, chosen)
            {
                create = Some((*i, at));
            }
        });
    if let Some((layer, at)) = create {
        out.push(Command::Edit(EditCommand::NewIncident { layer, at }));
        open = false;
    }
    settings.windows.new_incident = open;
}

/// Whether a layer can be edited here, or why not.
pub(super) fn editable(l: &crate::app::model::LoadedLayer) -> Result<(), String> {
    use crate::app::model::Origin;
    if crate::app::model::dominant_role(&l.layer) == crate::model::Role::Track {
        return Err("Tracks are recorded positions: they are not edited".into());
    }
    match &l.origin {
        Origin::Path(p)
            if p
                .extension()
                .is_some_and(|e| ["geojson", "json", "gpkg"].iter().any(|x| e.eq_ignore_ascii_case(x))) =>
        {
            Ok(())
        }
        Origin::Path(_) => Err(
            "Only GeoJSON and GeoPackage files can be edited for now: export a GeoJSON copy to edit".into(),
        ),
        Origin::Url(u) if crate::io::postgis::is_db_url(u) => Ok(()),
        Origin::Url(_) => Err("A layer read from a URL is not edited: export a GeoJSON copy to edit".into()),
        Origin::Feed(_) => Err("A live feed's reports are not edited".into()),
        Origin::Drawn(_) => Err("Save the new movements first (File > Export)".into()),
    }
}

//! Route tab > Notify movement…: the planned route becomes a `movement`
//! feature (convoy, window, vehicles, contact, notes) in the app's layer of
//! new movements, which File > Export saves as GeoJSON. A bad value is
//! refused beside its field.

use crate::app::command::Command;
use crate::app::map::style::DEVIATION;
use crate::app::session::Session;
use crate::app::settings::Settings;
use crate::output::route::MovementText;
use eframe::egui;

/// An RFC 3339 text of a typed time (any form the readers take), or why not.
fn time_field(text: &str, end: bool) -> Result<String, String> {
    let (a, b) = crate::io::time::parse_time_span(text.trim())
        .map_err(|e| format!("\"{}\": {e}; write it as 2026-03-02T08:00:00Z", text.trim()))?;
    crate::utc::format_rfc3339(if end { b } else { a })
        .ok_or_else(|| format!("\"{}\" is not a time", text.trim()))
}

/// The form as a movement, or the field at fault and why.
pub fn validate(
    form: &MovementText,
    taken: &[&str],
) -> Result<MovementText, (&'static str, String)> {
    let id = form.id.trim();
    if id.is_empty() {
        return Err(("id", "give the movement an id".into()));
    }
    if taken.contains(&id) {
        return Err(("id", format!("{id} is already a movement's id")));
    }
    let convoy = form.convoy_id.trim();
    if convoy.is_empty() {
        return Err(("convoy", "name the convoy it approves".into()));
    }
    let start = time_field(&form.window_start, false).map_err(|e| ("start", e))?;
    let end = time_field(&form.window_end, true).map_err(|e| ("end", e))?;
    if end <= start {
        return Err(("end", "the window ends before it starts".into()));
    }
    Ok(MovementText {
        id: id.into(),
        convoy_id: convoy.into(),
        window_start: start,
        window_end: end,
        vehicles: form.vehicles.clone(),
        contact: form.contact.clone(),
        notes: form.notes.clone(),
    })
}

pub fn notify_window(
    ctx: &egui::Context,
    session: &Session,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    let mut open = settings.windows.notify;
    let mut added = false;
    egui::Window::new("Notify movement")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            let n = session.route.waypoints().len();
            ui.label(format!(
                "The route being planned ({n} waypoints, {:.0} km/h) as a notified movement.",
                session.route.speed_kmh
            ));
            // What the parties will see: a route off the corridors, or in the zone.
            if let Some(c) = &session.route.check {
                if c.outside_m() > 0.0 {
                    ui.colored_label(
                        DEVIATION,
                        format!(
                            "Caution: {} of the route's {} runs outside every corridor.",
                            crate::output::text::format_length_m(c.outside_m()),
                            crate::output::text::format_length_m(c.length_m())
                        ),
                    );
                }
                if c.zone_m() > 0.0 {
                    ui.colored_label(
                        DEVIATION,
                        format!(
                            "Caution: {} of it runs inside the buffer zone.",
                            crate::output::text::format_length_m(c.zone_m())
                        ),
                    );
                }
            }
            let form = &mut settings.forms.notify;
            let error = form.error.clone();
            let before = form.text.clone();
            egui::Grid::new("notify form")
                .num_columns(2)
                .show(ui, |ui| {
                    let field = |ui: &mut egui::Ui,
                                 key: &str,
                                 label: &str,
                                 text: &mut String,
                                 hint: &str| {
                        ui.label(label);
                        ui.vertical(|ui| {
                            ui.add(egui::TextEdit::singleline(text).hint_text(hint));
                            if let Some((k, e)) = &error
                                && *k == key
                            {
                                ui.colored_label(DEVIATION, e);
                            }
                        });
                        ui.end_row();
                    };
                    field(ui, "id", "Movement id", &mut form.text.id, "MOV-012");
                    field(ui, "convoy", "Convoy id", &mut form.text.convoy_id, "UN-12");
                    field(
                        ui,
                        "start",
                        "Window start (UTC)",
                        &mut form.text.window_start,
                        "2026-03-02T08:00:00Z",
                    );
                    field(
                        ui,
                        "end",
                        "Window end (UTC)",
                        &mut form.text.window_end,
                        "2026-03-02T18:00:00Z",
                    );
                    field(
                        ui,
                        "vehicles",
                        "Vehicles",
                        &mut form.text.vehicles,
                        "4 trucks, 1 escort",
                    );
                    field(
                        ui,
                        "contact",
                        "Contact",
                        &mut form.text.contact,
                        "name, phone, radio",
                    );
                    field(ui, "notes", "Notes", &mut form.text.notes, "");
                });
            // A field changed: its old complaint goes.
            if form.text != before {
                form.error = None;
            }
            if ui
                .add_enabled(n >= 2, egui::Button::new("Add movement"))
                .clicked()
            {
                let taken: Vec<&str> = session
                    .analysis
                    .iter()
                    .flat_map(|a| &a.scn.notified.movements)
                    .map(|m| m.id.as_str())
                    .chain(
                        session
                            .new_movements
                            .iter()
                            .filter_map(|f| f["properties"]["id"].as_str()),
                    )
                    .collect();
                match validate(&form.text, &taken) {
                    Ok(m) => {
                        form.error = None;
                        out.push(Command::AddMovement(m));
                        added = true;
                    }
                    Err(e) => form.error = Some(e),
                }
            }
        });
    settings.windows.notify = open && !added;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> MovementText {
        MovementText {
            id: "MOV-100".into(),
            convoy_id: "UN-12".into(),
            window_start: "2026-03-05T08:00:00Z".into(),
            window_end: "2026-03-05T18:00:00Z".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_is_a_movement_and_bad_fields_are_named() {
        let m = validate(&form(), &[]).expect("valid");
        assert_eq!(m.window_end, "2026-03-05T18:00:00Z");
        let mut f = form();
        f.window_end = "2026-03-05T07:00:00Z".into();
        assert_eq!(validate(&f, &[]).unwrap_err().0, "end");
        let mut f = form();
        f.window_start = "tomorrow".into();
        assert_eq!(validate(&f, &[]).unwrap_err().0, "start");
        assert_eq!(validate(&form(), &["MOV-100"]).unwrap_err().0, "id");
        let mut f = form();
        f.convoy_id = " ".into();
        assert_eq!(validate(&f, &[]).unwrap_err().0, "convoy");
    }
}

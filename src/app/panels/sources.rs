//! File > Open database… and File > Open OGC API…: the shared sources.

use super::widgets::form_window;
use crate::app::command::Command;
use crate::app::session::Session;
use crate::app::settings::Settings;
use eframe::egui::{self, RichText};

pub fn db_window(ctx: &egui::Context, settings: &mut Settings, out: &mut Vec<Command>) {
    let Settings { windows, forms, .. } = settings;
    let open = form_window(
        ctx,
        "Open database",
        &mut windows.open_db,
        "Open table",
        |ui| {
            ui.label("A PostGIS table or view:");
            ui.add(
                egui::TextEdit::singleline(&mut forms.db_url)
                    .hint_text("postgresql://user@host:5432/db?table=schema.table")
                    .desired_width(420.0),
            );
            ui.label(
            RichText::new(
                "Optional: &geometry=COLUMN, &kind=ROLE (for a table without a kind column), &sslmode=require. \
                 The password may come from PGPASSWORD or ~/.pgpass; it is never shown or saved.",
            )
            .small(),
        );
        },
    );
    if open {
        out.push(Command::OpenUrl(forms.db_url.trim().to_string()));
    }
}

pub fn ogc_window(
    ctx: &egui::Context,
    session: &Session,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    let Settings { windows, forms, .. } = settings;
    egui::Window::new("Open OGC API")
        .open(&mut windows.open_ogc)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label("An OGC API Features server (its landing page):");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut forms.ogc_url)
                        .hint_text("https://server/ogcapi")
                        .desired_width(340.0),
                );
                if ui.button("List collections").clicked() {
                    out.push(Command::ListCollections(forms.ogc_url.trim().to_string()));
                }
            });
            ui.checkbox(
                &mut forms.ogc_view_only,
                "Only the items within the current view (bbox)",
            );
            ui.separator();
            match &session.ogc_collections {
                None => {
                    ui.label("Collections appear here once listed.");
                }
                Some(Err(e)) => {
                    ui.colored_label(crate::app::map::style::ZONE_ENTRY, e);
                }
                Some(Ok(list)) => {
                    egui::ScrollArea::vertical()
                        .max_height(300.0)
                        .show(ui, |ui| {
                            egui::Grid::new("collections").striped(true).show(ui, |ui| {
                                for c in list {
                                    ui.label(&c.title).on_hover_text(&c.items_url);
                                    ui.label(RichText::new(&c.id).small());
                                    if ui.button("Open").clicked() {
                                        out.push(Command::OpenCollection {
                                            items_url: c.items_url.clone(),
                                            view_only: forms.ogc_view_only,
                                        });
                                    }
                                    ui.end_row();
                                }
                            });
                        });
                }
            }
        });
}

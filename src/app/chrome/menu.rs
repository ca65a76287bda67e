//! The menu bar: File, Basemap, View, Help.

use crate::app::command::{Command, TimelineControl};
use crate::app::export::ExportKind;
use crate::app::live::feed::FeedWatch;
use crate::app::session::Session;
use crate::app::settings::Settings;
use crate::app::settings::TileChoice;
use eframe::egui;

pub fn menu_ui(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    session: &Session,
    feed: Option<&FeedWatch>,
    out: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, settings, feed, out));
        // It holds a text field: a click into it must not close the menu
        // (a menu closes on any click inside by default); its choices close it themselves.
        let typing = egui::containers::menu::MenuConfig::new()
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
        egui::containers::menu::MenuButton::new("Basemap")
            .config(typing)
            .ui(ui, |ui| basemap_menu_ui(ui, settings, out));
        ui.menu_button("Edit", |ui| {
            let editing = session.editor.edit.as_ref();
            if ui
                .add_enabled(
                    editing.is_some_and(|e| e.history.can_undo()),
                    egui::Button::new("Undo").shortcut_text("Ctrl+Z"),
                )
                .clicked()
            {
                out.push(Command::Edit(crate::app::command::EditCommand::Undo));
                ui.close();
            }
            if ui
                .add_enabled(
                    editing.is_some_and(|e| e.history.can_redo()),
                    egui::Button::new("Redo").shortcut_text("Ctrl+Y"),
                )
                .clicked()
            {
                out.push(Command::Edit(crate::app::command::EditCommand::Redo));
                ui.close();
            }
            ui.separator();
            if ui
                .add(egui::Button::new("New incident…").shortcut_text("Ctrl+I"))
                .on_hover_text("Log an incident at an MGRS reference, a position, a place found, or (Ctrl+I over the map) the pointer")
                .clicked()
            {
                out.push(Command::OpenNewIncident(None));
                ui.close();
            }
            ui.label(egui::RichText::new("Layers tab > Edit puts a layer in edit mode").small());
        });
        ui.menu_button("View", |ui| {
            if ui.button("Zoom to all layers").clicked() {
                out.push(Command::ZoomToAll);
                ui.close();
            }
            ui.checkbox(&mut settings.show_log, "Log panel");
            let mut replay = session.timeline.enabled;
            if ui.checkbox(&mut replay, "Timeline (time slider)").changed() {
                out.push(Command::Timeline(TimelineControl::Show(replay)));
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard and mouse").clicked() {
                settings.windows.keys = true;
                ui.close();
            }
            if ui.button("About corridor-watch").clicked() {
                settings.windows.about = true;
                ui.close();
            }
        });
    });
}

fn file_menu_ui(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    feed: Option<&FeedWatch>,
    out: &mut Vec<Command>,
) {
    let mut item = |ui: &mut egui::Ui, label: &str, c: Command| {
        if ui.button(label).clicked() {
            out.push(c);
            ui.close();
        }
    };
    item(ui, "Open…", Command::PickFiles);
    if ui.button("Open URL…").clicked() {
        settings.windows.open_url = true;
        ui.close();
    }
    if ui.button("Open database…").clicked() {
        settings.windows.open_db = true;
        ui.close();
    }
    if ui.button("Open OGC API…").clicked() {
        settings.windows.open_ogc = true;
        ui.close();
    }
    item(ui, "Open bundled scenario", Command::OpenBundled);
    ui.separator();
    item(ui, "Watch feed URL…", Command::ShowFeedWindow);
    item(
        ui,
        "Replay recorded tracks as live…",
        Command::PickReplayFiles,
    );
    if feed.is_some_and(FeedWatch::is_running) {
        item(ui, "Stop watching the feed", Command::StopFeed);
    }
    ui.separator();
    item(ui, "Open route…", Command::PickRouteFile);
    item(ui, "Save route…", Command::PickExport(ExportKind::Route));
    item(
        ui,
        "Monitoring report (PDF)…",
        Command::PickExport(ExportKind::MonitoringReport),
    );
    ui.menu_button("Export", |ui| {
        for kind in ExportKind::MENU {
            item(ui, kind.menu_label(), Command::PickExport(kind));
        }
    });
    ui.separator();
    if ui.button("Quit").clicked() {
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

fn basemap_menu_ui(ui: &mut egui::Ui, settings: &mut Settings, out: &mut Vec<Command>) {
    for (choice, label) in [
        (TileChoice::Offline, "Bundled Natural Earth (offline)"),
        (TileChoice::OpenStreetMap, "OpenStreetMap tiles (online)"),
    ] {
        if ui.radio(settings.tile_choice == choice, label).clicked() {
            out.push(Command::SetTiles(choice));
            ui.close();
        }
    }
    ui.horizontal(|ui| {
        ui.label("XYZ URL:");
        ui.text_edit_singleline(&mut settings.custom_tile_url);
    });
    if ui.button("Local PMTiles file…").clicked() {
        out.push(Command::PickPmTiles);
        ui.close();
    }
    if ui.button("Use custom XYZ tiles").clicked() {
        let url = settings.custom_tile_url.clone();
        out.push(Command::SetTiles(TileChoice::Custom(url)));
        ui.close();
    }
}
